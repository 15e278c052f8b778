"""Exercise value-backward (lesson 1): write Value yourself, part 2 of 3: backward.

The operations of part 1 (value-ops) are written below. Now write `backward(self)`:
fill `v.grad` = d(self)/d(v) for every Value v that self depends on, self included.

1. List every Value self depends on, each exactly once, every Value after all of its
   parents (a topological order). Walk the graph with an explicit stack, not recursion:
   it must work on a chain of 10,000 operations (Python stops near 1,000 nested calls).
2. Set self.grad = 1.0, then visit the Values from self back to the leaves (the order
   reversed): each one adds local * its grad into each parent's grad (+=: a Value used
   twice receives a contribution from each use).

Gradients accumulate across calls, as in PyTorch: backward adds to .grad and never resets
it (zeroing is the training loop's job, part 3). The checker compares with mg.Value.
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
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        # each factor's derivative is the other factor
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k):
        """self ** k for a number k."""
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))  # written with the output t

    def relu(self):
        x = self.data
        return Value(x if x > 0 else 0.0, (self,), (1.0 if x > 0 else 0.0,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))  # exp is its own derivative

    def backward(self):
        # BEGIN SOLUTION
        order, visited = [], set()
        stack = [(self, False)]  # (node, its parents already placed?)
        while stack:
            node, ready = stack.pop()
            if ready:
                order.append(node)
            elif id(node) not in visited:
                visited.add(id(node))
                stack.append((node, True))
                stack.extend((parent, False) for parent in node._parents)
        self.grad = 1.0
        for node in reversed(order):  # self first: a node's grad is complete before it is used
            for parent, local in zip(node._parents, node._local):
                parent.grad += local * node.grad
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
