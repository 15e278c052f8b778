"""Losses: cross_entropy, nll_loss, mse_loss, l1_loss, binary_cross_entropy and
binary_cross_entropy_with_logits, with their shared target checks and reduction."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..factory import from_numpy
from ..recording import composite
from ..shapes import as_float, as_int
from ..tensor import Tensor, where
from ._checks import _check_float, _tensor
from ._constants import constant


def _check_reduction(reduction: Any, op: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _reduce(
    loss: Tensor,
    reduction: str,
    divisor: float | None = None,
    weighted: bool = False,
    unbatched: bool = False,
) -> Tensor:
    """The loss per element (per sample of a class loss; one number for an unbatched one),
    summed, or averaged over `divisor`: the elements by default, for a class loss the
    number of targets (or their total weight, `weighted`). `reduction` is checked already."""
    if reduction == "none":
        return loss.reshape(()) if unbatched else loss
    if reduction == "sum":
        return loss.sum()
    if divisor is None:
        return loss.mean()
    if not divisor:  # a total weight of 0 (every target ignored): 0 / 0 = NaN, as PyTorch
        return loss.sum() * math.nan
    what = "total weight of the targets" if weighted else "number of targets"
    return loss.sum() / constant(divisor, loss.dtype, f"{what} (for the mean)")


def _class_weights(
    op: str, x: Tensor, t: np.ndarray, weight: Any, ignore_index: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For class-index targets: (the mask of each sample's target class (N, C, ...), the
    weight each target gets (N, ...), 0 where ignored, and the class weights broadcast to
    (1, C, 1, ...)). The weights are constants in the input's dtype."""
    ignore_index = as_int(ignore_index, op, "ignore_index")
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
    w = _weight_vector(op, weight, c, x.dtype)
    class_axis = (1, c) + (1,) * (x.ndim - 2)
    classes = np.arange(c).reshape(class_axis)
    chosen = (np.expand_dims(t, 1) == classes) & np.expand_dims(valid, 1)
    picked = np.where(valid, w[np.where(valid, t, 0)], 0).astype(x.dtype)
    return chosen, picked, w.reshape(class_axis)


def _weight_vector(op: str, weight: Any, c: int, dtype: Any) -> np.ndarray:
    """The class weights as a (C,) array of the input's dtype (ones when not given)."""
    if weight is None:
        return np.ones(c, dtype=dtype)
    w = weight.numpy() if isinstance(weight, Tensor) else np.asarray(weight)
    if w.dtype.kind not in "biuf":
        raise TypeError(f"{op}: weight must be numbers, got {w.dtype}")
    if w.shape != (c,):
        raise ValueError(f"{op}: weight has shape {w.shape}, expected ({c},), one per class")
    return w.astype(dtype)


def _weighted(loss: Tensor, picked: np.ndarray) -> Tensor:
    """Each sample's loss times its target's weight (0 if ignored); nothing to do when
    every weight is 1."""
    if (picked == 1).all():
        return loss
    return loss * constant(picked, loss.dtype, "weight of each target")


def _pick(logp: Tensor, chosen: np.ndarray) -> Tensor:
    """logp[n, target_n] for each sample (0 where ignored), summed out of the class axis.

    A where, not a product with a one-hot mask: 0 * log p would be NaN where a masked
    logit is -inf (log p = -inf), and PyTorch's loss there is finite.
    """
    zero = constant(0, logp.dtype, "one-hot targets: 0 for the other classes")
    return where(chosen, logp, zero).sum(1)


def _batched(op: str, input: Any, target: Any, reduction: Any) -> tuple[Tensor, np.ndarray, bool]:
    """The scores checked and the target as an array, an unbatched input (C,) with a scalar
    target made a batch of one: (x, t, unbatched)."""
    x = _tensor(input, op)
    _check_float(op, x)
    _check_reduction(reduction, op)
    if x.ndim == 0:
        raise ValueError(f"{op}: input must be (C,) or (N, C, ...) scores, got a 0-d tensor")
    t = target.numpy() if isinstance(target, Tensor) else np.asarray(target)
    if x.ndim == 1:
        return x.reshape(1, -1), t.reshape((1,) + t.shape), True
    return x, t, False


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
    x, t, unbatched = _batched("nll_loss", input, target, reduction)
    chosen, picked, _ = _class_weights("nll_loss", x, t, weight, ignore_index)
    loss = _weighted(-_pick(x, chosen), picked)
    return _reduce(loss, reduction, picked.sum(), weight is not None, unbatched)


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
    op = "cross_entropy"
    x, t, unbatched = _batched(op, input, target, reduction)
    label_smoothing = as_float(label_smoothing, op, "label_smoothing", low=0.0, high=1.0)
    logp = x.log_softmax(1)
    c = x.shape[1]
    if t.dtype.kind == "f":  # class probabilities
        if t.shape != x.shape:
            raise ValueError(
                f"{op}: probability target has shape {t.shape}, expected the input's "
                f"shape {x.shape}, or integer class indices of shape {(x.shape[0],) + x.shape[2:]}"
            )
        if ignore_index != -100:
            raise ValueError(f"{op}: ignore_index works with class indices, not probabilities")
        q = t.astype(x.dtype) * (1.0 - label_smoothing) + label_smoothing / c
        q = q * _weight_vector(op, weight, c, x.dtype).reshape((1, c) + (1,) * (x.ndim - 2))
        loss = -(logp * constant(q, x.dtype, "target probabilities")).sum(1)
        divisor = None
    else:
        chosen, picked, per_class = _class_weights(op, x, t, weight, ignore_index)
        loss = _weighted(-_pick(logp, chosen), picked)
        if label_smoothing:  # every class gets label_smoothing / C of the target
            spread = constant(per_class, x.dtype, "smoothed targets: each class's weight")
            smooth = -(logp * spread).sum(1)
            valid = chosen.any(1)
            if not valid.all():  # ignored samples add nothing
                smooth = where(valid, smooth, constant(0, x.dtype, "0 for ignored samples"))
            loss = loss * (1.0 - label_smoothing) + smooth * (label_smoothing / c)
        divisor = picked.sum()
    return _reduce(loss, reduction, divisor, weight is not None, unbatched)


def _input_and_target(
    op: str, input: Any, target: Any, reduction: Any, floating: bool = False
) -> tuple[Tensor, Tensor]:
    """(input, target) of a loss between two tensors of one shape, checked (`floating`: the
    input must be floating point, and the target is converted to its dtype)."""
    x = _tensor(input, op)
    if floating:
        _check_float(op, x)
    _check_reduction(reduction, op)
    y = x._lift(target, op)
    if floating:
        y = y.to(x.dtype)
    if x.shape != y.shape:
        raise ValueError(
            f"{op}: input has shape {x.shape} but target has shape {y.shape}; they must be "
            "equal (a (N, 1) vs (N,) mismatch would silently broadcast to (N, N)): reshape one"
        )
    return x, y


@composite("mse_loss")
def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    r"""Mean squared error: mean((input - target)^2)."""
    x, y = _input_and_target("mse_loss", input, target, reduction)
    diff = x - y
    return _reduce(diff * diff, reduction)


@composite("l1_loss")
def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    r"""Mean absolute error: mean(|input - target|)."""
    x, y = _input_and_target("l1_loss", input, target, reduction)
    return _reduce((x - y).abs(), reduction)


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
    x, y = _input_and_target(op, input, target, reduction, floating=True)
    weight = _broadcastable(op, "weight", weight, x)
    pos_weight = _broadcastable(op, "pos_weight", pos_weight, x)
    positive = x.numpy() > 0
    magnitude = where(positive, x, -x)  # |x|, taking the x <= 0 branch at 0 like max(-x, 0)
    softplus_neg = where(positive, 0.0, -x) + ((-magnitude).exp() + 1.0).log()
    if pos_weight is None:
        loss = (1.0 - y) * x + softplus_neg
    else:
        loss = (1.0 - y) * x + (1.0 + (pos_weight - 1.0) * y) * softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _broadcastable(op: str, name: str, t: Any, x: Tensor) -> Tensor | None:
    """A weight (None, or something that must broadcast to the input's shape and not grow it)
    as a tensor."""
    if t is None:
        return None
    t = x._lift(t, op)
    try:
        shape = np.broadcast_shapes(t.shape, x.shape)
    except ValueError:
        shape = None
    if shape != x.shape:
        raise ValueError(
            f"{op}: {name} has shape {t.shape}, which does not broadcast to the input's "
            f"shape {x.shape}"
        )
    return t


@composite("binary_cross_entropy")
def binary_cross_entropy(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean"
) -> Tensor:
    r"""-[y log p + (1 - y) log(1 - p)] for probabilities p, PyTorch's way at saturation.

    PyTorch floors each log at -100 (so p = 0 or 1 gives a finite loss) and computes the
    gradient as (p - y) / max(p (1 - p), 1e-12), so a saturated prediction still learns.
    Both are reproduced: inside, the exact formula; where p (1 - p) < 1e-12, the floored
    value with a term whose derivative is (p - y) / 1e-12 (see _saturated).
    Prefer binary_cross_entropy_with_logits on raw scores: it is exact everywhere.
    """
    op = "binary_cross_entropy"
    p, y = _input_and_target(op, input, target, reduction, floating=True)
    weight = _broadcastable(op, "weight", weight, p)
    bad = ~((p.numpy() >= 0) & (p.numpy() <= 1))  # NaN too: PyTorch refuses a NaN probability
    if bad.any():
        raise ValueError(
            f"{op}: input must hold probabilities in [0, 1], got {p.numpy()[bad][0]:g}; apply "
            "sigmoid first or use binary_cross_entropy_with_logits"
        )
    bad = (y.numpy() < 0) | (y.numpy() > 1)  # (a NaN target propagates, as in PyTorch)
    if bad.any():
        raise ValueError(f"{op}: target must be in [0, 1], got {y.numpy()[bad][0]:g}")
    saturated = p.numpy() * (1 - p.numpy()) < BCE_EPS
    inside = where(saturated, 0.5, p)  # p, away from 0 and 1 where it is not used
    loss = -(y * inside.log() + (1.0 - y) * (1.0 - inside).log())
    if saturated.any():
        loss = where(saturated, _saturated(p, y), loss)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


BCE_EPS = 1e-12  # PyTorch's floor for p (1 - p) in the gradient of binary_cross_entropy


def _saturated(p: Tensor, y: Tensor) -> Tensor:
    """PyTorch's BCE where p (1 - p) < 1e-12: the value with each log floored at -100, and
    the gradient (p - y) / 1e-12 (not the derivative of that value: the floor is flat).

    value + s - s.detach() has the value of `value` (s - s.detach() is 0) and the gradient
    of s, with s = (p - y)^2 / (2e-12) whose derivative is (p - y) / 1e-12 (p - y is
    formed first: the difference of two terms of size 1e12 would lose its digits).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.maximum(np.log(p.numpy()), -100.0)
        log_q = np.maximum(np.log(1 - p.numpy()), -100.0)
        value = -(y.numpy() * log_p + (1 - y.numpy()) * log_q)
    s = (p - y) * (p - y) * (0.5 / BCE_EPS)
    return from_numpy(np.asarray(value, dtype=p.dtype)) + (s - s.detach())
