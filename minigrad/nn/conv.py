r"""`Conv2d`: a learned bank of filters slid over an image (F.conv2d does the work), and
`ConvTranspose2d`, its adjoint, which scatters every pixel back through the filters
(F.conv_transpose2d).

Shapes: x (N, C_in, H, W), weight (C_out, C_in / groups, KH, KW), bias (C_out,),
output (N, C_out, OH, OW) with OH = floor((H + 2P - D*(KH-1) - 1) / S) + 1 (same for OW).
ConvTranspose2d: weight (C_in, C_out / groups, KH, KW), OH = (H - 1) S - 2P + D (KH - 1)
+ output_padding + 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import functional as F
from ..shapes import as_pair
from ..tensor import Tensor
from . import init
from .module import Module, weight_and_bias

__all__ = ["Conv2d", "ConvTranspose2d"]


def _check_channels(name: str, in_channels: Any, out_channels: Any, groups: Any) -> None:
    counts = (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups))
    for what, n in counts:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name}: {what} must be a whole number >= 1, got {n!r}")
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must "
            f"both be divisible by groups ({groups})"
        )


def _label(layer: Module, kind: str) -> str:
    """How messages name the layer: Conv2d(1, 6, 5)."""
    k = layer.kernel_size
    return f"{kind}({layer.in_channels}, {layer.out_channels}, {k[0] if k[0] == k[1] else k})"


def _repr(layer: Module, *options: tuple[str, Any, Any]) -> str:
    """extra_repr: channels, kernel, stride, then each (name, value, default) option that is
    not its default."""
    s = (
        f"{layer.in_channels}, {layer.out_channels}, kernel_size={layer.kernel_size}, "
        f"stride={layer.stride}"
    )
    for what, value, default in (*options, ("groups", layer.groups, 1)):
        if value != default:
            s += f", {what}={value!r}"
    return s + (", bias=False" if layer.bias is None else "")


class Conv2d(Module):
    r"""2-D convolution (cross-correlation, as in every deep learning library).

    out[n, o] = bias[o] + sum over c, i, j of weight[o, c, i, j] * x_pad[n, c, S*h + D*i, S*w + D*j]

    `padding` is an int, a pair, 'valid' (no padding) or 'same' (output as large as the input;
    stride 1 only; an even kernel puts the extra row/column at the bottom/right, as PyTorch
    does). `groups` splits the channels into independent convolutions. Weights start as
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = C_in / groups * KH * KW (PyTorch's).

    >>> Conv2d(1, 6, 5)
    Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _check_channels("Conv2d", in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise NotImplementedError(
                f"Conv2d: padding_mode {padding_mode!r} is not supported; only 'zeros' is"
            )
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = as_pair(kernel_size, "Conv2d", "kernel_size", 1)
        self.stride = as_pair(stride, "Conv2d", "stride", 1)
        self.dilation = as_pair(dilation, "Conv2d", "dilation", 1)
        self.groups = int(groups)
        self.padding_mode = padding_mode
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Conv2d: padding must be an int, a pair, 'same' or 'valid', got {padding!r}"
                )
            if padding == "same" and self.stride != (1, 1):
                raise ValueError(
                    f"Conv2d: padding='same' needs stride 1 (got stride {self.stride}); with a "
                    "stride the output cannot be as large as the input. Give padding as a number"
                )
            self.padding: tuple[int, int] | str = padding
        else:
            self.padding = as_pair(padding, "Conv2d", "padding", 0)
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        weight_and_bias(self, "Conv2d", shape, self.out_channels if bias else None, dtype, device)

    def reset_parameters(self) -> None:
        init._default_init(self.weight, self.bias)

    def _name(self) -> str:
        return _label(self, "Conv2d")

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise TypeError(f"{self._name()}: expected a Tensor input, got {type(x).__name__}")
        unbatched = x.ndim == 3
        if unbatched:
            x = x.unsqueeze(0)
        if x.ndim != 4:
            raise ValueError(
                f"{self._name()}: expected input of shape (N, C, H, W) or (C, H, W), got "
                f"shape {x.shape}"
                + (" (add a channel axis: x.reshape(N, 1, H, W))" if x.ndim == 2 else "")
            )
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"{self._name()}: input has {x.shape[1]} channels, expected "
                f"{self.in_channels} (input shape (N, C, H, W) = {x.shape}); check the layer "
                "before, or the image layout (channels first, not (N, H, W, C))"
            )
        span = [d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation)]
        if isinstance(self.padding, str):  # 'same' pads each axis by span - 1 in all, 'valid' by 0
            added = [s - 1 if self.padding == "same" else 0 for s in span]
        else:
            added = [2 * p for p in self.padding]
        height, width = x.shape[2] + added[0], x.shape[3] + added[1]
        if span[0] > height or span[1] > width:
            raise ValueError(
                f"{self._name()}: the input is {x.shape[2]} x {x.shape[3]} (padded: {height} x "
                f"{width}), smaller than the kernel's span {span[0]} x {span[1]}; feed larger "
                "images, add padding, or remove a pooling layer before this one"
            )
        y = F.conv2d(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )
        return y.squeeze(0) if unbatched else y

    def extra_repr(self) -> str:
        return _repr(self, ("padding", self.padding, (0, 0)), ("dilation", self.dilation, (1, 1)))


class ConvTranspose2d(Module):
    r"""2-D transposed convolution: the adjoint of Conv2d, mapping a conv2d's output size back
    to its input size (decoders, segmentation, the generator of a GAN).

    Each input pixel adds a copy of the kernel, scaled by its value, onto the output, the
    copies `stride` pixels apart; `padding` rows and columns are cut off each side. Weight
    (C_in, C_out / groups, KH, KW), as PyTorch's; weights and bias start as
    U(-1/sqrt(k), 1/sqrt(k)) with k = C_out / groups * KH * KW (PyTorch's rule, which reads
    the weight's second axis as the fan-in). `forward(x, output_size=None)`: output_size
    (H, W), or (N, C, H, W), chooses among the sizes a strided conv2d maps onto x's size.

    >>> ConvTranspose2d(16, 8, 3, stride=2)
    ConvTranspose2d(16, 8, kernel_size=(3, 3), stride=(2, 2))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        output_padding: int | tuple[int, int] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | tuple[int, int] = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = "ConvTranspose2d"
        _check_channels(name, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(
                f"{name}: padding_mode must be 'zeros' (the only one a transposed convolution "
                f"has, as in PyTorch), got {padding_mode!r}"
            )
        if isinstance(padding, str):
            raise ValueError(
                f"{name}: padding must be an int or a pair, got {padding!r} ('same' and "
                "'valid' exist only for Conv2d)"
            )
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = as_pair(kernel_size, name, "kernel_size", 1)
        self.stride = as_pair(stride, name, "stride", 1)
        self.padding = as_pair(padding, name, "padding", 0)
        self.output_padding = as_pair(output_padding, name, "output_padding", 0)
        self.dilation = as_pair(dilation, name, "dilation", 1)
        self.groups = int(groups)
        self.padding_mode = padding_mode
        for e, s, d in zip(self.output_padding, self.stride, self.dilation):
            if e >= s and e >= d:
                raise ValueError(
                    f"{name}: output_padding {self.output_padding} must be smaller than the "
                    f"stride {self.stride} or the dilation {self.dilation}"
                )
        shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        weight_and_bias(self, name, shape, self.out_channels if bias else None, dtype, device)

    def reset_parameters(self) -> None:
        init._default_init(self.weight, self.bias)

    def _name(self) -> str:
        return _label(self, "ConvTranspose2d")

    def _output_padding(self, x: Tensor, output_size: Any) -> tuple[int, int]:
        """The output_padding that gives `output_size` (PyTorch's rule), or the layer's own."""
        if output_size is None:
            return self.output_padding
        size = tuple(int(v) for v in output_size)
        if len(size) == 4 or (len(size) == 3 and x.ndim == 3):
            size = size[-2:]
        if len(size) != 2:
            raise ValueError(
                f"{self._name()}: output_size must be (H, W) or the whole output shape, got "
                f"{tuple(output_size)}"
            )
        extra = []
        for axis, (want, n, k, s, p, d) in enumerate(
            zip(size, x.shape[-2:], self.kernel_size, self.stride, self.padding, self.dilation)
        ):
            smallest = (n - 1) * s - 2 * p + d * (k - 1) + 1
            if not smallest <= want <= smallest + s - 1:
                raise ValueError(
                    f"{self._name()}: output_size {size} is out of reach: for an input of "
                    f"{x.shape[-2]} x {x.shape[-1]} the {('height', 'width')[axis]} can be "
                    f"{smallest} to {smallest + s - 1}"
                )
            extra.append(want - smallest)
        return extra[0], extra[1]

    def forward(self, x: Tensor, output_size: Any = None) -> Tensor:
        if not isinstance(x, Tensor):
            raise TypeError(f"{self._name()}: expected a Tensor input, got {type(x).__name__}")
        if x.ndim not in (3, 4):
            raise ValueError(
                f"{self._name()}: expected input of shape (N, C, H, W) or (C, H, W), got "
                f"shape {x.shape}"
            )
        if x.shape[-3] != self.in_channels:
            raise ValueError(
                f"{self._name()}: input has {x.shape[-3]} channels, expected "
                f"{self.in_channels} (input shape {x.shape}); check the layer before"
            )
        extra = self._output_padding(x, output_size)
        unbatched = x.ndim == 3
        if unbatched:
            x = x.unsqueeze(0)
        y = F.conv_transpose2d(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            extra,
            self.groups,
            self.dilation,
        )
        return y.squeeze(0) if unbatched else y

    def extra_repr(self) -> str:
        return _repr(
            self,
            ("padding", self.padding, (0, 0)),
            ("output_padding", self.output_padding, (0, 0)),
            ("dilation", self.dilation, (1, 1)),
        )
