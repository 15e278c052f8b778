"""Shared test helpers. PyTorch is an oracle only: tests that need it skip without it.

Every test that uses PyTorch gets the `torch` marker automatically (so `-m "not torch"`
runs the rest): those that ask for the `torch` fixture, and those in a module that imports
torch or the oracle in tests/torch_oracle.py (assert_matches_torch).
"""

from __future__ import annotations

import gc
import os
import re
import types

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # plots render without a display
# No transparent huge pages for numpy's large arrays, in the test processes and the
# processes they start, as in the `minigrad` command's (minigrad/cli/process.py says why):
# here a first touch of the zoo's large weights cost seconds of kernel time with them
# (the AlexNet and VGG-16 tests of test_models_zoo.py: 4-6 s of system time, 0.7 s without).
# The variable reaches every process started from here; numpy's switch (pytest_configure)
# turns them off in the test processes themselves, where numpy is already imported.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")


def pytest_configure(config):
    """In each process that runs tests: huge pages as the variable above says, malloc kept
    as the `minigrad` command keeps it (freed memory reused, not handed back and faulted in
    again page by page: the model tests free and allocate hundreds of megabytes), and the
    hypothesis profiles ("quick" by default, "thorough" under make test-slow), loaded before
    the test modules are imported (@given takes the default settings then). Not in the
    pytest-xdist controller, which runs no test and need not import minigrad or hypothesis."""
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        return
    from minigrad.cli.process import HUGE_PAGE_VARIABLE, tune_malloc, use_huge_pages

    use_huge_pages(os.environ[HUGE_PAGE_VARIABLE] != "0")
    tune_malloc()
    from property_strategies import register_profiles

    register_profiles()


def pytest_collection_finish(session):
    """Everything imported and collected so far (numpy, torch, hypothesis, the test items:
    a few hundred thousand objects) lives until the end: move it out of the cyclic garbage
    collector's sight (gc.freeze), so that its full collections during the tests, and the
    interpreter's at exit, do not walk it again each time. Objects made later are collected
    as usual."""
    gc.collect()
    gc.freeze()


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


@pytest.fixture(scope="session")
def package_source():
    """The package's modules, each parsed once per test process (tests/package_source.py),
    for the tests that read the code instead of running it."""
    import package_source

    return package_source


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Put the `torch` marker on every test that uses PyTorch (before -m deselects by
    markers); then, once the list is final, start the long tests first (see below)."""
    torch_modules: dict = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module not in torch_modules:
            torch_modules[module] = _imports_torch(module)
        if "torch" in getattr(item, "fixturenames", ()) or torch_modules.get(module, False):
            item.add_marker(pytest.mark.torch)
    yield  # -m and -k deselect here
    _long_tests_first(items, _worksteal_workers(config))


def _imports_torch(module: types.ModuleType) -> bool:
    for value in vars(module).values():
        if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] == "torch":
            return True
        if getattr(value, "__module__", None) == "torch_oracle":
            return True
    return False


# --------------------------------------------------------------------------------------------
# Long tests first, spread over the workers
#
# With two workers, a test of ten seconds started last keeps one core busy while the other
# idles. So the tests known to take seconds start first, dealt to the workers by cost (the
# most expensive to the least loaded), and the rest follow in the order collected. make test
# runs pytest-xdist with --dist worksteal (pyproject.toml): worker k of n first gets the next
# len(pending) // (n - k) tests of this order, and a worker that runs out takes half of what
# another has left, from its end: the short tests. Every worker computes the same order from
# the same collection, as pytest-xdist requires.

LESSON_RUN = "tests/test_lessons.py::test_lesson_runs_in_quick_mode"
# Tests that share what a worker sets up once run in the same worker: the browser tests (one
# Chromium, a session fixture) with the book's (its build is a module fixture of
# test_book.py, and one of its tests uses Chromium); the tests reading the package's source
# (one parse, the package_source fixture).
BOOK = "tests/test_book.py::"
BROWSER_SECONDS = 10.0  # the book's kernel runs, Chromium's start and the page checks
SOURCE_SECONDS = 1.0


def _lesson_seconds(item) -> float:
    """A lesson's quick run: later lessons train bigger networks (a rough guess, in seconds;
    only the order it gives matters)."""
    number = re.search(r"\[(\d+)_", item.nodeid)
    return float(number.group(1)) if number else 1.0


def _long_units(items) -> list[tuple[float, list]]:
    """(rough seconds, tests that run one after the other in one worker) for the long tests."""
    browser = [i for i in items if i.nodeid.startswith(BOOK) or "chromium" in _fixtures(i)]
    source = [i for i in items if "package_source" in _fixtures(i)]
    units = [
        (seconds, unit)
        for seconds, unit in [(BROWSER_SECONDS, browser), (SOURCE_SECONDS, source)]
        if unit
    ]
    for item in items:
        if item.nodeid.startswith(LESSON_RUN):
            units.append((_lesson_seconds(item), [item]))
        elif "lesson_processes" in _fixtures(item):  # the module's process server, reused
            units.append((1.0, [item]))
    return units


def _fixtures(item) -> tuple:
    return tuple(getattr(item, "fixturenames", ()))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist, in the controller: tell each worker how the tests are handed out."""
    node.workerinput["dist"] = node.config.getoption("dist")


def _worksteal_workers(config) -> int:
    """The number of workers --dist worksteal splits the tests between; 1 otherwise (one
    process, or --dist load, which hands the first tests out first in any case)."""
    workerinput = getattr(config, "workerinput", None)
    if not workerinput or workerinput.get("dist") != "worksteal":
        return 1
    return int(workerinput["workercount"])


def _long_tests_first(items: list, workers: int) -> None:
    """Reorder `items` in place: each of the `workers` first shares (as --dist worksteal cuts
    them) starts with its part of the long tests, then the rest in the order collected."""
    units = sorted(_long_units(items), key=lambda unit: -unit[0])  # stable: ties keep order
    if not units:
        return
    heads: list[list] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for seconds, unit in units:
        k = loads.index(min(loads))
        heads[k] += unit
        loads[k] += seconds
    placed = {id(item) for _, unit in units for item in unit}
    rest = [item for item in items if id(item) not in placed]
    order, pending = [], len(items)
    for k, head in enumerate(heads):
        # one module after the other (a module fixture is set up once), costliest first
        rank: dict = {}
        for item in head:
            rank.setdefault(item.path, len(rank))
        head.sort(key=lambda item: rank[item.path])
        share = pending // (workers - k)  # what pytest-xdist's worksteal gives worker k
        pending -= share
        fill = max(0, share - len(head)) if k < workers - 1 else len(rest)
        order += head + rest[:fill]
        rest = rest[fill:]
    items[:] = order
