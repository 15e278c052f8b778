"""One way an op keeps what its backward needs (save_for_backward, freed after backward),
one class for the results of Function.apply, and grad mode / scopes in recording.py."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import autograd, recording
from minigrad.autograd import Function, every_node, topological_order

# What apply records on a node; anything else on a primitive's node would be state kept
# outside save_for_backward (and not freed by _release).
RECORDED = {"inputs", "params", "scope", "saved", "released", "versions", "_out"}


def graph_of_every_primitive():
    """A loss whose graph holds each primitive that keeps something for backward."""
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((2, 1, 6, 6)), dtype=mg.float64, requires_grad=True)
    w = mg.tensor(rng.standard_normal((2, 1, 3, 3)), dtype=mg.float64, requires_grad=True)
    y = F.max_pool2d(F.conv2d(x, w, padding=1).relu(), 2)  # unfold, matmul, amax, where
    z = mg.cat([y, y.permute(0, 1, 3, 2)], dim=1)  # concat, permute
    z = F.pad(z, (1, 1)) ** 3  # pad, pow
    z = mg.maximum(z, z.mean()) + mg.minimum(z, 0.5)  # maximum, minimum
    flat = F.conv2d(x, w).flatten(1)  # reshape of conv2d's (C, H, W, N)-ordered output
    return x, w, (z[:, :, 1:3].amax(dim=1) + z.max()).sum() + flat.sum()  # getitem, amax


def test_primitives_keep_nothing_on_self_outside_what_apply_records():
    *_, loss = graph_of_every_primitive()
    kinds = set()
    for node in topological_order(loss):
        fn = node.grad_fn
        if fn is not None:
            kinds.add(type(fn).__name__)
            assert set(vars(fn)) <= RECORDED, (type(fn).__name__, set(vars(fn)) - RECORDED)
    assert {"Maximum", "Minimum", "Amax", "Unfold", "Concat", "Pad", "GetItem"} <= kinds


def test_backward_frees_every_saved_value_and_a_second_backward_names_the_op():
    *_, loss = graph_of_every_primitive()
    nodes = [n for n in topological_order(loss) if n.grad_fn is not None]
    saved_before = {type(n.grad_fn).__name__ for n in nodes if n.grad_fn.saved_tensors}
    assert {"Maximum", "Minimum", "Amax", "Reshape"} <= saved_before
    loss.backward()
    assert all(n.grad_fn.saved_tensors == () and n.grad_fn.released for n in nodes)
    with pytest.raises(RuntimeError, match=r"backward through \w+ a second time"):
        loss.backward()


def test_retain_graph_keeps_the_saved_values_and_gives_the_same_gradients():
    x, w, loss = graph_of_every_primitive()
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy(), w.grad.numpy().copy()
    x.grad = w.grad = None
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), first[0])
    np.testing.assert_array_equal(w.grad.numpy(), first[1])


def test_primitives_with_saved_state_still_pass_gradcheck():
    x, w, _ = graph_of_every_primitive()
    small = mg.tensor(np.random.default_rng(1).standard_normal((2, 1, 4, 4)), dtype=mg.float64)
    small.requires_grad_()
    assert mg.gradcheck(lambda a: mg.maximum(a, a.mean()) * mg.minimum(a, 0.1), [small])
    assert mg.gradcheck(lambda a: F.max_pool2d(F.pad(a, (1, 1)), 2).amax(dim=1), [small])
    assert mg.gradgradcheck(lambda a: mg.cat([a, a.permute(0, 1, 3, 2)], dim=1) ** 3, [small])


def test_a_parameters_results_are_tensors_without_overrides():
    p = mg.nn.Parameter(np.ones((2, 2), dtype=np.float32))
    assert type(p * 2.0) is mg.Tensor and type(p.sum()) is mg.Tensor
    with mg.no_grad():
        assert type(p * 2.0) is mg.Tensor
    assert "_constant" not in vars(mg.nn.Parameter)
    assert "_from_function" not in vars(mg.nn.Parameter)


def test_a_ctx_style_function_on_a_parameter_gives_a_tensor():
    class Double(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0

        @staticmethod
        def backward(ctx, grad):
            return grad * 2.0

    p = mg.nn.Parameter(np.ones(3, dtype=np.float32))
    y = Double.apply(p)
    assert type(y) is mg.Tensor and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), [2.0, 2.0, 2.0])


def test_grad_mode_and_scopes_live_in_recording_and_autograd_names_them_too():
    for name in ("no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"):
        assert getattr(autograd, name) is getattr(recording, name) is getattr(mg, name)
    assert autograd.retain_grads is recording.retain_grads
    with recording.scope("block"):
        y = mg.tensor([1.0], requires_grad=True) * 2.0
        assert [f.name for f in recording.current_scope()] == ["block"]
    assert [f.name for f in y.grad_fn.scope] == ["block"]
    with mg.no_grad():
        assert not recording.is_grad_enabled()
        assert (mg.tensor([1.0], requires_grad=True) * 2.0).grad_fn is None


def test_recording_reset_restores_a_fresh_state():
    recording.set_grad_enabled(False).__enter__()
    recording._Scope.stack = (recording.Frame("op", "left open", None, 0),)
    recording._KeepAll.enabled = True
    recording.reset()
    assert recording.is_grad_enabled() and recording.current_scope() == ()
    assert not recording._KeepAll.enabled


def test_constants_are_drawn_but_not_walked_by_backward():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * mg.tensor([3.0, 4.0])).sum()
    assert len(topological_order(loss, keep=every_node)) == len(topological_order(loss)) + 1
