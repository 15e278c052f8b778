"""Exercise overfit-batch (lesson 7): the first sanity check before any long training run.

Before training a network for an hour, train it for a few seconds on ONE tiny batch. A
network with thousands of weights can memorise 8 examples, so its loss must fall to almost
zero; if it does not, something between the input and the loss is broken (the input never
reaches the output, a softmax before cross_entropy, dead units, a detached layer, ...),
and a long run would only hide it.

overfit_one_batch(model, x, y, steps=20, lr=0.05): train `model` on the batch (x, y)
    with optim.Adam(model.parameters(), lr=lr) and F.cross_entropy, `steps` steps of
    zero_grad, loss, backward, step. Return the list of the losses, floats, one per step,
    each computed before its step.
overfits(model, x, y, steps=20, lr=0.05, target=0.05): the sanity check: True when
    overfit_one_batch drives the loss on the batch below `target` (the last loss), else
    False.

The checker compares your losses with its own loop, on a tiny CNN and 8 digits, then asks
`overfits` about a healthy network and three broken ones.
"""

import minigrad.functional as F
from minigrad import optim


def overfit_one_batch(model, x, y, steps=20, lr=0.05):
    # BEGIN SOLUTION
    opt = optim.Adam(model.parameters(), lr=lr)  # once: Adam keeps its averages between steps
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
    # END SOLUTION


def overfits(model, x, y, steps=20, lr=0.05, target=0.05):
    # BEGIN SOLUTION
    losses = overfit_one_batch(model, x, y, steps, lr)
    return losses[-1] < target  # near zero, not merely lower than at the start
    # END SOLUTION
