"""Division, log, sqrt and powers at their edges give inf or NaN without numpy's warnings.

Where the answer is inf or NaN by right (1 / 0, log 0, 0 ** -1, the slope of sqrt at 0, the
gradients of x ** y at x = 0), PyTorch prints nothing; numpy would print "divide by zero
encountered in log" and "invalid value encountered in multiply", which makes a learner hunt
for a bug that is not there. Every case runs with warnings turned into errors and checks
the values (by hand below, and against PyTorch when it is installed).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg

INF, NAN = np.inf, np.nan


def _pow(x, y):
    return x**y


def _pow_scalar(k):
    return lambda x: x**k


# name, function of the tensors, inputs, expected value, expected gradients (of the sum)
CASES = [
    # d/dx x^y = y x^(y-1): 0 at (0, 2); 0 at (0, 0), where y = 0 (PyTorch's rule);
    # d/dy x^y = x^y ln x: 0 at x = 0, y >= 0 (PyTorch's rule); 8 ln 2 at (2, 3)
    (
        "x ** y at x = 0",
        _pow,
        [[0.0, 2.0, 0.0], [2.0, 3.0, 0.0]],
        [0.0, 8.0, 1.0],
        [[0.0, 12.0, 0.0], [0.0, 8.0 * np.log(2.0), 0.0]],
    ),
    # 0 ** -1 = inf; its slope -y x^(y-1) = -inf; d/dy = x^y ln x = inf * -inf = -inf
    (
        "x ** y, negative power of 0",
        _pow,
        [[0.0, 2.0], [-1.0, -1.0]],
        [INF, 0.5],
        [[-INF, -0.25], [-INF, 0.5 * np.log(2.0)]],
    ),
    ("x ** 0.5 at 0", _pow_scalar(0.5), [[0.0, 4.0]], [0.0, 2.0], [[INF, 0.25]]),
    ("x ** 1.5 at 0", _pow_scalar(1.5), [[0.0, 4.0]], [0.0, 8.0], [[0.0, 3.0]]),
    ("x ** -1 at 0", _pow_scalar(-1), [[0.0, 2.0]], [INF, 0.5], [[-INF, -0.25]]),
    ("x ** -2 at 0", _pow_scalar(-2), [[0.0, 2.0]], [INF, 0.25], [[-INF, -0.25]]),
    ("x ** 0.5 of a negative number", _pow_scalar(0.5), [[-1.0, 4.0]], [NAN, 2.0], [[NAN, 0.25]]),
    ("log 0", lambda x: x.log(), [[0.0, 2.0]], [-INF, np.log(2.0)], [[INF, 0.5]]),
    (
        "log of a negative number",
        lambda x: x.log(),
        [[-1.0, 2.0]],
        [NAN, np.log(2.0)],
        [[-1.0, 0.5]],
    ),
    ("sqrt 0", lambda x: x.sqrt(), [[0.0, 4.0]], [0.0, 2.0], [[INF, 0.25]]),
    # x / 0 = inf, 0 / 0 = NaN; d/dx = 1 / y; d/dy = -(x / y) / y
    (
        "x / 0",
        lambda x, y: x / y,
        [[1.0, 0.0, 2.0], [0.0, 0.0, 2.0]],
        [INF, NAN, 1.0],
        [[INF, INF, 0.5], [-INF, NAN, -0.5]],
    ),
    ("1 / x at 0", lambda x: 1.0 / x, [[0.0, -2.0]], [INF, -0.5], [[-INF, -0.25]]),
]
IDS = [c[0] for c in CASES]


def _run(fn, inputs, dtype=mg.float32):
    xs = [mg.tensor(v, dtype=dtype, requires_grad=True) for v in inputs]
    y = fn(*xs)
    y.sum().backward()
    return y.numpy(), [x.grad.numpy() for x in xs]


@pytest.mark.parametrize("name, fn, inputs, value, grads", CASES, ids=IDS)
def test_edges_give_the_right_values_without_warnings(name, fn, inputs, value, grads):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning fails the test
        y, got = _run(fn, inputs)
    np.testing.assert_allclose(y, value, rtol=1e-6)
    for g, want in zip(got, grads):
        np.testing.assert_allclose(g, want, rtol=1e-6)


@pytest.mark.parametrize("name, fn, inputs, value, grads", CASES, ids=IDS)
def test_edges_agree_with_torch(torch, name, fn, inputs, value, grads):
    xs = [torch.tensor(v, requires_grad=True) for v in inputs]
    y = fn(*xs)
    y.sum().backward()
    mine, got = _run(fn, inputs, dtype=mg.float64)
    np.testing.assert_allclose(mine, y.detach().numpy(), rtol=1e-12)
    for g, x in zip(got, xs):
        np.testing.assert_allclose(g, x.grad.numpy(), rtol=1e-12)


def test_second_derivative_of_a_power_at_zero_is_quiet():
    """create_graph=True records the backward's own ops; their gradients stay quiet too."""
    x = mg.tensor([0.0, 2.0], requires_grad=True)
    y = mg.tensor([2.0, 3.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (gx,) = mg.grad((x**y).sum(), [x], create_graph=True)
        gx.sum().backward()
    np.testing.assert_allclose(gx.numpy(), [0.0, 12.0])  # y x^(y-1)
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 12.0])  # y (y-1) x^(y-2)
