"""Making tensors: from data, filled with constants, or random (seeded with `manual_seed`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .rng import default_generator, manual_seed  # noqa: F401 (mg.manual_seed is here too)
from .shapes import as_float, as_int, as_shape
from .tensor import DEFAULT_DTYPE, Tensor, as_dtype


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data` (floats become float32 unless `dtype` says).

    >>> tensor([1, 2]).dtype, tensor([1.0, 2.0]).dtype
    (dtype('int64'), dtype('float32'))
    """
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def _shape(size: tuple, op: str) -> tuple[int, ...]:
    """zeros(2, 3) and zeros((2, 3)) alike: ints >= 0, checked (zeros(2.5) is an error)."""
    return as_shape(size, op)


def _make(arr: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor._constant(arr).requires_grad_(requires_grad)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.zeros(_shape(size, "zeros"), as_dtype(dtype or DEFAULT_DTYPE)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.ones(_shape(size, "ones"), as_dtype(dtype or DEFAULT_DTYPE)), requires_grad)


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    if isinstance(fill_value, bool) or not isinstance(fill_value, (int, float, np.number)):
        raise TypeError(f"full: fill_value must be a number, got {fill_value!r:.40}")
    dtype = dtype or (DEFAULT_DTYPE if isinstance(fill_value, float) else None)
    size = size if isinstance(size, (tuple, list)) else (size,)
    arr = np.full(
        _shape((size,), "full"), fill_value, dtype=None if dtype is None else as_dtype(dtype)
    )
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
    for name, v in (("start", start), ("end", end), ("step", step)):
        as_float(v, "arange", name)  # a number, not NaN
        if not np.isfinite(v):
            raise ValueError(f"arange: {name} must be finite, got {v}")
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if (end - start) * step < 0:
        raise ValueError(
            f"arange: end {end} cannot be reached from start {start} with step {step} "
            "(the step's sign must point from start to end)"
        )
    arr = np.arange(start, end, step)
    if dtype is not None:
        arr = arr.astype(as_dtype(dtype))
    elif arr.dtype.kind == "f":
        arr = arr.astype(DEFAULT_DTYPE)
    else:
        arr = arr.astype(np.int64)
    return _make(arr, requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    n = as_int(n, "eye", "n", minimum=0)
    m = None if m is None else as_int(m, "eye", "m", minimum=0)
    return _make(np.eye(n, m, dtype=as_dtype(dtype or DEFAULT_DTYPE)), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples from the standard normal distribution N(0, 1)."""
    dtype = as_dtype(dtype or DEFAULT_DTYPE)
    arr = default_generator().standard_normal(_shape(size, "randn"), dtype=np.float64).astype(dtype)
    return _make(arr, requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples from the uniform distribution on [0, 1)."""
    dtype = as_dtype(dtype or DEFAULT_DTYPE)
    arr = default_generator().random(_shape(size, "rand"), dtype=np.float64).astype(dtype)
    return _make(arr, requires_grad)


def randint(low: int, high: int, size: Any, dtype: Any = None) -> Tensor:
    low = as_int(low, "randint", "low")
    high = as_int(high, "randint", "high")
    if low >= high:
        raise ValueError(f"randint: low ({low}) must be less than high ({high})")
    size = size if isinstance(size, (tuple, list)) else (size,)
    arr = default_generator().integers(low, high, size=_shape((size,), "randint"))
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
