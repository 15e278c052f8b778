r"""Gradient clipping, and building a module without initialising it.

Clipping limits the size of a step when a gradient explodes:

    total = (sum over parameters of ||g||_p^p)^(1/p)        (p = inf: the largest |g|)
    if total > max_norm:  every g *= max_norm / (total + 1e-6)

The direction of the update is kept; only its length is capped.

`skip_init(build, *args)` builds a module whose values do not matter yet: for counting its
parameters or its multiply-accumulates, or before a checkpoint overwrites them all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..recording import no_grad
from ..tensor import Tensor
from . import init
from .module import Module

__all__ = ["clip_grad_norm_", "clip_grad_value_", "skip_init"]


def skip_init(module_cls: Callable[..., Module], *args: Any, **kwargs: Any) -> Module:
    """`module_cls(*args, **kwargs)` with every `nn.init` function switched off.

    The module has all its parameters and buffers, with their names, shapes and dtypes,
    but no random number is drawn: weights and biases stay zero (batch norm's scale and
    running variance one). Building VGG-19 this way costs a few milliseconds instead of
    drawing its 143 million weights, and its zeros take no memory until something reads
    or writes them (numpy asks the operating system for zeroed pages).

        vgg = nn.utils.skip_init(models.vgg19)      # a class or any function making a module
        nn.summary(vgg, (3, 224, 224)).total_macs    # shapes and MACs do not need the values

    As PyTorch's `torch.nn.utils.skip_init`, with two differences: PyTorch leaves the
    memory uninitialised (any values) where minigrad gives zeros, and takes only Module
    classes where minigrad takes any callable that returns a module.
    """
    if not callable(module_cls):
        raise TypeError(
            f"skip_init: module_cls must be a Module class or a function that returns a module "
            f"(e.g. nn.Linear or models.vgg19), got {type(module_cls).__name__}"
        )
    with init.skipped():
        module = module_cls(*args, **kwargs)
    if not isinstance(module, Module):
        name = getattr(module_cls, "__name__", repr(module_cls))
        raise TypeError(f"skip_init: {name}(...) returned a {type(module).__name__}, not a Module")
    return module


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
