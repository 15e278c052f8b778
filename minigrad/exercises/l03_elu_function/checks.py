"""Checks of elu-function: forward and backward for two alphas, and the second derivative."""

import numpy as np

from ..helpers import array, backward_grads, check, diagnose, first_order, leaf, need, second_order

X = np.array([[-2.0, -0.6, 0.3], [1.7, -1.2, 0.8]])


def elu_apply(m, alpha):
    cls = need(m, "ELU")
    return lambda x: cls.apply(x, alpha=alpha)


@check("forward equals elu(x) for alpha = 1 and alpha = 0.5")
def forward(m) -> None:
    for alpha in (1.0, 0.5):
        got = array(elu_apply(m, alpha)(leaf(X)), f"ELU.apply(x, alpha={alpha})")
        want = np.where(X > 0, X, alpha * (np.exp(X) - 1))
        diagnose(
            got,
            want,
            f"the forward for alpha={alpha}",
            [(np.where(X > 0, X, np.exp(X) - 1), "alpha is ignored")],
        )


@check("backward is right for x > 0 and x < 0, alpha = 1 and 0.5; gradcheck passes")
def backward(m) -> None:
    seed = np.random.default_rng(1).standard_normal(X.shape)
    pos = X > 0
    for alpha in (1.0, 0.5):
        (got,) = backward_grads(elu_apply(m, alpha), [leaf(X)], seed)
        want = seed * np.where(pos, 1.0, alpha * np.exp(X))
        diagnose(
            got,
            want,
            f"the gradient for alpha={alpha}",
            [
                (
                    seed * np.where(pos, 1.0, np.exp(X)),
                    "right for alpha = 1 but not for alpha = 0.5: for x < 0 the derivative "
                    "is alpha * exp(x)",
                ),
                (seed * np.where(pos, X, want / seed), "for x > 0 the derivative is 1"),
                (seed * np.where(pos, 1.0, alpha * (np.exp(X) - 1)), "that is the forward"),
            ],
        )
        first_order(elu_apply(m, alpha), [leaf(X)], f"gradcheck (alpha={alpha})")


@check("second derivative: gradgradcheck passes")
def second_derivative(m) -> None:
    second_order(elu_apply(m, 0.5), [leaf(X)], "gradgradcheck")
