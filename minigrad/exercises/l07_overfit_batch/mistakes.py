"""Realistic wrong answers to overfit-batch, each with the words its diagnostic must
contain."""

import minigrad.functional as F
from minigrad import optim

from ..exercise import mistake
from .checks import reference
from .solution import overfit_one_batch


@mistake("overfit_one_batch", hint="opt.zero_grad()")
def gradients_never_cleared(model, x, y, steps=20, lr=0.05):
    return reference(model, x, y, steps, lr, zero=False)  # the check's own wrong loop


@mistake("overfit_one_batch", hint="create the optimizer once")
def new_optimizer_every_step(model, x, y, steps=20, lr=0.05):
    return reference(model, x, y, steps, lr, fresh_optimizer=True)


@mistake("overfit_one_batch", hint="call opt.step()")
def step_forgotten(model, x, y, steps=20, lr=0.05):
    opt = optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        losses.append(loss.item())
    return losses


@mistake("overfit_one_batch", hint="loss.item()")
def tensors_kept(model, x, y, steps=20, lr=0.05):
    opt = optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss)
    return losses


@mistake("overfits", hint="NEAR ZERO")
def loss_merely_went_down(model, x, y, steps=20, lr=0.05, target=0.05):
    losses = overfit_one_batch(model, x, y, steps, lr)
    return losses[-1] < losses[0]


@mistake("overfits", hint="NEAR ZERO")
def lost_half(model, x, y, steps=20, lr=0.05, target=0.05):
    losses = overfit_one_batch(model, x, y, steps, lr)
    return losses[-1] < 0.9 * losses[0]


@mistake("overfits", hint="it can (loss < 0.05)")
def judged_before_training(model, x, y, steps=20, lr=0.05, target=0.05):
    return F.cross_entropy(model(x), y).item() < target
