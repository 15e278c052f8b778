r"""Gradient clipping: limit the size of a step when a gradient explodes.

    total = (sum over parameters of ||g||_p^p)^(1/p)        (p = inf: the largest |g|)
    if total > max_norm:  every g *= max_norm / (total + 1e-6)

The direction of the update is kept; only its length is capped.

`skip_init` (building a module without drawing its weights, init.py) is here too, where
PyTorch has it: nn.utils.skip_init.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..recording import no_grad
from ..tensor import Tensor
from .init import skip_init

__all__ = ["clip_grad_norm_", "clip_grad_value_", "skip_init"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so their joint `norm_type`-norm is at most `max_norm`,
    in place. Returns the norm before clipping (a 0-d tensor), useful to log."""
    grads = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return Tensor(0.0)
    dtype = grads[0].dtype
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g.numpy()))) if g.numel() else 0.0 for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g.numpy().astype(np.float64)) ** norm_type)) for g in grads)
        total = total ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}, "
            "so they cannot be clipped; a loss or a weight has become infinite or NaN. Lower "
            "the learning rate, or pass error_if_nonfinite=False to go on anyway"
        )
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        with no_grad():
            for g in grads:
                g.mul_(coef)
    return Tensor(total, dtype=dtype)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element to [-clip_value, clip_value], in place."""
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)
