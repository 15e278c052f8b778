"""Exercise conv-loops (lesson 5): write conv2d yourself, with loops of slices and sums.

    y[n, o, i, j] = b[o] + sum over c, u, v of
                    w[o, c, u, v] * x_pad[n, c, i*stride + u*dilation, j*stride + v*dilation]

x: (N, C, H, W) Tensor, w: (O, C, KH, KW), b: (O,). x_pad is x with `padding` zeros on
every side (x.pad((p, p, p, p))). Deep-learning "convolution" does not flip the kernel.
Use Tensor operations only (slicing x[:, :, a:b:s, ...], *, .sum, mg.stack,
.reshape): the engine then derives the backward by itself. Keep the loops over the
kernel offsets (u, v) or over the output positions (i, j): the inputs are tiny.
The checker compares with F.conv2d, values and gradients.
"""

import minigrad as mg


def conv2d_loops(x, w, b, stride=1, padding=0, dilation=1):
    # BEGIN SOLUTION
    s, p, d = stride, padding, dilation
    if p:
        x = x.pad((p, p, p, p))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh = (h - d * (kh - 1) - 1) // s + 1
    ow = (wd - d * (kw - 1) - 1) // s + 1
    y = None
    for u in range(kh):
        for v in range(kw):
            # the pixel under kernel tap (u, v), for every output position: (N, C, OH, OW)
            top, left = u * d, v * d
            patch = x[:, :, top : top + s * (oh - 1) + 1 : s, left : left + s * (ow - 1) + 1 : s]
            tap = w[:, :, u, v].reshape(1, o, c, 1, 1)
            term = (patch.reshape(n, 1, c, oh, ow) * tap).sum(2)  # (N, O, OH, OW)
            y = term if y is None else y + term
    return y + b.reshape(1, o, 1, 1)
    # END SOLUTION
