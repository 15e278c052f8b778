"""Realistic wrong answers to value-sgd-step, each with the words its diagnostic must contain."""

from ..exercise import mistake


@mistake("train_step", hint="never reset")
def gradients_never_reset(params: list, loss_fn, lr: float) -> float:
    loss = loss_fn()
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.data


@mistake("train_step", hint="uphill")
def steps_uphill(params: list, loss_fn, lr: float) -> float:
    for p in params:
        p.grad = 0.0
    loss = loss_fn()
    loss.backward()
    for p in params:
        p.data += lr * p.grad
    return loss.data
