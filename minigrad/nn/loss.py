r"""Losses as layers: `loss = nn.CrossEntropyLoss(); loss(scores, labels)`, as in PyTorch.

Each module keeps its options and calls the function in `functional/loss.py` that does the
work (one implementation):

| module            | function                            | input, target                          |
|-------------------|-------------------------------------|----------------------------------------|
| CrossEntropyLoss  | F.cross_entropy                     | scores (N, C, ...), classes (N, ...)   |
| NLLLoss           | F.nll_loss                          | log-probabilities, classes             |
| MSELoss           | F.mse_loss                          | any shape, the same shape              |
| L1Loss            | F.l1_loss                           | any shape, the same shape              |
| BCELoss           | F.binary_cross_entropy              | probabilities, 0/1 targets             |
| BCEWithLogitsLoss | F.binary_cross_entropy_with_logits  | scores, 0/1 targets                    |

`reduction` is 'mean' (the default), 'sum' or 'none' (one loss per element or sample).
PyTorch's older `size_average` and `reduce` flags are still understood (with a warning).
"""

from __future__ import annotations

import warnings
from typing import Any

from .. import functional as F
from ..tensor import Tensor
from .module import Module

__all__ = ["CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss"]


def _reduction(name: str, size_average: Any, reduce: Any, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        warnings.warn(
            f"{name}: size_average and reduce are deprecated (as in PyTorch); "
            "use reduction='mean', 'sum' or 'none'",
            UserWarning,
            stacklevel=3,
        )
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        return ("mean" if size_average else "sum") if reduce else "none"
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


def _optional_tensor(value: Any) -> Tensor | None:
    return value if value is None or isinstance(value, Tensor) else Tensor(value)


class _Loss(Module):
    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean"):
        super().__init__()
        self.reduction = _reduction(type(self).__name__, size_average, reduce, reduction)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    r"""Mean squared error: mean((input - target)^2) (or its sum, or each term)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    r"""Mean absolute error: mean(|input - target|)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class NLLLoss(_Loss):
    r"""Negative log-likelihood of the target classes, given log-probabilities (a LogSoftmax
    output): loss_n = -weight[t_n] * input[n, t_n]."""

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _optional_tensor(weight))
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class CrossEntropyLoss(_Loss):
    r"""Softmax cross-entropy from raw scores: NLLLoss of log_softmax(input, dim=1).

    target is class indices (N,) or class probabilities shaped like the input;
    `label_smoothing` mixes the one-hot target with the uniform distribution.
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _optional_tensor(weight))
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_Loss):
    r"""Binary cross-entropy of probabilities: -[y log p + (1 - y) log(1 - p)]."""

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _optional_tensor(weight))

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    r"""Binary cross-entropy from raw scores, sigmoid included (exact where BCELoss saturates);
    `pos_weight` weighs the positive examples of each class."""

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        pos_weight: Any = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _optional_tensor(weight))
        self.register_buffer("pos_weight", _optional_tensor(pos_weight))

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )
