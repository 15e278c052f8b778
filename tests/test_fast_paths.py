"""Every shortcut taken for speed gives what the plain path gives (benchmarks/README.md says
what each one bought)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad.gradcheck import gradcheck


@pytest.mark.parametrize(
    "x_shape, y_shape",
    [((4, 1), (1, 6)), ((3, 4, 1), (3, 1, 5)), ((2, 1, 3, 1), (3, 1, 2)), ((5, 1), (2, 1, 7))],
)
def test_matmul_with_inner_size_one_equals_numpys_matmul_bit_for_bit(x_shape, y_shape, rng):
    x = rng.standard_normal(x_shape).astype(np.float32)
    y = rng.standard_normal(y_shape).astype(np.float32)
    out = (mg.tensor(x) @ mg.tensor(y)).numpy()
    expected = np.matmul(x, y)
    assert out.shape == expected.shape and out.dtype == np.float32
    assert np.array_equal(out, expected)


def test_matmul_with_inner_size_one_has_the_gradients_of_a_matmul(rng):
    x = mg.tensor(rng.standard_normal((3, 4, 1)), dtype=mg.float64, requires_grad=True)
    y = mg.tensor(rng.standard_normal((3, 1, 5)), dtype=mg.float64, requires_grad=True)
    assert gradcheck(lambda a, b: a @ b, (x, y))
    g = rng.standard_normal((3, 4, 5))
    (x @ y).backward(mg.tensor(g, dtype=mg.float64))
    np.testing.assert_allclose(x.grad.numpy(), g @ y.numpy().transpose(0, 2, 1))
    np.testing.assert_allclose(y.grad.numpy(), x.numpy().transpose(0, 2, 1) @ g)


def test_depthwise_conv2d_equals_the_naive_convolution(rng):
    """The depthwise case goes through the inner-size-one product in its backward."""
    x = rng.standard_normal((2, 4, 6, 6))
    w = rng.standard_normal((4, 1, 3, 3))
    grads = []
    for conv in (F.conv2d, F.conv2d_naive):
        xt = mg.tensor(x, dtype=mg.float64, requires_grad=True)
        wt = mg.tensor(w, dtype=mg.float64, requires_grad=True)
        y = conv(xt, wt, padding=1, groups=4)
        y.backward(mg.tensor(np.cos(y.numpy())))
        grads.append((y.numpy(), xt.grad.numpy(), wt.grad.numpy()))
    for ours, naive in zip(*grads):
        np.testing.assert_allclose(ours, naive, rtol=1e-10, atol=1e-12)
