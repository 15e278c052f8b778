r"""`Dropout`: while training, zero each element with probability p and scale the rest by
1 / (1 - p), so the expected value is unchanged; in eval mode, the identity."""

from __future__ import annotations

from .. import functional as F
from ..tensor import Tensor
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Randomly zero elements while training (draws from `mg.default_generator()`)."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p is a probability, between 0 and 1, got {p}")
        self.p = float(p)
        self.inplace = inplace  # accepted for PyTorch compatibility; minigrad never edits in place

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
