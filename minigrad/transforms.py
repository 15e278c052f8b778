"""Transforms for augmentation: callables on one image x of shape (C, H, W).

They take an ndarray (a Tensor is accepted) and return an ndarray; datasets apply them one
sample at a time (`TensorDataset(x, y, transform=...)`, `MNIST(root, transform=...)`).
Random ones draw from minigrad's generator, so `mg.manual_seed` makes them repeatable.

    augment = Compose([RandomShift(2), Normalize(0.5, 0.5)])
    augment = Compose([RandomRotation(10), RandomScale((0.9, 1.1)), RandomBrightness(0.2)])
    augment = augmentation("rotate=10,scale=0.1,brightness=0.2")   # the same, from text

Rotation and scaling move every pixel about the image's centre and read the image back
with bilinear interpolation (`affine`), in numpy; what comes in from outside the image is
zeros. Brightness multiplies the whole image by a random factor. The last four are what
`minigrad train --augment` offers.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .factory import default_generator
from .tensor import Tensor

__all__ = [
    "Compose",
    "Normalize",
    "RandomCrop",
    "RandomShift",
    "RandomHorizontalFlip",
    "RandomRotation",
    "RandomScale",
    "RandomBrightness",
    "affine",
    "augmentation",
    "AUGMENTATIONS",
]


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
        return self._crop(_chw(x, type(self).__name__), self.size)

    def _crop(self, x: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        p = self.padding
        (OH, OW), (H, W) = size, x.shape[1:]
        if OH > H + 2 * p or OW > W + 2 * p:
            raise ValueError(
                f"{type(self).__name__}: crop size {tuple(size)} is larger than the padded "
                f"image ({H + 2 * p}, {W + 2 * p}); lower the size or raise the padding"
            )
        rng = default_generator()
        i, j = int(rng.integers(0, H + 2 * p - OH + 1)), int(rng.integers(0, W + 2 * p - OW + 1))
        if not p:
            return x[:, i : i + OH, j : j + OW]
        # The window starts at (i, j) of the padded image, which is (i - p, j - p) of x. Only
        # the part of x inside the window is copied: the padded image is never built, since
        # np.pad on one small image costs ten times the copy (it ran for each image drawn).
        top, left = i - p, j - p
        r0, r1 = max(top, 0), min(top + OH, H)  # rows of x that fall inside the window
        c0, c1 = max(left, 0), min(left + OW, W)
        out = np.zeros((x.shape[0], OH, OW), dtype=x.dtype)
        if r0 < r1 and c0 < c1:
            out[:, r0 - top : r1 - top, c0 - left : c1 - left] = x[:, r0:r1, c0:c1]
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, padding={self.padding})"


class RandomShift(RandomCrop):
    """Move the image by up to `max_shift` pixels in each direction, filling with zeros.

    The same as RandomCrop(image size, padding=max_shift): the size is taken from each image.
    """

    def __init__(self, max_shift: int = 2) -> None:
        super().__init__(0, padding=max_shift)

    def __call__(self, x: Any) -> np.ndarray:
        x = _chw(x, "RandomShift")
        return self._crop(x, x.shape[1:])

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


def affine(x: Any, matrix: Any, fill: float = 0.0) -> np.ndarray:
    r"""Move every pixel of the image x (C, H, W) by the 2x2 `matrix` about the centre.

    The output pixel at p (row, column, relative to the centre ((H-1)/2, (W-1)/2)) takes the
    input's value at matrix^-1 p, interpolated bilinearly between the four pixels around it;
    points outside the image read `fill`. Rotation by a and scaling by s are the matrices

        [[cos a, -sin a], [sin a, cos a]]  (counter-clockwise on screen)      [[s, 0], [0, s]]

    Returns float32 (float64 stays float64), the same shape as x.
    """
    x = _chw(x, "affine")
    m = np.asarray(matrix, dtype=np.float64)
    if m.shape != (2, 2) or not np.isfinite(m).all() or abs(np.linalg.det(m)) < 1e-12:
        raise ValueError(f"affine: matrix must be an invertible 2x2 array, got {matrix!r}")
    dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float32
    c, h, w = x.shape
    rows, cols = _centred_grid(h, w)
    inverse = np.linalg.inv(m).astype(dtype)
    src_r = inverse[0, 0] * rows + inverse[0, 1] * cols + dtype.type((h - 1) / 2)
    src_c = inverse[1, 0] * rows + inverse[1, 1] * cols + dtype.type((w - 1) / 2)
    # one pixel of `fill` around the image, so that every lookup stays inside the array
    padded = np.pad(x.astype(dtype, copy=False), ((0, 0), (1, 1), (1, 1)), constant_values=fill)
    flat = padded.reshape(c, -1)
    r0, c0 = np.floor(src_r), np.floor(src_c)
    wr, wc = src_r - r0, src_c - c0
    # the four neighbours, as rows and columns of the padded image; a neighbour outside the
    # image is moved onto the border of fill, so that far-away points read only fill
    r1, c1 = (np.clip(v + 1, -1, n).astype(np.intp) + 1 for v, n in ((r0, h), (c0, w)))
    r0, c0 = (np.clip(v, -1, n).astype(np.intp) + 1 for v, n in ((r0, h), (c0, w)))
    stride = w + 2  # the padded image's row length

    def at(r: np.ndarray, col: np.ndarray) -> np.ndarray:
        return flat.take(r * stride + col, axis=1)

    top = at(r0, c0) * (1 - wc) + at(r0, c1) * wc
    bottom = at(r1, c0) * (1 - wc) + at(r1, c1) * wc
    return (top * (1 - wr) + bottom * wr).astype(dtype, copy=False)


@functools.lru_cache(maxsize=16)
def _centred_grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every pixel, relative to the image's centre ((h-1)/2, (w-1)/2)."""
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    rows -= (h - 1) / 2
    cols -= (w - 1) / 2
    rows.flags.writeable = cols.flags.writeable = False
    return rows, cols


def _range(value: float | Sequence[float], name: str, centre: float = 0.0) -> tuple[float, float]:
    """A number v as the range (centre - v, centre + v); a pair (lo, hi) as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{name}: expected a number >= 0 or a pair (lo, hi), got {value}")
        return centre - float(value), centre + float(value)
    lo, hi = (float(v) for v in value)
    if lo > hi:
        raise ValueError(f"{name}: the range ({lo}, {hi}) is empty; give (lo, hi) with lo <= hi")
    return lo, hi


class RandomRotation:
    """Rotate by an angle drawn from U(-degrees, degrees) (or U(lo, hi) for a pair), about the
    centre, counter-clockwise for positive angles; corners come in as zeros."""

    def __init__(self, degrees: float | Sequence[float]) -> None:
        self.degrees = _range(degrees, "RandomRotation")

    def __call__(self, x: Any) -> np.ndarray:
        angle = math.radians(default_generator().uniform(*self.degrees))
        c, s = math.cos(angle), math.sin(angle)
        # (row, column) with rows pointing down: counter-clockwise on screen
        return affine(x, [[c, -s], [s, c]])

    def __repr__(self) -> str:
        return f"RandomRotation(degrees={self.degrees})"


class RandomScale:
    """Zoom about the centre by a factor drawn from U(lo, hi) (> 1 enlarges; what leaves the
    frame is cut, what is missing comes in as zeros). A number s means (1 - s, 1 + s)."""

    def __init__(self, scale: float | Sequence[float] = (0.9, 1.1)) -> None:
        self.scale = _range(scale, "RandomScale", centre=1.0)
        if self.scale[0] <= 0:
            raise ValueError(f"RandomScale: factors must be > 0, got the range {self.scale}")

    def __call__(self, x: Any) -> np.ndarray:
        factor = default_generator().uniform(*self.scale)
        return affine(x, [[factor, 0.0], [0.0, factor]])

    def __repr__(self) -> str:
        return f"RandomScale(scale={self.scale})"


class RandomBrightness:
    """Multiply the image by a factor drawn from U(1 - b, 1 + b) (or U(lo, hi) for a pair),
    then clip to `clip` = (low, high) if given (images in [0, 1]: clip=(0, 1))."""

    def __init__(
        self, brightness: float | Sequence[float] = 0.2, clip: Sequence[float] | None = None
    ) -> None:
        self.factors = _range(brightness, "RandomBrightness", centre=1.0)
        if self.factors[0] < 0:
            raise ValueError(f"RandomBrightness: factors must be >= 0, got {self.factors}")
        self.clip = None if clip is None else (float(clip[0]), float(clip[1]))

    def __call__(self, x: Any) -> np.ndarray:
        x = _chw(x, "RandomBrightness")
        dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float32
        out = x.astype(dtype) * dtype.type(default_generator().uniform(*self.factors))
        if self.clip is not None:
            np.clip(out, *self.clip, out=out)
        return out

    def __repr__(self) -> str:
        return f"RandomBrightness(factors={self.factors}, clip={self.clip})"


# name -> (how to build it from an amount, the default amount, what the amount means)
AUGMENTATIONS: dict[str, tuple[Callable[[float], Callable], float, str]] = {
    "shift": (lambda a: RandomShift(int(a)), 2, "pixels, in each direction"),
    "rotate": (lambda a: RandomRotation(a), 10, "degrees, either way"),
    "scale": (lambda a: RandomScale(a), 0.1, "zoom factor within 1 +- amount"),
    "brightness": (lambda a: RandomBrightness(a, clip=(0.0, 1.0)), 0.2, "factor 1 +- amount"),
}


def augmentation(spec: str) -> Compose:
    """The transforms named in `spec`, in its order: "rotate,scale" or "rotate=15,shift=3".

    Names: shift (pixels), rotate (degrees), scale (1 +- amount), brightness (1 +- amount,
    clipped to [0, 1]); a name alone takes its default amount (AUGMENTATIONS).

    >>> augmentation("rotate=15,brightness")
    Compose([RandomRotation(degrees=(-15.0, 15.0)), RandomBrightness(factors=(0.8, 1.2), clip=(0.0, 1.0))])
    """  # noqa: E501
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(
            f"augmentation: expected names such as 'rotate,scale,brightness', got {spec!r}"
        )
    steps, seen = [], set()
    for item in spec.split(","):
        name, _, amount = item.strip().partition("=")
        name = name.strip().lower()
        if name not in AUGMENTATIONS:
            close = difflib.get_close_matches(name, list(AUGMENTATIONS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            choices = ", ".join(
                f"{n} (amount: {m}, default {d})" for n, (_, d, m) in AUGMENTATIONS.items()
            )
            raise ValueError(
                f"augmentation: unknown augmentation {name!r} in {spec!r}{hint}; choose from "
                + choices
            )
        if name in seen:
            raise ValueError(f"augmentation: {name!r} is named twice in {spec!r}")
        seen.add(name)
        build, default, _ = AUGMENTATIONS[name]
        try:
            value = float(amount) if amount.strip() else float(default)
        except ValueError:
            raise ValueError(
                f"augmentation: the amount of {name!r} must be a number, got {amount!r}"
            ) from None
        if not (math.isfinite(value) and value >= 0) or (name == "shift" and value != int(value)):
            raise ValueError(
                f"augmentation: the amount of {name!r} must be a "
                + ("whole number of pixels" if name == "shift" else "number")
                + f" >= 0, got {amount!r}"
            )
        steps.append(build(value))
    return Compose(steps)
