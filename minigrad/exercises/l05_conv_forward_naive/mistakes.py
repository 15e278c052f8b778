"""Realistic wrong answers to conv-forward-naive, each with the words its diagnostic must
contain."""

import numpy as np

from ..exercise import mistake
from .solution import conv_forward_naive


@mistake("conv_forward_naive", hint="flipped the kernel")
def kernel_flipped(x, w, b, stride=1, padding=0):
    return conv_forward_naive(x, w[:, :, ::-1, ::-1], b, stride, padding)


@mistake("conv_forward_naive", hint="the bias is missing")
def bias_forgotten(x, w, b, stride=1, padding=0):
    return conv_forward_naive(x, w, np.zeros_like(b), stride, padding)


@mistake("conv_forward_naive", hint="the stride is ignored")
def windows_every_pixel(x, w, b, stride=1, padding=0):
    """The output size is right, but window (i, j) starts at (i, j)."""
    oh = (x.shape[2] + 2 * padding - w.shape[2]) // stride + 1
    ow = (x.shape[3] + 2 * padding - w.shape[3]) // stride + 1
    return conv_forward_naive(x, w, b, 1, padding)[:, :, :oh, :ow]


@mistake("conv_forward_naive", hint="the padding was forgotten")
def padding_forgotten(x, w, b, stride=1, padding=0):
    return conv_forward_naive(x, w, b, stride, 0)


@mistake("conv_forward_naive", hint="has shape")
def one_window_too_few(x, w, b, stride=1, padding=0):
    """(W - F + 2P) // S without the + 1."""
    return conv_forward_naive(x, w, b, stride, padding)[:, :, :-1, :-1]
