"""Realistic wrong answers to prelu-function, each with the words its diagnostic must contain:
the solution's class with one method wrong."""

import numpy as np

import minigrad as mg

from ..exercise import mistake
from .solution import PReLU


@mistake("PReLU", hint="not summed")
class WeightGradientNotSummed(PReLU):
    def backward(self, grad):
        grad_x, _ = super().backward(grad)
        x = self.inputs[0]
        return grad_x, grad * mg.where(x > 0, 0.0, x)


@mistake("PReLU", hint="(N, C, H, W)")
class WeightNotLinedUpWithChannels(PReLU):
    def forward(self, x, weight):
        return np.where(x > 0, x, weight * x)  # (C,) lines up with the LAST axis
