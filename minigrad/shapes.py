"""Argument checks for dims, sizes, ints and pairs, shared by tensors, factories and functional.

Every function takes the name of the public function (`op`) and of the argument, so a
mistake is reported where it was made: ``sum: dim must be an int or a tuple of ints, got
1.0 (float)``, ``zeros: size -1 is negative``, ``conv2d: stride must be an int or a pair
of ints, got 1.5``. The rules are PyTorch's:

* an int is an int or a numpy integer, never a bool or a float (2.0 is refused too);
* a tensor with D dimensions has dims -D .. D-1; a 0-d tensor accepts 0 and -1;
* a dim may not appear twice; an empty tuple of dims means every dim;
* sizes are >= 0; a reshape may infer one size with -1.

This module knows only numpy: it sits under the tensor engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def is_int(value: Any) -> bool:
    """True for Python and numpy integers; False for bools, floats and everything else."""
    if type(value) is int:  # the usual case, first (a bool's type is bool, not int)
        return True
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _describe(value: Any) -> str:
    return f"{value!r:.60} ({type(value).__name__})"


def as_int(value: Any, op: str, name: str, minimum: int | None = None) -> int:
    """`value` as an int, or a TypeError (not an int) / ValueError (below `minimum`)."""
    if not is_int(value):
        raise TypeError(f"{op}: {name} must be an int, got {_describe(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value}")
    return int(value)


def as_bool(value: Any, op: str, name: str) -> bool:
    """`value` as a bool: True, False (or a numpy bool), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be True or False, got {_describe(value)}")
    return bool(value)


def as_float(
    value: Any,
    op: str,
    name: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
) -> float:
    """A real number argument (eps, momentum, p, slope, ...): not NaN, inside [low, high].

    NaN *data* propagates through every op; a NaN *argument* is a mistake, reported here.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{op}: {name} must be a number, got {_describe(value)}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{op}: {name} is NaN; it must be a number")
    too_low = low is not None and (value <= low if low_open else value < low)
    if too_low or (high is not None and value > high):
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        bracket = "(" if low_open else "["
        raise ValueError(f"{op}: {name} must be in {bracket}{lo}, {hi}], got {value:g}")
    return value


def as_dim(dim: Any, ndim: int, op: str, name: str = "dim", new_axis: bool = False) -> int:
    """One dim of a tensor with `ndim` dimensions, as an index 0 .. ndim-1.

    With new_axis=True, `dim` is the position of an axis to insert (unsqueeze): 0 .. ndim.
    A 0-d tensor accepts 0 and -1 (and gives 0).
    """
    if not is_int(dim):
        raise TypeError(f"{op}: {name} must be an int, got {_describe(dim)}")
    size = ndim + 1 if new_axis else max(ndim, 1)
    if not -size <= dim < size:
        what = "the new axis's position" if new_axis else f"{ndim} dimensions"
        raise IndexError(
            f"{op}: {name} {dim} is out of range for a tensor with {ndim} dimensions "
            f"(valid: {-size} to {size - 1}{', ' + what if new_axis else ''})"
        )
    return int(dim) % size


def dim_or_axis(dim: Any, axis: Any, op: str) -> Any:
    """`dim`, or `axis` (numpy's name, which PyTorch accepts too), not both."""
    if axis is None:
        return dim
    if dim is not None:
        raise TypeError(f"{op}: give dim or axis, not both")
    return axis


def as_dim_list(args: tuple, op: str) -> tuple:
    """The dims of f(1, 0) or f((1, 0)) as a tuple of ints (permute's, for example)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for d in args:
        if not is_int(d):
            raise TypeError(f"{op}: dims must be ints, got {d!r} in {args}")
    return tuple(args)


def as_dims(dim: Any, ndim: int, op: str, name: str = "dim") -> tuple[int, ...] | None:
    """`dim` (None, an int, or a tuple/list of ints) as sorted indices, None meaning all dims.

    An empty tuple means all dims (as in PyTorch's sum and mean); a 0-d tensor's only dims
    (0 and -1) mean all of its (zero) dims, so they give None too.
    """
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        dims = tuple(dim)
    elif is_int(dim):
        dims = (dim,)
    else:
        raise TypeError(f"{op}: {name} must be an int or a tuple of ints, got {_describe(dim)}")
    out = []
    for d in dims:
        if not is_int(d):
            raise TypeError(f"{op}: {name} {tuple(dims)} holds {_describe(d)}; dims are ints")
        k = as_dim(d, ndim, op, name)
        if k in out:
            raise ValueError(f"{op}: dim {k} appears more than once in {name}={tuple(dims)}")
        out.append(k)
    if not out or ndim == 0:
        return None
    return tuple(sorted(out))


def as_shape(
    size: Sequence[Any], op: str, name: str = "size", infer: bool = False, keep: bool = False
) -> tuple[int, ...]:
    """A shape from f(2, 3) or f((2, 3)) arguments: ints >= 0; with infer=True one size may
    be -1 (reshape infers it); with keep=True any may be -1 (expand keeps that size)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(size)
    if all(type(n) is int and n >= 0 for n in shape):  # the usual case: nothing to check
        return shape
    for n in shape:
        if not is_int(n):
            raise TypeError(f"{op}: {name} must be ints, got {_describe(n)} in {shape!r:.60}")
    inferred = [n for n in shape if n == -1]
    if infer and not keep and len(inferred) > 1:
        raise ValueError(f"{op}: only one size can be -1 (inferred), got {shape}")
    bad = [n for n in shape if n < 0 and not ((infer or keep) and n == -1)]
    if bad:
        allowed = ""
        if keep or infer:
            allowed = " (or -1 to keep a size)" if keep else " (or -1 once, to infer it)"
        raise ValueError(f"{op}: {name} {bad[0]} in {shape} is negative; sizes are >= 0{allowed}")
    return tuple(int(n) for n in shape)


def as_pair(value: Any, op: str, name: str, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints (height, width), each >= `minimum`."""
    pair = (value, value) if is_int(value) else value
    if not isinstance(pair, (tuple, list)) or len(pair) != 2 or not all(map(is_int, pair)):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {_describe(value)}")
    if any(v < minimum for v in pair):
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def as_pad_widths(pad: Any, ndim: int, op: str) -> list[tuple[int, int]]:
    """PyTorch's pad widths (left, right, top, bottom, ...: the last dim first) as one
    (before, after) pair per dim of a tensor with `ndim` dims (zeros for dims not padded)."""
    if not isinstance(pad, (tuple, list)):
        raise TypeError(
            f"{op}: pad must be a tuple of ints (left, right, ...), got {_describe(pad)}"
        )
    for w in pad:
        if not is_int(w):
            raise TypeError(f"{op}: pad widths must be ints, got {_describe(w)} in {tuple(pad)}")
    if len(pad) % 2 or len(pad) // 2 > ndim:
        raise ValueError(
            f"{op}: expected pairs of widths for at most {ndim} dims, got {tuple(pad)}"
        )
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return widths
