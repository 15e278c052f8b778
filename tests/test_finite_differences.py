"""One finite-difference routine, `gradcheck.central_differences`, serves gradcheck (both
engines) and the per-node check of the pictures (viz/health.py)."""

from __future__ import annotations

import ast
import importlib

import numpy as np
import pytest

import minigrad as mg
from minigrad.gradcheck import central_differences
from minigrad.viz import health

gradcheck_module = importlib.import_module("minigrad.gradcheck")  # mg.gradcheck is the function


def test_central_differences_of_a_known_function():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    numeric = central_differences(lambda: float(np.sin(x).sum() + (x**3).sum()), x)
    np.testing.assert_allclose(numeric, np.cos(x) + 3 * x**2, rtol=1e-7)
    assert numeric.shape == x.shape


def test_central_differences_restores_x_and_perturbs_a_strided_view_in_place():
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    view = base.T  # not contiguous: reshape(-1) would copy, perturbing nothing
    before = base.copy()
    numeric = central_differences(lambda: float((base**2).sum()), view)
    np.testing.assert_allclose(numeric, 2 * view, rtol=1e-6)
    np.testing.assert_array_equal(base, before)


def test_central_differences_at_chosen_elements_only():
    x = np.linspace(-1.0, 1.0, 5)
    calls = []

    def f() -> float:
        calls.append(1)
        return float(np.exp(x).sum())

    numeric = central_differences(f, x, at=[(0,), (3,)])
    np.testing.assert_allclose(numeric, np.exp(x[[0, 3]]), rtol=1e-7)
    assert len(calls) == 4  # two evaluations per element, nothing else


def test_central_differences_refuses_a_read_only_array():
    x = np.broadcast_to(np.ones(1), (3,))
    with pytest.raises(ValueError, match="read-only"):
        central_differences(lambda: 0.0, x)


def test_gradcheck_and_health_call_the_one_routine(monkeypatch):
    seen = []
    real = central_differences

    def spy(f, x, eps=1e-6, at=None):
        seen.append(x.shape)
        return real(f, x, eps, at)

    monkeypatch.setattr(gradcheck_module, "central_differences", spy)
    monkeypatch.setattr(health, "central_differences", spy)
    x = mg.tensor([[1.0, 2.0, 3.0]], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda t: (t * t).sum(), [x])
    assert mg.gradcheck(lambda a, b: a * b + b, [2.0, -3.0])
    y = (x.tanh() * 2.0).sum()
    errors = health.gradcheck_errors([y, *[p for p in y.grad_fn.inputs]])
    assert errors and max(errors.values()) < 1e-5
    assert seen[:2] == [(1, 3), (2,)] and len(seen) >= 3


def test_health_flags_a_wrong_backward():
    class Wrong(mg.autograd.Function):
        def forward(self, x):
            return x * 2.0

        def backward(self, grad):
            return grad * 3.0  # should be 2

    x = mg.tensor([1.0, -2.0], requires_grad=True)
    y = Wrong.apply(x)
    assert health.op_error(y) == pytest.approx(1 / 3, rel=1e-5)


def test_no_other_module_writes_its_own_central_difference(package_source):
    """A second copy of the loop would show as `(hi - lo)`-style code: two evaluations
    divided by 2 eps. Only central_differences has it."""
    hits = []
    for rel, path in package_source.modules():
        if rel.startswith("exercises/"):  # learners write their own (that is the exercise)
            continue
        for node in package_source.nodes(path):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                text = ast.unparse(node.right).replace(" ", "")
                if text in ("2*eps", "2*EPS", "(2*eps)", "(2*EPS)"):
                    hits.append(rel)
    assert hits == ["gradcheck.py"]
