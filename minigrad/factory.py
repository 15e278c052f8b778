"""Making tensors: from data, filled with constants, or random (seeded with `manual_seed`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .device import check_cpu
from .rng import default_generator, manual_seed  # noqa: F401 (mg.manual_seed is here too)
from .shapes import as_float, as_int, as_shape
from .tensor import DEFAULT_DTYPE, Tensor, _array, as_dtype, bool_, int64


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`.

    Python floats become float32 and Python ints int64 unless `dtype` says; a numpy array
    (or numpy number) keeps its dtype, as in PyTorch: float64 data stays float64.

    >>> tensor([1, 2]).dtype, tensor([1.0, 2.0]).dtype, tensor(np.zeros(2)).dtype
    (dtype('int64'), dtype('float32'), dtype('float64'))
    """
    check_cpu(device, "tensor")
    return Tensor._constant(_array(data, dtype, keep_numpy_dtype=True)).requires_grad_(
        requires_grad
    )


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """`data` as a tensor, sharing memory with it when it is already an array of that dtype."""
    check_cpu(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or as_dtype(dtype) == data.dtype):
        return Tensor._constant(data)
    return tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory (and dtype) with a numpy array: changing one changes the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor._constant(array)


def _shape(size: tuple, keyword: Any = None, op: str = "") -> tuple[int, ...]:
    """The shape from f(2, 3), f((2, 3)), f([2, 3]) or f(size=(2, 3)): ints >= 0, checked
    (zeros(2.5) is an error)."""
    if keyword is not None:
        if size:
            raise TypeError(f"{op}: give the shape once, as arguments or as size=, not both")
        size = (keyword,)
    return as_shape(size, op)


def _make(arr: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor._constant(arr).requires_grad_(requires_grad)


def _float_dtype(dtype: Any) -> np.dtype:
    return as_dtype(DEFAULT_DTYPE if dtype is None else dtype)


def zeros(
    *shape: Any,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    check_cpu(device, "zeros")
    return _make(np.zeros(_shape(shape, size, "zeros"), _float_dtype(dtype)), requires_grad)


def ones(
    *shape: Any,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    check_cpu(device, "ones")
    return _make(np.ones(_shape(shape, size, "ones"), _float_dtype(dtype)), requires_grad)


def empty(
    *shape: Any,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor whose values are not meant to be read before they are written (zeros here)."""
    check_cpu(device, "empty")
    return _make(np.zeros(_shape(shape, size, "empty"), _float_dtype(dtype)), requires_grad)


def full(
    size: Any,
    fill_value: float,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of `fill_value`: float32 for a float, int64 for an int, bool for a bool."""
    check_cpu(device, "full")
    if not isinstance(fill_value, (bool, int, float, np.number, np.bool_)):
        raise TypeError(f"full: fill_value must be a number, got {fill_value!r:.40}")
    if dtype is None:
        dtype = (
            bool_
            if isinstance(fill_value, bool)
            else (int64 if isinstance(fill_value, (int, np.integer)) else DEFAULT_DTYPE)
        )
    arr = np.full(_shape((size,), op="full"), fill_value, dtype=as_dtype(dtype))
    return _make(arr, requires_grad)


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Evenly spaced values in [start, end); integers stay int64 unless `dtype` says."""
    check_cpu(device, "arange")
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


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """`steps` evenly spaced values from start to end, both included (float32 by default)."""
    check_cpu(device, "linspace")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"linspace: steps must be an int >= 0, got {steps!r}")
    start, end = (float(v) for v in (start, end))
    arr = np.linspace(start, end, int(steps)).astype(_float_dtype(dtype))
    return _make(arr, requires_grad)


def eye(
    n: int,
    m: int | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    check_cpu(device, "eye")
    n = as_int(n, "eye", "n", minimum=0)
    m = None if m is None else as_int(m, "eye", "m", minimum=0)
    return _make(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def randn(
    *shape: Any,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Samples from the standard normal distribution N(0, 1)."""
    check_cpu(device, "randn")
    rng = generator or default_generator()
    arr = rng.standard_normal(_shape(shape, size, "randn"), dtype=np.float64)
    return _make(arr.astype(_float_dtype(dtype)), requires_grad)


def rand(
    *shape: Any,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Samples from the uniform distribution on [0, 1)."""
    check_cpu(device, "rand")
    rng = generator or default_generator()
    arr = rng.random(_shape(shape, size, "rand"), dtype=np.float64)
    return _make(arr.astype(_float_dtype(dtype)), requires_grad)


def randint(
    low: int,
    high: Any = None,
    size: Any = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Random integers in [low, high): `randint(low, high, size)` or `randint(high, size)`."""
    check_cpu(device, "randint")
    if size is None:  # randint(high, size)
        if high is None:
            raise TypeError("randint: expected randint(low, high, size) or randint(high, size)")
        low, high, size = 0, low, high
    low = as_int(low, "randint", "low")
    high = as_int(high, "randint", "high")
    if low >= high:
        raise ValueError(f"randint: low ({low}) must be less than high ({high})")
    arr = (generator or default_generator()).integers(low, high, size=_shape((size,), op="randint"))
    return _make(arr.astype(as_dtype(dtype or np.int64)), requires_grad)


def randperm(
    n: int,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """The integers 0 .. n-1 in a random order."""
    check_cpu(device, "randperm")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"randperm: n must be an int >= 0, got {n!r}")
    arr = (generator or default_generator()).permutation(int(n))
    return _make(arr.astype(as_dtype(dtype or np.int64)), requires_grad)


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Samples from N(mean, std^2): numbers with `size`, or tensors of means and/or stds
    (one sample per element, the shape of their broadcast)."""
    check_cpu(device, "normal")
    rng = generator or default_generator()
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if tensors:
        if size is not None:
            raise TypeError("normal: give size only when mean and std are numbers")
        m, s = (v.numpy() if isinstance(v, Tensor) else v for v in (mean, std))
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        dtype = dtype or tensors[0].dtype
    else:
        if size is None:
            raise TypeError("normal: with numbers for mean and std, give size=, e.g. (3, 4)")
        m, s, shape = float(mean), float(std), _shape((size,), op="normal")
    if np.any(np.asarray(s) < 0):
        raise ValueError(f"normal: std must be >= 0, got {std}")
    arr = m + s * rng.standard_normal(shape)
    return _make(np.asarray(arr).astype(_float_dtype(dtype)), requires_grad)


def _like(make: Any, x: Tensor, dtype: Any, device: Any, requires_grad: bool, *fill: Any) -> Tensor:
    """make(x's shape, *fill) with x's dtype unless `dtype` says: the body of zeros_like, ..."""
    if not isinstance(x, Tensor):
        raise TypeError(f"expected a Tensor to copy the shape of, got {type(x).__name__}")
    return make(x.shape, *fill, dtype=dtype or x.dtype, device=device, requires_grad=requires_grad)


def zeros_like(
    x: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(zeros, x, dtype, device, requires_grad)


def ones_like(
    x: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(ones, x, dtype, device, requires_grad)


def empty_like(
    x: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(empty, x, dtype, device, requires_grad)


def full_like(
    x: Tensor, fill_value: float, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(full, x, dtype, device, requires_grad, fill_value)


def randn_like(
    x: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(randn, x, dtype, device, requires_grad)


def rand_like(
    x: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _like(rand, x, dtype, device, requires_grad)
