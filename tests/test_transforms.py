"""The augmentations: random crops and shifts (against their definition, pad then cut),
rotation, scaling and brightness (composed in numpy, seeded), the text form
`minigrad train --augment` reads, and that option end to end."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import transforms as T
from minigrad.cli import main


def dot(size: int, row: int, col: int) -> np.ndarray:
    x = np.zeros((1, size, size), np.float32)
    x[0, row, col] = 1.0
    return x


def test_rotation_by_90_degrees_is_numpys_rot90_counter_clockwise():
    for size in (5, 6):  # pixel centres map onto pixel centres for odd and even sizes
        x = np.random.default_rng(size).random((2, size, size)).astype(np.float32)
        np.testing.assert_allclose(
            T.RandomRotation((90, 90))(x), np.rot90(x, axes=(1, 2)), atol=1e-6
        )
        np.testing.assert_allclose(
            T.RandomRotation((-90, -90))(x), np.rot90(x, k=-1, axes=(1, 2)), atol=1e-6
        )
    # a dot right of the centre goes above it (counter-clockwise on screen)
    ((r, c),) = np.argwhere(T.RandomRotation((90, 90))(dot(7, 3, 5))[0] > 0.5)
    assert (r, c) == (1, 3)


def test_rotation_keeps_a_dot_at_its_radius_and_brings_in_zeros():
    x = dot(9, 4, 7)  # 3 pixels right of the centre (4, 4)
    y = T.RandomRotation((45, 45))(x)[0]
    rows, cols = np.mgrid[0:9, 0:9]
    centre_r, centre_c = (y * rows).sum() / y.sum(), (y * cols).sum() / y.sum()
    assert abs(np.hypot(centre_r - 4, centre_c - 4) - 3) < 0.2
    assert centre_r < 4 and centre_c > 4  # up and to the right
    ones = T.RandomRotation((45, 45))(np.ones((1, 8, 8), np.float32))[0]
    assert ones[0, 0] == 0 and ones[4, 4] == pytest.approx(1.0)  # corners come in as zeros


def test_scaling_moves_a_dot_away_from_the_centre():
    x = dot(9, 4, 6)  # 2 pixels right of the centre
    y = T.RandomScale((2.0, 2.0))(x)[0]
    assert y[4, 8] == pytest.approx(1.0) and y.argmax() == 4 * 9 + 8  # now 4 pixels away
    assert y[4, 7] == pytest.approx(0.5)  # enlarged: the dot spreads over its neighbours
    half = T.RandomScale((0.5, 0.5))(np.ones((1, 8, 8), np.float32))[0]
    assert half[3:5, 3:5] == pytest.approx(1.0) and half[0, 0] == 0  # shrunk: zeros around
    np.testing.assert_allclose(T.RandomScale((1.0, 1.0))(x), x)


def padded_then_cut(x: np.ndarray, size: tuple[int, int], padding: int, rng) -> np.ndarray:
    """RandomCrop by its definition: the whole zero-padded image, then a window of it, drawn
    from `rng` in the same order (row offset, then column offset)."""
    padded = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    (oh, ow), (h, w) = size, padded.shape[1:]
    i, j = int(rng.integers(0, h - oh + 1)), int(rng.integers(0, w - ow + 1))
    return padded[:, i : i + oh, j : j + ow]


def test_random_crop_equals_padding_then_cutting_for_every_window():
    # sizes smaller than, equal to and larger than the image (up to the padded size), and
    # paddings wider than the crop, where a window can hold padding only
    cases = [((3, 3), 0), ((5, 7), 0), ((4, 4), 1), ((7, 7), 2), ((9, 10), 2), ((2, 3), 4),
             ((1, 1), 3), ((13, 15), 4)]  # fmt: skip
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64, np.uint8):
        x = (rng.random((2, 5, 7)) * 100 + 1).astype(dtype)  # no zeros: padding is visible
        for size, padding in cases:
            crop = T.RandomCrop(size, padding=padding)
            for seed in range(12):
                mg.manual_seed(seed)
                got = crop(x)
                want = padded_then_cut(x, size, padding, np.random.default_rng(seed))
                assert got.dtype == x.dtype and got.shape == (2, *size)
                np.testing.assert_array_equal(got, want)
    mg.manual_seed(3)
    shifted = T.RandomShift(4)(x)  # RandomShift(s) = RandomCrop(image size, padding=s)
    np.testing.assert_array_equal(shifted, padded_then_cut(x, (5, 7), 4, np.random.default_rng(3)))
    assert T.RandomShift(2)(mg.tensor(x[:1].astype(np.float32))).shape == (1, 5, 7)


def test_random_crop_output_owns_its_memory_when_padded():
    x = np.ones((1, 4, 4), np.float32)
    out = T.RandomCrop(4, padding=1)(x)
    out[...] = 7  # the caller may write into it: the input stays as it was
    assert np.all(x == 1)
    with pytest.raises(ValueError, match=r"crop size \(7, 7\) is larger than the padded image "
                       r"\(6, 6\)"):  # fmt: skip
        T.RandomCrop(7, padding=1)(x)


def test_brightness_multiplies_and_clips():
    x = np.full((1, 3, 3), 0.6, np.float32)
    mg.manual_seed(0)
    factors = {float(T.RandomBrightness(0.5)(x)[0, 0, 0]) / 0.6 for _ in range(50)}
    assert min(factors) >= 0.5 and max(factors) <= 1.5 and len(factors) > 40
    bright = T.RandomBrightness((2.0, 2.0), clip=(0.0, 1.0))(x)
    assert bright.dtype == np.float32 and np.all(bright == 1.0)
    assert np.all(T.RandomBrightness((0.5, 0.5))(x) == np.float32(0.3))


def test_augmentations_are_repeatable_with_the_seed_and_vary_without():
    x = np.random.default_rng(0).random((1, 16, 16)).astype(np.float32)
    augment = T.Compose([T.RandomRotation(20), T.RandomScale(0.2), T.RandomBrightness(0.3)])
    mg.manual_seed(5)
    first = [augment(x) for _ in range(3)]
    mg.manual_seed(5)
    again = [augment(x) for _ in range(3)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])  # another draw each call
    assert all(a.shape == x.shape and a.dtype == np.float32 for a in first)


def test_augmentation_text():
    steps = T.augmentation("rotate=15, scale ,brightness=0.3,shift=1").transforms
    assert [type(s).__name__ for s in steps] == [
        "RandomRotation",
        "RandomScale",
        "RandomBrightness",
        "RandomShift",
    ]
    assert steps[0].degrees == (-15.0, 15.0) and steps[1].scale == (0.9, 1.1)
    assert steps[2].factors == (0.7, 1.3) and steps[2].clip == (0.0, 1.0)
    assert steps[3].padding == 1
    with pytest.raises(ValueError, match=r"unknown augmentation 'rotat' .*did you mean 'rotate'"):
        T.augmentation("rotat")
    with pytest.raises(ValueError, match="'scale' must be a number, got 'big'"):
        T.augmentation("scale=big")
    with pytest.raises(ValueError, match="'shift' must be a whole number of pixels"):
        T.augmentation("shift=1.5")
    with pytest.raises(ValueError, match="named twice"):
        T.augmentation("rotate,rotate=5")
    with pytest.raises(ValueError, match="expected names"):
        T.augmentation("")


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="RandomRotation: the range .* is empty"):
        T.RandomRotation((10, -10))
    with pytest.raises(ValueError, match="RandomScale: factors must be > 0"):
        T.RandomScale(1.5)
    with pytest.raises(ValueError, match=r"affine: matrix must be an invertible 2x2"):
        T.affine(np.zeros((1, 3, 3)), [[0, 0], [0, 0]])
    with pytest.raises(ValueError, match=r"one image of shape \(C, H, W\)"):
        T.RandomRotation(10)(np.zeros((3, 3)))


def test_train_command_augments_the_training_images(tmp_path, capsys):
    args = ["train", "lenet", "--quick", "--augment", "rotate=10,scale,brightness"]
    assert main(args + ["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "training images augmented: Compose([RandomRotation(degrees=(-10.0, 10.0))" in out
    assert "test accuracy" in out and (tmp_path / "lenet5_digits.npz").exists()
    with pytest.raises(SystemExit):
        main(["train", "lenet", "--augment", "blur"])
    assert "argument --augment: unknown augmentation 'blur'" in capsys.readouterr().err


def test_augmented_training_set_draws_new_images_every_epoch():
    from minigrad.cli.train import _Augmented
    from minigrad.data import DataLoader, TensorDataset

    x = np.random.default_rng(0).random((6, 1, 8, 8)).astype(np.float32)
    ds = _Augmented(TensorDataset(x, np.arange(6)), T.RandomRotation(30))
    mg.manual_seed(0)
    first = [b for b in DataLoader(ds, batch_size=3)]
    second = [b for b in DataLoader(ds, batch_size=3)]
    assert first[0][0].shape == (3, 1, 8, 8) and first[0][0].dtype == np.float32
    np.testing.assert_array_equal(first[0][1].numpy(), [0, 1, 2])  # labels untouched
    assert not np.array_equal(first[0][0].numpy(), second[0][0].numpy())
    image, label = ds[4]
    assert image.shape == (1, 8, 8) and label == 4
