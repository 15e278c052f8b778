"""The tensor engine's graph walk: depth, freeing, no_grad, accumulation, higher order, dtypes."""

from __future__ import annotations

import gc
import sys
import weakref

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function

# --------------------------------------------------------------------------------------------
# The graph walk


# 20,000 ops are twenty times Python's recursion limit: a recursive walk would fail there
# already. The million-op chain (the depth the engine promises) runs under `slow`.
@pytest.mark.parametrize("length", [20_000, pytest.param(1_000_000, marks=pytest.mark.slow)])
def test_a_long_chain_of_ops_backpropagates_without_recursion(length):
    assert length > 10 * sys.getrecursionlimit()
    x = mg.tensor(2.0, requires_grad=True)
    y = x
    # Python's cyclic collector would rescan the growing graph again and again while it is
    # built (about half of this test's time); the graph has no cycles, so pausing it changes
    # nothing else. The backward pass pauses it by itself.
    gc.disable()
    try:
        for _ in range(length):
            y = y * 1.0
    finally:
        gc.enable()
    y.backward()
    assert x.grad.item() == 1.0
    assert x.grad.dtype == mg.float32


def test_a_second_backward_through_a_freed_graph_says_to_pass_retain_graph():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x.exp() * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match=r"retain_graph=True") as err:
        loss.backward()
    assert "second time" in str(err.value)


def test_a_shared_intermediate_is_freed_by_the_first_of_two_losses():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    z = x * 3.0
    a, b = z.sum(), (z * z).sum()
    a.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        b.backward()


def test_retain_graph_allows_a_second_backward_and_gradients_add_up():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (2 * x.numpy()))


def test_gradients_accumulate_across_two_backward_calls_until_zeroed():
    x = mg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.numpy() + 3.0)
    x.grad.zero_()
    (x * 1.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0, 1.0])


def test_a_leaf_gradient_owns_its_memory():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    upstream = mg.tensor([5.0, 6.0])
    (x * 1.0).backward(upstream)
    x.grad.zero_()  # an optimizer's zero_grad must not change the caller's array
    np.testing.assert_array_equal(upstream.numpy(), [5.0, 6.0])


def test_a_node_used_twice_collects_both_gradients():
    x = mg.tensor(3.0, requires_grad=True)
    y = x * 2.0
    (y * y + y).backward()  # d/dx (4x^2 + 2x) = 8x + 2
    assert x.grad.item() == 26.0


def test_backward_stores_grad_on_leaves_only_unless_retained():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    kept = (x * 3.0).retain_grad()
    (h * kept).sum().backward()
    assert x.is_leaf and not h.is_leaf
    assert h.grad is None
    np.testing.assert_allclose(kept.grad.numpy(), h.numpy())
    with mg.autograd.retain_grads():
        h2 = x * 2.0
        (h2 * h2).sum().backward()
    np.testing.assert_allclose(h2.grad.numpy(), 2 * h2.numpy())


def test_a_dropped_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()  # no cycles: the graph must go as soon as the last reference does
    try:
        x = mg.tensor([1.0, 2.0], requires_grad=True)
        hidden = x.exp()  # Exp keeps its output (weakly) for backward
        loss = (hidden.tanh() * hidden).sum()
        probe = weakref.ref(hidden)
        loss.backward()
        del hidden, loss
        assert probe() is None
    finally:
        gc.enable()


def test_backward_frees_saved_arrays_without_retain_graph():
    class Saves(Function):
        def forward(self, x):
            self.save_for_backward(x * 2)
            return x * 2

        def backward(self, grad):
            assert len(self.saved_tensors) == 1
            return grad * 2.0

    x = mg.tensor([1.0], requires_grad=True)
    y = Saves.apply(x)
    y.backward(retain_graph=True)
    assert len(y.grad_fn.saved_tensors) == 1
    y.backward()
    assert y.grad_fn.saved_tensors == () and y.grad_fn.released


# --------------------------------------------------------------------------------------------
# Recording on and off


def test_no_grad_builds_no_graph():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        y = (x * 2.0).exp().sum()
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y._parents == ()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_no_grad_works_as_a_decorator():
    @mg.no_grad()
    def evaluate(x):
        return x * x

    x = mg.tensor([1.0], requires_grad=True)
    assert evaluate(x).grad_fn is None
    assert (x * x).grad_fn is not None


def test_enable_grad_records_inside_no_grad():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        with mg.enable_grad():
            y = (x * x).sum()
        z = x * x
    assert y.requires_grad and z.grad_fn is None
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_ops_on_constants_record_nothing_and_detach_cuts_the_graph():
    a, b = mg.tensor([1.0]), mg.tensor([2.0])
    assert (a * b).grad_fn is None
    x = mg.tensor([3.0], requires_grad=True)
    d = (x * 2.0).detach()
    assert d.is_leaf and not d.requires_grad
    y = (d * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0])


def test_backward_with_create_graph_false_runs_under_no_grad():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert not x.grad.requires_grad
    y = mg.tensor([1.0, 2.0], requires_grad=True)
    (y * y).sum().backward(create_graph=True)
    assert y.grad.requires_grad


# --------------------------------------------------------------------------------------------
# mg.grad and higher derivatives


def test_grad_with_create_graph_gives_second_and_third_derivatives():
    x = mg.tensor([0.5, -1.5], dtype=mg.float64, requires_grad=True)
    (d1,) = mg.grad((x**4).sum(), [x], create_graph=True)
    (d2,) = mg.grad(d1.sum(), [x], create_graph=True)
    (d3,) = mg.grad(d2.sum(), [x])
    np.testing.assert_allclose(d1.numpy(), 4 * x.numpy() ** 3)
    np.testing.assert_allclose(d2.numpy(), 12 * x.numpy() ** 2)
    np.testing.assert_allclose(d3.numpy(), 24 * x.numpy())
    assert x.grad is None  # mg.grad never touches .grad


def test_grad_allow_unused_gives_none_and_otherwise_raises():
    x = mg.tensor([1.0], requires_grad=True)
    unused = mg.tensor([2.0], requires_grad=True)
    y = (x * 3.0).sum()
    gx, gu = mg.grad(y, [x, unused], retain_graph=True, allow_unused=True)
    assert gu is None and gx.item() == 3.0
    with pytest.raises(RuntimeError, match=r"allow_unused=True"):
        mg.grad(y, [x, unused])


def test_grad_of_several_outputs_with_grad_outputs():
    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    a, b = x * x, x.exp()
    (g,) = mg.grad([a, b], [x], grad_outputs=[mg.ones(2, dtype="float64"), mg.tensor([1.0, 0.0])])
    np.testing.assert_allclose(g.numpy(), 2 * x.numpy() + [np.e, 0.0])


def _mlp_loss(mod, params, x, labels):
    w1, b1, w2, b2 = params
    hidden = (x @ w1 + b1).tanh()
    logits = hidden @ w2 + b2
    if mod is mg:
        logp = logits.log_softmax(-1)
        return -logp[np.arange(len(labels)), labels].mean()
    return mod.nn.functional.cross_entropy(logits, mod.tensor(labels))


def test_hessian_vector_product_of_a_small_mlp_matches_torch(torch):
    rng = np.random.default_rng(0)
    shapes = [(4, 6), (6,), (6, 3), (3,)]
    arrays = [rng.standard_normal(s) * 0.5 for s in shapes]
    vectors = [rng.standard_normal(s) for s in shapes]
    x, labels = rng.standard_normal((5, 4)), np.array([0, 2, 1, 2, 0])

    params = [mg.tensor(a, dtype=mg.float64, requires_grad=True) for a in arrays]
    grads = mg.grad(
        _mlp_loss(mg, params, mg.tensor(x, dtype="float64"), labels), params, create_graph=True
    )
    gv = sum((g * mg.tensor(v, dtype="float64")).sum() for g, v in zip(grads, vectors))
    hvp = mg.grad(gv, params)

    tparams = [torch.tensor(a, requires_grad=True) for a in arrays]
    tloss = _mlp_loss(torch, tparams, torch.tensor(x), labels)
    tgrads = torch.autograd.grad(tloss, tparams, create_graph=True)
    tgv = sum((g * torch.tensor(v)).sum() for g, v in zip(tgrads, vectors))
    thvp = torch.autograd.grad(tgv, tparams)
    for g, tg in zip(grads, tgrads):
        np.testing.assert_allclose(g.numpy(), tg.detach().numpy(), rtol=1e-10, atol=1e-12)
    for h, th in zip(hvp, thvp):
        np.testing.assert_allclose(h.numpy(), th.numpy(), rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------------------------
# gradcheck finds wrong derivatives


class SquareForgetsTheTwo(Function):
    r"""z = x^2 with a bug: dz/dx written as x instead of 2x."""

    def forward(self, x):
        return x * x

    def backward(self, grad):
        return grad * self.inputs[0]


class SquareWithConstantDerivative(Function):
    r"""z = x^2; backward is right in value but treats x as a constant, so d2z/dx2 = 0."""

    def forward(self, x):
        return x * x

    def backward(self, grad):
        x = self.inputs[0]
        return grad * mg.from_numpy(2.0 * x.numpy())


def test_gradcheck_catches_a_wrong_backward_and_names_input_element_and_values():
    x = mg.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=mg.float64, requires_grad=True)
    with pytest.raises(mg.GradcheckError) as err:
        mg.gradcheck(lambda a: SquareForgetsTheTwo.apply(a), [x])
    message = str(err.value)
    assert "input 0" in message and "element (0, 0)" in message
    assert "numerical" in message and "analytical" in message
    assert mg.gradcheck(lambda a: SquareForgetsTheTwo.apply(a), [x], raise_exception=False) is False
    assert mg.gradcheck(lambda a: a * a, [x])


def test_gradgradcheck_catches_a_wrong_double_backward():
    x = mg.tensor([1.0, 2.0, -0.5], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(lambda a: SquareWithConstantDerivative.apply(a), [x])
    with pytest.raises(mg.GradcheckError, match="numerical"):
        mg.gradgradcheck(lambda a: SquareWithConstantDerivative.apply(a), [x])
    assert mg.gradgradcheck(lambda a: a * a, [x])


def test_gradcheck_refuses_float32_inputs():
    with pytest.raises(TypeError, match="float64"):
        mg.gradcheck(lambda a: a * 2.0, [mg.randn(3, requires_grad=True)])


# --------------------------------------------------------------------------------------------
# dtypes


def test_default_dtype_is_float32_and_float64_on_request():
    assert mg.tensor([1.0, 2.0]).dtype == mg.float32
    assert mg.tensor([1, 2]).dtype == mg.int64
    for dtype in (mg.float64, np.float64, "float64", np.dtype("float64")):
        assert mg.tensor([1.0], dtype=dtype).dtype == mg.float64
    for make in (mg.zeros, mg.ones, mg.randn, mg.rand):
        assert make(2, 3).dtype == mg.float32
        assert make(2, 3, dtype="float64").dtype == mg.float64
    assert mg.eye(3).dtype == mg.float32 and mg.arange(3).dtype == mg.int64
    assert mg.full((2,), 1.5).dtype == mg.float32 and mg.arange(0.0, 1.0, 0.5).dtype == mg.float32
    assert mg.zeros_like(mg.ones(2, dtype="float64")).dtype == mg.float64


@pytest.mark.parametrize(
    "other",
    [2.5, 3, True, np.float64(2.5), np.float32(2.5), np.int64(3), np.array(2.5), np.ones(3)],
    ids=repr,
)
def test_numbers_and_arrays_never_upcast_a_float32_tensor(other):
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    results = [x + other, other + x, x - other, other - x, x * other, other * x, x / other]
    results += [mg.maximum(x, other), mg.where(x.numpy() > 1, x, other), x**2.0, x ** np.float64(2)]
    for y in results:
        assert y.dtype == mg.float32, repr(other)
    sum(y.sum() for y in results).backward()
    assert x.grad.dtype == mg.float32


def test_float32_with_float64_promotes_but_each_gradient_keeps_its_inputs_dtype():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([3.0, 4.0], dtype=mg.float64, requires_grad=True)
    y = a * b
    assert y.dtype == mg.float64
    y.sum().backward()
    assert a.grad.dtype == mg.float32 and b.grad.dtype == mg.float64
    np.testing.assert_allclose(a.grad.numpy(), [3.0, 4.0])


def test_an_int_tensor_with_a_float_number_becomes_float32():
    n = mg.tensor([1, 2])
    assert (n * 0.5).dtype == mg.float32
    assert (n + 1).dtype == mg.int64


def test_requires_grad_on_an_integer_tensor_says_to_convert():
    for make in (
        lambda: mg.tensor([1, 2], requires_grad=True),
        lambda: mg.arange(3, requires_grad=True),
        lambda: mg.tensor([1, 2]).requires_grad_(),
    ):
        with pytest.raises(TypeError, match=r"int64.*x\.float\(\)"):
            make()
    assert mg.tensor([1, 2]).float().requires_grad_().requires_grad


def test_backward_on_a_float32_graph_seeds_and_returns_float32():
    x = mg.randn(4, 3, requires_grad=True)
    w = mg.randn(3, 2, requires_grad=True)
    loss = (x @ w).log_softmax(-1)[np.arange(4), np.array([0, 1, 1, 0])].mean()
    loss.backward(create_graph=True)
    assert loss.dtype == x.grad.dtype == w.grad.dtype == mg.float32
    (hvp,) = mg.grad(w.grad.sum(), [x])
    assert hvp.dtype == mg.float32


# --------------------------------------------------------------------------------------------
# Tensor facts


def test_tensor_attributes_and_conversions():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert x.shape == (2, 2) and x.ndim == 2 and x.numel() == 4 and x.size(1) == 2
    assert isinstance(x.numpy(), np.ndarray) and x.numpy() is x.numpy()
    # .data is PyTorch's: a tensor without history that shares the numbers
    assert isinstance(x.data, mg.Tensor) and not x.data.requires_grad
    assert np.shares_memory(x.data.numpy(), x.numpy())
    assert x.grad is None and x.is_leaf and x.requires_grad
    assert x[1, 0].item() == 3.0 and isinstance(x[1, 0].item(), float)
    assert x.detach().requires_grad is False
    assert (x.sum() * 1.0).grad_fn is not None
    assert "requires_grad=True" in repr(x) and "grad_fn" in repr(x * 2)
    assert float(x.sum()) == 10.0 and x.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_manual_seed_makes_random_tensors_repeat():
    mg.manual_seed(5)
    a = mg.randn(3)
    mg.manual_seed(5)
    np.testing.assert_array_equal(a.numpy(), mg.randn(3).numpy())


def test_torch_method_names_for_operators():
    x = mg.tensor([1.0, 2.0])
    for name, expected in [
        ("add", [3.0, 4.0]),
        ("sub", [-1.0, 0.0]),
        ("mul", [2.0, 4.0]),
        ("div", [0.5, 1.0]),
        ("pow", [1.0, 4.0]),
    ]:
        np.testing.assert_allclose(getattr(x, name)(2.0).numpy(), expected)
    np.testing.assert_allclose(x.neg().numpy(), [-1.0, -2.0])
