"""Transforms for augmentation: callables on one image x of shape (C, H, W).

They take an ndarray (a Tensor is accepted) and return an ndarray; datasets apply them one
sample at a time (`TensorDataset(x, y, transform=...)`, `MNIST(root, transform=...)`).
Random ones draw from minigrad's generator, so `mg.manual_seed` makes them repeatable.

    augment = Compose([RandomShift(2), Normalize(0.5, 0.5)])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .factory import default_generator
from .tensor import Tensor

__all__ = ["Compose", "Normalize", "RandomCrop", "RandomShift", "RandomHorizontalFlip"]


def _chw(x: Any, name: str) -> np.ndarray:
    x = x.numpy() if isinstance(x, Tensor) else np.asarray(x)
    if x.ndim != 3:
        raise ValueError(
            f"{name}: expected one image of shape (C, H, W), got shape {x.shape}; transforms "
            "work on single samples (datasets apply them one sample at a time)"
        )
    return x


class Compose:
    """Apply transforms one after the other: Compose([RandomShift(2), Normalize(0.5, 0.5)])."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x: Any) -> Any:
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        return f"Compose({self.transforms!r})"


class Normalize:
    r"""x_c <- (x_c - mean_c) / std_c for each channel c (a number applies to all channels)."""

    def __init__(self, mean: float | Sequence[float], std: float | Sequence[float]) -> None:
        self.mean = np.asarray(mean, dtype=np.float32).reshape(-1, 1, 1)
        self.std = np.asarray(std, dtype=np.float32).reshape(-1, 1, 1)
        if np.any(self.std == 0):
            raise ValueError(f"Normalize: std must not be 0, got {std}")

    def __call__(self, x: Any) -> np.ndarray:
        x = _chw(x, "Normalize")
        if self.mean.shape[0] not in (1, x.shape[0]):
            raise ValueError(
                f"Normalize: {self.mean.shape[0]} means for an image with {x.shape[0]} channels"
            )
        return ((x - self.mean) / self.std).astype(np.float32)

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.ravel().tolist()}, std={self.std.ravel().tolist()})"


class RandomCrop:
    """Pad each side with `padding` zeros, then cut a random `size` x `size` window."""

    def __init__(self, size: int | tuple[int, int], padding: int = 0) -> None:
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.padding = int(padding)
        if self.padding < 0:
            raise ValueError(f"RandomCrop: padding must be >= 0, got {padding}")

    def __call__(self, x: Any) -> np.ndarray:
        x = _chw(x, type(self).__name__)
        p = self.padding
        if p:
            x = np.pad(x, ((0, 0), (p, p), (p, p)))
        (OH, OW), (H, W) = self.size, x.shape[1:]
        if OH > H or OW > W:
            raise ValueError(
                f"{type(self).__name__}: crop size {self.size} is larger than the padded image "
                f"({H}, {W}); lower the size or raise the padding"
            )
        rng = default_generator()
        i, j = int(rng.integers(0, H - OH + 1)), int(rng.integers(0, W - OW + 1))
        return x[:, i : i + OH, j : j + OW]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomShift(RandomCrop):
    """Move the image by up to `max_shift` pixels in each direction, filling with zeros.

    The same as RandomCrop(image size, padding=max_shift): the size is taken from each image.
    """

    def __init__(self, max_shift: int = 2) -> None:
        super().__init__(0, padding=max_shift)

    def __call__(self, x: Any) -> np.ndarray:
        self.size = _chw(x, "RandomShift").shape[1:]
        return super().__call__(x)

    def __repr__(self) -> str:
        return f"RandomShift(max_shift={self.padding})"


class RandomHorizontalFlip:
    """Mirror the image left-right with probability p (not for digits: a flipped 2 is no 2)."""

    def __init__(self, p: float = 0.5) -> None:
        if not 0 <= p <= 1:
            raise ValueError(f"RandomHorizontalFlip: p must be in [0, 1], got {p}")
        self.p = p

    def __call__(self, x: Any) -> np.ndarray:
        x = _chw(x, "RandomHorizontalFlip")
        return x[:, :, ::-1] if default_generator().random() < self.p else x

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"
