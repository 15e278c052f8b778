"""Property-based comparison of every minigrad.functional function with torch.nn.functional:
values, gradients, second derivatives, dtypes and shapes, over random shapes (zero-size
batches, unbatched images, size-1 dims) and options (stride, padding modes, dilation,
groups, ceil_mode, count_include_pad, reductions, label smoothing, ignore_index, class
weights, ...). Arguments PyTorch refuses must be refused too (assert_matches_torch)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from property_strategies import FLOATS, arrays, budget, fill
from torch_oracle import assert_matches_torch

import minigrad as mg
import minigrad.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# --------------------------------------------------------------------------------------------
# Convolution and windows


@st.composite
def conv_case(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c = groups * draw(st.integers(1, 2))
    o = groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    n = draw(st.sampled_from([0, 1, 2, 2, None]))  # None: one unbatched image
    stride = draw(st.sampled_from([1, 2, 3, (1, 2), (2, 1)]))
    dilation = draw(st.sampled_from([1, 1, 2, (1, 2)]))
    padding = draw(st.sampled_from([0, 1, 2, (1, 0), "valid", "same"]))
    if padding == "same":
        stride = 1
    x_shape = (c, h, w) if n is None else (n, c, h, w)
    kw_ = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    return x_shape, (o, c // groups, kh, kw), draw(st.booleans()), kw_


@pytest.mark.parametrize("fn", [F.conv2d, F.conv2d_naive], ids=["conv2d", "conv2d_naive"])
@budget(25)
@given(data=st.data(), case=conv_case())
def test_conv2d_matches_torch(fn, data, case):
    x_shape, w_shape, has_bias, kw = case
    dtype = data.draw(FLOATS)
    x, w = data.draw(arrays(x_shape, dtype)), data.draw(arrays(w_shape, dtype))
    # An inf/NaN weight meeting zero padding: NaN here, a number in some of PyTorch's
    # kernels (docs/differences.md; tests/test_numerics_edges.py shows ours)
    assume(np.isfinite(w).all() or kw["padding"] in (0, "valid"))
    inputs = [x, w] + ([data.draw(arrays(w_shape[:1], dtype))] if has_bias else [])
    assert_matches_torch(
        lambda *a: fn(*a, **kw), lambda *a: TF.conv2d(*a, **kw), inputs, what=f"{kw}"
    )


@st.composite
def window_case(draw):
    c, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    n = draw(st.sampled_from([0, 1, 2]))
    kw = dict(
        kernel_size=draw(st.sampled_from([1, 2, 3, (2, 3)])),
        dilation=draw(st.sampled_from([1, 2])),
        padding=draw(st.sampled_from([0, 1, (1, 0)])),
        stride=draw(st.sampled_from([1, 2, (2, 1)])),
    )
    return (n, c, h, w), kw


@budget(30)
@given(data=st.data(), case=window_case())
def test_unfold_and_fold_match_torch(data, case):
    shape, kw = case
    x = data.draw(arrays(shape))
    assert_matches_torch(lambda t: F.unfold(t, **kw), lambda t: TF.unfold(t, **kw), [x])
    try:
        cols_shape = TF.unfold(torch.zeros(shape, dtype=torch.float64), **kw).shape
    except RuntimeError:
        return
    cols = data.draw(arrays(tuple(cols_shape)))
    size = shape[2:]
    assert_matches_torch(lambda t: F.fold(t, size, **kw), lambda t: TF.fold(t, size, **kw), [cols])


# --------------------------------------------------------------------------------------------
# Pooling


@st.composite
def pool_case(draw, with_dilation=True):
    c, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    n = draw(st.sampled_from([0, 1, 2, None]))
    k = draw(st.sampled_from([1, 2, 2, 3, (2, 3), (3, 1)]))
    kw = dict(
        kernel_size=k,
        stride=draw(st.sampled_from([None, 1, 2, 3, (1, 2)])),
        padding=draw(st.sampled_from([0, 0, 1, (1, 0)])),
        ceil_mode=draw(st.booleans()),
    )
    if with_dilation:
        kw["dilation"] = draw(st.sampled_from([1, 1, 2, (2, 1)]))
    return ((c, h, w) if n is None else (n, c, h, w)), kw


@budget(40)
@given(data=st.data(), case=pool_case())
def test_max_pool2d_matches_torch(data, case):
    shape, kw = case
    x = data.draw(arrays(shape))
    if _some_window_is_all_padding(shape, kw):  # PyTorch reads uninitialised memory (crashes)
        with pytest.raises(ValueError, match="max_pool2d: "):
            F.max_pool2d(mg.tensor(x), **kw)
        return
    assert_matches_torch(
        lambda t: F.max_pool2d(t, **kw), lambda t: TF.max_pool2d(t, **kw), [x], what=f"{kw}"
    )


def _some_window_is_all_padding(shape, kw) -> bool:
    """Windows that see no input pixel: only possible with dilation (see max_pool2d)."""
    pair = lambda v: (v, v) if isinstance(v, int) else tuple(v)  # noqa: E731
    k, p, d = pair(kw["kernel_size"]), pair(kw["padding"]), pair(kw["dilation"])
    s = k if kw["stride"] is None else pair(kw["stride"])
    for size, k_, s_, p_, d_ in zip(shape[-2:], k, s, p, d):
        if p_ > (d_ * (k_ - 1) + 1) // 2:
            return False  # refused by both for another reason
        span = d_ * (k_ - 1) + 1
        room = size + 2 * p_ - span
        if room < 0 and not kw["ceil_mode"]:
            return False
        count = (-(-room // s_) if kw["ceil_mode"] else room // s_) + 1
        if kw["ceil_mode"] and (count - 1) * s_ >= size + p_:
            count -= 1
        starts = np.arange(max(count, 0))[:, None] * s_ - p_ + np.arange(k_) * d_
        if not ((starts >= 0) & (starts < size)).any(axis=1).all():
            return True
    return False


@budget(40)
@given(data=st.data(), case=pool_case(with_dilation=False))
def test_avg_pool2d_matches_torch(data, case):
    shape, kw = case
    kw["count_include_pad"] = data.draw(st.booleans())
    kw["divisor_override"] = data.draw(st.sampled_from([None, None, 1, 3]))
    x = data.draw(arrays(shape))
    assert_matches_torch(
        lambda t: F.avg_pool2d(t, **kw), lambda t: TF.avg_pool2d(t, **kw), [x], what=f"{kw}"
    )


@budget(40)
@given(data=st.data())
def test_adaptive_avg_pool2d_matches_torch(data):
    n = data.draw(st.sampled_from([0, 1, 2, None]))
    c, h, w = (
        data.draw(st.integers(1, 2)),
        data.draw(st.integers(1, 7)),
        data.draw(st.integers(1, 7)),
    )
    size = data.draw(
        st.one_of(
            st.integers(0, 5),
            st.tuples(
                st.one_of(st.none(), st.integers(1, 5)), st.one_of(st.none(), st.integers(1, 5))
            ),
        )
    )
    x = data.draw(arrays((c, h, w) if n is None else (n, c, h, w)))
    empty = size == 0 or n == 0  # PyTorch's backward refuses an empty output or batch
    assert_matches_torch(
        lambda t: F.adaptive_avg_pool2d(t, size),
        lambda t: TF.adaptive_avg_pool2d(t, size),
        [x],
        0 if empty else 2,
        what=f"output_size={size}",
    )


# --------------------------------------------------------------------------------------------
# Normalisation, dropout, linear, pad


@budget(40)
@given(data=st.data())
def test_batch_norm_matches_torch_including_running_statistics(data):
    c = data.draw(st.integers(1, 3))
    shape = data.draw(st.sampled_from([(4, c), (3, c, 2), (2, c, 2, 3), (1, c, 2), (0, c)]))
    dtype = data.draw(FLOATS)
    x = data.draw(arrays(shape, dtype))
    # (finite weights: an infinite one gives NaN in PyTorch's fused x * a + (b - mean * a),
    # +-inf in minigrad's (x - mean) * a + b; docs/differences.md)
    finite = ("normal", "ties", "positive")
    weight, bias = (
        data.draw(st.one_of(st.none(), arrays((c,), dtype, kinds=finite))) for _ in range(2)
    )
    mean, var = fill(1, (c,), dtype, "normal"), fill(2, (c,), dtype, "positive")
    training = data.draw(st.booleans())
    momentum = data.draw(st.sampled_from([0.1, 0.5, 1.0]))
    eps = data.draw(st.sampled_from([1e-5, 1e-3, 0.0]))
    inputs = [x] + [a for a in (weight, bias) if a is not None]

    def split(args):
        rest = list(args[1:])
        return args[0], rest.pop(0) if weight is not None else None, rest.pop(0) if rest else None

    def ours(*args):
        x, w, b = split(args)
        rm, rv = mg.tensor(mean.copy(), dtype=dtype), mg.tensor(var.copy(), dtype=dtype)
        y = F.batch_norm(x, rm, rv, w, b, training, momentum, eps)
        return y, rm, rv

    def theirs(*args):
        x, w, b = split(args)
        rm, rv = torch.from_numpy(mean.copy()), torch.from_numpy(var.copy())
        y = TF.batch_norm(x, rm, rv, w, b, training, momentum, eps)
        return y, rm, rv

    # PyTorch's own double backward fails without a weight (an undefined tensor)
    order = 1 if weight is None else 2
    assert_matches_torch(ours, theirs, inputs, order, what=f"training={training}, eps={eps}")


@budget(30)
@given(data=st.data())
def test_dropout_without_randomness_matches_torch(data):
    x = data.draw(arrays(data.draw(st.sampled_from([(3, 4), (0, 2), (), (2, 1, 3)]))))
    p, training = data.draw(st.sampled_from([(0.0, True), (1.0, True), (0.5, False)]))
    assert_matches_torch(
        lambda t: F.dropout(t, p, training), lambda t: TF.dropout(t, p, training), [x]
    )


@budget(40)
@given(data=st.data())
def test_linear_matches_torch(data):
    lead = data.draw(st.sampled_from([(), (0,), (3,), (2, 3)]))
    i, o = data.draw(st.integers(0, 3)), data.draw(st.integers(1, 3))
    dtype = data.draw(FLOATS)
    inputs = [data.draw(arrays(lead + (i,), dtype)), data.draw(arrays((o, i), dtype))]
    if data.draw(st.booleans()):
        inputs.append(data.draw(arrays((o,), dtype)))
    assert_matches_torch(F.linear, TF.linear, inputs)


@st.composite
def pad_case(draw):
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    if mode == "constant":
        shape = draw(st.lists(st.integers(0, 4), min_size=1, max_size=4).map(tuple))
        pairs = draw(st.integers(1, len(shape)))
    else:  # the ranks PyTorch supports: 1, 2 or 3 padded dims of a batched or single input
        pairs = draw(st.integers(1, 3))
        ndim = pairs + draw(st.integers(1, 2))
        shape = tuple(draw(st.integers(1, 5)) for _ in range(ndim))
    widths = tuple(draw(st.lists(st.integers(-3, 4), min_size=2 * pairs, max_size=2 * pairs)))
    value = draw(st.sampled_from([0.0, 2.5, float("-inf")])) if mode == "constant" else None
    return shape, mode, widths, value


@budget(50)
@given(data=st.data(), case=pad_case())
def test_pad_matches_torch(data, case):
    shape, mode, widths, value = case
    kw = dict(mode=mode) if value is None else dict(mode=mode, value=value)
    x = data.draw(arrays(shape))
    if mode == "circular" and _wraps_twice(shape, widths):  # PyTorch: uninitialised memory
        with pytest.raises(ValueError, match="wrap around more than once"):
            F.pad(mg.tensor(x), widths, **kw)
        return
    empty = mode != "constant" and 0 in _padded_shape(shape, widths)
    # PyTorch's reflect/replicate backward returns uninitialised memory for an empty output
    # (docs/differences.md): only the values are compared, and ours is checked to be 0
    if empty:
        t = mg.tensor(x, dtype=x.dtype, requires_grad=True)
        try:
            F.pad(t, widths, **kw).sum().backward()
        except ValueError:
            pass
        else:
            assert t.grad is None or not t.grad.numpy().any()
    assert_matches_torch(
        lambda t: F.pad(t, widths, **kw),
        lambda t: TF.pad(t, widths, **kw),
        [x],
        0 if empty else 2,
        what=f"{kw}",
    )


def _padded_shape(shape, widths) -> tuple:
    out = list(shape)
    for k in range(len(widths) // 2):
        out[-1 - k] += widths[2 * k] + widths[2 * k + 1]
    return tuple(out)


def _wraps_twice(shape, widths) -> bool:
    """Circular widths that wrap more than the elements kept by negative widths."""
    for k in range(len(widths) // 2):
        lo, hi, n = widths[2 * k], widths[2 * k + 1], shape[-1 - k]
        kept = n - max(-lo, 0) - max(-hi, 0)
        if max(lo, hi) > n:
            continue  # PyTorch refuses this itself
        if n + lo + hi != 0 and (kept < 0 or max(lo, 0) > kept or max(hi, 0) > kept):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Activations

ACTIVATIONS = {
    "relu": (F.relu, TF.relu),
    "sigmoid": (F.sigmoid, torch.sigmoid),
    "tanh": (F.tanh, torch.tanh),
    "elu": (lambda t: F.elu(t, 0.7), lambda t: TF.elu(t, 0.7)),
    "elu_default": (F.elu, TF.elu),
    "leaky_relu": (lambda t: F.leaky_relu(t, 0.2), lambda t: TF.leaky_relu(t, 0.2)),
    "leaky_relu_default": (F.leaky_relu, TF.leaky_relu),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@budget(12)
@given(data=st.data())
def test_activation_matches_torch(name, data):
    x = data.draw(arrays(data.draw(st.sampled_from([(), (0,), (3,), (2, 3), (2, 1, 2)]))))
    fn, tfn = ACTIVATIONS[name]
    assert_matches_torch(fn, tfn, [x], what=name)


@budget(30)
@given(data=st.data())
def test_softmax_and_log_softmax_match_torch(data):
    shape = data.draw(st.sampled_from([(), (3,), (2, 3), (2, 0), (2, 3, 2)]))
    dim = data.draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    x = data.draw(arrays(shape))
    for ours, theirs in ((F.softmax, TF.softmax), (F.log_softmax, TF.log_softmax)):
        assert_matches_torch(
            lambda t, f=ours: f(t, dim), lambda t, f=theirs: f(t, dim), [x], what=f"dim={dim}"
        )


@budget(30)
@given(data=st.data())
def test_prelu_matches_torch(data):
    c = data.draw(st.integers(1, 3))
    shape = data.draw(st.sampled_from([(2, c), (2, c, 3), (1, c, 2, 2), (0, c)]))
    dtype = data.draw(FLOATS)
    x = data.draw(arrays(shape, dtype))
    a = data.draw(arrays((data.draw(st.sampled_from([1, c])),), dtype))
    assert_matches_torch(F.prelu, TF.prelu, [x, a])


# --------------------------------------------------------------------------------------------
# Losses

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


@st.composite
def class_case(draw):
    """(logits, class-index target, weight or None, options) for cross_entropy/nll_loss."""
    c = draw(st.integers(1, 4))
    lead = draw(st.sampled_from([(3,), (0,), (2,), (2, 2), ()]))  # () is an unbatched sample
    spatial = draw(st.sampled_from([(), (), (2,)])) if lead else ()
    dtype = draw(FLOATS)
    x = draw(arrays((lead + (c,) + spatial) if lead else (c,), dtype))
    t_shape = lead + spatial
    target = fill(draw(st.integers(0, 99)), t_shape, np.int64, "normal") % c
    ignore = draw(st.sampled_from([-100, 0, 1]))
    if target.size and draw(st.booleans()):
        target.reshape(-1)[0] = ignore  # some samples ignored
    weight = draw(st.one_of(st.none(), arrays((c,), dtype, kinds=("positive",))))
    options = dict(ignore_index=ignore, reduction=draw(REDUCTIONS))
    return x, target, weight, options


def _loss_inputs(x, target, weight):
    inputs = [x, target] + ([] if weight is None else [weight])
    return inputs, [True, False, False][: len(inputs)]


@budget(50)
@given(case=class_case(), smoothing=st.sampled_from([0.0, 0.0, 0.1, 1.0]))
def test_cross_entropy_with_class_indices_matches_torch(case, smoothing):
    x, target, weight, options = case
    options["label_smoothing"] = smoothing
    inputs, differentiate = _loss_inputs(x, target, weight)
    assert_matches_torch(
        lambda *a: F.cross_entropy(*a[:2], weight=a[2] if len(a) > 2 else None, **options),
        lambda *a: TF.cross_entropy(*a[:2], weight=a[2] if len(a) > 2 else None, **options),
        inputs,
        differentiate=differentiate,
        what=f"{options}",
    )


@budget(40)
@given(case=class_case())
def test_nll_loss_matches_torch(case):
    x, target, weight, options = case
    inputs, differentiate = _loss_inputs(x, target, weight)
    assert_matches_torch(
        lambda *a: F.nll_loss(*a[:2], weight=a[2] if len(a) > 2 else None, **options),
        lambda *a: TF.nll_loss(*a[:2], weight=a[2] if len(a) > 2 else None, **options),
        inputs,
        differentiate=differentiate,
        what=f"{options}",
    )


@budget(40)
@given(data=st.data(), reduction=REDUCTIONS, smoothing=st.sampled_from([0.0, 0.2]))
def test_cross_entropy_with_probabilities_matches_torch(data, reduction, smoothing):
    shape = data.draw(st.sampled_from([(3, 4), (2, 3, 2), (0, 2), (3,)]))
    dtype = data.draw(FLOATS)
    x = data.draw(arrays(shape, dtype))
    probs = fill(data.draw(st.integers(0, 99)), shape, dtype, "positive")
    probs = probs / probs.sum(axis=1 if len(shape) > 1 else 0, keepdims=True)
    kw = dict(reduction=reduction, label_smoothing=smoothing)
    assert_matches_torch(
        lambda a, p: F.cross_entropy(a, p, **kw),
        lambda a, p: TF.cross_entropy(a, p, **kw),
        [x, probs],
        differentiate=[True, False],
    )


REGRESSION = {
    "mse_loss": (F.mse_loss, TF.mse_loss),
    "l1_loss": (F.l1_loss, TF.l1_loss),
    "binary_cross_entropy_with_logits": (
        F.binary_cross_entropy_with_logits,
        TF.binary_cross_entropy_with_logits,
    ),
}


@pytest.mark.parametrize("name", REGRESSION)
@budget(30)
@given(data=st.data(), reduction=REDUCTIONS)
def test_elementwise_loss_matches_torch(name, data, reduction):
    shape = data.draw(st.sampled_from([(3,), (2, 3), (0, 2), ()]))
    dtype = data.draw(FLOATS)
    x = data.draw(arrays(shape, dtype))
    y = data.draw(arrays(shape, dtype, kinds=("positive", "ties", "normal")))
    if name == "binary_cross_entropy_with_logits":
        y = fill(data.draw(st.integers(0, 99)), shape, dtype, "normal") > 0
        y = y.astype(dtype)
    fn, tfn = REGRESSION[name]
    assert_matches_torch(
        lambda a, b: fn(a, b, reduction=reduction),
        lambda a, b: tfn(a, b, reduction=reduction),
        [x, y],
        differentiate=[True, False],
    )


@budget(40)
@given(data=st.data(), reduction=REDUCTIONS)
def test_binary_cross_entropy_with_logits_weights_match_torch(data, reduction):
    shape = data.draw(st.sampled_from([(3,), (2, 3), (4, 1)]))
    dtype = data.draw(FLOATS)
    x = data.draw(arrays(shape, dtype))
    y = fill(data.draw(st.integers(0, 99)), shape, dtype, "positive") / 2.0
    w = fill(data.draw(st.integers(0, 99)), shape[-1:], dtype, "positive")
    pw = fill(data.draw(st.integers(0, 99)), shape[-1:], dtype, "positive")
    kw = dict(reduction=reduction)
    assert_matches_torch(
        lambda a, b, w, p: F.binary_cross_entropy_with_logits(a, b, w, pos_weight=p, **kw),
        lambda a, b, w, p: TF.binary_cross_entropy_with_logits(a, b, w, pos_weight=p, **kw),
        [x, y, w, pw],
        differentiate=[True, False, False, False],
    )


@budget(40)
@given(data=st.data(), reduction=REDUCTIONS)
def test_binary_cross_entropy_matches_torch_at_saturation_too(data, reduction):
    """Probabilities include exact 0 and 1 (PyTorch floors each log at -100 and keeps
    a gradient there) and values within 1e-13 of them."""
    shape = data.draw(st.sampled_from([(4,), (2, 3), (0,), ()]))
    dtype = data.draw(FLOATS)
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    p = rng.choice([0.0, 1.0, 1e-13, 1 - 1e-13, 0.5, rng.random()], size=shape).astype(dtype)
    y = rng.choice([0.0, 1.0, 0.3], size=shape).astype(dtype)
    weight = data.draw(st.one_of(st.none(), st.just(rng.random(shape).astype(dtype))))
    inputs = [p, y] + ([] if weight is None else [weight])
    # the second derivative at saturation is documented as different (docs/differences.md)
    saturated = bool((p.astype(np.float64) * (1 - p.astype(np.float64)) < 1e-12).any())
    assert_matches_torch(
        lambda *a: F.binary_cross_entropy(*a[:2], *a[2:], reduction=reduction),
        lambda *a: TF.binary_cross_entropy(*a[:2], *a[2:], reduction=reduction),
        inputs,
        1 if saturated else 2,
        differentiate=[True, False, False][: len(inputs)],
    )


@st.composite
def conv_transpose_case(draw):
    groups = draw(st.sampled_from([1, 1, 2]))
    c, o = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k = draw(st.sampled_from([1, 2, 3, (2, 3)]))
    stride = draw(st.sampled_from([1, 2, (2, 1)]))
    dilation = draw(st.sampled_from([1, 2]))
    padding = draw(st.sampled_from([0, 1, (1, 0)]))
    output_padding = draw(st.sampled_from([0, 0, 1]))
    # (PyTorch skips its checks for an empty batch: N = 0 only where they pass)
    n = draw(st.sampled_from([0, 1, 2] if output_padding == 0 == padding else [1, 2]))
    kh, kw = (k, k) if isinstance(k, int) else k
    x_shape = (n, c, draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    kw_ = dict(
        stride=stride, padding=padding, output_padding=output_padding, groups=groups,
        dilation=dilation,
    )  # fmt: skip
    return x_shape, (c, o // groups, kh, kw), draw(st.booleans()), kw_


@budget(40)
@given(data=st.data(), case=conv_transpose_case())
def test_conv_transpose2d_matches_torch(data, case):
    x_shape, w_shape, has_bias, kw = case
    dtype = data.draw(FLOATS)
    x, w = data.draw(arrays(x_shape, dtype)), data.draw(arrays(w_shape, dtype))
    inputs = [x, w] + ([data.draw(arrays((w_shape[1] * kw["groups"],), dtype))] if has_bias else [])
    try:
        with np.errstate(all="ignore"):  # inf and NaN inputs are drawn on purpose
            F.conv_transpose2d(*(mg.tensor(a) for a in inputs), **kw)
    except ValueError as e:  # padding that crops everything away: a named error where
        if "crops away everything" in str(e):  # PyTorch is empty or refuses (differences.md)
            try:
                out = TF.conv_transpose2d(*(torch.from_numpy(a) for a in inputs), **kw)
            except RuntimeError:
                return
            assert 0 in out.shape[2:], (kw, out.shape)
            return
    # an inf/NaN weight or input meets the zero gradient of cropped positions
    # (docs/differences.md)
    assume(np.isfinite(w).all() and np.isfinite(x).all())
    assert_matches_torch(
        lambda *a: F.conv_transpose2d(*a, **kw),
        lambda *a: TF.conv_transpose2d(*a, **kw),
        inputs,
        what=f"{kw}",
    )


@budget(30)
@given(data=st.data())
def test_local_response_norm_matches_torch(data):
    shape = data.draw(st.sampled_from([(2, 5, 3), (1, 3, 2, 2), (2, 1, 4), (0, 3, 2)]))
    size = data.draw(st.integers(1, 4))
    kw = dict(alpha=data.draw(st.sampled_from([1e-4, 0.5])), beta=0.75, k=1.0)
    x = data.draw(arrays(shape))
    assert_matches_torch(
        lambda t: F.local_response_norm(t, size, **kw),
        lambda t: TF.local_response_norm(t, size, **kw),
        [x],
        what=f"size={size}",
    )
