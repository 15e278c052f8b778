"""Checks of sigmoid-function: forward, backward with the usual slips, second derivative."""

import numpy as np

from ..helpers import array, backward_grads, check, diagnose, first_order, leaf, need, second_order

X = np.array([[-3.0, -0.7, 0.2], [1.1, 2.5, -1.6]])


@check("forward equals 1 / (1 + exp(-x))")
def forward(m) -> None:
    got = array(need(m, "Sigmoid").apply(leaf(X)), "Sigmoid.apply(x)")
    s = 1 / (1 + np.exp(-X))
    diagnose(got, s, "the forward", [(np.exp(-X) / (1 + np.exp(-X)), "that is 1 - s")])


@check("backward equals s * (1 - s) * grad; gradcheck passes")
def backward(m) -> None:
    cls = need(m, "Sigmoid")
    seed = np.random.default_rng(0).standard_normal(X.shape)
    (got,) = backward_grads(cls.apply, [leaf(X)], seed)
    s = 1 / (1 + np.exp(-X))
    diagnose(
        got,
        seed * s * (1 - s),
        "the gradient",
        [
            (seed * s, "you forgot the factor (1 - s): ds/dx = s * (1 - s)"),
            (seed * X * (1 - X), "you used the input x in s * (1 - s); use s"),
            (s * (1 - s), "you did not multiply by grad (the chain rule's incoming gradient)"),
        ],
    )
    first_order(cls.apply, [leaf(X)], "gradcheck")


@check("second derivative: gradgradcheck passes")
def second_derivative(m) -> None:
    second_order(need(m, "Sigmoid").apply, [leaf(X)], "gradgradcheck")
