"""Property-based comparison of every tensor op with PyTorch (values, gradients, second
derivatives, dtypes and shapes), over random shapes (0-d, size-1 and zero-size dims,
broadcasting) and random values (NaN, inf, -0.0, ties). See property_strategies.py."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from property_strategies import arrays, budget, dims_of, fill, shapes
from torch_oracle import assert_matches_torch

import minigrad as mg

torch = pytest.importorskip("torch")

# --------------------------------------------------------------------------------------------
# Elementwise: one input


def _t(name):
    return lambda t: getattr(torch, name)(t)


UNARY = {
    "neg": (lambda x: -x, lambda t: -t),
    "exp": (lambda x: x.exp(), _t("exp")),
    "log": (lambda x: x.log(), _t("log")),
    "sqrt": (lambda x: x.sqrt(), _t("sqrt")),
    "abs": (lambda x: x.abs(), _t("abs")),
    "sigmoid": (lambda x: x.sigmoid(), _t("sigmoid")),
    "tanh": (lambda x: x.tanh(), _t("tanh")),
    "relu": (lambda x: x.relu(), _t("relu")),
    "sign": (lambda x: x.sign(), _t("sign")),
    "square": (lambda x: x * x, lambda t: t * t),
    "pow_0": (lambda x: x**0, lambda t: t**0),
    "pow_1": (lambda x: x**1, lambda t: t**1),
    "pow_2": (lambda x: x**2, lambda t: t**2),
    "pow_3": (lambda x: x**3, lambda t: t**3),
    "pow_half": (lambda x: x**0.5, lambda t: t**0.5),
    "pow_minus_1": (lambda x: x**-1, lambda t: t**-1),
    "pow_minus_1.5": (lambda x: x**-1.5, lambda t: t**-1.5),
    "pow_2.5": (lambda x: x**2.5, lambda t: t**2.5),
    "rpow_2": (lambda x: 2.0**x, lambda t: 2.0**t),
    "rpow_0": (lambda x: 0.0**x, lambda t: 0.0**t),
    "rpow_negative": (lambda x: (-2.0) ** x, lambda t: (-2.0) ** t),
    "add_number": (lambda x: x + 2.5, lambda t: t + 2.5),
    "rsub_number": (lambda x: 1.5 - x, lambda t: 1.5 - t),
    "mul_number": (lambda x: x * -3.0, lambda t: t * -3.0),
    "div_number": (lambda x: x / 4.0, lambda t: t / 4.0),
    "rdiv_number": (lambda x: 2.0 / x, lambda t: 2.0 / t),
    "div_zero": (lambda x: x / 0.0, lambda t: t / 0.0),
    "clamp": (lambda x: x.clamp(-0.5, 0.7), lambda t: t.clamp(-0.5, 0.7)),
    "clamp_min": (lambda x: x.clamp(min=0.0), lambda t: t.clamp(min=0.0)),
    "clip_max": (lambda x: x.clip(max=0.3), lambda t: t.clip(max=0.3)),
    "double": (lambda x: x.double() * x, lambda t: t.double() * t),
    "float": (lambda x: x.float() * 2.0, lambda t: t.float() * 2.0),
    "pos": (lambda x: +x, lambda t: +t),
}


@pytest.mark.parametrize("op", UNARY)
@budget(6)
@given(data=st.data())
def test_unary_op_matches_torch(op, data):
    x = data.draw(arrays(data.draw(shapes(max_dims=3))))
    fn, tfn = UNARY[op]
    assert_matches_torch(fn, tfn, [x], what=op)


# --------------------------------------------------------------------------------------------
# Elementwise: two inputs, broadcasting

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: a**b, lambda a, b: a**b),
    "maximum": (lambda a, b: mg.maximum(a, b), lambda a, b: torch.maximum(a, b)),
    "minimum": (lambda a, b: mg.minimum(a, b), lambda a, b: torch.minimum(a, b)),
    "method_names": (
        lambda a, b: a.add(b).mul(b).sub(a).div(b).pow(b.abs()),
        lambda a, b: a.add(b).mul(b).sub(a).div(b).pow(b.abs()),
    ),
    "lt": (lambda a, b: a < b, lambda a, b: a < b),
    "le": (lambda a, b: a <= b, lambda a, b: a <= b),
    "gt": (lambda a, b: a > b, lambda a, b: a > b),
    "ge": (lambda a, b: a >= b, lambda a, b: a >= b),
    "eq": (lambda a, b: a == b, lambda a, b: a == b),
    "ne": (lambda a, b: a != b, lambda a, b: a != b),
}

broadcastable = hnp.mutually_broadcastable_shapes(
    num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=3
)


@pytest.mark.parametrize("op", BINARY)
@budget(8)
@given(data=st.data(), shapes2=broadcastable)
def test_binary_op_with_broadcasting_matches_torch(op, data, shapes2):
    a, b = (data.draw(arrays(s)) for s in shapes2.input_shapes)
    fn, tfn = BINARY[op]
    assert_matches_torch(fn, tfn, [a, b], what=op)


@budget(20)
@given(data=st.data(), shapes3=hnp.mutually_broadcastable_shapes(num_shapes=3, max_side=3))
def test_where_matches_torch(data, shapes3):
    c, a, b = shapes3.input_shapes
    cond = fill(data.draw(st.integers(0, 99)), c, bool, "normal")
    x, y = data.draw(arrays(a)), data.draw(arrays(b))
    assert_matches_torch(
        lambda x, y: mg.where(cond, x, y),
        lambda x, y: torch.where(torch.from_numpy(cond), x, y),
        [x, y],
    )


INT_DTYPES = [np.int64, np.uint8, np.bool_]


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize(
    "op",
    ["add", "mul", "sub", "lt", "eq", "maximum", "minimum", "float_add", "div", "where"],
)
@budget(5)
@given(data=st.data(), shapes2=broadcastable)
def test_integer_and_bool_tensors_keep_pytorchs_dtypes(dtype, op, data, shapes2):
    a, b = (fill(data.draw(st.integers(0, 99)), s, dtype, "normal") for s in shapes2.input_shapes)
    f = fill(1, shapes2.input_shapes[1], np.float32, "normal")
    table = {
        "float_add": (lambda a, b: a + mg.tensor(f), lambda a, b: a + torch.from_numpy(f)),
        "where": (
            lambda a, b: mg.where(a > b, a, b),
            lambda a, b: torch.where(a > b, a, b),
        ),
    }
    fn, tfn = table.get(op) or BINARY[op]
    assert_matches_torch(fn, tfn, [a, b], what=f"{op} {np.dtype(dtype).name}")


# --------------------------------------------------------------------------------------------
# Reductions


def _reduction(name):
    def ours(x, dim, keepdim):
        if name in ("var", "std"):
            return getattr(x, name)(dim, keepdim=keepdim)
        if dim is None:
            return getattr(x, name)()
        return getattr(x, name)(dim, keepdim=keepdim)

    def theirs(t, dim, keepdim):
        if dim is None and name not in ("var", "std", "logsumexp"):
            return getattr(t, name)()
        return getattr(t, name)(dim, keepdim=keepdim)

    return ours, theirs


REDUCTIONS = ["sum", "mean", "var", "std", "amax", "amin", "logsumexp", "max", "min"]
REDUCTIONS += ["argmax", "argmin", "softmax", "log_softmax"]
ONE_DIM = {"max", "min", "argmax", "argmin", "softmax", "log_softmax"}


@pytest.mark.parametrize("op", REDUCTIONS)
@budget(12)
@given(data=st.data())
def test_reduction_matches_torch(op, data):
    shape = data.draw(shapes(max_dims=3))
    x = data.draw(arrays(shape))
    one = op in ONE_DIM
    needs_dim = op in ("softmax", "log_softmax", "logsumexp")
    dim = data.draw(dims_of(len(shape), allow_none=not needs_dim, allow_tuple=not one))
    keepdim = data.draw(st.booleans())
    ours, theirs = _reduction(op)
    if op in ("softmax", "log_softmax"):
        fn, tfn = (lambda x: getattr(x, op)(dim)), (lambda t: getattr(t, op)(dim))
    else:
        fn = lambda x: ours(x, dim, keepdim)  # noqa: E731
        tfn = lambda t: theirs(t, dim, keepdim)  # noqa: E731
    order = 0 if op in ("var", "std") and _variance_edge(x, dim, 1) else 2
    assert_matches_torch(fn, tfn, [x], order, what=f"{op}(dim={dim}, keepdim={keepdim})")


def _variance_edge(x, dim, correction) -> bool:
    """A variance over n <= correction numbers, or of numbers holding +-inf: the value is
    inf or NaN as in PyTorch, the gradient differs (documented in docs/differences.md and
    tested in test_numerics_edges.py), so only values are compared."""
    dims = range(x.ndim) if dim is None else (dim if isinstance(dim, tuple) else (dim,))
    n = int(np.prod([x.shape[d] for d in dims])) if x.ndim else 1
    return n <= correction or bool(np.isinf(x).any())


@pytest.mark.parametrize("correction", [0, 1, 2])
@budget(10)
@given(data=st.data())
def test_var_and_std_with_a_correction_match_torch(correction, data):
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    x = data.draw(arrays(shape))
    dim = data.draw(dims_of(len(shape)))
    order = 0 if _variance_edge(x, dim, correction) else 2
    for name in ("var", "std"):
        assert_matches_torch(
            lambda x, name=name: getattr(x, name)(dim, correction=correction),
            lambda t, name=name: getattr(t, name)(dim, correction=correction),
            [x],
            order,
            what=f"{name}(dim={dim}, correction={correction})",
        )


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", ["sum", "amax", "amin", "max", "min", "argmax", "argmin"])
@budget(6)
@given(data=st.data())
def test_integer_and_bool_reductions_match_torch(dtype, op, data):
    shape = data.draw(shapes(max_dims=3))
    kind = data.draw(st.sampled_from(["small", "edges"]))
    x = fill(data.draw(st.integers(0, 99)), shape, dtype, kind)
    one = op in ONE_DIM
    dim = data.draw(dims_of(len(shape), allow_tuple=not one))
    keepdim = data.draw(st.booleans())
    ours, theirs = _reduction(op)
    if dtype is np.bool_ and op in ("argmax", "argmin"):  # PyTorch refuses bool: numpy decides
        if x.size and (dim is None or x.ndim == 0 or x.shape[dim]):
            expected = getattr(np, op)(x) if dim is None or not x.ndim else getattr(np, op)(x, dim)
            np.testing.assert_array_equal(ours(mg.tensor(x), dim, False).numpy(), expected)
        return
    assert_matches_torch(
        lambda x: ours(x, dim, keepdim),
        lambda t: theirs(t, dim, keepdim),
        [x],
        what=f"{op}(dim={dim}) on {np.dtype(dtype).name}",
    )


@budget(15)
@given(data=st.data())
def test_all_and_any_match_torch(data):
    shape = data.draw(shapes(max_dims=3))
    x = data.draw(arrays(shape, kinds=("ties", "edges")))
    for name in ("all", "any"):
        assert_matches_torch(
            lambda x, name=name: getattr(x, name)(),
            lambda t, name=name: getattr(t, name)(),
            [x],
        )


# --------------------------------------------------------------------------------------------
# Matrix product


@st.composite
def matmul_shapes(draw):
    """(x shape, y shape) following the matmul rules, 1-D operands and zero sizes included."""
    n, k, m = (draw(st.integers(0, 3)) for _ in range(3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=2))
    bx, by = batch.input_shapes
    x = (k,) if draw(st.booleans()) and not bx else bx + (n, k)
    y = (k,) if draw(st.booleans()) and not by else by + (k, m)
    return x, y


@budget(30)
@given(data=st.data(), xy=matmul_shapes())
def test_matmul_matches_torch(data, xy):
    dtype = data.draw(st.sampled_from([np.float64, np.float32]))
    a, b = (data.draw(arrays(s, dtype=dtype)) for s in xy)
    assert_matches_torch(lambda a, b: a @ b, lambda a, b: a @ b, [a, b])


def test_matmul_of_two_dtypes_is_refused_like_torch():
    a, b = np.ones((2, 3)), np.ones((3, 2), np.float32)
    error, _ = assert_matches_torch(lambda a, b: a @ b, lambda a, b: a @ b, [a, b])
    assert "float64" in str(error) and "float32" in str(error)


# --------------------------------------------------------------------------------------------
# Movement


@st.composite
def movement_case(draw):
    """(name, ours, theirs) for one movement op with arguments that fit the drawn shape."""
    shape = draw(shapes(max_dims=4))
    nd = len(shape)
    n = max(nd, 1)
    kind = draw(
        st.sampled_from(
            ["reshape", "permute", "transpose", "mT", "T", "unsqueeze", "squeeze", "squeeze_dim"]
            + ["flatten", "expand", "broadcast_to", "view_infer", "swapaxes"]
        )
    )
    if kind == "reshape":
        new = tuple(reversed(shape))
        return shape, kind, (lambda x: x.reshape(new)), (lambda t: t.reshape(new))
    if kind == "view_infer":
        if 0 in shape:
            return shape, kind, (lambda x: x.reshape(0, -1)), (lambda t: t.reshape(0, -1))
        return shape, kind, (lambda x: x.view(-1)), (lambda t: t.view(-1))
    if kind == "permute":
        perm = tuple(draw(st.permutations(range(nd))))
        perm = tuple(d - nd if draw(st.booleans()) else d for d in perm)
        return shape, kind, (lambda x: x.permute(*perm)), (lambda t: t.permute(*perm))
    if kind in ("transpose", "swapaxes"):
        d0, d1 = (draw(st.integers(-n, n - 1)) for _ in range(2))
        return shape, kind, (lambda x: getattr(x, kind)(d0, d1)), (lambda t: t.transpose(d0, d1))
    if kind == "mT":
        return shape, kind, (lambda x: x.mT), (lambda t: t.mT)
    if kind == "T":
        rev = tuple(reversed(range(nd)))
        return shape, kind, (lambda x: x.T), (lambda t: t.permute(*rev) if rev else t)
    if kind == "unsqueeze":
        d = draw(st.integers(-nd - 1, nd))
        return shape, kind, (lambda x: x.unsqueeze(d)), (lambda t: t.unsqueeze(d))
    if kind == "squeeze":
        return shape, kind, (lambda x: x.squeeze()), (lambda t: t.squeeze())
    if kind == "squeeze_dim":
        d = draw(dims_of(nd, allow_none=False))
        return shape, kind, (lambda x: x.squeeze(d)), (lambda t: t.squeeze(d))
    if kind == "flatten":
        s = draw(st.integers(-n, n - 1))
        e = draw(st.integers(-n, n - 1))
        return shape, kind, (lambda x: x.flatten(s, e)), (lambda t: t.flatten(s, e))
    lead = draw(st.lists(st.integers(0, 2), max_size=2))
    bigger = tuple(lead) + tuple(m if m != 1 else draw(st.integers(0, 3)) for m in shape)
    if kind == "expand":
        sizes = tuple(lead) + tuple(-1 if draw(st.booleans()) else b for b in bigger[len(lead) :])
        return shape, kind, (lambda x: x.expand(*sizes)), (lambda t: t.expand(*sizes))
    return shape, kind, (lambda x: x.broadcast_to(bigger)), (lambda t: t.broadcast_to(bigger))


@budget(50)
@given(data=st.data(), case=movement_case())
def test_movement_op_matches_torch(data, case):
    shape, kind, fn, tfn = case
    x = data.draw(arrays(shape))
    assert_matches_torch(fn, tfn, [x], what=kind)


@st.composite
def index_case(draw):
    shape = draw(shapes(min_dims=1, max_dims=3))
    kinds = ["basic", "int_array", "mask", "int"] if 0 not in shape else ["basic", "mask"]
    kind = draw(st.sampled_from(kinds))
    if kind == "basic":
        index = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
        items = index if isinstance(index, tuple) else (index,)
        if any(isinstance(i, slice) and (i.step or 1) < 0 for i in items):  # not in PyTorch
            index = tuple(slice(None) if isinstance(i, slice) else i for i in items)
        return shape, index, index
    if kind == "int":
        if shape[0] == 0:
            return shape, 0, 0  # out of range in both
        i = draw(st.integers(-shape[0], shape[0] - 1))
        return shape, i, i
    if kind == "mask":
        mask = fill(draw(st.integers(0, 99)), shape[:1], bool, "normal")
        return shape, mask, torch.from_numpy(mask)
    index = draw(
        hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(max_dims=2, max_side=3))
    )
    return shape, index, tuple(torch.from_numpy(i.astype(np.int64)) for i in index)


@budget(40)
@given(data=st.data(), case=index_case())
def test_getitem_matches_torch(data, case):
    shape, index, tindex = case
    x = data.draw(arrays(shape))
    assert_matches_torch(lambda x: x[index], lambda t: t[tindex], [x], what=f"[{index!r}]")


@budget(25)
@given(data=st.data())
def test_cat_stack_split_chunk_pad_match_torch(data):
    shape = data.draw(shapes(min_dims=1, max_dims=3))
    nd = len(shape)
    dim = data.draw(st.integers(-nd, nd - 1))
    other = list(shape)
    other[dim] = data.draw(st.integers(0, 3))
    a, b, c = (data.draw(arrays(s, dtype=np.float64)) for s in (shape, tuple(other), shape))
    assert_matches_torch(
        lambda x, y: mg.cat([x, y, x], dim), lambda x, y: torch.cat([x, y, x], dim), [a, b]
    )
    assert_matches_torch(
        lambda x, z: mg.stack([x, z], dim), lambda x, z: torch.stack([x, z], dim), [a, c]
    )
    size = data.draw(st.integers(1, 3))
    assert_matches_torch(lambda x: x.split(size, dim), lambda t: t.split(size, dim), [a])
    assert_matches_torch(lambda x: x.chunk(size, dim), lambda t: t.chunk(size, dim), [a])
    pairs = data.draw(st.integers(1, nd))
    widths = data.draw(st.lists(st.integers(-1, 2), min_size=2 * pairs, max_size=2 * pairs))
    value = data.draw(st.sampled_from([0.0, 1.5, float("nan"), float("-inf")]))
    assert_matches_torch(
        lambda x: x.pad(widths, value=value),
        lambda t: torch.nn.functional.pad(t, widths, value=value),
        [a],
        what=f"pad({widths}, value={value})",
    )


# --------------------------------------------------------------------------------------------
# In-place ops (on a result, so the graph goes through them): the same numbers as out of place

INPLACE = {
    "abs_": lambda t, o: t.abs_(),
    "exp_": lambda t, o: t.exp_(),
    "log_": lambda t, o: t.log_(),
    "neg_": lambda t, o: t.neg_(),
    "relu_": lambda t, o: t.relu_(),
    "sigmoid_": lambda t, o: t.sigmoid_(),
    "sqrt_": lambda t, o: t.sqrt_(),
    "tanh_": lambda t, o: t.tanh_(),
    "clamp_": lambda t, o: t.clamp_(-0.5, 0.5),
    "pow_": lambda t, o: t.pow_(2),
    "add_": lambda t, o: t.add_(o),
    "sub_": lambda t, o: t.sub_(o),
    "mul_": lambda t, o: t.mul_(o),
    "div_": lambda t, o: t.div_(o),
    "iadd": lambda t, o: t.__iadd__(o),
    "imul": lambda t, o: t.__imul__(o),
}


@pytest.mark.parametrize("op", INPLACE)
@budget(5)
@given(data=st.data())
def test_inplace_op_on_a_result_matches_torch(op, data):
    shape = data.draw(shapes(max_dims=3))
    dtype = data.draw(st.sampled_from([np.float64, np.float32]))
    x = data.draw(arrays(shape, dtype))
    other = data.draw(arrays(shape[len(shape) - data.draw(st.integers(0, len(shape))) :], dtype))
    fn = INPLACE[op]
    assert_matches_torch(lambda a, b: fn(a * 1.0, b), lambda a, b: fn(a * 1.0, b), [x, other])
