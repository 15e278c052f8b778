"""Realistic wrong answers to value-sgd-step, each with the words its diagnostic must contain."""

from ..exercise import mistake
from .checks import sgd_step


@mistake("train_step", hint="never reset")
def gradients_never_reset(params: list, loss_fn, lr: float) -> float:
    return sgd_step(params, loss_fn, lr, zero=False)  # the check's own wrong step


@mistake("train_step", hint="uphill")
def steps_uphill(params: list, loss_fn, lr: float) -> float:
    return sgd_step(params, loss_fn, lr, sign=1.0)


@mistake("train_step", hint="in place")
def rebinds_a_name(params: list, loss_fn, lr: float) -> float:
    """`p = p - lr * p.grad` makes a new Value called p: the parameter itself never moves."""
    for p in params:
        p.grad = 0.0
    loss = loss_fn()
    loss.backward()
    for p in params:
        p = p - lr * p.grad  # noqa: PLW2901
    return loss.data
