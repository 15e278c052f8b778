"""Exercise maxpool-backward (lesson 6): where does max pooling send the gradient?

The forward is y = F.max_pool2d(x, kernel_size, stride) (no padding): each output is the
largest value of a kernel_size x kernel_size window, windows starting every `stride`
pixels. Given dout = dL/dy (N, C, OH, OW), return dx = dL/dx (shape of x) in numpy.
The checker compares with the gradient the engine derives (unfold, then a max).
The inputs have no ties.
"""

import numpy as np


def max_pool2d_backward(x, dout, kernel_size, stride):
    # BEGIN SOLUTION
    n, c = x.shape[:2]
    k, s = kernel_size, stride
    oh, ow = dout.shape[2:]
    dx = np.zeros_like(x)
    batch, channel = np.indices((n, c))  # pair every (n, c) with its own window's arg-max
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * s : i * s + k, j * s : j * s + k].reshape(n, c, k * k)
            u, v = np.unravel_index(window.argmax(axis=2), (k, k))
            # += : when windows overlap, one pixel can be the maximum of several of them
            dx[batch, channel, i * s + u, j * s + v] += dout[:, :, i, j]
    return dx
    # END SOLUTION
