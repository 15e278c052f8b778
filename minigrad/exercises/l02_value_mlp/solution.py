"""Exercise value-mlp (lesson 2): write Value yourself, part 3 of 3: an MLP that trains.

Value is complete below (parts 1 and 2). Build lesson 2's network on it and train it:

Neuron(n_in, nonlinear=True): weights `w` (a list of n_in Values, random in [-1, 1]) and a
    bias `b` (a Value, 0.0); neuron(x) = relu(w . x + b), or w . x + b if not nonlinear.
    parameters() is w + [b].
Layer(n_in, n_out, nonlinear=True): `neurons`, a list of n_out Neurons; layer(x) is the
    list of their outputs; parameters() are theirs, neuron after neuron.
MLP(sizes): `layers`, one Layer per pair of consecutive sizes ([2, 8, 8, 1]: 2 inputs,
    two hidden layers of 8, one output), ReLU in every layer but the last (a score can be
    negative); mlp(x) is the single output Value; parameters() layer after layer.
hinge_loss(model, points, labels): the mean over the points of relu(1 - y * score), with
    labels y in {-1, +1} and score = model(point).
train(model, points, labels, steps, lr): `steps` steps of gradient descent on the hinge
    loss: compute it, zero every parameter's grad, backward, p.data -= lr * p.grad.
    Return the list of the losses (floats), one per step, each before its step.

The checker sets the weights itself, compares the scores, the loss and the steps with
mg.Value's, and trains your MLP on 16 points of two interleaved half-moons.
"""

import math
import random


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


class Neuron:
    def __init__(self, n_in, nonlinear=True):
        # BEGIN SOLUTION
        self.w = [Value(random.uniform(-1, 1)) for _ in range(n_in)]
        self.b = Value(0.0)
        self.nonlinear = nonlinear
        # END SOLUTION

    def __call__(self, x):
        # BEGIN SOLUTION
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        return z.relu() if self.nonlinear else z
        # END SOLUTION

    def parameters(self):
        # BEGIN SOLUTION
        return self.w + [self.b]
        # END SOLUTION


class Layer:
    def __init__(self, n_in, n_out, nonlinear=True):
        # BEGIN SOLUTION
        self.neurons = [Neuron(n_in, nonlinear) for _ in range(n_out)]
        # END SOLUTION

    def __call__(self, x):
        # BEGIN SOLUTION
        return [neuron(x) for neuron in self.neurons]
        # END SOLUTION

    def parameters(self):
        # BEGIN SOLUTION
        return [p for neuron in self.neurons for p in neuron.parameters()]
        # END SOLUTION


class MLP:
    def __init__(self, sizes):
        # BEGIN SOLUTION
        last = len(sizes) - 2  # the output layer: no ReLU
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlinear=i != last) for i in range(len(sizes) - 1)
        ]
        # END SOLUTION

    def __call__(self, x):
        # BEGIN SOLUTION
        for layer in self.layers:
            x = layer(x)
        return x[0]
        # END SOLUTION

    def parameters(self):
        # BEGIN SOLUTION
        return [p for layer in self.layers for p in layer.parameters()]
        # END SOLUTION


def hinge_loss(model, points, labels):
    # BEGIN SOLUTION
    losses = [(1 - y * model(x)).relu() for x, y in zip(points, labels)]
    total = losses[0]
    for term in losses[1:]:
        total = total + term
    return total * (1.0 / len(losses))  # the mean, not the sum
    # END SOLUTION


def train(model, points, labels, steps, lr):
    # BEGIN SOLUTION
    losses = []
    for _ in range(steps):
        loss = hinge_loss(model, points, labels)
        for p in model.parameters():
            p.grad = 0.0  # gradients accumulate: clear the previous step's
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad  # downhill
        losses.append(loss.data)
    return losses
    # END SOLUTION
