"""Padding: pad, with constant, reflect, replicate and circular modes as in PyTorch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..recording import composite
from ..shapes import as_pad_widths
from ..tensor import Tensor
from ._checks import _tensor

MODES = ("constant", "reflect", "replicate", "circular")


@composite("pad")
def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    r"""Pad the last dimensions: pad = (left, right, top, bottom, ...) as in PyTorch.

    mode 'constant' fills with `value`; 'reflect' mirrors the border without repeating
    the edge (1 2 3 -> 3 2 | 1 2 3 | 2 1); 'replicate' repeats the edge element (1 1 | 1 2
    3 | 3 3); 'circular' wraps around (2 3 | 1 2 3 | 1 2). A negative width removes that
    many elements first. Each mode is a selection of input elements (an index per output
    position along each padded dim), so the gradient adds up where an element is repeated.
    """
    x = _tensor(input, "pad")
    if mode not in MODES:
        raise ValueError(f"pad: mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}")
    if mode == "constant":
        return x.pad(pad, value)
    widths = as_pad_widths(pad, x.ndim, "pad")
    padded = [d for d, w in enumerate(widths) if w != (0, 0)]
    if padded and 0 in x.shape[1:]:
        raise ValueError(f"pad: mode {mode!r} needs non-empty dims, got input shape {x.shape}")
    # every dim the widths cover (a (0, 0) pair too) empty: nothing left, as PyTorch says;
    # some of them empty is an empty result
    covered = range(x.ndim - len(pad) // 2, x.ndim)
    sizes = [x.shape[d] + sum(widths[d]) for d in covered]
    if mode != "circular" and padded and max(sizes) < 1:
        raise ValueError(
            f"pad: {mode} widths {tuple(pad)} leave no element of input shape {x.shape}"
        )
    for d in padded:
        lo, hi = widths[d]
        index = _SOURCES[mode](x.shape[d], lo, hi, d, x.shape)
        x = x[(slice(None),) * d + (index,)]
    return x


def _reflect(n: int, lo: int, hi: int, d: int, shape: tuple) -> np.ndarray:
    """Input index of each output position: mirrored at the edges, the edge not repeated."""
    if lo >= n or hi >= n:
        raise ValueError(
            f"pad: reflect widths ({lo}, {hi}) must be smaller than the size {n} of dim {d} "
            f"(input shape {shape})"
        )
    j = np.abs(np.arange(_out_size(n, lo, hi, d, shape, "reflect")) - lo)
    return np.where(j > n - 1, 2 * (n - 1) - j, j)


def _replicate(n: int, lo: int, hi: int, d: int, shape: tuple) -> np.ndarray:
    """Input index of each output position: the nearest edge element outside the input."""
    return np.clip(np.arange(_out_size(n, lo, hi, d, shape, "replicate")) - lo, 0, n - 1)


def _circular(n: int, lo: int, hi: int, d: int, shape: tuple) -> np.ndarray:
    """Input index of each output position: negative widths remove elements first (PyTorch
    does so), then the kept elements wrap around, at most once on each side."""
    start, stop = max(-lo, 0), n - max(-hi, 0)
    kept = stop - start
    if n + lo + hi == 0 and max(lo, hi) <= n:  # nothing left: an empty dim, as in PyTorch
        return np.arange(0)
    if kept < 0 or max(lo, 0) > kept or max(hi, 0) > kept:
        raise ValueError(
            f"pad: circular widths ({lo}, {hi}) wrap around more than once: dim {d} keeps "
            f"{max(kept, 0)} of its {n} elements (input shape {shape}); each width may be at "
            "most the number of elements kept"
        )
    if kept == 0:
        return np.arange(0)
    return start + (np.arange(-max(lo, 0), kept + max(hi, 0)) % kept)


def _out_size(n: int, lo: int, hi: int, d: int, shape: tuple, mode: str) -> int:
    if n + lo + hi < 0:
        raise ValueError(
            f"pad: {mode} widths ({lo}, {hi}) remove more than the {n} elements of dim {d} "
            f"(input shape {shape})"
        )
    return n + lo + hi


_SOURCES = {"reflect": _reflect, "replicate": _replicate, "circular": _circular}
