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


@mistake("max_pool2d_backward", hint="stride = 2 pixels apart")
def windows_every_kernel_pixels(x, dout, kernel_size, stride):
    """The stride is forgotten: window (i, j) is placed at (i*kernel_size, j*kernel_size)."""
    dx = np.zeros_like(x)
    for i, j, win in windows(x, dout, kernel_size, kernel_size):
        is_max = x[win] == x[win].max(axis=(2, 3), keepdims=True)
        dx[win] += np.where(is_max, dout[:, :, i, j, None, None], 0.0)
    return dx


@mistake("max_pool2d_backward", hint="only the arg-max")
def gradient_to_every_pixel_above_the_mean(x, dout, kernel_size, stride):
    dx = np.zeros_like(x)
    for i, j, win in windows(x, dout, kernel_size, stride):
        big = x[win] >= x[win].mean(axis=(2, 3), keepdims=True)
        dx[win] += np.where(big, dout[:, :, i, j, None, None], 0.0)
    return dx
