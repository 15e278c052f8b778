"""Exercise value-ops (lesson 1): write Value yourself, part 1 of 3: the operations.

A Value holds one number, `data`, and remembers how it was made:

    _parents   the Values it was computed from, a tuple in operand order (() for a leaf)
    _local     d(this)/d(parent) for each parent, numbers in the same order
    grad       0.0 (part 2, value-backward, fills it)

Write the six operations below. Each returns a NEW Value (the operands are not changed),
made as Value(result, _parents=(...), _local=(...)). `other` may be a Value or a plain
number: wrap a number as Value(other) first (a wrapped number is a leaf like any other).
The derived operations at the end (-a, a - b, a / b, 2 + a, ...) are given: they are
written with yours. The checker compares data, _parents and _local with mg.Value's, op by
op and on random expressions.
"""

import math


class Value:
    def __init__(self, data, _parents=(), _local=()):
        self.data = float(data)
        self.grad = 0.0
        self._parents = tuple(_parents)
        self._local = tuple(_local)

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        # BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))
        # END SOLUTION

    def __mul__(self, other):
        # BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        # each factor's derivative is the other factor
        return Value(self.data * other.data, (self, other), (other.data, self.data))
        # END SOLUTION

    def __pow__(self, k):
        """self ** k for a number k."""
        # BEGIN SOLUTION
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),))
        # END SOLUTION

    def tanh(self):
        # BEGIN SOLUTION
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))  # written with the output t
        # END SOLUTION

    def relu(self):
        # BEGIN SOLUTION
        x = self.data
        return Value(x if x > 0 else 0.0, (self,), (1.0 if x > 0 else 0.0,))
        # END SOLUTION

    def exp(self):
        # BEGIN SOLUTION
        e = math.exp(self.data)
        return Value(e, (self,), (e,))  # exp is its own derivative
        # END SOLUTION

    # --- derived operations (given): written with the ones above ------------------------------

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def __radd__(self, other):  # 2 + a
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def __rsub__(self, other):  # 2 - a
        return (-self) + other

    def __rtruediv__(self, other):  # 2 / a
        return Value(other) * self**-1
