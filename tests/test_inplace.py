"""In-place operations: values, gradients and versions as PyTorch, or an error naming the problem.

Most tests write one small program `prog(lib)` and run it twice, with `lib` = minigrad and
`lib` = torch (float64 both), comparing everything it returns: values, gradients, versions.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function

X = [[0.5, -1.5, 2.0], [3.0, -0.25, 1.0]]


def leaf(lib, data=X):
    return lib.tensor(data, dtype=lib.float64, requires_grad=True)


def const(lib, data=X):
    return lib.tensor(data, dtype=lib.float64)


def arr(t):
    if t is None:
        return None
    if hasattr(t, "detach"):
        t = t.detach()
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t, dtype=float)


def same_as_torch(torch, prog, atol=1e-12):
    """Run prog(mg) and prog(torch); their results (tensors, numbers, None) must agree."""
    ours, theirs = prog(mg), prog(torch)
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if isinstance(b, (int, float, str)) or b is None:
            assert a == b, f"result {i}: {a} != {b}"
        else:
            np.testing.assert_allclose(arr(a), arr(b), atol=atol, err_msg=f"result {i}")


def raises_like_torch(torch, prog, match, error=RuntimeError):
    """prog(torch) raises, and prog(mg) raises `error` whose message matches `match`."""
    with pytest.raises((RuntimeError, ValueError, TypeError)):
        prog(torch)
    with pytest.raises(error, match=match) as info:
        prog(mg)
    return str(info.value)


# --------------------------------------------------------------------------------------------
# Values: every in-place method changes the tensor itself, as PyTorch computes it

INPLACE = {
    "add_": lambda t, o: t.add_(o),
    "add_ alpha": lambda t, o: t.add_(o, alpha=-2.5),
    "sub_": lambda t, o: t.sub_(o),
    "sub_ alpha": lambda t, o: t.sub_(o, alpha=0.5),
    "mul_": lambda t, o: t.mul_(o),
    "div_": lambda t, o: t.div_(o),
    "pow_": lambda t, o: t.abs_().pow_(o),
    "clamp_": lambda t, o: t.clamp_(-1.0, 1.5),
    "clamp_min_": lambda t, o: t.clamp_min_(0.25),
    "clamp_max_": lambda t, o: t.clamp_max_(0.25),
    "fill_": lambda t, o: t.fill_(7.5),
    "zero_": lambda t, o: t.zero_(),
    "copy_": lambda t, o: t.copy_(o),
    "neg_": lambda t, o: t.neg_(),
    "abs_": lambda t, o: t.abs_(),
    "exp_": lambda t, o: t.exp_(),
    "sqrt_": lambda t, o: t.abs_().sqrt_(),
    "sigmoid_": lambda t, o: t.sigmoid_(),
    "tanh_": lambda t, o: t.tanh_(),
    "relu_": lambda t, o: t.relu_(),
    "+=": lambda t, o: t.__iadd__(o),
    "-=": lambda t, o: t.__isub__(o),
    "*=": lambda t, o: t.__imul__(o),
    "/=": lambda t, o: t.__itruediv__(o),
}


@pytest.mark.parametrize("name", INPLACE)
@pytest.mark.parametrize("operand", ["tensor", "row", "number"])
def test_inplace_method_changes_the_tensor_itself_like_torch(torch, name, operand):
    def prog(lib):
        t = const(lib)
        memory = t.numpy()
        o = {"tensor": const(lib, np.array(X) * 0.5 + 2), "row": const(lib, [1.5, -2.0, 4.0])}
        result = INPLACE[name](t, o.get(operand, 1.75))
        assert result is t  # the same object...
        assert np.shares_memory(t.numpy(), memory)  # ...and the same memory
        return t, t._version

    same_as_torch(torch, prog)


@pytest.mark.parametrize("name", INPLACE)
def test_recorded_inplace_method_has_torchs_gradients(torch, name):
    """On a non-leaf: gradients reach the tensor's history and the operand, as PyTorch's."""

    def prog(lib):
        x, o = leaf(lib), leaf(lib, np.array(X) * 0.5 + 2)
        y = x * 1.5
        INPLACE[name](y, o)
        (y * const(lib, np.arange(6.0).reshape(2, 3))).sum().backward()
        return y, x.grad, o.grad

    same_as_torch(torch, prog)


def test_augmented_assignment_under_no_grad_updates_a_leaf_in_place(torch):
    def prog(lib):
        p = leaf(lib)
        memory = p.numpy() if lib is mg else None
        (p * p).sum().backward()
        with lib.no_grad():
            p -= 0.1 * p.grad
            p *= 2.0
        if memory is not None:
            assert np.shares_memory(p.numpy(), memory)
        return p, p.requires_grad, p.is_leaf, p._version

    same_as_torch(torch, prog)


def test_grad_zero_and_grad_none_both_work_between_steps(torch):
    def prog(lib):
        p = leaf(lib)
        (p * 3.0).sum().backward()
        g = p.grad
        p.grad.zero_()
        same = p.grad is g
        (p * p).sum().backward()
        first = p.grad.clone()
        p.grad = None
        (p * 5.0).sum().backward()
        return same, first, p.grad

    same_as_torch(torch, prog)


# --------------------------------------------------------------------------------------------
# x[index] = value: differentiable, as PyTorch


SETITEMS = {
    "int": lambda y, v: y.__setitem__(0, v[0]),
    "slice": lambda y, v: y.__setitem__((slice(None), 1), v[:, 0]),
    "scalar": lambda y, v: y.__setitem__((1, 2), 9.0),
    "broadcast": lambda y, v: y.__setitem__(slice(0, 2), v[0]),
    "index list": lambda y, v: y.__setitem__(([0, 1], [2, 0]), v[1, :2]),
    "bool mask": lambda y, v: y.__setitem__(y.detach() > 0.9, 0.0),
    "ellipsis": lambda y, v: y.__setitem__((..., 0), v[:, 1]),
    "augmented": lambda y, v: y[1].__iadd__(v[0]),
}


@pytest.mark.parametrize("name", SETITEMS)
def test_setitem_value_and_gradients_match_torch(torch, name):
    """Gradient flows to x outside the written region and to the value inside it."""

    def prog(lib):
        x, v = leaf(lib), leaf(lib, np.array(X)[::-1] * 2)
        y = x * 1.0
        SETITEMS[name](y, v)
        (y * y * const(lib, np.arange(6.0).reshape(2, 3))).sum().backward()
        return y, x.grad, v.grad, y._version

    same_as_torch(torch, prog)


def test_augmented_assignment_at_an_index_changes_the_tensor(torch):
    def prog(lib):
        x, z = leaf(lib), leaf(lib, [1.0, 2.0, 3.0])
        y = x * 2.0
        y[0] += z
        y[1, 1:] *= z[1:]
        (y**2).sum().backward()
        return y, x.grad, z.grad

    same_as_torch(torch, prog)


def test_building_a_tensor_row_by_row_keeps_every_gradient(torch):
    def prog(lib):
        w = leaf(lib, [[1.0, -2.0], [0.5, 3.0]])
        out = lib.zeros(3, 2, dtype=lib.float64)
        h = const(lib, [1.0, 1.0])
        for i in range(3):
            h = (w @ h).tanh()
            out[i] = h
        assert out.requires_grad and out.grad_fn is not None
        (out * const(lib, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
        return out, w.grad

    same_as_torch(torch, prog)


def test_setitem_with_repeated_indices_matches_torch(torch):
    def prog(lib):
        x, v = leaf(lib, [1.0, 2.0, 3.0]), leaf(lib, [5.0, 6.0])
        y = x * 1.0
        y[[2, 0]] = v
        (y * const(lib, [1.0, 2.0, 3.0])).sum().backward()
        return y, x.grad, v.grad

    same_as_torch(torch, prog)


def test_setitem_converts_the_value_to_the_tensors_dtype(torch):
    def prog(lib):
        y = lib.zeros(3, dtype=lib.int64)
        y[0] = 2.7
        y[1:] = lib.tensor([7.9, -8.2], dtype=lib.float64)
        return y, str(y.dtype).split(".")[-1]

    same_as_torch(torch, prog)


def test_setitem_shape_mismatch_names_both_shapes():
    y = mg.zeros(3)
    with pytest.raises(ValueError, match=r"setitem.*\(2,\).*\(3,\)"):
        y[:] = mg.ones(2)
    with pytest.raises(IndexError, match="setitem.*out of bounds"):
        y[5] = 1.0


# --------------------------------------------------------------------------------------------
# Views share memory and version with their base; changing one through the other is right


def test_views_and_detach_share_the_version_counter(torch):
    def prog(lib):
        y = const(lib)
        v, w, d, t = y[0], y.reshape(6), y.detach(), y.t() if lib is torch else y.T
        v.add_(1.0)
        w[5] = 0.0
        d.mul_(2.0)
        t[0, 1] = 4.0
        return y, y._version, v._version, w._version, d._version, t._version

    same_as_torch(torch, prog)


VIEWS = {
    "row": lambda y: y[1],
    "column": lambda y: y[:, 2],
    "element": lambda y: y[0, 1],
    "transpose": lambda y: y.transpose(0, 1),
    "reshape": lambda y: y.reshape(3, 2),
    "view of view": lambda y: y.reshape(3, 2)[1:],
    "flatten slice": lambda y: y.flatten()[::2],
}


@pytest.mark.parametrize("name", VIEWS)
def test_inplace_through_a_view_changes_base_and_gradients_like_torch(torch, name):
    def prog(lib):
        x, z = leaf(lib), leaf(lib, 1.25)
        y = x * 2.0
        v = VIEWS[name](y)
        v.mul_(z)
        v.sub_(0.5)
        y2 = y * const(lib, np.arange(6.0).reshape(2, 3))
        (y2.sum() + (v * v).sum()).backward()
        return y, v, x.grad, z.grad, y._version

    same_as_torch(torch, prog)


def test_view_taken_before_its_base_changed_follows_the_base(torch):
    def prog(lib):
        x = leaf(lib)
        y = x * 1.0
        v = y[0]
        y.mul_(3.0)
        (v * v).sum().backward()
        return v, x.grad

    same_as_torch(torch, prog)


def test_setitem_on_a_view_of_a_constant_makes_the_base_require_grad(torch):
    def prog(lib):
        z = leaf(lib, [1.0, 2.0, 3.0])
        y = lib.zeros(2, 3, dtype=lib.float64)
        y[0] += z
        y[1][1:] = z[:2] * 2
        assert y.requires_grad
        (y * y).sum().backward()
        return y, z.grad

    same_as_torch(torch, prog)


SELF_CHANGES = {
    "row minus column": lambda y: y[1].__isub__(y.transpose(0, 1)[:, 0] * 0.5),
    "minus own mean": lambda y: y.__isub__(y.mean()),
    "times own sigmoid": lambda y: y.mul_(y.sigmoid()),
    "plus own exp": lambda y: y.add_(y[0].exp()),
}


@pytest.mark.parametrize("name", SELF_CHANGES)
def test_a_tensor_changed_with_an_expression_of_itself_uses_its_old_values(torch, name):
    def prog(lib):
        x = leaf(lib)
        y = x * 1.0
        SELF_CHANGES[name](y)
        (y * y * const(lib, np.arange(6.0).reshape(2, 3))).sum().backward()
        return y, x.grad

    same_as_torch(torch, prog)


def test_an_expression_that_saved_the_tensor_raises_as_in_torch(torch):
    def prog(lib):
        x = leaf(lib)
        y = x * 1.0
        y /= (y * y).sum().sqrt()  # y * y saved y, which /= then overwrites
        y.sum().backward()

    raises_like_torch(torch, prog, "modified by an inplace operation")


def test_an_operand_overlapping_the_changed_memory_is_read_before_writing():
    """Documented difference: minigrad computes the result out of place, then writes it (as
    numpy, and as y = y + y[:, :1] would); PyTorch's kernels may read values they have
    already overwritten, so their result depends on the order of memory."""
    x = mg.tensor(X, dtype=mg.float64, requires_grad=True)
    y = x * 1.0
    y += y[:, :1]
    y[:, 1:] = y[:, :-1].clone()
    y[:, 1:] = y[:, :-1]
    expected = np.array(X) + np.array(X)[:, :1]
    expected[:, 1:] = expected[:, :-1].copy()
    expected[:, 1:] = expected[:, :-1].copy()
    np.testing.assert_allclose(y.numpy(), expected)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[6.0, 0.0, 0.0], [6.0, 0.0, 0.0]])  # 3 * 2 x0


def test_times_itself_gives_the_gradient_where_torch_refuses(torch):
    """Documented difference: PyTorch's mul_ saves its operand, which here is the tensor the
    mul_ overwrites, so its backward raises; minigrad keeps the old values and is right."""

    def prog(lib):
        x = leaf(lib, [1.0, 2.0])
        y = x * 1.0
        y.mul_(y)
        y.sum().backward()
        return x.grad

    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        prog(torch)
    np.testing.assert_allclose(prog(mg).numpy(), [2.0, 4.0])


def test_mul_by_a_tensor_that_requires_grad_keeps_the_old_values(torch):
    def prog(lib):
        x, o = leaf(lib, np.abs(X) + 0.5), leaf(lib, [2.0, 3.0, 4.0])
        y = x * 2.0
        y.mul_(o)
        y.div_(o + 1.0)
        y.pow_(o)
        y.sum().backward()
        return y, x.grad, o.grad

    same_as_torch(torch, prog, atol=1e-9)


def test_second_derivative_through_setitem_and_inplace_matches_torch(torch):
    def prog(lib):
        x = leaf(lib, [0.5, -1.0, 2.0])
        y = x * x
        y[1] = x[0] ** 3
        y.mul_(x)
        (g,) = (lib.autograd.grad if lib is torch else lib.grad)(y.sum(), [x], create_graph=True)
        (g * g).sum().backward()
        return g, x.grad

    same_as_torch(torch, prog)


def test_gradcheck_of_functions_written_with_inplace_ops():
    def f(x, v):
        y = x.clone()
        y[1:, 0] = v
        y.mul_(x)
        y[0] += v.sum()
        return y.exp_()

    x = mg.tensor(np.random.default_rng(0).normal(size=(3, 2)), mg.float64, requires_grad=True)
    v = mg.tensor([0.3, -0.7], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(f, (x, v))
    assert mg.gradgradcheck(f, (x, v))


# --------------------------------------------------------------------------------------------
# Errors where PyTorch raises


def test_changing_a_saved_tensor_before_backward_names_shape_op_and_versions(torch):
    def prog(lib):
        x = leaf(lib, [[1.0], [2.0], [3.0]])
        h = x * 2
        y = (h * h).sum()
        h.zero_()
        y.backward()
        return x.grad

    m = raises_like_torch(torch, prog, "modified by an inplace operation")
    for part in ["(3, 1)", "mul", "version 1", "expected version 0", "clone()"]:
        assert part in m, part


def test_changing_an_output_that_backward_reuses_is_caught(torch):
    def prog(lib):
        x = leaf(lib)
        y = x.sigmoid()
        with lib.no_grad():
            y.mul_(2.0)
        y.sum().backward()

    m = raises_like_torch(torch, prog, "modified by an inplace operation")
    assert "sigmoid" in m and "its output" in m


def test_changing_a_saved_tensor_through_a_view_or_detach_is_caught(torch):
    def through_view(lib):
        x = leaf(lib)
        h = x * 1.0
        y = (h * h).sum()
        h[0, 0] = 5.0
        y.backward()

    def through_detach(lib):
        x = leaf(lib)
        h = x * 1.0
        y = (h * h).sum()
        h.detach().add_(1.0)
        y.backward()

    raises_like_torch(torch, through_view, "modified by an inplace operation")
    raises_like_torch(torch, through_detach, "modified by an inplace operation")


def test_changes_backward_does_not_need_are_allowed(torch):
    """An op that does not read the changed tensor (add) or does not need its gradient."""

    def prog(lib):
        x, c = leaf(lib), const(lib)
        h = x * 2.0
        y = (h + 1.0).sum() + (h * c).sum()  # add reads nothing; h * c reads only c
        with lib.no_grad():
            h.mul_(10.0)
        y.backward()
        return x.grad

    same_as_torch(torch, prog)


def test_a_leaf_that_requires_grad_cannot_be_changed_outside_no_grad(torch):
    def leaf_change(lib):
        p = leaf(lib)
        p += 1.0

    def leaf_setitem(lib):
        p = leaf(lib)
        p[0] = 1.0

    def view_of_leaf(lib):
        p = leaf(lib)
        p[0].mul_(2.0)

    m = raises_like_torch(torch, leaf_change, "a leaf Variable that requires grad")
    assert "no_grad" in m
    raises_like_torch(torch, leaf_setitem, "a leaf Variable that requires grad")
    raises_like_torch(torch, view_of_leaf, "a view of a leaf Variable")


def test_result_dtype_and_shape_must_fit_the_changed_tensor(torch):
    def int_takes_float(lib):
        t = lib.ones(3, dtype=lib.int64)
        t += 1.5

    def bool_takes_int(lib):
        t = lib.ones(3, dtype=lib.bool if lib is torch else lib.bool_)
        t.add_(lib.ones(3, dtype=lib.int64))

    def grows(lib):
        t = lib.ones(3, dtype=lib.float64)
        t.add_(lib.ones(2, 3, dtype=lib.float64))

    raises_like_torch(torch, int_takes_float, "result type float32 can't be cast to .*int64")
    raises_like_torch(torch, bool_takes_int, "can't be cast to the desired output type bool")
    m = raises_like_torch(torch, grows, r"output with shape \(3,\).*broadcast shape \(2, 3\)")
    assert "out of place" in m


def test_an_expanded_tensor_cannot_be_changed_in_place(torch):
    def prog(lib):
        e = const(lib, [1.0, 2.0]).expand(3, 2)
        e.add_(1.0)

    raises_like_torch(torch, prog, "clone")


def test_matmul_in_place_is_refused_not_silently_rebound():
    x = mg.ones(2, 2)
    with pytest.raises(RuntimeError, match="x = x @ w"):
        x @= mg.ones(2, 2)


def test_a_change_after_an_op_used_the_tensor_raises_where_torch_would_follow_history(torch):
    """Documented difference: minigrad's graph points at tensors, not at their past versions.
    PyTorch gets this right; minigrad must raise rather than give a wrong gradient."""

    def prog(lib):
        x = leaf(lib)
        h = x * 2.0
        a = h * 3.0  # uses h (does not save it)
        h.mul_(2.0)  # recorded: h gets a new node
        (a + h).sum().backward()
        return x.grad

    expected = prog(torch)
    np.testing.assert_allclose(arr(expected), 10.0)  # d(3 * 2x + 2 * 2x)/dx
    with pytest.raises(RuntimeError, match=r"changed in place afterwards.*h = h \* 2"):
        prog(mg)


# --------------------------------------------------------------------------------------------
# Nothing an op keeps for backward aliases memory a user can change


def test_index_arrays_are_copied_so_changing_them_later_changes_nothing():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    idx = mg.tensor([0, 0, 2])
    raw = np.array([1, 2])
    y = x[idx] * mg.tensor([1.0, 2.0, 3.0]) + x[raw].sum()
    idx.fill_(1)
    raw[:] = 0
    y.sum().backward()
    # x[idx] = (x0, x0, x2) weighted 1, 2, 3; x[raw].sum() = x1 + x2 is added to 3 elements
    np.testing.assert_allclose(x.grad.numpy(), [1.0 + 2.0, 3.0, 3.0 + 3.0])


def test_where_copies_a_condition_tensor():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    cond = mg.tensor([True, False])
    y = mg.where(cond, x, 0.0)
    cond.fill_(True)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0])


def test_every_primitive_declares_what_its_backward_reads():
    """A primitive whose backward reads an input must say so (reads_inputs / reads_input),
    else an in-place change of that input would silently change its gradient."""
    x = mg.tensor([1.5, 2.5], requires_grad=True)
    w = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    cases = {
        "mul": lambda a: a * x,
        "div": lambda a: a / x,
        "pow": lambda a: a**x,
        "powscalar": lambda a: a**3,
        "log": lambda a: a.log(),
        "abs": lambda a: a.abs(),
        "matmul": lambda a: a @ w,
    }
    for name, op in cases.items():
        a = x * 1.0
        out = op(a)
        fn = out.grad_fn
        assert isinstance(fn, Function) and fn.reads_input(0), name
        loss = out.sum()
        with mg.no_grad():
            a.add_(1.0)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            loss.backward()


def test_a_view_made_in_no_grad_and_changed_with_grad_on_is_an_ordinary_view(torch):
    """Documented difference: PyTorch forbids this as ambiguous; minigrad treats the view
    like any view, so the change reaches the base's graph (never a wrong gradient)."""

    def prog(lib):
        x, z = leaf(lib), leaf(lib, 2.0)
        y = x * 1.0
        with lib.no_grad():
            v = y[0]
        v.mul_(z)
        (y * y).sum().backward()
        return y, x.grad, z.grad

    with pytest.raises(RuntimeError, match="no_grad"):
        prog(torch)
    y, x_grad, z_grad = prog(mg)
    x0 = np.array(X)
    np.testing.assert_allclose(x_grad.numpy(), [2 * x0[0] * 4, 2 * x0[1]])
    np.testing.assert_allclose(z_grad.item(), (2 * (x0[0] * 2) * x0[0]).sum())
