"""The PyTorch surface teaching code uses, each piece checked against PyTorch 2.13: devices,
dtype names and inference, factories, module-level functions, Tensor methods, loss modules,
lazy layers, utils.data, grad_fn, PyTorch-style custom Functions, RMSprop, `.data`."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn, optim
from minigrad.utils import data


@pytest.fixture
def torch():
    t = pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e .[test])")
    dtype = t.get_default_dtype()
    t.set_default_dtype(t.float32)  # PyTorch's own default, as the texts assume
    yield t
    t.set_default_dtype(dtype)


def close(ours, theirs, rtol=1e-5, atol=1e-6):
    """Same shape, dtype, NaN and inf positions as PyTorch's result, and close values.
    (Imported here: a module importing the oracle is marked `torch` as a whole, and four
    tests of this one need no PyTorch.)"""
    from torch_oracle import assert_close

    assert_close(ours, theirs, "minigrad against PyTorch", rtol=rtol, atol=atol)


# --------------------------------------------------------------------------------------------
# Devices


def test_cpu_device_names_compare_and_print_as_pytorch(torch):
    for name in ("cpu", "cuda", "cuda:1", "mps"):
        ours, theirs = mg.device(name), torch.device(name)
        assert (repr(ours), str(ours), ours.type, ours.index) == (
            repr(theirs),
            str(theirs),
            theirs.type,
            theirs.index,
        )
    assert mg.device("cpu") == mg.device("cpu") != mg.device("cuda")
    assert mg.device("cuda", 0) == mg.device("cuda:0")
    assert mg.device(mg.device("cpu")) == mg.device("cpu")
    assert len({mg.device("cpu"), mg.device("cpu")}) == 1
    with pytest.raises(RuntimeError, match="unknown device type 'gpu'"):
        mg.device("gpu")


def test_nothing_is_available_but_the_cpu(torch):
    assert mg.cuda.is_available() is torch.cuda.is_available() is False
    assert mg.cuda.device_count() == torch.cuda.device_count() == 0
    mg.cuda.manual_seed(0), mg.cuda.manual_seed_all(0)  # ignored, as in PyTorch without CUDA
    assert mg.backends.mps.is_available() is False
    assert mg.accelerator.is_available() is False and mg.accelerator.current_accelerator() is None
    assert mg.get_default_device() == mg.device("cpu")
    mg.set_default_device("cpu")
    with pytest.raises(RuntimeError, match="minigrad runs on the CPU only"):
        mg.set_default_device("cuda")


def test_tensors_and_layers_accept_the_cpu_and_refuse_a_gpu():
    x = mg.tensor([1.0, 2.0])
    assert x.device == mg.device("cpu") and x.device.type == "cpu" and not x.is_cuda
    assert x.to("cpu") is x and x.cpu() is x and x.to(mg.device("cpu")) is x
    assert x.to(device="cpu", dtype=mg.float64).dtype == mg.float64
    assert mg.zeros(2, device="cpu").device.type == "cpu"
    for make in (
        lambda: x.to("cuda"),
        lambda: x.to("cuda:0", mg.float64),
        lambda: x.cuda(),
        lambda: mg.zeros(2, device="cuda"),
        lambda: mg.tensor([1.0], device=mg.device("cuda")),
        lambda: nn.Linear(2, 2).to("cuda"),
        lambda: nn.Linear(2, 2).cuda(),
        lambda: nn.Linear(2, 2, device="cuda"),
        lambda: nn.Conv2d(1, 1, 3, device="cuda"),
        lambda: nn.BatchNorm2d(3, device="mps"),
    ):
        with pytest.raises(RuntimeError, match="minigrad runs on the CPU only"):
            make()
    layer = nn.Linear(2, 3, device="cpu")
    assert layer.to("cpu") is layer and layer.cpu() is layer
    assert layer.to(mg.device("cpu"), mg.float64).weight.dtype == mg.float64
    assert layer.to(mg.zeros(1, dtype=mg.float32)).weight.dtype == mg.float32  # to(tensor)


# --------------------------------------------------------------------------------------------
# dtypes


def test_dtype_names_are_pytorchs(torch):
    pairs = {
        "float": mg.float32,
        "double": mg.float64,
        "half": mg.float16,
        "long": mg.int64,
        "int": mg.int32,
        "short": mg.int16,
        "bool": mg.bool_,
        "float32": mg.float32,
        "float64": mg.float64,
        "int64": mg.int64,
        "int8": mg.int8,
        "uint8": mg.uint8,
    }
    for name, dtype in pairs.items():
        assert getattr(mg, name) == dtype, name
        assert str(getattr(torch, name)) == f"torch.{dtype.name}" or name in ("bool",), name
    assert mg.get_default_dtype() == mg.float32


def test_tensor_keeps_a_numpy_arrays_dtype_as_pytorch_does(torch):
    cases = [
        np.array([1.0]),
        np.float64(1.0),
        [np.float64(1.0), 2.0],
        np.array([1], np.int32),
        np.array([1], np.uint8),
        np.array([1.0], np.float16),
        np.float32(1),
        1.0,
        [1, 2],
        [[1.0, 2.0]],
        np.array(1.0),
        True,
    ]
    for data_ in cases:
        theirs = str(torch.tensor(data_).dtype).removeprefix("torch.")
        assert mg.tensor(data_).dtype.name == theirs, data_
    assert mg.as_tensor(np.zeros(2)).dtype == mg.float64
    arr = np.arange(3.0)
    shared = mg.from_numpy(arr)
    arr[0] = 7
    assert shared.dtype == mg.float64 and shared[0].item() == 7
    assert mg.as_tensor(arr).numpy() is arr
    # the legacy constructor makes float32 from floats, as torch.Tensor does
    legacy = torch.Tensor(np.array([1.0])).numpy().dtype
    assert mg.Tensor(np.array([1.0])).dtype == legacy == np.float32


def test_type_and_conversions(torch):
    x, t = mg.tensor([1.5, -2.0]), torch.tensor([1.5, -2.0])
    assert x.type() == "minigrad.FloatTensor" and t.type() == "torch.FloatTensor"
    for ours, theirs in [
        (mg.float64, torch.float64),
        (mg.int64, torch.int64),
        (mg.bool_, torch.bool),
    ]:
        np.testing.assert_array_equal(x.type(ours).numpy(), t.type(theirs).numpy())
    assert x.type("torch.LongTensor").dtype == mg.int64
    assert x.type("minigrad.DoubleTensor").dtype == mg.float64
    assert (x.int().dtype, x.long().dtype, x.half().dtype, x.bool().dtype) == (
        mg.int32,
        mg.int64,
        mg.float16,
        mg.bool_,
    )
    assert x.double().to(x).dtype == mg.float32  # to(other): other's dtype
    assert x.is_floating_point() and not x.long().is_floating_point()
    assert x.to(copy=True) is not x and x.to() is x
    with pytest.raises(TypeError, match="unexpected keyword"):
        x.to(devise="cpu")


# --------------------------------------------------------------------------------------------
# Factories


def test_factories_take_size_and_device_keywords(torch):
    for name in ("zeros", "ones", "empty", "rand", "randn"):
        ours = getattr(mg, name)(size=(2, 3), device="cpu", dtype=mg.float64)
        theirs = getattr(torch, name)(size=(2, 3), device="cpu", dtype=torch.float64)
        assert ours.shape == tuple(theirs.shape) and ours.dtype == mg.float64
        assert getattr(mg, name)(2, 3).shape == getattr(mg, name)((2, 3)).shape == (2, 3)
        assert getattr(mg, name)(()).shape == () == tuple(getattr(torch, name)(()).shape)
        with pytest.raises(TypeError, match="not both"):
            getattr(mg, name)(2, size=(2,))
    assert mg.full((), 0.0, requires_grad=True).requires_grad
    assert mg.full((2,), 3).dtype == torch.full((2,), 3).numpy().dtype
    assert mg.full((2,), True).dtype == mg.bool_


def test_linspace_randperm_randint_and_normal_follow_pytorch(torch):
    close(mg.linspace(-math.pi, math.pi, 7), torch.linspace(-math.pi, math.pi, 7))
    close(mg.linspace(0, 1, 5, dtype=mg.float64), torch.linspace(0, 1, 5, dtype=torch.float64))
    assert mg.linspace(0, 1, 0).shape == (0,)
    perm = mg.randperm(10)
    assert perm.dtype == mg.int64 and sorted(perm.tolist()) == list(range(10))
    r = mg.randint(5, (100,))
    assert r.dtype == mg.int64 and r.shape == (100,) and 0 <= r.numpy().min() <= r.numpy().max() < 5
    assert mg.randint(2, 4, size=(3,)).numpy().min() >= 2
    mg.manual_seed(0)
    sample = mg.normal(2.0, 3.0, size=(20000,))
    assert sample.dtype == mg.float32 and abs(sample.mean().item() - 2) < 0.1
    assert abs(sample.std().item() - 3) < 0.1
    per_element = mg.normal(mg.tensor([0.0, 100.0]), 0.001)
    assert per_element.shape == (2,) and abs(per_element[1].item() - 100) < 0.1
    with pytest.raises(TypeError, match="size"):
        mg.normal(0.0, 1.0)
    with pytest.raises(ValueError, match="steps"):
        mg.linspace(0, 1, -1)


# --------------------------------------------------------------------------------------------
# Module-level functions and the Tensor methods behind them


UNARY = ["abs", "exp", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "neg", "square"]


@pytest.mark.parametrize("name", UNARY)
def test_module_level_unary_functions_match_pytorch_with_gradients(name, torch, rng):
    a = rng.uniform(0.2, 2.0, size=(3, 4)) * rng.choice([-1, 1], size=(3, 4))
    if name == "sqrt":
        a = np.abs(a)
    x = mg.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    y, yt = getattr(mg, name)(x), getattr(torch, name)(t)
    close(y, yt, rtol=1e-12)
    (y * y).sum().backward(), (yt * yt).sum().backward()
    close(x.grad, t.grad, rtol=1e-12)


def test_module_level_reductions_and_shapes_match_pytorch(torch, rng):
    a = rng.normal(size=(2, 3, 4))
    x, t = mg.tensor(a), torch.tensor(a)
    pairs = [
        (mg.sum(x), torch.sum(t)),
        (mg.sum(x, dim=1, keepdim=True), torch.sum(t, dim=1, keepdim=True)),
        (mg.mean(x, (0, 2)), torch.mean(t, (0, 2))),
        (mg.std(x, 1), torch.std(t, 1)),
        (mg.var(x, 2, unbiased=False), torch.var(t, 2, unbiased=False)),
        (mg.max(x), torch.max(t)),
        (mg.max(x, 1).values, torch.max(t, 1).values),
        (mg.max(x, 1)[1], torch.max(t, 1)[1]),
        (mg.min(x, 2, keepdim=True).indices, torch.min(t, 2, keepdim=True).indices),
        (mg.max(x, -x), torch.max(t, -t)),
        (mg.min(x, -x), torch.min(t, -t)),
        (mg.amax(x, 1), torch.amax(t, 1)),
        (mg.argmax(x), torch.argmax(t)),
        (mg.argmax(x, dim=1), torch.argmax(t, dim=1)),
        (mg.argmin(x, 2, True), torch.argmin(t, 2, True)),
        (mg.logsumexp(x, 1), torch.logsumexp(t, 1)),
        (mg.cumsum(x, 1), torch.cumsum(t, 1)),
        (mg.softmax(x, 1), torch.softmax(t, 1)),
        (mg.log_softmax(x, -1), torch.log_softmax(t, -1)),
        (mg.flatten(x), torch.flatten(t)),
        (mg.flatten(x, 1), torch.flatten(t, 1)),
        (mg.reshape(x, (4, -1)), torch.reshape(t, (4, -1))),
        (mg.transpose(x, 0, 2), torch.transpose(t, 0, 2)),
        (mg.permute(x, (2, 0, 1)), torch.permute(t, (2, 0, 1))),
        (mg.unsqueeze(x, 1), torch.unsqueeze(t, 1)),
        (mg.squeeze(mg.unsqueeze(x, 0)), torch.squeeze(torch.unsqueeze(t, 0))),
        (mg.clamp(x, min=-0.5, max=0.5), torch.clamp(t, min=-0.5, max=0.5)),
        (mg.clip(x, -0.1), torch.clip(t, -0.1)),
        (mg.pow(x, 2), torch.pow(t, 2)),
        (mg.pow(2.0, x), torch.pow(2.0, t)),
        (mg.add(x, x, alpha=2), torch.add(t, t, alpha=2)),
        (mg.sub(x, 1.0), torch.sub(t, 1.0)),
        (mg.mul(x, 3.0), torch.mul(t, 3.0)),
        (mg.div(x, 4.0), torch.div(t, 4.0)),
        (mg.sign(x), torch.sign(t)),
        (mg.norm(x), torch.norm(t)),
        (mg.norm(x, dim=2), torch.norm(t, dim=2)),
        (mg.norm(x, p=1, dim=1, keepdim=True), torch.norm(t, p=1, dim=1, keepdim=True)),
        (mg.t(x[0]), torch.t(t[0])),
        (mg.eq(x, x), torch.eq(t, t)),
        (mg.gt(x, 0), torch.gt(t, 0)),
        (mg.le(x, 0), torch.le(t, 0)),
        (mg.clone(x), torch.clone(t)),
    ]
    for ours, theirs in pairs:
        assert ours.shape == tuple(theirs.shape)
        close(ours, theirs, rtol=1e-12)
    assert [c.shape for c in mg.chunk(x, 2, 2)] == [tuple(c.shape) for c in torch.chunk(t, 2, 2)]
    assert mg.numel(x) == torch.numel(t) and mg.is_tensor(x) and not mg.is_tensor(a)
    assert mg.equal(x, x.clone()) and not mg.equal(x, x + 1)
    assert mg.allclose(x, x + 1e-9) and not mg.allclose(x, x + 1e-3)
    assert mg.is_floating_point(x)
    with pytest.raises(TypeError, match=r"mg\.sin: argument 'input' must be a Tensor"):
        mg.sin(a)


def test_products_match_pytorch_and_check_their_shapes(torch, rng):
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    P, Q = rng.normal(size=(5, 3, 4)), rng.normal(size=(5, 4, 2))
    v = rng.normal(size=4)
    t = torch.tensor
    close(mg.mm(mg.tensor(A), mg.tensor(B)), torch.mm(t(A), t(B)), rtol=1e-12)
    close(mg.tensor(A).mm(mg.tensor(B)), t(A).mm(t(B)), rtol=1e-12)
    close(mg.bmm(mg.tensor(P), mg.tensor(Q)), torch.bmm(t(P), t(Q)), rtol=1e-12)
    close(mg.mv(mg.tensor(A), mg.tensor(v)), torch.mv(t(A), t(v)), rtol=1e-12)
    close(mg.dot(mg.tensor(v), mg.tensor(v)), torch.dot(t(v), t(v)), rtol=1e-12)
    with pytest.raises(ValueError, match="mm: expects a 2-D tensor"):
        mg.mm(mg.tensor(P), mg.tensor(B))
    with pytest.raises(ValueError, match="bmm: batch sizes differ"):
        mg.bmm(mg.tensor(P), mg.tensor(Q[:2]))
    with pytest.raises(ValueError, match="dot: expects a 1-D tensor"):
        mg.dot(mg.tensor(A), mg.tensor(v))


def test_sin_cos_cumsum_norm_clone_mm_square_and_view_as_have_pytorchs_gradients(torch, rng):
    a = rng.normal(size=(3, 4))
    for fn in (
        lambda x: x.sin() * x.cos(),
        lambda x: x.cumsum(1) * x,
        lambda x: x.norm() + x.norm(dim=1).sum(),
        lambda x: x.clone() * 2,
        lambda x: x.t().mm(x),
        lambda x: x.square().type_as(x).view_as(x).expand_as(x),
    ):
        x = mg.tensor(a, requires_grad=True)
        t = torch.tensor(a, requires_grad=True)
        y, yt = fn(x), fn(t)
        close(y, yt, rtol=1e-10)
        y.sum().backward(), yt.sum().backward()
        close(x.grad, t.grad, rtol=1e-10)
    assert mg.gradcheck(lambda x: x.sin().cumsum(0).norm(), [mg.tensor(a, requires_grad=True)])


def test_norm_of_zero_has_pytorchs_zero_gradient(torch):
    x = mg.zeros(3, dtype=mg.float64, requires_grad=True)
    t = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    x.norm().backward(), t.norm().backward()
    close(x.grad, t.grad)
    assert x.grad.numpy().tolist() == [0.0, 0.0, 0.0]


def test_argmax_axis_index_range_and_abs(torch, rng):
    a = rng.normal(size=(3, 5))
    x, t = mg.tensor(a), torch.tensor(a)
    close(x.argmax(axis=1), t.argmax(axis=1))
    close(x.argmin(axis=0), t.argmin(axis=0))
    target = [0, 4, 2]
    close(x[range(3), target], t[range(3), target])  # "nn really"'s nll
    close(abs(x), abs(t))
    i = mg.tensor(2)
    assert ["a", "b", "c"][i] == "c" and "%d" % mg.tensor(7) == "7"  # noqa: UP031 (CS231n prints so)
    loss, tloss = mg.tensor(0.123456), torch.tensor(0.123456)
    assert f"{loss:.3f} {loss}" == f"{tloss:.3f} {tloss}" == "0.123 0.12345600128173828"
    assert f"{mg.tensor([1, 2])}" == str(mg.tensor([1, 2]))
    for ours, theirs in ((mg.tensor([2.5]), torch.tensor([2.5])),):
        with pytest.raises(TypeError):
            f"{theirs:.1f}"
        with pytest.raises(TypeError, match="only a 0-d tensor formats as a number"):
            f"{ours:.1f}"
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        ["a"][mg.tensor(0.0)]
    assert (x > 0).all(dim=1).shape == (3,) and (x > 0).any(axis=0).shape == (5,)


# --------------------------------------------------------------------------------------------
# .data


def test_data_is_a_tensor_sharing_memory_without_history(torch):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert isinstance(d, mg.Tensor) and not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.numpy(), x.numpy()) and isinstance(x.numpy(), np.ndarray)
    y = (x * 3).sum()
    assert y.data.item() == 9.0 and y.data.grad_fn is None
    x.data = mg.tensor([5.0, 6.0])  # assignment replaces the numbers, as in PyTorch
    assert x.tolist() == [5.0, 6.0] and x.requires_grad
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    assert (x.data * 2).tolist() == [10.0, 12.0] and (t.data * 2).tolist() == [2.0, 4.0]
    p = nn.Parameter(mg.zeros(3))
    p.data = p.data + 1  # d2l-style: the parameter object stays, its values change
    assert isinstance(p, nn.Parameter) and p.tolist() == [1.0, 1.0, 1.0]


def test_changes_through_data_are_unseen_by_backward_and_through_detach_are_seen(torch):
    """`.data` has a version counter of its own (backward cannot tell its changes), `.detach()`
    shares the tensor's: the same in both libraries."""
    for lib in (mg, torch):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        y = a * 1
        z = y * y  # saves y for its backward
        y.data.mul_(2)
        assert y._version == 0 and y.tolist() == [2.0, 4.0]
        z.sum().backward()
        assert a.grad.tolist() == [4.0, 8.0]  # 2 * y, with the values changed behind its back
        y = a * 1
        z = y * y
        y.detach().mul_(2)
        assert y._version == 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


# --------------------------------------------------------------------------------------------
# Loss modules


def _loss_inputs(rng):
    scores = rng.normal(size=(6, 4))
    labels = np.array([0, 3, 1, 1, 2, -100])
    return scores, labels


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_modules_match_pytorch(reduction, torch, rng):
    scores, labels = _loss_inputs(rng)
    probs = 1 / (1 + np.exp(-scores))
    targets01 = (rng.uniform(size=scores.shape) > 0.5).astype(np.float64)
    weight = rng.uniform(0.5, 2.0, size=4)
    valid = labels != -100
    cases = [
        ("CrossEntropyLoss", dict(), scores[valid], labels[valid]),
        ("CrossEntropyLoss", dict(ignore_index=-100, weight=weight), scores, labels),
        ("CrossEntropyLoss", dict(label_smoothing=0.1), scores[valid], labels[valid]),
        ("NLLLoss", dict(weight=weight), np.log(probs / probs.sum(1, keepdims=True)), labels),
        ("MSELoss", dict(), scores, targets01),
        ("L1Loss", dict(), scores, targets01),
        ("BCELoss", dict(weight=weight), probs, targets01),
        ("BCEWithLogitsLoss", dict(pos_weight=weight), scores, targets01),
    ]
    for name, kwargs, inp, target in cases:
        ours_kw = {k: mg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        theirs_kw = {
            k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()
        }
        x = mg.tensor(inp, requires_grad=True)
        t = torch.tensor(inp, requires_grad=True)
        loss = getattr(nn, name)(reduction=reduction, **ours_kw)
        loss_t = getattr(torch.nn, name)(reduction=reduction, **theirs_kw)
        y, yt = loss(x, mg.tensor(target)), loss_t(t, torch.tensor(target))
        close(y, yt, rtol=1e-10)
        y.sum().backward(), yt.sum().backward()
        close(x.grad, t.grad, rtol=1e-10)
        assert isinstance(loss, nn.Module) and repr(loss).startswith(name)
        if "weight" in kwargs:
            assert "weight" in dict(loss.named_buffers())


def test_loss_modules_check_their_arguments(torch):
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'"):
        nn.MSELoss(reduction="average")
    with pytest.warns(UserWarning, match="size_average and reduce are deprecated"):
        legacy = nn.MSELoss(size_average=False)
    assert legacy.reduction == "sum"
    with pytest.warns(UserWarning):
        assert nn.L1Loss(reduce=False).reduction == "none"


# --------------------------------------------------------------------------------------------
# Lazy layers


def test_lazy_layers_take_their_shapes_from_the_first_input_and_become_plain(torch):
    net = nn.Sequential(
        nn.LazyConv2d(4, 3, padding=1),
        nn.LazyBatchNorm2d(),
        nn.ReLU(),
        nn.Flatten(),
        nn.LazyLinear(5),
        nn.LazyBatchNorm1d(),
    )
    params = list(net.parameters())
    assert all(isinstance(p, nn.UninitializedParameter) for p in params)
    assert repr(params[0]) == repr(torch.nn.LazyLinear(2).weight) == "<UninitializedParameter>"
    opt = optim.SGD(net.parameters(), lr=0.1)  # made before the first forward, still works
    mg.manual_seed(0)
    x = mg.randn(4, 3, 6, 6)
    y = net(x)
    assert y.shape == (4, 5)
    assert [type(m).__name__ for m in net] == [
        "Conv2d",
        "BatchNorm2d",
        "ReLU",
        "Flatten",
        "Linear",
        "BatchNorm1d",
    ]
    assert type(net[0]) is nn.Conv2d and net[0].in_channels == 3 and net[4].in_features == 144
    assert [p.shape for p in net.parameters()] == [
        (4, 3, 3, 3),
        (4,),
        (4,),
        (4,),
        (5, 144),
        (5,),
        (5,),
        (5,),
    ]
    assert all(type(p) is nn.Parameter for p in net.parameters())
    assert [p is q for p, q in zip(params, net.parameters())] == [True] * 8  # same objects
    before = params[0].numpy().copy()
    # Not net(x).sum(): the last batch norm makes every column sum to beta, whatever the
    # weights, so that gradient is rounding noise (exactly 0 for some draws).
    (net(x) * mg.randn(4, 5)).sum().backward()
    opt.step()
    assert not np.array_equal(before, params[0].numpy())
    bound = 1 / math.sqrt(3 * 9)  # initialised as Conv2d initialises
    assert 0 < np.abs(before).max() <= bound


def test_lazy_layers_say_clearly_that_they_have_no_shape_yet(torch):
    layer = nn.LazyLinear(3)
    assert "in_features=0" in repr(layer) and "in_features=0" in repr(torch.nn.LazyLinear(3))
    for touch in (
        lambda: layer.weight.shape,
        lambda: layer.weight.numel(),
        lambda: layer.weight.numpy(),
        lambda: layer.weight * 2,
        lambda: layer.state_dict(),
    ):
        with pytest.raises(RuntimeError, match="no shape or values yet.*first forward pass"):
            touch()
    assert layer.weight.dtype == mg.float32
    assert nn.LazyLinear(3, dtype=mg.float64).weight.dtype == mg.float64
    wide = nn.LazyConv2d(2, 3, dtype=mg.float64)
    wide(mg.zeros(1, 1, 4, 4, dtype=mg.float64))
    assert wide.weight.dtype == wide.bias.dtype == mg.float64
    norm = nn.LazyBatchNorm2d(dtype=mg.float64)
    norm(mg.ones(2, 3, 2, 2, dtype=mg.float64))
    assert norm.weight.dtype == norm.running_var.dtype == mg.float64
    with pytest.raises(ValueError, match="LazyConv2d.*expected input of shape"):
        nn.LazyConv2d(2, 3)(mg.zeros(4, 5))
    with pytest.raises(ValueError, match="groups=2 does not divide"):
        nn.LazyConv2d(4, 3, groups=2)(mg.zeros(1, 3, 5, 5))
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.LazyConv2d(2, 3, device="cuda")


def test_summary_of_a_lazy_model_runs_the_first_pass_itself():
    net = nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.Flatten(), nn.LazyLinear(2))
    table = nn.summary(net, (1, 5, 5), verbose=False)
    assert table.total_params == (4 * 9 + 4) + 8 + (2 * 36 + 2)
    assert net[1].num_batches_tracked.item() == 0  # the pass ran in eval mode
    assert net.training


# --------------------------------------------------------------------------------------------
# minigrad.utils.data


def test_tensor_dataset_returns_tensors_and_slices(torch, rng):
    x, y = rng.normal(size=(10, 3)).astype(np.float32), np.arange(10)
    ours = data.TensorDataset(mg.tensor(x), mg.tensor(y))
    theirs = torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
    for index in (3, slice(2, 5), -1):
        for a, b in zip(ours[index], theirs[index]):
            assert isinstance(a, mg.Tensor)
            close(a, b)
    assert len(ours) == len(theirs) == 10


def test_dataloader_batches_like_pytorch(torch, rng):
    x, y = rng.normal(size=(10, 3)).astype(np.float32), np.arange(10)
    ds = data.TensorDataset(mg.tensor(x), mg.tensor(y))
    tds = torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
    for kwargs in (dict(batch_size=4), dict(batch_size=4, drop_last=True), dict(batch_size=3)):
        ours = list(data.DataLoader(ds, num_workers=0, **kwargs))
        theirs = list(torch.utils.data.DataLoader(tds, **kwargs))
        assert len(ours) == len(theirs) == len(data.DataLoader(ds, **kwargs))
        for (a, b), (ta, tb) in zip(ours, theirs):
            close(a, ta), close(b, tb)
        assert type(ours[0]) is type(theirs[0]) is list
    # a dataset of tuples of numbers and arrays, and a custom collate_fn
    pairs = [(np.full(2, i, np.float32), i) for i in range(5)]
    xb, yb = next(iter(data.DataLoader(pairs, batch_size=5)))
    txb, tyb = next(iter(torch.utils.data.DataLoader(pairs, batch_size=5)))
    close(xb, txb), close(yb, tyb)
    got = list(data.DataLoader(pairs, batch_size=2, collate_fn=lambda batch: len(batch)))
    assert (
        got == list(torch.utils.data.DataLoader(pairs, batch_size=2, collate_fn=len)) == [2, 2, 1]
    )


def test_dataloader_shuffles_samples_and_accepts_workers(rng):
    ds = data.TensorDataset(mg.arange(20), mg.arange(20))
    mg.manual_seed(0)
    seen = [b.tolist() for b, _ in data.DataLoader(ds, batch_size=6, shuffle=True, num_workers=4)]
    flat = sorted(v for b in seen for v in b)
    assert flat == list(range(20)) and [len(b) for b in seen] == [6, 6, 6, 2]
    assert flat != [v for b in seen for v in b]
    order = [b.tolist() for b, _ in data.DataLoader(ds, 5, sampler=data.SequentialSampler(ds))]
    assert order[0] == [0, 1, 2, 3, 4]
    sub = [
        v
        for b, _ in data.DataLoader(ds, 4, sampler=data.SubsetRandomSampler(range(10, 18)))
        for v in b.tolist()
    ]
    assert sorted(sub) == list(range(10, 18))
    bs = data.BatchSampler(data.SequentialSampler(range(7)), 3, drop_last=False)
    assert list(bs) == [[0, 1, 2], [3, 4, 5], [6]] and len(bs) == 3
    assert [b.tolist() for b, _ in data.DataLoader(ds, batch_sampler=[[1, 3], [5]])] == [
        [1, 3],
        [5],
    ]
    with pytest.raises(ValueError, match="sampler or shuffle"):
        data.DataLoader(ds, sampler=data.SequentialSampler(ds), shuffle=True)
    with pytest.raises(ValueError, match="num_workers"):
        data.DataLoader(ds, num_workers=-1)


def test_random_split_cuts_without_overlap(torch):
    ds = data.TensorDataset(mg.arange(10))
    a, b = data.random_split(ds, [7, 3])
    assert (len(a), len(b)) == (7, 3)
    values = sorted(int(a[i][0]) for i in range(7)) + sorted(int(b[i][0]) for i in range(3))
    assert sorted(values) == list(range(10))
    sizes = [len(s) for s in data.random_split(ds, [0.5, 0.3, 0.2])]
    theirs = [len(s) for s in torch.utils.data.random_split(range(10), [0.5, 0.3, 0.2])]
    assert sizes == theirs
    assert [len(s) for s in data.random_split(range(7), [0.5, 0.5])] == [
        len(s) for s in torch.utils.data.random_split(range(7), [0.5, 0.5])
    ]
    with pytest.raises(ValueError, match="adding up"):
        data.random_split(ds, [5, 4])


def test_utils_data_is_mg_data(torch):
    import minigrad.data
    from minigrad.utils.data import sampler

    assert (
        data.DataLoader is minigrad.data.DataLoader and data.TensorDataset is mg.data.TensorDataset
    )
    assert sampler.SubsetRandomSampler is data.SubsetRandomSampler
    assert mg.utils.data is data
    import minigrad.nn.functional as nnF

    assert nnF.conv2d is mg.functional.conv2d and F.relu is mg.functional.relu


# --------------------------------------------------------------------------------------------
# grad_fn


def test_grad_fn_next_functions_end_at_the_leaves(torch):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    y, yt = (x * 2).sum(), (t * 2).sum()
    ((mul, _),) = y.grad_fn.next_functions
    ((mul_t, _),) = yt.grad_fn.next_functions
    assert len(mul.next_functions) == len(mul_t.next_functions) == 2
    (acc, k), (const, _) = mul.next_functions
    (acc_t, _), (const_t, _) = mul_t.next_functions
    assert acc.name() == type(acc_t).__name__ == "AccumulateGrad" and k == 0
    assert acc.variable is x and acc_t.variable is t
    assert const is None and const_t is None
    assert acc.next_functions == () == acc_t.next_functions
    assert y.grad_fn.name() == "Sum" and mul.name() == "Mul"


# --------------------------------------------------------------------------------------------
# PyTorch-style custom Functions


class Cube(mg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x**2


def test_custom_function_values_gradients_and_second_derivatives(torch):
    class TorchCube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2

    a = np.array([0.5, -1.5, 2.0])
    x = mg.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    y, yt = Cube.apply(x), TorchCube.apply(t)
    assert (
        type(y.grad_fn).__name__ == "CubeBackward"
        and type(yt.grad_fn).__name__ == "TorchCubeBackward"
    )
    (g,) = mg.grad(y.sum(), [x], create_graph=True)
    (gt,) = torch.autograd.grad(yt.sum(), [t], create_graph=True)
    close(g, gt)
    g.sum().backward(), gt.sum().backward()
    close(x.grad, t.grad)  # 6x: the backward, written with tensor ops, is differentiated
    assert mg.gradcheck(Cube.apply, [mg.tensor(a, requires_grad=True)])
    assert not Cube.apply(mg.tensor(a)).requires_grad
    with mg.no_grad():
        assert not Cube.apply(mg.tensor(a, requires_grad=True)).requires_grad


def test_custom_function_refuses_a_saved_input_changed_in_place(torch):
    class TorchCube(torch.autograd.Function):
        forward = staticmethod(Cube.forward)
        backward = staticmethod(Cube.backward)

    for lib, cube in ((mg, Cube), (torch, TorchCube)):
        x = lib.tensor([1.0, 2.0], requires_grad=True) * 1
        y = cube.apply(x)
        with lib.no_grad():
            x.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = cube.apply(x * 1) + x  # x itself is not saved: changing it breaks nothing
        with lib.no_grad():
            x.add_(1)
        y.sum().backward()
        assert x.grad.tolist() == [4.0, 13.0]


def test_custom_function_ctx_features(torch):
    seen = {}

    class Scale(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            seen["needs"] = ctx.needs_input_grad
            ctx.k = k
            idx = x.argmax(0)
            ctx.mark_non_differentiable(idx)
            return x * k + y, idx

        @staticmethod
        def backward(ctx, grad, grad_idx):
            seen["grad_idx"] = grad_idx
            return grad * ctx.k, None, grad

    x = mg.tensor([1.0, 3.0, 2.0], requires_grad=True)
    y = mg.tensor([0.0, 0.0, 1.0])
    out, idx = Scale.apply(x, 2.5, y)
    assert seen["needs"] == (True, False, False)
    assert idx.item() == 1 and not idx.requires_grad and out.requires_grad
    out.sum().backward()
    assert x.grad.tolist() == [2.5, 2.5, 2.5]
    assert seen["grad_idx"].tolist() == 0  # materialized zeros, as PyTorch passes

    class Split(mg.autograd.Function):  # PyTorch 2's form: forward without ctx + setup_context
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    z = mg.tensor([1.0], requires_grad=True)
    Split.apply(z).sum().backward()
    assert z.grad.tolist() == [2.0]


def test_custom_function_mistakes_are_named():
    class TooMany(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    class GradForANumber(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    class TwoOutputs(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, a, b):
            return a * 2 + b * 3

    x = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="TooManyBackward returned an incorrect number of gradients"
    ):
        TooMany.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="different than None at position 2"):
        GradForANumber.apply(x, 2.0).sum().backward()
    with pytest.raises(NotImplementedError, match="2 differentiable outputs"):
        TwoOutputs.apply(x)


# --------------------------------------------------------------------------------------------
# RMSprop, inplace=, nn.ReLU(inplace=True)


@pytest.mark.parametrize(
    "kwargs",
    [dict(), dict(momentum=0.9), dict(centered=True, weight_decay=0.1), dict(alpha=0.9, eps=1e-6)],
)
def test_rmsprop_steps_like_pytorch(kwargs, torch, rng):
    a = rng.normal(size=(3, 2))
    p = mg.tensor(a, requires_grad=True)
    tp = torch.tensor(a, requires_grad=True)
    opt, topt = optim.RMSprop([p], lr=0.01, **kwargs), torch.optim.RMSprop([tp], lr=0.01, **kwargs)
    for _ in range(4):
        opt.zero_grad(), topt.zero_grad()
        (p**3).sum().backward(), (tp**3).sum().backward()
        opt.step(), topt.step()
        close(p, tp, rtol=1e-10)


def test_inplace_flags_are_accepted(torch):
    x = mg.tensor([-1.0, 2.0])
    assert F.relu(x, inplace=True).tolist() == torch.relu(torch.tensor([-1.0, 2.0])).tolist()
    assert nn.ReLU(inplace=True)(x).tolist() == [0.0, 2.0]
    assert F.leaky_relu(x, 0.1, inplace=True).tolist() == pytest.approx([-0.1, 2.0])
    assert F.elu(x, inplace=True).shape == (2,)
    assert F.dropout(x, 0.5, training=False, inplace=True).tolist() == [-1.0, 2.0]
