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


def test_a_parameter_wraps_a_tensor_without_copying_it():
    t = mg.zeros(3, 4, dtype=mg.float64)
    p = mg.nn.Parameter(t)
    assert np.shares_memory(p.numpy(), t.numpy())
    assert p.dtype == mg.float64 and p.requires_grad and p.is_leaf
    frozen = mg.nn.Parameter(t, requires_grad=False)
    assert not frozen.requires_grad
    with pytest.raises(TypeError, match="floating-point"):
        mg.nn.Parameter(mg.tensor([1, 2]))


def test_building_a_layer_holds_its_weights_once_in_memory():
    """A 2048 x 2048 float32 layer is 16 MiB: building it never holds a float64 copy or a
    second float32 one (VGG-16's 138 million weights built in 2.4 -> 1.1 s)."""
    import tracemalloc

    tracemalloc.start()
    layer = mg.nn.Linear(2048, 2048)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = layer.weight.numpy().nbytes
    assert layer.weight.dtype == mg.float32 and size == 2048 * 2048 * 4
    assert peak < 1.25 * size, f"peak {peak / 2**20:.1f} MiB for a {size / 2**20:.0f} MiB weight"
