"""Realistic wrong answers to value-ops, each with the words its diagnostic must contain:
the solution's Value with one operation written wrong."""

import math

from ..exercise import mistake
from .solution import Value


@mistake("Value", hint="the OTHER factor")
class MulLocalSwapped(Value):
    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (self.data, other.data))


@mistake("Value", hint="the exponent drops by one")
class PowWithoutMinusOne(Value):
    def __pow__(self, k):
        return Value(self.data**k, (self,), (k * self.data**k,))


@mistake("Value", hint="1 - x**2 uses the input")
class TanhLocalFromTheInput(Value):
    def tanh(self):
        return Value(math.tanh(self.data), (self,), (1 - self.data**2,))


@mistake("Value", hint="not the value")
class ReluSlopeIsTheValue(Value):
    def relu(self):
        x = max(self.data, 0.0)
        return Value(x, (self,), (x,))


@mistake("Value", hint="exp is its own derivative")
class ExpLocalOne(Value):
    def exp(self):
        return Value(math.exp(self.data), (self,), (1.0,))


@mistake("Value", hint="wrap it first")
class NumbersNotWrapped(Value):
    def __add__(self, other):
        return Value(self.data + other.data, (self, other), (1.0, 1.0))


@mistake("Value", hint="NEW Value")
class AddsInPlace(Value):
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        self.data += other.data
        return self


@mistake("Value", hint="use a tuple")
class ParentsInASet(Value):
    def __mul__(self, other):
        out = super().__mul__(other)
        out._parents = set(out._parents)
        return out
