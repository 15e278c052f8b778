"""The affine map of a fully connected layer: linear, y = x @ w^T + b."""

from __future__ import annotations

from ..recording import composite
from ..tensor import Tensor
from ._checks import _check_same_dtype, _tensor


@composite("linear")
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    r"""y = x @ w^T + b:  input (*, in_features), weight (out, in), bias (out,) -> (*, out)."""
    x = _tensor(input, "linear")
    w = _tensor(weight, "linear", "weight")
    if w.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got {w.shape}")
    if x.ndim == 0 or x.shape[-1] != w.shape[1]:
        raise ValueError(
            f"linear: input has {x.shape[-1] if x.ndim else 0} features (shape {x.shape}), "
            f"weight expects {w.shape[1]} (weight shape {w.shape}, i.e. (out, in)); "
            "flatten the input first (x.flatten(1)) or fix in_features"
        )
    _check_same_dtype("linear", x, w, "weight")
    y = x @ w.T
    if bias is not None:
        b = _tensor(bias, "linear", "bias")
        if b.shape != (w.shape[0],):
            raise ValueError(f"linear: bias has shape {b.shape}, expected ({w.shape[0]},)")
        y = y + b
    return y
