"""Activations: relu, sigmoid, tanh, elu, leaky_relu, prelu, softmax and log_softmax."""

from __future__ import annotations

from ..recording import composite
from ..shapes import as_float
from ..tensor import Tensor, where
from ._checks import _tensor


class ReluBackward:
    """How `relu` passes the gradient back: `rule` None is its derivative (1 where x > 0).

    `mg.viz.relu_backward("guided" | "deconvnet")` sets a rule for the pictures of guided
    backprop and deconvnet: relu(x) is then `rule(x, max(x, 0))`, the same numbers with
    another way back. Only that context manager should set it.
    """

    rule = None


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    r"""max(x, 0); the gradient is 1 where x > 0, else 0.

    `inplace=True` (PyTorch's memory saving) is accepted; the result is a new tensor and the
    input keeps its values (docs/differences.md).
    """
    x = _tensor(input, "relu")
    if ReluBackward.rule is not None:
        return ReluBackward.rule(x, x.relu())
    return x.relu()


def sigmoid(input: Tensor) -> Tensor:
    r"""1 / (1 + e^-x), computed without overflow."""
    return _tensor(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Tensor:
    r"""(e^x - e^-x) / (e^x + e^-x)."""
    return _tensor(input, "tanh").tanh()


@composite("elu")
def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    r"""x for x > 0, alpha (e^x - 1) otherwise (NaN stays NaN, with gradient 1, as PyTorch)."""
    x = _tensor(input, "elu")
    alpha = as_float(alpha, "elu", "alpha")
    positive, negative = ~(x.numpy() <= 0), x.numpy() < 0
    curve = (where(negative, x, 0.0).exp() - 1.0) * alpha  # e^x of a number <= 0: no overflow
    # at x = 0 exactly, alpha * x: PyTorch's derivative there is alpha, its second derivative 0
    return where(positive, x, where(negative, curve, x * alpha))


@composite("leaky_relu")
def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    r"""x for x > 0, negative_slope * x otherwise."""
    x = _tensor(input, "leaky_relu")
    negative_slope = as_float(negative_slope, "leaky_relu", "negative_slope")
    return where(x.numpy() > 0, x, x * negative_slope)


@composite("prelu")
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    r"""x for x > 0, a * x otherwise, with a learned slope a per channel (weight (C,) or (1,))."""
    x = _tensor(input, "prelu")
    a = _tensor(weight, "prelu", "weight")
    if a.ndim != 1 or (a.shape[0] != 1 and (x.ndim < 2 or a.shape[0] != x.shape[1])):
        channels = x.shape[1] if x.ndim >= 2 else 1
        raise ValueError(
            f"prelu: weight has shape {a.shape}, expected (1,) or ({channels},) (one slope "
            f"per channel of input shape {x.shape})"
        )
    if a.shape[0] != 1:
        a = a.reshape((1, a.shape[0]) + (1,) * (x.ndim - 2))
    positive, zero = x.numpy() > 0, x.numpy() == 0
    negative = ~(positive | zero)  # (NaN counts as negative, as in PyTorch)
    # Each branch multiplies a masked x: the 0 gradient a branch gets where it is not used,
    # times an infinite slope, would otherwise leak NaN into x's gradient.
    sloped = where(negative, x, 0.0) * a
    if zero.any():  # at x = 0, PyTorch's second derivative has no x-slope cross term
        sloped = where(negative, sloped, where(zero, x, 0.0) * a.detach())
    return where(positive, x, sloped)


@composite("softmax")
def softmax(input: Tensor, dim: int = -1) -> Tensor:
    r"""e^x / sum(e^x) along dim, computed as e^(x - max) so it never overflows."""
    return _tensor(input, "softmax").softmax(dim)


@composite("log_softmax")
def log_softmax(input: Tensor, dim: int = -1) -> Tensor:
    r"""x - logsumexp(x) along dim: finite even for logits of magnitude 1e4."""
    return _tensor(input, "log_softmax").log_softmax(dim)
