"""Realistic wrong answers to conv-fast, each with the words its diagnostic must contain."""

import numpy as np

from ..exercise import mistake
from .solution import col2im, conv_backward_im2col, im2col


@mistake("conv_forward_im2col", hint="mixes positions with channels")
def product_reshaped_as_it_came(x, w, b, stride=1, padding=0):
    n, _, h, wd = x.shape
    o, c, kh, kw = w.shape
    oh, ow = (h + 2 * padding - kh) // stride + 1, (wd + 2 * padding - kw) // stride + 1
    cols = im2col(x, kh, kw, stride, padding)
    out = cols.transpose(0, 2, 1) @ w.reshape(o, -1).T + b  # (N, L, O)
    return out.reshape(n, o, oh, ow)


@mistake("conv_forward_im2col", hint="flipped the kernel")
def kernel_flipped(x, w, b, stride=1, padding=0):
    n, _, h, wd = x.shape
    o, c, kh, kw = w.shape
    oh, ow = (h + 2 * padding - kh) // stride + 1, (wd + 2 * padding - kw) // stride + 1
    cols = im2col(x, kh, kw, stride, padding)
    out = w[:, :, ::-1, ::-1].reshape(o, -1) @ cols + b.reshape(1, o, 1)
    return out.reshape(n, o, oh, ow)


@mistake("conv_backward_im2col", hint="in w_row's layout")
def dw_transposed_then_reshaped(dout, x, w, stride=1, padding=0):
    dx, _, db = conv_backward_im2col(dout, x, w, stride, padding)
    n, o = dout.shape[:2]
    cols = im2col(x, *w.shape[2:], stride, padding)
    dw = (cols @ dout.reshape(n, o, -1).transpose(0, 2, 1)).sum(axis=0)  # (C*KH*KW, O)
    return dx, dw.reshape(w.shape), db


@mistake("conv_backward_im2col", hint="one gradient per example")
def dw_not_summed_over_the_batch(dout, x, w, stride=1, padding=0):
    dx, _, db = conv_backward_im2col(dout, x, w, stride, padding)
    n, o = dout.shape[:2]
    cols = im2col(x, *w.shape[2:], stride, padding)
    dw = (dout.reshape(n, o, -1) @ cols.transpose(0, 2, 1)).reshape(n, *w.shape)
    return dx, dw, db


@mistake("conv_backward_im2col", hint="rotated by 180 degrees")
def dx_with_the_kernel_flipped(dout, x, w, stride=1, padding=0):
    _, dw, db = conv_backward_im2col(dout, x, w, stride, padding)
    n, o = dout.shape[:2]
    kh, kw = w.shape[2:]
    dcols = w[:, :, ::-1, ::-1].reshape(o, -1).T @ dout.reshape(n, o, -1)
    return col2im(dcols, x.shape, kh, kw, stride, padding), dw, db


@mistake("conv_backward_im2col", hint="the padding was not cropped")
def col2im_without_padding(dout, x, w, stride=1, padding=0):
    """col2im told padding 0 on the padded shape: the padding is never cut off."""
    _, dw, db = conv_backward_im2col(dout, x, w, stride, padding)
    n, o = dout.shape[:2]
    c, kh, kw = w.shape[1:]
    dcols = w.reshape(o, -1).T @ dout.reshape(n, o, -1)
    shape = (n, c, x.shape[2] + 2 * padding, x.shape[3] + 2 * padding)
    return col2im(dcols, shape, kh, kw, stride, 0), dw, db


@mistake("conv_backward_im2col", hint="a sum over N*OH*OW")
def db_averaged(dout, x, w, stride=1, padding=0):
    dx, dw, _ = conv_backward_im2col(dout, x, w, stride, padding)
    return dx, dw, np.mean(dout, axis=(0, 2, 3))
