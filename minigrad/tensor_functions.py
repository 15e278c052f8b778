r"""The module-level forms of Tensor methods: `mg.sin(x)` is `x.sin()`, as in PyTorch.

PyTorch code writes both `torch.sqrt(x)` and `x.sqrt()`; minigrad has one implementation
(the method) and these functions call it, with PyTorch's argument names (`input`, `dim`,
`keepdim`) so that keyword calls work too. They take Tensors, as PyTorch's do: a number or
an ndarray raises a TypeError saying so (use `mg.tensor(...)` first).

This module defines functions named like Python's builtins (sum, max, min, abs, pow):
they are meant as `mg.sum(x)`, and kept out of `__all__` so that `import *` leaves the
builtins alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .factory import from_numpy
from .tensor import DEFAULT_DTYPE, Tensor, ValuesIndices, as_dtype


def _t(input: Any, op: str, name: str = "input") -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(
            f"mg.{op}: argument '{name}' must be a Tensor, not {type(input).__name__}; "
            "make one first with mg.tensor(...)"
        )
    return input


def _method(name: str) -> Callable[[Tensor], Tensor]:
    """`mg.NAME(input)`, which is `input.NAME()`: for the methods of no other argument."""

    def call(input: Tensor) -> Tensor:
        return getattr(_t(input, name), name)()

    call.__name__ = call.__qualname__ = name
    return call


def _method_of_other(name: str) -> Callable[[Tensor, Any], Tensor]:
    """`mg.NAME(input, other)`, which is `input.NAME(other)`: mul, div and the comparisons."""

    def call(input: Tensor, other: Any) -> Tensor:
        return getattr(_t(input, name), name)(other)

    call.__name__ = call.__qualname__ = name
    return call


# --- elementwise ------------------------------------------------------------------------------


abs, exp, log, sqrt = _method("abs"), _method("exp"), _method("log"), _method("sqrt")
sin, cos, tanh, sigmoid = _method("sin"), _method("cos"), _method("tanh"), _method("sigmoid")
relu, neg, square, sign = _method("relu"), _method("neg"), _method("square"), _method("sign")
mul, div = _method_of_other("mul"), _method_of_other("div")


def clamp(input: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    return _t(input, "clamp").clamp(min, max)


clip = clamp


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent; either side may be a number (not both)."""
    if isinstance(input, Tensor):
        return input**exponent
    return _t(exponent, "pow", "exponent").__rpow__(input)


def add(input: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    """input + alpha * other."""
    return _t(input, "add") + (other if alpha == 1 else other * alpha)


def sub(input: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    """input - alpha * other."""
    return _t(input, "sub") - (other if alpha == 1 else other * alpha)


# --- reductions -------------------------------------------------------------------------------


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    x = _t(input, "sum")
    return (x if dtype is None else x.to(as_dtype(dtype))).sum(dim, keepdim)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    x = _t(input, "mean")
    return (x if dtype is None else x.to(as_dtype(dtype))).mean(dim, keepdim)


def std(
    input: Tensor,
    dim: Any = None,
    unbiased: bool = True,
    keepdim: bool = False,
    *,
    correction: int | None = None,
) -> Tensor:
    return _t(input, "std").std(dim, unbiased, keepdim, correction=correction)


def var(
    input: Tensor,
    dim: Any = None,
    unbiased: bool = True,
    keepdim: bool = False,
    *,
    correction: int | None = None,
) -> Tensor:
    return _t(input, "var").var(dim, unbiased, keepdim, correction=correction)


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return _t(input, "amax").amax(dim, keepdim)  # dim=() is every dim, as None


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    return _t(input, "amin").amin(dim, keepdim)


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """`max(x)`: the largest element; `max(x, dim)`: (values, indices) along dim;
    `max(x, other)`: the elementwise maximum of two tensors."""
    x = _t(input, "max")
    return x.maximum(dim) if isinstance(dim, Tensor) else x.max(dim, keepdim)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor | ValuesIndices:
    """Like `max`, for the smallest elements."""
    x = _t(input, "min")
    return x.minimum(dim) if isinstance(dim, Tensor) else x.min(dim, keepdim)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(input, "argmax").argmax(dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(input, "argmin").argmin(dim, keepdim)


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    return _t(input, "logsumexp").logsumexp(dim, keepdim)


def cumsum(input: Tensor, dim: int) -> Tensor:
    return _t(input, "cumsum").cumsum(dim)


def softmax(input: Tensor, dim: int) -> Tensor:
    return _t(input, "softmax").softmax(dim)


def log_softmax(input: Tensor, dim: int) -> Tensor:
    return _t(input, "log_softmax").log_softmax(dim)


# --- shapes -----------------------------------------------------------------------------------


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return _t(input, "flatten").flatten(start_dim, end_dim)


def reshape(input: Tensor, shape: Any) -> Tensor:
    return _t(input, "reshape").reshape(shape)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return _t(input, "transpose").transpose(dim0, dim1)


def permute(input: Tensor, dims: Any) -> Tensor:
    return _t(input, "permute").permute(dims)


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    return _t(input, "squeeze").squeeze(dim)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return _t(input, "unsqueeze").unsqueeze(dim)


t = _method("t")


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    return _t(input, "chunk").chunk(chunks, dim)


# --- products ---------------------------------------------------------------------------------


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    return _t(input, "mm").mm(mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    return _t(input, "bmm").bmm(mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    return _t(input, "mv").mv(vec)


def dot(input: Tensor, other: Tensor) -> Tensor:
    return _t(input, "dot").dot(other)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    return _t(input, "norm").norm(p, dim, keepdim)


# --- copies, comparisons, facts ---------------------------------------------------------------


clone, detach = _method("clone"), _method("detach")
eq, ne, lt = _method_of_other("eq"), _method_of_other("ne"), _method_of_other("lt")
le, gt, ge = _method_of_other("le"), _method_of_other("gt"), _method_of_other("ge")


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both have the same shape and values."""
    return _t(input, "equal").equal(_t(other, "equal", "other"))


def isclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """|input - other| <= atol + rtol * |other|, elementwise (a bool tensor)."""
    a, b = _t(input, "isclose").numpy(), _t(other, "isclose", "other").numpy()
    return from_numpy(np.asarray(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """True when every element is close (see `isclose`)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def numel(input: Tensor) -> int:
    return _t(input, "numel").numel()


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return _t(input, "is_floating_point").is_floating_point()


def get_default_dtype() -> np.dtype:
    """The dtype of tensors made from Python floats: float32."""
    return DEFAULT_DTYPE


# Every function above, but not the builtins' names (see the top): they are mg.sum, not `*`
__all__ = sorted(
    name
    for name, obj in list(globals().items())
    if callable(obj)
    and getattr(obj, "__module__", None) == __name__
    and not name.startswith("_")
    and name not in ("abs", "max", "min", "pow", "sum")
)
