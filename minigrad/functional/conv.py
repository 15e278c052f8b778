"""Convolution: unfold and fold (the window primitive and its adjoint), conv2d by im2col,
conv2d_naive, the same convolution as a loop over kernel offsets, and conv_transpose2d,
the adjoint of conv2d (a matrix product and a fold)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.elementwise import WeightedSum
from ..ops.window import Fold, Unfold
from ..recording import composite
from ..shapes import as_int, as_pair
from ..tensor import Tensor, cat
from ._checks import (
    IntPair,
    _batched,
    _check_4d,
    _check_float,
    _check_same_dtype,
    _symmetric,
    _tensor,
    _window_geometry,
)
from ._constants import describe

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
    One image (C, H, W) gives (C*KH*KW, L). Its gradient is `fold`, and fold's gradient
    is unfold.
    """
    x, unbatched = _batched("unfold", _tensor(input, "unfold"))
    kernel = as_pair(kernel_size, "unfold", "kernel_size")
    dilation = as_pair(dilation, "unfold", "dilation")
    stride = as_pair(stride, "unfold", "stride")
    pads = _symmetric(padding, "unfold")
    _window_geometry("unfold", x.shape, kernel, stride, pads, dilation)
    cols = Unfold.apply(x, kernel_size=kernel, dilation=dilation, padding=pads, stride=stride)
    return cols[0] if unbatched else cols


def fold(
    input: Tensor,
    output_size: IntPair,
    kernel_size: IntPair,
    dilation: IntPair = 1,
    padding: IntPair = 0,
    stride: IntPair = 1,
) -> Tensor:
    r"""Add columns back onto the image they were taken from (col2im), the adjoint of unfold.

    (N, C*KH*KW, L) -> (N, C, H, W), or (C*KH*KW, L) -> (C, H, W); a pixel covered by
    several windows gets the sum. fold(unfold(x)) multiplies each pixel by the number of
    windows that contain it.
    """
    cols = _tensor(input, "fold")
    unbatched = cols.ndim == 2
    if unbatched:
        cols = cols.unsqueeze(0)
    if cols.ndim != 3:
        raise ValueError(
            f"fold: expected a 3-D input (N, C*KH*KW, L) or a 2-D (C*KH*KW, L), got shape "
            f"{cols.shape}"
        )
    size = as_pair(output_size, "fold", "output_size")
    kernel = as_pair(kernel_size, "fold", "kernel_size")
    dilation = as_pair(dilation, "fold", "dilation")
    stride = as_pair(stride, "fold", "stride")
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
    y = Fold.apply(
        cols, output_size=size, kernel_size=kernel, dilation=dilation, padding=pads, stride=stride
    )
    return y[0] if unbatched else y


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
            totals = (d * (k - 1) for k, d in zip(kernel, dilation))
            # an odd total puts the extra row/column at the bottom/right, as PyTorch does
            return tuple((total // 2, total - total // 2) for total in totals)
        raise ValueError(
            f"conv2d: padding must be an int, a pair, 'same' or 'valid', got {padding!r}"
        )
    return _symmetric(padding, "conv2d")


def _conv_args(x: Any, weight: Any, bias: Any, stride, padding, dilation, groups, op: str):
    """Check everything conv2d and conv2d_naive are given; return the normalised arguments."""
    w = _tensor(weight, op, "weight")
    _check_4d(op, w, "weight", "(C_out, C_in / groups, KH, KW)")
    _check_float(op, x)
    _check_same_dtype(op, x, w, "weight")
    groups = as_int(groups, op, "groups", minimum=1)
    c = x.shape[1]
    o, cg = w.shape[:2]
    if 0 in w.shape:
        raise ValueError(
            f"{op}: weight has shape {w.shape}; C_out, C_in / groups, KH and KW must not be 0"
        )
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
    stride = as_pair(stride, op, "stride")
    dilation = as_pair(dilation, op, "dilation")
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

    input (N, C, H, W) (or one image (C, H, W)), weight (O, C/groups, KH, KW), bias (O,)
    -> (N, O, OH, OW) (or (O, OH, OW)).
    padding: an int, a pair, 'valid' (0) or 'same' (output size = input size, stride 1).
    Composed as unfold -> one matrix product -> reshape; the engine derives the backward
    (the input gradient is a fold of w^T @ grad, the weight gradient grad @ cols^T). A
    depthwise convolution (groups = C: each channel on its own) is composed another way,
    with no column matrix: see `_depthwise`.
    """
    x, unbatched = _batched("conv2d", _tensor(input, "conv2d"))
    x, w, b, kernel, stride, pads, dilation, groups, oh, ow = _conv_args(
        x, weight, bias, stride, padding, dilation, groups, "conv2d"
    )
    n, c = x.shape[:2]
    if groups == c > 1 and stride == (1, 1) and _all_finite(x, w):
        # depthwise: see _depthwise (for a larger stride, its slices are strided and slower
        # than the column matrix; with inf or NaN, see _all_finite)
        y = _depthwise(x, w, b, kernel, pads, dilation, oh, ow)
        return y[0] if unbatched else y
    o = w.shape[0]
    rows = c // groups * kernel[0] * kernel[1]  # C/groups * KH * KW numbers per window
    cols = Unfold.apply(x, kernel_size=kernel, dilation=dilation, padding=pads, stride=stride)
    # (N, C*KH*KW, L) -> (C*KH*KW, L*N): Unfold lays its memory out this way, so both steps
    # are free views and the product below is one BLAS call on contiguous matrices
    cols = cols.permute(1, 2, 0)
    if groups == 1:
        cols = cols.reshape(rows, oh * ow * n)
    else:  # one product per group: (G, O/G, rows) @ (G, rows, L*N)
        cols = cols.reshape(groups, rows, oh * ow * n)
    describe(cols, "input windows (no gradient needed)")  # when x is data, not a result
    if groups == 1:
        y = w.reshape(o, rows) @ cols
    else:
        y = (w.reshape(groups, o // groups, rows) @ cols).reshape(o, oh * ow * n)
    if b is not None:
        y = y + b.reshape(o, 1)
    # (N, O, OH, OW) as a view of memory laid out (O, OH, OW, N): ReLU, pooling and the next
    # conv2d's unfold keep working in that order without copying it back and forth
    y = y.reshape(o, oh, ow, n).permute(3, 0, 1, 2)
    return y[0] if unbatched else y


def _depthwise(x: Tensor, w: Tensor, b: Tensor | None, kernel, pads, dilation, oh, ow) -> Tensor:
    r"""conv2d with groups = C and stride 1: each input channel c convolved on its own with
    M = O / C kernels (output channels c*M ... c*M + M - 1), as a sum over the KH x KW
    kernel offsets:

        y[:, c*M + m] = b[c*M + m] + sum_{i, j} w[c*M + m, 0, i, j] * x_pad[:, c, i*D:, j*D:]

    Each term is a slice of the padded input (a view, no copy) times one weight per channel.
    im2col would copy KH*KW numbers per pixel into a column matrix and multiply it per
    channel; a depthwise kernel does one multiplication per number copied, so the copy was
    most of the work (benchmarks/README.md). The KH*KW products are added by one op,
    WeightedSum, which keeps no partial sums. The engine derives the backward: each
    weight gets sum(grad * its slice), and the input's gradient collects grad * weight from
    every slice, which the walk adds into one buffer in place (ops/movement.py SliceGrad).

    Memory layout: the padded input is kept one channel per row, (C, rest), so that each
    slice is one contiguous run per channel ("wide" rows): the output is computed at every
    padded column (and row, below) and what lies past OW is cut off at the end, a little
    more work in exchange for numpy loops over runs of ~10,000 numbers instead of OW. An
    input laid out (C, H, W, N) in memory (conv2d's own results) stays in that order,
    padded (C, H_pad + 1, W_pad, N); any other is padded (C, N + 1, H_pad, W_pad) (for
    PyTorch's (N, C, H, W), a copy that moves whole rows), where the wide rows also cover
    each image's last rows. The extra row or image of zeros lets the last offset's run
    reach past the image.
    """
    n, c, h, wd = x.shape
    o = w.shape[0]
    m = o // c
    (kh, kw), (dh, dw) = kernel, dilation
    (pt, pb), (pl, pr) = pads
    hp, wp = h + pt + pb, wd + pl + pr
    all_ = slice(None)
    if x._data.transpose(1, 2, 3, 0).flags.c_contiguous:  # memory (C, H, W, N)
        xp = x.permute(1, 2, 3, 0).pad((0, 0, pl, pr, pt, pb + 1))  # (C, H_pad + 1, W_pad, N)
        unit, length = n, oh * wp * n  # a step along a row is one image; a run is OH rows
        wide, crop, order = (o, oh, wp, n), (all_, all_, slice(ow)), (3, 0, 1, 2)
    else:
        xp = x.permute(1, 0, 2, 3).pad((pl, pr, pt, pb, 0, 1))  # (C, N + 1, H_pad, W_pad)
        unit, length = 1, n * hp * wp  # a run covers every image, padding rows too
        wide, crop, order = (o, n, hp, wp), (all_, all_, slice(oh), slice(ow)), (1, 0, 2, 3)
    xp = xp.reshape(c, -1)
    # M > 1: (C, 1, L) slices times (C, M, 1) weights give (C, M, L): M output channels per
    # input channel. The weights of offset k = i*KW + j are weights[:, (:,) k]
    multi = (m,) if m > 1 else ()
    if m > 1:
        xp = xp.unsqueeze(1)
    weights = w.reshape((c,) + multi + (kh * kw, 1))
    lead = (all_,) * (xp.ndim - 1)  # the channel axes in front of a run
    taps = []
    for i in range(kh):
        for j in range(kw):
            start = (i * dh * wp + j * dw) * unit  # the pixel under offset (i, j), every window
            tap = xp[lead + (slice(start, start + length),)]
            taps.append(describe(tap, f"input pixels under kernel offset ({i}, {j})"))
    y = WeightedSum.apply(weights, *taps, dim=len(lead))
    if m > 1:
        y = y.reshape(o, length)
    if b is not None:
        y = y + b.reshape(o, 1)
    return y.reshape(wide)[crop].permute(order)  # images: the extra columns (rows) cut off


def _all_finite(*tensors: Tensor) -> bool:
    """No inf or NaN in any of them? `_depthwise` computes outputs it then cuts off, which
    read real pixels and weights too: an inf there times a zero gradient would put NaN in
    gradients PyTorch keeps finite."""
    return all(bool(np.isfinite(t._data).all()) for t in tensors)


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
    x, unbatched = _batched("conv2d_naive", _tensor(input, "conv2d_naive"))
    x, w, b, kernel, stride, pads, dilation, groups, oh, ow = _conv_args(
        x, weight, bias, stride, padding, dilation, groups, "conv2d_naive"
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
    y = outputs[0] if groups == 1 else cat(outputs, 1)
    if b is not None:
        y = y + b.reshape(1, o, 1, 1)
    return y[0] if unbatched else y


# --------------------------------------------------------------------------------------------
# Transposed convolution: the adjoint of conv2d, composed from a matrix product and fold


def _conv_transpose_args(
    x: Any, weight: Any, bias: Any, stride, padding, output_padding, groups, dilation
):
    """Check everything conv_transpose2d is given; return the normalised arguments."""
    op = "conv_transpose2d"
    x = _tensor(x, op)
    w = _tensor(weight, op, "weight")
    _check_4d(op, x)
    _check_4d(op, w, "weight", "(C_in, C_out / groups, KH, KW)")
    _check_float(op, x)
    _check_same_dtype(op, x, w, "weight")
    groups = as_int(groups, op, "groups", minimum=1)
    c = x.shape[1]
    if w.shape[0] != c:
        raise ValueError(
            f"{op}: input has {c} channels, weight expects {w.shape[0]} (weight shape "
            f"{w.shape}, input shape {x.shape}); a transposed convolution's weight is "
            "(C_in, C_out / groups, KH, KW): its first axis is the input's channels"
        )
    if c % groups:
        raise ValueError(
            f"{op}: groups={groups} does not divide the {c} input channels (input shape "
            f"{x.shape}); choose groups that divides the channel count"
        )
    o = w.shape[1] * groups
    if bias is not None:
        bias = _tensor(bias, op, "bias")
        if bias.shape != (o,):
            raise ValueError(
                f"{op}: bias has shape {bias.shape}, expected ({o},): one number per output "
                f"channel (weight shape {w.shape} with groups={groups} gives {o})"
            )
        _check_same_dtype(op, x, bias, "bias")
    if isinstance(padding, str):
        raise ValueError(
            f"{op}: padding must be an int or a pair, got {padding!r} ('same' and 'valid' "
            "exist only for conv2d)"
        )
    kernel = w.shape[2:]
    stride = as_pair(stride, op, "stride")
    dilation = as_pair(dilation, op, "dilation")
    pad = as_pair(padding, op, "padding", 0)
    extra = as_pair(output_padding, op, "output_padding", 0)
    for e, s, d in zip(extra, stride, dilation):
        if e >= s and e >= d:
            raise ValueError(
                f"{op}: output_padding {extra} must be smaller than the stride {stride} or the "
                f"dilation {dilation}: it only picks between the output sizes a stride of "
                f"{stride} makes indistinguishable"
            )
    size = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + e + 1
        for n, s, p, d, k, e in zip(x.shape[2:], stride, pad, dilation, kernel, extra)
    )
    if min(size) < 1:
        raise ValueError(
            f"{op}: the output would be {size[0]} x {size[1]} (input {x.shape[2]} x "
            f"{x.shape[3]}, kernel {tuple(kernel)}, stride {stride}, padding {pad}, dilation "
            f"{dilation}, output_padding {extra}): the padding crops away everything; use "
            "less padding"
        )
    return x, w, bias, tuple(kernel), stride, pad, extra, int(groups), dilation, size


@composite("conv_transpose2d")
def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntPair = 1,
    padding: IntPair = 0,
    output_padding: IntPair = 0,
    groups: int = 1,
    dilation: IntPair = 1,
) -> Tensor:
    r"""Transposed convolution: the adjoint of conv2d, so that its output has conv2d's input size.

    Each input pixel scatters a copy of the kernel, scaled by its value, onto the output,
    the copies S pixels apart (overlaps add up); then P rows and columns are cut off each side:

        y_full[n, o, h*S + i*D, w*S + j*D] += x[n, c, h, w] * weight[c, o, i, j]
        y = y_full[:, :, P : P + OH, P : P + OW] + b         (zeros past y_full's end)
        OH = (H - 1) * S - 2P + D * (KH - 1) + output_padding + 1

    input (N, C_in, H, W), weight (C_in, C_out / groups, KH, KW) (PyTorch's layout: the
    transpose of conv2d's), bias (C_out,) -> (N, C_out, OH, OW). It equals the gradient of
    conv2d(z, weight, stride, padding, dilation, groups) with respect to z, for an upstream
    gradient x; in the other words of lesson 5: x zero-dilated by the stride, padded, and
    correlated with the kernel rotated by 180 degrees. output_padding (< stride or dilation)
    picks among the output sizes that a strided conv2d maps to the same H.

    Composed as one matrix product (every input pixel times the whole kernel: one column of
    C_out*KH*KW numbers) followed by fold, which adds the columns onto the output: no
    backward of its own, the engine derives it (and fold's backward is unfold).
    """
    x, w, b, kernel, stride, pad, extra, groups, dilation, size = _conv_transpose_args(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    n, c, h, wd = x.shape
    cg, og = c // groups, w.shape[1]  # input and output channels per group
    kk = kernel[0] * kernel[1]
    if groups == 1:  # (C_out*KH*KW, C_in) @ (N, C_in, H*W) -> (N, C_out*KH*KW, H*W)
        pixels = describe(x.reshape(n, c, h * wd), "input pixels (no gradient needed)")
        cols = w.reshape(c, og * kk).mT @ pixels
    else:  # one product per group: (G, O/G*KK, C/G) @ (N, G, C/G, H*W)
        pixels = describe(x.reshape(n, groups, cg, h * wd), "input pixels (no gradient needed)")
        cols = (w.reshape(groups, cg, og * kk).mT @ pixels).reshape(n, groups * og * kk, h * wd)
    # fold adds the columns onto the full output and cuts `padding` off each side; when
    # output_padding reaches past the full output, those last rows/columns are zeros
    beyond = tuple(max(e - p, 0) for e, p in zip(extra, pad))
    pads = tuple((p, max(p - e, 0)) for p, e in zip(pad, extra))
    y = Fold.apply(
        cols,
        output_size=(size[0] - beyond[0], size[1] - beyond[1]),
        kernel_size=kernel,
        dilation=dilation,
        padding=pads,
        stride=stride,
    )
    if beyond != (0, 0):
        y = y.pad((0, beyond[1], 0, beyond[0]))
    if b is not None:
        y = y + b.reshape(1, groups * og, 1, 1)
    return y
