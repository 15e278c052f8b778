"""Exercise conv-backward (lesson 5): the convolution's backward pass, written by hand.

The forward is y = conv2d(x, w, b, stride, padding) (cross-correlation, dilation 1):
    y[n, o, i, j] = b[o] + sum_{c,u,v} w[o, c, u, v] * x_pad[n, c, i*stride + u, j*stride + v]

Given dout = dL/dy (N, O, OH, OW), return (dx, dw, db) as numpy arrays with the shapes
of x (N, C, H, W), w (O, C, KH, KW) and b (O,). minigrad never needs this (the engine
derives it from unfold and matmul); the checker compares yours with that derived one.
"""

import numpy as np


def conv2d_backward(x, w, dout, stride=1, padding=0):
    # BEGIN SOLUTION
    s, p = stride, padding
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = dout.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    for u in range(kh):
        for v in range(kw):
            # the input pixels kernel tap (u, v) touched, for every output position
            rows = slice(u, u + s * (oh - 1) + 1, s)
            cols = slice(v, v + s * (ow - 1) + 1, s)
            patch = x_pad[:, :, rows, cols]  # (N, C, OH, OW)
            dw[:, :, u, v] = np.einsum("nohw,nchw->oc", dout, patch)
            dx_pad[:, :, rows, cols] += np.einsum("nohw,oc->nchw", dout, w[:, :, u, v])
    dx = dx_pad[:, :, p : p + h, p : p + wd]  # the padding is not part of x: crop it off
    db = dout.sum(axis=(0, 2, 3))  # b[o] was added at every (n, i, j)
    return dx, dw, db
    # END SOLUTION
