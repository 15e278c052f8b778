r"""Composed operations: convolution, pooling, normalisation, activations and losses.

`import minigrad.functional as F`. Names and arguments follow `torch.nn.functional`.

Nothing in this file has a backward pass. Every function is written with Tensor
operations (primitives from `minigrad/ops`), so the engine derives its gradient, and the
gradient of that gradient. Convolution is im2col followed by one matrix product:

    cols = unfold(x)                      (N, C*KH*KW, L)     every window as a column
    y    = w.reshape(O, C*KH*KW) @ cols   (N, O, L)           one dot product per window
    y    = y.reshape(N, O, OH, OW)

and the backward pass of `unfold` is `fold` (col2im), which the engine calls by itself.
Max pooling is unfold and a max over each window; average pooling unfold and a mean;
batch norm is mean, variance, subtract, divide, scale and shift.

Shape letters: N batch, C (input) channels, O output channels, H/W height/width,
KH/KW kernel size, S stride, P padding, D dilation, OH/OW output height/width,
L = OH*OW window positions.

Each composite is decorated with `autograd.composite(name)`: the nodes it creates are
tagged with that name, so graph pictures can draw them as one box.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import autograd
from .autograd import composite
from .factory import default_generator
from .ops.window import Fold, Unfold, window_count
from .tensor import Tensor, where

IntPair = int | tuple[int, int]

__all__ = [
    "unfold",
    "fold",
    "conv2d",
    "conv2d_naive",
    "max_pool2d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "batch_norm",
    "dropout",
    "linear",
    "pad",
    "relu",
    "sigmoid",
    "tanh",
    "elu",
    "leaky_relu",
    "prelu",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "nll_loss",
    "mse_loss",
    "l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]

# --------------------------------------------------------------------------------------------
# Argument checks (every user mistake gets a message naming the op and the shapes)


def _pair(value: Any, name: str, op: str, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints, as the pair (height, width)."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair):
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in pair):
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


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
    ph, pw = _pair(padding, "padding", op, minimum=0)
    return (ph, ph), (pw, pw)


# --------------------------------------------------------------------------------------------
# The window primitive and its adjoint


def unfold(
    input: Tensor,
    kernel_size: IntPair,
    dilation: IntPair = 1,
    padding: IntPair = 0,
    stride: IntPair = 1,
) -> Tensor:
    r"""Every KH x KW window of the zero-padded input as a column (im2col).

    (N, C, H, W) -> (N, C*KH*KW, L) with L = OH*OW window positions, in PyTorch's order:
    cols[n, c*KH*KW + i*KW + j, oh*OW + ow] = x_pad[n, c, oh*S + i*D, ow*S + j*D].
    Its gradient is `fold`, and fold's gradient is unfold.
    """
    x = _tensor(input, "unfold")
    _check_4d("unfold", x)
    kernel = _pair(kernel_size, "kernel_size", "unfold")
    dilation = _pair(dilation, "dilation", "unfold")
    stride = _pair(stride, "stride", "unfold")
    pads = _symmetric(padding, "unfold")
    _window_geometry("unfold", x.shape, kernel, stride, pads, dilation)
    return Unfold.apply(x, kernel_size=kernel, dilation=dilation, padding=pads, stride=stride)


def fold(
    input: Tensor,
    output_size: IntPair,
    kernel_size: IntPair,
    dilation: IntPair = 1,
    padding: IntPair = 0,
    stride: IntPair = 1,
) -> Tensor:
    r"""Add columns back onto the image they were taken from (col2im), the adjoint of unfold.

    (N, C*KH*KW, L) -> (N, C, H, W); a pixel covered by several windows gets the sum.
    fold(unfold(x)) multiplies each pixel by the number of windows that contain it.
    """
    cols = _tensor(input, "fold")
    if cols.ndim != 3:
        raise ValueError(f"fold: expected a 3-D input (N, C*KH*KW, L), got shape {cols.shape}")
    size = _pair(output_size, "output_size", "fold")
    kernel = _pair(kernel_size, "kernel_size", "fold")
    dilation = _pair(dilation, "dilation", "fold")
    stride = _pair(stride, "stride", "fold")
    pads = _symmetric(padding, "fold")
    n, ckk, length = cols.shape
    if ckk % (kernel[0] * kernel[1]):
        raise ValueError(
            f"fold: input has {ckk} rows, which is not a multiple of KH*KW = "
            f"{kernel[0] * kernel[1]} (kernel_size {kernel}); rows must be C*KH*KW"
        )
    oh, ow = _window_geometry("fold", size, kernel, stride, pads, dilation)
    if oh * ow != length:
        raise ValueError(
            f"fold: input has {length} columns, but output_size {size} with kernel {kernel}, "
            f"stride {stride}, padding {pads}, dilation {dilation} has {oh} x {ow} = "
            f"{oh * ow} window positions"
        )
    return Fold.apply(
        cols, output_size=size, kernel_size=kernel, dilation=dilation, padding=pads, stride=stride
    )


# --------------------------------------------------------------------------------------------
# Convolution


def _conv_padding(
    padding: Any, kernel: tuple, stride: tuple, dilation: tuple
) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) from an int, a pair, 'valid' or 'same'."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(
                    f"conv2d: padding='same' needs stride 1 (got stride {stride}): with a "
                    "larger stride the output cannot have the input's size; give the padding "
                    "as numbers instead"
                )
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            # an odd total puts the extra row/column at the bottom/right, as PyTorch does
            return (total[0] // 2, total[0] - total[0] // 2), (
                total[1] // 2,
                total[1] - total[1] // 2,
            )
        raise ValueError(
            f"conv2d: padding must be an int, a pair, 'same' or 'valid', got {padding!r}"
        )
    return _symmetric(padding, "conv2d")


def _conv_args(x: Any, weight: Any, bias: Any, stride, padding, dilation, groups, op: str):
    """Check everything conv2d and conv2d_naive are given; return the normalised arguments."""
    x = _tensor(x, op)
    w = _tensor(weight, op, "weight")
    _check_4d(op, x)
    _check_4d(op, w, "weight", "(C_out, C_in / groups, KH, KW)")
    _check_float(op, x)
    _check_same_dtype(op, x, w, "weight")
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    c = x.shape[1]
    o, cg = w.shape[:2]
    if c % groups:
        raise ValueError(
            f"{op}: groups={groups} does not divide the {c} input channels (input shape "
            f"{x.shape}); choose groups that divides both channel counts"
        )
    if o % groups:
        raise ValueError(
            f"{op}: groups={groups} does not divide the {o} output channels (weight shape "
            f"{w.shape}); choose groups that divides both channel counts"
        )
    if cg * groups != c:
        per_group = f" ({cg} per group x {groups} groups)" if groups > 1 else ""
        raise ValueError(
            f"{op}: input has {c} channels, weight expects {cg * groups}{per_group} "
            f"(weight shape {w.shape}, input shape {x.shape}); the weight must be "
            "(C_out, C_in / groups, KH, KW)"
        )
    if bias is not None:
        bias = _tensor(bias, op, "bias")
        if bias.shape != (o,):
            raise ValueError(
                f"{op}: bias has shape {bias.shape}, expected ({o},): one number per output "
                f"channel of weight shape {w.shape}"
            )
        _check_same_dtype(op, x, bias, "bias")
    kernel = w.shape[2:]
    stride = _pair(stride, "stride", op)
    dilation = _pair(dilation, "dilation", op)
    pads = _conv_padding(padding, kernel, stride, dilation)
    oh, ow = _window_geometry(op, x.shape, kernel, stride, pads, dilation)
    return x, w, bias, kernel, stride, pads, dilation, int(groups), oh, ow


@composite("conv2d")
def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntPair = 1,
    padding: IntPair | str = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> Tensor:
    r"""2-D convolution (cross-correlation, as in every deep-learning library), by im2col.

    y[n, o, oh, ow] = b[o] + sum_{c, i, j} w[o, c, i, j] x_pad[n, c, oh*S + i*D, ow*S + j*D]

    input (N, C, H, W), weight (O, C/groups, KH, KW), bias (O,) -> (N, O, OH, OW).
    padding: an int, a pair, 'valid' (0) or 'same' (output size = input size, stride 1).
    Composed as unfold -> one matrix product -> reshape; the engine derives the backward
    (the input gradient is a fold of w^T @ grad, the weight gradient grad @ cols^T).
    """
    x, w, b, kernel, stride, pads, dilation, groups, oh, ow = _conv_args(
        input, weight, bias, stride, padding, dilation, groups, "conv2d"
    )
    n, c = x.shape[:2]
    o = w.shape[0]
    rows = c // groups * kernel[0] * kernel[1]  # C/groups * KH * KW numbers per window
    cols = Unfold.apply(x, kernel_size=kernel, dilation=dilation, padding=pads, stride=stride)
    # (N, C*KH*KW, L) -> (C*KH*KW, L*N): Unfold lays its memory out this way, so both steps
    # are free views and the product below is one BLAS call on contiguous matrices
    cols = cols.permute(1, 2, 0)
    if groups == 1:
        y = w.reshape(o, rows) @ cols.reshape(rows, oh * ow * n)
    else:  # one product per group: (G, O/G, rows) @ (G, rows, L*N)
        cols = cols.reshape(groups, rows, oh * ow * n)
        y = (w.reshape(groups, o // groups, rows) @ cols).reshape(o, oh * ow * n)
    if b is not None:
        y = y + b.reshape(o, 1)
    # (N, O, OH, OW) as a view of memory laid out (O, OH, OW, N): ReLU, pooling and the next
    # conv2d's unfold keep working in that order without copying it back and forth
    return y.reshape(o, oh, ow, n).permute(3, 0, 1, 2)


@composite("conv2d_naive")
def conv2d_naive(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntPair = 1,
    padding: IntPair | str = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> Tensor:
    r"""The same convolution as `conv2d`, written as a loop over kernel offsets (for reading).

    For each offset (i, j) of the kernel, the pixels that offset touches in every window
    form one strided slice of the padded input, x_pad[:, :, i*D :: S, j*D :: S]; multiply
    it by w[:, :, i, j] and add over input channels:

        y = b + sum_{i, j} sum_c w[:, c, i, j] * x_pad[:, c, i*D + S*oh, j*D + S*ow]

    Every step is a small Tensor operation, so the graph is easy to draw; it is slow.
    """
    x, w, b, kernel, stride, pads, dilation, groups, oh, ow = _conv_args(
        input, weight, bias, stride, padding, dilation, groups, "conv2d_naive"
    )
    (pt, pb), (pl, pr) = pads
    if pt or pb or pl or pr:
        x = x.pad((pl, pr, pt, pb))
    o, cg = w.shape[:2]
    og = o // groups
    outputs = []
    for g in range(groups):
        xg = x[:, g * cg : (g + 1) * cg]  # (N, C/G, H_pad, W_pad)
        wg = w[g * og : (g + 1) * og]  # (O/G, C/G, KH, KW)
        y = None
        for i in range(kernel[0]):
            for j in range(kernel[1]):
                top, left = i * dilation[0], j * dilation[1]
                patch = xg[
                    :,
                    :,
                    top : top + stride[0] * (oh - 1) + 1 : stride[0],
                    left : left + stride[1] * (ow - 1) + 1 : stride[1],
                ]  # (N, C/G, OH, OW): the pixel under kernel entry (i, j), for every window
                term = (patch.unsqueeze(1) * wg[:, :, i, j].reshape(1, og, cg, 1, 1)).sum(2)
                y = term if y is None else y + term
        outputs.append(y)
    y = outputs[0] if groups == 1 else _cat(outputs, 1)
    if b is not None:
        y = y + b.reshape(1, o, 1, 1)
    return y


def _cat(tensors: Sequence[Tensor], dim: int) -> Tensor:
    from .tensor import cat

    return cat(tensors, dim)


# --------------------------------------------------------------------------------------------
# Pooling


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
        return (total / float(divisor_override)).reshape(n, c, oh, ow)
    counts = [
        _pool_divisor(size, k, s, p, count, count_include_pad)
        for size, k, s, p, count in zip((h, w), kernel, stride, pad, (oh, ow))
    ]
    divisor = np.outer(counts[0], counts[1]).reshape(-1)  # (OH*OW,), one divisor per window
    if np.all(divisor == divisor[0]):
        return (total / float(divisor[0])).reshape(n, c, oh, ow)
    return (total / Tensor._constant(divisor.astype(x.dtype))).reshape(n, c, oh, ow)


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
    rows = Tensor._constant(_averaging_matrix(h, oh, x.dtype))  # (OH, H)
    cols = Tensor._constant(_averaging_matrix(w, ow, x.dtype).T.copy())  # (W, OW)
    return rows @ x @ cols


def _averaging_matrix(size: int, out: int, dtype: Any) -> np.ndarray:
    """A[i, k] = 1/len(cell i) if input index k lies in cell i, else 0."""
    a = np.zeros((out, size), dtype=dtype)
    for i in range(out):
        lo, hi = (i * size) // out, -(-((i + 1) * size) // out)
        a[i, lo:hi] = 1.0 / (hi - lo)
    return a


# --------------------------------------------------------------------------------------------
# Normalisation and dropout


@composite("batch_norm")
def batch_norm(
    input: Tensor,
    running_mean: Tensor | np.ndarray | None,
    running_var: Tensor | np.ndarray | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    r"""Normalise each channel to mean 0 and variance 1, then scale and shift.

    y = (x - mean) / sqrt(var + eps) * weight + bias, per channel (axis 1), for input
    (N, C), (N, C, L) or (N, C, H, W). In training the mean and the *biased* variance
    come from this batch, and the running statistics are updated in place as PyTorch does:

        running_mean = (1 - momentum) running_mean + momentum mean
        running_var  = (1 - momentum) running_var  + momentum var * n / (n - 1)   (unbiased)

    In evaluation the running statistics are used instead. The gradient (through the
    batch mean and variance too) is derived by the engine.
    """
    x = _tensor(input, "batch_norm")
    _check_float("batch_norm", x)
    if x.ndim < 2:
        raise ValueError(
            f"batch_norm: expected input (N, C), (N, C, L) or (N, C, H, W), got shape {x.shape}"
        )
    c = x.shape[1]
    shape = (1, c) + (1,) * (x.ndim - 2)  # broadcasts a per-channel vector over the input
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):  # fmt: skip
        if t is not None and tuple(np.shape(t.data if isinstance(t, Tensor) else t)) != (c,):
            raise ValueError(
                f"batch_norm: {name} has shape {np.shape(getattr(t, 'data', t))}, expected "
                f"({c},): one number per channel of input shape {x.shape}"
            )
    dims = (0,) + tuple(range(2, x.ndim))
    if training:
        count = x.numel() // c
        if count <= 1:
            raise ValueError(
                f"batch_norm: training needs more than one value per channel to estimate a "
                f"variance, got input shape {x.shape}; use a larger batch or eval mode"
            )
        if momentum is None:
            raise ValueError(
                "batch_norm: momentum=None (a cumulative average) needs the number of batches "
                "seen, which nn.BatchNorm keeps; pass a number such as 0.1 here"
            )
        mean = x.mean(dims, keepdim=True)
        centred = x - mean
        var = (centred**2).mean(dims, keepdim=True)  # biased: divides by n
        with autograd.no_grad():
            if running_mean is not None:
                _blend(running_mean, mean.data.reshape(c), momentum)
            if running_var is not None:
                _blend(running_var, var.data.reshape(c) * (count / (count - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm: evaluation (training=False) needs running_mean and running_var; "
                "pass them, or training=True to use the batch statistics"
            )
        mean = _as_constant(running_mean, x.dtype).reshape(shape)
        var = _as_constant(running_var, x.dtype).reshape(shape)
        centred = x - mean
    scale = (var + eps) ** -0.5  # (1, C, 1, 1): small, so the big tensor is touched once
    if weight is not None:
        scale = scale * _tensor(weight, "batch_norm", "weight").reshape(shape)
    y = centred * scale
    if bias is not None:
        y = y + _tensor(bias, "batch_norm", "bias").reshape(shape)
    return y


def _blend(running: Any, batch: np.ndarray, momentum: float) -> None:
    """running <- (1 - momentum) running + momentum batch, in place (Tensor or ndarray)."""
    arr = running.data if isinstance(running, Tensor) else running
    arr *= 1.0 - momentum
    arr += (momentum * batch).astype(arr.dtype, copy=False)


def _as_constant(x: Any, dtype: Any) -> Tensor:
    arr = x.data if isinstance(x, Tensor) else np.asarray(x)
    return Tensor._constant(arr.astype(dtype, copy=False))


@composite("dropout")
def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    r"""Zero each element with probability p and scale the rest by 1/(1 - p) (inverted dropout).

    The expected value of every element is unchanged, so evaluation (training=False)
    is the identity. Random numbers come from mg.default_generator() (mg.manual_seed).
    """
    x = _tensor(input, "dropout")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p is a probability and must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    _check_float("dropout", x)
    if p == 1.0:
        return x * 0.0
    draw_dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float64
    keep = default_generator().random(x.shape, dtype=draw_dtype) >= p
    mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - p))
    return x * Tensor._constant(mask)


@composite("linear")
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    r"""y = x @ w^T + b:  input (*, in_features), weight (out, in), bias (out,) -> (*, out)."""
    x = _tensor(input, "linear")
    w = _tensor(weight, "linear", "weight")
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got {w.shape}")
    if x.ndim == 0 or x.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input has {x.shape[-1] if x.ndim else 0} features (shape {x.shape}), "
            f"weight expects {w.shape[1]} (weight shape {w.shape}, i.e. (out, in)); "
            "flatten the input first (x.flatten(1)) or fix in_features"
        )
    _check_same_dtype("linear", x, w, "weight")
    y = x @ w.T
    if bias is not None:
        b = _tensor(bias, "linear", "bias")
        if b.shape != (w.shape[0],):
            raise ValueError(f"linear: bias has shape {b.shape}, expected ({w.shape[0]},)")
        y = y + b
    return y


@composite("pad")
def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    r"""Pad the last dimensions: pad = (left, right, top, bottom, ...) as in PyTorch.

    mode 'constant' fills with `value`; 'reflect' mirrors the border without repeating
    the edge (1 2 3 -> 3 2 | 1 2 3 | 2 1); 'replicate' repeats the edge element.
    """
    x = _tensor(input, "pad")
    if mode == "constant":
        return x.pad(pad, value)
    if mode not in ("reflect", "replicate"):
        raise ValueError(f"pad: mode must be 'constant', 'reflect' or 'replicate', got {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: expected pairs of widths for at most {x.ndim} dims, got {pad}")
    from .tensor import cat

    for k in range(len(pad) // 2):
        dim = x.ndim - 1 - k
        lo, hi = int(pad[2 * k]), int(pad[2 * k + 1])
        size = x.shape[dim]
        if mode == "reflect" and (lo >= size or hi >= size):
            raise ValueError(
                f"pad: reflect padding ({lo}, {hi}) must be smaller than the size {size} of "
                f"dim {dim} (input shape {x.shape})"
            )
        if mode == "reflect":  # mirror without the edge: x[lo], ..., x[1] | x | x[-2], ...
            parts = [_take(x, dim, lo, 0, -1), x, _take(x, dim, size - 2, size - 2 - hi, -1)]
        else:  # repeat the edge element
            parts = [_repeat_edge(x, dim, 0, lo), x, _repeat_edge(x, dim, size - 1, hi)]
        parts = [part for part in parts if part is not None]
        x = cat(parts, dim) if len(parts) > 1 else x
    return x


def _take(x: Tensor, dim: int, start: int, stop: int, step: int) -> Tensor | None:
    """x[..., start:stop:step] along `dim` (stop -1 means "past index 0"), None if empty."""
    if start == stop:
        return None
    index = (slice(None),) * dim + (slice(start, stop if stop >= 0 else None, step),)
    return x[index]


def _repeat_edge(x: Tensor, dim: int, at: int, width: int) -> Tensor | None:
    if width == 0:
        return None
    shape = x.shape[:dim] + (width,) + x.shape[dim + 1 :]
    return _take(x, dim, at, at + 1, 1).expand(*shape)


# --------------------------------------------------------------------------------------------
# Activations


def relu(input: Tensor) -> Tensor:
    r"""max(x, 0); the gradient is 1 where x > 0, else 0."""
    return _tensor(input, "relu").relu()


def sigmoid(input: Tensor) -> Tensor:
    r"""1 / (1 + e^-x), computed without overflow."""
    return _tensor(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Tensor:
    r"""(e^x - e^-x) / (e^x + e^-x)."""
    return _tensor(input, "tanh").tanh()


@composite("elu")
def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    r"""x for x > 0, alpha (e^x - 1) otherwise."""
    x = _tensor(input, "elu")
    positive = x.data > 0
    negative_part = where(positive, 0.0, x)  # e^x of this never overflows
    return where(positive, x, (negative_part.exp() - 1.0) * alpha)


@composite("leaky_relu")
def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    r"""x for x > 0, negative_slope * x otherwise."""
    x = _tensor(input, "leaky_relu")
    return where(x.data > 0, x, x * negative_slope)


@composite("prelu")
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    r"""x for x > 0, a * x otherwise, with a learned slope a per channel (weight (C,) or (1,))."""
    x = _tensor(input, "prelu")
    a = _tensor(weight, "prelu", "weight")
    if a.ndim != 1 or (a.shape[0] != 1 and (x.ndim < 2 or a.shape[0] != x.shape[1])):
        channels = x.shape[1] if x.ndim >= 2 else 1
        raise ValueError(
            f"prelu: weight has shape {a.shape}, expected (1,) or ({channels},) (one slope "
            f"per channel of input shape {x.shape})"
        )
    if a.shape[0] != 1:
        a = a.reshape((1, a.shape[0]) + (1,) * (x.ndim - 2))
    return where(x.data > 0, x, x * a)


@composite("softmax")
def softmax(input: Tensor, dim: int = -1) -> Tensor:
    r"""e^x / sum(e^x) along dim, computed as e^(x - max) so it never overflows."""
    return _tensor(input, "softmax").softmax(dim)


@composite("log_softmax")
def log_softmax(input: Tensor, dim: int = -1) -> Tensor:
    r"""x - logsumexp(x) along dim: finite even for logits of magnitude 1e4."""
    return _tensor(input, "log_softmax").log_softmax(dim)


# --------------------------------------------------------------------------------------------
# Losses


def _reduce(loss: Tensor, reduction: str, op: str, divisor: float | None = None) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean() if divisor is None else loss.sum() / float(divisor)
    raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _class_weights(
    op: str, x: Tensor, target: Any, weight: Any, ignore_index: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For class-index targets: (one-hot (N, C, ...) scaled by the class weight, the weight
    each target gets (N, ...), the class weights broadcast to (1, C, 1, ...) times 'not
    ignored'). All constants in the input's dtype."""
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    c = x.shape[1]
    if t.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: target must hold class indices (integers), got {t.dtype}; convert with "
            ".long(), or (cross_entropy only) pass class probabilities with the input's shape "
            f"{x.shape}"
        )
    expected = (x.shape[0],) + x.shape[2:]
    if t.shape != expected:
        raise ValueError(
            f"{op}: target has shape {t.shape}, expected {expected}: one class index per "
            f"sample for input (N, C, ...) = {x.shape}"
        )
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(
            f"{op}: target holds class {int(t[bad].flat[0])}, but input has {c} classes "
            f"(valid: 0 to {c - 1}, or ignore_index={ignore_index})"
        )
    if weight is None:
        w = np.ones(c, dtype=x.dtype)
    else:
        w = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=x.dtype)
        if w.shape != (c,):
            raise ValueError(f"{op}: weight has shape {w.shape}, expected ({c},), one per class")
    class_axis = (1, c) + (1,) * (x.ndim - 2)
    classes = np.arange(c).reshape(class_axis)
    onehot = (np.expand_dims(t, 1) == classes) & np.expand_dims(valid, 1)
    per_class = w.reshape(class_axis) * np.expand_dims(valid, 1)
    picked = np.where(valid, w[np.where(valid, t, 0)], 0).astype(x.dtype)
    return (onehot * w.reshape(class_axis)).astype(x.dtype), picked, per_class.astype(x.dtype)


def _batched(op: str, x: Tensor, target: Any) -> tuple[Tensor, Any, bool]:
    """An unbatched input (C,) with a scalar target becomes a batch of one."""
    if x.ndim == 1:
        t = target.data if isinstance(target, Tensor) else np.asarray(target)
        return x.reshape(1, -1), t.reshape((1,) + t.shape), True
    if x.ndim == 0:
        raise ValueError(f"{op}: input must be (C,) or (N, C, ...) scores, got a 0-d tensor")
    return x, target, False


@composite("nll_loss")
def nll_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    r"""Negative log-likelihood: loss_n = -weight[t_n] * input[n, t_n], input = log-probabilities.

    input (N, C) or (N, C, d1, ...), target (N,) or (N, d1, ...) class indices. 'mean'
    divides by the total weight of the targets that are not ignore_index (as PyTorch).
    Picking input[n, t_n] is a product with a constant one-hot mask and a sum over classes.
    """
    x, target, unbatched = _batched("nll_loss", _tensor(input, "nll_loss"), target)
    onehot, picked, _ = _class_weights("nll_loss", x, target, weight, ignore_index)
    loss = -(x * Tensor._constant(onehot)).sum(1)
    if unbatched and reduction == "none":
        loss = loss.reshape(())
    return _reduce(loss, reduction, "nll_loss", picked.sum())


@composite("cross_entropy")
def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    r"""Softmax cross-entropy from raw scores (logits): nll_loss(log_softmax(input, 1), target).

    loss_n = -sum_c q_nc log softmax(x_n)_c, where q is the one-hot target mixed with the
    uniform distribution: q = (1 - label_smoothing) onehot + label_smoothing / C. target
    is class indices (N, ...) or class probabilities with the input's shape. Finite for
    logits of any size: log_softmax subtracts the maximum before exponentiating.
    """
    x, target, unbatched = _batched("cross_entropy", _tensor(input, "cross_entropy"), target)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    logp = x.log_softmax(1)
    c = x.shape[1]
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind == "f":  # class probabilities
        if t.shape != x.shape:
            raise ValueError(
                f"cross_entropy: probability target has shape {t.shape}, expected the input's "
                f"shape {x.shape}, or integer class indices of shape {(x.shape[0],) + x.shape[2:]}"
            )
        q = t.astype(x.dtype) * (1.0 - label_smoothing) + label_smoothing / c
        if weight is not None:
            w = np.asarray(getattr(weight, "data", weight), dtype=x.dtype)
            q = q * w.reshape((1, c) + (1,) * (x.ndim - 2))
        loss = -(logp * Tensor._constant(q.astype(x.dtype))).sum(1)
        divisor = None
    else:
        onehot, picked, per_class = _class_weights("cross_entropy", x, target, weight, ignore_index)
        q = onehot
        if label_smoothing:
            q = onehot * (1.0 - label_smoothing) + per_class * (label_smoothing / c)
        loss = -(logp * Tensor._constant(q.astype(x.dtype, copy=False))).sum(1)
        divisor = picked.sum()
    if unbatched and reduction == "none":
        loss = loss.reshape(())
    return _reduce(loss, reduction, "cross_entropy", divisor)


def _check_same_shape(op: str, x: Tensor, y: Tensor) -> None:
    if x.shape != y.shape:
        raise ValueError(
            f"{op}: input has shape {x.shape} but target has shape {y.shape}; they must be "
            "equal (a (N, 1) vs (N,) mismatch would silently broadcast to (N, N)): reshape one"
        )


@composite("mse_loss")
def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    r"""Mean squared error: mean((input - target)^2)."""
    x = _tensor(input, "mse_loss")
    y = x._lift(target)
    _check_same_shape("mse_loss", x, y)
    diff = x - y
    return _reduce(diff * diff, reduction, "mse_loss")


@composite("l1_loss")
def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    r"""Mean absolute error: mean(|input - target|)."""
    x = _tensor(input, "l1_loss")
    y = x._lift(target)
    _check_same_shape("l1_loss", x, y)
    return _reduce((x - y).abs(), reduction, "l1_loss")


@composite("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    r"""-[p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))] from logits x, without overflow.

    Written as (1 - y) x + (1 + (p - 1) y) softplus(-x), with
    softplus(-x) = max(-x, 0) + log(1 + e^-|x|) (p = pos_weight, 1 by default): the
    exponent is never positive, and at x = 0 both pieces take the same branch, so the
    gradient there is sigmoid(0) - y as it should be.
    """
    op = "binary_cross_entropy_with_logits"
    x = _tensor(input, op)
    _check_float(op, x)
    y = x._lift(target).to(x.dtype)
    _check_same_shape(op, x, y)
    positive = x.data > 0
    magnitude = where(positive, x, -x)  # |x|, taking the x <= 0 branch at 0 like max(-x, 0)
    softplus_neg = where(positive, 0.0, -x) + ((-magnitude).exp() + 1.0).log()
    if pos_weight is None:
        loss = (1.0 - y) * x + softplus_neg
    else:
        loss = (1.0 - y) * x + (1.0 + (x._lift(pos_weight) - 1.0) * y) * softplus_neg
    if weight is not None:
        loss = loss * x._lift(weight)
    return _reduce(loss, reduction, op)


@composite("binary_cross_entropy")
def binary_cross_entropy(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean"
) -> Tensor:
    r"""-[y log p + (1 - y) log(1 - p)] for probabilities p; each log is kept >= -100 (PyTorch).

    Prefer binary_cross_entropy_with_logits on raw scores: it is exact where this saturates.
    """
    op = "binary_cross_entropy"
    p = _tensor(input, op)
    _check_float(op, p)
    y = p._lift(target).to(p.dtype)
    _check_same_shape(op, p, y)
    if p.data.size and (p.data.min() < 0 or p.data.max() > 1):
        raise ValueError(
            f"{op}: input must be probabilities in [0, 1] (got values from {p.data.min():g} to "
            f"{p.data.max():g}); apply sigmoid first or use binary_cross_entropy_with_logits"
        )
    tiny = math.exp(-100.0)  # log(tiny) = -100, PyTorch's floor for log(0)
    loss = -(y * p.clip(min=tiny).log() + (1.0 - y) * (1.0 - p).clip(min=tiny).log())
    if weight is not None:
        loss = loss * p._lift(weight)
    return _reduce(loss, reduction, op)
