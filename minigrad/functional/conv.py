"""Convolution: unfold and fold (the window primitive and its adjoint), conv2d by im2col,
and conv2d_naive, the same convolution as a loop over kernel offsets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd import composite
from ..ops.window import Fold, Unfold
from ..tensor import Tensor
from ._checks import (
    IntPair,
    _check_4d,
    _check_float,
    _check_same_dtype,
    _pair,
    _symmetric,
    _tensor,
    _window_geometry,
)

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
    from ..tensor import cat

    return cat(tensors, dim)
