"""Realistic wrong answers to value-mlp, each with the words its diagnostic must contain."""

from ..exercise import mistake
from ..l02_value_sgd_step.checks import sgd_step
from .solution import MLP, Layer, Neuron, hinge_loss


@mistake("MLP", hint="the last layer has a ReLU")
class ReluEverywhere(MLP):
    def __init__(self, sizes):
        self.layers = [Layer(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]


@mistake("MLP", hint="the hidden layers have no ReLU")
class NoReluAtAll(MLP):
    def __init__(self, sizes):
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlinear=False) for i in range(len(sizes) - 1)
        ]


@mistake("Neuron", hint="the biases are missing")
class NeuronWithoutBias(Neuron):
    def __call__(self, x):
        z = self.w[0] * x[0]
        for wi, xi in zip(self.w[1:], x[1:]):
            z = z + wi * xi
        return z.relu() if self.nonlinear else z

    def parameters(self):
        return list(self.w)


def added_up(terms):
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


@mistake("hinge_loss", hint="a factor N")
def summed_not_averaged(model, points, labels):
    return added_up([(1 - y * model(x)).relu() for x, y in zip(points, labels)])


@mistake("hinge_loss", hint="the relu is missing")
def without_the_relu(model, points, labels):
    return added_up([1 - y * model(x) for x, y in zip(points, labels)]) * (1.0 / len(points))


@mistake("hinge_loss", hint="return the Value itself")
def returns_a_float(model, points, labels):
    return hinge_loss(model, points, labels).data


@mistake("train", hint="never reset")
def gradients_never_reset(model, points, labels, steps, lr):
    def loss_fn():
        return hinge_loss(model, points, labels)

    # value-sgd-step's step with its usual slip
    return [sgd_step(model.parameters(), loss_fn, lr, zero=False) for _ in range(steps)]


@mistake("train", hint="wrong sign")
def steps_uphill(model, points, labels, steps, lr):
    def loss_fn():
        return hinge_loss(model, points, labels)

    return [sgd_step(model.parameters(), loss_fn, lr, sign=1.0) for _ in range(steps)]
