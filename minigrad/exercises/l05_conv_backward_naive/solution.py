"""Exercise conv-backward-naive (lesson 5): the convolution's backward pass in numpy, one
window at a time: each window sends back what it took.

The forward pass (conv-forward-naive) computed, for every n, o, i, j,

    out[n, o, i, j] = sum(x_pad[n, :, i*S : i*S + KH, j*S : j*S + KW] * w[o]) + b[o]

Given dout = dL/dout (N, O, OH, OW), return (dx, dw, db), numpy arrays with the shapes of
x (N, C, H, W), w (O, C, KH, KW) and b (O,). Loop as the forward did; for each window,
add its share to db, dw and dx (of the padded input; crop the padding off at the end).
The checker compares with the gradients the engine derives for F.conv2d, for stride 1 and
2, padding 0 and 1.
"""

import numpy as np


def conv_backward_naive(dout, x, w, stride=1, padding=0):
    # BEGIN SOLUTION
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    s, p = stride, padding
    _, _, oh, ow = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros(o)
    for i_n in range(n):
        for i_o in range(o):
            for i in range(oh):
                for j in range(ow):
                    rows, cols = slice(i * s, i * s + kh), slice(j * s, j * s + kw)
                    g = dout[i_n, i_o, i, j]
                    db[i_o] += g
                    dw[i_o] += x_pad[i_n, :, rows, cols] * g  # shared weights: add up
                    dx_pad[i_n, :, rows, cols] += w[i_o] * g  # overlapping windows: add up
    return dx_pad[:, :, p : p + h, p : p + wd], dw, db
    # END SOLUTION
