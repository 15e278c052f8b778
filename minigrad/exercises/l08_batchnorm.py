"""Lesson 8 exercises: batch norm's forward in train and eval mode with running statistics,
its closed-form backward, and an evaluation that forgets eval mode."""

from __future__ import annotations

import numpy as np

from ..factory import tensor
from ..tensor import float64
from .core import Exercise, Mistake, Wrong
from .helpers import array, close, diagnose, need

bn_forward = Exercise(
    id="batchnorm-forward",
    lesson=8,
    title="Batch norm forward: train and eval mode, running statistics",
    stub='''"""Exercise batchnorm-forward (lesson 8): batch normalization, both modes, in numpy.

x has shape (N, C) or (N, C, H, W); the statistics are per channel (axis 1), taken over
every other axis. gamma, beta, running_mean and running_var have shape (C,).

training=True:  normalise with this batch's mean and BIASED variance (divide by n),
    y = (x - mean) / sqrt(var + eps) * gamma + beta
    and update the running statistics IN PLACE (they are the layer's memory):
    running_mean = (1 - momentum) * running_mean + momentum * mean
    running_var  = (1 - momentum) * running_var  + momentum * var_unbiased   (n / (n - 1))
training=False: normalise with running_mean and running_var; change nothing.
Return y.
"""

import numpy as np


def batch_norm(x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise batchnorm-forward (lesson 8): a reference solution."""

import numpy as np


def batch_norm(x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))  # every axis but the channels
    shape = (1, -1) + (1,) * (x.ndim - 2)  # (C,) lined up with axis 1
    if training:
        n = x.size // x.shape[1]  # values per channel
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)  # biased (divides by n): what normalises this batch
        running_mean *= 1 - momentum
        running_mean += momentum * mean
        running_var *= 1 - momentum
        running_var += momentum * var * n / (n - 1)  # the running estimate is unbiased
    else:
        mean, var = running_mean, running_var
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return x_hat * gamma.reshape(shape) + beta.reshape(shape)
''',
    hints=(
        "Statistics per channel: for (N, C, H, W) average over axes (0, 2, 3), and reshape "
        "(C,) vectors to (1, C, 1, 1) to broadcast them back.",
        "Normalise with the biased variance (x.var()), but feed the running variance the "
        "unbiased one, var * n / (n - 1), as PyTorch does.",
        "Update the running arrays in place (running_mean *= ..., += ...): assigning "
        "running_mean = ... only rebinds a local name. In eval mode use them and update "
        "nothing.",
    ),
    mistakes=(
        Mistake(
            "np.sqrt(var.reshape(shape) + eps)", "(np.sqrt(var.reshape(shape)) + eps)", "inside"
        ),
        Mistake("momentum * var * n / (n - 1)", "momentum * var", "running variance is biased"),
        Mistake(
            "    else:\n        mean, var = running_mean, running_var\n",
            "    else:\n        mean, var = x.mean(axis=axes), x.var(axis=axes)\n",
            "eval mode still uses the batch statistics",
        ),
        Mistake("axes = (0,) + tuple(range(2, x.ndim))", "axes = 0", "(N, C, H, W)"),
        Mistake(
            "        running_mean *= 1 - momentum\n        running_mean += momentum * mean\n",
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n",
            "in place",
        ),
    ),
)


def _bn_ref(x, rm, rv, g, b, training, momentum=0.1, eps=1e-5, biased_running=False,
            no_update=False, swap=False):  # fmt: skip
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        n = x.size // x.shape[1]
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        unbiased = var if biased_running else var * n / (n - 1)
        if not no_update:
            mom = 1 - momentum if swap else momentum
            rm[...] = (1 - mom) * rm + mom * mean
            rv[...] = (1 - mom) * rv + mom * unbiased
    else:
        mean, var = rm, rv
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * g.reshape(
        shape
    ) + b.reshape(shape)


def _bn_data(shape, seed):
    rng = np.random.default_rng(seed)
    c = shape[1]
    x = rng.standard_normal(shape) * 2.0 + 1.5
    return x, rng.standard_normal(c) * 0.5 + 1.0, rng.standard_normal(c) * 0.5


_PER_CHANNEL = (
    "batch norm for images keeps one mean and one variance per CHANNEL, averaged over N, H "
    "and W (axes 0, 2, 3), so the statistics have shape (C,)"
)
_BN_SHAPES = {"(N, C)": (6, 3), "(N, C, H, W)": (4, 3, 3, 2)}


@bn_forward.check("training mode: output for (N, C) and (N, C, H, W)")
def _bn_train(m) -> None:
    fn = need(m, "batch_norm")
    for what, shape in _BN_SHAPES.items():
        x, g, b = _bn_data(shape, 1)
        c = shape[1]
        try:
            got = array(fn(x.copy(), np.zeros(c), np.ones(c), g, b, True), f"y for {what}")
        except ValueError as e:
            if what == "(N, C)":
                raise
            raise Wrong(
                f"right for (N, C) but not for (N, C, H, W) ({e}): {_PER_CHANNEL}"
            ) from None
        want = _bn_ref(x, np.zeros(c), np.ones(c), g, b, True)
        if what == "(N, C, H, W)" and got.shape == want.shape and not close(got, want):
            per_pixel = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) * g.reshape(1, -1, 1, 1)
            if close(got, per_pixel + b.reshape(1, -1, 1, 1)):
                raise Wrong(f"right for (N, C) but not for (N, C, H, W): {_PER_CHANNEL}")
        axes = (0,) + tuple(range(2, x.ndim))
        n = x.size // c
        sh = (1, -1) + (1,) * (x.ndim - 2)
        unbiased = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(
            x.var(axis=axes, keepdims=True) * n / (n - 1) + 1e-5
        ) * g.reshape(sh) + b.reshape(sh)
        centred = x - x.mean(axis=axes, keepdims=True)
        eps_outside = centred / (np.sqrt(x.var(axis=axes, keepdims=True)) + 1e-5) * g.reshape(
            sh
        ) + b.reshape(sh)
        diagnose(
            got,
            want,
            f"y for {what} in training mode",
            [
                (unbiased, "normalise with the biased variance (divide by n, as x.var() does)"),
                (eps_outside, "eps goes inside the square root: sqrt(var + eps)"),
            ],
        )


@bn_forward.check("running statistics after three training steps")
def _bn_running(m) -> None:
    fn = need(m, "batch_norm")
    for what, shape in _BN_SHAPES.items():
        c = shape[1]
        rm, rv = np.zeros(c), np.ones(c)
        refs = {k: (np.zeros(c), np.ones(c)) for k in ("right", "biased", "swap")}
        for step in range(3):
            x, g, b = _bn_data(shape, 10 + step)
            fn(x.copy(), rm, rv, g, b, True, 0.1)
            _bn_ref(x, *refs["right"], g, b, True)
            _bn_ref(x, *refs["biased"], g, b, True, biased_running=True)
            _bn_ref(x, *refs["swap"], g, b, True, swap=True)
        if close(rm, np.zeros(c)) or close(rv, np.ones(c)):
            raise Wrong(
                "the running statistics did not change: update the arrays in place "
                "(running_mean *= 1 - momentum; running_mean += momentum * mean); "
                "`running_mean = ...` only rebinds a local name"
            )
        if close(rm, refs["swap"][0]):
            raise Wrong(
                "momentum is the weight of the NEW batch (PyTorch's convention): running = "
                "(1 - momentum) * running + momentum * batch statistic"
            )
        diagnose(rm, refs["right"][0], f"running_mean for {what}")
        diagnose(
            rv,
            refs["right"][1],
            f"running_var for {what}",
            [
                (
                    refs["biased"][1],
                    "the running variance is biased: feed it the unbiased batch variance, "
                    "var * n / (n - 1)",
                )
            ],
        )


@bn_forward.check("eval mode uses the running statistics and changes nothing")
def _bn_eval(m) -> None:
    fn = need(m, "batch_norm")
    for what, shape in _BN_SHAPES.items():
        c = shape[1]
        x, g, b = _bn_data(shape, 20)
        rm, rv = np.linspace(-0.5, 0.5, c), np.linspace(0.5, 2.0, c)
        rm0, rv0 = rm.copy(), rv.copy()
        got = array(fn(x.copy(), rm, rv, g, b, False), f"y for {what} in eval mode")
        if not (close(rm, rm0) and close(rv, rv0)):
            raise Wrong("eval mode changed the running statistics: in eval mode update nothing")
        diagnose(
            got,
            _bn_ref(x, rm0, rv0, g, b, False),
            f"y for {what} in eval mode",
            [
                (
                    _bn_ref(x, rm0.copy(), rv0.copy(), g, b, True),
                    "eval mode still uses the batch statistics: use running_mean and "
                    "running_var, so that one example's output does not depend on its batch",
                )
            ],
        )


# --------------------------------------------------------------------------------------------

bn_backward = Exercise(
    id="batchnorm-backward",
    lesson=8,
    title="Batch norm's closed-form backward vs the derived one",
    requires=("minigrad.functional",),
    stub='''"""Exercise batchnorm-backward (lesson 8): the backward of batch norm, in closed form.

Training mode, x of shape (N, D), statistics over the batch (axis 0):
    mean = x.mean(0)      var = x.var(0) (biased)      x_hat = (x - mean) / sqrt(var + eps)
    y = gamma * x_hat + beta
Given dout = dL/dy (N, D), return (dx, dgamma, dbeta) in numpy. The mean and the
variance depend on x too: their paths contribute to dx. The checker compares with the
gradient the engine derives from F.batch_norm.
"""

import numpy as np


def batch_norm_backward(x, gamma, dout, eps=1e-5):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise batchnorm-backward (lesson 8): a reference solution."""

import numpy as np


def batch_norm_backward(x, gamma, dout, eps=1e-5):
    n = x.shape[0]
    mean = x.mean(axis=0)
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - mean) * inv_std
    dbeta = dout.sum(axis=0)  # beta and gamma were broadcast over the batch: sum
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    # the three paths from x (direct, through the mean, through the variance), simplified
    dx = n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)
    dx = dx * inv_std / n
    return dx, dgamma, dbeta
''',
    hints=(
        "dbeta = sum of dout over the batch; dgamma = sum of dout * x_hat over the batch.",
        "If mean and var were constants, dx would be dout * gamma / sqrt(var + eps). They are "
        "not: every x[i] moves the mean and the variance, which moves every y.",
        "With dx_hat = dout * gamma: dx = (1 / (n * std)) * (n * dx_hat - sum(dx_hat) - "
        "x_hat * sum(dx_hat * x_hat)), sums over the batch axis.",
    ),
    mistakes=(
        Mistake(
            "    dx = dx * inv_std / n",
            "    dx = dx_hat * inv_std",
            "constants",
        ),
        Mistake("dgamma = (dout * x_hat).sum(axis=0)", "dgamma = dout * x_hat", "not summed"),
        Mistake(" - x_hat * (dx_hat * x_hat).sum(axis=0)\n", "\n", "variance"),
    ),
)


def _bnb_case():
    from .. import functional as F

    rng = np.random.default_rng(11)
    x = rng.standard_normal((5, 3)) * 1.7 + 0.4
    gamma = rng.standard_normal(3) + 1.0
    dout = rng.standard_normal((5, 3))
    xt = tensor(x, dtype=float64, requires_grad=True)
    gt = tensor(gamma, dtype=float64, requires_grad=True)
    bt = tensor(np.zeros(3), dtype=float64, requires_grad=True)
    F.batch_norm(xt, None, None, gt, bt, training=True, eps=1e-5).backward(
        tensor(dout, dtype=float64)
    )
    return (x, gamma, dout), (xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy())


def _bnb_got(m, which: int):
    (x, gamma, dout), want = _bnb_case()
    out = need(m, "batch_norm_backward")(x.copy(), gamma.copy(), dout.copy(), eps=1e-5)
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise Wrong("batch_norm_backward should return three arrays: (dx, dgamma, dbeta)")
    name = ("dx", "dgamma", "dbeta")[which]
    got = array(out[which], name)
    if which and got.shape == dout.shape:
        raise Wrong(
            f"{name}: the gradient of a broadcast input was not summed: {name[1:]} (shape (3,)) "
            f"was applied to each of the 5 rows; sum over the batch axis"
        )
    return (x, gamma, dout), got, want[which]


@bn_backward.check("dx equals the derived gradient (through the mean and the variance)")
def _bnb_dx(m) -> None:
    (x, gamma, dout), got, want = _bnb_got(m, 0)
    n = x.shape[0]
    inv_std = 1 / np.sqrt(x.var(0) + 1e-5)
    x_hat = (x - x.mean(0)) * inv_std
    dx_hat = dout * gamma
    diagnose(
        got,
        want,
        "dx",
        [
            (
                dx_hat * inv_std,
                "you treated the batch mean and variance as constants; both depend on x, and "
                "their paths add two more terms to dx",
            ),
            (
                inv_std / n * (n * dx_hat - dx_hat.sum(0)),
                "you have the path through the mean but not the one through the variance "
                "(the term - x_hat * sum(dx_hat * x_hat))",
            ),
            (
                inv_std / n * (n * dx_hat - x_hat * (dx_hat * x_hat).sum(0)),
                "you have the path through the variance but not the one through the mean "
                "(the term - sum(dx_hat))",
            ),
        ],
    )


@bn_backward.check("dgamma and dbeta equal the derived gradients")
def _bnb_params(m) -> None:
    _, got_g, want_g = _bnb_got(m, 1)
    diagnose(got_g, want_g, "dgamma", [])
    _, got_b, want_b = _bnb_got(m, 2)
    diagnose(got_b, want_b, "dbeta", [])


# --------------------------------------------------------------------------------------------

eval_mode = Exercise(
    id="bug-eval-mode",
    lesson=8,
    title="Find the bug: an evaluation that changes the model",
    requires=("minigrad.nn", "minigrad.functional"),
    stub='''"""Exercise bug-eval-mode (lesson 8): find the bug in this evaluation function.

The model has BatchNorm1d and Dropout. Its test accuracy changes from one call to the
next, depends on the batch size, and evaluating the model changes its later training.
Find the bug, fix it, and delete the `raise NotImplementedError` line. Leave the model
as you found it (it is evaluated in the middle of training).
"""

import numpy as np

import minigrad as mg


def evaluate(model, x, y):
    """The accuracy of model on (x, y), a float in [0, 1]."""
    raise NotImplementedError("not implemented yet: find and fix the bug, then delete this line")
    with mg.no_grad():
        pred = model(x).argmax(dim=1)
    return float((pred.numpy() == y.numpy()).mean())
''',
    solution='''"""Exercise bug-eval-mode (lesson 8): a reference solution."""

import numpy as np

import minigrad as mg


def evaluate(model, x, y):
    """The accuracy of model on (x, y), a float in [0, 1]."""
    was_training = model.training
    model.eval()  # batch norm: running statistics; dropout: off
    with mg.no_grad():
        pred = model(x).argmax(dim=1)
    model.train(was_training)  # evaluation happens in the middle of training
    return float((pred.numpy() == y.numpy()).mean())
''',
    hints=(
        "Which layers behave differently while training and while evaluating?",
        "In training mode batch norm normalises with (and updates the running averages "
        "from) the current batch, and dropout zeroes activations at random.",
        "Call model.eval() before predicting, and put the model back into training mode "
        "afterwards (model.train(was_training)).",
    ),
    mistakes=(
        Mistake("    model.eval()  # batch norm", "    pass  # batch norm", "eval mode forgotten"),
        Mistake("    model.train(was_training)  #", "    pass  #", "left the model in eval mode"),
    ),
)


def _eval_model():
    from .. import functional as F
    from .. import nn, optim
    from ..factory import manual_seed

    manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3)
    )
    x, y = _eval_data(0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    for _ in range(15):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return model


def _eval_data(seed):
    rng = np.random.default_rng(seed)
    centers = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    y = np.repeat(np.arange(3), 10)
    x = centers[y] + 0.8 * rng.standard_normal((30, 2))
    return tensor(x, dtype=np.float32), tensor(y)


def _buffers(model):
    return [b.numpy().copy() for b in model.buffers()]


@eval_mode.check("evaluating leaves the running statistics unchanged")
def _ev_buffers(m) -> None:
    fn = need(m, "evaluate")
    model = _eval_model()
    before = _buffers(model)
    fn(model, *_eval_data(1))
    after = _buffers(model)
    if not all(np.array_equal(a, b) for a, b in zip(before, after)):
        raise Wrong(
            "eval mode forgotten: evaluating updated batch norm's running statistics (the "
            "model was still in training mode, so it normalised with, and learned from, the "
            "test batch). Call model.eval() first"
        )


@eval_mode.check("the accuracy does not depend on the batch (eval-mode predictions)")
def _ev_accuracy(m) -> None:
    fn = need(m, "evaluate")
    model = _eval_model()
    x, y = _eval_data(1)
    acc = fn(model, x, y)
    if not isinstance(acc, float) or not 0.0 <= acc <= 1.0:
        raise Wrong(f"evaluate should return a float between 0 and 1, got {acc!r}")
    reference = _eval_model()
    reference.eval()

    def accuracy(xs, ys) -> float:
        return float((reference(xs).numpy().argmax(1) == ys.numpy()).mean())

    parts = [(x[i : i + 15], y[i : i + 15]) for i in (0, 15)]
    got = [acc] + [fn(_eval_model(), *p) for p in parts]
    want = [accuracy(x, y)] + [accuracy(*p) for p in parts]
    if any(abs(g - w) > 1e-9 for g, w in zip(got, want)):
        shown = ", ".join(f"{g:.3f}" for g in got)
        expected = ", ".join(f"{w:.3f}" for w in want)
        raise Wrong(
            f"on all 30 examples and on each half evaluate gives {shown}; in eval mode they "
            f"are {expected}: eval mode still uses the batch statistics (or dropout), so a "
            "prediction depends on the rest of its batch"
        )


@eval_mode.check("the model is back in training mode afterwards")
def _ev_mode(m) -> None:
    fn = need(m, "evaluate")
    model = _eval_model()
    fn(model, *_eval_data(1))
    if not all(mod.training for mod in model.modules()):
        raise Wrong(
            "you left the model in eval mode: training after evaluate() would run without "
            "dropout and with frozen batch statistics. Restore it with model.train()"
        )


EXERCISES = [bn_forward, bn_backward, eval_mode]
