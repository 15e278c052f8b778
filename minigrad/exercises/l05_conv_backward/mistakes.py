"""Realistic wrong answers to conv-backward, each with the words its diagnostic must contain.

Each takes the solution's gradients and redoes the one it gets wrong, the wrong way."""

import numpy as np

from ..exercise import mistake
from .solution import conv2d_backward


def pad(x, p):
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))


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
