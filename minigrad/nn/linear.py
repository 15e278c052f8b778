r"""`Linear` and `Identity`: the fully connected layer and the layer that does nothing.

y = x @ W^T + b        x: (N, *, in_features)  W: (out_features, in_features)
                       b: (out_features,)      y: (N, *, out_features)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functional as F
from ..tensor import Tensor
from . import init
from .module import Module, weight_and_bias

__all__ = ["Linear", "Identity"]


class Linear(Module):
    r"""A fully connected layer: y = x W^T + b.

    Weight and bias start as U(-1/sqrt(in_features), 1/sqrt(in_features)), PyTorch's
    default (kaiming_uniform_ with a = sqrt(5)).

    >>> Linear(3, 2)
    Linear(in_features=3, out_features=2, bias=True)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        for name, n in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
                raise ValueError(f"Linear: {name} must be a whole number >= 0, got {n!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        shape = (self.out_features, self.in_features)
        weight_and_bias(self, "Linear", shape, self.out_features if bias else None, dtype, device)

    def reset_parameters(self) -> None:
        init._default_init(self.weight, self.bias)

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise TypeError(f"{self._name()}: expected a Tensor input, got {type(x).__name__}")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self._name()}: input has shape {x.shape}, expected (..., "
                f"{self.in_features}): the last dimension must be in_features. "
                + (
                    "Flatten image inputs first (nn.Flatten())."
                    if x.ndim > 2
                    else "Check the size of the layer before this one."
                )
            )
        return F.linear(x, self.weight, self.bias)

    def _name(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. a shortcut with nothing to adapt)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x
