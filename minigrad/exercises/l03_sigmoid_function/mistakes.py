"""Realistic wrong answers to sigmoid-function, each with the words its diagnostic must
contain: the solution's class with one method wrong."""

import minigrad as mg

from ..exercise import mistake
from .solution import Sigmoid


@mistake("Sigmoid", hint="forgot the factor (1 - s)")
class WithoutOneMinusS(Sigmoid):
    def backward(self, grad):
        return grad * self.output


@mistake("Sigmoid", hint="used the input x")
class InputInsteadOfOutput(Sigmoid):
    def backward(self, grad):
        x = self.inputs[0]
        return grad * x * (1 - x)


@mistake("Sigmoid", hint="numpy")
class BackwardOutsideTheGraph(Sigmoid):
    def backward(self, grad):
        s = mg.tensor(self.output.numpy(), dtype=self.output.dtype)  # a constant: no 2nd derivative
        return grad * s * (1 - s)


@mistake("Sigmoid", hint="did not multiply by grad")
class IncomingGradientIgnored(Sigmoid):
    def backward(self, grad):
        s = self.output
        return s * (1 - s)
