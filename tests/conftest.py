"""Shared test helpers. PyTorch is an oracle only: tests that need it skip without it.

Every test that uses PyTorch gets the `torch` marker automatically (so `-m "not torch"`
runs the rest): those that ask for the `torch` fixture, and those in a module that imports
torch or the oracle in tests/torch_oracle.py (assert_matches_torch).
"""

from __future__ import annotations

import os
import types

import numpy as np
import pytest
from property_strategies import register_profiles

os.environ.setdefault("MPLBACKEND", "Agg")  # plots render without a display
register_profiles()  # hypothesis: "quick" by default, "thorough" under make test-slow


def torch_or_skip():
    """Import torch (double precision, one thread per test process) or skip the test."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e .[test])")
    torch.set_default_dtype(torch.float64)
    if torch.get_num_threads() != 1:  # two test processes share two cores
        torch.set_num_threads(1)
    return torch


@pytest.fixture
def torch():
    t = torch_or_skip()
    yield t
    t.set_default_dtype(t.float32)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every browser test of the session (or skip, saying why)."""
    from browser import start_chromium, why_no_browser

    reason = why_no_browser()
    if reason:
        pytest.skip(reason)
    with start_chromium() as driver:
        yield driver


@pytest.fixture(autouse=True)
def _blank_page_after_a_browser_test(request):
    """After each test that used the browser, leave its page: a page left open (the explorer's
    stepper playing, say) would keep the shared browser busy for the rest of the session."""
    yield
    if "chromium" in request.fixturenames:
        request.getfixturevalue("chromium").get("about:blank")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


LONGEST_FIRST = "test_lessons.py::test_lesson_runs_in_quick_mode"


def pytest_collection_modifyitems(config, items):
    """Put the `torch` marker on every test that uses PyTorch, and the lessons' quick runs
    first, the later (longer) lessons first: with two workers, the longest tests started
    last would decide the wall time."""
    lesson_runs = sorted(
        (item for item in items if LONGEST_FIRST in item.nodeid),
        key=lambda item: item.nodeid,
        reverse=True,
    )
    if lesson_runs:
        items[:] = lesson_runs + [item for item in items if LONGEST_FIRST not in item.nodeid]
    torch_modules: dict = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module not in torch_modules:
            torch_modules[module] = _imports_torch(module)
        if "torch" in getattr(item, "fixturenames", ()) or torch_modules.get(module, False):
            item.add_marker(pytest.mark.torch)


def _imports_torch(module: types.ModuleType) -> bool:
    for value in vars(module).values():
        if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] == "torch":
            return True
        if getattr(value, "__module__", None) == "torch_oracle":
            return True
    return False
