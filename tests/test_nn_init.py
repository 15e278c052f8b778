"""nn.init bounds and statistics (PyTorch's formulas), default layer init, gradient clipping."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import init


def test_calculate_gain_values_match_torch(torch):
    for name in ("linear", "conv2d", "sigmoid", "tanh", "relu", "selu"):
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    for slope in (None, 0.2, math.sqrt(5)):
        assert init.calculate_gain("leaky_relu", slope) == pytest.approx(
            torch.nn.init.calculate_gain("leaky_relu", slope)
        )
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_fans_of_a_conv_weight():
    w = mg.zeros(16, 6, 5, 5)
    assert init._calculate_fan_in_and_fan_out(w) == (150, 400)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(mg.zeros(5))


def test_uniform_bounds_follow_the_formulas():
    mg.manual_seed(0)
    w = mg.zeros(64, 32, 3, 3)  # fan_in 288, fan_out 576
    cases = [
        (lambda: init.kaiming_uniform_(w), math.sqrt(2) * math.sqrt(3 / 288)),
        (lambda: init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu"),
         math.sqrt(2) * math.sqrt(3 / 576)),
        (lambda: init.kaiming_uniform_(w, a=math.sqrt(5)), 1 / math.sqrt(288)),
        (lambda: init.xavier_uniform_(w, gain=2.0), 2.0 * math.sqrt(6 / (288 + 576))),
        (lambda: init.uniform_(w, -0.3, 0.3), 0.3),
    ]  # fmt: skip
    for fill, bound in cases:
        fill()
        data = w.numpy()
        assert data.max() <= bound and data.min() >= -bound
        assert data.max() > 0.98 * bound and data.min() < -0.98 * bound  # the range is used
        assert abs(data.std() - bound / math.sqrt(3)) < 0.02 * bound
        assert w.dtype == np.float32


def test_normal_stds_follow_the_formulas():
    mg.manual_seed(1)
    w = mg.zeros(128, 64, 3, 3)  # fan_in 576, fan_out 1152
    init.kaiming_normal_(w, nonlinearity="relu")
    assert w.numpy().std() == pytest.approx(math.sqrt(2 / 576), rel=0.02)
    init.xavier_normal_(w)
    assert w.numpy().std() == pytest.approx(math.sqrt(2 / (576 + 1152)), rel=0.02)
    init.normal_(w, mean=3.0, std=0.5)
    assert w.numpy().mean() == pytest.approx(3.0, abs=0.01)
    assert w.numpy().std() == pytest.approx(0.5, rel=0.02)


def test_constant_fills():
    w = mg.zeros(3, 4)
    assert np.all(init.ones_(w).numpy() == 1)
    assert np.all(init.zeros_(w).numpy() == 0)
    assert np.all(init.constant_(w, 0.25).numpy() == 0.25)


def test_default_layer_init_bounds_match_pytorch():
    mg.manual_seed(2)
    conv = nn.Conv2d(6, 16, 5)  # fan_in 150
    lin = nn.Linear(400, 120)  # fan_in 400
    for layer, fan_in in ((conv, 150), (lin, 400)):
        bound = 1 / math.sqrt(fan_in)
        for p in (layer.weight, layer.bias):
            assert np.abs(p.numpy()).max() <= bound
            assert np.abs(p.numpy()).max() > 0.9 * bound
        assert layer.weight.numpy().std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    grouped = nn.Conv2d(8, 8, 3, groups=4)  # fan_in = 8/4 * 9 = 18
    assert np.abs(grouped.weight.numpy()).max() <= 1 / math.sqrt(18)


def test_initialisation_is_reproducible_with_manual_seed():
    mg.manual_seed(7)
    a = nn.Linear(10, 10).weight.numpy().copy()
    mg.manual_seed(7)
    b = nn.Linear(10, 10).weight.numpy()
    np.testing.assert_array_equal(a, b)


def test_init_changes_the_parameter_in_place():
    lin = nn.Linear(3, 3)
    weight, arr = lin.weight, lin.weight.numpy()
    init.zeros_(lin.weight)
    assert lin.weight is weight and lin.weight.numpy() is arr and np.all(arr == 0)


def test_skip_init_builds_without_drawing():
    """PyTorch's nn.utils.skip_init: the same layout, values as allocated (zeros; batch
    norm's ones), the random stream untouched, drawing back on afterwards."""
    mg.manual_seed(3)
    expected = mg.randn(4).numpy()
    mg.manual_seed(3)
    model = nn.utils.skip_init(mg.models.resnet_small)
    assert nn.utils.skip_init is init.skip_init
    np.testing.assert_array_equal(mg.randn(4).numpy(), expected)  # nothing was drawn
    assert sum(p.numel() for p in model.parameters()) == 174_970
    assert not model.conv1.weight.numpy().any() and model.bn1.weight.numpy().all()
    assert model.bn1.running_var.numpy().all() and model.conv1.weight.requires_grad
    layer = nn.utils.skip_init(nn.Linear, 3, 2, bias=False)
    assert layer.bias is None and not layer.weight.numpy().any()
    assert nn.Linear(3, 2).weight.numpy().all()  # drawn as usual again
    with pytest.raises(ValueError):
        nn.utils.skip_init(nn.Linear, 3, -2)
    assert nn.Linear(3, 2).weight.numpy().all()  # also after a build that failed
    with pytest.raises(TypeError, match=r"skip_init: <lambda> returned int, not an nn.Module"):
        nn.utils.skip_init(lambda: 3)
    with pytest.raises(TypeError, match="a Module class or a function that builds one"):
        nn.utils.skip_init("Linear")


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_torch(torch, rng, norm_type):
    grads = [rng.standard_normal((3, 4)) * 5, rng.standard_normal(7)]
    ours = [mg.zeros(g.shape, dtype=mg.float64, requires_grad=True) for g in grads]
    theirs = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for o, t, g in zip(ours, theirs, grads):
        o.grad = mg.tensor(g.copy(), dtype=mg.float64)
        t.grad = torch.tensor(g.copy())
    total = nn.utils.clip_grad_norm_(ours, max_norm=1.5, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm=1.5, norm_type=norm_type)
    assert total.item() == pytest.approx(expected.item(), rel=1e-10)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-10)


def test_clip_grad_norm_leaves_small_gradients_and_flags_nonfinite():
    p = mg.zeros(3, requires_grad=True)
    p.grad = mg.tensor([0.1, 0.2, 0.2])
    total = nn.utils.clip_grad_norm_([p], max_norm=1.0)
    assert total.item() == pytest.approx(0.3, rel=1e-6)
    np.testing.assert_allclose(p.grad.numpy(), [0.1, 0.2, 0.2])
    p.grad = mg.tensor([np.inf, 0.0, 0.0])
    with pytest.raises(RuntimeError, match="infinite or NaN"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    p = mg.zeros(3, requires_grad=True)
    p.grad = mg.tensor([-3.0, 0.5, 2.0])
    nn.utils.clip_grad_value_([p], 1.0)
    np.testing.assert_array_equal(p.grad.numpy(), [-1.0, 0.5, 1.0])


def test_skip_init_builds_the_same_module_without_drawing(torch):
    """Same names, shapes and dtypes as a normal build (and as PyTorch's skip_init), values
    zero (batch norm's scale one), and the global generator untouched."""
    mg.manual_seed(3)
    normal = mg.models.LeNet5(activation="relu", pool="max")
    mg.manual_seed(3)
    skipped = nn.utils.skip_init(mg.models.LeNet5, activation="relu", pool="max")
    after_skip = mg.randn(4).numpy()  # the first draw after the seed: nothing was drawn
    mg.manual_seed(3)
    np.testing.assert_array_equal(after_skip, mg.randn(4).numpy())
    ours, reference = skipped.state_dict(), normal.state_dict()
    assert list(ours) == list(reference)
    for name, value in ours.items():
        assert value.shape == reference[name].shape and value.dtype == reference[name].dtype
        assert not np.any(value.numpy()), name
    bn = nn.utils.skip_init(nn.BatchNorm2d, 8)
    assert np.all(bn.weight.numpy() == 1) and np.all(bn.running_var.numpy() == 1)
    theirs = torch.nn.utils.skip_init(torch.nn.Conv2d, 3, 8, (5, 3), bias=True)
    conv = nn.utils.skip_init(nn.Conv2d, 3, 8, (5, 3), bias=True)
    assert {k: tuple(v.shape) for k, v in conv.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()
    }


def test_skip_init_then_a_checkpoint_gives_the_trained_model():
    mg.manual_seed(4)
    trained = mg.models.LeNet5()
    copy = nn.utils.skip_init(mg.models.LeNet5)
    copy.load_state_dict(trained.state_dict())
    x = mg.randn(2, 1, 32, 32)
    np.testing.assert_array_equal(copy(x).numpy(), trained(x).numpy())


def test_skip_init_switches_init_back_on_even_after_an_error():
    def broken():
        nn.Linear(3, 3)
        raise RuntimeError("constructor failed")

    with pytest.raises(RuntimeError, match="constructor failed"):
        nn.utils.skip_init(broken)
    outer = nn.utils.skip_init(lambda: nn.Sequential(nn.utils.skip_init(nn.Linear, 4, 4)))
    assert not np.any(outer[0].weight.numpy())
    w = init.uniform_(mg.zeros(100), 1.0, 2.0)  # outside again: drawn
    assert w.numpy().min() >= 1.0


def test_skip_init_refuses_what_does_not_make_a_module():
    with pytest.raises(TypeError, match="skip_init: expected a Module class or a function"):
        nn.utils.skip_init("vgg19")
    with pytest.raises(TypeError, match="skip_init: <lambda> returned Tensor, not an nn.Module"):
        nn.utils.skip_init(lambda: mg.zeros(3))
