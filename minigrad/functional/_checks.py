"""Argument checks (every user mistake gets a message naming the op and the shapes).

Shared by every module of `minigrad.functional`; `IntPair` is the type of size arguments.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.window import window_count
from ..shapes import as_pair
from ..tensor import Tensor

IntPair = int | tuple[int, int]


def _tensor(x: Any, op: str, name: str = "input") -> Tensor:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x)
    raise TypeError(f"{op}: {name} must be a Tensor, got {type(x).__name__}")


def _check_4d(op: str, x: Tensor, name: str = "input", what: str = "(N, C, H, W)") -> None:
    if x.ndim != 4:
        hint = " For a single image add a batch axis: x.unsqueeze(0)." if x.ndim == 3 else ""
        raise ValueError(f"{op}: expected a 4-D {name} {what}, got shape {x.shape}.{hint}")


def _batched(op: str, x: Tensor, name: str = "input") -> tuple[Tensor, bool]:
    """(N, C, H, W) as it is, or one image (C, H, W) as a batch of one: PyTorch accepts both.
    Returns the 4-D tensor and whether to drop the batch axis from the result."""
    if x.ndim == 3:
        return x.unsqueeze(0), True
    if x.ndim != 4:
        raise ValueError(
            f"{op}: expected a 4-D {name} (N, C, H, W) or one image (C, H, W), got shape {x.shape}"
        )
    return x, False


def _check_float(op: str, x: Tensor, name: str = "input") -> None:
    if x.dtype.kind != "f":
        raise TypeError(
            f"{op}: {name} must be a floating-point tensor, got {x.dtype}; convert it with .float()"
        )


def _check_same_dtype(op: str, x: Tensor, other: Tensor, name: str) -> None:
    if other.dtype != x.dtype:
        raise TypeError(
            f"{op}: input is {x.dtype} but {name} is {other.dtype}; convert one of them "
            "(x.float() or x.double()) so both have the same dtype"
        )


def _window_geometry(
    op: str, shape: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple
) -> tuple[int, int]:
    """(OH, OW) for windows over a padded input, or a clear error if no window fits."""
    h, w = shape[-2:]
    (pt, pb), (pl, pr) = padding
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    ph, pw = h + pt + pb, w + pl + pr
    if span[0] > ph or span[1] > pw:
        raise ValueError(
            f"{op}: kernel {kernel} with dilation {dilation} spans {span[0]} x {span[1]}, "
            f"larger than the padded input {ph} x {pw} (input shape {tuple(shape)}, padding "
            f"{padding}); use a smaller kernel or dilation, or more padding"
        )
    oh = window_count(h, kernel[0], stride[0], pt, pb, dilation[0])
    ow = window_count(w, kernel[1], stride[1], pl, pr, dilation[1])
    return oh, ow


def _symmetric(padding: IntPair, op: str) -> tuple[tuple[int, int], tuple[int, int]]:
    ph, pw = as_pair(padding, op, "padding", 0)
    return (ph, ph), (pw, pw)
