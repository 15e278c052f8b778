"""Pooling: max_pool2d, avg_pool2d and adaptive_avg_pool2d, with their shared window
helpers (argument checks, output sizes, the tiling shortcut, unfolded windows)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..ops.reduce import Amax, amax
from ..ops.window import Unfold
from ..recording import composite
from ..shapes import as_bool, as_int, as_pair
from ..tensor import Tensor
from ..tensor import stack as mg_stack
from ._checks import IntPair, _batched, _check_float, _tensor
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
    _check_float(op, x)
    kernel = as_pair(kernel_size, op, "kernel_size")
    stride = kernel if stride is None or stride == [] else as_pair(stride, op, "stride")
    pad = as_pair(padding, op, "padding", 0)
    dilation = as_pair(dilation, op, "dilation")
    ceil_mode = as_bool(ceil_mode, op, "ceil_mode")
    if 0 in x.shape[1:]:
        raise ValueError(
            f"{op}: input has shape {x.shape}; only the batch dim N may be 0 (C, H and W "
            "must not be empty)"
        )
    for p, k, d in zip(pad, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise ValueError(
                f"{op}: padding {pad} must be at most half the kernel size {kernel} "
                "(otherwise a window could hold nothing but padding)"
            )
    h, w = x.shape[2:]
    (oh, eh), (ow, ew) = (
        _pool_size(size, k, s, p, d, ceil_mode)
        for size, k, s, p, d in zip((h, w), kernel, stride, pad, dilation)
    )
    if oh < 1 or ow < 1:  # (with ceil_mode a window may hang over the edge, as in PyTorch)
        raise ValueError(
            f"{op}: kernel {kernel} with dilation {dilation} is larger than the padded "
            f"input {h + 2 * pad[0]} x {w + 2 * pad[1]} (input shape {x.shape}, padding "
            f"{pad}); use a smaller kernel or more padding"
        )
    for size, k, s, p, d, count in zip((h, w), kernel, stride, pad, dilation, (oh, ow)):
        if not _every_window_sees_the_input(size, k, s, p, d, count):
            raise ValueError(
                f"{op}: with kernel {kernel}, dilation {dilation}, padding {pad} and stride "
                f"{stride}, a window of input shape {x.shape} holds nothing but padding; "
                "use less padding or dilation (PyTorch reads uninitialised memory here)"
            )
    pads = ((pad[0], pad[0] + eh), (pad[1], pad[1] + ew))
    return x, kernel, stride, pad, pads, dilation, oh, ow


def _every_window_sees_the_input(size: int, k: int, s: int, p: int, d: int, count: int) -> bool:
    """Does each of the `count` windows along an axis cover at least one input position?"""
    positions = np.arange(count)[:, None] * s - p + np.arange(k)[None, :] * d
    return bool(((positions >= 0) & (positions < size)).any(axis=1).all())


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

    (N, C, H, W) -> (N, C, OH, OW), or (C, H, W) -> (C, OH, OW); stride defaults to
    kernel_size; padding is -inf, so it is never the maximum. Composed as unfold -> max over
    the window axis (a reshape instead of unfold when the windows tile the input exactly, as
    2x2 stride 2 does). Each window's gradient goes to one element, the one PyTorch picks:
    the first maximum in reading order, or the last NaN (NaN propagates as the maximum).
    """
    x, unbatched = _batched("max_pool2d", _tensor(input, "max_pool2d"))
    x, kernel, stride, _, pads, dilation, oh, ow = _pool_args(
        "max_pool2d", x, kernel_size, stride, padding, dilation, ceil_mode
    )
    n, c = x.shape[:2]
    tiles = _tiles(x, kernel, stride, pads, dilation)
    if tiles is not None:  # (N, C, OH, KH, OW, KW): the window positions are axes 3 and 5
        order = (3, 5, 0, 1, 2, 4)  # window positions first, for _pick
        pick = _pick(tiles.numpy().transpose(order), 2, None).transpose(np.argsort(order))
        y = Amax.apply(tiles, dims=(3, 5), keepdim=False, pick=pick)
    else:
        windows = _windows(x, kernel, stride, pads, dilation, oh, ow, fill=-math.inf)
        valid = None
        if pads != ((0, 0), (0, 0)):
            valid = _real_pixels(x.shape, kernel, stride, pads, dilation)
        # (K, C, L, N): window positions first; (C, K, L, N) is Unfold's memory order
        order = (2, 1, 3, 0)
        pick = _pick(windows.numpy().transpose(order), 1, valid).transpose(np.argsort(order))
        y = Amax.apply(windows, dims=(2,), keepdim=False, pick=pick).reshape(n, c, oh, ow)
    return y[0] if unbatched else y


def _pick(windows: np.ndarray, nwin: int, valid: Any) -> np.ndarray:
    """Where PyTorch's max_pool2d sends each window's gradient: a mask with one True per
    window. The first `nwin` axes of `windows` are the positions inside a window.

    PyTorch's kernel walks a window in reading order and keeps an element when it is
    larger than the best so far, or NaN: the first maximum wins a tie, the last NaN wins
    over everything, and a window of -inf keeps its first real pixel (never the -inf
    padding; `valid` marks the real pixels). Ties are common (a window of zeros after a
    ReLU), so the winner is found by one walk over the KH*KW positions, each step on all
    windows at once.
    """
    positions = list(np.ndindex(*windows.shape[:nwin]))
    m = amax(windows, tuple(range(nwin)))[(0,) * nwin]  # each window's maximum
    use_valid = valid is not None and np.isneginf(m).any()
    # in the windows' own memory order (the image's): the gradient max_pool2d's backward
    # selects with this mask then stays in that order, and flows on without a copy
    pick = np.zeros_like(windows, dtype=bool)
    taken = np.zeros_like(m, dtype=bool)
    for p in positions:
        hit = windows[p] == m
        if use_valid:
            hit &= valid[p]
        pick[p] = hit & ~taken
        taken |= hit
    nan = np.isnan(m)
    if nan.any():  # the last NaN of a window holding one (rare: only then this pass)
        last = np.zeros(windows.shape, dtype=bool)
        taken[...] = False
        for p in reversed(positions):
            hit = np.isnan(windows[p])
            last[p] = hit & ~taken
            taken |= hit
        pick = np.where(nan, last, pick)
    return pick


def _real_pixels(shape, kernel, stride, pads, dilation) -> np.ndarray:
    """(KH*KW, 1, OH*OW, 1): True where a window element is an input pixel, not padding
    (in the (K, C, L, N) layout _pick is given)."""
    ones = np.ones((1, 1) + tuple(shape[2:]), dtype=bool)
    cols = Unfold().forward(ones, kernel, dilation, pads, stride, fill=False)
    return cols.reshape(kernel[0] * kernel[1], 1, -1, 1)


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

    (N, C, H, W) -> (N, C, OH, OW), or (C, H, W) -> (C, OH, OW); stride defaults to
    kernel_size. With count_include_pad=True the zero padding counts in the divisor (but
    never the extra cells ceil_mode adds past the padding); with False, only real input
    pixels count. divisor_override, a positive int, replaces the divisor.
    """
    op = "avg_pool2d"
    x, unbatched = _batched(op, _tensor(input, op))
    x, kernel, stride, pad, pads, dilation, oh, ow = _pool_args(
        op, x, kernel_size, stride, padding, 1, ceil_mode
    )
    count_include_pad = as_bool(count_include_pad, op, "count_include_pad")
    if divisor_override is not None:
        divisor_override = as_int(divisor_override, op, "divisor_override", minimum=1)
    n, c, h, w = x.shape
    tiles = _tiles(x, kernel, stride, pads, dilation)
    if tiles is not None:
        total = tiles.sum((3, 5)).reshape(n, c, oh * ow)
    else:
        total = _windows(x, kernel, stride, pads, dilation, oh, ow, fill=0.0).sum(2)
    if divisor_override is not None:
        y = total / constant(divisor_override, x.dtype, "divisor (divisor_override)")
    else:
        counts = [
            _pool_divisor(size, k, s, p, count, count_include_pad)
            for size, k, s, p, count in zip((h, w), kernel, stride, pad, (oh, ow))
        ]
        divisor = np.outer(counts[0], counts[1]).reshape(-1)  # (OH*OW,), one per window
        if np.all(divisor == divisor[0]):
            y = total / constant(divisor[0], x.dtype, "window size")
        else:
            y = total / constant(divisor, x.dtype, "pixels counted in each window")
    y = y.reshape(n, c, oh, ow)
    return y[0] if unbatched else y


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
    output_size 1 is global average pooling. (N, C, H, W) -> (N, C, OH, OW), or one image
    (C, H, W) -> (C, OH, OW); None in output_size keeps that axis. Composed as a mean (sizes
    that divide evenly) or, per output row and then per output column, means of slices
    (never a product with zeros, which would turn an inf into NaN).
    """
    op = "adaptive_avg_pool2d"
    x, unbatched = _batched(op, _tensor(input, op))
    _check_float(op, x)
    n, c, h, w = x.shape
    if 0 in x.shape[1:]:
        raise ValueError(
            f"{op}: input has shape {x.shape}; only the batch dim N may be 0 (C, H and W "
            "must not be empty)"
        )
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    if len(sizes) != 2:
        raise ValueError(f"{op}: output_size must be an int or a pair, got {output_size!r}")
    oh, ow = (
        size if o is None else as_int(o, op, "output_size", minimum=0)
        for o, size in zip(sizes, (h, w))
    )
    if oh * ow == 0:
        y = x.reshape(-1)[:0].reshape(n, c, oh, ow)
    elif (oh, ow) == (1, 1):
        y = x.mean((2, 3), keepdim=True)
    elif h % oh == 0 and w % ow == 0:  # equal cells: a reshape and a mean
        y = x.reshape(n, c, oh, h // oh, ow, w // ow).mean((3, 5))
    else:
        rows = mg_stack([_cell_mean(x, 2, lo, hi, "rows") for lo, hi in _cells(h, oh)], 2)
        y = mg_stack([_cell_mean(rows, 3, lo, hi, "columns") for lo, hi in _cells(w, ow)], 3)
    return y[0] if unbatched else y


def _cell_mean(x: Tensor, axis: int, lo: int, hi: int, what: str) -> Tensor:
    """The mean of x[lo:hi] along `axis` (one adaptive cell), the axis removed."""
    part = x[(slice(None),) * axis + (slice(lo, hi),)]
    return part.sum(axis) / constant(hi - lo, x.dtype, f"{what} in the cell")


def _cells(size: int, out: int) -> list[tuple[int, int]]:
    """[start, end) of each of the `out` adaptive cells along an axis of `size`."""
    return [((i * size) // out, -(-((i + 1) * size) // out)) for i in range(out)]
