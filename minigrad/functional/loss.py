"""Losses: cross_entropy, nll_loss, mse_loss, l1_loss, binary_cross_entropy and
binary_cross_entropy_with_logits, with their shared target checks and reduction."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import composite
from ..tensor import Tensor, where
from ._checks import _check_float, _tensor
from ._constants import constant


def _reduce(
    loss: Tensor,
    reduction: str,
    op: str,
    divisor: float | None = None,
    what: str = "number of elements",
) -> Tensor:
    """The loss per element, summed, or averaged over `divisor` (the elements by default)."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        if divisor is None:
            return loss.mean()
        return loss.sum() / constant(divisor, loss.dtype, f"{what} (for the mean)")
    raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _class_weights(
    op: str, x: Tensor, target: Any, weight: Any, ignore_index: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For class-index targets: (one-hot (N, C, ...) scaled by the class weight, the weight
    each target gets (N, ...), the class weights broadcast to (1, C, 1, ...) times 'not
    ignored'). All constants in the input's dtype."""
    t = target.numpy() if isinstance(target, Tensor) else np.asarray(target)
    c = x.shape[1]
    if t.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: target must hold class indices (integers), got {t.dtype}; convert with "
            ".long(), or (cross_entropy only) pass class probabilities with the input's shape "
            f"{x.shape}"
        )
    expected = (x.shape[0],) + x.shape[2:]
    if t.shape != expected:
        raise ValueError(
            f"{op}: target has shape {t.shape}, expected {expected}: one class index per "
            f"sample for input (N, C, ...) = {x.shape}"
        )
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(
            f"{op}: target holds class {int(t[bad].flat[0])}, but input has {c} classes "
            f"(valid: 0 to {c - 1}, or ignore_index={ignore_index})"
        )
    if weight is None:
        w = np.ones(c, dtype=x.dtype)
    else:
        w = np.asarray(weight.numpy() if isinstance(weight, Tensor) else weight, dtype=x.dtype)
        if w.shape != (c,):
            raise ValueError(f"{op}: weight has shape {w.shape}, expected ({c},), one per class")
    class_axis = (1, c) + (1,) * (x.ndim - 2)
    classes = np.arange(c).reshape(class_axis)
    onehot = (np.expand_dims(t, 1) == classes) & np.expand_dims(valid, 1)
    per_class = w.reshape(class_axis) * np.expand_dims(valid, 1)
    picked = np.where(valid, w[np.where(valid, t, 0)], 0).astype(x.dtype)
    return (onehot * w.reshape(class_axis)).astype(x.dtype), picked, per_class.astype(x.dtype)


def _batched(op: str, x: Tensor, target: Any) -> tuple[Tensor, Any, bool]:
    """An unbatched input (C,) with a scalar target becomes a batch of one."""
    if x.ndim == 1:
        t = target.numpy() if isinstance(target, Tensor) else np.asarray(target)
        return x.reshape(1, -1), t.reshape((1,) + t.shape), True
    if x.ndim == 0:
        raise ValueError(f"{op}: input must be (C,) or (N, C, ...) scores, got a 0-d tensor")
    return x, target, False


@composite("nll_loss")
def nll_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    r"""Negative log-likelihood: loss_n = -weight[t_n] * input[n, t_n], input = log-probabilities.

    input (N, C) or (N, C, d1, ...), target (N,) or (N, d1, ...) class indices. 'mean'
    divides by the total weight of the targets that are not ignore_index (as PyTorch).
    Picking input[n, t_n] is a product with a constant one-hot mask and a sum over classes.
    """
    x, target, unbatched = _batched("nll_loss", _tensor(input, "nll_loss"), target)
    onehot, picked, _ = _class_weights("nll_loss", x, target, weight, ignore_index)
    loss = -(x * constant(onehot, x.dtype, "one-hot targets")).sum(1)
    if unbatched and reduction == "none":
        loss = loss.reshape(())
    what = "number of targets" if weight is None else "total weight of the targets"
    return _reduce(loss, reduction, "nll_loss", picked.sum(), what)


@composite("cross_entropy")
def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    r"""Softmax cross-entropy from raw scores (logits): nll_loss(log_softmax(input, 1), target).

    loss_n = -sum_c q_nc log softmax(x_n)_c, where q is the one-hot target mixed with the
    uniform distribution: q = (1 - label_smoothing) onehot + label_smoothing / C. target
    is class indices (N, ...) or class probabilities with the input's shape. Finite for
    logits of any size: log_softmax subtracts the maximum before exponentiating.
    """
    x, target, unbatched = _batched("cross_entropy", _tensor(input, "cross_entropy"), target)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    logp = x.log_softmax(1)
    c = x.shape[1]
    t = target.numpy() if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind == "f":  # class probabilities
        if t.shape != x.shape:
            raise ValueError(
                f"cross_entropy: probability target has shape {t.shape}, expected the input's "
                f"shape {x.shape}, or integer class indices of shape {(x.shape[0],) + x.shape[2:]}"
            )
        q = t.astype(x.dtype) * (1.0 - label_smoothing) + label_smoothing / c
        if weight is not None:
            w = np.asarray(weight, dtype=x.dtype)
            q = q * w.reshape((1, c) + (1,) * (x.ndim - 2))
        loss = -(logp * constant(q, x.dtype, "target probabilities")).sum(1)
        divisor = None
    else:
        onehot, picked, per_class = _class_weights("cross_entropy", x, target, weight, ignore_index)
        q = onehot
        if label_smoothing:
            q = onehot * (1.0 - label_smoothing) + per_class * (label_smoothing / c)
        what = "smoothed one-hot targets" if label_smoothing else "one-hot targets"
        loss = -(logp * constant(q, x.dtype, what)).sum(1)
        divisor = picked.sum()
    if unbatched and reduction == "none":
        loss = loss.reshape(())
    what = "number of targets" if weight is None else "total weight of the targets"
    return _reduce(loss, reduction, "cross_entropy", divisor, what)


def _check_same_shape(op: str, x: Tensor, y: Tensor) -> None:
    if x.shape != y.shape:
        raise ValueError(
            f"{op}: input has shape {x.shape} but target has shape {y.shape}; they must be "
            "equal (a (N, 1) vs (N,) mismatch would silently broadcast to (N, N)): reshape one"
        )


@composite("mse_loss")
def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    r"""Mean squared error: mean((input - target)^2)."""
    x = _tensor(input, "mse_loss")
    y = x._lift(target)
    _check_same_shape("mse_loss", x, y)
    diff = x - y
    return _reduce(diff * diff, reduction, "mse_loss")


@composite("l1_loss")
def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    r"""Mean absolute error: mean(|input - target|)."""
    x = _tensor(input, "l1_loss")
    y = x._lift(target)
    _check_same_shape("l1_loss", x, y)
    return _reduce((x - y).abs(), reduction, "l1_loss")


@composite("binary_cross_entropy_with_logits")
def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    r"""-[p y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))] from logits x, without overflow.

    Written as (1 - y) x + (1 + (p - 1) y) softplus(-x), with
    softplus(-x) = max(-x, 0) + log(1 + e^-|x|) (p = pos_weight, 1 by default): the
    exponent is never positive, and at x = 0 both pieces take the same branch, so the
    gradient there is sigmoid(0) - y as it should be.
    """
    op = "binary_cross_entropy_with_logits"
    x = _tensor(input, op)
    _check_float(op, x)
    y = x._lift(target).to(x.dtype)
    _check_same_shape(op, x, y)
    positive = x.numpy() > 0
    magnitude = where(positive, x, -x)  # |x|, taking the x <= 0 branch at 0 like max(-x, 0)
    softplus_neg = where(positive, 0.0, -x) + ((-magnitude).exp() + 1.0).log()
    if pos_weight is None:
        loss = (1.0 - y) * x + softplus_neg
    else:
        loss = (1.0 - y) * x + (1.0 + (x._lift(pos_weight) - 1.0) * y) * softplus_neg
    if weight is not None:
        loss = loss * x._lift(weight)
    return _reduce(loss, reduction, op)


@composite("binary_cross_entropy")
def binary_cross_entropy(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean"
) -> Tensor:
    r"""-[y log p + (1 - y) log(1 - p)] for probabilities p; each log is kept >= -100 (PyTorch).

    Prefer binary_cross_entropy_with_logits on raw scores: it is exact where this saturates.
    """
    op = "binary_cross_entropy"
    p = _tensor(input, op)
    _check_float(op, p)
    y = p._lift(target).to(p.dtype)
    _check_same_shape(op, p, y)
    if p.numel() and (p.numpy().min() < 0 or p.numpy().max() > 1):
        raise ValueError(
            f"{op}: input must be probabilities in [0, 1] (got values from {p.numpy().min():g} to "
            f"{p.numpy().max():g}); apply sigmoid first or use binary_cross_entropy_with_logits"
        )
    tiny = math.exp(-100.0)  # log(tiny) = -100, PyTorch's floor for log(0)
    loss = -(y * p.clip(min=tiny).log() + (1.0 - y) * (1.0 - p).clip(min=tiny).log())
    if weight is not None:
        loss = loss * p._lift(weight)
    return _reduce(loss, reduction, op)
