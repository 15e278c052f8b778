r"""Pooling layers: summarise each window of every channel by its maximum or its mean.

x (N, C, H, W) -> (N, C, OH, OW) with OH = floor((H + 2P - D*(KH-1) - 1) / S) + 1 (ceil with
ceil_mode=True); the stride S defaults to the kernel size (windows that do not overlap).
No parameters. Each layer calls the function of the same name in `minigrad.functional`.
"""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..tensor import Tensor
from .module import Module

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]

IntPair = int | tuple[int, int]


def _check_input(layer: Module, x: Any) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{layer!r}: expected a Tensor input, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(
            f"{layer!r}: expected input of shape (N, C, H, W), got shape {x.shape}"
            + (" (add a batch axis: x.unsqueeze(0))" if x.ndim == 3 else "")
        )


class MaxPool2d(Module):
    r"""out[n, c, h, w] = max of the KH x KW window at (S*h, S*w) of the padded input.

    Padding is with -inf, so a padded cell never wins. The gradient flows only to the
    element that was the maximum of each window.
    """

    def __init__(
        self,
        kernel_size: IntPair,
        stride: IntPair | None = None,
        padding: IntPair = 0,
        dilation: IntPair = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        if return_indices:
            raise NotImplementedError(
                "MaxPool2d: return_indices=True is not supported (minigrad has no MaxUnpool2d)"
            )
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, x: Tensor) -> Tensor:
        _check_input(self, x)
        return F.max_pool2d(
            x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    r"""out[n, c, h, w] = mean of the KH x KW window at (S*h, S*w) of the zero-padded input.

    With count_include_pad=False, padded zeros do not count in the divisor.
    """

    def __init__(
        self,
        kernel_size: IntPair,
        stride: IntPair | None = None,
        padding: IntPair = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: Tensor) -> Tensor:
        _check_input(self, x)
        return F.avg_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    r"""Average pooling to a fixed output size, whatever the input size.

    `AdaptiveAvgPool2d(1)` is *global average pooling*: one mean per channel, (N, C, 1, 1).
    """

    def __init__(self, output_size: int | tuple[int | None, int | None]) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        _check_input(self, x)
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
