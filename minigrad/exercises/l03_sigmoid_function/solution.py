"""Exercise sigmoid-function (lesson 3): a new op with its own forward and backward.

    s = sigmoid(x) = 1 / (1 + exp(-x))         ds/dx = s * (1 - s)

forward gets numpy arrays and returns one; backward gets grad (a Tensor, dL/ds) and
returns dL/dx as a Tensor computed with Tensor operations (so that the engine can
differentiate it again: gradgradcheck). With saves_output = True, self.output is s.
"""

import numpy as np

import minigrad as mg
from minigrad.autograd import Function


class Sigmoid(Function):
    saves_output = True

    def forward(self, x):
        # BEGIN SOLUTION
        return 1.0 / (1.0 + np.exp(-x))
        # END SOLUTION

    def backward(self, grad):
        # BEGIN SOLUTION
        s = self.output  # a Tensor: the backward below is itself differentiable
        return grad * s * (1 - s)
        # END SOLUTION
