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


def test_reshape_hands_the_gradient_back_in_the_inputs_memory_order(rng):
    """conv2d's results live in (C, H, W, N) memory; flatten's gradient comes back in that
    order (same values as a plain reshape), so the masks of ReLU and pooling meet it along
    their own memory."""
    arr = rng.standard_normal((3, 4, 5, 6)).astype(np.float32).transpose(3, 0, 1, 2)
    x = mg.tensor(arr, requires_grad=True)
    assert not x.numpy().flags.c_contiguous  # mg.tensor kept the layout (else no test)
    y = x.reshape(6, 60)
    g = rng.standard_normal((6, 60)).astype(np.float32)
    (grad,) = y._backward(mg.tensor(g))  # the node's one step of the chain rule
    assert np.array_equal(grad.numpy(), g.reshape(6, 3, 4, 5))
    assert grad.numpy().strides == x.numpy().strides
    y.backward(mg.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), g.reshape(6, 3, 4, 5))
    assert gradcheck(
        lambda t: t.reshape(6, 60) ** 2, (mg.tensor(arr.astype(np.float64), requires_grad=True),)
    )


def test_max_pool_gradient_mask_follows_the_images_memory_order(rng):
    """The mask max_pool2d's backward selects with is laid out like the image (conv2d's
    (C, H, W, N) memory), and the gradient is the one a C-ordered image gets."""
    arr = rng.standard_normal((5, 4, 4, 2)).astype(np.float32)
    g = rng.standard_normal((2, 5, 2, 2)).astype(np.float32)
    grads = []
    for layout in (arr.transpose(3, 0, 1, 2), np.ascontiguousarray(arr.transpose(3, 0, 1, 2))):
        x = mg.tensor(layout, requires_grad=True)
        y = F.max_pool2d(x, 2)
        (mask,) = y.grad_fn.saved_tensors  # one True per window
        windows = y.grad_fn.inputs[0].numpy()
        order = np.argsort([-s for s in windows.strides], kind="stable")
        assert mask.transpose(order).flags.c_contiguous
        y.backward(mg.tensor(g))
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
    expected = np.zeros_like(grads[1])  # all of a window's gradient at its maximum
    image = arr.transpose(3, 0, 1, 2)
    for n, c, i, j in np.ndindex(2, 5, 2, 2):
        win = image[n, c, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        a, b = np.unravel_index(np.argmax(win), (2, 2))
        expected[n, c, 2 * i + a, 2 * j + b] = g[n, c, i, j]
    np.testing.assert_array_equal(grads[0], expected)


def test_matmul_gradients_with_a_long_contraction_and_a_small_left_factor(rng):
    """conv2d's shapes, (O, K) @ (K, M) with M >> O, K: the weight gradient is computed as a
    transposed product and the input gradient from a copy of w^T; same gradients, and they
    differentiate again."""
    w = rng.standard_normal((3, 5))
    cols = rng.standard_normal((5, 200))
    g = rng.standard_normal((3, 200))
    x = mg.tensor(w, dtype=mg.float64, requires_grad=True)
    y = mg.tensor(cols, dtype=mg.float64, requires_grad=True)
    (x @ y).backward(mg.tensor(g, dtype=mg.float64))
    np.testing.assert_allclose(x.grad.numpy(), g @ cols.T, rtol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), w.T @ g, rtol=1e-12)
    assert mg.gradcheck(lambda a, b: (a @ b).tanh(), (x, y))
    assert mg.gradgradcheck(lambda a, b: (a @ b).tanh(), (x, y))


def test_the_gradient_of_a_transposed_weight_keeps_its_memory_order(rng):
    """x @ w.T (linear): the gradient of w.T is computed as (grad^T @ x)^T, a view whose
    transpose, w's gradient, is contiguous like w; kept gradients are copies, and a copy into
    the other order is a transpose (1 s for AlexNet's 4096 x 9216 layer). Same values, and it
    differentiates again."""
    x = mg.tensor(rng.standard_normal((3, 7)), dtype=mg.float64, requires_grad=True)
    w = mg.tensor(rng.standard_normal((5, 7)), dtype=mg.float64, requires_grad=True)
    g = rng.standard_normal((3, 5))
    z = x @ w.T
    _, grad_wt = z._backward(mg.tensor(g, dtype=mg.float64))  # the product's own step
    assert grad_wt.numpy().T.flags.c_contiguous
    np.testing.assert_allclose(grad_wt.numpy(), x.numpy().T @ g, rtol=1e-12)
    z.backward(mg.tensor(g, dtype=mg.float64))
    np.testing.assert_allclose(w.grad.numpy(), g.T @ x.numpy(), rtol=1e-12)
    assert mg.gradgradcheck(lambda a, b: (a @ b.T).tanh(), (x, w))


@pytest.mark.parametrize("op", ["tanh", "sigmoid"])
def test_tanh_and_sigmoid_gradients_are_the_same_with_or_without_a_graph(op, rng):
    """Without create_graph their backward computes the local derivative in numpy (two graph
    nodes fewer per op); with it, in engine ops. The numbers are the same bit for bit, and
    the second derivative still exists."""
    for dtype in (mg.float32, mg.float64):
        arr = rng.standard_normal((4, 5)) * 3
        g = rng.standard_normal((4, 5))
        plain = mg.tensor(arr, dtype=dtype, requires_grad=True)
        getattr(plain, op)().backward(mg.tensor(g, dtype=dtype))
        graphed = mg.tensor(arr, dtype=dtype, requires_grad=True)
        (d,) = mg.grad(getattr(graphed, op)(), [graphed], mg.tensor(g, dtype=dtype),
                       create_graph=True)  # fmt: skip
        assert d.requires_grad and d.dtype == plain.grad.dtype == dtype
        assert np.array_equal(plain.grad.numpy(), d.numpy())
    x = mg.tensor(rng.standard_normal(6), dtype=mg.float64, requires_grad=True)
    assert mg.gradgradcheck(lambda t: getattr(t, op)(), (x,))
