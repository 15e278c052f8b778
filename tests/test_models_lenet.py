"""mg.models: LeNet-5's shapes, counts and options (against PyTorch: test_models_torch.py)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn
from minigrad.models import LeNet5


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
