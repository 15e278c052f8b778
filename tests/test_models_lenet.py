"""mg.models: LeNet-5's shapes, counts and options; the residual BasicBlock against torch."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn
from minigrad.models import BasicBlock, LeNet5


def test_lenet5_output_shape_dtype_and_parameter_count():
    model = LeNet5()
    y = model(mg.randn(3, 1, 32, 32))
    assert y.shape == (3, 10) and y.dtype == np.float32
    assert sum(p.numel() for p in model.parameters()) == 61_706
    assert list(model.state_dict())[:2] == ["features.c1.weight", "features.c1.bias"]
    assert "classifier.output.bias" in model.state_dict()


@pytest.mark.parametrize("activation, act_type", [("tanh", nn.Tanh), ("relu", nn.ReLU)])
@pytest.mark.parametrize("pool, pool_type", [("avg", nn.AvgPool2d), ("max", nn.MaxPool2d)])
def test_lenet5_activation_and_pool_choices(activation, act_type, pool, pool_type):
    model = LeNet5(num_classes=5, in_channels=3, activation=activation, pool=pool)
    assert isinstance(model.features.act1, act_type) and isinstance(model.classifier.act6, act_type)
    assert isinstance(model.features.s2, pool_type) and isinstance(model.features.s4, pool_type)
    assert model(mg.randn(2, 3, 32, 32)).shape == (2, 5)


def test_lenet5_rejects_bad_options_and_sizes():
    with pytest.raises(ValueError, match="activation must be one of"):
        LeNet5(activation="gelu")
    with pytest.raises(ValueError, match="pool must be one of"):
        LeNet5(pool="min")
    with pytest.raises(ValueError, match=r"Pad 28x28 MNIST digits by 2"):
        LeNet5()(mg.zeros(1, 1, 28, 28))
    with pytest.raises(ValueError, match="input has 3 channels, expected 1"):
        LeNet5()(mg.zeros(1, 3, 32, 32))


def test_lenet5_learns_a_tiny_batch():
    """A few plain gradient steps on 8 examples drive the loss down: gradients reach C1."""
    mg.manual_seed(0)
    model = LeNet5()
    x = mg.randn(8, 1, 32, 32)
    y = mg.tensor(np.arange(8) % 10)
    losses = []
    for _ in range(12):
        model.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        losses.append(loss.item())
        with mg.no_grad():
            for p in model.parameters():
                p.data -= 0.5 * p.grad.data
    assert model.features.c1.weight.grad is not None
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("activation, pool", [("tanh", "avg"), ("relu", "max")])
def test_lenet5_matches_torch_with_the_same_weights(torch, rng, activation, pool):
    tnn = torch.nn
    act = tnn.Tanh if activation == "tanh" else tnn.ReLU
    pooling = tnn.AvgPool2d if pool == "avg" else tnn.MaxPool2d
    theirs = tnn.Sequential(
        tnn.Conv2d(1, 6, 5), act(), pooling(2), tnn.Conv2d(6, 16, 5), act(), pooling(2),
        tnn.Conv2d(16, 120, 5), act(), tnn.Flatten(), tnn.Linear(120, 84), act(),
        tnn.Linear(84, 10),
    )  # fmt: skip
    ours = LeNet5(activation=activation, pool=pool).double()
    with torch.no_grad():
        for p, (_, q) in zip(theirs.parameters(), ours.named_parameters()):
            p.copy_(torch.tensor(q.numpy()))
    x = rng.standard_normal((4, 1, 32, 32))
    target = np.array([3, 1, 4, 1])
    loss_m = F.cross_entropy(ours(mg.tensor(x, dtype=mg.float64)), mg.tensor(target))
    loss_t = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(target))
    loss_m.backward()
    loss_t.backward()
    assert loss_m.item() == pytest.approx(loss_t.item(), rel=1e-10)
    for p, q in zip(theirs.parameters(), ours.parameters()):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-7, atol=1e-12)


def _torch_basic_block(torch, cin, cout, stride):
    tnn = torch.nn

    class TorchBlock(tnn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = tnn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = tnn.BatchNorm2d(cout)
            self.relu = tnn.ReLU()
            self.conv2 = tnn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = tnn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = tnn.Sequential(
                    tnn.Conv2d(cin, cout, 1, stride, bias=False), tnn.BatchNorm2d(cout)
                )

        def forward(self, x):
            idt = x if self.downsample is None else self.downsample(x)
            return torch.relu(self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x))))) + idt)

    return TorchBlock()


@pytest.mark.parametrize("cin, cout, stride", [(4, 4, 1), (4, 8, 2), (4, 8, 1)])
def test_basic_block_matches_torch_in_train_and_eval(torch, rng, cin, cout, stride):
    ours = BasicBlock(cin, cout, stride).double()
    theirs = _torch_basic_block(torch, cin, cout, stride)
    assert list(ours.state_dict()) == list(theirs.state_dict())  # torchvision's key names
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    assert (ours.downsample is None) == (stride == 1 and cin == cout)
    for mode in ("train", "eval"):
        getattr(ours, mode)(), getattr(theirs, mode)()
        ours.zero_grad(), theirs.zero_grad()
        x = rng.standard_normal((2, cin, 8, 8))
        xm = mg.tensor(x, dtype=mg.float64, requires_grad=True)
        xt = torch.tensor(x, requires_grad=True)
        ym, yt = ours(xm), theirs(xt)
        assert ym.shape == (2, cout, 8 // stride, 8 // stride)
        np.testing.assert_allclose(ym.numpy(), yt.detach().numpy(), atol=1e-9)
        ym.sum().backward()
        yt.sum().backward()
        np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), atol=1e-9)
        tp = dict(theirs.named_parameters())
        for name, p in ours.named_parameters():
            np.testing.assert_allclose(p.grad.numpy(), tp[name].grad.numpy(), atol=1e-9)
    np.testing.assert_allclose(
        ours.bn1.running_mean.numpy(), theirs.bn1.running_mean.numpy(), atol=1e-12
    )
