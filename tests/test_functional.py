"""Pooling, batch norm, dropout, activations and losses of minigrad.functional."""

from __future__ import annotations

import numpy as np
import pytest
from graph_functions import graph_functions, primitive_classes
from torch_oracle import assert_close, assert_matches_torch

import minigrad as mg
import minigrad.functional as F
from minigrad.functional.pooling import _pick, _windows
from minigrad.ops.reduce import Amax


def _mg(a, dtype="float64", requires_grad=True):
    return mg.tensor(a, dtype=dtype, requires_grad=requires_grad)


def _close(ours, theirs, atol=1e-10):
    assert_close(ours, theirs, "value", rtol=1e-7, atol=atol)


# --------------------------------------------------------------------------------------------
# Pooling

POOL_CASES = [  # (shape, kernel, stride, padding, dilation, ceil_mode)
    ((2, 3, 8, 8), 2, None, 0, 1, False),
    ((1, 2, 7, 9), 3, 2, 1, 1, False),
    ((2, 2, 7, 9), 3, 2, 0, 1, True),
    ((1, 3, 9, 7), 3, 2, 1, 2, True),
    ((2, 1, 10, 7), (2, 3), (3, 1), (1, 1), (1, 2), False),
    ((1, 2, 5, 5), 5, 1, 2, 1, False),
    ((3, 2, 6, 11), 1, 3, 0, 1, True),
]


@pytest.mark.parametrize("shape, k, s, p, d, ceil", POOL_CASES)
def test_max_pool2d_matches_torch(shape, k, s, p, d, ceil, torch, rng):
    x = rng.standard_normal(shape)
    kw = dict(kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
    assert_matches_torch(
        lambda t: F.max_pool2d(t, **kw),
        lambda t: torch.nn.functional.max_pool2d(t, **kw),
        [x],
    )


@pytest.mark.parametrize("shape, k, s, p, d, ceil", [c for c in POOL_CASES if c[4] == 1])
@pytest.mark.parametrize("include_pad", [True, False])
def test_avg_pool2d_matches_torch(shape, k, s, p, d, ceil, include_pad, torch, rng):
    x = rng.standard_normal(shape)
    kw = dict(kernel_size=k, stride=s, padding=p, ceil_mode=ceil, count_include_pad=include_pad)
    assert_matches_torch(
        lambda t: F.avg_pool2d(t, **kw),
        lambda t: torch.nn.functional.avg_pool2d(t, **kw),
        [x],
    )


def test_avg_pool2d_divisor_override_matches_torch(torch, rng):
    x = rng.standard_normal((1, 2, 6, 6))
    ours = F.avg_pool2d(_mg(x), 3, 2, 1, divisor_override=4)
    theirs = torch.nn.functional.avg_pool2d(torch.tensor(x), 3, 2, 1, divisor_override=4)
    _close(ours, theirs)


@pytest.mark.parametrize("size", [1, (1, 1), 2, (3, 4), (None, 2), (5, 3)])
def test_adaptive_avg_pool2d_matches_torch(size, torch, rng):
    x = rng.standard_normal((2, 3, 7, 6))
    assert_matches_torch(
        lambda t: F.adaptive_avg_pool2d(t, size),
        lambda t: torch.nn.functional.adaptive_avg_pool2d(t, size),
        [x],
        1,
    )


def test_global_average_pooling_is_the_mean_over_space(rng):
    x = rng.standard_normal((2, 3, 5, 4)).astype(np.float32)
    y = F.adaptive_avg_pool2d(mg.tensor(x), 1)
    assert y.shape == (2, 3, 1, 1) and y.dtype == mg.float32
    np.testing.assert_allclose(y.numpy(), x.mean(axis=(2, 3), keepdims=True), rtol=1e-6)


def test_pools_pass_gradcheck_and_gradgradcheck(rng):
    x = _mg(rng.standard_normal((1, 2, 5, 6)))
    assert mg.gradcheck(lambda t: F.max_pool2d(t, 3, 2, 1, ceil_mode=True), [x])
    assert mg.gradcheck(lambda t: F.avg_pool2d(t, 3, 2, 1, count_include_pad=False), [x])
    assert mg.gradgradcheck(lambda t: F.max_pool2d(t, 2) ** 2, [x])
    assert mg.gradgradcheck(lambda t: F.avg_pool2d(t, 2, 1) ** 2, [x])
    assert mg.gradcheck(lambda t: F.adaptive_avg_pool2d(t, (2, 4)), [x])


def test_pools_on_exact_tiles_equal_the_unfold_route(rng):
    """2x2/stride-2 pooling takes the windows with a reshape instead of unfold: same numbers,
    same gradients (ties included: both routes pick the same element)."""
    data = rng.integers(0, 3, size=(2, 3, 6, 4)).astype(np.float64)  # many ties
    for pool in ("max", "avg"):
        results = []
        for route in ("tiles", "unfold"):
            x = _mg(data)
            if route == "tiles":
                y = F.max_pool2d(x, 2) if pool == "max" else F.avg_pool2d(x, 2)
            else:
                w = _windows(x, (2, 2), (2, 2), ((0, 0), (0, 0)), (1, 1), 3, 2, -np.inf)
                if pool == "max":
                    pick = _pick(w.numpy().transpose(2, 0, 1, 3), 1, None).transpose(1, 2, 0, 3)
                    y = Amax.apply(w, dims=(2,), keepdim=False, pick=pick)
                else:
                    y = w.mean(2)
                y = y.reshape(2, 3, 3, 2)
            (g,) = mg.grad((y * y).sum(), [x])
            results.append((y.numpy(), g.numpy()))
        for a, b in zip(*results):
            np.testing.assert_allclose(a, b, atol=1e-12)


def test_max_pool2d_gives_a_tie_to_the_first_maximum_like_torch():
    x = mg.zeros(1, 1, 2, 2, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    expected = np.array([[[[1.0, 0.0], [0.0, 0.0]]]], np.float32)
    np.testing.assert_array_equal(x.grad.numpy(), expected)


@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda x: F.max_pool2d(x, 5), "larger than the padded input"),
        (lambda x: F.max_pool2d(x, 2, padding=2), "at most half the kernel size"),
        (lambda x: F.avg_pool2d(x[0, 0], 2), "expected a 4-D input"),
        (lambda x: F.max_pool2d(x, 0), "kernel_size must be >= 1"),
        (lambda x: F.adaptive_avg_pool2d(x, -1), "output_size must be >= 0"),
    ],
)
def test_pool_errors_name_the_problem(fn, message):
    with pytest.raises(ValueError, match=message):
        fn(mg.zeros(1, 1, 3, 3))


# --------------------------------------------------------------------------------------------
# Batch norm and dropout


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5), (4, 3, 5, 6)])
def test_batch_norm_training_matches_torch_including_running_stats(shape, torch, rng):
    c = shape[1]
    weight, bias = rng.standard_normal(c), rng.standard_normal(c)
    rm, rv = np.zeros(c), np.ones(c)
    trm, trv = torch.zeros(c), torch.ones(c)
    for step in range(4):  # running statistics after several steps
        x = rng.standard_normal(shape) * (step + 1) + step
        X, W, B = _mg(x), _mg(weight), _mg(bias)
        y = F.batch_norm(X, rm, rv, W, B, training=True, momentum=0.2, eps=1e-3)
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
        ty = torch.nn.functional.batch_norm(tx, trm, trv, tw, tb, True, 0.2, 1e-3)
        _close(y, ty)
        v = rng.standard_normal(shape)
        grads = mg.grad((y * mg.tensor(v, dtype="float64")).sum(), [X, W, B])
        tgrads = torch.autograd.grad((ty * torch.tensor(v)).sum(), [tx, tw, tb])
        for g, tg in zip(grads, tgrads):
            _close(g, tg, atol=1e-9)
    np.testing.assert_allclose(rm, trm.numpy(), atol=1e-12)
    np.testing.assert_allclose(rv, trv.numpy(), atol=1e-12)
    # evaluation uses the running statistics
    x = rng.standard_normal(shape)
    y = F.batch_norm(_mg(x), rm, rv, _mg(weight), _mg(bias), training=False, eps=1e-3)
    ty = torch.nn.functional.batch_norm(
        torch.tensor(x), trm, trv, torch.tensor(weight), torch.tensor(bias), False, 0.2, 1e-3
    )
    _close(y, ty)


def test_batch_norm_updates_running_tensors_in_place(rng):
    rm, rv = mg.zeros(2), mg.ones(2)
    rm_data = rm.numpy()
    x = mg.tensor(rng.standard_normal((16, 2)) + 3.0)
    F.batch_norm(x, rm, rv, training=True)
    assert rm.numpy() is rm_data and rm.dtype == mg.float32
    np.testing.assert_allclose(rm.numpy(), 0.1 * x.numpy().mean(0), rtol=1e-5)
    np.testing.assert_allclose(rv.numpy(), 0.9 + 0.1 * x.numpy().var(0, ddof=1), rtol=1e-5)


def test_batch_norm_second_derivatives_match_torch(torch, rng):
    x, w, b = rng.standard_normal((3, 2, 2, 3)), rng.standard_normal(2), rng.standard_normal(2)
    assert_matches_torch(
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        lambda x, w, b: torch.nn.functional.batch_norm(x, None, None, w, b, training=True),
        [x, w, b],
    )


def test_batch_norm_gradcheck_and_gradgradcheck(rng):
    x = _mg(rng.standard_normal((4, 2, 2, 2)))
    w, b = _mg(rng.standard_normal(2)), _mg(rng.standard_normal(2))
    fn = lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)
    assert mg.gradcheck(fn, [x, w, b])
    assert mg.gradgradcheck(fn, [x, w, b])


def test_batch_norm_errors():
    x = mg.zeros(4, 3, 2, 2)
    with pytest.raises(ValueError, match=r"running_mean has shape \(2,\), expected \(3,\)"):
        F.batch_norm(x, np.zeros(2), np.ones(3), training=True)
    with pytest.raises(ValueError, match="more than one value per channel"):
        F.batch_norm(mg.zeros(1, 3), None, None, training=True)
    with pytest.raises(ValueError, match="needs running_mean and running_var"):
        F.batch_norm(x, None, None, training=False)


def test_dropout_keeps_the_expected_value_and_is_identity_in_eval():
    mg.manual_seed(0)
    x = mg.ones(200, 500)
    y = F.dropout(x, 0.3, training=True)
    kept = y.numpy() != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y.numpy()[kept], 1 / 0.7, rtol=1e-6)
    assert abs(y.numpy().mean() - 1.0) < 0.01 and y.dtype == mg.float32
    assert F.dropout(x, 0.3, training=False) is x
    assert np.all(F.dropout(x, 1.0).numpy() == 0)


def test_dropout_is_reproducible_with_manual_seed_and_masks_the_gradient():
    x = mg.ones(4, 6, requires_grad=True)
    mg.manual_seed(3)
    a = F.dropout(x, 0.5)
    mg.manual_seed(3)
    b = F.dropout(x, 0.5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    a.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), a.numpy())  # d(sum)/dx = mask / (1 - p)
    with pytest.raises(ValueError, match=r"must be in \[0, 1\], got 1.5"):
        F.dropout(x, 1.5)


# --------------------------------------------------------------------------------------------
# Linear, pad, activations


def test_linear_matches_torch(torch, rng):
    x, w, b = rng.standard_normal((5, 3, 4)), rng.standard_normal((2, 4)), rng.standard_normal(2)
    assert_matches_torch(F.linear, torch.nn.functional.linear, [x, w, b])


def test_linear_error_names_the_shapes():
    with pytest.raises(ValueError, match=r"input has 5 features .* weight expects 4"):
        F.linear(mg.zeros(2, 5), mg.zeros(3, 4))


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate"])
@pytest.mark.parametrize("widths", [(1, 2), (2, 0, 1, 3), (0, 3)])
def test_pad_matches_torch(mode, widths, torch, rng):
    x = rng.standard_normal((2, 3, 5, 4) if len(widths) == 4 else (3, 5, 4))
    kw = dict(mode=mode, value=1.5) if mode == "constant" else dict(mode=mode)
    assert_matches_torch(
        lambda t: F.pad(t, widths, **kw),
        lambda t: torch.nn.functional.pad(t, widths, **kw),
        [x],
        1,
    )


def test_pad_reflect_error():
    with pytest.raises(ValueError, match="must be smaller than the size 3"):
        F.pad(mg.zeros(1, 1, 3), (3, 0), mode="reflect")


ACTIVATIONS = [
    ("relu", lambda F_, t: F_.relu(t)),
    ("sigmoid", lambda F_, t: F_.sigmoid(t)),
    ("tanh", lambda F_, t: F_.tanh(t)),
    ("elu", lambda F_, t: F_.elu(t, alpha=0.7)),
    ("leaky_relu", lambda F_, t: F_.leaky_relu(t, 0.1)),
    ("softmax", lambda F_, t: F_.softmax(t, dim=1)),
    ("log_softmax", lambda F_, t: F_.log_softmax(t, dim=-1)),
]


@pytest.mark.parametrize("name, fn", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activations_match_torch(name, fn, torch, rng):
    x = rng.standard_normal((3, 4, 5)) * 3
    assert_matches_torch(lambda t: fn(F, t), lambda t: fn(torch.nn.functional, t), [x])


def test_prelu_matches_torch(torch, rng):
    x, a = rng.standard_normal((3, 4, 2, 2)), rng.standard_normal(4)
    assert_matches_torch(F.prelu, torch.nn.functional.prelu, [x, a])


def test_elu_is_finite_for_huge_inputs():
    x = mg.tensor([-1e4, 0.0, 1e4], requires_grad=True)
    y = F.elu(x)
    y.sum().backward()
    assert np.all(np.isfinite(y.numpy())) and np.all(np.isfinite(x.grad.numpy()))


# --------------------------------------------------------------------------------------------
# Losses


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smooth", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_matches_torch(reduction, smooth, weighted, torch, rng):
    logits = rng.standard_normal((6, 4)) * 3
    target = np.array([0, 3, 1, -100, 2, 3])  # one ignored sample
    weight = np.array([1.0, 2.0, 0.5, 3.0]) if weighted else None
    tweight = None if weight is None else torch.tensor(weight)
    assert_matches_torch(
        lambda t: F.cross_entropy(t, target, weight, reduction=reduction, label_smoothing=smooth),
        lambda t: torch.nn.functional.cross_entropy(
            t, torch.tensor(target), tweight, reduction=reduction, label_smoothing=smooth
        ),
        [logits],
    )


def test_cross_entropy_spatial_and_probability_targets_match_torch(torch, rng):
    tf = torch.nn.functional
    x = rng.standard_normal((2, 3, 4, 5))
    t = rng.integers(0, 3, size=(2, 4, 5))
    assert_matches_torch(
        lambda a: F.cross_entropy(a, t),
        lambda a: tf.cross_entropy(a, torch.tensor(t)),
        [x],
    )
    p = rng.dirichlet(np.ones(3), size=5)
    logits = rng.standard_normal((5, 3))
    assert_matches_torch(
        lambda a: F.cross_entropy(a, mg.tensor(p, dtype="float64"), label_smoothing=0.1),
        lambda a: tf.cross_entropy(a, torch.tensor(p), label_smoothing=0.1),
        [logits],
    )


def test_cross_entropy_is_finite_for_logits_of_1e4():
    logits = mg.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], requires_grad=True)
    loss = F.cross_entropy(logits, [1, 0])
    loss.backward()
    # row 1: 1e4 - (-1e4); row 2: 1e4 + log(2) - (-1e4); the mean of the two
    assert np.isfinite(loss.item()) and loss.item() == pytest.approx(2e4 + np.log(2) / 2)
    assert np.all(np.isfinite(logits.grad.numpy()))
    assert loss.dtype == mg.float32


def test_nll_loss_matches_torch(torch, rng):
    logp = np.log(rng.dirichlet(np.ones(5), size=4))
    target = np.array([4, 0, 2, 2])
    weight = rng.random(5) + 0.5
    for kw in (dict(), dict(reduction="sum"), dict(ignore_index=2)):
        ours = F.nll_loss(_mg(logp), target, mg.tensor(weight, dtype="float64"), **kw)
        theirs = torch.nn.functional.nll_loss(
            torch.tensor(logp), torch.tensor(target), torch.tensor(weight), **kw
        )
        _close(ours, theirs)


def test_loss_target_errors():
    x = mg.zeros(3, 4)
    with pytest.raises(IndexError, match="target holds class 4, but input has 4 classes"):
        F.cross_entropy(x, [0, 4, 1])
    with pytest.raises(ValueError, match=r"target has shape \(2,\), expected \(3,\)"):
        F.cross_entropy(x, [0, 1])
    with pytest.raises(TypeError, match="class indices"):
        F.nll_loss(x, mg.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="reduction must be"):
        F.cross_entropy(x, [0, 1, 2], reduction="avg")
    with pytest.raises(ValueError, match=r"input has shape \(3, 1\) but target has shape \(3,\)"):
        F.mse_loss(mg.zeros(3, 1), mg.zeros(3))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_match_torch(reduction, torch, rng):
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    target, ttarget = mg.tensor(y, dtype="float64"), torch.tensor(y)
    tf = torch.nn.functional
    assert_matches_torch(
        lambda a: F.mse_loss(a, target, reduction=reduction),
        lambda a: tf.mse_loss(a, ttarget, reduction=reduction),
        [x],
    )
    assert_matches_torch(
        lambda a: F.l1_loss(a, target, reduction=reduction),
        lambda a: tf.l1_loss(a, ttarget, reduction=reduction),
        [x],
    )


def test_binary_cross_entropy_with_logits_matches_torch(torch, rng):
    x = rng.standard_normal((5, 3)) * 4
    x[0, 0] = 0.0  # the kink of max(-x, 0): the gradient must still be sigmoid(0) - y
    y = rng.random((5, 3))
    pw = rng.random(3) + 0.5
    ours, theirs = (
        F.binary_cross_entropy_with_logits,
        torch.nn.functional.binary_cross_entropy_with_logits,
    )
    target, ttarget = mg.tensor(y, dtype="float64"), torch.tensor(y)
    for kw in (dict(), dict(pos_weight=pw), dict(reduction="none", weight=pw)):
        tkw = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
        assert_matches_torch(
            lambda a, kw=kw: ours(a, target, **kw),
            lambda a, tkw=tkw: theirs(a, ttarget, **tkw),
            [x],
        )


def test_binary_cross_entropy_with_logits_is_finite_at_1e4():
    x = mg.tensor([1e4, -1e4, 0.0], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, mg.tensor([0.0, 1.0, 1.0]), reduction="sum")
    loss.backward()
    assert loss.item() == pytest.approx(2e4 + np.log(2), rel=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -1.0, -0.5], atol=1e-6)


def test_binary_cross_entropy_matches_torch(torch, rng):
    p = rng.random((4, 3)) * 0.98 + 0.01
    y = rng.random((4, 3))
    assert_matches_torch(
        lambda a: F.binary_cross_entropy(a, mg.tensor(y, dtype="float64")),
        lambda a: torch.nn.functional.binary_cross_entropy(a, torch.tensor(y)),
        [p],
        1,
    )


# --------------------------------------------------------------------------------------------
# The proof that nothing is hand-written


@pytest.mark.parametrize(
    "name, shapes, build",
    [
        (
            "conv2d",
            [(2, 2, 6, 6), (3, 2, 3, 3), (3,)],
            lambda x, w, b: F.conv2d(x, w, b, padding=1),
        ),
        ("conv2d", [(2, 4, 6, 5), (4, 2, 3, 1)], lambda x, w: F.conv2d(x, w, stride=2, groups=2)),
        ("max_pool2d", [(2, 2, 6, 6)], lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True)),
        ("avg_pool2d", [(2, 2, 6, 6)], lambda x: F.avg_pool2d(x, 2, 2, 1, count_include_pad=False)),
        (
            "batch_norm",
            [(4, 2, 3, 3), (2,), (2,)],
            lambda x, w, b: F.batch_norm(x, None, None, w, b, True),
        ),
        ("cross_entropy", [(3, 5)], lambda x: F.cross_entropy(x, [0, 1, 4], label_smoothing=0.1)),
    ],
)
def test_every_node_is_an_engine_primitive(name, shapes, build, rng):
    """conv2d, pooling and batch_norm are compositions: no node of their graph (and none of
    their gradient's graph) is anything but a primitive from minigrad/ops."""
    primitives = primitive_classes()
    inputs = [mg.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    y = build(*inputs)
    fns = graph_functions(y)
    assert fns, "the output has no graph"
    assert {type(f) for f in fns} <= primitives, {type(f).__name__ for f in fns} - {
        p.__name__ for p in primitives
    }
    assert all(f.scope and f.scope[0].name == name for f in fns)  # grouped for the pictures
    grads = mg.grad((y * y).sum(), inputs, create_graph=True)
    for g in grads:
        assert {type(f) for f in graph_functions(g)} <= primitives


def test_functional_is_exposed_on_the_package():
    assert mg.functional is F
    assert all(callable(getattr(F, name)) for name in F.__all__)
