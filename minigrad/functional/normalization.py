"""Normalisation and dropout: batch_norm (with the running statistics), dropout, and
local_response_norm (AlexNet's normalisation across channels)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import recording
from ..factory import default_generator
from ..recording import composite
from ..shapes import as_bool, as_float
from ..tensor import Tensor
from ._checks import _check_float, _tensor
from ._constants import constant, describe


@composite("batch_norm")
def batch_norm(
    input: Tensor,
    running_mean: Tensor | np.ndarray | None,
    running_var: Tensor | np.ndarray | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    r"""Normalise each channel to mean 0 and variance 1, then scale and shift.

    y = (x - mean) / sqrt(var + eps) * weight + bias, per channel (axis 1), for input
    (N, C), (N, C, L) or (N, C, H, W). In training the mean and the *biased* variance
    come from this batch, and the running statistics are updated in place as PyTorch does:

        running_mean = (1 - momentum) running_mean + momentum mean
        running_var  = (1 - momentum) running_var  + momentum var * n / (n - 1)   (unbiased)

    In evaluation the running statistics are used instead. The gradient (through the
    batch mean and variance too) is derived by the engine.
    """
    x = _tensor(input, "batch_norm")
    _check_float("batch_norm", x)
    if x.ndim < 2:
        raise ValueError(
            f"batch_norm: expected input (N, C), (N, C, L) or (N, C, H, W), got shape {x.shape}"
        )
    training = as_bool(training, "batch_norm", "training")
    eps = as_float(eps, "batch_norm", "eps", low=0.0, low_open=training)  # > 0 in training
    if momentum is not None:
        momentum = as_float(momentum, "batch_norm", "momentum", low=0.0, high=1.0)
    c = x.shape[1]
    shape = (1, c) + (1,) * (x.ndim - 2)  # broadcasts a per-channel vector over the input
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):  # fmt: skip
        shape_t = None if t is None else tuple(np.shape(t.numpy() if isinstance(t, Tensor) else t))
        if shape_t is not None and shape_t != (c,):
            raise ValueError(
                f"batch_norm: {name} has shape {shape_t}, expected "
                f"({c},): one number per channel of input shape {x.shape}"
            )
    dims = (0,) + tuple(range(2, x.ndim))
    if x.numel() == 0:  # nothing to normalise (PyTorch returns the empty input, stats untouched)
        return x + 0.0
    if training:
        count = x.numel() // c
        if count <= 1:
            raise ValueError(
                f"batch_norm: training needs more than one value per channel to estimate a "
                f"variance, got input shape {x.shape}; use a larger batch or eval mode"
            )
        if momentum is None:
            raise ValueError(
                "batch_norm: momentum=None (a cumulative average) needs the number of batches "
                "seen, which nn.BatchNorm keeps; pass a number such as 0.1 here"
            )
        mean = x.mean(dims, keepdim=True)
        centred = x - mean
        var = (centred**2).mean(dims, keepdim=True)  # biased: divides by n
        with recording.no_grad():
            if running_mean is not None:
                _blend(running_mean, mean.numpy().reshape(c), momentum)
            if running_var is not None:
                _blend(running_var, var.numpy().reshape(c) * (count / (count - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "batch_norm: evaluation (training=False) needs running_mean and running_var; "
                "pass them, or training=True to use the batch statistics"
            )
        mean = _as_constant(running_mean, x.dtype, shape, "running mean")
        var = _as_constant(running_var, x.dtype, shape, "running variance")
        centred = x - mean
    # (1, C, 1, 1): small, so the big tensor is touched once
    scale = (var + constant(eps, x.dtype, "eps")) ** -0.5
    describe(scale, "1 / sqrt(running variance + eps)")  # eval mode: a constant too
    if weight is not None:
        scale = scale * _tensor(weight, "batch_norm", "weight").reshape(shape)
    y = centred * scale
    if bias is not None:
        y = y + _tensor(bias, "batch_norm", "bias").reshape(shape)
    return y


def _blend(running: Any, batch: np.ndarray, momentum: float) -> None:
    """running <- (1 - momentum) running + momentum batch, in place (Tensor or ndarray)."""
    arr = running.numpy() if isinstance(running, Tensor) else running
    arr *= 1.0 - momentum
    arr += (momentum * batch).astype(arr.dtype, copy=False)


def _as_constant(x: Any, dtype: Any, shape: tuple, name: str) -> Tensor:
    arr = x.numpy() if isinstance(x, Tensor) else np.asarray(x)
    return constant(arr.reshape(shape), dtype, name)


@composite("dropout")
def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    r"""Zero each element with probability p and scale the rest by 1/(1 - p) (inverted dropout).

    The expected value of every element is unchanged, so evaluation (training=False)
    is the identity. Random numbers come from mg.default_generator() (mg.manual_seed).
    """
    x = _tensor(input, "dropout")
    p = as_float(p, "dropout", "p (a probability)", low=0.0, high=1.0)
    training = as_bool(training, "dropout", "training")
    if not training or p == 0.0:
        return x
    _check_float("dropout", x)
    if p == 1.0:
        return x * 0.0
    draw_dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float64
    keep = default_generator().random(x.shape, dtype=draw_dtype) >= p
    mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - p))
    return x * constant(mask, x.dtype, f"dropout mask (0 or 1/(1 - {p:g}))")


@composite("local_response_norm")
def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    r"""Divide each value by a power of the energy of its neighbouring channels (LRN).

        b[n, c, ...] = a[n, c, ...] / (k + alpha / size * sum_{c'} a[n, c', ...]^2) ** beta

    over the `size` channels c' = c - size//2 .. c + (size-1)//2, zeros past the edges
    (PyTorch's definition: alpha is divided by size; the AlexNet paper's formula is not, so
    its alpha = 1e-4 with n = 5 is alpha = 5e-4 here). Input (N, C, ...) with at least 3
    dimensions; output of the same shape. A sliding sum of squares along the channel axis,
    then a power and a division: the gradient is derived.
    """
    x = _tensor(input, "local_response_norm")
    _check_float("local_response_norm", x)
    if x.ndim < 3:
        raise ValueError(
            f"local_response_norm: expected input (N, C, ...) with at least 3 dimensions, got "
            f"shape {x.shape}; for a batch of feature vectors add an axis: x.unsqueeze(-1)"
        )
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"local_response_norm: size must be an int >= 1, got {size!r}")
    c = x.shape[1]
    before, after = size // 2, (size - 1) // 2
    squares = (x * x).pad((0, 0) * (x.ndim - 2) + (before, after))  # zeros past the edges
    energy = squares[:, 0:c]
    for i in range(1, size):  # a sliding sum over the channel axis: `size` shifted slices
        energy = energy + squares[:, i : i + c]
    return x / (k + (alpha / size) * energy) ** beta
