"""Exercise bug-zero-grad (lesson 7): find the bug in this training loop.

The loss of this small CNN falls at first, then jumps around and climbs, however small
the learning rate. Find the bug, fix it, and delete the `raise NotImplementedError`
line. train returns the list of losses, one per step.
"""

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim


def train(model, x, y, steps=20, lr=0.05):
    # STUB: raise NotImplementedError("not implemented yet: fix the bug, then delete this line")
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for _ in range(steps):
        # BEGIN FIX
        opt.zero_grad()  # backward ADDS into .grad: clear the previous step's gradients
        # END FIX
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
