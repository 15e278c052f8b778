"""The edge cases that used to be silently wrong, one named test each, with known numbers
(and PyTorch where it is installed); then the deliberate differences from PyTorch that
docs/differences.md lists, each checked to be what the page says."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from torch_oracle import assert_matches_torch

import minigrad as mg
import minigrad.functional as F
from minigrad import nn

NAN, INF = math.nan, math.inf


def _grad(fn, *values, dtype=mg.float64):
    xs = [mg.tensor(v, dtype=dtype, requires_grad=True) for v in values]
    with np.errstate(all="ignore"):
        y = fn(*xs)
        grads = mg.grad(y.sum(), xs, allow_unused=True)
    return y, grads


# --------------------------------------------------------------------------------------------
# NaN and inf propagate as in PyTorch


def test_relu_of_nan_is_nan_and_passes_the_gradient(torch):
    y, (g,) = _grad(lambda x: x.relu(), [NAN, -1.0, 1.0, 0.0])
    np.testing.assert_array_equal(y.numpy(), [NAN, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(g.numpy(), [1.0, 0.0, 1.0, 0.0])
    assert_matches_torch(lambda x: x.relu(), torch.relu, [np.array([NAN, -1.0, 1.0, 0.0])])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("layout", ["contiguous", "permuted"])
def test_relu_keeps_the_sign_of_zero_as_pytorch_and_its_gradient_at_zero_is_zero(
    torch, dtype, layout
):
    """relu(-0.0) is -0.0 in PyTorch (clamp_min keeps it); it shows in 1 / relu(x), whose
    gradient at -0.0 is -inf (the property suite found +inf here). The gradient of relu at
    either zero stays 0, and an input without -0.0 gives the same zeros as before."""
    values = np.array([[-0.0, 0.0, -3.0, NAN], [2.0, -INF, INF, -0.0]], dtype=dtype)
    x = values if layout == "contiguous" else np.ascontiguousarray(values.T).T  # strided
    ours = mg.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    y, ty = ours.relu(), torch.relu(theirs)
    np.testing.assert_array_equal(np.signbit(y.numpy()), np.signbit(ty.detach().numpy()))
    assert np.signbit(y.numpy()).sum() == 2 and y.dtype == ours.dtype
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
    assert ours.grad.numpy()[0, 0] == ours.grad.numpy()[0, 1] == 0.0
    assert not np.signbit(mg.tensor(np.abs(values)).relu().numpy()).any()
    assert_matches_torch(lambda x: x / x.relu(), lambda t: t / torch.relu(t), [x], 1)


def test_max_amax_min_and_pools_propagate_nan(torch):
    x = np.array([[1.0, NAN, 3.0, NAN], [5.0, 6.0, 7.0, 8.0]])
    for fn, tfn in [
        (lambda t: t.amax(1), lambda t: t.amax(1)),
        (lambda t: t.max(), lambda t: t.max()),
        (lambda t: t.min(), lambda t: t.min()),
        (lambda t: t.max(1).values, lambda t: t.max(1).values),
        (lambda t: mg.maximum(t, t[:, :1]), lambda t: torch.maximum(t, t[:, :1])),
    ]:
        assert_matches_torch(fn, tfn, [x])
    image = x.reshape(1, 1, 2, 4)
    y = F.max_pool2d(mg.tensor(image), 2).numpy()
    np.testing.assert_array_equal(y, [[[[NAN, NAN]]]])
    for kw in (dict(kernel_size=2), dict(kernel_size=2, stride=1, padding=1)):
        assert_matches_torch(
            lambda t, kw=kw: F.max_pool2d(t, **kw),
            lambda t, kw=kw: torch.nn.functional.max_pool2d(t, **kw),
            [image],
        )
        assert_matches_torch(
            lambda t, kw=kw: F.avg_pool2d(t, **kw),
            lambda t, kw=kw: torch.nn.functional.avg_pool2d(t, **kw),
            [image],
        )


def test_cross_entropy_with_a_masked_minus_inf_logit_is_finite(torch):
    """PyTorch: 1.3133, gradient [-0.7311, 0, 0.7311] (it was NaN: 0 * -inf)."""
    loss, (g,) = _grad(lambda x: F.cross_entropy(x, mg.tensor([0])), [[0.0, -INF, 1.0]])
    assert loss.item() == pytest.approx(math.log(1 + math.e), abs=1e-12)  # 1.3133
    np.testing.assert_allclose(g.numpy(), [[-0.7311, 0.0, 0.7311]], atol=1e-4)
    logits = np.array([[0.0, -INF, 1.0], [2.0, 0.5, -INF]])
    for kw in (dict(), dict(label_smoothing=0.1), dict(reduction="none")):
        assert_matches_torch(
            lambda x, kw=kw: F.cross_entropy(x, mg.tensor([0, 1]), **kw),
            lambda t, kw=kw: torch.nn.functional.cross_entropy(t, torch.tensor([0, 1]), **kw),
            [logits],
        )
    assert_matches_torch(
        lambda x: F.nll_loss(x.log_softmax(1), mg.tensor([0, 1])),
        lambda t: torch.nn.functional.nll_loss(t.log_softmax(1), torch.tensor([0, 1])),
        [logits],
    )


def test_logsumexp_of_all_minus_inf_is_minus_inf(torch):
    y, (g,) = _grad(lambda x: x.logsumexp(0), [-INF, -INF])
    assert y.item() == -INF
    assert np.isnan(g.numpy()).all()  # PyTorch's gradient: exp(x - result) = exp(nan)
    for row in ([-INF, -INF], [INF, 1.0], [NAN, 1.0], [-INF, 0.0]):
        assert_matches_torch(lambda x: x.logsumexp(0), lambda t: t.logsumexp(0), [np.array(row)])


# --------------------------------------------------------------------------------------------
# Edge gradients as PyTorch defines them


def test_std_and_var_at_zero_spread_have_gradient_zero(torch):
    y, (g,) = _grad(lambda x: x.std(1), np.ones((2, 3)))
    np.testing.assert_array_equal(y.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(g.numpy(), np.zeros((2, 3)))  # it was NaN (1 / 0 * 0)
    data = np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]])
    for name in ("std", "var"):
        assert_matches_torch(
            lambda x, n=name: getattr(x, n)(1), lambda t, n=name: getattr(t, n)(1), [data]
        )


def test_pow_gradient_in_the_exponent_at_zero_base(torch):
    x, y = np.array([0.0, 0.0, 0.0, 2.0]), np.array([2.0, 0.0, -1.0, 0.5])
    _, (gx, gy) = _grad(lambda a, b: a**b, x, y)
    np.testing.assert_array_equal(gy.numpy()[:2], [0.0, 0.0])  # it was NaN (0 * log 0)
    np.testing.assert_array_equal(gx.numpy()[1], 0.0)  # y = 0: x^0 = 1 does not change
    assert_matches_torch(lambda a, b: a**b, lambda a, b: a**b, [x, y])
    assert_matches_torch(lambda b: 0.0**b, lambda b: 0.0**b, [y])


def test_binary_cross_entropy_clamps_the_log_and_keeps_a_gradient(torch):
    p, y = np.array([0.0, 1.0, 1.0, 0.0, 1e-13]), np.array([1.0, 0.0, 1.0, 0.0, 0.5])
    loss, (g, _) = _grad(F.binary_cross_entropy, p, y)
    last = -(0.5 * math.log(1e-13) + 0.5 * math.log1p(-1e-13))  # not saturated: exact
    assert loss.item() == pytest.approx((100 + 100 + 0 + 0 + last) / 5, rel=1e-12)
    np.testing.assert_allclose(g.numpy(), [-2e11, 2e11, 0.0, 0.0, -1e11], rtol=1e-6)
    assert_matches_torch(
        F.binary_cross_entropy,
        torch.nn.functional.binary_cross_entropy,
        [p, y],
        1,
        differentiate=[True, False],
    )


def test_argmin_and_argmax_for_every_dtype(torch):
    for values, dtype in [
        ([3, 0, 255, 7], mg.uint8),
        ([3, -5, 2, -5], mg.int64),
        ([1.0, NAN, -2.0, NAN], mg.float32),
        ([2.0, -0.0, 0.0, 2.0], mg.float64),
    ]:
        a = np.array(values, dtype=dtype)
        for name in ("argmin", "argmax"):
            assert_matches_torch(
                lambda x, n=name: getattr(x, n)(), lambda t, n=name: getattr(t, n)(), [a]
            )
            assert_matches_torch(
                lambda x, n=name: getattr(x, n)(0), lambda t, n=name: getattr(t, n)(0), [a]
            )
    assert mg.tensor(np.array([3, 0, 255], np.uint8)).argmin().item() == 1  # it was 2 (-x wraps)
    flags = mg.tensor([True, False, True])
    assert (flags.argmin().item(), flags.argmax().item()) == (1, 0)


# --------------------------------------------------------------------------------------------
# Padding, gradcheck, 0-d and zero-size tensors


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "constant"])
@pytest.mark.parametrize("widths", [(-1, 2), (-1, -1), (2, -3), (4, 4), (5, 0), (-6, 2), (-2, -3)])
def test_pad_with_negative_or_large_widths_is_pytorchs_result_or_a_named_error(mode, widths, torch):
    x = np.arange(1.0, 6.0).reshape(1, 1, 5)
    if mode == "circular" and widths == (-6, 2):  # PyTorch returns uninitialised memory
        with pytest.raises(ValueError, match="wrap around more than once"):
            F.pad(mg.tensor(x), widths, mode=mode)
        return
    result = assert_matches_torch(
        lambda t: F.pad(t, widths, mode=mode),
        lambda t: torch.nn.functional.pad(t, widths, mode=mode),
        [x],
    )
    if isinstance(result[0], Exception):
        assert str(result[0]).startswith("pad:") and str(widths[0]) in str(result[0])


def test_pad_reflect_with_negative_widths_was_garbage():
    y = F.pad(mg.tensor(np.arange(1.0, 6.0).reshape(1, 1, 5)), (2, -3), mode="reflect")
    np.testing.assert_array_equal(y.numpy().ravel(), [3.0, 2.0, 1.0, 2.0])


def test_gradcheck_on_a_transposed_input():
    x = mg.tensor(np.random.default_rng(0).standard_normal((3, 4)), dtype=mg.float64).T
    assert not x.numpy().flags.c_contiguous
    x.requires_grad_()
    assert mg.gradcheck(lambda t: (t * t.exp()).sum(1), [x])  # it reported a false failure

    class WrongSquare(mg.autograd.Function):
        def forward(self, a):
            return a * a

        def backward(self, grad):
            return grad * self.inputs[0]  # should be 2 * a

    with pytest.raises(mg.GradcheckError, match="input 0"):
        mg.gradcheck(lambda t: WrongSquare.apply(t), [x])


def test_gradcheck_fails_on_a_nan_gradient():
    class NanGrad(mg.autograd.Function):
        def forward(self, a):
            return a * 2

        def backward(self, grad):
            return grad * math.nan

    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    assert not mg.gradcheck(lambda t: NanGrad.apply(t), [x], raise_exception=False)


def test_zero_d_and_zero_size_tensors_through_reductions(torch):
    assert mg.tensor(1.0).sum(0).item() == 1.0
    assert mg.zeros(0, 3).amax(1).shape == (0,)
    assert mg.zeros(0, 3).sum().item() == 0.0
    assert math.isnan(mg.zeros(0, 3).mean().item())
    cases = [
        (np.array(1.5), [("sum", 0), ("amax", 0), ("max", 0), ("argmax", 0), ("logsumexp", 0),
                         ("softmax", 0), ("mean", -1), ("var", 0)]),
        (np.zeros((0, 3)), [("sum", None), ("sum", 0), ("mean", None), ("mean", 0), ("amax", 1),
                            ("amax", 0), ("max", 1), ("max", 0), ("argmax", 1), ("argmax", 0),
                            ("logsumexp", 0), ("logsumexp", 1), ("softmax", 0), ("var", 0),
                            ("std", 1), ("amin", None), ("min", None)]),
    ]  # fmt: skip
    for x, calls in cases:
        for name, dim in calls:
            fn = lambda t, n=name, d=dim: getattr(t, n)() if d is None else getattr(t, n)(d)  # noqa: E731
            assert_matches_torch(fn, fn, [x], 1, what=f"{name}({dim})")


def test_zero_size_batches_through_pools_conv_and_losses(torch):
    x = np.zeros((0, 2, 4, 4))
    tf = torch.nn.functional
    for fn, tfn in [
        (lambda t: F.max_pool2d(t, 2), lambda t: tf.max_pool2d(t, 2)),
        (lambda t: F.avg_pool2d(t, 3, 1, 1), lambda t: tf.avg_pool2d(t, 3, 1, 1)),
        (lambda t: F.adaptive_avg_pool2d(t, 1), lambda t: tf.adaptive_avg_pool2d(t, 1)),
        (
            lambda t: F.batch_norm(t, None, None, training=True),
            lambda t: tf.batch_norm(t, None, None, training=True),
        ),  # noqa: E501
    ]:
        assert_matches_torch(fn, tfn, [x], 1)
    assert_matches_torch(F.conv2d, tf.conv2d, [x, np.ones((3, 2, 2, 2))], 1)
    assert_matches_torch(
        lambda t: F.cross_entropy(t, mg.zeros(0, dtype=mg.int64)),
        lambda t: tf.cross_entropy(t, torch.zeros(0, dtype=torch.int64)),
        [np.zeros((0, 3))],
    )


def test_cat_and_stack_promote_dtypes_like_torch(torch):
    ints, floats = np.ones((2, 2), np.int64), np.ones((1, 2), np.float32)
    for fn, tfn in [(mg.cat, torch.cat), (mg.stack, torch.stack)]:
        out = assert_matches_torch(
            lambda a, b, f=fn: f([a[:1], b]), lambda a, b, f=tfn: f([a[:1], b]), [ints, floats], 1
        )
        assert out[0].dtype == mg.float32  # numpy would say float64


# --------------------------------------------------------------------------------------------
# The deliberate differences listed in docs/differences.md (each row names its test here)


def test_difference_variance_without_degrees_of_freedom():
    """var/std over n <= correction numbers: inf or NaN as in PyTorch; the gradient is
    NaN or inf too (PyTorch's formula gives other non-finite numbers), never finite."""
    y, (g,) = _grad(lambda x: x.var(), [0.5])
    assert math.isnan(y.item()) and math.isnan(g.numpy()[0])
    y, (g,) = _grad(lambda x: x.var(0, correction=3), [0.5, 2.0])
    assert y.item() == INF and not np.isfinite(g.numpy()).any()


def test_difference_variance_of_infinite_values():
    """The slice's value is NaN as in PyTorch; the gradient is NaN on the whole slice."""
    y, (g,) = _grad(lambda x: x.var(1), [[INF, 1.0, 2.0], [1.0, 2.0, 4.0]])
    assert math.isnan(y.numpy()[0]) and np.isnan(g.numpy()[0]).all()
    assert np.isfinite(g.numpy()[1]).all()


def test_difference_argmax_of_bool_tensors_is_answered():
    assert mg.tensor([False, True, True]).argmax().item() == 1


def test_difference_numpy_warns_where_pytorch_is_silent():
    """Outside division, log, sqrt and powers (tests/test_quiet_edges.py), numpy's warning
    stays: an overflowing exp warns, with PyTorch's value."""
    with pytest.warns(RuntimeWarning, match="overflow"):
        y = mg.tensor([1000.0]).exp()
    assert y.item() == INF
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mg.tensor([1.0]).exp()  # no warning for ordinary numbers


def test_difference_pad_modes_on_any_number_of_dims():
    x = mg.tensor(np.arange(4.0))  # 1-D: PyTorch refuses reflect here
    np.testing.assert_array_equal(F.pad(x, (2, 1), mode="reflect").numpy(), [2, 1, 0, 1, 2, 3, 2])
    cube = mg.zeros(2, 2, 2, 2)
    assert F.pad(cube, (1, 1) * 4, mode="replicate").shape == (4, 4, 4, 4)


def test_difference_windows_of_padding_only_and_wrapping_twice_are_refused():
    with pytest.raises(ValueError, match="nothing but padding"):
        F.max_pool2d(mg.zeros(1, 1, 1, 1), 2, padding=1, dilation=2)
    with pytest.raises(ValueError, match="wrap around more than once"):
        F.pad(mg.zeros(1, 1, 5), (-3, 3), mode="circular")


def test_difference_bce_second_derivative_at_saturation():
    """First derivative PyTorch's, (p - y) / 1e-12; second derivative 1 / 1e-12 there."""
    p = mg.tensor([0.0, 0.4], dtype=mg.float64, requires_grad=True)
    loss = F.binary_cross_entropy(p, mg.tensor([1.0, 1.0], dtype=mg.float64), reduction="sum")
    (g,) = mg.grad(loss, [p], create_graph=True)
    (h,) = mg.grad(g.sum(), [p])
    np.testing.assert_allclose(g.numpy(), [-1e12, -1 / 0.4])
    np.testing.assert_allclose(h.numpy(), [1e12, 1 / 0.16])


def test_difference_second_derivative_where_an_infinite_gradient_meets_a_mask():
    """elu(x) ** 3 at x = inf: PyTorch's second derivative is NaN (inf * 0), ours -inf or
    inf: the mask selects instead of multiplying. First derivatives agree (inf)."""
    x = mg.tensor([INF], dtype=mg.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        (g,) = mg.grad((F.elu(x, 0.5) ** 3).sum(), [x], create_graph=True)
        (h,) = mg.grad(g.sum(), [x])
    assert g.item() == INF and not math.isnan(h.item())


def test_difference_mse_and_l1_refuse_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match="silently broadcast"):
        F.mse_loss(mg.zeros(3, 1), mg.zeros(3))


def test_difference_class_weights_of_another_float_dtype_are_converted():
    x = mg.zeros(2, 3)  # float32
    loss = F.cross_entropy(
        x, mg.tensor([0, 2]), weight=mg.tensor([1.0, 2.0, 3.0], dtype=mg.float64)
    )
    assert loss.dtype == mg.float32 and loss.item() == pytest.approx(math.log(3))


def test_difference_integer_inputs_to_pools_and_convolution_are_refused():
    with pytest.raises(TypeError, match="floating-point"):
        F.max_pool2d(mg.zeros(1, 1, 2, 2, dtype=mg.int64), 2)


@pytest.mark.parametrize("layer", [nn.MaxPool2d(2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1)])
def test_difference_pool_layers_refuse_an_unbatched_image(layer):
    with pytest.raises(ValueError, match="unsqueeze"):
        layer(mg.zeros(2, 4, 4))
    assert F.max_pool2d(mg.zeros(2, 4, 4), 2).shape == (2, 2, 2)  # functional accepts it


def test_every_test_named_in_docs_differences_exists():
    """docs/differences.md names a test for each difference: each must exist."""
    root = Path(__file__).resolve().parent.parent
    text = (root / "docs" / "differences.md").read_text()
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`((?:, `::\w+`)*)", text)
    assert len(named) >= 10
    for path, name, more in named:
        source = (root / path).read_text()
        for test in [name] + re.findall(r"::(\w+)", more):
            assert not test or f"def {test}(" in source, f"{path}::{test} is named but missing"


def test_difference_slices_with_a_negative_step_are_allowed():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x[::-1]
    (y * mg.tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(y.numpy(), [3.0, 2.0, 1.0])
    np.testing.assert_array_equal(x.grad.numpy(), [100.0, 10.0, 1.0])


def test_difference_batch_norm_with_an_infinite_weight():
    x = mg.tensor([[1.0], [3.0]], dtype=mg.float64)
    weight = mg.tensor([-math.inf], dtype=mg.float64)
    y = F.batch_norm(x, np.array([2.0]), np.array([1.0]), weight, mg.zeros(1, dtype=mg.float64))
    np.testing.assert_array_equal(y.numpy().ravel(), [INF, -INF])  # PyTorch: NaN, NaN


def test_difference_elu_gradient_at_nan_is_one():
    for n in (2, 40):  # PyTorch: 1.0 for 2 elements, NaN for 40 (its vectorised loop)
        x = mg.zeros(n, dtype=mg.float64)
        x.numpy()[0] = math.nan
        x.requires_grad_()
        F.elu(x, 0.5).sum().backward()
        assert x.grad.numpy()[0] == 1.0


def test_difference_an_infinite_weight_meets_the_zero_padding():
    """0 x inf is NaN: a window that covers padding and an infinite weight is NaN (PyTorch
    agrees here; some of its kernels skip padded or cropped positions and give a number)."""
    w = np.array([[[[INF, 1.0], [1.0, 1.0]]]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's 'invalid value' notice
        out = F.conv2d(mg.ones(1, 1, 2, 2), mg.tensor(w), padding=1).numpy()[0, 0]
        assert np.isnan(out[0, 0]) and out[1, 1] == INF  # padding meets inf; a 1 meets inf
        w = np.array([[[[INF, 1, 2], [1, -3, 1], [1, 1, 1]]]], dtype=np.float32)
        x = mg.ones(1, 1, 1, 1, requires_grad=True)
        y = F.conv_transpose2d(x, mg.tensor(w), padding=1)  # keeps the centre tap only
        y.sum().backward()
    assert y.item() == -3.0
    assert math.isnan(x.grad.item())  # the cropped positions' zero gradient meets the inf


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_difference_depthwise_padding_meets_an_infinite_weight_in_either_dtype(dtype):
    """The same rule in the depthwise path (groups = channels): the padded zeros meet the
    inf. PyTorch's float32 depthwise kernel skips them and gives x * centre weight there
    (0.0708 for the example the property suite found); its float64 kernel gives NaN, as
    minigrad does in both dtypes."""
    x = np.array([[[[0.12573022]], [[-0.13210486]]]], dtype=dtype)
    w = np.array([[[[0.126, -0.132, 0.640]]], [[[0.105, -0.536, -INF]]]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's 'invalid value' notice
        out = F.conv2d(mg.tensor(x), mg.tensor(w), padding="same", groups=2).numpy()
    assert out.shape == (1, 2, 1, 1) and out.dtype == dtype
    assert out[0, 0, 0, 0] == pytest.approx(0.12573022 * -0.132, rel=1e-6)  # finite weights
    assert np.isnan(out[0, 1, 0, 0])  # the padding on the right meets -inf


def test_difference_conv_transpose2d_cropped_to_nothing_is_an_error():
    """Padding that leaves no output pixel is refused; PyTorch returns an empty tensor for
    an output of 0 x 0 and raises 'Output size is too small' for 0 x 4."""
    with pytest.raises(ValueError, match="crops away everything"):
        F.conv_transpose2d(mg.ones(2, 1, 1, 1), mg.ones(1, 1, 2, 2), padding=1)
    with pytest.raises(ValueError, match="crops away everything"):
        F.conv_transpose2d(mg.ones(1, 1, 1, 3), mg.ones(1, 1, 2, 2), padding=(1, 0))


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
def test_negative_pad_widths_may_empty_some_covered_dims_but_not_all(mode):
    """PyTorch's rule: an empty result when some dim the widths cover keeps elements, a
    refusal when none does."""
    x = mg.ones(1, 5, 1, 1, requires_grad=True)
    y = F.pad(x, (0, 0, 0, 0, -2, -3), mode=mode)
    y.sum().backward()
    assert y.shape == (1, 0, 1, 1) and not x.grad.numpy().any()
    with pytest.raises(ValueError, match="leave no element"):
        F.pad(mg.ones(1, 2, 2), (0, -2, 0, -2), mode=mode)
