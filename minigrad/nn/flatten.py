"""`Flatten`: join dimensions into one, e.g. feature maps (N, C, H, W) into vectors (N, C*H*W)."""

from __future__ import annotations

from ..tensor import Tensor
from .module import Module

__all__ = ["Flatten"]


class Flatten(Module):
    """Merge dims start_dim..end_dim (default: all but the batch dimension)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise TypeError(f"Flatten: expected a Tensor input, got {type(x).__name__}")
        for d in (self.start_dim, self.end_dim):
            if not -max(x.ndim, 1) <= d < max(x.ndim, 1):
                raise IndexError(
                    f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}): dim {d} is "
                    f"out of range for an input of shape {x.shape}"
                )
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
