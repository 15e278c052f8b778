"""minigrad: automatic differentiation from scratch, for learning how CNNs are trained.

import minigrad as mg
a = mg.Value(2.0); b = mg.Value(-3.0)            # the scalar engine
x = mg.tensor([[1.0, 2.0]], requires_grad=True)  # the tensor engine
"""

from . import autograd, data, functional, models, nn, optim, tensor_functions, train, utils, viz
from .device import (
    accelerator,
    backends,
    cuda,
    device,
    get_default_device,
    set_default_device,
)

# PyTorch's names that are also Python builtins: attributes (mg.max, mg.float), re-exported
# explicitly ("as"), and kept out of __all__ below so that `import *` leaves the builtins alone.
from .dtypes import bool as bool
from .dtypes import double, half, int8, int16, short
from .dtypes import float as float
from .dtypes import int as int
from .factory import (
    arange,
    as_tensor,
    default_generator,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    manual_seed,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .recording import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .scalar import Value
from .serialization import load, save
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
from .tensor_functions import *  # noqa: F403  (its __all__, without the builtins' names)
from .tensor_functions import abs as abs
from .tensor_functions import max as max
from .tensor_functions import min as min
from .tensor_functions import pow as pow
from .tensor_functions import sum as sum

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
    "functional",
    "viz",
    "nn",
    "models",
    "save",
    "load",
    "data",
    "optim",
    "train",
    "utils",
    # PyTorch's surface (docs/coming-from-pytorch.md)
    "device",
    "cuda",
    "accelerator",
    "backends",
    "get_default_device",
    "set_default_device",
    "double",
    "half",
    "int8",
    "int16",
    "short",
    "linspace",
    "empty",
    "empty_like",
    "randperm",
    "normal",
    "from_numpy",
    "as_tensor",
]
__all__ += tensor_functions.__all__
