"""The deliberate differences from PyTorch in the surface teaching code uses, each listed in
docs/differences.md (the one table of differences) and tested here: each test shows
PyTorch's behaviour and minigrad's side by side. The last test checks that the page and
this file name the same tests."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.utils import data

DOC = Path(__file__).resolve().parents[2] / "docs" / "differences.md"
THIS_FILE = "tests/compat/test_compat_differences.py"


@pytest.fixture
def torch():
    t = pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e .[test])")
    dtype = t.get_default_dtype()
    t.set_default_dtype(t.float32)
    yield t
    t.set_default_dtype(dtype)


def test_cpu_only(torch):
    x, t = mg.zeros(2), torch.zeros(2)
    with pytest.raises(AssertionError, match="not compiled with CUDA"):  # a CPU build of PyTorch
        t.to("cuda")
    with pytest.raises(RuntimeError, match=r"Tensor.to: cannot use device 'cuda'.*CPU only"):
        x.to("cuda")
    assert mg.device("cuda:0").type == "cuda"  # naming a GPU is allowed, using one is not


def test_grad_fn_nodes_are_minigrads_primitives(torch):
    x = mg.tensor([[1.0, 2.0]], requires_grad=True)
    t = torch.tensor([[1.0, 2.0]], requires_grad=True)
    y, yt = nn.MSELoss()(x, mg.zeros(1, 2)), torch.nn.MSELoss()(t, torch.zeros(1, 2))
    assert type(yt.grad_fn).__name__ == "MseLossBackward0"  # one fused node
    assert y.grad_fn.name() == "Div"  # mean = sum / n: composed, so several nodes
    assert y.item() == pytest.approx(yt.item())


def test_one_differentiable_output_per_custom_function(torch):
    def two_outputs(base):
        class TwoOutputs(base):
            @staticmethod
            def forward(ctx, x):
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, a, b):
                return a * 2 + b * 3

        return TwoOutputs

    t = torch.ones(2, requires_grad=True)
    a, b = two_outputs(torch.autograd.Function).apply(t)
    (a + b).sum().backward()
    assert t.grad.tolist() == [5.0, 5.0]
    with pytest.raises(NotImplementedError, match="one output per Function"):
        two_outputs(mg.autograd.Function).apply(mg.ones(2, requires_grad=True))


def test_inplace_flags_compute_out_of_place(torch):
    t = torch.tensor([-1.0, 2.0])
    torch.nn.functional.relu(t, inplace=True)
    assert t.tolist() == [0.0, 2.0]  # PyTorch overwrote its input
    x = mg.tensor([-1.0, 2.0])
    y = F.relu(x, inplace=True)
    assert y.tolist() == [0.0, 2.0] and x.tolist() == [-1.0, 2.0]  # minigrad left it alone
    nn.ReLU(inplace=True)(x)
    assert x.tolist() == [-1.0, 2.0]


def test_workers_load_in_the_main_process(torch):
    ds = data.TensorDataset(mg.arange(6))
    ours = [
        b[0].tolist() for b in data.DataLoader(ds, batch_size=4, num_workers=2, pin_memory=True)
    ]
    tds = torch.utils.data.TensorDataset(torch.arange(6))
    theirs = [b[0].tolist() for b in torch.utils.data.DataLoader(tds, batch_size=4)]
    assert ours == theirs == [[0, 1, 2, 3], [4, 5]]


def test_loader_makes_float32_batches_from_float64_samples(torch):
    samples = [(np.array([0.5, 1.5]), 1), (np.array([2.5, 3.5]), 0)]
    x, _ = next(iter(torch.utils.data.DataLoader(samples, batch_size=2)))
    assert x.dtype == torch.float64
    x, _ = next(iter(data.DataLoader(samples, batch_size=2)))
    assert x.dtype == mg.float32  # the default dtype: a model's float32 weights accept it


def test_legacy_tensor_constructor_keeps_integers(torch):
    assert torch.Tensor([1, 2]).dtype == torch.float32
    assert mg.Tensor([1, 2]).dtype == mg.int64  # use mg.tensor(..., dtype=mg.float32)
    assert mg.Tensor([1.0, 2.0]).dtype == mg.float32 == torch.Tensor([1.0, 2.0]).numpy().dtype
    assert tuple(torch.Tensor(2, 3).shape) == (2, 3)
    assert mg.Tensor(2).shape == ()  # a number, not a shape: use mg.zeros(2, 3)


def test_random_numbers_come_from_numpy(torch):
    torch.manual_seed(0)
    mg.manual_seed(0)
    ours, theirs = mg.randn(3), torch.randn(3)
    assert not np.allclose(ours.numpy(), theirs.numpy())
    mg.manual_seed(0)
    assert np.array_equal(mg.randn(3).numpy(), ours.numpy())  # reproducible all the same
    gen = np.random.default_rng(1)
    assert mg.rand(2, generator=gen).shape == (2,)


def test_empty_is_zeros(torch):
    assert mg.empty(2, 3).tolist() == [[0.0] * 3] * 2
    assert tuple(torch.empty(2, 3).shape) == mg.empty(2, 3).shape


def test_dtypes_and_shapes_print_as_numpy_does(torch):
    x, t = mg.zeros(2, 3), torch.zeros(2, 3)
    assert str(t.dtype) == "torch.float32" and str(x.dtype) == "float32"
    assert str(t.shape) == "torch.Size([2, 3])" and str(x.shape) == "(2, 3)"
    assert x.shape == tuple(t.shape) and x.dtype == np.float32 and x.dtype == mg.float32
    assert t.type() == "torch.FloatTensor" and x.type() == "minigrad.FloatTensor"


def test_numpy_works_on_a_tensor_that_requires_grad(torch):
    t = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Use tensor.detach"):
        t.numpy()
    x = mg.ones(2, requires_grad=True)
    assert isinstance(x.numpy(), np.ndarray)  # read-only use is safe; the graph is not affected


def test_lazy_state_dict_needs_the_first_forward(torch):
    theirs = torch.nn.LazyLinear(2).state_dict()
    assert set(theirs) == {"weight", "bias"}  # PyTorch lists uninitialized entries
    layer = nn.LazyLinear(2)
    with pytest.raises(RuntimeError, match="first forward pass"):
        layer.state_dict()
    layer(mg.zeros(1, 3))
    assert set(layer.state_dict()) == {"weight", "bias"}


def test_errors_have_pythons_types(torch):
    a, b = torch.zeros(2, 3), torch.zeros(2, 3)
    with pytest.raises(RuntimeError):
        a @ b
    with pytest.raises(ValueError, match="matmul: shapes"):
        mg.zeros(2, 3) @ mg.zeros(2, 3)


def test_star_import_keeps_the_builtins(torch):
    builtins = {"float", "int", "bool", "max", "min", "sum", "abs", "pow"}
    assert builtins <= set(torch.__all__)
    assert not builtins & set(mg.__all__)
    namespace: dict = {}
    exec("from minigrad import *", namespace)
    assert not builtins & set(namespace) and "tensor" in namespace
    assert mg.max(mg.tensor([1.0, 3.0])).item() == 3.0 and mg.float == mg.float32


def test_the_page_lists_exactly_these_tests():
    """Every test here is named in docs/differences.md, and every test the page names from
    this file exists (`file::test`, or `::test` after one in the same cell)."""
    named = set()
    for line in DOC.read_text().splitlines():
        for cell in line.split("|"):
            current = None
            for ref in re.findall(r"`((?:tests/[\w/]+\.py)?::test_\w+)`", cell):
                path, _, name = ref.partition("::")
                current = path or current
                if current == THIS_FILE:
                    named.add(name)
    here = {name for name in globals() if name.startswith("test_")}
    here.discard("test_the_page_lists_exactly_these_tests")
    assert named == here, f"only in the page: {named - here}; only here: {here - named}"
