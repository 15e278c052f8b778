"""unfold / fold / conv2d: values, gradients and second derivatives against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from torch_oracle import assert_matches_torch

import minigrad as mg
import minigrad.functional as F
from minigrad.ops.window import Fold, Unfold

# (N, C, H, W, C_out, kernel, stride, padding, dilation, groups): every value of each
# hyperparameter appears at least once, without the full cartesian product.
CONV_CASES = [
    (2, 3, 7, 6, 4, 3, 1, 1, 1, 1),  # 3x3 same-ish, non-square
    (1, 4, 9, 8, 6, 2, 2, 0, 2, 2),  # batch 1, even kernel, dilation 2, groups 2
    (2, 4, 8, 8, 4, 3, 1, "same", 1, 4),  # depthwise (groups = C), 'same'
    (2, 2, 5, 7, 3, 5, 1, 2, 1, 1),  # 5x5, pad 2, odd sizes
    (2, 3, 6, 6, 2, 3, 1, "same", 2, 1),  # 'same' with dilation
    (1, 2, 11, 9, 3, 1, 3, 0, 1, 1),  # 1x1, stride 3
    (2, 6, 10, 7, 4, 3, 3, 1, 2, 2),  # stride 3, pad 1, dilation 2, groups 2
    (3, 1, 13, 13, 2, 5, 2, 2, 1, 1),  # 5x5 stride 2 (LeNet-like)
    (1, 3, 5, 9, 6, 2, 1, "valid", 1, 3),  # 'valid', groups = C with a multiplier of 2
    (2, 2, 4, 5, 2, (2, 3), (1, 2), (1, 0), (2, 1), 1),  # pairs everywhere
]


def _ids(case):
    n, c, h, w, o, k, s, p, d, g = case
    return f"N{n}C{c}_{h}x{w}_O{o}_k{k}_s{s}_p{p}_d{d}_g{g}".replace(" ", "")


def _conv_inputs(case, rng):
    n, c, h, w, o, k, s, p, d, g = case
    kh, kw = (k, k) if isinstance(k, int) else k
    x = rng.standard_normal((n, c, h, w))
    wt = rng.standard_normal((o, c // g, kh, kw))
    b = rng.standard_normal(o)
    return x, wt, b, dict(stride=s, padding=p, dilation=d, groups=g)


def _mg(a, dtype="float64"):
    return mg.tensor(a, dtype=dtype, requires_grad=True)


@pytest.mark.parametrize("case", CONV_CASES, ids=_ids)
def test_conv2d_matches_torch_values_grads_and_second_derivatives(case, torch, rng):
    x, w, b, kw = _conv_inputs(case, rng)
    assert_matches_torch(
        lambda *a: F.conv2d(*a, **kw), lambda *a: torch.nn.functional.conv2d(*a, **kw), [x, w, b]
    )


@pytest.mark.parametrize("case", CONV_CASES[:6], ids=_ids)
def test_conv2d_naive_equals_conv2d_in_values_and_gradients(case, rng):
    x, w, b, kw = _conv_inputs(case, rng)
    results = []
    for fn in (F.conv2d, F.conv2d_naive):
        X, W, B = _mg(x), _mg(w), _mg(b)
        y = fn(X, W, B, **kw)
        (y * y).sum().backward()
        results.append((y.numpy(), X.grad.numpy(), W.grad.numpy(), B.grad.numpy()))
    for fast, naive in zip(*results):
        np.testing.assert_allclose(fast, naive, atol=1e-10)


UNFOLD_CASES = [
    ((2, 3, 7, 9), dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))),
    ((1, 2, 5, 5), dict(kernel_size=3)),
    ((2, 1, 6, 4), dict(kernel_size=2, stride=2)),
    ((1, 2, 8, 7), dict(kernel_size=3, dilation=2, padding=2, stride=3)),
]


@pytest.mark.parametrize("shape, kw", UNFOLD_CASES)
def test_unfold_and_fold_match_torch(shape, kw, torch, rng):
    tf = torch.nn.functional
    x = rng.standard_normal(shape)
    cols = F.unfold(mg.tensor(x, dtype="float64"), **kw)
    tcols = tf.unfold(torch.tensor(x), **kw)
    np.testing.assert_array_equal(cols.numpy(), tcols.numpy())
    c = rng.standard_normal(tcols.shape)
    back = F.fold(mg.tensor(c, dtype="float64"), shape[2:], **kw)
    np.testing.assert_allclose(
        back.numpy(), tf.fold(torch.tensor(c), shape[2:], **kw).numpy(), atol=1e-12
    )


@pytest.mark.parametrize("shape, kw", UNFOLD_CASES[:2])
def test_unfold_and_fold_pass_gradcheck_and_gradgradcheck(shape, kw, rng):
    x = _mg(rng.standard_normal(shape))
    assert mg.gradcheck(lambda t: F.unfold(t, **kw), [x])
    assert mg.gradgradcheck(lambda t: F.unfold(t, **kw) ** 2, [x])
    cols = _mg(rng.standard_normal(F.unfold(x, **kw).shape))
    assert mg.gradcheck(lambda t: F.fold(t, shape[2:], **kw), [cols])
    assert mg.gradgradcheck(lambda t: F.fold(t, shape[2:], **kw) ** 2, [cols])


def test_unfold_and_fold_are_each_others_backward(rng):
    x = _mg(rng.standard_normal((1, 2, 5, 5)))
    cols = F.unfold(x, 3, padding=1)
    assert isinstance(cols.grad_fn, Unfold)
    (g,) = mg.grad((cols * cols).sum(), [x], create_graph=True)
    kinds = set()
    stack = [g]
    while stack:
        t = stack.pop()
        if t.grad_fn is not None:
            kinds.add(type(t.grad_fn))
            stack.extend(t.grad_fn.inputs)
    assert Fold in kinds  # the gradient of unfold is a fold...
    (g2,) = mg.grad(g.sum(), [x])  # ...and differentiating it again goes back through unfold
    # fold(unfold(ones)) counts how many windows cover each pixel: d/dx sum(2 fold(unfold(x)))
    counts = F.fold(F.unfold(mg.ones(1, 2, 5, 5, dtype="float64"), 3, padding=1), 5, 3, padding=1)
    np.testing.assert_allclose(g2.numpy(), 2 * counts.numpy())


def test_fold_of_unfold_counts_windows_per_pixel():
    x = mg.ones(1, 1, 4, 4)
    counts = F.fold(F.unfold(x, 2), 4, 2)
    expected = np.array([[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]], dtype=np.float32)
    np.testing.assert_array_equal(counts.numpy()[0, 0], expected)


def test_conv2d_gradcheck_and_gradgradcheck_float64(rng):
    x = _mg(rng.standard_normal((1, 2, 5, 4)))
    w = _mg(rng.standard_normal((4, 1, 2, 3)))
    b = _mg(rng.standard_normal(4))
    fn = lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), padding=1, dilation=(2, 1), groups=2)
    assert mg.gradcheck(fn, [x, w, b])
    assert mg.gradgradcheck(fn, [x, w, b])


def test_conv2d_float32_stays_float32(rng):
    x = mg.tensor(rng.standard_normal((2, 3, 8, 8)), dtype=mg.float32, requires_grad=True)
    w = mg.tensor(rng.standard_normal((4, 3, 3, 3)), dtype=mg.float32, requires_grad=True)
    b = mg.tensor(rng.standard_normal(4), dtype=mg.float32, requires_grad=True)
    y = F.conv2d(x, w, b, padding=1)
    y.sum().backward()
    assert y.dtype == mg.float32
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == mg.float32


def test_conv2d_skips_work_for_an_input_that_needs_no_gradient(rng):
    x = mg.tensor(rng.standard_normal((2, 1, 6, 6)))  # an image: no gradient wanted
    w = mg.tensor(rng.standard_normal((2, 1, 3, 3)), requires_grad=True)
    F.conv2d(x, w).sum().backward()
    assert x.grad is None and w.grad is not None


@pytest.mark.parametrize(
    "x_shape, w_shape, kw, message",
    [
        (
            (1, 3, 8, 8),
            (6, 1, 5, 5),
            {},
            "input has 3 channels, weight expects 1 (weight shape (6, 1, 5, 5)",
        ),
        ((1, 1, 3, 3), (2, 1, 5, 5), {}, "larger than the padded input 3 x 3"),
        ((1, 1, 2, 2), (2, 1, 5, 5), dict(padding=1), "larger than the padded input 4 x 4"),
        ((8, 8), (6, 3, 5, 5), {}, "expected a 4-D input (N, C, H, W) or one image"),
        ((1, 3, 8, 8), (6, 3, 5), {}, "expected a 4-D weight"),
        (
            (1, 3, 8, 8),
            (6, 1, 3, 3),
            dict(groups=2),
            "groups=2 does not divide the 3 input channels",
        ),
        (
            (1, 4, 8, 8),
            (3, 2, 3, 3),
            dict(groups=2),
            "groups=2 does not divide the 3 output channels",
        ),
        ((1, 4, 8, 8), (4, 1, 3, 3), dict(groups=2), "input has 4 channels, weight expects 2"),
        (
            (1, 1, 8, 8),
            (2, 1, 3, 3),
            dict(padding="same", stride=2),
            "padding='same' needs stride 1",
        ),
        ((1, 1, 8, 8), (2, 1, 3, 3), dict(padding="full"), "padding must be an int, a pair"),
        ((1, 1, 8, 8), (2, 1, 3, 3), dict(stride=0), "stride must be >= 1"),
    ],
)
def test_conv2d_errors_name_the_shapes(x_shape, w_shape, kw, message):
    x, w = mg.zeros(*x_shape), mg.zeros(*w_shape)
    with pytest.raises(ValueError) as err:
        F.conv2d(x, w, **kw)
    assert message in str(err.value)


def test_conv2d_bias_and_dtype_errors():
    x, w = mg.zeros(1, 1, 5, 5), mg.zeros(2, 1, 3, 3)
    with pytest.raises(ValueError, match=r"bias has shape \(3,\), expected \(2,\)"):
        F.conv2d(x, w, mg.zeros(3))
    with pytest.raises(TypeError, match="input is float32 but weight is float64"):
        F.conv2d(x, w.double())


def test_fold_errors_name_the_shapes():
    with pytest.raises(ValueError, match="input has 7 columns"):
        F.fold(mg.zeros(1, 4, 7), (4, 4), 2)
    with pytest.raises(ValueError, match="not a multiple of KH\\*KW = 4"):
        F.fold(mg.zeros(1, 5, 9), (4, 4), 2)


def test_where_select_is_bit_for_bit_np_where(rng):
    """The engine's Where uses a bitwise select for speed (an edit made for conv nets):
    it must equal np.where exactly, inf, nan and -0.0 included."""
    from minigrad.ops.elementwise import select

    for dtype in (np.float32, np.float64):
        bits = np.dtype(f"i{np.dtype(dtype).itemsize}")
        x = rng.standard_normal((3, 4)).astype(dtype)
        x[0, :3] = [np.inf, np.nan, -0.0]
        for mask in (rng.random((3, 4)) > 0.5, rng.random((3, 1)) > 0.5, np.array(True)):
            for y in (
                np.zeros((), dtype),
                np.array(-0.0, dtype),
                np.array(np.nan, dtype),
                rng.standard_normal(4).astype(dtype),
                rng.standard_normal((3, 4)).astype(dtype),
            ):
                ours, theirs = select(mask, x, y), np.where(mask, x, y)
                assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
                np.testing.assert_array_equal(ours.view(bits), theirs.view(bits))
    ints = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(
        select(ints > 2, ints, np.zeros((), int)), np.where(ints > 2, ints, 0)
    )
