"""The input check every image model shares: a clear message instead of a deep shape error.

Each model states the smallest square image it accepts (the size below which some pooling
window or kernel no longer fits); `check_images` raises a ValueError naming the model, the
shape received and what to feed instead.
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor

__all__ = ["check_images"]


def check_images(model: str, x: Any, in_channels: int, min_size: int, typical: int) -> None:
    """Raise unless `x` is an (N, in_channels, H, W) Tensor with H, W >= min_size."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{model}: expected a Tensor of images, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(
            f"{model}: expected images of shape (N, {in_channels}, H, W), got shape {x.shape}"
            + (" (add a batch axis: x.unsqueeze(0))" if x.ndim == 3 else "")
        )
    if x.shape[1] != in_channels:
        raise ValueError(
            f"{model}: input has {x.shape[1]} channels, expected {in_channels} (input shape "
            f"{x.shape}); build the model with in_channels={x.shape[1]}, or check the layout "
            "is channels first (N, C, H, W)"
        )
    h, w = x.shape[2:]
    if h < min_size or w < min_size:
        raise ValueError(
            f"{model}: images of {h} x {w} are too small; this network needs at least "
            f"{min_size} x {min_size} (its pooling windows and kernels no longer fit below "
            f"that) and was designed for {typical} x {typical}. Resize or pad the images"
        )
