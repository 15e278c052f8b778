r"""Batch normalization (Ioffe & Szegedy, 2015) as layers with running statistics.

While training, each channel is normalised with the mean and (biased) variance of the
current batch, and exponential running averages are kept (the variance one unbiased):

    y = (x - mean_B) / sqrt(var_B + eps) * weight + bias
    running = (1 - momentum) * running + momentum * batch statistic

In eval mode the running averages replace the batch statistics, so one example's output no
longer depends on the rest of its batch. Buffers (saved in state_dict with PyTorch's names):
running_mean, running_var, num_batches_tracked. `momentum=None` gives a plain cumulative
average over all batches seen.

`LocalResponseNorm` (at the end) is the normalisation batch norm replaced: each value divided
by the energy of its neighbouring channels, with no statistics and no parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functional as F
from ..recording import no_grad
from ..tensor import Tensor
from .module import Module, Parameter, filled, layer_dtype

__all__ = ["BatchNorm1d", "BatchNorm2d", "LocalResponseNorm"]


class _BatchNorm(Module):
    _shapes = ""  # the accepted input layouts, for messages
    _optional_buffers = ("num_batches_tracked",)  # PyTorch < 0.4.1 did not save it

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if isinstance(num_features, bool) or not isinstance(num_features, (int, np.integer)):
            raise TypeError(f"{type(self).__name__}: num_features must be an int")
        if num_features < 1:
            raise ValueError(f"{type(self).__name__}: num_features must be >= 1")
        dtype = layer_dtype(type(self).__name__, dtype, device)
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(filled((num_features,), 1.0, dtype))
            self.bias = Parameter(filled((num_features,), 0.0, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", filled((num_features,), 0.0, dtype))
            self.register_buffer("running_var", filled((num_features,), 1.0, dtype))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            with no_grad():
                self.weight.fill_(1)
                self.bias.zero_()

    def _check_input(self, x: Any) -> None:
        name = f"{type(self).__name__}({self.num_features})"
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}: expected a Tensor input, got {type(x).__name__}")
        if x.ndim not in self._ndims:
            raise ValueError(f"{name}: expected input of shape {self._shapes}, got {x.shape}")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"{name}: input has {x.shape[1]} channels (dim 1 of shape {x.shape}), "
                f"expected {self.num_features}; num_features must equal the channels of the "
                "layer before"
            )
        if self.training and x.size(0) * int(np.prod(x.shape[2:])) <= 1:
            raise ValueError(
                f"{name}: in training mode each channel needs more than 1 value to compute "
                f"a variance, got input of shape {x.shape}; use a batch larger than 1 or "
                "call model.eval()"
            )

    def forward(self, x: Tensor) -> Tensor:
        self._check_input(x)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative average: weight 1/n for the n-th batch
                factor = 1.0 / float(self.num_batches_tracked)
        use_batch_stats = self.training or self.running_mean is None
        # Running statistics are updated only while training and tracking them.
        track = not self.training or self.track_running_stats
        running = (self.running_mean, self.running_var) if track else (None, None)
        return F.batch_norm(x, *running, self.weight, self.bias, use_batch_stats, factor, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch norm over (N, C) or (N, C, L) inputs: statistics per feature C."""

    _ndims = (2, 3)
    _shapes = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch norm over (N, C, H, W) feature maps: statistics per channel, over N, H and W."""

    _ndims = (4,)
    _shapes = "(N, C, H, W)"


class LocalResponseNorm(Module):
    r"""Local response normalisation across channels (AlexNet, 2012; GoogLeNet, 2014).

    b[c] = a[c] / (k + alpha / size * sum of a[c']^2 over the `size` channels around c) ** beta

    at every position, as `F.local_response_norm` (PyTorch's definition; the AlexNet paper
    writes alpha without the division by size). No parameters. A strongly active channel
    damps its neighbours ("lateral inhibition"); batch norm replaced it from 2015 on.
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
        super().__init__()
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"LocalResponseNorm: size must be an int >= 1, got {size!r}")
        self.size, self.alpha, self.beta, self.k = int(size), alpha, beta, k

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise TypeError(f"LocalResponseNorm: expected a Tensor input, got {type(x).__name__}")
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
