"""The constants composed ops make (one-hot targets, masks, divisors, input windows), each
carrying a short description of what it is.

A constant is a tensor no gradient flows to. Pictures of a graph draw it as a dashed leaf,
and `tensor.name` is the only way a picture can say what it is: "input windows (no gradient
needed)" instead of "constant (25, 6272)". The description never changes the arithmetic.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..factory import from_numpy
from ..tensor import Tensor


def constant(value: Any, dtype: Any, name: str) -> Tensor:
    """`value` as a constant tensor of `dtype`, described as `name` (for pictures)."""
    t = from_numpy(np.asarray(value).astype(dtype, copy=False))
    t.name = name
    return t


def describe(t: Tensor, name: str) -> Tensor:
    """Describe `t` as `name` when it is a constant (a tensor on the gradient's path keeps
    its op's label); returns `t`."""
    if not t.requires_grad and not t.name:
        t.name = name
    return t
