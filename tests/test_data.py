"""Datasets, the DataLoader, the digits, the MNIST reader and the transforms."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import data
from minigrad.data import DataLoader, TensorDataset

MNIST_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def _numbers(n=10):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    return TensorDataset(x, np.arange(n))


# --- DataLoader -----------------------------------------------------------------------------


def test_loader_keeps_order_and_batches_as_tensors():
    batches = list(DataLoader(_numbers(10), batch_size=4))
    assert [len(y) for _, y in batches] == [4, 4, 2]
    x, y = batches[0]
    assert isinstance(x, mg.Tensor) and isinstance(y, mg.Tensor)
    assert x.dtype == np.float32 and y.dtype == np.int64 and x.shape == (4, 2)
    np.testing.assert_array_equal(np.concatenate([y.numpy() for _, y in batches]), np.arange(10))
    np.testing.assert_array_equal(batches[2][0].numpy(), [[16, 17], [18, 19]])


def test_drop_last_and_len():
    ds = _numbers(10)
    assert len(DataLoader(ds, batch_size=4)) == 3
    loader = DataLoader(ds, batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [len(y) for _, y in loader] == [4, 4]
    assert len(DataLoader(ds, batch_size=20, drop_last=True)) == 0
    assert len(DataLoader(ds)) == 10


def test_shuffle_covers_everything_once_and_changes_each_epoch():
    loader = DataLoader(_numbers(50), batch_size=8, shuffle=True, seed=3)
    epochs = [np.concatenate([y.numpy() for _, y in loader]) for _ in range(2)]
    for order in epochs:
        np.testing.assert_array_equal(np.sort(order), np.arange(50))
    assert not np.array_equal(epochs[0], epochs[1])
    assert not np.array_equal(epochs[0], np.arange(50))
    # rows stay together: x follows y
    for x, y in loader:
        np.testing.assert_array_equal(x.numpy()[:, 0], 2 * y.numpy())


def test_same_seed_same_order_and_manual_seed_drives_unseeded_loaders():
    def order(loader):
        return np.concatenate([y.numpy() for _, y in loader])

    a = DataLoader(_numbers(30), batch_size=7, shuffle=True, seed=11)
    b = DataLoader(_numbers(30), batch_size=7, shuffle=True, seed=11)
    np.testing.assert_array_equal(order(a), order(b))
    np.testing.assert_array_equal(order(a), order(b))  # second epochs agree too
    mg.manual_seed(5)
    first = order(DataLoader(_numbers(30), batch_size=7, shuffle=True))
    mg.manual_seed(5)
    again = order(DataLoader(_numbers(30), batch_size=7, shuffle=True))
    np.testing.assert_array_equal(first, again)


class _Squares(data.Dataset):
    """A dataset without get_batch: samples are collated one by one."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.full((2, 2), float(i)), i * i


def test_collate_of_per_sample_datasets():
    x, y = next(iter(DataLoader(_Squares(), batch_size=3)))
    assert x.shape == (3, 2, 2) and x.dtype == np.float32  # float64 samples become float32
    np.testing.assert_array_equal(y.numpy(), [0, 1, 4])
    assert y.dtype == np.int64


def test_tensor_dataset_keeps_its_dtypes():
    ds = TensorDataset(mg.tensor(np.ones((4, 2)), dtype=mg.float64), np.arange(4, dtype=np.uint8))
    x, y = next(iter(DataLoader(ds, batch_size=2)))
    assert x.dtype == np.float64 and y.dtype == np.uint8


def test_subset_selects_and_keeps_the_fast_path():
    sub = data.Subset(_numbers(10), [7, 2, 5])
    assert len(sub) == 3 and sub[0][1] == 7
    ((x, y),) = list(DataLoader(sub, batch_size=3))
    np.testing.assert_array_equal(y.numpy(), [7, 2, 5])
    np.testing.assert_array_equal(x.numpy()[:, 1], [15, 5, 11])
    with pytest.raises(IndexError, match=r"indices must lie in \[0, 10\)"):
        data.Subset(_numbers(10), [10])


def test_loader_and_dataset_errors():
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        DataLoader(_numbers(), batch_size=0)
    with pytest.raises(TypeError, match="wrap arrays in TensorDataset"):
        DataLoader(5)
    with pytest.raises(ValueError, match=r"same first dimension.*\(3, 2\), \(4,\)"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))


def test_tensor_dataset_transform_applies_to_inputs_only():
    x = np.zeros((4, 1, 3, 3), np.float32)
    ds = TensorDataset(x, np.arange(4), transform=data.Normalize(0.5, 0.25))
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    np.testing.assert_allclose(xb.numpy(), -2.0)
    np.testing.assert_array_equal(yb.numpy(), np.arange(4))
    np.testing.assert_allclose(ds[1][0], -2.0)


# --- digits ---------------------------------------------------------------------------------


def test_load_digits_shapes_split_and_determinism():
    train, test = data.load_digits()
    (xtr, ytr), (xte, yte) = train.tensors, test.tensors
    assert len(train) == 1438 and len(test) == 359  # 1,797 in all, 20% of each digit held out
    assert xtr.shape == (1438, 1, 32, 32) and xtr.dtype == np.float32
    assert ytr.dtype == np.int64 and yte.shape == (359,)
    assert 0.0 <= xtr.numpy().min() and xtr.numpy().max() <= 1.0
    counts = np.bincount(yte.numpy(), minlength=10)
    assert counts.min() >= 34 and counts.max() <= 37  # stratified
    train2, test2 = data.load_digits()
    np.testing.assert_array_equal(test2.tensors[0].numpy(), xte.numpy())
    _, other = data.load_digits(seed=1)
    assert not np.array_equal(other.tensors[1].numpy(), yte.numpy())
    # the same image is never in both parts
    a = {row.tobytes() for row in xtr.numpy()}
    assert not any(row.tobytes() in a for row in xte.numpy())


def test_load_digits_bilinear_upsampling_matches_torch(torch):
    images = data._sklearn_digits()[0][:5] / 16.0
    ours = data._bilinear_matrix(8, 32) @ images @ data._bilinear_matrix(8, 32).T
    ref = torch.nn.functional.interpolate(
        torch.tensor(images)[:, None], size=(32, 32), mode="bilinear", align_corners=False
    )[:, 0]
    np.testing.assert_allclose(ours, ref.numpy(), atol=1e-12)
    x8, _ = data.load_digits(size=8)[0].tensors  # size 8 is the original image
    assert x8.shape[-2:] == (8, 8)


def test_digits_read_from_the_csv_equal_scikit_learns():
    from sklearn.datasets import load_digits

    images, labels = data._sklearn_digits()
    reference = load_digits()
    np.testing.assert_array_equal(images, reference.images)
    np.testing.assert_array_equal(labels, reference.target)
    # read once per process, and shared: nobody may change them
    assert data._sklearn_digits()[0] is images
    with pytest.raises(ValueError, match="read-only"):
        images[0, 0, 0] = 1.0


def test_load_digits_bad_arguments():
    with pytest.raises(ValueError, match="size must be a positive integer, got 0"):
        data.load_digits(size=0)
    with pytest.raises(ValueError, match=r"test_fraction must be in \(0, 1\), got 1.5"):
        data.load_digits(test_fraction=1.5)


# --- MNIST ----------------------------------------------------------------------------------


def _idx(arr: np.ndarray, type_code: int = 0x08) -> bytes:
    header = bytes([0, 0, type_code, arr.ndim]) + np.array(arr.shape, ">u4").tobytes()
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def _write_mnist(root: Path, train: bool, n: int, compress: bool, rng) -> tuple:
    root.mkdir(parents=True, exist_ok=True)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    prefix = "train" if train else "t10k"
    for name, arr in (("images-idx3", images), ("labels-idx1", labels)):
        blob, path = _idx(arr), root / f"{prefix}-{name}-ubyte"
        if compress:
            path.with_suffix(".gz").write_bytes(gzip.compress(blob))
        else:
            path.write_bytes(blob)
    return images, labels


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "raw"])
def test_mnist_reads_tiny_idx_files(tmp_path, rng, compress):
    images, labels = _write_mnist(tmp_path, True, 7, compress, rng)
    ds = data.MNIST(tmp_path, train=True)
    assert len(ds) == 7
    np.testing.assert_array_equal(ds.data, images)
    np.testing.assert_array_equal(ds.targets, labels)
    x, y = ds[3]
    assert x.shape == (1, 28, 28) and x.dtype == np.float32
    np.testing.assert_allclose(x[0], images[3] / 255.0, rtol=1e-6)
    assert y == labels[3]
    xb, yb = next(iter(DataLoader(ds, batch_size=5)))
    assert xb.shape == (5, 1, 28, 28) and yb.dtype == np.int64


def test_mnist_applies_its_transform_to_each_image(tmp_path, rng):
    images, _ = _write_mnist(tmp_path, False, 4, True, rng)
    ds = data.MNIST(tmp_path, train=False, transform=data.Normalize(0.5, 0.5))
    x, _ = ds[2]
    np.testing.assert_allclose(x[0], (images[2] / 255.0 - 0.5) / 0.5, rtol=1e-5, atol=1e-6)


def test_read_idx_other_types(tmp_path):
    arr = np.arange(12, dtype=np.int32).reshape(3, 4) - 5
    (tmp_path / "a.idx").write_bytes(_idx(arr, 0x0C))
    out = data.read_idx(tmp_path / "a.idx")
    np.testing.assert_array_equal(out, arr)
    assert out.dtype == np.int32


def test_mnist_wrong_magic_is_refused(tmp_path, rng):
    _write_mnist(tmp_path, False, 3, False, rng)
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(ValueError, match="is not an IDX file: its first bytes are 50 4b 03 04"):
        data.MNIST(tmp_path, train=False)


def test_mnist_truncated_file_is_refused(tmp_path, rng):
    _write_mnist(tmp_path, False, 3, True, rng)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-10]))
    with pytest.raises(ValueError, match=r"shape \(3, 28, 28\).*the file is truncated"):
        data.MNIST(tmp_path, train=False)
    path.write_bytes(path.read_bytes()[:40])  # a cut gzip stream
    with pytest.raises(ValueError, match="not a valid gzip file"):
        data.MNIST(tmp_path, train=False)


def test_mnist_images_and_labels_must_agree(tmp_path, rng):
    _write_mnist(tmp_path, False, 3, False, rng)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(_idx(np.zeros(4, np.uint8)))
    with pytest.raises(ValueError, match=r"got \(3, 28, 28\) and \(4,\)"):
        data.MNIST(tmp_path, train=False)


def test_missing_mnist_names_the_files_and_folder(tmp_path):
    root = tmp_path / "mnist"
    with pytest.raises(FileNotFoundError) as info:
        data.MNIST(root, train=True)
    msg = str(info.value)
    assert str(root.resolve() / "train-images-idx3-ubyte.gz") in msg
    assert str(root.resolve() / "train-labels-idx1-ubyte.gz") in msg
    assert "download=True" in msg


def test_official_size_with_wrong_checksum_is_refused(tmp_path, monkeypatch, rng):
    _write_mnist(tmp_path, False, 2, False, rng)
    size = (tmp_path / "t10k-labels-idx1-ubyte").stat().st_size
    monkeypatch.setitem(data.MNIST.official, "t10k-labels-idx1-ubyte", (size, "0" * 32))
    with pytest.raises(ValueError, match="not its checksum.*verify=False"):
        data.MNIST(tmp_path, train=False)
    assert len(data.MNIST(tmp_path, train=False, verify=False)) == 2
    good = hashlib.md5((tmp_path / "t10k-labels-idx1-ubyte").read_bytes()).hexdigest()
    monkeypatch.setitem(data.MNIST.official, "t10k-labels-idx1-ubyte", (size, good))
    assert len(data.MNIST(tmp_path, train=False)) == 2


def test_download_without_network_leaves_nothing_and_explains(tmp_path, monkeypatch):
    def offline(url, timeout=None):
        raise OSError("network is unreachable")

    monkeypatch.setattr(data.urllib.request, "urlopen", offline)
    with pytest.raises(FileNotFoundError, match=r"could not download t10k-images-idx3-ubyte.gz"):
        data.MNIST(tmp_path / "m", train=False, download=True)
    assert list((tmp_path / "m").iterdir()) == []


def test_download_checks_and_writes_atomically(tmp_path, monkeypatch, rng):
    images = _idx(rng.integers(0, 256, (2, 28, 28), dtype=np.uint8))
    labels = _idx(np.array([3, 4], np.uint8))
    blobs = {"t10k-images-idx3-ubyte": images, "t10k-labels-idx1-ubyte": labels}

    class Response:
        def __init__(self, blob):
            self.blob = blob

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return gzip.compress(self.blob)

    def fake(url, timeout=None):
        return Response(blobs[url.rsplit("/", 1)[1][:-3]])

    for name, blob in blobs.items():
        monkeypatch.setitem(data.MNIST.official, name, (len(blob), hashlib.md5(blob).hexdigest()))
    monkeypatch.setattr(data.urllib.request, "urlopen", fake)
    ds = data.MNIST(tmp_path, train=False, download=True)
    np.testing.assert_array_equal(ds.targets, [3, 4])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ]
    # a mirror serving a corrupted file: rejected, nothing written
    monkeypatch.setitem(data.MNIST.official, "t10k-images-idx3-ubyte", (len(images), "0" * 32))
    with pytest.raises(FileNotFoundError, match="checksum mismatch"):
        data.MNIST(tmp_path / "again", train=False, download=True)
    assert not any((tmp_path / "again").iterdir())


@pytest.mark.skipif(not MNIST_DIR.is_dir(), reason="the real MNIST test files are not here")
def test_real_mnist_test_set():
    ds = data.MNIST(MNIST_DIR, train=False)  # verifies the official checksums
    assert len(ds) == 10000 and ds.data.shape == (10000, 28, 28)
    assert ds.targets[:5].tolist() == [7, 2, 1, 0, 4]
    np.testing.assert_array_equal(np.bincount(ds.targets)[:3], [980, 1135, 1032])


# --- transforms -----------------------------------------------------------------------------


def test_normalize_per_channel():
    x = np.stack([np.full((2, 2), 1.0), np.full((2, 2), 3.0)]).astype(np.float32)
    out = data.Normalize([1.0, 1.0], [1.0, 2.0])(x)
    np.testing.assert_allclose(out[0], 0.0)
    np.testing.assert_allclose(out[1], 1.0)
    assert out.dtype == np.float32
    with pytest.raises(ValueError, match="3 means for an image with 2 channels"):
        data.Normalize([0, 0, 0], [1, 1, 1])(x)
    with pytest.raises(ValueError, match=r"one image of shape \(C, H, W\), got shape \(2, 2\)"):
        data.Normalize(0, 1)(x[0])


def test_random_crop_and_shift_move_the_image_within_bounds():
    x = np.zeros((1, 6, 6), np.float32)
    x[0, 2, 3] = 1.0
    mg.manual_seed(0)
    seen = set()
    for _ in range(60):
        out = data.RandomShift(2)(x)
        assert out.shape == (1, 6, 6)
        ((i, j),) = np.argwhere(out[0] == 1.0)
        assert abs(i - 2) <= 2 and abs(j - 3) <= 2
        seen.add((i, j))
    assert len(seen) > 10
    crop = data.RandomCrop(4, padding=1)(x)
    assert crop.shape == (1, 4, 4)
    with pytest.raises(ValueError, match=r"crop size \(9, 9\) is larger than the padded image"):
        data.RandomCrop(9)(x)


def test_horizontal_flip_and_compose():
    x = np.arange(6, dtype=np.float32).reshape(1, 2, 3)
    np.testing.assert_array_equal(data.RandomHorizontalFlip(p=1.0)(x), x[:, :, ::-1])
    np.testing.assert_array_equal(data.RandomHorizontalFlip(p=0.0)(x), x)
    t = data.Compose([data.RandomHorizontalFlip(1.0), data.Normalize(1.0, 2.0)])
    np.testing.assert_allclose(t(x), (x[:, :, ::-1] - 1) / 2)
    mg.manual_seed(1)
    flips = sum(data.RandomHorizontalFlip()(x)[0, 0, 0] == 2 for _ in range(200))
    assert 60 < flips < 140
