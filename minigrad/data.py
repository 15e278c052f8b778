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

Where datasets live on disk: `data_dir()`, which is the folder in the environment variable
MINIGRAD_DATA when it is set, else `data/` in the current folder. MNIST is read from its
`mnist/` subfolder (`MNIST()` without a root; `minigrad train --data-dir`).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import os
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .factory import default_generator, from_numpy
from .fileio import atomic_write
from .tensor import Tensor
from .transforms import Compose, Normalize, RandomCrop, RandomHorizontalFlip, RandomShift

__all__ = [
    "Dataset",
    "TensorDataset",
    "Subset",
    "random_split",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "BatchSampler",
    "DataLoader",
    "default_collate",
    "load_digits",
    "MNIST",
    "MNISTNotFound",
    "DATA_ENV",
    "data_dir",
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
    """Samples are rows of the given tensors: `ds[i] = (x[i], y[i], ...)`, as tensors.

    All tensors (or ndarrays) must have the same first dimension N. `ds[a:b]` gives the rows
    a..b-1 of each, as PyTorch's does. `transform`, if given, is applied to the first tensor's
    row of each sample (augmentation of the inputs); it receives and returns an ndarray.
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

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        sample = [t.numpy()[index] for t in self.tensors]
        if self.transform is not None:
            first = sample[0]
            sample[0] = (
                self.transform(first)
                if np.ndim(index) == 0 and not isinstance(index, slice)
                else np.stack([self.transform(row) for row in first])
            )
        return tuple(from_numpy(np.asarray(a)) for a in sample)

    def get_batch(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        """The rows at `indices` of every tensor, as stacked arrays (the loader's fast path)."""
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


def random_split(
    dataset: Any, lengths: Sequence[float], generator: np.random.Generator | None = None
) -> list[Subset]:
    """Cut a dataset into non-overlapping random Subsets of the given lengths.

    `lengths` are sizes that add up to len(dataset), or fractions that add up to 1 (each gets
    floor(fraction * n), and the samples left over go one each to the first subsets, as in
    PyTorch). The shuffle draws from `generator` (a numpy Generator) or mg.manual_seed's.
    """
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(0 <= f <= 1 for f in lengths) and abs(sum(lengths) - 1) < 1e-9:
        sizes = [int(np.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        sizes = lengths
    if any(isinstance(k, bool) or int(k) != k or k < 0 for k in sizes) or sum(sizes) != n:
        raise ValueError(
            f"random_split: lengths {lengths} must be sizes >= 0 adding up to the dataset's "
            f"{n} samples, or fractions adding up to 1"
        )
    order = (generator or default_generator()).permutation(n)
    bounds = np.cumsum([0] + [int(k) for k in sizes])
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


# --------------------------------------------------------------------------------------------
# Samplers: which indices, in which order


class Sampler:
    """An iterable of dataset indices (subclasses define `__iter__` and `__len__`)."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Every index once, in a new random order at each pass."""

    def __init__(self, data_source: Any, generator: np.random.Generator | None = None) -> None:
        self.data_source, self.generator = data_source, generator

    def __iter__(self) -> Iterator[int]:
        rng = self.generator or default_generator()
        return iter(rng.permutation(len(self.data_source)).tolist())

    def __len__(self) -> int:
        return len(self.data_source)


class SubsetRandomSampler(Sampler):
    """The given indices, in a new random order at each pass (a train/validation split)."""

    def __init__(self, indices: Sequence[int], generator: np.random.Generator | None = None):
        self.indices, self.generator = np.asarray(list(indices), dtype=np.int64), generator

    def __iter__(self) -> Iterator[int]:
        rng = self.generator or default_generator()
        return iter(self.indices[rng.permutation(len(self.indices))].tolist())

    def __len__(self) -> int:
        return len(self.indices)


class BatchSampler(Sampler):
    """Groups the indices of `sampler` into lists of `batch_size` (the last may be smaller)."""

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        _check_batch_size(batch_size, "BatchSampler")
        self.sampler, self.batch_size, self.drop_last = sampler, int(batch_size), drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for i in self.sampler:
            batch.append(int(i))
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


# --------------------------------------------------------------------------------------------
# Batches


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
    """Stack a list of samples (tuples, lists or dicts of arrays or numbers) into batches."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        return tuple(_stack([s[k] for s in samples]) for k in range(len(first)))
    if isinstance(first, dict):
        return {key: _stack([s[key] for s in samples]) for key in first}
    return _stack(samples)


def default_collate(samples: list[Any]) -> Any:
    """What the DataLoader does with a list of samples: stack them into batched Tensors
    (a list of them for tuple samples, as PyTorch's `default_collate`)."""
    return _as_tensors(_collate(samples))


def _as_tensors(batch: Any) -> Any:
    if isinstance(batch, tuple):
        return [from_numpy(np.asarray(a)) for a in batch]
    if isinstance(batch, dict):
        return {k: from_numpy(np.asarray(a)) for k, a in batch.items()}
    return from_numpy(np.asarray(batch))


def _check_batch_size(batch_size: Any, op: str) -> None:
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"{op}: batch_size must be a positive integer, got {batch_size}")


class DataLoader:
    """Batches of a dataset, as Tensors; reshuffled at every pass when `shuffle=True`.

    `seed` fixes the sequence of shuffles (each epoch still gets a new order); without it the
    loader draws from minigrad's generator, `mg.manual_seed`. With `drop_last=True` a last,
    smaller batch is left out. `len(loader)` is the number of batches. A batch of (x, y)
    samples is the list [x_batch, y_batch], as in PyTorch.

    PyTorch's other arguments: `sampler` (an iterable of indices, instead of shuffle),
    `batch_sampler` (an iterable of index lists), `collate_fn` (turns a list of samples into
    a batch), `generator` (a numpy Generator for the shuffles). `num_workers`, `pin_memory`,
    `timeout`, `prefetch_factor`, `persistent_workers` and `worker_init_fn` are accepted and
    change nothing: samples are always loaded in this process, so the batches are the ones
    worker processes would give.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Callable | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable | None = None,
        multiprocessing_context: Any = None,
        generator: np.random.Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        seed: int | None = None,
    ) -> None:
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader: the dataset must support len(ds) and ds[i], got "
                f"{type(dataset).__name__}; wrap arrays in TensorDataset(x, y)"
            )
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers must be an int >= 0, got {num_workers!r}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: give sampler or shuffle=True, not both")
        if batch_sampler is not None and (
            batch_size != 1 or shuffle or sampler is not None or drop_last
        ):
            raise ValueError(
                "DataLoader: batch_sampler decides the batches: leave batch_size, shuffle, "
                "sampler and drop_last at their defaults"
            )
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("DataLoader: batch_size=None (no batching) is not supported")
            _check_batch_size(batch_size, "DataLoader")
        self.dataset = dataset
        self.batch_size = None if batch_sampler is not None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn
        self.num_workers = num_workers
        self.seed = seed
        self._rng = generator if seed is None else np.random.default_rng(seed)

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self) -> np.ndarray:
        if self.sampler is not None:
            return np.fromiter((int(i) for i in self.sampler), dtype=np.int64)
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        return (self._rng or default_generator()).permutation(n)

    def _batches(self) -> Iterator[np.ndarray]:
        if self.batch_sampler is not None:
            for indices in self.batch_sampler:
                yield np.asarray(indices, dtype=np.int64)
            return
        order = self._order()
        for b in range(len(self)):
            yield order[b * self.batch_size : (b + 1) * self.batch_size]

    def __iter__(self) -> Iterator[Any]:
        get_batch = getattr(self.dataset, "get_batch", None)
        for indices in self._batches():
            if self.collate_fn is not None:
                yield self.collate_fn([self.dataset[int(i)] for i in indices])
            elif get_batch is not None:
                yield _as_tensors(get_batch(indices))
            else:
                yield _as_tensors(_collate([self.dataset[int(i)] for i in indices]))

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


@functools.cache
def _sklearn_digits() -> tuple[np.ndarray, np.ndarray]:
    """(images (1797, 8, 8), labels) from the CSV file scikit-learn ships, read-only.

    The file is read directly: importing scikit-learn (and SciPy with it) takes seconds,
    longer than training LeNet-5 on these images. If the file has moved in some version,
    ask scikit-learn itself. Read once per process (parsing the text takes 20 ms, and the
    exercise checks load the digits at every check); the arrays are shared, so read-only.
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
        images, labels = table[:, :-1].reshape(-1, 8, 8).copy(), table[:, -1].copy()
    else:
        from sklearn.datasets import load_digits as sklearn_digits

        digits = sklearn_digits()
        images, labels = np.array(digits.images), np.array(digits.target)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


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
    x = A @ images @ A.T  # every image at once (two matrix products: 10x faster than einsum)
    x = np.clip(x, 0.0, 1.0).astype(np.float32)[:, None]
    y = labels.astype(np.int64)
    train, test = _stratified_split(y, test_fraction, seed)
    return TensorDataset(x[train], y[train]), TensorDataset(x[test], y[test])


# --------------------------------------------------------------------------------------------
# Where datasets live

DATA_ENV = "MINIGRAD_DATA"


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """The folder datasets live in: `path` if given, else $MINIGRAD_DATA, else ./data.

    Each dataset has its own subfolder (`data_dir() / "mnist"`). Nothing is created here.
    """
    if path is not None:
        return Path(path)
    return Path(os.environ.get(DATA_ENV) or "data")


# --------------------------------------------------------------------------------------------
# MNIST, from its IDX files


class MNISTNotFound(FileNotFoundError):
    """MNIST's files are not in the folder searched. `.root` is that folder, `.missing` the
    file names (without .gz) not found there, `.split` 'training' or 'test'."""

    def __init__(self, message: str, root: Path, missing: list[str], split: str) -> None:
        super().__init__(message)
        self.root, self.missing, self.split = root, missing, split


_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    r"""Read one IDX file (raw, or gzip-compressed when its name ends in .gz) as an ndarray.

    Layout: two zero bytes, a type code (0x08 = uint8, ...), the number of dimensions D,
    then D big-endian uint32 sizes, then the values, row-major. The file must hold exactly
    that many values: a truncated or padded file is an error, not a silently short array.
    """
    return _parse_idx(_file_bytes(Path(path), "read_idx"), str(path))


def _file_bytes(path: Path, op: str, advice: str = "") -> bytes:
    """The bytes of a file, decompressed when its name ends in .gz."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise ValueError(f"{op}: {path} is not a valid gzip file ({e}){advice}") from None
    return raw


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

    Looks in `root` for the files below, gzip-compressed (`.gz`) or not; without a root,
    in `data_dir() / "mnist"` ($MINIGRAD_DATA/mnist, else ./data/mnist). With
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
        root: str | os.PathLike | None = None,
        train: bool = True,
        download: bool = False,
        transform: Callable | None = None,
        verify: bool = True,
    ) -> None:
        self.root = data_dir() / "mnist" if root is None else Path(root)
        self.train, self.transform, self.verify = bool(train), transform, verify
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
        raise MNISTNotFound(
            f"MNIST: the {split} set is missing from {self.missing_where()}. "
            f"{self.expected_files(missing)}\n"
            "Pass download=True to download them (it needs the network), or download "
            f"{self.mirrors[0]}<name>.gz yourself and put the files there.",
            self.root,
            missing,
            split,
        )

    def missing_where(self) -> str:
        """The folder searched, absolute, and whether it exists at all."""
        where = str(self.root.resolve())
        return where if self.root.is_dir() else f"{where} (the folder does not exist)"

    def expected_files(self, missing: list[str]) -> str:
        """The exact paths expected, one a line."""
        wanted = "\n".join(f"  {self.root.resolve() / n}.gz" for n in missing)
        return f"Expected these files (gzip-compressed as named, or without .gz):\n{wanted}"

    def _load(self, name: str) -> np.ndarray:
        path = self._find(name)
        raw = _file_bytes(path, "MNIST", "; delete it")
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
