"""Checks of bug-zero-grad: the weights after twenty steps, and a falling loss."""

import numpy as np

from ... import functional as F
from ... import nn, optim
from ...factory import manual_seed, tensor
from ..helpers import Wrong, array, check, close, diagnose, need


def tiny_cnn():
    manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 3)
    )


def tiny_data():
    rng = np.random.default_rng(8)
    y = np.repeat(np.arange(3), 8)
    x = rng.standard_normal((24, 1, 8, 8)) * 0.5
    for k in range(3):  # each class lights up its own band of rows
        x[y == k, 0, 2 * k : 2 * k + 3, :] += 1.5
    return tensor(x, dtype=np.float32), tensor(y)


def reference_weights(kind: str, steps=20, lr=0.05):
    """The weights after a loop with zero_grad at the start ("right"), after backward
    ("late"), or nowhere ("none")."""
    model = tiny_cnn()
    x, y = tiny_data()
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for _ in range(steps):
        if kind == "right":
            opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        if kind == "late":
            opt.zero_grad()
        opt.step()
    return [p.numpy().copy() for p in model.parameters()]


@check("twenty steps give the same weights as a correct loop")
def weights(m) -> None:
    fn = need(m, "train")
    model = tiny_cnn()
    x, y = tiny_data()
    losses = fn(model, x, y, steps=20, lr=0.05)
    got = [p.numpy() for p in model.parameters()]

    def same(ref):
        return all(close(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(got, ref))

    if same(reference_weights("right")):
        if not isinstance(losses, list) or len(losses) != 20:
            raise Wrong("train should return the list of the 20 losses")
        return
    if same(reference_weights("none")):
        raise Wrong(
            "gradients accumulate across steps: zero_grad is missing, so every step adds the "
            "new gradient to all the old ones. Call opt.zero_grad() before loss.backward()"
        )
    initial = [p.numpy() for p in tiny_cnn().parameters()]
    if same(reference_weights("late")) or same(initial):
        raise Wrong(
            "the weights never change: zero_grad sits between backward and step, so it wipes "
            "the gradients before the update. Call it before backward"
        )
    flat = np.concatenate([a.ravel() for a in got])
    right = np.concatenate([a.ravel() for a in reference_weights("right")])
    diagnose(
        flat, right, "the weights after 20 steps (all of them, one after the other)", rtol=1e-4
    )


@check("the loss goes down")
def falling_loss(m) -> None:
    fn = need(m, "train")
    model = tiny_cnn()
    x, y = tiny_data()
    losses = array(fn(model, x, y, steps=20, lr=0.05), "the list of losses")
    if losses.shape != (20,):
        raise Wrong(f"train should return 20 losses, got shape {losses.shape}")
    if not losses[-1] < 0.5 * losses[0]:
        raise Wrong(
            f"the loss went from {losses[0]:.3f} to {losses[-1]:.3f}; a correct loop at least "
            "halves it in 20 steps on these data"
        )
