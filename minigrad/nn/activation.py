r"""Activation layers: an elementwise nonlinearity between two linear layers.

Without one, a stack of linear layers is a single linear map, however deep. Each layer
here wraps the function of the same name in `minigrad.functional`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functional as F
from ..tensor import Tensor
from .module import Module, Parameter, filled, layer_dtype

__all__ = ["ReLU", "Sigmoid", "Tanh", "ELU", "LeakyReLU", "PReLU", "Softmax", "LogSoftmax"]


class ReLU(Module):
    r"""max(0, x). (`inplace` is accepted for PyTorch compatibility and ignored.)"""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    r"""1 / (1 + exp(-x))."""

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    r"""tanh(x) = (e^x - e^-x) / (e^x + e^-x)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class ELU(Module):
    r"""x if x > 0, else alpha * (exp(x) - 1)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class LeakyReLU(Module):
    r"""x if x > 0, else negative_slope * x."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    r"""x if x > 0, else a * x, with the slope `a` learned: one for all channels
    (num_parameters=1) or one per channel (num_parameters=C, channels on dim 1)."""

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        if not isinstance(num_parameters, (int, np.integer)) or num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be >= 1, got {num_parameters!r}")
        self.num_parameters = int(num_parameters)
        self.init = init
        dtype = layer_dtype("PReLU", dtype, device)
        self.weight = Parameter(filled((self.num_parameters,), init, dtype))

    def forward(self, x: Tensor) -> Tensor:
        n = self.num_parameters
        if n > 1 and (x.ndim < 2 or x.shape[1] != n):
            raise ValueError(
                f"PReLU(num_parameters={n}): input has shape {x.shape}, expected {n} channels "
                "on dim 1; use num_parameters=1 for one shared slope"
            )
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class _AlongDim(Module):
    """What Softmax and LogSoftmax share: the `dim` they normalise along."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def _dim(self, x: Tensor) -> int:
        """`dim`, or when it is None PyTorch's legacy choice for the input's rank."""
        if self.dim is None:
            return 0 if x.ndim in (0, 1, 3) else 1
        return self.dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    r"""exp(x_i) / sum_j exp(x_j) along `dim`: turns scores into probabilities.

    For training a classifier, give the raw scores to F.cross_entropy instead (it includes a
    log-softmax that stays accurate where softmax followed by log would not).
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, self._dim(x))


class LogSoftmax(_AlongDim):
    r"""x_i - log(sum_j exp(x_j)) along `dim`."""

    def forward(self, x: Tensor) -> Tensor:
        return F.log_softmax(x, self._dim(x))
