"""Every primitive and composed op of the tensor engine, against PyTorch and finite differences.

One table (CASES) lists each op with inputs that lie inside its domain (positive numbers
for log, sqrt and fractional powers; no ties for max; no points near a kink). Three tests
run over the whole table: values and first and second derivatives against PyTorch
(float64), gradgradcheck against finite differences, and "float32 stays float32" for
outputs and gradients of both orders. The hypothesis tests below then vary the shapes
(broadcasting pairs, dims, keepdim) and check the backward against finite differences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from property_strategies import budget
from torch_oracle import assert_matches_torch

import minigrad as mg

# --------------------------------------------------------------------------------------------
# The table of ops


def real(*shape):
    return lambda rng: rng.standard_normal(shape)


def positive(*shape):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def away_from_zero(*shape):  # |x| >= 0.1: abs and relu are smooth there
    return lambda rng: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 2.0, shape)


MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])


@dataclass
class Case:
    name: str
    inputs: list  # one maker per input: rng -> ndarray
    ours: Callable  # minigrad tensors in, a tensor (or a tuple of them) out
    theirs: Callable  # the same with torch tensors (torch is passed as the first argument)

    def __repr__(self) -> str:
        return self.name


def _case(name, inputs, ours, theirs=None):
    """`theirs` defaults to `ours` for ops whose code reads the same in both libraries."""
    return Case(name, inputs, ours, theirs or (lambda torch, *xs: ours(*xs)))


CASES = [
    # elementwise, binary (with broadcasting) and with numbers on either side
    _case("add_broadcast", [real(3, 1, 4), real(2, 4)], lambda a, b: a + b),
    _case("add_number_left", [real(3, 4)], lambda a: 2.5 + a),
    _case("sub_broadcast", [real(3, 4), real(4)], lambda a, b: a - b),
    _case("sub_number_left", [real(3)], lambda a: 1.5 - a),
    _case("mul_broadcast", [real(2, 3), real(2, 1)], lambda a, b: a * b),
    _case("mul_same_tensor", [real(2, 3)], lambda a: a * a),
    _case("div_broadcast", [real(2, 3), positive(3)], lambda a, b: a / b),
    _case("div_number_left", [positive(4)], lambda a: 2.0 / a),
    _case("neg", [real(3, 2)], lambda a: -a),
    _case("pow_int", [real(3, 4)], lambda a: a**3),
    _case("pow_square", [real(3, 4)], lambda a: a**2),
    _case("pow_fraction", [positive(3, 4)], lambda a: a**2.5),
    _case("pow_negative", [positive(5)], lambda a: a**-1.5),
    _case("pow_zero", [real(4)], lambda a: a**0),
    _case("pow_tensor", [positive(3, 4), real(4)], lambda a, b: a**b),
    _case("pow_number_base", [real(3)], lambda a: 2.0**a),
    _case("exp", [real(2, 3)], lambda a: a.exp()),
    _case("log", [positive(2, 3)], lambda a: a.log()),
    _case("sqrt", [positive(2, 3)], lambda a: a.sqrt()),
    _case("abs", [away_from_zero(2, 3)], lambda a: a.abs()),
    _case(
        "maximum",
        [real(3, 4), real(4)],
        lambda a, b: mg.maximum(a, b),
        lambda torch, a, b: torch.maximum(a, b),
    ),
    _case(
        "minimum",
        [real(3, 4), real(3, 1)],
        lambda a, b: a.minimum(b),
        lambda torch, a, b: torch.minimum(a, b),
    ),
    _case(
        "clip",
        [real(3, 4)],
        lambda a: a.clip(-0.5, 0.5),
        lambda torch, a: a.clamp(-0.5, 0.5),
    ),
    _case("clamp_min", [real(5)], lambda a: a.clamp(min=0.2), lambda torch, a: a.clamp(min=0.2)),
    _case(
        "where",
        [real(3, 4), real(4)],
        lambda a, b: mg.where(MASK, a, b),
        lambda torch, a, b: torch.where(torch.from_numpy(MASK), a, b),
    ),
    _case(
        "where_number",
        [real(3, 4)],
        lambda a: mg.where(MASK, a, 0.5),
        lambda torch, a: torch.where(torch.from_numpy(MASK), a, 0.5),
    ),
    _case("relu", [away_from_zero(3, 4)], lambda a: a.relu()),
    _case("sigmoid", [real(3, 4)], lambda a: a.sigmoid()),
    _case("tanh", [real(3, 4)], lambda a: a.tanh()),
    # matmul: numpy's rules
    _case("matmul_2d", [real(3, 4), real(4, 5)], lambda a, b: a @ b),
    _case("matmul_1d_2d", [real(4), real(4, 5)], lambda a, b: a @ b),
    _case("matmul_2d_1d", [real(3, 4), real(4)], lambda a, b: a @ b),
    _case("matmul_1d_1d", [real(4), real(4)], lambda a, b: a @ b),
    _case("matmul_batched", [real(2, 3, 4), real(2, 4, 5)], lambda a, b: a @ b),
    _case("matmul_broadcast_batch", [real(2, 1, 3, 4), real(3, 4, 5)], lambda a, b: a @ b),
    _case("matmul_batched_1d", [real(2, 3, 4), real(4)], lambda a, b: a @ b),
    _case("matmul_1d_batched", [real(4), real(2, 4, 3)], lambda a, b: a.matmul(b)),
    # reductions
    _case("sum_all", [real(3, 4)], lambda a: a.sum()),
    _case("sum_dim", [real(3, 4)], lambda a: a.sum(1)),
    _case(
        "sum_dims_keepdim",
        [real(2, 3, 4)],
        lambda a: a.sum((0, 2), keepdim=True),
        lambda torch, a: a.sum((0, 2), keepdim=True),
    ),
    _case("sum_axis_alias", [real(2, 3)], lambda a: a.sum(axis=-1), lambda t, a: a.sum(dim=-1)),
    _case("mean_all", [real(3, 4)], lambda a: a.mean()),
    _case("mean_dim_keepdim", [real(3, 4)], lambda a: a.mean(0, keepdim=True)),
    _case("var_all", [real(3, 4)], lambda a: a.var()),
    _case(
        "var_dim_biased",
        [real(3, 4)],
        lambda a: a.var(1, unbiased=False),
        lambda torch, a: a.var(1, correction=0),
    ),
    _case(
        "std_dims_keepdim",
        [real(2, 3, 4)],
        lambda a: a.std((0, 2), keepdim=True),
        lambda torch, a: a.std((0, 2), keepdim=True),
    ),
    _case("max_all", [real(3, 4)], lambda a: a.max()),
    _case("min_all", [real(3, 4)], lambda a: a.min()),
    _case("max_dim", [real(3, 4)], lambda a: a.max(1).values),
    _case(
        "max_dim_keepdim",
        [real(2, 3, 4)],
        lambda a: a.max(dim=0, keepdim=True).values,
        lambda torch, a: a.max(dim=0, keepdim=True).values,
    ),
    _case("min_dim", [real(3, 4)], lambda a: a.min(-1)[0]),
    _case("amax_dims", [real(2, 3, 4)], lambda a: a.amax((0, 2))),
    _case(
        "amin_keepdim",
        [real(2, 3, 4)],
        lambda a: a.amin(1, keepdim=True),
        lambda torch, a: a.amin(1, keepdim=True),
    ),
    _case("logsumexp", [real(3, 4)], lambda a: a.logsumexp(1), lambda t, a: t.logsumexp(a, 1)),
    _case(
        "logsumexp_dims_keepdim",
        [real(2, 3, 4)],
        lambda a: a.logsumexp((0, 2), keepdim=True),
        lambda torch, a: torch.logsumexp(a, (0, 2), keepdim=True),
    ),
    _case("softmax", [real(3, 4)], lambda a: a.softmax(-1), lambda t, a: t.softmax(a, -1)),
    _case(
        "log_softmax",
        [real(3, 4)],
        lambda a: a.log_softmax(0),
        lambda torch, a: torch.log_softmax(a, 0),
    ),
    # movement
    _case("reshape", [real(2, 3, 4)], lambda a: a.reshape(6, -1)),
    _case("view_tuple", [real(2, 3, 4)], lambda a: a.view((4, 6))),
    _case("transpose", [real(2, 3, 4)], lambda a: a.transpose(0, 2)),
    _case("permute", [real(2, 3, 4)], lambda a: a.permute(2, 0, 1)),
    _case("swapaxes", [real(2, 3, 4)], lambda a: a.swapaxes(1, -1)),
    _case("T", [real(3, 4)], lambda a: a.T),
    _case("mT", [real(2, 3, 4)], lambda a: a.mT),
    _case("expand", [real(3, 1)], lambda a: a.expand(2, -1, 4)),
    _case(
        "broadcast_to",
        [real(1, 4)],
        lambda a: a.broadcast_to((3, 4)),
        lambda torch, a: torch.broadcast_to(a, (3, 4)),
    ),
    _case("squeeze_dim", [real(3, 1, 4)], lambda a: a.squeeze(1)),
    _case("squeeze_all", [real(1, 3, 1)], lambda a: a.squeeze()),
    _case("unsqueeze", [real(3, 4)], lambda a: a.unsqueeze(-1)),
    _case("flatten", [real(2, 3, 4)], lambda a: a.flatten(1)),
    _case("getitem_slices", [real(4, 5)], lambda a: a[1:, ::2]),
    _case("getitem_int", [real(4, 5)], lambda a: a[1]),
    _case("getitem_ellipsis_newaxis", [real(2, 3, 4)], lambda a: a[..., None, 1]),
    _case(
        "getitem_int_array_repeats",
        [real(4, 3)],
        lambda a: a[[0, 2, 0, 0]],
        lambda torch, a: a[[0, 2, 0, 0]],
    ),
    _case(
        "getitem_two_int_arrays",
        [real(3, 4)],
        lambda a: a[mg.tensor([0, 1, 1, 2]), mg.tensor([3, 0, 0, 1])],
        lambda torch, a: a[torch.tensor([0, 1, 1, 2]), torch.tensor([3, 0, 0, 1])],
    ),
    _case("getitem_mask", [real(3, 4)], lambda a: a[MASK], lambda t, a: a[t.from_numpy(MASK)]),
    _case(
        "cat",
        [real(2, 3), real(2, 2)],
        lambda a, b: mg.cat([a, b], dim=1),
        lambda torch, a, b: torch.cat([a, b], dim=1),
    ),
    _case(
        "stack",
        [real(2, 3), real(2, 3)],
        lambda a, b: mg.stack([a, b], dim=-1),
        lambda torch, a, b: torch.stack([a, b], dim=-1),
    ),
    _case("split", [real(5, 3)], lambda a: a.split(2), lambda torch, a: a.split(2)),
    _case(
        "split_sizes",
        [real(3, 5)],
        lambda a: mg.split(a, [1, 4], dim=1),
        lambda torch, a: torch.split(a, [1, 4], dim=1),
    ),
    _case("chunk", [real(3, 6)], lambda a: a.chunk(3, 1)),
    _case(
        "pad_last_dim",
        [real(3, 4)],
        lambda a: a.pad((1, 2)),
        lambda torch, a: torch.nn.functional.pad(a, (1, 2)),
    ),
    _case(
        "pad_two_dims_value",
        [real(2, 3, 4)],
        lambda a: a.pad((1, 0, 2, 1), value=0.5),
        lambda torch, a: torch.nn.functional.pad(a, (1, 0, 2, 1), value=0.5),
    ),
    # dtype conversion between float types is differentiable too
    _case("to_float64", [real(3)], lambda a: a.double() * a),
]


def _tuple(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_matches_torch_values_grads_and_second_derivatives(case, torch, rng):
    arrays = [make(rng) for make in case.inputs]
    theirs = lambda *xs: case.theirs(torch, *xs)  # noqa: E731
    assert_matches_torch(case.ours, theirs, arrays, what=case.name)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_double_backward_matches_finite_differences(case):
    rng = np.random.default_rng(7)
    xs = [mg.tensor(make(rng), dtype=mg.float64, requires_grad=True) for make in case.inputs]
    assert mg.gradgradcheck(case.ours, xs)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_op_keeps_float32_in_outputs_and_gradients_of_both_orders(case):
    rng = np.random.default_rng(3)
    xs = [mg.tensor(make(rng), dtype=mg.float32, requires_grad=True) for make in case.inputs]
    assert all(x.dtype == mg.float32 for x in xs)
    outs = _tuple(case.ours(*xs))
    asked = mg.float64 if case.name == "to_float64" else mg.float32  # .double() asks for it
    assert [o.dtype for o in outs] == [asked] * len(outs), case.name
    total = sum((o * o).sum() for o in outs)  # o * o: the second derivative is not zero
    assert total.dtype == asked
    first = mg.grad(total, xs, create_graph=True, allow_unused=True)
    assert [g.dtype for g in first if g is not None] == [mg.float32] * sum(
        g is not None for g in first
    )
    second_total = sum(g.sum() for g in first if g is not None and g.requires_grad)
    if isinstance(second_total, mg.Tensor):
        for h in mg.grad(second_total, xs, allow_unused=True):
            assert h is None or h.dtype == mg.float32, case.name


def test_op_table_has_cases_for_elementwise_reduction_softmax_and_movement_ops():
    wanted = (
        "add sub mul div neg pow exp log sqrt abs maximum minimum clip where relu sigmoid "
        "tanh matmul sum mean var std max min amax amin logsumexp softmax log_softmax "
        "reshape transpose permute swapaxes expand broadcast_to squeeze unsqueeze flatten "
        "getitem cat stack split pad"
    ).split()
    names = [c.name for c in CASES]
    missing = [op for op in wanted if not any(n.startswith(op) for n in names)]
    assert not missing


# --------------------------------------------------------------------------------------------
# Results that carry no gradient


def test_comparisons_and_argmax_return_tensors_without_gradient(torch):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4))
    x = mg.tensor(a, requires_grad=True)
    for result, expected in [
        (x > 0, a > 0),
        (x <= 0.5, a <= 0.5),
        (x == x, np.ones_like(a, dtype=bool)),
        (x != 0.0, a != 0),
        (0.0 < x, a > 0),
        (x.argmax(), np.argmax(a)),
        (x.argmax(1), torch.tensor(a).argmax(1).numpy()),
        (x.argmin(0, keepdim=True), torch.tensor(a).argmin(0, keepdim=True).numpy()),
    ]:
        assert isinstance(result, mg.Tensor)
        assert not result.requires_grad and result.grad_fn is None
        np.testing.assert_array_equal(result.numpy(), expected)
    assert x.argmax().dtype == mg.int64


def test_max_dim_returns_values_and_indices_like_torch(torch):
    a = np.array([[1.0, 5.0, 5.0, 2.0], [7.0, 0.0, 7.0, 7.0], [3.0, 3.0, 3.0, 3.0]])
    x = mg.tensor(a, dtype=mg.float64)
    for dim, keepdim in [(1, False), (0, True), (-1, True)]:
        for name in ("max", "min"):
            values, indices = getattr(x, name)(dim, keepdim=keepdim)
            tvalues, tindices = getattr(torch.tensor(a), name)(dim, keepdim=keepdim)
            np.testing.assert_array_equal(values.numpy(), tvalues.numpy())
            np.testing.assert_array_equal(indices.numpy(), tindices.numpy())
            assert indices.dtype == mg.int64
    result = x.max(dim=1)
    assert result.values is result[0] and result.indices is result[1]


def test_max_with_dim_routes_a_tie_gradient_to_the_returned_index(torch):
    a = np.array([[1.0, 5.0, 5.0, 2.0], [7.0, 0.0, 7.0, 7.0]])
    x = mg.tensor(a, dtype=mg.float64, requires_grad=True)
    values, indices = x.max(1)
    values.sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    tx.max(1).values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    expected = np.zeros_like(a)
    expected[[0, 1], indices.numpy()] = 1.0  # all of it at the returned index
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_amax_and_max_without_dim_split_a_tie_evenly_like_torch(torch):
    a = np.array([[1.0, 5.0, 5.0, 2.0], [7.0, 0.0, 7.0, 7.0]])
    for ours, theirs in [
        (lambda x: x.max(), lambda t: t.max()),
        (lambda x: x.amax(1), lambda t: t.amax(1)),
        (lambda x: x.min(), lambda t: t.min()),
        (lambda x: x.amin(0), lambda t: t.amin(0)),
        (lambda x: mg.maximum(x, x[:, :1]), lambda t: torch.maximum(t, t[:, :1])),
    ]:
        x = mg.tensor(a, dtype=mg.float64, requires_grad=True)
        ours(x).sum().backward()
        tx = torch.tensor(a, requires_grad=True)
        theirs(tx).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    x = mg.tensor(a, dtype=mg.float64, requires_grad=True)
    x.amax(1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy()[0], [0, 0.5, 0.5, 0])
    np.testing.assert_allclose(x.grad.numpy()[1], [1 / 3, 0, 1 / 3, 1 / 3])


def test_softmax_log_softmax_and_logsumexp_do_not_overflow_at_logits_of_1e4(torch):
    a = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4]])
    for dtype in (mg.float32, mg.float64):
        x = mg.tensor(a, dtype=dtype, requires_grad=True)
        outs = [x.softmax(-1), x.log_softmax(-1), x.logsumexp(-1)]
        touts = [
            torch.softmax(torch.tensor(a), -1),
            torch.log_softmax(torch.tensor(a), -1),
            torch.logsumexp(torch.tensor(a), -1),
        ]
        for o, to in zip(outs, touts):
            assert np.isfinite(o.numpy()).all()
            np.testing.assert_allclose(o.numpy(), to.numpy(), rtol=1e-6)
        sum(o.sum() for o in outs).backward()
        assert np.isfinite(x.grad.numpy()).all()


def test_sigmoid_is_finite_far_from_zero_in_float32():
    x = mg.tensor([-1000.0, -100.0, 0.0, 100.0, 1000.0], requires_grad=True)
    y = x.sigmoid()
    y.sum().backward()
    np.testing.assert_allclose(y.numpy(), [0, 0, 0.5, 1, 1], atol=1e-30)
    np.testing.assert_allclose(x.grad.numpy(), [0, 0, 0.25, 0, 0], atol=1e-30)


# --------------------------------------------------------------------------------------------
# Hypothesis: shapes vary, backward is checked against finite differences (float64)

SETTINGS = budget(30)
small = dict(min_side=1, max_side=3)
seeds = st.integers(0, 2**32 - 1)


def _inputs(seed, shapes, domain="real"):
    rng = np.random.default_rng(seed)
    out = []
    for shape in shapes:
        if domain == "positive":  # shifted into the domain, not filtered
            a = rng.uniform(0.5, 2.0, shape)
        elif domain == "away_from_zero":
            a = rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 2.0, shape)
        else:
            a = rng.standard_normal(shape)
        out.append(mg.tensor(a, dtype=mg.float64, requires_grad=True))
    return out


BINARY = {
    "add": (lambda a, b: a + b, "real"),
    "sub": (lambda a, b: a - b, "real"),
    "mul": (lambda a, b: a * b, "real"),
    "div": (lambda a, b: a / b, "positive"),
    "pow": (lambda a, b: a**b, "positive"),
    "maximum": (lambda a, b: mg.maximum(a, b), "real"),
    "minimum": (lambda a, b: mg.minimum(a, b), "real"),
    "where": (lambda a, b: mg.where((a - b).numpy() > 0.3, a, b), "real"),
}


@pytest.mark.parametrize("op", BINARY)
@SETTINGS
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, **small), seed=seeds)
def test_binary_op_broadcasting_backward_matches_finite_differences(op, shapes, seed):
    fn, domain = BINARY[op]
    a, b = _inputs(seed, shapes.input_shapes, domain)
    out = fn(a, b)
    assert out.shape == shapes.result_shape
    assert mg.gradcheck(fn, [a, b])


UNARY = {
    "neg": (lambda a: -a, "real"),
    "exp": (lambda a: a.exp(), "real"),
    "log": (lambda a: a.log(), "positive"),
    "sqrt": (lambda a: a.sqrt(), "positive"),
    "abs": (lambda a: a.abs(), "away_from_zero"),
    "relu": (lambda a: a.relu(), "away_from_zero"),
    "sigmoid": (lambda a: a.sigmoid(), "real"),
    "tanh": (lambda a: a.tanh(), "real"),
    "pow_number": (lambda a: a**1.7, "positive"),
    "rpow_number": (lambda a: 1.5**a, "real"),
    "clip": (lambda a: a.clip(-0.5, 0.7), "real"),
    "number_ops": (lambda a: (2.0 - a) * 3.0 / (a * a + 1.0) + 1, "real"),
}


@pytest.mark.parametrize("op", UNARY)
@SETTINGS
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, **small), seed=seeds)
def test_unary_op_backward_matches_finite_differences(op, shape, seed):
    fn, domain = UNARY[op]
    (a,) = _inputs(seed, [shape], domain)
    assert fn(a).shape == shape
    assert mg.gradcheck(fn, [a])


@st.composite
def shape_and_dims(draw, min_dims=1):
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, **small))
    dims = draw(st.sets(st.integers(0, len(shape) - 1), min_size=1))
    negative = draw(st.booleans())  # the same dims, counted from the end
    dims = tuple(d - len(shape) if negative else d for d in sorted(dims))
    return shape, (dims[0] if len(dims) == 1 else dims)


REDUCTIONS = {
    "sum": lambda a, d, k: a.sum(d, keepdim=k),
    "mean": lambda a, d, k: a.mean(d, keepdim=k),
    "var": lambda a, d, k: a.var(d, keepdim=k),
    "var_biased": lambda a, d, k: a.var(d, unbiased=False, keepdim=k),
    "std": lambda a, d, k: a.std(d, keepdim=k),
    "amax": lambda a, d, k: a.amax(d, keepdim=k),
    "amin": lambda a, d, k: a.amin(d, keepdim=k),
    "logsumexp": lambda a, d, k: a.logsumexp(d, keepdim=k),
}


def _reduced_shape(shape, dims, keepdim):
    dims = {d % len(shape) for d in (dims if isinstance(dims, tuple) else (dims,))}
    if keepdim:
        return tuple(1 if i in dims else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in dims)


@pytest.mark.parametrize("op", REDUCTIONS)
@SETTINGS
@given(shape_dims=shape_and_dims(), keepdim=st.booleans(), seed=seeds)
def test_reduction_over_dims_backward_matches_finite_differences(op, shape_dims, keepdim, seed):
    shape, dims = shape_dims
    (a,) = _inputs(seed, [shape])
    fn = REDUCTIONS[op]
    n = np.prod([shape[d] for d in (dims if isinstance(dims, tuple) else (dims,))])
    if op in ("var", "std") and n == 1:
        return  # the unbiased variance of one number divides by zero, as in PyTorch
    out = fn(a, dims, keepdim)
    assert out.shape == _reduced_shape(shape, dims, keepdim)
    if op == "std":  # shift away from sqrt's kink at zero variance
        a = mg.tensor(a.numpy() * 5.0, dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda x: fn(x, dims, keepdim), [a])


@SETTINGS
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, **small),
    data=st.data(),
    keepdim=st.booleans(),
    seed=seeds,
)
def test_max_and_min_with_dim_backward_matches_finite_differences(shape, data, keepdim, seed):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    (a,) = _inputs(seed, [shape])
    values, indices = a.max(dim, keepdim=keepdim)
    assert values.shape == indices.shape == _reduced_shape(shape, dim, keepdim)
    assert mg.gradcheck(lambda x: x.max(dim, keepdim=keepdim).values, [a])
    assert mg.gradcheck(lambda x: x.min(dim, keepdim=keepdim).values, [a])
    assert mg.gradcheck(lambda x: x.max() * x.min(), [a])


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, **small), data=st.data(), seed=seeds)
def test_softmax_and_log_softmax_backward_matches_finite_differences(shape, data, seed):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    (a,) = _inputs(seed, [shape])
    assert mg.gradcheck(lambda x: x.softmax(dim), [a])
    assert mg.gradcheck(lambda x: x.log_softmax(dim), [a])


@st.composite
def matmul_shapes(draw):
    """(x shape, y shape) following numpy's matmul rules, 1-D operands included."""
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, **small))
    bx, by = batch.input_shapes
    x = (k,) if draw(st.booleans()) and not bx else bx + (n, k)
    y = (k,) if draw(st.booleans()) and not by else by + (k, m)
    return x, y


@SETTINGS
@given(shapes=matmul_shapes(), seed=seeds)
def test_matmul_shapes_backward_matches_finite_differences(shapes, seed):
    a, b = _inputs(seed, shapes)
    assert (a @ b).shape == np.matmul(a.numpy(), b.numpy()).shape
    assert mg.gradcheck(lambda x, y: x @ y, [a, b])


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, **small), data=st.data(), seed=seeds)
def test_movement_ops_backward_matches_finite_differences(shape, data, seed):
    (a,) = _inputs(seed, [shape])
    nd = len(shape)
    perm = tuple(data.draw(st.permutations(range(nd))))
    d0, d1 = (data.draw(st.integers(-nd, nd - 1)) for _ in range(2))
    new = data.draw(st.integers(-nd - 1, nd))
    start = data.draw(st.integers(0, nd - 1))
    lead = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, **small))
    bigger = lead + tuple(n if n != 1 else data.draw(st.integers(1, 3)) for n in shape)
    checks = [
        lambda x: x.reshape(-1),
        lambda x: x.reshape(tuple(reversed(shape))),
        lambda x: x.permute(perm),
        lambda x: x.transpose(d0, d1),
        lambda x: x.unsqueeze(new),
        lambda x: x.unsqueeze(new).squeeze(new),
        lambda x: x.squeeze(),
        lambda x: x.flatten(start),
        lambda x: x.broadcast_to(bigger),
        lambda x: x.expand(
            *lead, *(-1 if n == m else m for n, m in zip(shape, bigger[len(lead) :]))
        ),
    ]
    for fn in checks:
        assert mg.gradcheck(fn, [a])


@SETTINGS
@given(data=st.data(), seed=seeds)
def test_getitem_basic_and_integer_array_backward_matches_finite_differences(data, seed):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, **small))
    (a,) = _inputs(seed, [shape])
    basic = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    if any(isinstance(i, slice) and (i.step or 1) < 0 for i in _items(basic)):
        basic = tuple(slice(None) if isinstance(i, slice) else i for i in _items(basic))
    fancy = data.draw(
        hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(max_dims=2, max_side=4))
    )
    assert a[basic].shape == a.numpy()[basic].shape
    assert mg.gradcheck(lambda x: x[basic], [a])
    assert a[fancy].shape == a.numpy()[fancy].shape
    assert mg.gradcheck(lambda x: x[fancy], [a])  # repeated indices add up (scatter-add)


def _items(index):
    return index if isinstance(index, tuple) else (index,)


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, **small), data=st.data(), seed=seeds)
def test_cat_stack_split_pad_backward_matches_finite_differences(shape, data, seed):
    nd = len(shape)
    dim = data.draw(st.integers(-nd, nd - 1))
    other = list(shape)
    other[dim] = data.draw(st.integers(1, 3))
    a, b, c = _inputs(seed, [shape, tuple(other), shape])
    assert mg.gradcheck(lambda x, y: mg.cat([x, y, x], dim), [a, b])
    assert mg.gradcheck(lambda x, z: mg.stack([x, z], dim), [a, c])
    size = data.draw(st.integers(1, 3))
    assert mg.gradcheck(lambda x: x.split(size, dim), [a])
    pairs = data.draw(st.integers(1, nd))
    widths = data.draw(st.lists(st.integers(0, 2), min_size=2 * pairs, max_size=2 * pairs))
    value = data.draw(st.floats(-1, 1))
    assert mg.gradcheck(lambda x: x.pad(widths, value=value), [a])
