"""The one random-number generator minigrad draws from (randn, dropout, init, normal_, ...).

It lives in a module of its own, below the tensor engine, so that both `Tensor.normal_`
and the factory functions (`mg.randn`, `mg.manual_seed`) can use it.
"""

from __future__ import annotations

import numpy as np


class _RNG:
    generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed minigrad's random numbers (randn, rand, dropout, initialisation, shuffling)."""
    _RNG.generator = np.random.default_rng(seed)
    return _RNG.generator


def default_generator() -> np.random.Generator:
    """The generator every random function in minigrad draws from."""
    return _RNG.generator
