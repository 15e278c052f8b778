"""minigrad: automatic differentiation from scratch, for learning how CNNs are trained.

import minigrad as mg
a = mg.Value(2.0); b = mg.Value(-3.0)            # the scalar engine
x = mg.tensor([[1.0, 2.0]], requires_grad=True)  # the tensor engine
"""

from . import autograd, viz
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .factory import (
    arange,
    default_generator,
    eye,
    full,
    full_like,
    manual_seed,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .scalar import Value
from .tensor import (
    Tensor,
    as_dtype,
    bool_,
    cat,
    concat,
    concatenate,
    float16,
    float32,
    float64,
    grad,
    int32,
    int64,
    long,
    matmul,
    maximum,
    minimum,
    split,
    stack,
    uint8,
    where,
)

__version__ = "0.1.0"

__all__ = [
    "Tensor",
    "Value",
    "tensor",
    "zeros",
    "ones",
    "full",
    "arange",
    "eye",
    "randn",
    "rand",
    "randint",
    "zeros_like",
    "ones_like",
    "full_like",
    "randn_like",
    "rand_like",
    "manual_seed",
    "default_generator",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "GradcheckError",
    "matmul",
    "where",
    "cat",
    "concat",
    "concatenate",
    "stack",
    "split",
    "maximum",
    "minimum",
    "as_dtype",
    "float16",
    "float32",
    "float64",
    "int32",
    "int64",
    "long",
    "uint8",
    "bool_",
    "autograd",
    "viz",
]
