"""Shared test helpers. PyTorch is an oracle only: tests that need it skip without it."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # plots render without a display


def torch_or_skip():
    """Import torch (double precision, threads matched to numpy) or skip the test."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e .[test])")
    torch.set_default_dtype(torch.float64)
    return torch


@pytest.fixture
def torch():
    t = torch_or_skip()
    yield t
    t.set_default_dtype(t.float32)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
