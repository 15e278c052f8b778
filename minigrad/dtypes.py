"""dtype names, PyTorch's spellings of numpy dtypes: `mg.float` is float32, `mg.long` int64.

minigrad's dtypes *are* numpy dtypes, so `x.dtype == mg.float32` and `x.dtype == np.float32`
both hold. PyTorch's short names map as PyTorch maps them: float = float32, double = float64,
half = float16, long = int64, int = int32, short = int16, bool = bool.
"""

import numpy as np

from .tensor import bool_, float16, float32, float64, int32, int64, uint8

int8 = np.dtype("int8")
int16 = np.dtype("int16")

# PyTorch's short names (they shadow Python's builtins only inside the minigrad namespace)
float = float32
double = float64
half = float16
long = int64
int = int32
short = int16
bool = bool_

__all__ = [
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool_",
    "float",
    "double",
    "half",
    "long",
    "int",
    "short",
    "bool",
]
