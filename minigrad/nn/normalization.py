r"""Batch normalization (Ioffe & Szegedy, 2015) as layers with running statistics.

While training, each channel is normalised with the mean and (biased) variance of the
current batch, and exponential running averages are kept (the variance one unbiased):

    y = (x - mean_B) / sqrt(var_B + eps) * weight + bias
    running = (1 - momentum) * running + momentum * batch statistic

In eval mode the running averages replace the batch statistics, so one example's output no
longer depends on the rest of its batch. Buffers (saved in state_dict with PyTorch's names):
running_mean, running_var, num_batches_tracked. `momentum=None` gives a plain cumulative
average over all batches seen.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functional as F
from ..device import check_cpu
from ..tensor import Tensor
from .module import Module, Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d"]


class _BatchNorm(Module):
    _shapes = ""  # the accepted input layouts, for messages

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
        check_cpu(device, type(self).__name__)
        if isinstance(num_features, bool) or not isinstance(num_features, (int, np.integer)):
            raise TypeError(f"{type(self).__name__}: num_features must be an int")
        if num_features < 1:
            raise ValueError(f"{type(self).__name__}: num_features must be >= 1")
        dtype = np.dtype(dtype or np.float32)
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype))
            self.bias = Parameter(np.zeros(num_features, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.numpy()[...] = 0
            self.running_var.numpy()[...] = 1
            self.num_batches_tracked.numpy()[...] = 0

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            self.weight.numpy()[...] = 1
            self.bias.numpy()[...] = 0

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
            self.num_batches_tracked.numpy()[...] += 1
            if self.momentum is None:  # cumulative average: weight 1/n for the n-th batch
                factor = 1.0 / float(self.num_batches_tracked)
        use_batch_stats = self.training or self.running_mean is None
        # Running statistics are updated only while training and tracking them.
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            x,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight,
            self.bias,
            use_batch_stats,
            factor,
            self.eps,
        )

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
