"""Realistic wrong answers to conv-backward-naive, each with the words its diagnostic must
contain."""

import numpy as np

from ..convolution import pad
from ..exercise import mistake
from .solution import conv_backward_naive


def windows(dout, kh, kw, s):
    for n, o, i, j in np.ndindex(*dout.shape):
        yield n, o, (slice(i * s, i * s + kh), slice(j * s, j * s + kw)), dout[n, o, i, j]


@mistake("conv_backward_naive", hint="(+=)")
def dx_assigned(dout, x, w, stride=1, padding=0):
    _, dw, db = conv_backward_naive(dout, x, w, stride, padding)
    dx_pad = np.zeros_like(pad(x, padding))
    for n, o, (rows, cols), g in windows(dout, *w.shape[2:], stride):
        dx_pad[n, :, rows, cols] = w[o] * g
    h, wd = x.shape[2:]
    return dx_pad[:, :, padding : padding + h, padding : padding + wd], dw, db


@mistake("conv_backward_naive", hint="only the last one survives")
def dw_assigned(dout, x, w, stride=1, padding=0):
    dx, _, db = conv_backward_naive(dout, x, w, stride, padding)
    x_pad, dw = pad(x, padding), np.zeros_like(w)
    for n, o, (rows, cols), g in windows(dout, *w.shape[2:], stride):
        dw[o] = x_pad[n, :, rows, cols] * g
    return dx, dw, db


@mistake("conv_backward_naive", hint="the stride is ignored")
def windows_every_pixel(dout, x, w, stride=1, padding=0):
    dx, _, db = conv_backward_naive(dout, x, w, stride, padding)
    x_pad, dw = pad(x, padding), np.zeros_like(w)
    for n, o, (rows, cols), g in windows(dout, *w.shape[2:], 1):
        dw[o] += x_pad[n, :, rows, cols] * g
    return dx, dw, db


@mistake("conv_backward_naive", hint="padding was not cropped")
def padding_not_cropped(dout, x, w, stride=1, padding=0):
    _, dw, db = conv_backward_naive(dout, x, w, stride, padding)
    dx_pad, _, _ = conv_backward_naive(dout, pad(x, padding), w, stride, 0)
    return dx_pad, dw, db


@mistake("conv_backward_naive", hint="a factor 1/N")
def dw_averaged_over_the_batch(dout, x, w, stride=1, padding=0):
    dx, dw, db = conv_backward_naive(dout, x, w, stride, padding)
    return dx, dw / x.shape[0], db


@mistake("conv_backward_naive", hint="the first example only")
def dw_of_the_first_example(dout, x, w, stride=1, padding=0):
    dx, _, db = conv_backward_naive(dout, x, w, stride, padding)
    _, dw, _ = conv_backward_naive(dout[:1], x[:1], w, stride, padding)
    return dx, dw, db


@mistake("conv_backward_naive", hint="one gradient per example")
def dw_per_example(dout, x, w, stride=1, padding=0):
    dx, _, db = conv_backward_naive(dout, x, w, stride, padding)
    dw = np.stack(
        [
            conv_backward_naive(dout[i : i + 1], x[i : i + 1], w, stride, padding)[1]
            for i in range(len(x))
        ]
    )
    return dx, dw, db


@mistake("conv_backward_naive", hint="where the answer is a sum")
def db_averaged(dout, x, w, stride=1, padding=0):
    dx, dw, _ = conv_backward_naive(dout, x, w, stride, padding)
    return dx, dw, dout.mean(axis=(0, 2, 3))
