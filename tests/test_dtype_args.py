"""dtype arguments and type promotion: PyTorch's dtype, or an error naming the argument.

Layers honour `dtype=` for every parameter and buffer; tensor-tensor arithmetic promotes
as PyTorch does (a 0-d tensor does not raise a dimensioned tensor's precision); NumPy
scalars never turn float32 into float64.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn

LAYERS = {
    "Linear": (lambda lib, **kw: lib.nn.Linear(4, 3, **kw), (5, 4)),
    "Linear no bias": (lambda lib, **kw: lib.nn.Linear(4, 3, bias=False, **kw), (5, 4)),
    "Conv2d": (lambda lib, **kw: lib.nn.Conv2d(2, 3, 3, padding=1, **kw), (2, 2, 5, 5)),
    "ConvTranspose2d": (
        lambda lib, **kw: lib.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1, **kw),
        (2, 2, 5, 5),
    ),
    "BatchNorm1d": (lambda lib, **kw: lib.nn.BatchNorm1d(4, **kw), (6, 4)),
    "BatchNorm2d": (lambda lib, **kw: lib.nn.BatchNorm2d(2, **kw), (3, 2, 4, 4)),
    "PReLU": (lambda lib, **kw: lib.nn.PReLU(2, **kw), (3, 2, 4)),
}


@pytest.mark.parametrize("name", LAYERS)
def test_layer_dtype_is_honoured_by_parameters_buffers_outputs_and_gradients(torch, name):
    make, shape = LAYERS[name]
    layer = make(mg, dtype=mg.float64)
    reference = make(torch, dtype=torch.float64)
    for key, value in layer.state_dict().items():
        expected = str(reference.state_dict()[key].dtype).replace("torch.", "")
        assert str(value.dtype) == expected, key
    reference.load_state_dict({k: torch.tensor(v.numpy()) for k, v in layer.state_dict().items()})
    x = np.random.default_rng(0).normal(size=shape)
    xm = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ym, yt = layer(xm), reference(xt)
    (ym * ym).sum().backward()
    (yt * yt).sum().backward()
    assert ym.dtype == mg.float64 and xm.grad.dtype == mg.float64
    np.testing.assert_allclose(ym.numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (key, p), (_, q) in zip(layer.named_parameters(), reference.named_parameters()):
        assert p.grad.dtype == mg.float64, key
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10, atol=1e-12)
    for key, buffer in layer.named_buffers():
        expected = reference.state_dict()[key]
        np.testing.assert_allclose(buffer.numpy(), expected.numpy(), rtol=1e-10, err_msg=key)


@pytest.mark.parametrize("name", LAYERS)
def test_layer_default_dtype_is_float32_and_device_cpu_is_accepted(name):
    make, _ = LAYERS[name]
    for device in ("cpu", mg.device("cpu")):
        layer = make(mg, device=device)
        assert all(t.dtype in (mg.float32, mg.int64) for t in layer.state_dict().values())
    for device in ("cuda", mg.device("cuda", 0)):
        with pytest.raises(RuntimeError, match=r"cannot use device 'cuda.*CPU only"):
            make(mg, device=device)
    with pytest.raises(TypeError, match="dtype must be a floating-point type.*int64"):
        make(mg, dtype=mg.int64)


def test_initialisers_keep_the_dtype_and_count_as_an_inplace_change():
    w = nn.Parameter(mg.zeros(3, 4, dtype=mg.float64))
    before = w._version
    nn.init.kaiming_uniform_(w)
    nn.init.normal_(w, std=0.1)
    assert w.dtype == mg.float64 and w._version == before + 2


# --------------------------------------------------------------------------------------------
# Type promotion between tensors, as PyTorch


PAIRS = [
    ("float32", (3,), "float64", (3,)),
    ("float32", (3,), "float64", ()),
    ("float64", (), "float32", (2, 3)),
    ("int64", (3,), "float64", ()),
    ("int64", (3,), "float16", ()),
    ("int64", (3,), "float32", (3,)),
    ("int32", (3,), "int64", ()),
    ("uint8", (3,), "int64", ()),
    ("bool", (3,), "int64", ()),
    ("float16", (3,), "float32", ()),
    ("float32", (), "float64", ()),
    ("float32", (), "int64", (3,)),
]


@pytest.mark.parametrize("a_dtype, a_shape, b_dtype, b_shape", PAIRS)
@pytest.mark.parametrize("op", ["add", "mul", "sub", "maximum", "where"])
def test_tensor_tensor_promotion_matches_torch(torch, a_dtype, a_shape, b_dtype, b_shape, op):
    def run(lib):
        def make(dtype, shape):
            name = "bool_" if (dtype == "bool" and lib is mg) else dtype
            return lib.tensor(np.full(shape, 3), dtype=getattr(lib, name))

        a, b = make(a_dtype, a_shape), make(b_dtype, b_shape)
        if op == "where":
            return lib.where(lib.tensor([True, False, True]), a, b)
        return getattr(lib, op)(a, b) if op == "maximum" else getattr(a, op)(b)

    if op == "sub" and "bool" in (a_dtype, b_dtype):  # PyTorch refuses bool subtraction
        with pytest.raises(RuntimeError, match="Subtraction"):
            run(torch)
        with pytest.raises(TypeError, match="Subtraction.*bool tensor is not supported"):
            run(mg)
        return
    ours, theirs = run(mg), run(torch)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_a_0d_float64_tensor_keeps_float32_gradients_float32():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    s = mg.tensor(3.0, dtype=mg.float64, requires_grad=True)
    y = x * s + s
    assert y.dtype == mg.float32
    y.sum().backward()
    assert x.grad.dtype == mg.float32 and s.grad.dtype == mg.float64
    np.testing.assert_allclose(s.grad.item(), 1.0 + 2.0 + 2.0)


NUMPY_OPERANDS = {
    "np.float64 scalar": np.float64(2.0),
    "np.float32 scalar": np.float32(2.0),
    "np.int64 scalar": np.int64(2),
    "0-d float64 array": np.array(2.0),
    "1-element float64 array": np.array([2.0]),
    "float64 array": np.full(3, 2.0),
    "python float": 2.0,
}


@pytest.mark.parametrize("name", NUMPY_OPERANDS)
def test_numpy_operands_never_promote_float32_to_float64(name):
    value = NUMPY_OPERANDS[name]
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    results = [
        x + value,
        value + x,
        x * value,
        value * x,
        x - value,
        value - x,
        x / value,
        value / x,
        x**value,
        x.maximum(value),
        mg.where(x > 1, x, value),
    ]
    if np.ndim(value) == 0:
        results.append(value**x)
    for r in results:
        assert r.dtype == mg.float32, (name, r)
    sum(r.sum() for r in results).backward()
    assert x.grad.dtype == mg.float32


def test_inplace_results_keep_the_tensors_dtype(torch):
    for lib in (mg, torch):
        t = lib.ones(3, dtype=lib.float32)
        t += lib.ones(3, dtype=lib.float64)
        t *= np.float64(2.0)
        assert str(t.dtype).endswith("float32")


# --------------------------------------------------------------------------------------------
# Data that cannot be a tensor, gradients that do not fit their output


def test_ragged_nested_lists_say_where_the_rows_differ():
    with pytest.raises(ValueError, match=r"ragged.*data\[1\].*\[2, 3\].*same length"):
        mg.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8, 9]]])
    with pytest.raises(ValueError, match=r"ragged.*data have lengths \[None, 2\]"):
        mg.tensor([1.0, [2.0, 3.0]], dtype=mg.float64)


def test_grad_outputs_are_checked_like_backwards_gradient(torch):
    x = mg.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
    with pytest.raises(ValueError, match=r"grad_outputs\[0\] has shape \(3, 3\).*\(3, 1\)"):
        mg.grad(x * 2.0, [x], grad_outputs=mg.ones(3, 3))
    with pytest.raises(ValueError, match="got 2 outputs and 1 grad_outputs"):
        mg.grad([x * 2.0, x * 3.0], [x], grad_outputs=[mg.ones(3, 1)])
    with pytest.raises(ValueError, match="got 1 outputs and 2 grad_outputs"):
        mg.grad([x * 2.0], [x], grad_outputs=[mg.ones(3, 1), mg.ones(3, 1)])
    with pytest.raises(RuntimeError, match=r"output 1 has shape \(3, 1\).*not a scalar"):
        mg.grad([(x * 2.0).sum(), x * 3.0], [x], grad_outputs=[None, None])
    with pytest.raises(ValueError, match=r"backward: grad has shape \(3,\)"):
        (x * 2.0).backward(mg.ones(3))
    xt = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
    outs = [(xt * 2.0).sum(), xt * 3.0]
    seeds = [None, torch.full((3, 1), 2.0, dtype=torch.float64)]
    (expected,) = torch.autograd.grad(outs, [xt], grad_outputs=seeds)
    (got,) = mg.grad(
        [(x * 2.0).sum(), x * 3.0], [x], grad_outputs=[None, mg.full((3, 1), 2.0, mg.float64)]
    )
    assert got.dtype == mg.float32
    np.testing.assert_allclose(got.numpy(), expected.numpy())


def test_cross_entropy_of_float64_logits_stays_float64():
    logits = mg.tensor([[1.0, 2.0, 0.5]], dtype=mg.float64, requires_grad=True)
    loss = F.cross_entropy(logits, mg.tensor([1]))
    loss.backward()
    assert loss.dtype == mg.float64 and logits.grad.dtype == mg.float64
