r"""Lazy layers: `LazyLinear(10)` learns its input size from the first batch it sees.

d2l's newer chapters build every CNN this way: `nn.LazyConv2d(96, kernel_size=11)` gives
only the output channels; the input channels (and so the weight's shape) come from the
first forward pass. Until then the weights are `UninitializedParameter`s, placeholders
that know their dtype but have no shape: asking for their shape, values or size raises an
error saying so. At the first forward each lazy layer

    1. reads the size it needs from the input (x.shape[-1] for Linear, x.shape[1] for the
       others),
    2. creates its parameters in place (the same Parameter objects: an optimizer made
       before the first forward keeps working) and initialises them as the plain layer
       does,
    3. becomes the plain layer (`type(layer) is nn.Linear` from then on, as in PyTorch).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..device import check_cpu
from ..tensor import Tensor
from .conv import Conv2d
from .linear import Linear
from .module import Module, Parameter
from .normalization import BatchNorm1d, BatchNorm2d

__all__ = [
    "UninitializedParameter",
    "UninitializedBuffer",
    "LazyLinear",
    "LazyConv2d",
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "has_uninitialized_params",
]


class _NoShapeYet:
    """Stands in for the array of a parameter whose shape is not known yet: it has a dtype,
    and touching anything else raises a clear error."""

    def __init__(self, dtype: np.dtype, owner: str) -> None:
        self.dtype = dtype
        self.owner = owner

    def _fail(self) -> RuntimeError:
        return RuntimeError(
            f"this parameter of {self.owner} has no shape or values yet: a lazy layer creates "
            "its parameters at its first forward pass, from the size of the input. Run the "
            "model once on an input (model(x)) before using its parameters"
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise self._fail()

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise self._fail()

    def __len__(self) -> int:
        raise self._fail()


class UninitializedParameter(Parameter):
    """A parameter whose shape is decided later (lazy layers); `materialize` gives it one.

    >>> p = UninitializedParameter()
    >>> p
    <UninitializedParameter>
    >>> p.materialize((2, 3)); type(p).__name__, p.shape
    ('Parameter', (2, 3))
    """

    __slots__ = ()

    def __init__(self, requires_grad: bool = True, dtype: Any = None, owner: str = "a layer"):
        dtype = np.dtype(dtype or np.float32)
        super().__init__(np.empty((0,), dtype), requires_grad=requires_grad)
        self._data = _NoShapeYet(dtype, owner)

    def materialize(self, shape: tuple[int, ...], dtype: Any = None) -> None:
        """Create the array (zeros of `shape`) in place; this object becomes a Parameter."""
        self._data = np.zeros(shape, np.dtype(dtype or self._data.dtype))
        self.__class__ = Parameter

    def numpy(self) -> np.ndarray:
        raise self._data._fail()

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class UninitializedBuffer(Tensor):
    """A buffer (running statistics) whose shape is decided at the first forward pass."""

    __slots__ = ()

    def __init__(self, dtype: Any = None, owner: str = "a layer") -> None:
        super().__init__(np.empty((0,), np.dtype(dtype or np.float32)))
        self._data = _NoShapeYet(np.dtype(dtype or np.float32), owner)

    def materialize(self, shape: tuple[int, ...], dtype: Any = None) -> None:
        self._data = np.zeros(shape, np.dtype(dtype or self._data.dtype))
        self.__class__ = Tensor

    def numpy(self) -> np.ndarray:
        raise self._data._fail()

    def __repr__(self) -> str:
        return "<UninitializedBuffer>"


def has_uninitialized_params(module: Module) -> bool:
    """True while some lazy layer inside `module` has not seen an input yet."""
    tensors = list(module.parameters()) + list(module.buffers())
    return any(isinstance(t, (UninitializedParameter, UninitializedBuffer)) for t in tensors)


def _input(layer: str, x: Any, ndims: tuple[int, ...], layout: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{layer}: expected a Tensor input, got {type(x).__name__}")
    if x.ndim not in ndims:
        raise ValueError(
            f"{layer}: expected input of shape {layout}, got shape {x.shape}; the first input "
            "decides the size of the layer's parameters"
        )
    return x


class _LazyWeights:
    """What LazyLinear and LazyConv2d share: placeholders for weight and bias until the first
    input, then the parameters made in place and the layer turned into the plain one."""

    def _placeholders(self, bias: bool, dtype: Any) -> None:
        self.weight = UninitializedParameter(dtype=dtype, owner=type(self).__name__)
        if bias:
            self.bias = UninitializedParameter(dtype=dtype, owner=type(self).__name__)

    def reset_parameters(self) -> None:
        if not isinstance(self.weight, UninitializedParameter):
            super().reset_parameters()

    def _become(self, plain: type, weight_shape: tuple[int, ...], bias_size: int) -> None:
        self.weight.materialize(weight_shape)
        if self.bias is not None:
            self.bias.materialize((bias_size,))
        self.__class__ = plain
        self.reset_parameters()


class LazyLinear(_LazyWeights, Linear):
    """`Linear(in_features, out_features)` with in_features taken from the first input's last
    dimension. Becomes a `Linear` at the first forward pass."""

    def __init__(
        self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        check_cpu(device, "LazyLinear")
        Linear.__init__(self, 1, out_features, bias=bias, dtype=dtype)  # 1 stands in
        self.in_features = 0
        self._placeholders(bias, dtype)

    def forward(self, x: Tensor) -> Tensor:
        x = _input(f"LazyLinear({self.out_features})", x, tuple(range(1, 64)), "(..., in)")
        self.in_features = x.shape[-1]
        self._become(Linear, (self.out_features, self.in_features), self.out_features)
        return self.forward(x)


class LazyConv2d(_LazyWeights, Conv2d):
    """`Conv2d(in_channels, out_channels, ...)` with in_channels taken from the first input
    (N, C, H, W) or (C, H, W). Becomes a `Conv2d` at the first forward pass."""

    def __init__(
        self,
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
        check_cpu(device, "LazyConv2d")
        # Conv2d checks every argument; `groups` input channels stand in until the first input
        Conv2d.__init__(
            self,
            groups if isinstance(groups, int) and groups > 0 else 1,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            dtype=dtype,
        )
        self.in_channels = 0
        self._placeholders(bias, dtype)

    def forward(self, x: Tensor) -> Tensor:
        x = _input(f"LazyConv2d({self.out_channels})", x, (3, 4), "(N, C, H, W) or (C, H, W)")
        channels = x.shape[-3]
        if channels % self.groups:
            raise ValueError(
                f"LazyConv2d({self.out_channels}): the input has {channels} channels, which "
                f"groups={self.groups} does not divide"
            )
        self.in_channels = channels
        shape = (self.out_channels, channels // self.groups, *self.kernel_size)
        self._become(Conv2d, shape, self.out_channels)
        return self.forward(x)


class _LazyBatchNorm:
    """What LazyBatchNorm1d and 2d share: num_features comes from x.shape[1]; `_plain` is
    the layer each becomes on its first input."""

    _plain: type

    def __init__(
        self,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        name = type(self).__name__
        check_cpu(device, name)
        self._plain.__init__(self, 1, eps, momentum, affine, track_running_stats, dtype=dtype)
        self.num_features = 0
        if self.affine:
            self.weight = UninitializedParameter(dtype=dtype, owner=name)
            self.bias = UninitializedParameter(dtype=dtype, owner=name)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(dtype, name)
            self.running_var = UninitializedBuffer(dtype, name)

    def forward(self, x: Tensor) -> Tensor:
        plain = self._plain
        x = _input(f"{type(self).__name__}()", x, plain._ndims, plain._shapes)
        c = x.shape[1]
        self.num_features = c
        for t in (self.weight, self.bias, self.running_mean, self.running_var):
            if t is not None:
                t.materialize((c,))
        self.__class__ = plain
        self.reset_parameters()
        return self.forward(x)


class LazyBatchNorm1d(_LazyBatchNorm, BatchNorm1d):
    """`BatchNorm1d(num_features)` with num_features taken from the first input (N, C[, L])."""

    _plain = BatchNorm1d


class LazyBatchNorm2d(_LazyBatchNorm, BatchNorm2d):
    """`BatchNorm2d(num_features)` with num_features taken from the first input (N, C, H, W)."""

    _plain = BatchNorm2d
