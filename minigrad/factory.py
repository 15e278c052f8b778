"""Making tensors: from data, filled with constants, or random (seeded with `manual_seed`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .rng import default_generator, manual_seed  # noqa: F401 (mg.manual_seed is here too)
from .tensor import DEFAULT_DTYPE, Tensor, as_dtype


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data` (floats become float32 unless `dtype` says).

    >>> tensor([1, 2]).dtype, tensor([1.0, 2.0]).dtype
    (dtype('int64'), dtype('float32'))
    """
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def _shape(size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    try:
        shape = tuple(int(n) for n in size)
    except (TypeError, ValueError):
        raise TypeError(f"expected a shape made of integers, got {size!r}") from None
    if any(n < 0 for n in shape):
        raise ValueError(f"a shape cannot have negative sizes, got {shape}")
    return shape


def _make(arr: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor._constant(arr).requires_grad_(requires_grad)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.zeros(_shape(size), as_dtype(dtype or DEFAULT_DTYPE)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.ones(_shape(size), as_dtype(dtype or DEFAULT_DTYPE)), requires_grad)


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    dtype = dtype or (DEFAULT_DTYPE if isinstance(fill_value, float) else None)
    arr = np.full(_shape((size,)), fill_value, dtype=None if dtype is None else as_dtype(dtype))
    return _make(arr, requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Evenly spaced values in [start, end); integers stay int64 unless `dtype` says."""
    if end is None:
        start, end = 0, start
    arr = np.arange(start, end, step)
    if dtype is not None:
        arr = arr.astype(as_dtype(dtype))
    elif arr.dtype.kind == "f":
        arr = arr.astype(DEFAULT_DTYPE)
    else:
        arr = arr.astype(np.int64)
    return _make(arr, requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.eye(n, m, dtype=as_dtype(dtype or DEFAULT_DTYPE)), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples from the standard normal distribution N(0, 1)."""
    dtype = as_dtype(dtype or DEFAULT_DTYPE)
    arr = default_generator().standard_normal(_shape(size), dtype=np.float64).astype(dtype)
    return _make(arr, requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples from the uniform distribution on [0, 1)."""
    dtype = as_dtype(dtype or DEFAULT_DTYPE)
    arr = default_generator().random(_shape(size), dtype=np.float64).astype(dtype)
    return _make(arr, requires_grad)


def randint(low: int, high: int, size: Any, dtype: Any = None) -> Tensor:
    arr = default_generator().integers(low, high, size=_shape((size,)))
    return Tensor._constant(arr.astype(as_dtype(dtype or np.int64)))


def _like(x: Tensor, dtype: Any) -> tuple[tuple[int, ...], Any]:
    return x.shape, dtype or x.dtype


def zeros_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dtype = _like(x, dtype)
    return zeros(shape, dtype=dtype, requires_grad=requires_grad)


def ones_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dtype = _like(x, dtype)
    return ones(shape, dtype=dtype, requires_grad=requires_grad)


def full_like(
    x: Tensor, fill_value: float, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    shape, dtype = _like(x, dtype)
    return full(shape, fill_value, dtype=dtype, requires_grad=requires_grad)


def randn_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dtype = _like(x, dtype)
    return randn(shape, dtype=dtype, requires_grad=requires_grad)


def rand_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dtype = _like(x, dtype)
    return rand(shape, dtype=dtype, requires_grad=requires_grad)
