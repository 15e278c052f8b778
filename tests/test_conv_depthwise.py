"""Depthwise conv2d (groups = C): composed as a sum over the kernel offsets of slices of the
padded input times per-channel weights (functional/conv.py `_depthwise`), with the pieces
that make it fast: `WeightedSum`, and the partial gradients of the walk (a slice's gradient
added into its input's gradient in place, a product multiplied only where it is added).

Against PyTorch: values, first and second derivatives, for random shapes, both memory
layouts of the input, float32 and float64, inf and NaN. Against the plain engine: the
partial gradients give bit for bit what ordinary tensors give (create_graph=True takes the
ordinary path), and everything that looks at gradients on the way still sees tensors."""

from __future__ import annotations

import numpy as np
import pytest
from graph_functions import graph_functions
from hypothesis import assume, given
from hypothesis import strategies as st
from property_strategies import FLOATS, arrays, budget
from torch_oracle import assert_matches_torch

import minigrad as mg
import minigrad.functional as F
from minigrad import autograd
from minigrad.autograd import Function, PartialGrad
from minigrad.ops import elementwise, movement, reduce, window
from minigrad.ops.elementwise import WeightedSum


def batch_inner(x):
    """x with the same numbers, laid out (C, H, W, N) in memory, as conv2d's results are."""
    return x.permute(1, 2, 3, 0).contiguous().permute(3, 0, 1, 2)


# (N, C, H, W, multiplier, kernel, stride, padding, dilation)
CASES = [
    (2, 3, 7, 6, 1, 3, 1, 1, 1),  # 3x3, padding 1: the benchmark's case, small
    (3, 2, 5, 9, 2, 3, 1, 0, 1),  # channel multiplier 2, no padding
    (2, 4, 8, 7, 1, 3, 2, 1, 1),  # stride 2
    (1, 3, 9, 8, 1, 3, 1, 2, 2),  # dilation 2, padding 2
    (2, 2, 6, 5, 3, (2, 3), (2, 1), (1, 0), (1, 2)),  # pairs everywhere, multiplier 3
    (2, 5, 1, 1, 1, 1, 1, 0, 1),  # 1x1 images, 1x1 kernel
    (1, 2, 1, 7, 2, (1, 3), 1, (0, 2), 1),  # a single row
    (4, 3, 3, 3, 1, 3, 3, 2, 1),  # stride 3 with padding 2: few windows
    (2, 2, 5, 5, 1, 5, 1, 2, 1),  # 5x5, 'same'-like
    (0, 3, 4, 4, 1, 3, 1, 1, 1),  # an empty batch
]


def _ids(case):
    n, c, h, w, m, k, s, p, d = case
    return f"N{n}C{c}_{h}x{w}_M{m}_k{k}_s{s}_p{p}_d{d}".replace(" ", "")


def _inputs(case, rng, dtype=np.float64):
    n, c, h, w, m, k, s, p, d = case
    kh, kw = (k, k) if isinstance(k, int) else k
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    wt = rng.standard_normal((c * m, 1, kh, kw)).astype(dtype)
    b = rng.standard_normal(c * m).astype(dtype)
    return x, wt, b, dict(stride=s, padding=p, dilation=d, groups=c)


@pytest.mark.parametrize("layout", ["nchw", "batch_inner"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_depthwise_conv2d_matches_torch_values_grads_and_second_derivatives(
    case, dtype, layout, rng
):
    x, w, b, kw = _inputs(case, rng, dtype)
    arrange = batch_inner if layout == "batch_inner" else (lambda t: t)
    torch = pytest.importorskip("torch")
    assert_matches_torch(
        lambda x, w, b: F.conv2d(arrange(x), w, b, **kw),
        lambda x, w, b: torch.nn.functional.conv2d(x, w, b, **kw),
        [x, w, b],
        what=f"{kw} {layout}",
    )


@st.composite
def depthwise_case(draw):
    c, m = draw(st.integers(2, 4)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    n = draw(st.sampled_from([0, 1, 2, 3, None]))  # None: one unbatched image
    stride = draw(st.sampled_from([1, 1, 2, (1, 2), (2, 1)]))
    dilation = draw(st.sampled_from([1, 1, 2, (2, 1)]))
    padding = draw(st.sampled_from([0, 1, 2, (1, 0), "same"]))
    if padding == "same":
        stride = 1
    x_shape = (c, h, w) if n is None else (n, c, h, w)
    kw_ = dict(stride=stride, padding=padding, dilation=dilation, groups=c)
    layout = draw(st.sampled_from(["nchw", "batch_inner"])) if n is not None else "nchw"
    return x_shape, (c * m, 1, kh, kw), draw(st.booleans()), kw_, layout


@budget(40)
@given(data=st.data(), case=depthwise_case())
def test_depthwise_conv2d_matches_torch_on_random_shapes(data, case):
    """Random shapes and options; the arrays include NaN, inf and -0.0 (kind "edges")."""
    x_shape, w_shape, has_bias, kw, layout = case
    torch = pytest.importorskip("torch")
    dtype = data.draw(FLOATS)
    x, w = data.draw(arrays(x_shape, dtype)), data.draw(arrays(w_shape, dtype))
    # An inf/NaN weight meeting zero padding: NaN here, a number in PyTorch's float32 depthwise
    # kernel, which skips padded positions (docs/differences.md; tests/test_numerics_edges.py)
    assume(np.isfinite(w).all() or kw["padding"] == 0)
    inputs = [x, w] + ([data.draw(arrays(w_shape[:1], dtype))] if has_bias else [])
    arrange = batch_inner if layout == "batch_inner" else (lambda t: t)
    assert_matches_torch(
        lambda x, *a: F.conv2d(arrange(x), *a, **kw),
        lambda *a: torch.nn.functional.conv2d(*a, **kw),
        inputs,
        what=f"{kw} {layout}",
    )


@pytest.mark.parametrize("layout", ["nchw", "batch_inner"])
@pytest.mark.parametrize("where", ["x", "w"])
@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
def test_an_inf_or_nan_read_only_by_cut_off_columns_leaves_the_other_gradients_finite(
    value, where, layout, torch
):
    """With stride 1 the sum runs over whole padded rows and cuts the extra columns off; a
    pixel in the last column is read there by offset j = 0 although no real window reads
    it so. An inf in it (or in a weight) times the zero gradient of a cut-off column would
    be NaN: inputs with inf or NaN take the column matrix, and the gradients are PyTorch's."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 5, 6))
    w = rng.standard_normal((3, 1, 3, 3))
    if where == "x":
        x[1, 2, 3, -1] = value  # the last column
    else:
        w[1, 0, 2, 0] = value
    arrange = batch_inner if layout == "batch_inner" else (lambda t: t)
    assert_matches_torch(
        lambda x, w: F.conv2d(arrange(x), w, padding=1, groups=3),
        lambda x, w: torch.nn.functional.conv2d(x, w, padding=1, groups=3),
        [x, w],
    )


def test_numbers_whose_sum_overflows_take_the_slices_and_match_torch(torch):
    """Huge finite numbers: every product and sum of the convolution stays finite, their
    total does not (a finiteness test by summing would send them the other way)."""
    x = np.full((1, 2, 6, 6), 1e37, dtype=np.float32)
    x[0, 1] = -1.5
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sum(x, dtype=np.float32))
    w = np.full((2, 1, 3, 3), 0.5, dtype=np.float32)
    X = mg.tensor(x, requires_grad=True)
    assert WeightedSum in {type(f) for f in graph_functions(F.conv2d(X, w, groups=2))}
    assert_matches_torch(
        lambda x, w: F.conv2d(x, w, padding=1, groups=2),
        lambda x, w: torch.nn.functional.conv2d(x, w, padding=1, groups=2),
        [x, w],
    )


def _im2col_depthwise(x, w, b, kw):
    """The same convolution composed as before: every window copied into a column, one
    product per channel (what conv2d does for other groups)."""
    c = x.shape[1]
    m, (kh, kwd) = w.shape[0] // c, w.shape[2:]
    cols = F.unfold(x, (kh, kwd), kw["dilation"], kw["padding"], kw["stride"])  # (N, C*K, L)
    n, _, length = cols.shape
    cols = cols.reshape(n, c, kh * kwd, length).permute(1, 0, 2, 3)  # (C, N, K, L)
    y = w.reshape(c, 1, m, kh * kwd) @ cols  # (C, N, M, L)
    y = y.permute(1, 0, 2, 3).reshape(n, c * m, length) + b.reshape(1, c * m, 1)
    return y


@pytest.mark.parametrize("case", CASES[:5], ids=_ids)
def test_depthwise_equals_the_im2col_composition_and_conv2d_naive(case, rng):
    x, w, b, kw = _inputs(case, rng)
    results = []
    for conv in ("depthwise", "im2col", "naive"):
        X, W, B = (mg.tensor(a, requires_grad=True) for a in (x, w, b))
        if conv == "im2col":
            y = _im2col_depthwise(X, W, B, kw)
        else:
            y = (F.conv2d if conv == "depthwise" else F.conv2d_naive)(X, W, B, **kw)
            y = y.reshape(y.shape[0], y.shape[1], -1)
        (y * y.detach().cos()).sum().backward()
        results.append((y.numpy(), X.grad.numpy(), W.grad.numpy(), B.grad.numpy()))
    for ours, *others in zip(*results):
        for other in others:
            np.testing.assert_allclose(ours, other, rtol=1e-12, atol=1e-12)


def test_depthwise_graph_holds_only_primitives_and_no_window_copy(rng):
    """No backward is written for it: every node of the graph, and of its gradient's graph,
    is a primitive of minigrad/ops; and no Unfold (no column matrix) and no MatMul."""
    primitives = {
        obj
        for module in (elementwise, movement, reduce)
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Function) and obj.__module__ == module.__name__
    }
    x = mg.tensor(rng.standard_normal((2, 3, 6, 6)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((6, 1, 3, 3)), requires_grad=True)
    b = mg.tensor(rng.standard_normal(6), requires_grad=True)
    y = F.conv2d(x, w, b, padding=1, groups=3)
    fns = graph_functions(y)
    assert {type(f) for f in fns} <= primitives, {type(f).__name__ for f in fns}
    assert sum(isinstance(f, WeightedSum) for f in fns) == 1
    assert all(f.scope and f.scope[0].name == "conv2d" for f in fns)
    for g in mg.grad((y * y).sum(), [x, w, b], create_graph=True):
        kinds = {type(f) for f in graph_functions(g)}
        assert kinds <= primitives and window.Unfold not in kinds


@pytest.mark.parametrize(
    "kw, x_value", [(dict(stride=2), 1.0), (dict(stride=(1, 2)), 1.0), ({}, np.inf)]
)
def test_a_larger_stride_or_an_inf_takes_the_column_matrix(kw, x_value, rng):
    """Measured: with stride 2, slices of every other pixel made the sum 2-3x slower than
    the column matrix (benchmarks/README.md); an inf or NaN would leak from the cut-off
    columns (see the test above). Both take conv2d's im2col composition."""
    x = rng.standard_normal((2, 3, 6, 6))
    x[0, 0, 0, 0] = x_value
    w = mg.tensor(rng.standard_normal((3, 1, 3, 3)), requires_grad=True)
    y = F.conv2d(mg.tensor(x, requires_grad=True), w, padding=1, groups=3, **kw)
    kinds = {type(f) for f in graph_functions(y)}
    assert window.Unfold in kinds and WeightedSum not in kinds


def test_backward_with_partial_gradients_equals_the_plain_engine_bit_for_bit(rng):
    """Without create_graph the walk adds slices and products in place; with it, every
    gradient is an ordinary tensor. The input's gradient: the same numbers, added in the
    same order."""
    for layout in (lambda t: t, batch_inner):
        x0 = rng.standard_normal((3, 4, 7, 6)).astype(np.float32)
        w0 = rng.standard_normal((8, 1, 3, 3)).astype(np.float32)
        grads = []
        for create_graph in (False, True):
            x = mg.tensor(x0, requires_grad=True)
            w = mg.tensor(w0, requires_grad=True)
            y = F.conv2d(layout(x), w, padding=1, groups=4)
            y.backward(mg.tensor(np.sin(y.numpy())), create_graph=create_graph)
            grads.append((x.grad.numpy(), w.grad.numpy()))
        (gx, gw), (gx_plain, gw_plain) = grads
        assert np.array_equal(gx, gx_plain)
        # the weight's sums are one BLAS dot per channel here, products summed by numpy there
        np.testing.assert_allclose(gw, gw_plain, rtol=1e-5, atol=1e-5 * np.abs(gw).max())


def test_changing_the_weight_in_place_after_the_forward_pass_is_caught(rng):
    x = mg.tensor(rng.standard_normal((2, 3, 5, 5)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((3, 1, 3, 3)), requires_grad=True)
    loss = F.conv2d(x, w, padding=1, groups=3).sum()
    with mg.no_grad():
        w.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


# --------------------------------------------------------------------------------------------
# WeightedSum


def times(x, w):
    """x * w through WeightedSum (K = 1), the op whose backward sends ProductGrads."""
    return WeightedSum.apply(w.unsqueeze(0), x, dim=0)


def test_weighted_sum_equals_the_composed_products_and_sums_bit_for_bit(rng):
    w = mg.tensor(rng.standard_normal((4, 3, 1)).astype(np.float32))
    xs = [mg.tensor(rng.standard_normal(s).astype(np.float32)) for s in [(4, 5), (5,), (4, 5)]]
    ours = WeightedSum.apply(w, *xs, dim=1)
    composed = xs[0] * w[:, 0] + xs[1] * w[:, 1] + xs[2] * w[:, 2]
    assert ours.dtype == mg.float32 and np.array_equal(ours.numpy(), composed.numpy())


@pytest.mark.parametrize(
    "w_shape, dim, x_shapes",
    [
        ((3, 2, 1), 1, [(3, 4), (3, 4)]),  # one weight per row and term (the depthwise case)
        ((2, 3, 1), 0, [(2, 3, 4), (4,)]),  # broadcasting every way, the sum broadening
        ((1,), 0, [(5,)]),  # one term, a number as its weight
        ((2, 3, 2, 1), 2, [(2, 1, 6), (1, 1, 6)]),  # a channel multiplier's shapes
    ],
)
def test_weighted_sum_passes_gradcheck_and_gradgradcheck(w_shape, dim, x_shapes, rng):
    inputs = [mg.tensor(rng.standard_normal(s), requires_grad=True) for s in [w_shape, *x_shapes]]
    assert mg.gradcheck(lambda w, *xs: WeightedSum.apply(w, *xs, dim=dim), inputs)
    assert mg.gradgradcheck(lambda w, *xs: WeightedSum.apply(w, *xs, dim=dim), inputs)


def test_weighted_sum_gradients_without_create_graph_equal_the_composed_ones(rng):
    """No create_graph: products sent unmultiplied, weights summed with one dot per row."""
    arrays = [rng.standard_normal(s) for s in [(3, 3, 1), (3, 40), (1, 40), (2, 3, 40)]]
    results = []
    for weighted in (True, False):
        w, *xs = [mg.tensor(a, requires_grad=True) for a in arrays]
        x = xs[0] * 1.0  # an intermediate: its gradient arrives as a ProductGrad, then more
        if weighted:
            y = WeightedSum.apply(w, x, xs[1], xs[2], dim=1)
        else:
            y = x * w[:, 0] + xs[1] * w[:, 1] + xs[2] * w[:, 2]
        y = y + x[:, ::2].sum()
        y.backward(mg.tensor(np.cos(y.numpy())))
        results.append([t.grad.numpy() for t in [w, *xs]])
    for ours, composed in zip(*results):
        np.testing.assert_allclose(ours, composed, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------------------------
# Partial gradients in the walk


def _slice_graph(x):
    """x used whole and through overlapping, strided, reversed and integer slices, and a
    slice of a slice (whose gradient reaches the inner slice as a partial gradient)."""
    y = x * 2.0
    parts = y[:, 1:] * y[:, :-1]
    nested = y[1:][:, 1:4] * 3.0 + y[1:][::-1, :3]
    loss = parts.sum() + (y[::-1, ::2] ** 2).sum() + y[0].sum() * y[1, 2] + (y * y).sum()
    return loss + (nested * nested).sum()


def test_slices_of_one_tensor_give_what_ordinary_gradients_give(rng):
    x0 = rng.standard_normal((3, 5))
    x = mg.tensor(x0, requires_grad=True)
    _slice_graph(x).backward()
    plain = mg.tensor(x0, requires_grad=True)
    _slice_graph(plain).backward(create_graph=True)
    assert np.array_equal(x.grad.numpy(), plain.grad.detach().numpy())
    y = 2 * x0  # by hand: d/dy of each term, times 2
    g = np.zeros_like(y)
    g[:, 1:] += y[:, :-1]
    g[:, :-1] += y[:, 1:]
    g[::-1, ::2] += 2 * y[::-1, ::2]
    g[0] += y[1, 2]
    g[1, 2] += y[0].sum()
    g += 2 * y
    nested = 3 * y[1:, 1:4] + y[1:][::-1, :3]
    g[1:, 1:4] += 6 * nested
    g[1:][::-1, :3] += 2 * nested
    np.testing.assert_allclose(x.grad.numpy(), 2 * g)


def test_slices_of_a_leaf_and_a_second_backward_with_retain_graph(rng):
    x = mg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    loss = (x[1:] * x[:-1]).sum() + x[2].sum()
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    loss.backward()  # accumulates: the walk's buffers are new each time
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)
    expected = np.zeros((4, 3))
    expected[1:] += x.numpy()[:-1]
    expected[:-1] += x.numpy()[1:]
    expected[2] += 1
    np.testing.assert_allclose(first, expected)


def test_a_gradient_someone_else_holds_is_never_added_into(rng):
    """c = b + b[::-1]: Add sends c's own gradient to b, then the slice's arrives. The walk
    must add into a copy: mg.grad returns c's gradient, which must stay what it was."""
    a = mg.tensor(rng.standard_normal(5), requires_grad=True)
    b = a * 1.0
    c = b + b[::-1]
    v = rng.standard_normal(5)
    gc, gb = mg.grad((c * mg.tensor(v)).sum(), [c, b])
    np.testing.assert_allclose(gc.numpy(), v)
    np.testing.assert_allclose(gb.numpy(), v + v[::-1])


def test_a_partial_gradient_arriving_after_or_before_an_ordinary_one(rng):
    x = mg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((3, 1)), requires_grad=True)
    s = x[:, 1:]  # a slice: takes a product as it is, then gets an ordinary gradient too
    y = times(s, w) + s * 3.0 + times(s, w)
    y.backward(mg.tensor(np.ones((3, 3))))
    expected = np.zeros((3, 4))
    expected[:, 1:] = 2 * w.numpy() + 3.0
    np.testing.assert_allclose(x.grad.numpy(), expected)
    np.testing.assert_allclose(w.grad.numpy(), 2 * x.numpy()[:, 1:].sum(1, keepdims=True))


def test_retained_and_captured_gradients_of_slices_are_tensors(rng):
    x = mg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((1, 3)), requires_grad=True)
    s = x[1:3].retain_grad()
    t = x[::2]
    y = times(s, w).sum() + times(t, w).sum()
    (gt,) = mg.grad(y, [t], retain_graph=True)
    assert isinstance(gt, mg.Tensor) and not isinstance(gt, PartialGrad)
    np.testing.assert_allclose(gt.numpy(), np.broadcast_to(w.numpy(), (2, 3)))
    y.backward()
    assert isinstance(s.grad, mg.Tensor)
    np.testing.assert_allclose(s.grad.numpy(), np.broadcast_to(w.numpy(), (2, 3)))
    expected = np.zeros((4, 3))
    expected[1:3] += w.numpy()
    expected[::2] += w.numpy()
    np.testing.assert_allclose(x.grad.numpy(), expected)


def test_an_observer_of_the_walk_sees_tensors_and_the_same_gradients(rng):
    x0, w0 = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((3, 1, 3, 3))
    seen = []

    def observe(node, grad, sent):
        seen.append(grad)
        seen.extend(g for _, g, _ in sent)
        seen.extend(total for _, _, total in sent)

    results = []
    for watch in (False, True):
        x, w = mg.tensor(x0, requires_grad=True), mg.tensor(w0, requires_grad=True)
        loss = (F.conv2d(x, w, padding=1, groups=3) ** 2).sum()
        if watch:
            with autograd.observe_backward(observe):
                loss.backward()
        else:
            loss.backward()
        results.append((x.grad.numpy(), w.grad.numpy()))
    assert seen and all(isinstance(g, mg.Tensor) for g in seen)
    for plain, watched in zip(*results):
        assert np.array_equal(plain, watched)


def test_partial_gradients_are_sent_only_inside_a_walk(rng):
    """A backward called by anything else (the exercise checker calls grad_fn.backward
    itself) gets ordinary tensors back."""
    x = mg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((3, 1)), requires_grad=True)
    with mg.no_grad():
        g = mg.ones(3, 3)
    assert not autograd.partial_allowed()
    for out in (x[:, 1:], times(x[:, 1:], w)):
        with mg.no_grad():
            grads = out.grad_fn.backward(g)
        grads = grads if isinstance(grads, tuple) else (grads,)
        assert all(isinstance(t, mg.Tensor) for t in grads if t is not None)


def test_a_product_reaching_a_slice_of_one_element(rng):
    """x[1, 2] selects a number, not a view: its partial gradient is placed by assignment."""
    x = mg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = mg.tensor(2.5, requires_grad=True)
    y = times(x[1, 2], w) + times(x[0], w).sum()
    y.backward()
    expected = np.zeros((3, 4))
    expected[0] = 2.5
    expected[1, 2] = 2.5
    np.testing.assert_allclose(x.grad.numpy(), expected)
    np.testing.assert_allclose(w.grad.numpy(), x.numpy()[1, 2] + x.numpy()[0].sum())
