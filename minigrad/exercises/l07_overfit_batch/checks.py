"""Checks of overfit-batch: the training loop against Adam step by step, a healthy tiny CNN
fitting 8 digits, and `overfits` telling it apart from three broken networks."""

import numpy as np

from ... import data, nn, optim
from ... import functional as F
from ...factory import manual_seed, tensor
from ...recording import no_grad
from ..helpers import Wrong, array, check, diagnose, need

FAULTS = {
    "softmax": "a softmax before cross_entropy (which applies log_softmax again: the loss "
    "cannot go below about 1.5 here)",
    "input ignored": "an input that never reaches the output (x * 0 in forward)",
    "dead relu": "dead units (the conv's bias is -100, so every ReLU outputs 0 and passes "
    "no gradient back)",
}


class TinyCNN(nn.Module):
    """conv 3x3 (1 -> 4) -> ReLU -> linear (144 -> 10), with one of FAULTS if asked."""

    def __init__(self, fault=None):
        super().__init__()
        manual_seed(0)  # the same weights every time
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4 * 6 * 6, 10)
        self.fault = fault
        if fault == "dead relu":
            with no_grad():
                self.conv.bias.mul_(0.0).add_(-100.0)

    def forward(self, x):
        if self.fault == "input ignored":
            x = x * 0.0
        out = self.fc(F.relu(self.conv(x)).reshape(x.shape[0], -1))
        return F.softmax(out, dim=1) if self.fault == "softmax" else out


def batch():
    """One image of each digit 0-7 (8x8 pixels): the tiny batch."""
    train, _ = data.load_digits(size=8)
    images, labels = (t.numpy() for t in train.tensors)
    first = [int(np.flatnonzero(labels == d)[0]) for d in range(8)]
    return tensor(images[first], dtype=np.float32), tensor(labels[first])


def reference(model, x, y, steps, lr, zero=True, fresh_optimizer=False):
    """The losses of the right loop (zero=False: gradients never cleared; fresh_optimizer:
    a new Adam at every step)."""
    opt = optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        if fresh_optimizer:
            opt = optim.Adam(model.parameters(), lr=lr)
        if zero:
            opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def losses_of(fn, *args, **kwargs) -> np.ndarray:
    losses = fn(*args, **kwargs)
    if not isinstance(losses, (list, tuple)):
        raise Wrong(
            f"overfit_one_batch should return a list of losses, got {type(losses).__name__}"
        )
    if losses and not all(isinstance(v, (float, np.floating)) for v in losses):
        raise Wrong(
            f"the losses should be floats, got {type(losses[0]).__name__}: append loss.item() "
            "(a Tensor would keep its whole graph alive)"
        )
    return array(list(losses), "the losses")


@check("overfit_one_batch: the losses equal Adam's, step by step, for 5 steps")
def loop(m) -> None:
    x, y = batch()
    got = losses_of(need(m, "overfit_one_batch"), TinyCNN(), x, y, steps=5, lr=0.05)
    if len(got) != 5:
        raise Wrong(f"overfit_one_batch(..., steps=5) returned {len(got)} losses, expected 5")
    if np.allclose(got, got[0]):
        raise Wrong(
            "the loss never changed: the weights are not updated; call opt.step() after "
            "loss.backward(), with the optimizer built on model.parameters()"
        )
    diagnose(
        got,
        reference(TinyCNN(), x, y, 5, 0.05),
        "the losses of 5 steps",
        [
            (
                lambda: reference(TinyCNN(), x, y, 5, 0.05, zero=False),
                "the gradients are never cleared: call opt.zero_grad() at every step, "
                "before backward",
            ),
            (
                lambda: reference(TinyCNN(), x, y, 5, 0.05, fresh_optimizer=True),
                "a new Adam at every step forgets its running averages (and its bias "
                "correction restarts): create the optimizer once, before the loop",
            ),
        ],
        rtol=1e-4,
        atol=1e-6,
    )


@check("a healthy tiny CNN memorises 8 digits: the loss falls below 0.05 in 20 steps")
def healthy(m) -> None:
    x, y = batch()
    got = losses_of(need(m, "overfit_one_batch"), TinyCNN(), x, y)
    if not got[-1] < 0.05:
        raise Wrong(
            f"after 20 steps the loss is {got[-1]:.3g} (from {got[0]:.3g}); a healthy network "
            "memorises 8 examples, to a loss below 0.05 (see the check above)"
        )


@check("overfits: True for a healthy network, False for three broken ones")
def sanity(m) -> None:
    fn = need(m, "overfits")
    x, y = batch()
    verdict = fn(TinyCNN(), x, y)
    if not isinstance(verdict, (bool, np.bool_)):
        raise Wrong(f"overfits should return True or False, got {type(verdict).__name__}")
    if not verdict:
        raise Wrong("overfits says a healthy tiny CNN cannot fit 8 digits; it can (loss < 0.05)")
    for fault, what in FAULTS.items():
        if fn(TinyCNN(fault), x, y):
            final = reference(TinyCNN(fault), x, y, 20, 0.05)[-1]
            raise Wrong(
                f"overfits says a network with {what} can fit the batch, but its loss stops "
                f"at {final:.2f}: ask for a loss NEAR ZERO (the last loss below target), not "
                "merely lower than where it started"
            )
