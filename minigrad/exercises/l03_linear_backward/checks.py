"""Checks of linear-backward: dx, dW and db against the engine's, shapes first."""

import numpy as np

from ...factory import tensor
from ..helpers import Wrong, array, check, diagnose, leaf, need


def case(rng):
    x = rng.standard_normal((4, 3))
    W = rng.standard_normal((3, 5))
    b = rng.standard_normal(5)
    dy = rng.standard_normal((4, 5))
    xt, Wt, bt = map(leaf, (x, W, b))
    (xt @ Wt + bt).backward(tensor(dy, dtype=np.float64))
    return (x, W, b, dy), (xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy())


def learner_grad(m, which: int):
    """(inputs, the learner's gradient number `which`, the engine's)."""
    args, want = case(np.random.default_rng(3))
    out = need(m, "linear_backward")(*(a.copy() for a in args))
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise Wrong("linear_backward should return three arrays: (dx, dW, db)")
    return args, array(out[which], ("dx", "dW", "db")[which]), want[which]


@check("dx equals the engine's")
def dx(m) -> None:
    _, got, want = learner_grad(m, 0)
    diagnose(got, want, "dx")


@check("dW equals the engine's")
def dw(m) -> None:
    _, got, want = learner_grad(m, 1)
    if got.shape == (5, 3):
        raise Wrong("dW has the shape of W transposed, (M, D): use x.T @ dy, shape (D, M)")
    diagnose(got, want, "dW")


@check("db equals the engine's")
def db(m) -> None:
    (x, W, b, dy), got, want = learner_grad(m, 2)
    if got.shape == dy.shape:
        raise Wrong(
            "db: the gradient of a broadcast input was not summed: b (shape (5,)) was added "
            "to each of the 4 rows, so db = dy.sum(axis=0); yours has dy's shape (4, 5)"
        )
    diagnose(
        got,
        want,
        "db",
        [
            (dy.mean(0), "you took the mean over the batch; the gradient is the sum"),
            (dy.sum(1), "summed over the wrong axis: sum over the batch (axis 0)"),
        ],
    )
