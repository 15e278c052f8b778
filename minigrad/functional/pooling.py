"""Pooling: max_pool2d, avg_pool2d and adaptive_avg_pool2d, with their shared window
helpers (argument checks, output sizes, the tiling shortcut, unfolded windows)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import composite
from ..ops.window import Unfold
from ..tensor import Tensor
from ._checks import IntPair, _check_4d, _check_float, _pair, _tensor
from ._constants import constant


def _pool_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> tuple[int, int]:
    """(number of windows, extra padding at the end) along one axis, with PyTorch's rule."""
    span = d * (k - 1) + 1
    room = size + 2 * p - span
    if ceil_mode:
        count = -(-room // s) + 1
        if (count - 1) * s >= size + p:  # the last window must start inside input or left pad
            count -= 1
    else:
        count = room // s + 1
    extra = max(0, (count - 1) * s + span - (size + 2 * p))
    return count, extra


def _pool_args(op, x, kernel_size, stride, padding, dilation, ceil_mode):
    x = _tensor(x, op)
    _check_4d(op, x)
    _check_float(op, x)
    kernel = _pair(kernel_size, "kernel_size", op)
    stride = kernel if stride is None or stride == [] else _pair(stride, "stride", op)
    pad = _pair(padding, "padding", op, minimum=0)
    dilation = _pair(dilation, "dilation", op)
    for p, k, d in zip(pad, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise ValueError(
                f"{op}: padding {pad} must be at most half the kernel size {kernel} "
                "(otherwise a window could hold nothing but padding)"
            )
    h, w = x.shape[2:]
    for size, k, d, p in zip((h, w), kernel, dilation, pad):
        if d * (k - 1) + 1 > size + 2 * p:
            raise ValueError(
                f"{op}: kernel {kernel} with dilation {dilation} is larger than the padded "
                f"input {h + 2 * pad[0]} x {w + 2 * pad[1]} (input shape {x.shape}, padding "
                f"{pad}); use a smaller kernel or more padding"
            )
    (oh, eh), (ow, ew) = (
        _pool_size(size, k, s, p, d, ceil_mode)
        for size, k, s, p, d in zip((h, w), kernel, stride, pad, dilation)
    )
    pads = ((pad[0], pad[0] + eh), (pad[1], pad[1] + ew))
    return x, kernel, stride, pad, pads, dilation, oh, ow


def _tiles(x: Tensor, kernel, stride, pads, dilation) -> Tensor | None:
    """(N, C, OH, KH, OW, KW), a free reshape, when the windows tile x exactly; else None.

    Windows that do not overlap, leave no gap and need no padding (the usual 2x2 pooling
    with stride 2) are just a reshape of the image: no unfold copy, and no fold backward.
    """
    h, w = x.shape[2:]
    if stride != kernel or dilation != (1, 1) or pads != ((0, 0), (0, 0)):
        return None
    if h % kernel[0] or w % kernel[1]:
        return None
    n, c = x.shape[:2]
    return x.reshape(n, c, h // kernel[0], kernel[0], w // kernel[1], kernel[1])


def _windows(x: Tensor, kernel, stride, pads, dilation, oh, ow, fill: float) -> Tensor:
    """(N, C, H, W) -> (N, C, KH*KW, OH*OW): the pixels of every window, one window per column."""
    n, c = x.shape[:2]
    cols = Unfold.apply(
        x, kernel_size=kernel, dilation=dilation, padding=pads, stride=stride, fill=fill
    )
    return cols.reshape(n, c, kernel[0] * kernel[1], oh * ow)


@composite("max_pool2d")
def max_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
) -> Tensor:
    r"""The largest value in each window: y[n, c, oh, ow] = max_{i, j} x_pad[n, c, oh*S + i*D, ...].

    (N, C, H, W) -> (N, C, OH, OW); stride defaults to kernel_size; padding is -inf, so it
    is never the maximum. Composed as unfold -> max over the window axis (a reshape instead
    of unfold when the windows tile the input exactly, as 2x2 stride 2 does). The gradient goes
    to the maximal element of each window (ties share it evenly, where PyTorch picks one).
    """
    x, kernel, stride, _, pads, dilation, oh, ow = _pool_args(
        "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode
    )
    n, c = x.shape[:2]
    tiles = _tiles(x, kernel, stride, pads, dilation)
    if tiles is not None:
        return tiles.amax((3, 5))
    windows = _windows(x, kernel, stride, pads, dilation, oh, ow, fill=-math.inf)
    return windows.amax(2).reshape(n, c, oh, ow)


@composite("avg_pool2d")
def avg_pool2d(
    input: Tensor,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    r"""The mean of each window: y = sum of the window / (number of elements counted).

    (N, C, H, W) -> (N, C, OH, OW); stride defaults to kernel_size. With
    count_include_pad=True the zero padding counts in the divisor (but never the extra
    cells ceil_mode adds past the padding); with False, only real input pixels count.
    """
    x, kernel, stride, pad, pads, dilation, oh, ow = _pool_args(
        "avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode
    )
    n, c, h, w = x.shape
    tiles = _tiles(x, kernel, stride, pads, dilation)
    if tiles is not None:
        total = tiles.sum((3, 5)).reshape(n, c, oh * ow)
    else:
        total = _windows(x, kernel, stride, pads, dilation, oh, ow, fill=0.0).sum(2)
    if divisor_override is not None:
        d = constant(divisor_override, x.dtype, "divisor (divisor_override)")
        return (total / d).reshape(n, c, oh, ow)
    counts = [
        _pool_divisor(size, k, s, p, count, count_include_pad)
        for size, k, s, p, count in zip((h, w), kernel, stride, pad, (oh, ow))
    ]
    divisor = np.outer(counts[0], counts[1]).reshape(-1)  # (OH*OW,), one divisor per window
    if np.all(divisor == divisor[0]):
        return (total / constant(divisor[0], x.dtype, "window size")).reshape(n, c, oh, ow)
    sizes = constant(divisor, x.dtype, "pixels counted in each window")
    return (total / sizes).reshape(n, c, oh, ow)


def _pool_divisor(size: int, k: int, s: int, p: int, count: int, include_pad: bool) -> np.ndarray:
    """How many cells each window along one axis averages (PyTorch's rule)."""
    start = np.arange(count) * s - p
    end = np.minimum(start + k, size + p)  # the padding counts, the ceil_mode overhang never
    if not include_pad:
        start, end = np.maximum(start, 0), np.minimum(end, size)
    return end - start


@composite("adaptive_avg_pool2d")
def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    r"""Average over a grid of output_size cells that tiles the input as evenly as possible.

    Cell i along an axis of size H covers rows floor(i*H/OH) to ceil((i+1)*H/OH) - 1.
    output_size 1 is global average pooling. (N, C, H, W) -> (N, C, OH, OW); None in
    output_size keeps that axis. Composed as a mean (sizes that divide evenly) or as two
    matrix products with constant averaging matrices: y = A_h @ x @ A_w^T.
    """
    x = _tensor(input, "adaptive_avg_pool2d")
    _check_4d("adaptive_avg_pool2d", x)
    _check_float("adaptive_avg_pool2d", x)
    n, c, h, w = x.shape
    if output_size is None or isinstance(output_size, (int, np.integer)):
        output_size = (output_size, output_size)
    if len(output_size) != 2:
        raise ValueError(
            f"adaptive_avg_pool2d: output_size must be an int or a pair, got {output_size!r}"
        )
    oh, ow = (size if o is None else int(o) for o, size in zip(output_size, (h, w)))
    if oh < 1 or ow < 1:
        raise ValueError(f"adaptive_avg_pool2d: output_size must be >= 1, got {output_size!r}")
    if (oh, ow) == (1, 1):
        return x.mean((2, 3), keepdim=True)
    if h % oh == 0 and w % ow == 0:  # equal cells: a reshape and a mean
        return x.reshape(n, c, oh, h // oh, ow, w // ow).mean((3, 5))
    rows = constant(_averaging_matrix(h, oh, x.dtype), x.dtype, "averaging matrix (rows)")
    cols = _averaging_matrix(w, ow, x.dtype).T.copy()
    return rows @ x @ constant(cols, x.dtype, "averaging matrix (columns)")


def _averaging_matrix(size: int, out: int, dtype: Any) -> np.ndarray:
    """A[i, k] = 1/len(cell i) if input index k lies in cell i, else 0."""
    a = np.zeros((out, size), dtype=dtype)
    for i in range(out):
        lo, hi = (i * size) // out, -(-((i + 1) * size) // out)
        a[i, lo:hi] = 1.0 / (hi - lo)
    return a
