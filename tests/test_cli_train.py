"""`minigrad train lenet`: the main job, end to end in a quick configuration."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

import minigrad as mg
from minigrad.cli import main
from minigrad.models import LeNet5
from minigrad.serialization import load
from minigrad.viz import plots

PNG = b"\x89PNG\r\n\x1a\n"


def test_quick_run_writes_checkpoint_and_pictures(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["train", "lenet", "--quick", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "LeNet-5 (61,706 parameters)" in text
    assert "256 training and 128 test images; 1 epoch of 8 steps" in text
    assert "epoch 1/1 | train loss" in text
    assert "test accuracy:" in text
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "lenet5_digits.npz",
        "lenet5_digits_confusion.png",
        "lenet5_digits_history.png",
    ]
    for png in ("lenet5_digits_confusion.png", "lenet5_digits_history.png"):
        assert (out / png).read_bytes()[:8] == PNG
    model = LeNet5()
    model.load_state_dict(load(out / "lenet5_digits.npz"))  # strict: every key, every shape
    x = mg.zeros(2, 1, 32, 32)
    assert model(x).shape == (2, 10)


def test_same_seed_gives_the_same_weights(tmp_path, capsys, monkeypatch):
    for picture in ("plot_history", "plot_confusion_matrix"):  # drawn by the test above
        monkeypatch.setattr(plots, picture, lambda *args, **kwargs: None)
    args = ["train", "lenet", "--quick", "--optimizer", "adam", "--epochs", "2", "--seed", "4"]
    assert main(args + ["--batch-size", "64", "--lr", "0.01", "--out", str(tmp_path / "a")]) == 0
    assert main(args + ["--batch-size", "64", "--lr", "0.01", "--out", str(tmp_path / "b")]) == 0
    text = capsys.readouterr().out
    assert "2 epochs of 4 steps (batch 64), Adam lr 0.01" in text and "epoch 2/2" in text
    a, b = load(tmp_path / "a" / "lenet5_digits.npz"), load(tmp_path / "b" / "lenet5_digits.npz")
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(np.asarray(a[k]), np.asarray(b[k]))


@pytest.mark.parametrize(
    "args, message",
    [
        (["resnet"], "argument model: invalid choice: 'resnet'"),
        (["lenet", "--epochs", "0"], "argument --epochs: expected a positive integer, got '0'"),
        (["lenet", "--batch-size", "x"], "argument --batch-size: expected a positive integer"),
        (["lenet", "--lr=-0.1"], "argument --lr: expected a positive number, got '-0.1'"),
        (["lenet", "--data", "cifar"], "argument --data: invalid choice: 'cifar'"),
        (["lenet", "--optimizer", "rmsprop"], "argument --optimizer: invalid choice"),
        (["lenet", "--seed", "one"], "argument --seed: invalid int value: 'one'"),
        (["lenet", "--threads", "0"], "argument --threads: expected a positive integer"),
    ],
)
def test_bad_arguments_get_argparse_messages(args, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(["train", *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: minigrad train" in err and message in err


def test_missing_mnist_says_which_files_to_put_where(tmp_path):
    root, out = tmp_path / "nothing-here", tmp_path / "out"
    with pytest.raises(SystemExit) as info:
        main(["train", "lenet", "--data", "mnist", "--mnist-root", str(root), "--out", str(out)])
    msg = str(info.value.code)
    assert msg.startswith("minigrad train: MNIST's training and test sets are not in")
    assert f"{root.resolve()} (the folder does not exist): given by --mnist-root" in msg
    for name in ("train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1"):
        assert str(root.resolve() / f"{name}-ubyte.gz") in msg
    assert "--download" in msg and "download=True" not in msg  # the flag, not the argument
    assert not out.exists()  # nothing is written before the data is there


def _idx(arr):
    header = bytes([0, 0, 8, arr.ndim]) + np.array(arr.shape, ">u4").tobytes()
    return gzip.compress(header + arr.tobytes())


def test_mnist_run_on_tiny_idx_files(tmp_path, capsys, rng):
    root = tmp_path / "mnist"
    root.mkdir()
    for prefix, n in (("train", 40), ("t10k", 20)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        (root / f"{prefix}-images-idx3-ubyte.gz").write_bytes(_idx(images))
        (root / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(_idx(labels))
    out = tmp_path / "out"
    args = ["train", "lenet", "--data", "mnist", "--mnist-root", str(root), "--quick"]
    assert main(args + ["--out", str(out)]) == 0
    assert "40 training and 20 test images" in capsys.readouterr().out
    assert (out / "lenet5_mnist.npz").is_file()
    assert (out / "lenet5_mnist_confusion.png").read_bytes()[:8] == PNG


@pytest.mark.slow
def test_default_run_reaches_95_percent_on_digits(tmp_path, capsys):
    assert main(["train", "lenet", "--out", str(tmp_path)]) == 0
    line = [t for t in capsys.readouterr().out.splitlines() if t.startswith("test accuracy:")]
    accuracy = float(line[0].split()[2].rstrip("%"))
    assert accuracy >= 95.0
