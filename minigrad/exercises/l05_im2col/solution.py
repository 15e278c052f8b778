"""Exercise im2col (lesson 5): the window primitive of convolution, in numpy.

im2col(x, kh, kw, stride=1, padding=0): x (N, C, H, W) -> cols (N, C*KH*KW, L): every
    KH x KW window of the zero-padded input as one column, in F.unfold's (PyTorch's) order:

        cols[n, c*KH*KW + u*KW + v, i*OW + j] = x_pad[n, c, i*S + u, j*S + v]

    with OH = (H + 2P - KH) // S + 1 windows down, OW likewise across, L = OH*OW.
col2im(cols, x_shape, kh, kw, stride=1, padding=0): the other direction, F.fold: add each
    column onto the pixels its window covered (a pixel in several windows gets the sum),
    then cut the padding off; returns an array of shape x_shape. col2im is im2col's
    adjoint, sum(im2col(x) * c) == sum(x * col2im(c)), and that makes it im2col's
    backward; it is not its inverse.

numpy only. Loops over the KH*KW kernel taps are the intended way (one slice each).
The checker compares with F.unfold and F.fold for strides 1 and 2, padding 0 and 1.
"""

import numpy as np


def im2col(x, kh, kw, stride=1, padding=0):
    # BEGIN SOLUTION
    n, c, h, w = x.shape
    s, p = stride, padding
    oh, ow = (h + 2 * p - kh) // s + 1, (w + 2 * p - kw) // s + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for u in range(kh):
        for v in range(kw):
            # tap (u, v) of every window at once: a strided slice of the padded input
            down = slice(u, u + s * (oh - 1) + 1, s)
            across = slice(v, v + s * (ow - 1) + 1, s)
            cols[:, :, u, v] = x_pad[:, :, down, across]
    return cols.reshape(n, c * kh * kw, oh * ow)
    # END SOLUTION


def col2im(cols, x_shape, kh, kw, stride=1, padding=0):
    # BEGIN SOLUTION
    n, c, h, w = x_shape
    s, p = stride, padding
    oh, ow = (h + 2 * p - kh) // s + 1, (w + 2 * p - kw) // s + 1
    cols = cols.reshape(n, c, kh, kw, oh, ow)
    x_pad = np.zeros((n, c, h + 2 * p, w + 2 * p), dtype=cols.dtype)
    for u in range(kh):
        for v in range(kw):
            down = slice(u, u + s * (oh - 1) + 1, s)  # tap (u, v) of every window
            across = slice(v, v + s * (ow - 1) + 1, s)
            # += : neighbouring windows overlap, and each adds its share to the pixel
            x_pad[:, :, down, across] += cols[:, :, u, v]
    return x_pad[:, :, p : p + h, p : p + w]
    # END SOLUTION
