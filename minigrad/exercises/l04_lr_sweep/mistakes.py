"""Realistic wrong answers to lr-sweep, each with the words its diagnostic must contain."""

import minigrad as mg
import minigrad.functional as F

from ..exercise import mistake
from .solution import train_loss


@mistake("train_loss", hint="never cleared")
def gradients_accumulate(make_model, x, y, lr, steps):
    model = make_model()
    for _ in range(steps):
        F.mse_loss(model(x), y).backward()
        with mg.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
    with mg.no_grad():
        return F.mse_loss(model(x), y).item()


@mistake("train_loss", hint="before the last step")
def loss_before_the_last_step(make_model, x, y, lr, steps):
    model = make_model()
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        model.zero_grad()
        loss.backward()
        with mg.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
    return loss.item()


@mistake("lr_sweep", hint="call make_model() for every learning rate")
def one_model_for_every_rate(make_model, x, y, lrs, steps):
    model = make_model()
    return [train_loss(lambda: model, x, y, lr, steps) for lr in lrs]


@mistake("divergence_point", hint="test math.isfinite")
def nan_counts_as_fine(lrs, losses, initial_loss):
    for lr, loss in zip(lrs, losses):
        if loss > initial_loss:
            return lr
    return None


@mistake("divergence_point", hint="the best learning rate is not the divergence point")
def best_rate(lrs, losses, initial_loss):
    finite = [(loss, lr) for lr, loss in zip(lrs, losses) if loss == loss]
    return min(finite)[1]


@mistake("divergence_point", hint="the last learning rate that still trains")
def last_stable_rate(lrs, losses, initial_loss):
    stable = None
    for lr, loss in zip(lrs, losses):
        if not loss <= initial_loss:
            return stable
        stable = lr
    return None
