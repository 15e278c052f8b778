"""Realistic wrong answers to elu-function, each with the words its diagnostic must contain:
the solution's class with its backward wrong."""

import numpy as np

import minigrad as mg

from ..exercise import mistake
from .solution import ELU


@mistake("ELU", hint="alpha = 1")
class AlphaForgottenInBackward(ELU):
    def backward(self, grad):
        (x,) = self.inputs
        return grad * mg.where(x > 0, 1.0, x.exp())


@mistake("ELU", hint="not differentiable")
class BackwardInNumpy(ELU):
    def backward(self, grad):
        x = self.inputs[0].numpy()
        return grad * mg.tensor(np.where(x > 0, 1.0, self.alpha * np.exp(x)), dtype=x.dtype)


@mistake("ELU", hint="that is the forward")
class ForwardReturnedAsTheSlope(ELU):
    def backward(self, grad):
        (x,) = self.inputs
        return grad * mg.where(x > 0, 1.0, self.alpha * (x.exp() - 1))
