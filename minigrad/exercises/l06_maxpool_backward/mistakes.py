"""Realistic wrong answers to maxpool-backward, each with the words its diagnostic must
contain."""

import numpy as np

from ..exercise import mistake


def windows(x, dout, k, s):
    """Each output position (i, j) with its window's slices."""
    for i, j in np.ndindex(*dout.shape[2:]):
        yield i, j, (slice(None), slice(None), slice(i * s, i * s + k), slice(j * s, j * s + k))


@mistake("max_pool2d_backward", hint="overlap")
def assigns_instead_of_adding(x, dout, kernel_size, stride):
    """The window's maximum gets dout by `=`: a later window overwrites an earlier one."""
    dx = np.zeros_like(x)
    for i, j, win in windows(x, dout, kernel_size, stride):
        is_max = x[win] == x[win].max(axis=(2, 3), keepdims=True)
        dx[win] = np.where(is_max, dout[:, :, i, j, None, None], dx[win])
    return dx


@mistake("max_pool2d_backward", hint="average pooling")
def spread_over_the_window(x, dout, kernel_size, stride):
    dx = np.zeros_like(x)
    for i, j, win in windows(x, dout, kernel_size, stride):
        dx[win] += dout[:, :, i, j, None, None] / kernel_size**2
    return dx
