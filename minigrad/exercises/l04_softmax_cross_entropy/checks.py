"""Checks of softmax-cross-entropy: the loss (stable at 1e4), its gradient, the second one."""

import numpy as np

from ...factory import tensor
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
from ..l04_log_softmax.checks import reference as log_softmax

X = np.array([[1.0, -0.5, 2.0], [0.1, 0.2, -1.0], [3.0, -2.0, 0.0], [0.5, 0.4, 0.3]])
TARGET = np.array([2, 0, 0, 1])


def reference(x, t):
    return -log_softmax(x, 1)[np.arange(len(t)), t].mean()


def loss_apply(m):
    cls = need(m, "SoftmaxCrossEntropy")
    return lambda x: cls.apply(x, target=TARGET)


@check("forward: the mean of -log softmax at the target; finite at logits 1e4")
def forward(m) -> None:
    apply = loss_apply(m)
    got = array(apply(tensor(X, dtype=np.float64)), "the loss")
    lp = log_softmax(X, 1)[np.arange(len(TARGET)), TARGET]
    diagnose(
        got,
        reference(X, TARGET),
        "the loss",
        [
            (-lp.sum(), "you summed over the batch; the loss is the mean (divide by N)"),
            (lp.mean(), "the loss is MINUS the mean log-probability"),
        ],
    )
    big = X * 1e4
    got = array(apply(tensor(big, dtype=np.float64)), "the loss at logits 1e4")
    if not np.isfinite(got).all():
        raise Wrong(
            "overflow at logits of 1e4: exp(10000) is inf. Subtract each row's max from the "
            "logits before exp (the softmax does not change)"
        )
    diagnose(got, reference(big, TARGET), "the loss at logits 1e4", rtol=1e-6)


@check("backward: (softmax - onehot) / N times grad; gradcheck passes")
def backward(m) -> None:
    apply = loss_apply(m)
    seed = np.array(1.7)
    (got,) = backward_grads(apply, [leaf(X)], seed)
    p = np.exp(log_softmax(X, 1))
    n = len(TARGET)
    onehot = np.eye(3)[TARGET]
    want = seed * (p - onehot) / n
    diagnose(
        got,
        want,
        "the gradient",
        [
            (
                want * n,
                f"your gradient is N = {n} times too large: the loss is the mean over "
                "the batch, so divide by N",
            ),
            (seed * p / n, "you returned softmax / N: subtract the one-hot target"),
            ((p - onehot) / n, "you did not multiply by grad (the incoming gradient)"),
        ],
    )
    first_order(apply, [leaf(X)], "gradcheck")


@check("second derivative: gradgradcheck passes")
def second_derivative(m) -> None:
    second_order(loss_apply(m), [leaf(X)], "gradgradcheck")
