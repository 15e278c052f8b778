"""Exercise conv-fast (lesson 5): the convolution as im2col and one matrix product, the
way minigrad's F.conv2d computes it, forward and backward, in numpy.

im2col and col2im are given below (exercise im2col asks you to write them):
    im2col(x, kh, kw, stride, padding): (N, C, H, W) -> cols (N, C*KH*KW, L), L = OH*OW
    col2im(cols, x_shape, kh, kw, stride, padding): back, overlaps added, padding cropped

conv_forward_im2col(x, w, b, stride=1, padding=0): out (N, O, OH, OW), as F.conv2d.
    With the kernel as a matrix w_row = w.reshape(O, C*KH*KW), out = w_row @ cols + b.
conv_backward_im2col(dout, x, w, stride=1, padding=0): (dx, dw, db) with the shapes of x,
    w and b, for dout = dL/dout (N, O, OH, OW). A matrix product's backward (lesson 3) on
    that product, then col2im (im2col's backward) to get from the columns back to dx.
No loops over windows: one batched matrix product each way. The checker compares with
F.conv2d and its derived gradients for stride 1 and 2, padding 0 and 1.
"""

import numpy as np


def im2col(x, kh, kw, stride=1, padding=0):
    n, c, h, w = x.shape
    s, p = stride, padding
    oh, ow = (h + 2 * p - kh) // s + 1, (w + 2 * p - kw) // s + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for u in range(kh):
        for v in range(kw):
            down = slice(u, u + s * (oh - 1) + 1, s)  # tap (u, v) of every window
            across = slice(v, v + s * (ow - 1) + 1, s)
            cols[:, :, u, v] = x_pad[:, :, down, across]
    return cols.reshape(n, c * kh * kw, oh * ow)


def col2im(cols, x_shape, kh, kw, stride=1, padding=0):
    n, c, h, w = x_shape
    s, p = stride, padding
    oh, ow = (h + 2 * p - kh) // s + 1, (w + 2 * p - kw) // s + 1
    cols = cols.reshape(n, c, kh, kw, oh, ow)
    x_pad = np.zeros((n, c, h + 2 * p, w + 2 * p), dtype=cols.dtype)
    for u in range(kh):
        for v in range(kw):
            down = slice(u, u + s * (oh - 1) + 1, s)  # tap (u, v) of every window
            across = slice(v, v + s * (ow - 1) + 1, s)
            x_pad[:, :, down, across] += cols[:, :, u, v]
    return x_pad[:, :, p : p + h, p : p + w]


def conv_forward_im2col(x, w, b, stride=1, padding=0):
    # BEGIN SOLUTION
    n, _, h, wd = x.shape
    o, c, kh, kw = w.shape
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (wd + 2 * padding - kw) // stride + 1
    cols = im2col(x, kh, kw, stride, padding)  # (N, C*KH*KW, L)
    out = w.reshape(o, c * kh * kw) @ cols + b.reshape(1, o, 1)  # (N, O, L)
    return out.reshape(n, o, oh, ow)
    # END SOLUTION


def conv_backward_im2col(dout, x, w, stride=1, padding=0):
    # BEGIN SOLUTION
    n = x.shape[0]
    o, c, kh, kw = w.shape
    cols = im2col(x, kh, kw, stride, padding)  # (N, C*KH*KW, L)
    g = dout.reshape(n, o, -1)  # (N, O, L)
    db = g.sum(axis=(0, 2))
    # out = w_row @ cols, so d w_row = g @ cols.T, added up over the batch (shared weights)
    dw = (g @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    dcols = w.reshape(o, c * kh * kw).T @ g  # (C*KH*KW, O) @ (N, O, L) -> (N, C*KH*KW, L)
    dx = col2im(dcols, x.shape, kh, kw, stride, padding)
    return dx, dw, db
    # END SOLUTION
