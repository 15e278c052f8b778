"""The unit every Inception network is built of: a convolution, batch norm or not, a ReLU.

    BasicConv2d(c, o, k)                      conv (with bias) -> ReLU        GoogLeNet, 2014
    BasicConv2d(c, o, k, batch_norm=True)     conv (no bias) -> BN -> ReLU    Inception v2 on

With batch norm right after it, a convolution's bias is redundant (BN subtracts the mean
and adds its own shift), so it is dropped; `bias=True` keeps it, as the BN-Inception model
released in Caffe did. State-dict keys are torchvision's: "conv.weight", "bn.running_mean".
Kernels, strides and paddings may be pairs, for the factorised 1 x n and n x 1 convolutions.
"""

from __future__ import annotations

from .. import nn
from ..tensor import Tensor

__all__ = ["BasicConv2d", "conv"]


class BasicConv2d(nn.Module):
    """Convolution, optional batch norm (eps 0.001 as in the TensorFlow models), ReLU."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        batch_norm: bool = False,
        eps: float = 1e-3,
        bias: bool | None = None,
    ) -> None:
        super().__init__()
        bias = not batch_norm if bias is None else bias
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=bias)
        self.bn = nn.BatchNorm2d(out_channels, eps=eps) if batch_norm else None
        self.relu = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        return self.relu(x)


def conv(c: int, o: int, k: int | tuple[int, int], stride: int = 1, padding=0) -> BasicConv2d:
    """conv (no bias) -> BN (eps 0.001) -> ReLU: the unit of Inception v3, v4 and -ResNet."""
    return BasicConv2d(c, o, k, stride, padding, batch_norm=True)
