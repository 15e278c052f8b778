"""Realistic wrong answers to bug-zero-grad, each with the words its diagnostic must contain."""

import minigrad.functional as F
from minigrad import optim

from ..exercise import mistake, unfixed

as_given = unfixed("zero_grad is missing")


@mistake("train", hint="between backward and step")
def zero_grad_too_late(model, x, y, steps=20, lr=0.05):
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.zero_grad()
        opt.step()
        losses.append(loss.item())
    return losses
