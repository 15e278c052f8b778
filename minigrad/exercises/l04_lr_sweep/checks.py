"""Checks of lr-sweep: train_loss and lr_sweep against the check's own loop (the usual slips
recomputed and named), divergence_point on lists with nan and inf, and the point found
against the theory's 2 / lambda_max on a linear regression."""

import math

import numpy as np

from ... import functional as F
from ... import nn
from ...factory import manual_seed, tensor
from ...recording import no_grad
from ..helpers import Wrong, array, check, diagnose, need

STEPS = 30


def problem(scales=(1.0, 3.0, 0.5), seed=0):
    """x (32, 3) with columns of different scales, y = x @ w + 0.5 + noise; float64."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((32, 3)) * np.array(scales)
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.5 + 0.1 * rng.standard_normal(32)
    return tensor(x, dtype=np.float64), tensor(y[:, None], dtype=np.float64)


def critical_lr(x) -> float:
    """2 / lambda_max of the Hessian of mean((x w + b - y)^2): 2/N A^T A with A = [x, 1]."""
    a = np.hstack([x.numpy(), np.ones((len(x), 1))])
    return 2.0 / np.linalg.eigvalsh(2.0 / len(a) * a.T @ a).max()


def make_model():
    manual_seed(0)  # the same starting weights on every call
    return nn.Linear(3, 1, dtype=np.float64)


def reference(make, x, y, lr, steps, zero=True, evaluate=True):
    """The final loss of plain gradient descent (zero=False: gradients never cleared;
    evaluate=False: the loss before the last step)."""
    model = make()
    loss = None
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        if zero:
            model.zero_grad()
        loss.backward()
        with no_grad():
            for p in model.parameters():
                p -= lr * p.grad
    if not evaluate:
        return loss.item()
    with no_grad():
        return F.mse_loss(model(x), y).item()


def finite(values) -> np.ndarray:
    """Losses with nan and inf (and blow-ups past 1e30) all read as inf, so that two runs
    that both exploded compare equal."""
    a = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(a) & (np.abs(a) < 1e30), a, np.inf)


@check("train_loss equals plain gradient descent from a fresh model, below and above 2/lambda")
def one_rate(m) -> None:
    fn = need(m, "train_loss")
    x, y = problem()
    lr_c = critical_lr(x)
    lrs = [0.5 * lr_c, 0.9 * lr_c, 1.5 * lr_c]
    got = finite([fn(make_model, x, y, lr, STEPS) for lr in lrs])
    diagnose(
        got,
        finite([reference(make_model, x, y, lr, STEPS) for lr in lrs]),
        f"the final losses for lr = {', '.join(f'{v:.3g}' for v in lrs)}",
        [
            (
                lambda: finite([reference(make_model, x, y, lr, STEPS, zero=False) for lr in lrs]),
                "the gradients are never cleared, so every step adds the new gradient to "
                "all the old ones: call model.zero_grad() before backward",
            ),
            (
                lambda: finite(
                    [reference(make_model, x, y, lr, STEPS, evaluate=False) for lr in lrs]
                ),
                "that is the loss before the last step: after the loop, compute the loss once "
                "more (under mg.no_grad())",
            ),
        ],
        rtol=1e-6,
    )


@check("lr_sweep: one fresh run per learning rate")
def sweep(m) -> None:
    fn = need(m, "lr_sweep")
    x, y = problem()
    lr_c = critical_lr(x)
    lrs = [f * lr_c for f in (0.5, 0.9, 1.1, 2.0)]
    got = fn(make_model, x, y, lrs, STEPS)
    if not isinstance(got, (list, tuple)) or len(got) != len(lrs):
        raise Wrong(f"lr_sweep should return a list of {len(lrs)} losses, one per lr")
    shared = make_model()
    diagnose(
        finite(array(list(got), "lr_sweep(...)")),
        finite([reference(make_model, x, y, lr, STEPS) for lr in lrs]),
        "the sweep's final losses",
        [
            (
                lambda: finite([need(m, "train_loss")(make_model, x, y, lr, STEPS) for lr in lrs]),
                "lr_sweep runs your train_loss, which is not right yet: see the first check",
            ),
            (
                lambda: finite([reference(lambda: shared, x, y, lr, STEPS) for lr in lrs]),
                "each learning rate continued from the weights the previous one left: call "
                "make_model() for every learning rate, so that all runs start alike",
            ),
        ],
        rtol=1e-6,
    )


DIVERGES = [
    ("final losses [0.5, 0.1, 0.3, 7.0, 90.0], initial 1.0", [0.5, 0.1, 0.3, 7.0, 90.0], 0.04),
    (
        "final losses [0.5, 0.2, nan, nan, nan], initial 1.0",
        [0.5, 0.2, math.nan] + [math.nan] * 2,
        0.03,
    ),
    ("final losses [0.5, inf, inf, inf, inf], initial 1.0", [0.5] + [math.inf] * 4, 0.02),
    ("final losses [0.5, 0.3, 0.2, 0.1, 0.05], initial 1.0", [0.5, 0.3, 0.2, 0.1, 0.05], None),
]
LRS = [0.01, 0.02, 0.03, 0.04, 0.05]


@check("divergence_point: the first lr above the initial loss or not finite (nan, inf)")
def divergence(m) -> None:
    fn = need(m, "divergence_point")
    for what, losses, want in DIVERGES:
        got = fn(list(LRS), list(losses), 1.0)
        if got == want:
            continue
        if want is not None and "nan" in what and got is None:
            raise Wrong(
                f"for {what} you found no divergence: nan > initial_loss is False, so a run "
                "that blew up to nan looks fine; test math.isfinite(loss) too"
            )
        if got == 0.02 and want == 0.04:
            raise Wrong(
                f"for {what} you returned 0.02, the learning rate with the lowest loss: the "
                "best learning rate is not the divergence point (the first lr that blows up)"
            )
        if want is not None and got == LRS[LRS.index(want) - 1]:
            raise Wrong(
                f"for {what} you returned {got}, the last learning rate that still trains; "
                f"the divergence point is the first that diverges, {want}"
            )
        raise Wrong(f"for {what}, lrs {LRS}: divergence_point returned {got}, expected {want}")


@check("on a new regression the sweep finds the first lr above 2 / lambda_max")
def theory(m) -> None:
    x, y = problem(scales=(2.0, 0.5, 1.0), seed=1)
    lr_c = critical_lr(x)
    lrs = [round(float(f * lr_c), 6) for f in (0.4, 0.95, 1.05, 2.0)]
    with no_grad():
        initial = F.mse_loss(make_model()(x), y).item()
    losses = need(m, "lr_sweep")(make_model, x, y, lrs, STEPS)
    got = need(m, "divergence_point")(lrs, list(losses), initial)
    want = lrs[2]
    if got != want:
        raise Wrong(
            f"with learning rates {lrs} your sweep gives {got}; the theory says gradient "
            f"descent on this quadratic diverges above 2 / lambda_max = {lr_c:.4g}, so the "
            f"divergence point is {want}"
        )
