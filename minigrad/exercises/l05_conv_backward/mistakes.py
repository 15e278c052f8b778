"""Realistic wrong answers to conv-backward, each with the words its diagnostic must contain.

Each takes the solution's gradients and redoes the one it gets wrong, the wrong way."""

import numpy as np

from ..convolution import pad
from ..exercise import mistake
from .solution import conv2d_backward


@mistake("conv2d_backward", hint="dW is right for stride 1 but wrong for stride 2")
def dw_slices_not_strided(x, w, dout, stride=1, padding=0):
    dx, dw, db = conv2d_backward(x, w, dout, stride, padding)
    x_pad, (oh, ow) = pad(x, padding), dout.shape[2:]
    for u, v in np.ndindex(*w.shape[2:]):
        dw[:, :, u, v] = np.einsum("nohw,nchw->oc", dout, x_pad[:, :, u : u + oh, v : v + ow])
    return dx, dw, db


@mistake("conv2d_backward", hint="dX is right without padding but wrong with padding 1")
def padding_cropped_at_one_corner(x, w, dout, stride=1, padding=0):
    _, dw, db = conv2d_backward(x, w, dout, stride, padding)
    dx_pad, _, _ = conv2d_backward(pad(x, padding), w, dout, stride, 0)
    return dx_pad[:, :, : x.shape[2], : x.shape[3]], dw, db


@mistake("conv2d_backward", hint="not summed")
def db_summed_over_the_batch_only(x, w, dout, stride=1, padding=0):
    dx, dw, _ = conv2d_backward(x, w, dout, stride, padding)
    return dx, dw, dout.sum(axis=0)


@mistake("conv2d_backward", hint="overlap")
def dx_assigned_not_added(x, w, dout, stride=1, padding=0):
    _, dw, db = conv2d_backward(x, w, dout, stride, padding)
    s, p, (oh, ow) = stride, padding, dout.shape[2:]
    dx_pad = np.zeros_like(pad(x, p))
    for u, v in np.ndindex(*w.shape[2:]):
        rows, cols = slice(u, u + s * (oh - 1) + 1, s), slice(v, v + s * (ow - 1) + 1, s)
        dx_pad[:, :, rows, cols] = np.einsum("nohw,oc->nchw", dout, w[:, :, u, v])
    return dx_pad[:, :, p : p + x.shape[2], p : p + x.shape[3]], dw, db


@mistake("conv2d_backward", hint="rotated by 180 degrees")
def dx_kernel_not_rotated(x, w, dout, stride=1, padding=0):
    """The textbook 'full convolution of dY with the kernel', without the rotation: dY
    dilated by the stride, padded by K - 1, correlated with w itself."""
    _, dw, db = conv2d_backward(x, w, dout, stride, padding)
    k, (n, c, h, wd) = w.shape[2], x.shape
    spread = np.zeros(
        (n, w.shape[0], (dout.shape[2] - 1) * stride + 1, (dout.shape[3] - 1) * stride + 1)
    )
    spread[:, :, ::stride, ::stride] = dout
    spread = pad(spread, k - 1)
    dx_pad = np.zeros((n, c, h + 2 * padding, wd + 2 * padding))
    rows, cols = spread.shape[2] - k + 1, spread.shape[3] - k + 1
    for u, v in np.ndindex(k, k):
        window = spread[:, :, u : u + rows, v : v + cols]
        dx_pad[:, :, :rows, :cols] += np.einsum("nohw,oc->nchw", window, w[:, :, u, v])
    return dx_pad[:, :, padding : padding + h, padding : padding + wd], dw, db


@mistake("conv2d_backward", hint="a factor 1/N")
def dw_divided_by_the_batch_size(x, w, dout, stride=1, padding=0):
    dx, dw, db = conv2d_backward(x, w, dout, stride, padding)
    return dx, dw / x.shape[0], db


@mistake("conv2d_backward", hint="the first example only")
def dw_from_the_first_example_only(x, w, dout, stride=1, padding=0):
    dx, _, db = conv2d_backward(x, w, dout, stride, padding)
    _, dw, _ = conv2d_backward(x[:1], w, dout[:1], stride, padding)
    return dx, dw, db


@mistake("conv2d_backward", hint="padding was not cropped")
def dx_padding_not_cropped(x, w, dout, stride=1, padding=0):
    _, dw, db = conv2d_backward(x, w, dout, stride, padding)
    dx_pad, _, _ = conv2d_backward(pad(x, padding), w, dout, stride, 0)
    return dx_pad, dw, db


@mistake("conv2d_backward", hint="where the answer is a sum")
def db_averaged(x, w, dout, stride=1, padding=0):
    dx, dw, _ = conv2d_backward(x, w, dout, stride, padding)
    return dx, dw, dout.mean(axis=(0, 2, 3))
