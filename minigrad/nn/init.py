r"""Weight initialisation: fill a tensor in place with values of a chosen scale.

Why the scale matters: a layer with fan_in inputs sums fan_in products, so with weights of
variance v its outputs have variance about fan_in * v times its inputs'. Keeping that
factor near 1 (times a *gain* that makes up for what the activation removes) keeps signals
and gradients from vanishing or exploding through many layers.

    xavier (Glorot & Bengio, 2010):  std = gain * sqrt(2 / (fan_in + fan_out))
    kaiming (He et al., 2015):       std = gain / sqrt(fan)      (fan = fan_in or fan_out)
    a uniform U(-b, b) has std b / sqrt(3), so its bound is b = sqrt(3) * std.

For a weight of shape (C_out, C_in, KH, KW): fan_in = C_in * KH * KW, fan_out = C_out * KH * KW.
PyTorch's layers use kaiming_uniform_(w, a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
and so do minigrad's. Every function draws from `mg.default_generator()` (`mg.manual_seed`).

Random values are drawn directly in the tensor's own dtype, into its own memory: a float32
weight gets float32 samples, with no float64 array in between. That halves the random bits
to make and the memory to touch, so VGG-19's 143 million weights are filled in well under a
second. The streams are reproducible (the same seed gives the same weights), but they
changed once, when this was introduced: weights drawn for float32 layers with a given seed
differ from those of earlier minigrad versions (float64 tensors draw the same values as
before).

`skip_init(cls, *args)` builds a module without drawing anything (PyTorch's
torch.nn.utils.skip_init): for a model whose values will be loaded, or that is only counted
and inspected.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import inplace
from ..factory import default_generator
from ..recording import no_grad
from ..tensor import Tensor
from .module import Module

__all__ = [
    "calculate_gain",
    "uniform_",
    "normal_",
    "zeros_",
    "ones_",
    "constant_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "xavier_uniform_",
    "xavier_normal_",
    "skip_init",
]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose2d", "sigmoid", "identity")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The factor that keeps the variance of a layer's output after `nonlinearity`.

    linear/conv/sigmoid: 1;  tanh: 5/3;  relu: sqrt(2);  leaky_relu(a): sqrt(2 / (1 + a^2));
    selu: 3/4.
    """
    if nonlinearity in _LINEAR:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; choose one of "
        f"{', '.join(_LINEAR + ('tanh', 'relu', 'leaky_relu', 'selu'))}"
    )


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """fan_in = size(1) * receptive field, fan_out = size(0) * receptive field."""
    if tensor.ndim < 2:
        raise ValueError(
            f"init: fan in and fan out need a tensor with at least 2 dimensions (a weight of "
            f"shape (out, in, ...)); got shape {tensor.shape}. Use uniform_ or zeros_ instead"
        )
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _to_write(tensor: Any) -> bool:
    """Check what an init function was given; False inside skip_init, where the values stay
    as allocated."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init: expected a Tensor or Parameter, got {type(tensor).__name__}")
    return not _skipping


def _fill(tensor: Tensor, values: np.ndarray | float) -> Tensor:
    """Write into the tensor in place, in its dtype (no graph: initialisation is not learning)."""
    if not _to_write(tensor):
        return tensor
    with no_grad():
        return tensor.copy_(values)


def _draw(tensor: Tensor, generator: Any, kind: str, scale: float, shift: float) -> Tensor:
    """Fill the tensor in place with shift + scale * U(0, 1) or N(0, 1), in its own dtype.

    numpy draws float32 and float64 natively (`out=` writes straight into the weights);
    any other dtype gets float64 samples, converted.
    """
    if not _to_write(tensor):
        return tensor
    rng, arr = default_generator() if generator is None else generator, tensor.numpy()
    draw = rng.random if kind == "uniform" else rng.standard_normal
    if arr.dtype in (np.float32, np.float64) and arr.flags.c_contiguous:
        draw(arr.shape, dtype=arr.dtype, out=arr)
    else:
        arr[...] = draw(arr.shape)
    inplace.count_write(tensor)  # an in-place change like any other: graphs that saved it see it
    arr *= scale  # in place: no temporary as large as the weights
    arr += shift
    return tensor


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Fill with samples of U(a, b), drawn in the tensor's dtype: a + (b - a) * U(0, 1)."""
    return _draw(tensor, generator, "uniform", b - a, a)


def normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Fill with samples of N(mean, std^2), drawn in the tensor's dtype: mean + std * N(0, 1)."""
    return _draw(tensor, generator, "normal", std, mean)


def constant_(tensor: Tensor, val: float) -> Tensor:
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 1.0)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    r"""He initialisation, uniform: U(-b, b) with b = gain * sqrt(3 / fan).

    `a` is the negative slope of the leaky ReLU that follows (0: ReLU). PyTorch's default
    layer init is a = sqrt(5), which makes b = 1 / sqrt(fan_in).
    """
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    r"""He initialisation, normal: N(0, std^2) with std = gain / sqrt(fan)."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    r"""Glorot initialisation, uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    r"""Glorot initialisation, normal: std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _default_init(weight: Tensor, bias: Any) -> None:
    """PyTorch's default for Linear and Conv layers: weight U(+-1/sqrt(fan_in)), same bias."""
    if weight.numel() == 0:  # a layer with 0 inputs or outputs: nothing to draw
        return
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        uniform_(bias, -bound, bound)


_skipping = False  # True while skip_init builds a module


def skip_init(module_cls: Callable[..., Module], *args: Any, **kwargs: Any) -> Module:
    """`module_cls(*args, **kwargs)` built without drawing initial values (PyTorch's
    torch.nn.utils.skip_init): parameters stay as allocated, zeros (batch norm's scale and
    running variance: ones), and the random stream does not move.

    For a model about to receive its values (`load_state_dict`), or one that is only counted
    and inspected: VGG-16's 138 million draws take a second or more, and zeros are far
    cheaper to make (the memory is allocated all the same). `module_cls` is a Module class
    or any function that builds one (`models.vgg16`). Layers made later (a lazy layer's
    first call) draw as usual.
    """
    global _skipping
    if not callable(module_cls):
        raise TypeError(
            "skip_init: expected a Module class or a function that builds one, "
            f"got {type(module_cls).__name__}"
        )
    previous, _skipping = _skipping, True
    try:
        module = module_cls(*args, **kwargs)
    finally:
        _skipping = previous
    if not isinstance(module, Module):
        name = getattr(module_cls, "__name__", repr(module_cls))
        raise TypeError(f"skip_init: {name} returned {type(module).__name__}, not an nn.Module")
    return module
