"""Checks of prelu-function: forward and both gradients for 2-D and 4-D inputs."""

import numpy as np

from ..helpers import (
    Wrong,
    array,
    backward_grads,
    check,
    diagnose,
    first_order,
    leaf,
    need,
    second_order,
)

CASES = {
    "(N, C)": (np.array([[-1.5, 0.4, -0.3], [0.9, -2.0, 1.2]]), np.array([0.1, 0.25, -0.2])),
    "(N, C, H, W)": (
        np.random.default_rng(7).standard_normal((2, 3, 2, 3)),
        np.array([0.1, 0.25, -0.2]),
    ),
}


def reference(x, w):
    wb = w.reshape((1, -1) + (1,) * (x.ndim - 2))
    return np.where(x > 0, x, wb * x)


@check("forward for x of shape (N, C) and (N, C, H, W)")
def forward(m) -> None:
    cls = need(m, "PReLU")
    for what, (x, w) in CASES.items():
        try:
            got = array(cls.apply(leaf(x), leaf(w)), f"PReLU.apply for {what}")
        except ValueError as e:
            if what == "(N, C)":
                raise
            raise Wrong(
                f"works for (N, C) but not for (N, C, H, W) ({e}): reshape the weight to "
                "(1, C, 1, 1) so that it lines up with the channel axis"
            ) from None
        diagnose(got, reference(x, w), f"the forward for x of shape {what}")


@check("backward: grad_x, and grad_weight with the weight's shape (C,)")
def backward(m) -> None:
    cls = need(m, "PReLU")
    for what, (x, w) in CASES.items():
        seed = np.random.default_rng(2).standard_normal(x.shape)
        gx, gw = backward_grads(cls.apply, [leaf(x), leaf(w)], seed)
        wb = w.reshape((1, -1) + (1,) * (x.ndim - 2))
        diagnose(gx, seed * np.where(x > 0, 1.0, wb), f"grad_x for {what}")
        full = seed * np.where(x > 0, 0.0, x)
        if gw is None:
            raise Wrong("backward returned None for the weight: it needs a gradient too")
        if gw.shape == x.shape:
            axes = "axis 0" if x.ndim == 2 else "axes 0, 2 and 3"
            raise Wrong(
                f"grad_weight for {what}: the gradient of a broadcast input was not summed: "
                f"weight has shape {w.shape} but you returned shape {gw.shape}; sum over {axes}"
            )
        diagnose(gw, full.sum(axis=(0,) + tuple(range(2, x.ndim))), f"grad_weight for {what}")
    x, w = CASES["(N, C, H, W)"]
    first_order(cls.apply, [leaf(x), leaf(w)], "gradcheck")


@check("second derivative: gradgradcheck passes")
def second_derivative(m) -> None:
    x, w = CASES["(N, C)"]
    second_order(need(m, "PReLU").apply, [leaf(x), leaf(w)], "gradgradcheck")
