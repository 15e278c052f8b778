"""Checks of value-sgd-step: one step, then twenty, against plain gradient descent."""

from ...scalar import Value
from ..helpers import Wrong, check, diagnose, need


def problem():
    """Two parameters and the mean squared error of a line through three points."""
    w, b = Value(0.5), Value(-0.3)
    data = [(1.0, 2.0), (2.0, 3.5), (-1.0, -0.5)]

    def loss_fn():
        total = Value(0.0)
        for x, y in data:
            err = w * x + b - y
            total = total + err * err
        return total * (1.0 / len(data))

    return [w, b], loss_fn


def sgd_step(params: list, loss_fn, lr: float, zero: bool = True, sign: float = -1.0) -> float:
    """One step of gradient descent (zero=False, sign=+1: the usual slips); the loss."""
    if zero:
        for p in params:
            p.grad = 0.0
    loss = loss_fn()
    loss.backward()
    for p in params:
        p.data += sign * lr * p.grad
    return loss.data


def reference(steps: int, lr: float, zero: bool = True, sign: float = -1.0) -> list[float]:
    """The parameters after `steps` steps of sgd_step."""
    params, loss_fn = problem()
    for _ in range(steps):
        sgd_step(params, loss_fn, lr, zero, sign)
    return [p.data for p in params]


@check("one step moves the parameters downhill by lr * grad")
def one_step(m) -> None:
    step = need(m, "train_step")
    params, loss_fn = problem()
    before = [p.data for p in params]
    step(params, loss_fn, 0.1)
    want = reference(1, 0.1)
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
        diagnose(got, want, "the parameters after one step (lr 0.1)", rtol=1e-9)


@check("twenty steps in a row match plain gradient descent")
def twenty_steps(m) -> None:
    step = need(m, "train_step")
    params, loss_fn = problem()
    losses = [step(params, loss_fn, 0.05) for _ in range(20)]
    want = reference(20, 0.05)
    got = [p.data for p in params]
    if all(abs(g - w) < 1e-9 for g, w in zip(got, want)):
        if any(not isinstance(x, (int, float)) for x in losses):
            raise Wrong("train_step should return the loss as a number: return loss.data")
        return
    if got == [p.data for p in problem()[0]]:
        raise Wrong("the parameters did not change: update p.data in place, after backward")
    if all(abs(g - w) < 1e-9 for g, w in zip(got, reference(20, 0.05, zero=False))):
        raise Wrong(
            "the first step is right but later ones drift: the gradients are never reset, "
            "so each step adds the new gradient to all the previous ones. Zero p.grad first"
        )
    if all(abs(g - w) < 1e-9 for g, w in zip(got, reference(20, 0.05, sign=1.0))):
        raise Wrong("you went uphill: subtract lr * grad (p.data -= lr * p.grad)")
    diagnose(got, want, "the parameters after 20 steps", rtol=1e-9)
