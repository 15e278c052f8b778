"""Checks of batchnorm-backward: dx (with each path's omission named), dgamma and dbeta
against the gradients the engine derives from F.batch_norm."""

import numpy as np

from ... import functional as F
from ...factory import tensor
from ..helpers import Wrong, array, check, diagnose, leaf, need


def case():
    """(x, gamma, dout) and the engine's (dx, dgamma, dbeta)."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((5, 3)) * 1.7 + 0.4
    gamma = rng.standard_normal(3) + 1.0
    dout = rng.standard_normal((5, 3))
    xt, gt, bt = map(leaf, (x, gamma, np.zeros(3)))
    y = F.batch_norm(xt, None, None, gt, bt, training=True, eps=1e-5)
    y.backward(tensor(dout, dtype=np.float64))
    return (x, gamma, dout), (xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy())


def learner_grad(m, which: int):
    """(inputs, the learner's gradient number `which`, the engine's)."""
    (x, gamma, dout), want = case()
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


def staged(x, gamma, dout, eps=1e-5, ddof=0, var_n=True, mean_n=True, half=True):
    """dx the long way, through dvar and dmean, as a learner writes it; the flags give the
    usual slips: ddof=1 (the unbiased variance), var_n / mean_n False (the 1/N of that
    path's mean missing), half False (the -1/2 of d(var + eps)**(-1/2) missing)."""
    n = x.shape[0]
    mu = x.mean(0)
    var = ((x - mu) ** 2).sum(0) / (n - ddof)
    inv_std = 1 / np.sqrt(var + eps)
    dx_hat = dout * gamma
    dvar = (dx_hat * (x - mu)).sum(0) * (-0.5 if half else 1.0) * inv_std**3
    dmean = -dx_hat.sum(0) * inv_std + dvar * (-2 * (x - mu)).sum(0) / (n - ddof)
    return (
        dx_hat * inv_std
        + dvar * 2 * (x - mu) / ((n - ddof) if var_n else 1)
        + dmean / (n if mean_n else 1)
    )


@check("dx equals the derived gradient (through the mean and the variance)")
def dx(m) -> None:
    (x, gamma, dout), got, want = learner_grad(m, 0)
    n = x.shape[0]
    inv_std = 1 / np.sqrt(x.var(0) + 1e-5)
    x_hat = (x - x.mean(0)) * inv_std
    dx_hat = dout * gamma
    unbiased = 1 / np.sqrt(x.var(0, ddof=1) + 1e-5)
    x_hat_u = (x - x.mean(0)) * unbiased
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
            (
                staged(x, gamma, dout, half=False),
                "a factor -1/2 is missing in the path through the variance: d(var + eps)**(-1/2)"
                " / dvar = -1/2 * (var + eps)**(-3/2)",
            ),
            (
                staged(x, gamma, dout, var_n=False),
                "a missing 1/N in the path through the variance: dvar/dx_i = 2 * (x_i - mean) "
                "/ N (the variance is a mean over the N rows)",
            ),
            (
                staged(x, gamma, dout, mean_n=False),
                "a missing 1/N in the path through the mean: dmean/dx_i = 1/N",
            ),
            *[
                (
                    wrong,
                    "you used the unbiased variance (divided by N - 1); batch norm normalises "
                    "with the biased one, x.var() (divided by N), so its derivative has 1/N too",
                )
                for wrong in (
                    staged(x, gamma, dout, ddof=1),
                    unbiased
                    / n
                    * (n * dx_hat - dx_hat.sum(0) - x_hat_u * (dx_hat * x_hat_u).sum(0)),
                )
            ],
        ],
        sizes={"the batch size N": n},
    )


@check("dgamma and dbeta equal the derived gradients")
def dgamma_dbeta(m) -> None:
    (x, _, dout), got_g, want_g = learner_grad(m, 1)
    n = x.shape[0]
    per_row = dout * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    diagnose(got_g, want_g, "dgamma", sizes={"the batch size N": n}, per_example=per_row)
    _, got_b, want_b = learner_grad(m, 2)
    diagnose(got_b, want_b, "dbeta", sizes={"the batch size N": n}, per_example=dout)
