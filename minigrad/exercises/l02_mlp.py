"""Lesson 2 exercises: counting an MLP's parameters, and one training step on Values."""

from __future__ import annotations

from ..scalar import Value
from .core import Exercise, Mistake, Wrong
from .helpers import cases_diagnose, need

mlp_params = Exercise(
    id="mlp-params",
    lesson=2,
    title="Count the parameters of an MLP",
    stub='''"""Exercise mlp-params (lesson 2): how many numbers does an MLP learn?

sizes lists the width of every layer, input first: [2, 16, 16, 1] is an MLP with two
inputs, two hidden layers of 16 neurons and one output. Every neuron has one weight per
input and one bias. Return the total number of parameters.
"""


def mlp_param_count(sizes: list) -> int:
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise mlp-params (lesson 2): a reference solution."""


def mlp_param_count(sizes: list) -> int:
    total = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        total += n_in * n_out + n_out  # a weight per (input, neuron) pair, a bias per neuron
    return total
''',
    hints=(
        "Go layer by layer: a layer from n_in to n_out inputs has n_out neurons.",
        "Each neuron has n_in weights and 1 bias: n_in * n_out + n_out per layer.",
        "zip(sizes[:-1], sizes[1:]) gives the (n_in, n_out) pairs.",
    ),
    mistakes=(
        Mistake("n_in * n_out + n_out", "n_in * n_out", "forgot the biases"),
        Mistake("n_in * n_out + n_out", "n_in * n_out + n_in", "one bias per input"),
    ),
)


def _pairs(sizes):
    return list(zip(sizes[:-1], sizes[1:]))


@mlp_params.check("mlp_param_count for [2, 16, 16, 1], [784, 256, 10], [3, 4, 4, 1], [5, 1]")
def _count(m) -> None:
    fn = need(m, "mlp_param_count")
    cases = [dict(sizes=s) for s in ([2, 16, 16, 1], [784, 256, 10], [3, 4, 4, 1], [5, 1])]
    cases_diagnose(
        fn,
        cases,
        lambda sizes: sum(a * b + b for a, b in _pairs(sizes)),
        [
            (
                lambda sizes: sum(a * b for a, b in _pairs(sizes)),
                "you forgot the biases: every neuron has one (n_out per layer)",
            ),
            (
                lambda sizes: sum(a * b + a for a, b in _pairs(sizes)),
                "one bias per input instead of one per neuron: a layer has n_out biases",
            ),
            (
                lambda sizes: sum(a * b + b for a, b in _pairs(sizes)) + sizes[0],
                "the input layer has no parameters: it only holds the data",
            ),
        ],
        "mlp_param_count",
    )


# --------------------------------------------------------------------------------------------

sgd_step = Exercise(
    id="value-sgd-step",
    lesson=2,
    title="One gradient-descent step on Values",
    stub='''"""Exercise value-sgd-step (lesson 2): one step of training with mg.Value.

params is a list of Values, loss_fn() builds the loss (a Value) from them, lr is the
learning rate. One step: reset every gradient, compute the loss, backpropagate, and move
each parameter against its gradient. Return the loss's number (a float).
It is called many times in a row, like a training loop.
"""


def train_step(params: list, loss_fn, lr: float) -> float:
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise value-sgd-step (lesson 2): a reference solution."""


def train_step(params: list, loss_fn, lr: float) -> float:
    for p in params:
        p.grad = 0.0  # gradients accumulate: clear the previous step's
    loss = loss_fn()
    loss.backward()
    for p in params:
        p.data -= lr * p.grad  # downhill: against the gradient
    return loss.data
''',
    hints=(
        "The order is: zero the gradients, forward (loss_fn()), loss.backward(), update.",
        "Gradients add up across backward calls: set p.grad = 0.0 for every parameter first.",
        "Change p.data in place (p.data -= lr * p.grad); `p = p - ...` only rebinds a name.",
    ),
    mistakes=(
        Mistake("        p.grad = 0.0  # gradients", "        pass  # gradients", "never reset"),
        Mistake("p.data -= lr * p.grad", "p.data += lr * p.grad", "uphill"),
    ),
)


def _problem():
    w, b = Value(0.5), Value(-0.3)
    data = [(1.0, 2.0), (2.0, 3.5), (-1.0, -0.5)]

    def loss_fn():
        total = Value(0.0)
        for x, y in data:
            err = w * x + b - y
            total = total + err * err
        return total * (1.0 / len(data))

    return [w, b], loss_fn


def _reference(steps: int, lr: float, zero: bool = True, sign: float = -1.0):
    params, loss_fn = _problem()
    losses = []
    for _ in range(steps):
        if zero:
            for p in params:
                p.grad = 0.0
        loss = loss_fn()
        loss.backward()
        for p in params:
            p.data += sign * lr * p.grad
        losses.append(loss.data)
    return [p.data for p in params], losses


@sgd_step.check("one step moves the parameters downhill by lr * grad")
def _one(m) -> None:
    step = need(m, "train_step")
    params, loss_fn = _problem()
    before = [p.data for p in params]
    step(params, loss_fn, 0.1)
    want, _ = _reference(1, 0.1)
    got = [p.data for p in params]
    if got == before:
        raise Wrong(
            "the parameters did not change: update p.data in place (`p = p - ...` only "
            "rebinds a name), after backward and without zeroing the gradients in between"
        )
    up = [b - (w - b) for b, w in zip(before, want)]
    if all(abs(g - u) < 1e-9 for g, u in zip(got, up)):
        raise Wrong("you went uphill: subtract lr * grad (p.data -= lr * p.grad)")
    if any(abs(g - w) > 1e-9 for g, w in zip(got, want)):
        raise Wrong(f"after one step (lr 0.1) the parameters are {got}, expected {want}")


@sgd_step.check("twenty steps in a row match plain gradient descent")
def _many(m) -> None:
    step = need(m, "train_step")
    params, loss_fn = _problem()
    losses = [step(params, loss_fn, 0.05) for _ in range(20)]
    want, want_losses = _reference(20, 0.05)
    got = [p.data for p in params]
    if all(abs(g - w) < 1e-9 for g, w in zip(got, want)):
        if any(not isinstance(x, (int, float)) for x in losses):
            raise Wrong("train_step should return the loss as a number: return loss.data")
        return
    if got == [p.data for p in _problem()[0]]:
        raise Wrong("the parameters did not change: update p.data in place, after backward")
    if all(abs(g - w) < 1e-9 for g, w in zip(got, _reference(20, 0.05, zero=False)[0])):
        raise Wrong(
            "the first step is right but later ones drift: the gradients are never reset, "
            "so each step adds the new gradient to all the previous ones. Zero p.grad first"
        )
    if all(abs(g - w) < 1e-9 for g, w in zip(got, _reference(20, 0.05, sign=1.0)[0])):
        raise Wrong("you went uphill: subtract lr * grad (p.data -= lr * p.grad)")
    raise Wrong(f"after 20 steps the parameters are {got}, expected {want}")


EXERCISES = [mlp_params, sgd_step]
