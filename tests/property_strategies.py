"""Hypothesis strategies shared by the property-based comparisons with PyTorch.

Arrays are drawn as a seed plus a *kind* and filled by numpy (fast, and reproducible):

    normal     standard normal numbers
    ties       small integers: many equal values (ties in max, pooling, sorting)
    edges      normal numbers with NaN, +-inf, +-0.0 and +-1 sprinkled in
    positive   numbers in [0.5, 2] (inside the domain of log, sqrt, fractional powers)

Shapes include 0-d tensors, size-1 and zero-size dimensions. Settings are derandomized
and bounded so the default run is fast; MINIGRAD_PROPERTY_SCALE=10 multiplies every
example budget (make test-slow runs the programs test with a larger budget too).
"""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

SCALE = float(os.environ.get("MINIGRAD_PROPERTY_SCALE", "1"))
SPECIALS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0])
KINDS = ("normal", "normal", "ties", "edges", "positive")


def budget(examples: int, derandomize: bool = True) -> settings:
    """Hypothesis settings: `examples` (times MINIGRAD_PROPERTY_SCALE), no deadline."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        derandomize=derandomize,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )


def fill(seed: int, shape: tuple, dtype, kind: str) -> np.ndarray:
    """An array of `shape` and `dtype` filled according to `kind` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.asarray(rng.random(shape) < 0.5)
    if dtype.kind in "iu":
        low = 0 if dtype.kind == "u" else -3
        return np.asarray(rng.integers(low, 4 if kind != "edges" else 256, shape)).astype(dtype)
    if kind == "ties":
        a = rng.integers(-2, 3, shape).astype(np.float64)
    elif kind == "positive":
        a = rng.uniform(0.5, 2.0, shape)
    else:
        a = rng.standard_normal(shape)
        if kind == "edges":
            mask = rng.random(shape) < 0.3
            a[mask] = rng.choice(SPECIALS, int(mask.sum()))
    return np.asarray(a).astype(dtype)


FLOATS = st.sampled_from([np.float64, np.float64, np.float32])


@st.composite
def arrays(draw, shape, dtype=None, kinds=KINDS) -> np.ndarray:
    dtype = draw(FLOATS) if dtype is None else dtype
    kind = draw(st.sampled_from(kinds))
    return fill(draw(st.integers(0, 2**32 - 1)), tuple(shape), dtype, kind)


def shapes(min_dims=0, max_dims=3, min_side=0, max_side=3):
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


@st.composite
def dims_of(draw, ndim: int, allow_none=True, allow_tuple=True):
    """A `dim` argument for a tensor of `ndim` dimensions: None, an int or a tuple, negative
    or not. A 0-d tensor accepts 0 and -1 (as PyTorch does)."""
    n = max(ndim, 1)
    options = [st.integers(-n, n - 1)]
    if allow_none:
        options.append(st.none())
    if allow_tuple and ndim:
        options.append(
            st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(
                lambda ds: tuple(d - ndim if d % 2 else d for d in ds)
            )
        )
    return draw(st.one_of(*options))
