"""Exercise prelu-function (lesson 3): PReLU, a ReLU whose negative slope is learned.

    prelu(x, weight) = x             where x > 0
                       weight * x    otherwise

x has shape (N, C) or (N, C, H, W); weight has shape (C,): one slope per channel (axis 1).
Return BOTH gradients from backward, (grad_x, grad_weight), and give grad_weight the
weight's own shape (C,): add up the contributions of every position that shares a slope.
"""

import numpy as np

import minigrad as mg
from minigrad.autograd import Function


class PReLU(Function):
    def forward(self, x, weight):
        # BEGIN SOLUTION
        w = weight.reshape((1, -1) + (1,) * (x.ndim - 2))  # (1, C) or (1, C, 1, 1)
        return np.where(x > 0, x, w * x)
        # END SOLUTION

    def backward(self, grad):
        # BEGIN SOLUTION
        x, weight = self.inputs
        positive = x > 0  # a constant mask
        w = weight.reshape((1, -1) + (1,) * (x.ndim - 2))  # lined up with the channel axis
        grad_x = grad * mg.where(positive, 1.0, w)
        other_axes = (0,) + tuple(range(2, x.ndim))  # every axis but the channel axis
        grad_w = (grad * mg.where(positive, 0.0, x)).sum(other_axes)
        return grad_x, grad_w
        # END SOLUTION
