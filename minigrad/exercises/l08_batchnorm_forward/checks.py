"""Checks of batchnorm-forward: training-mode outputs, running statistics, eval mode."""

import numpy as np

from ..helpers import Wrong, array, check, close, diagnose, need

PER_CHANNEL = (
    "batch norm for images keeps one mean and one variance per CHANNEL, averaged over N, H "
    "and W (axes 0, 2, 3), so the statistics have shape (C,)"
)
SHAPES = {"(N, C)": (6, 3), "(N, C, H, W)": (4, 3, 3, 2)}


def reference(x, rm, rv, g, b, training, momentum=0.1, eps=1e-5, biased_running=False, swap=False):
    """Batch norm, updating rm and rv in place; biased_running and swap (momentum taken as
    the weight of the old value) give the usual slips."""
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        n = x.size // x.shape[1]
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        unbiased = var if biased_running else var * n / (n - 1)
        mom = 1 - momentum if swap else momentum
        rm[...] = (1 - mom) * rm + mom * mean
        rv[...] = (1 - mom) * rv + mom * unbiased
    else:
        mean, var = rm, rv
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return x_hat * g.reshape(shape) + b.reshape(shape)


def data(shape, seed):
    rng = np.random.default_rng(seed)
    c = shape[1]
    x = rng.standard_normal(shape) * 2.0 + 1.5
    return x, rng.standard_normal(c) * 0.5 + 1.0, rng.standard_normal(c) * 0.5


@check("training mode: output for (N, C) and (N, C, H, W)")
def training_output(m) -> None:
    fn = need(m, "batch_norm")
    for what, shape in SHAPES.items():
        x, g, b = data(shape, 1)
        c = shape[1]
        try:
            got = array(fn(x.copy(), np.zeros(c), np.ones(c), g, b, True), f"y for {what}")
        except ValueError as e:
            if what == "(N, C)":
                raise
            raise Wrong(f"right for (N, C) but not for (N, C, H, W) ({e}): {PER_CHANNEL}") from None
        want = reference(x, np.zeros(c), np.ones(c), g, b, True)
        if what == "(N, C, H, W)" and got.shape == want.shape and not close(got, want):
            per_pixel = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) * g.reshape(1, -1, 1, 1)
            if close(got, per_pixel + b.reshape(1, -1, 1, 1)):
                raise Wrong(f"right for (N, C) but not for (N, C, H, W): {PER_CHANNEL}")
        axes = (0,) + tuple(range(2, x.ndim))
        n = x.size // c
        sh = (1, -1) + (1,) * (x.ndim - 2)
        centred = x - x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
        unbiased = centred / np.sqrt(var * n / (n - 1) + 1e-5) * g.reshape(sh) + b.reshape(sh)
        eps_outside = centred / (np.sqrt(var) + 1e-5) * g.reshape(sh) + b.reshape(sh)
        diagnose(
            got,
            want,
            f"y for {what} in training mode",
            [
                (unbiased, "normalise with the biased variance (divide by n, as x.var() does)"),
                (eps_outside, "eps goes inside the square root: sqrt(var + eps)"),
            ],
        )


@check("running statistics after three training steps")
def running_statistics(m) -> None:
    fn = need(m, "batch_norm")
    for what, shape in SHAPES.items():
        c = shape[1]
        rm, rv = np.zeros(c), np.ones(c)
        refs = {k: (np.zeros(c), np.ones(c)) for k in ("right", "biased", "swap")}
        for step in range(3):
            x, g, b = data(shape, 10 + step)
            fn(x.copy(), rm, rv, g, b, True, 0.1)
            reference(x, *refs["right"], g, b, True)
            reference(x, *refs["biased"], g, b, True, biased_running=True)
            reference(x, *refs["swap"], g, b, True, swap=True)
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


@check("eval mode uses the running statistics and changes nothing")
def eval_mode(m) -> None:
    fn = need(m, "batch_norm")
    for what, shape in SHAPES.items():
        c = shape[1]
        x, g, b = data(shape, 20)
        rm, rv = np.linspace(-0.5, 0.5, c), np.linspace(0.5, 2.0, c)
        rm0, rv0 = rm.copy(), rv.copy()
        got = array(fn(x.copy(), rm, rv, g, b, False), f"y for {what} in eval mode")
        if not (close(rm, rm0) and close(rv, rv0)):
            raise Wrong("eval mode changed the running statistics: in eval mode update nothing")
        diagnose(
            got,
            reference(x, rm0, rv0, g, b, False),
            f"y for {what} in eval mode",
            [
                (
                    reference(x, rm0.copy(), rv0.copy(), g, b, True),
                    "eval mode still uses the batch statistics: use running_mean and "
                    "running_var, so that one example's output does not depend on its batch",
                )
            ],
        )
