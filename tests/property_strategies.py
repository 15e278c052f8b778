"""Hypothesis strategies shared by the property-based comparisons with PyTorch.

Arrays are drawn as a seed plus a *kind* and filled by numpy (fast, and reproducible):

    normal     standard normal numbers
    ties       small integers: many equal values (ties in max, pooling, sorting)
    edges      normal numbers with NaN, +-inf, +-0.0 and +-1 sprinkled in
    positive   numbers in [0.5, 2] (inside the domain of log, sqrt, fractional powers)

Shapes include 0-d tensors, size-1 and zero-size dimensions. Each property states its
budget of examples; the hypothesis profile (registered in conftest.py) scales it: the default
run ("quick") tries half of each budget, derandomized, so every property runs, fast and the
same way every time; "thorough" (make test-slow, or MINIGRAD_HYPOTHESIS_PROFILE=thorough) tries
ten times each budget with fresh random examples. Deadlines are off in both.
"""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

PROFILES = {"quick": (0.5, True), "thorough": (10.0, False)}  # (scale, derandomize)
PROFILE = os.environ.get("MINIGRAD_HYPOTHESIS_PROFILE", "quick")
if PROFILE not in PROFILES:
    raise ValueError(
        f"MINIGRAD_HYPOTHESIS_PROFILE must be one of {sorted(PROFILES)}, got {PROFILE!r}"
    )
SCALE, DERANDOMIZE = PROFILES[PROFILE]
SPECIALS = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0])
KINDS = ("normal", "normal", "ties", "edges", "positive")


def register_profiles() -> None:
    """The two hypothesis profiles, the one named by MINIGRAD_HYPOTHESIS_PROFILE loaded (the
    settings of every @given without a budget: tests of other files)."""
    for name, (scale, derandomize) in PROFILES.items():
        settings.register_profile(
            name,
            max_examples=max(1, round(100 * scale)),
            deadline=None,
            derandomize=derandomize,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            database=None,
        )
    settings.load_profile(PROFILE)


def budget(examples: int, derandomize: bool | None = None) -> settings:
    """Hypothesis settings for a property worth `examples` examples, scaled by the profile."""
    return settings(
        max_examples=max(1, round(examples * SCALE)),
        deadline=None,
        derandomize=DERANDOMIZE if derandomize is None else derandomize,
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
