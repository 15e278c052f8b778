"""Padding: pad, with constant, reflect and replicate modes as in PyTorch."""

from __future__ import annotations

from collections.abc import Sequence

from ..autograd import composite
from ..tensor import Tensor
from ._checks import _tensor


@composite("pad")
def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    r"""Pad the last dimensions: pad = (left, right, top, bottom, ...) as in PyTorch.

    mode 'constant' fills with `value`; 'reflect' mirrors the border without repeating
    the edge (1 2 3 -> 3 2 | 1 2 3 | 2 1); 'replicate' repeats the edge element.
    """
    x = _tensor(input, "pad")
    if mode == "constant":
        return x.pad(pad, value)
    if mode not in ("reflect", "replicate"):
        raise ValueError(f"pad: mode must be 'constant', 'reflect' or 'replicate', got {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: expected pairs of widths for at most {x.ndim} dims, got {pad}")
    from ..tensor import cat

    for k in range(len(pad) // 2):
        dim = x.ndim - 1 - k
        lo, hi = int(pad[2 * k]), int(pad[2 * k + 1])
        size = x.shape[dim]
        if mode == "reflect" and (lo >= size or hi >= size):
            raise ValueError(
                f"pad: reflect padding ({lo}, {hi}) must be smaller than the size {size} of "
                f"dim {dim} (input shape {x.shape})"
            )
        if mode == "reflect":  # mirror without the edge: x[lo], ..., x[1] | x | x[-2], ...
            parts = [_take(x, dim, lo, 0, -1), x, _take(x, dim, size - 2, size - 2 - hi, -1)]
        else:  # repeat the edge element
            parts = [_repeat_edge(x, dim, 0, lo), x, _repeat_edge(x, dim, size - 1, hi)]
        parts = [part for part in parts if part is not None]
        x = cat(parts, dim) if len(parts) > 1 else x
    return x


def _take(x: Tensor, dim: int, start: int, stop: int, step: int) -> Tensor | None:
    """x[..., start:stop:step] along `dim` (stop -1 means "past index 0"), None if empty."""
    if start == stop:
        return None
    index = (slice(None),) * dim + (slice(start, stop if stop >= 0 else None, step),)
    return x[index]


def _repeat_edge(x: Tensor, dim: int, at: int, width: int) -> Tensor | None:
    if width == 0:
        return None
    shape = x.shape[:dim] + (width,) + x.shape[dim + 1 :]
    return _take(x, dim, at, at + 1, 1).expand(*shape)
