"""The scalar engine: every Value op against finite differences and PyTorch."""

from __future__ import annotations

import math
import sys

import pytest

import minigrad as mg
from minigrad import Value

# (name, function of Values, inputs inside the op's domain)
UNARY = [
    ("relu_pos", lambda a: a.relu(), 1.3),
    ("relu_neg", lambda a: a.relu(), -0.7),
    ("tanh", lambda a: a.tanh(), 0.4),
    ("exp", lambda a: a.exp(), 0.3),
    ("log", lambda a: a.log(), 1.7),
    ("sigmoid", lambda a: a.sigmoid(), -1.2),
    ("neg", lambda a: -a, 0.5),
    ("pow3", lambda a: a**3, -1.5),
    ("pow_half", lambda a: a**0.5, 2.0),
    ("pow_neg", lambda a: a**-2, 1.5),
    ("rpow", lambda a: 2.0**a, 0.7),
    ("radd", lambda a: 3.0 + a, 0.2),
    ("rsub", lambda a: 3.0 - a, 0.2),
    ("rmul", lambda a: 3.0 * a, 0.2),
    ("rdiv", lambda a: 3.0 / a, 0.8),
]
BINARY = [
    ("add", lambda a, b: a + b),
    ("sub", lambda a, b: a - b),
    ("mul", lambda a, b: a * b),
    ("div", lambda a, b: a / b),
    ("mixed", lambda a, b: (a * b + b**2).tanh() / (a.exp() + 1.0)),
]


@pytest.mark.parametrize("name,fn,x", UNARY, ids=[u[0] for u in UNARY])
def test_unary_op_gradient_matches_finite_differences(name, fn, x):
    assert mg.gradcheck(fn, [x])


@pytest.mark.parametrize("name,fn", BINARY, ids=[b[0] for b in BINARY])
def test_binary_op_gradient_matches_finite_differences(name, fn):
    assert mg.gradcheck(fn, [0.6, -1.4])


@pytest.mark.parametrize("name,fn,x", UNARY, ids=[u[0] for u in UNARY])
def test_unary_op_matches_torch(torch, name, fn, x):
    a = Value(x)
    out = fn(a)
    out.backward()
    ta = torch.tensor(x, requires_grad=True)
    tout = fn(ta)
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-12, abs=1e-12)
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name,fn", BINARY, ids=[b[0] for b in BINARY])
def test_binary_op_matches_torch(torch, name, fn):
    a, b = Value(0.6), Value(-1.4)
    out = fn(a, b)
    out.backward()
    ta = torch.tensor(0.6, requires_grad=True)
    tb = torch.tensor(-1.4, requires_grad=True)
    tout = fn(ta, tb)
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-12)
    assert (a.grad, b.grad) == pytest.approx((ta.grad.item(), tb.grad.item()), rel=1e-12)


def test_readme_example_values():
    a, b = Value(2.0), Value(-3.0)
    c = (a * b + b**2).relu()  # relu(-6 + 9) = 3
    c.backward()
    assert c.data == 3.0
    assert a.grad == -3.0  # dc/da = b
    assert b.grad == -4.0  # dc/db = a + 2b


def test_value_used_twice_accumulates():
    a = Value(3.0)
    b = a + a  # db/da = 2
    c = b + b  # dc/da = 4
    c.backward()
    assert a.grad == 4.0 and b.grad == 2.0


def test_diamond_graph_accumulates_both_paths():
    x = Value(0.5)
    left, right = x * 3.0, x.exp()
    out = left * right  # d/dx (3x e^x) = 3 e^x + 3x e^x
    out.backward()
    assert x.grad == pytest.approx(3 * math.exp(0.5) * (1 + 0.5))


def test_backward_twice_accumulates_like_micrograd():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 8.0  # 4 + 4: grads accumulate until reset


# 20,000 nodes are twenty times Python's recursion limit: a recursive walk would fail there
# already. The million-node chain (the depth the engine promises) runs under `slow`.
@pytest.mark.parametrize("length", [20_000, pytest.param(1_000_000, marks=pytest.mark.slow)])
def test_a_long_chain_backpropagates_without_recursion_error(length):
    assert length > 10 * sys.getrecursionlimit()
    x = Value(1.0)
    y = x
    for _ in range(length):
        y = y + 1e-6
    y.backward()
    assert x.grad == 1.0
    assert y.data == pytest.approx(1.0 + length * 1e-6)


def test_each_value_remembers_inputs_and_op():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    assert c._parents == (a, b) and c._op == "*"
    d = c.tanh()
    assert d._parents == (c,) and d._op == "tanh"


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


@pytest.mark.parametrize(
    "make,error,words",
    [
        (lambda: Value(0.0).log(), ValueError, "log needs a positive number"),
        (lambda: Value(-2.0).log(), ValueError, "log(-2.0)"),
        (lambda: Value(2.0) ** Value(3.0), TypeError, "exponent must be a number"),
        (lambda: Value(2.0) ** "x", TypeError, "expected a Value or a real number"),
        (lambda: Value("3"), TypeError, "got str"),
        (lambda: Value(-8.0) ** 0.5, ValueError, "negative base"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "negative power of zero"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "division by a Value whose data is 0.0"),
        (lambda: Value(1000.0).exp(), OverflowError, "larger than a float"),
        (lambda: (-1.0) ** Value(2.0), ValueError, "positive base"),
    ],
)
def test_bad_input_raises_clear_error(make, error, words):
    with pytest.raises(error, match=None) as info:
        make()
    assert words in str(info.value)


def test_gradcheck_catches_a_wrong_local_derivative():
    def broken_square(a):  # local derivative x instead of 2x
        return Value(a.data**2, "", (a,), "sq", (a.data,))

    with pytest.raises(mg.GradcheckError, match="numerical 3, analytical 1.5"):
        mg.gradcheck(broken_square, [1.5])


@pytest.mark.parametrize("k", [0.5, 0.25, 1.0, 1.5, 2.0, 0.0])
def test_powers_of_zero_match_torch(torch, k):
    """0 ** k for k >= 0 is a number; its slope is infinite for 0 < k < 1 (sqrt at 0)."""
    a = Value(0.0)
    b = a**k
    b.backward()
    t = torch.tensor(0.0, requires_grad=True)
    (t**k).backward()
    assert b.data == (t**k).item()
    assert a.grad == t.grad.item()
