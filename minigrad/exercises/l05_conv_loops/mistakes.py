"""Realistic wrong answers to conv-loops, each with the words its diagnostic must contain.

Each is written with the engine's own conv2d, changed in the one way the slip changes it."""

import numpy as np

import minigrad as mg
import minigrad.functional as F

from ..convolution import conv_output_shape
from ..exercise import mistake


@mistake("conv2d_loops", hint="right for stride 1 but wrong for stride 2")
def slices_not_strided(x, w, b, stride=1, padding=0, dilation=1):
    """Windows start every pixel, and only the first OH x OW of them are kept."""
    y = F.conv2d(x, w, b, stride=1, padding=padding, dilation=dilation)
    _, _, oh, ow = conv_output_shape(x.shape, w.shape, stride, padding, dilation)
    return y[:, :, :oh, :ow]


@mistake("conv2d_loops", hint="wrong with dilation 2")
def taps_not_spaced(x, w, b, stride=1, padding=0, dilation=1):
    """The taps sit next to each other, but the output keeps the dilated size."""
    y = F.conv2d(x, w, b, stride=stride, padding=padding)
    _, _, oh, ow = conv_output_shape(x.shape, w.shape, stride, padding, dilation)
    return y[:, :, :oh, :ow]


@mistake("conv2d_loops", hint="right without padding but wrong with padding 1")
def not_padded(x, w, b, stride=1, padding=0, dilation=1):
    return F.conv2d(x, w, b, stride=stride, dilation=dilation)


@mistake("conv2d_loops", hint="flipped")
def kernel_flipped(x, w, b, stride=1, padding=0, dilation=1):
    return F.conv2d(x, w[:, :, ::-1, ::-1], b, stride, padding, dilation)


@mistake("conv2d_loops", hint="bias")
def bias_forgotten(x, w, b, stride=1, padding=0, dilation=1):
    return F.conv2d(x, w, None, stride, padding, dilation)


@mistake("conv2d_loops", hint="no gradient reaches x")
def padded_in_numpy(x, w, b, stride=1, padding=0, dilation=1):
    """Padding done in numpy: the padded input is a new leaf, cut off from x's graph."""
    if padding:
        pads = [(0, 0), (0, 0), (padding, padding), (padding, padding)]
        x = mg.tensor(np.pad(x.numpy(), pads), dtype=x.dtype)
    return F.conv2d(x, w, b, stride, 0, dilation)
