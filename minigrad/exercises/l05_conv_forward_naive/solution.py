"""Exercise conv-forward-naive (lesson 5): the convolution's forward pass in numpy, with
plain loops, the way to see every multiplication.

    out[n, o, i, j] = b[o] + sum over c, u, v of w[o, c, u, v] * x_pad[n, c, i*S + u, j*S + v]

x (N, C, H, W), w (O, C, KH, KW), b (O,); x_pad is x with `padding` zeros on every side;
OH = (H + 2P - KH) // S + 1, OW likewise. Return out (N, O, OH, OW), a numpy array.
Loop over n, o, i and j and take the whole window (all channels) at once. No flip of the
kernel: deep learning's "convolution" is a cross-correlation, as F.conv2d computes.
The checker compares with F.conv2d for stride 1 and 2, padding 0 and 1.
"""

import numpy as np


def conv_forward_naive(x, w, b, stride=1, padding=0):
    # BEGIN SOLUTION
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    s, p = stride, padding
    oh, ow = (h + 2 * p - kh) // s + 1, (wd + 2 * p - kw) // s + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    out = np.zeros((n, o, oh, ow))
    for i_n in range(n):
        for i_o in range(o):
            for i in range(oh):
                for j in range(ow):
                    window = x_pad[i_n, :, i * s : i * s + kh, j * s : j * s + kw]
                    out[i_n, i_o, i, j] = np.sum(window * w[i_o]) + b[i_o]
    return out
    # END SOLUTION
