"""Checks of bug-eval-mode: the running statistics untouched, batch-independent accuracy,
and the model back in training mode."""

import numpy as np

from ... import functional as F
from ... import nn, optim
from ...factory import manual_seed, tensor
from ..helpers import Wrong, check, need


def trained_model():
    """A small classifier with batch norm and dropout, trained for 15 steps."""
    manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3)
    )
    x, y = blobs(0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    for _ in range(15):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return model


def blobs(seed):
    rng = np.random.default_rng(seed)
    centers = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    y = np.repeat(np.arange(3), 10)
    return tensor(centers[y] + 0.8 * rng.standard_normal((30, 2)), dtype=np.float32), tensor(y)


def buffers(model):
    return [b.numpy().copy() for b in model.buffers()]


@check("evaluating leaves the running statistics unchanged")
def statistics_unchanged(m) -> None:
    fn = need(m, "evaluate")
    model = trained_model()
    before = buffers(model)
    fn(model, *blobs(1))
    if not all(np.array_equal(a, b) for a, b in zip(before, buffers(model))):
        raise Wrong(
            "eval mode forgotten: evaluating updated batch norm's running statistics (the "
            "model was still in training mode, so it normalised with, and learned from, the "
            "test batch). Call model.eval() first"
        )


@check("the accuracy does not depend on the batch (eval-mode predictions)")
def batch_independent(m) -> None:
    fn = need(m, "evaluate")
    model = trained_model()
    x, y = blobs(1)
    acc = fn(model, x, y)
    if not isinstance(acc, float) or not 0.0 <= acc <= 1.0:
        raise Wrong(f"evaluate should return a float between 0 and 1, got {acc!r}")
    reference = trained_model()
    reference.eval()

    def accuracy(xs, ys) -> float:
        return float((reference(xs).numpy().argmax(1) == ys.numpy()).mean())

    parts = [(x[i : i + 15], y[i : i + 15]) for i in (0, 15)]
    got = [acc] + [fn(trained_model(), *p) for p in parts]
    want = [accuracy(x, y)] + [accuracy(*p) for p in parts]
    if any(abs(g - w) > 1e-9 for g, w in zip(got, want)):
        shown = ", ".join(f"{g:.3f}" for g in got)
        expected = ", ".join(f"{w:.3f}" for w in want)
        raise Wrong(
            f"on all 30 examples and on each half evaluate gives {shown}; in eval mode they "
            f"are {expected}: eval mode still uses the batch statistics (or dropout), so a "
            "prediction depends on the rest of its batch"
        )


@check("the model is back in training mode afterwards")
def back_in_training_mode(m) -> None:
    fn = need(m, "evaluate")
    model = trained_model()
    fn(model, *blobs(1))
    if not all(mod.training for mod in model.modules()):
        raise Wrong(
            "you left the model in eval mode: training after evaluate() would run without "
            "dropout and with frozen batch statistics. Restore it with model.train()"
        )
