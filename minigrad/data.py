r"""Data: datasets, a loader that cuts them into shuffled batches, digits, MNIST, augmentation.

A *dataset* is anything with `len(ds)` and `ds[i]` returning one sample, usually a tuple
`(image, label)` of ndarrays or numbers. A `DataLoader` draws indices (shuffled or in order),
fetches the samples, and stacks them into batches of Tensors:

    train, test = load_digits()                    # 1,797 handwritten digits, 32x32
    loader = DataLoader(train, batch_size=64, shuffle=True, seed=0)
    for x, y in loader:                             # x: (64, 1, 32, 32) float32, y: (64,) int64
        ...

The augmentation transforms (Normalize, RandomShift, ...) live in `transforms.py` and are
importable from here too. Shape letters: N samples, C channels, H height, W width.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .factory import default_generator
from .fileio import atomic_write
from .tensor import Tensor
from .transforms import Compose, Normalize, RandomCrop, RandomHorizontalFlip, RandomShift

__all__ = [
    "Dataset",
    "TensorDataset",
    "Subset",
    "DataLoader",
    "load_digits",
    "MNIST",
    "read_idx",
    "Compose",
    "Normalize",
    "RandomCrop",
    "RandomShift",
    "RandomHorizontalFlip",
]


class Dataset:
    """A collection of samples: subclasses define `__len__` and `__getitem__(i)`.

    A dataset may also define `get_batch(indices)`, returning the whole batch as a tuple of
    stacked arrays: the DataLoader then fetches a batch in one step instead of one sample
    at a time (TensorDataset does this).
    """

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


def _as_array(x: Any) -> np.ndarray:
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


class TensorDataset(Dataset):
    """Samples are rows of the given arrays: `ds[i] = (x[i], y[i], ...)`.

    All arrays (Tensors or ndarrays) must have the same first dimension N. `transform`, if
    given, is applied to the first array's row of each sample (augmentation of the inputs).
    """

    def __init__(self, *tensors: Any, transform: Callable | None = None) -> None:
        if not tensors:
            raise ValueError("TensorDataset: give at least one tensor, e.g. TensorDataset(x, y)")
        self.tensors = tuple(t if isinstance(t, Tensor) else Tensor(t) for t in tensors)
        sizes = [t.shape[0] if t.ndim else None for t in self.tensors]
        if None in sizes or len(set(sizes)) != 1:
            shapes = [t.shape for t in self.tensors]
            raise ValueError(
                f"TensorDataset: every tensor must have the same first dimension (the number "
                f"of samples), got shapes {shapes}"
            )
        self.transform = transform

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __getitem__(self, index: int) -> tuple[np.ndarray, ...]:
        sample = [t.numpy()[index] for t in self.tensors]
        if self.transform is not None:
            sample[0] = self.transform(sample[0])
        return tuple(sample)

    def get_batch(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        batch = [t.numpy()[indices] for t in self.tensors]
        if self.transform is not None:
            batch[0] = np.stack([self.transform(row) for row in batch[0]])
        return tuple(batch)


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order (a view: nothing is copied)."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, np.asarray(indices, dtype=np.int64)
        n = len(dataset)
        if self.indices.size and not (-n <= self.indices.min() and self.indices.max() < n):
            raise IndexError(f"Subset: indices must lie in [0, {n}) for a dataset of {n} samples")
        if hasattr(dataset, "get_batch"):  # keep the fast path of the wrapped dataset
            self.get_batch = lambda indices: dataset.get_batch(self.indices[indices])

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]


def _stack(items: list[Any]) -> np.ndarray:
    """One batched array from samples; Python floats and float64 arrays become float32 (the
    default dtype), Python ints int64, as `mg.tensor` would make them."""
    arr = np.stack([_as_array(s) for s in items])
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    if arr.dtype.kind in "iu" and arr.dtype != np.uint8:
        return arr.astype(np.int64)
    return arr


def _collate(samples: list[Any]) -> Any:
    """Stack a list of samples (tuples of arrays or numbers) into a tuple of batched arrays."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        return tuple(_stack([s[k] for s in samples]) for k in range(len(first)))
    return _stack(samples)


class DataLoader:
    """Batches of a dataset, as Tensors; reshuffled at every pass when `shuffle=True`.

    `seed` fixes the sequence of shuffles (each epoch still gets a new order); without it the
    loader draws from minigrad's generator, `mg.manual_seed`. With `drop_last=True` a last,
    smaller batch is left out. `len(loader)` is the number of batches.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
    ) -> None:
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader: the dataset must support len(ds) and ds[i], got "
                f"{type(dataset).__name__}; wrap arrays in TensorDataset(x, y)"
            )
        if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        return (self._rng or default_generator()).permutation(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        get_batch = getattr(self.dataset, "get_batch", None)
        for b in range(len(self)):
            indices = order[b * self.batch_size : (b + 1) * self.batch_size]
            if get_batch is not None:
                batch = get_batch(indices)
            else:
                batch = _collate([self.dataset[int(i)] for i in indices])
            if isinstance(batch, tuple):
                yield tuple(Tensor._constant(np.asarray(a)) for a in batch)
            else:
                yield Tensor._constant(np.asarray(batch))

    def __repr__(self) -> str:
        return (
            f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)}, batch_size="
            f"{self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last}, "
            f"seed={self.seed})"
        )


# --------------------------------------------------------------------------------------------
# The embedded default: scikit-learn's handwritten digits


def _bilinear_matrix(n_in: int, n_out: int) -> np.ndarray:
    r"""The (n_out, n_in) matrix A with `A @ row` = the row resampled bilinearly to n_out.

    Pixel centres are aligned (PyTorch's align_corners=False): output pixel i samples the input
    at s = (i + 0.5) * n_in / n_out - 0.5, clamped to [0, n_in - 1], mixing its two neighbours
    floor(s) and floor(s) + 1 with weights 1 - frac(s) and frac(s).
    """
    s = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    lo = np.floor(s).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = s - lo
    A = np.zeros((n_out, n_in))
    np.add.at(A, (np.arange(n_out), lo), 1 - frac)
    np.add.at(A, (np.arange(n_out), hi), frac)
    return A


def _stratified_split(y: np.ndarray, test_fraction: float, seed: int) -> tuple:
    """Indices (train, test), sorted, with round(n_c * test_fraction) of each class c in test."""
    rng = np.random.default_rng(seed)
    test = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        test.append(rng.permutation(members)[: int(round(len(members) * test_fraction))])
    test = np.sort(np.concatenate(test))
    train = np.setdiff1d(np.arange(len(y)), test)
    return train, test


def _sklearn_digits() -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 8, 8), labels) from the CSV file scikit-learn ships.

    The file is read directly: importing scikit-learn (and SciPy with it) takes seconds,
    longer than training LeNet-5 on these images. If the file has moved in some version,
    ask scikit-learn itself.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        raise ModuleNotFoundError(
            "load_digits: the digits ship with scikit-learn, which is not installed; "
            "pip install scikit-learn (it is a dependency of minigrad: pip install -e .)"
        )
    folder = Path(next(iter(spec.submodule_search_locations or [""])))
    csv = folder / "datasets" / "data" / "digits.csv.gz"
    if csv.is_file():
        table = np.loadtxt(csv, delimiter=",")  # 64 pixel values, then the label, per row
        return table[:, :-1].reshape(-1, 8, 8), table[:, -1]
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    return digits.images, digits.target


def load_digits(
    size: int = 32, test_fraction: float = 0.2, seed: int = 0
) -> tuple[TensorDataset, TensorDataset]:
    r"""scikit-learn's bundled handwritten digits, resized for LeNet-5: (train, test) datasets.

    1,797 images of 8x8 pixels (values 0..16) of the digits 0-9, shipped inside
    scikit-learn, so no download is needed. Each image is scaled to [0, 1] (divided by 16)
    and upsampled to `size` x `size` by **bilinear** interpolation (pixel centres aligned,
    as `F.interpolate(..., mode="bilinear", align_corners=False)`), so LeNet-5 gets its
    original 32x32 input. The split is stratified (each digit keeps its share in both
    parts) and fixed by `seed`: with the defaults, 1,438 training and 359 test images.

    Returns TensorDatasets of x: (N, 1, size, size) float32 in [0, 1] and y: (N,) int64.
    """
    if isinstance(size, bool) or int(size) != size or size < 1:
        raise ValueError(f"load_digits: size must be a positive integer, got {size}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"load_digits: test_fraction must be in (0, 1), got {test_fraction}")
    images, labels = _sklearn_digits()
    images = images / 16.0  # (N, 8, 8) in [0, 1]
    A = _bilinear_matrix(images.shape[-1], int(size))
    x = np.einsum("oh,nhw,pw->nop", A, images, A)  # A @ image @ A.T for every image
    x = np.clip(x, 0.0, 1.0).astype(np.float32)[:, None]
    y = labels.astype(np.int64)
    train, test = _stratified_split(y, test_fraction, seed)
    return TensorDataset(x[train], y[train]), TensorDataset(x[test], y[test])


# --------------------------------------------------------------------------------------------
# MNIST, from its IDX files

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    r"""Read one IDX file (raw, or gzip-compressed when its name ends in .gz) as an ndarray.

    Layout: two zero bytes, a type code (0x08 = uint8, ...), the number of dimensions D,
    then D big-endian uint32 sizes, then the values, row-major. The file must hold exactly
    that many values: a truncated or padded file is an error, not a silently short array.
    """
    path = Path(path)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise ValueError(f"read_idx: {path} is not a valid gzip file ({e})") from None
    return _parse_idx(raw, str(path))


def _parse_idx(raw: bytes, name: str) -> np.ndarray:
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(
            f"read_idx: {name} is not an IDX file: its first bytes are {raw[:4].hex(' ')}, "
            "expected 00 00 <type> <ndim> (e.g. 00 00 08 03 for MNIST images)"
        )
    dtype, ndim = np.dtype(_IDX_DTYPES[raw[2]]), raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"read_idx: {name} ends inside its header ({len(raw)} bytes)")
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "too long"
        raise ValueError(
            f"read_idx: {name} has {len(raw)} bytes, but its header announces shape {shape}, "
            f"which takes {expected} bytes: the file is {problem}. Download it again."
        )
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


class MNIST(Dataset):
    r"""The MNIST handwritten digits (60,000 training and 10,000 test images, 28x28) from IDX files.

    Looks in `root` for the files below, gzip-compressed (`.gz`) or not. With
    `download=True`, missing files are downloaded (written to a temporary file, checked,
    then renamed, so an interrupted download leaves nothing that looks complete). The
    official files are verified against their published MD5 checksums (of the
    uncompressed content, so any mirror's gzip works); pass `verify=False` for
    look-alikes with the same names (Fashion-MNIST).

    Samples: (image (1, 28, 28) float32 in [0, 1], label int64), after `transform`.
    `.data` holds all images as uint8 (N, 28, 28); `.targets` the labels.
    """

    mirrors = (
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    )
    files = {
        True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    }
    # (number of bytes, MD5 of the uncompressed file), as published with the dataset
    official = {
        "train-images-idx3-ubyte": (47040016, "6bbc9ace898e44ae57da46a324031adb"),
        "train-labels-idx1-ubyte": (60008, "a25bea736e30d166cdddb491f175f624"),
        "t10k-images-idx3-ubyte": (7840016, "2646ac647ad5339dbf082846283269ea"),
        "t10k-labels-idx1-ubyte": (10008, "27ae3e4e09519cfbb04c329615203637"),
    }

    def __init__(
        self,
        root: str | os.PathLike,
        train: bool = True,
        download: bool = False,
        transform: Callable | None = None,
        verify: bool = True,
    ) -> None:
        self.root, self.train, self.transform, self.verify = (
            Path(root),
            bool(train),
            transform,
            verify,
        )
        names = self.files[self.train]
        missing = [n for n in names if self._find(n) is None]
        if missing and download:
            for name in missing:
                self._download(name)
            missing = [n for n in names if self._find(n) is None]
        if missing:
            self._explain_missing(missing)
        images, labels = (self._load(n) for n in names)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(
                f"MNIST: expected images (N, H, W) and labels (N,), got {images.shape} and "
                f"{labels.shape} in {self.root}"
            )
        self.data, self.targets = images, labels.astype(np.int64)

    def _find(self, name: str) -> Path | None:
        for candidate in (self.root / name, self.root / f"{name}.gz"):
            if candidate.is_file():
                return candidate
        return None

    def _explain_missing(self, missing: list[str]) -> None:
        split = "training" if self.train else "test"
        wanted = "\n".join(f"  {self.root.resolve() / n}.gz" for n in missing)
        raise FileNotFoundError(
            f"MNIST: the {split} set is missing from {self.root}. Put these files there "
            f"(gzip-compressed .gz, or uncompressed without .gz):\n{wanted}\n"
            f"They are at {self.mirrors[0]}<name>.gz (or pass download=True / use the "
            "default digits data, which needs no download)."
        )

    def _load(self, name: str) -> np.ndarray:
        path = self._find(name)
        raw = path.read_bytes()
        if path.suffix == ".gz":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as e:
                raise ValueError(
                    f"MNIST: {path} is not a valid gzip file ({e}); delete it"
                ) from None
        size, md5 = self.official[name]
        if self.verify and len(raw) == size and hashlib.md5(raw).hexdigest() != md5:
            raise ValueError(
                f"MNIST: {path} has the size of the official file but not its checksum "
                f"(MD5 {hashlib.md5(raw).hexdigest()}, expected {md5}): it is corrupted or "
                "not MNIST. Delete it and download it again, or pass verify=False for "
                "another dataset in MNIST's format."
            )
        return _parse_idx(raw, str(path))

    def _download(self, name: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        errors = []
        for mirror in self.mirrors:
            url = f"{mirror}{name}.gz"
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    blob = response.read()
                raw = gzip.decompress(blob)
            except Exception as e:  # no network, HTTP error, bad gzip: try the next mirror
                errors.append(f"{url}: {e}")
                continue
            size, md5 = self.official[name]
            if len(raw) != size or hashlib.md5(raw).hexdigest() != md5:
                errors.append(f"{url}: checksum mismatch")
                continue
            with atomic_write(self.root / f"{name}.gz") as f:  # all or nothing
                f.write(blob)
            return
        raise FileNotFoundError(
            f"MNIST: could not download {name}.gz into {self.root}:\n  "
            + "\n  ".join(errors)
            + f"\nPlace the file there yourself: {self.root.resolve() / name}.gz"
        )

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.int64]:
        image = self.data[index][None].astype(np.float32) / 255.0
        if self.transform is not None:
            image = self.transform(image)
        return image, self.targets[index]

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        return f"MNIST({split}, {len(self)} images, root={str(self.root)!r})"
