"""nn layers against torch.nn with identical weights: outputs, input gradients, weight gradients."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _copy_weights(ours: nn.Module, theirs, torch) -> None:
    """Give the torch module our parameters and buffers (float64)."""
    with torch.no_grad():
        for name, t in theirs.state_dict().items():
            t.copy_(torch.tensor(ours.state_dict()[name].numpy()))


def _compare(ours: nn.Module, theirs, x: np.ndarray, torch, atol: float = 1e-10) -> None:
    """Same forward, same gradient of sum(y * g) for input and every parameter."""
    xm = mg.tensor(x, dtype=mg.float64, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ym, yt = ours(xm), theirs(xt)
    np.testing.assert_allclose(ym.numpy(), yt.detach().numpy(), atol=atol, rtol=1e-7)
    assert ym.dtype == np.float64
    g = np.random.default_rng(5).standard_normal(ym.shape)
    (ym * mg.tensor(g, dtype=mg.float64)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), atol=atol, rtol=1e-7)
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(
            p.grad.numpy(), theirs_params[name].grad.numpy(), atol=atol, rtol=1e-7, err_msg=name
        )


def test_linear_matches_torch(torch, rng):
    ours = nn.Linear(5, 3).double()
    theirs = torch.nn.Linear(5, 3)
    _copy_weights(ours, theirs, torch)
    _compare(ours, theirs, rng.standard_normal((4, 5)), torch)
    _compare(ours, theirs, rng.standard_normal((2, 6, 5)), torch)  # extra leading dims


def test_linear_without_bias_matches_torch(torch, rng):
    ours = nn.Linear(5, 3, bias=False).double()
    theirs = torch.nn.Linear(5, 3, bias=False)
    _copy_weights(ours, theirs, torch)
    _compare(ours, theirs, rng.standard_normal((4, 5)), torch)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(in_channels=3, out_channels=4, kernel_size=3),
        dict(in_channels=3, out_channels=4, kernel_size=3, stride=2, padding=1),
        dict(in_channels=2, out_channels=4, kernel_size=(3, 2), padding=(1, 0), dilation=2),
        dict(in_channels=4, out_channels=6, kernel_size=3, groups=2, bias=False),
        dict(in_channels=3, out_channels=2, kernel_size=4, padding="same"),
        dict(in_channels=3, out_channels=2, kernel_size=3, padding="valid"),
    ],
    ids=["plain", "stride2_pad1", "dilation2_rect", "groups2_nobias", "same_even", "valid"],
)
@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_conv2d_matches_torch(torch, rng, kwargs):
    ours = nn.Conv2d(**kwargs).double()
    theirs = torch.nn.Conv2d(**kwargs)
    _copy_weights(ours, theirs, torch)
    _compare(ours, theirs, rng.standard_normal((2, kwargs["in_channels"], 9, 8)), torch)


def test_conv2d_unbatched_input(rng):
    conv = nn.Conv2d(3, 2, 3)
    x = mg.tensor(rng.standard_normal((3, 6, 6)), dtype=mg.float32)
    np.testing.assert_allclose(conv(x).numpy(), conv(x.unsqueeze(0)).numpy()[0], rtol=1e-6)


def test_conv2d_wrong_channels_error_names_layer_and_shapes():
    with pytest.raises(ValueError, match=r"Conv2d\(1, 6, 5\): input has 3 channels, expected 1"):
        nn.Conv2d(1, 6, 5)(mg.zeros(2, 3, 32, 32))


def test_conv2d_bad_arguments_fail_early():
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="stride 1"):
        nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="smaller than the kernel"):
        nn.Conv2d(1, 1, 5)(mg.zeros(1, 1, 4, 4))
    with pytest.raises(ValueError, match="shape"):
        nn.Conv2d(1, 1, 3)(mg.zeros(8, 8))


def test_linear_wrong_features_error():
    with pytest.raises(ValueError, match=r"Linear\(4, 2\): input has shape \(3, 5\)"):
        nn.Linear(4, 2)(mg.zeros(3, 5))


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda: nn.MaxPool2d(2), lambda t: t.nn.MaxPool2d(2)),
        (lambda: nn.MaxPool2d(3, stride=2, padding=1), lambda t: t.nn.MaxPool2d(3, 2, 1)),
        (lambda: nn.AvgPool2d(2), lambda t: t.nn.AvgPool2d(2)),
        (lambda: nn.AvgPool2d(3, 2, 1), lambda t: t.nn.AvgPool2d(3, 2, 1)),
        (lambda: nn.AdaptiveAvgPool2d(1), lambda t: t.nn.AdaptiveAvgPool2d(1)),
        (lambda: nn.AdaptiveAvgPool2d((3, 2)), lambda t: t.nn.AdaptiveAvgPool2d((3, 2))),
        (lambda: nn.Flatten(), lambda t: t.nn.Flatten()),
        (lambda: nn.ReLU(), lambda t: t.nn.ReLU()),
        (lambda: nn.Sigmoid(), lambda t: t.nn.Sigmoid()),
        (lambda: nn.Tanh(), lambda t: t.nn.Tanh()),
        (lambda: nn.ELU(alpha=0.7), lambda t: t.nn.ELU(alpha=0.7)),
        (lambda: nn.LeakyReLU(0.2), lambda t: t.nn.LeakyReLU(0.2)),
        (lambda: nn.Softmax(dim=1), lambda t: t.nn.Softmax(dim=1)),
        (lambda: nn.LogSoftmax(dim=-1), lambda t: t.nn.LogSoftmax(dim=-1)),
        (lambda: nn.Identity(), lambda t: t.nn.Identity()),
    ],
    ids=[
        "maxpool2",
        "maxpool3s2p1",
        "avgpool2",
        "avgpool3s2p1",
        "gap",
        "adaptive3x2",
        "flatten",
        "relu",
        "sigmoid",
        "tanh",
        "elu",
        "leakyrelu",
        "softmax",
        "logsoftmax",
        "identity",
    ],
)
def test_parameterless_layer_matches_torch(torch, rng, ours, theirs):
    x = rng.standard_normal((2, 3, 7, 6))
    _compare(ours(), theirs(torch), x, torch)


@pytest.mark.parametrize("num_parameters", [1, 3])
def test_prelu_matches_torch(torch, rng, num_parameters):
    ours = nn.PReLU(num_parameters, init=0.1).double()
    theirs = torch.nn.PReLU(num_parameters, init=0.1)
    assert np.allclose(ours.weight.numpy(), 0.1)
    _compare(ours, theirs, rng.standard_normal((2, 3, 4, 4)), torch)


def test_prelu_channel_mismatch():
    with pytest.raises(ValueError, match="expected 4 channels"):
        nn.PReLU(4)(mg.zeros(2, 3, 5, 5))


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm2d_train_then_eval_matches_torch(torch, rng, momentum):
    ours = nn.BatchNorm2d(3, momentum=momentum).double()
    theirs = torch.nn.BatchNorm2d(3, momentum=momentum)
    ours.weight.numpy()[:] = [0.5, 1.5, -1.0]
    ours.bias.numpy()[:] = [0.1, 0.0, 2.0]
    _copy_weights(ours, theirs, torch)
    for _ in range(3):  # training steps: batch statistics, running statistics updated
        x = rng.standard_normal((4, 3, 5, 5)) * 2 + 1
        ours.zero_grad(), theirs.zero_grad()
        _compare(ours, theirs, x, torch, atol=1e-9)
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(
            getattr(ours, name).numpy(), getattr(theirs, name).numpy(), rtol=1e-10
        )
    assert int(ours.num_batches_tracked.item()) == 3
    ours.eval(), theirs.eval()
    ours.zero_grad(), theirs.zero_grad()
    _compare(ours, theirs, rng.standard_normal((2, 3, 5, 5)), torch, atol=1e-9)
    assert int(ours.num_batches_tracked.item()) == 3  # eval leaves the statistics alone


def test_batchnorm1d_matches_torch_and_without_affine_or_tracking(torch, rng):
    for kwargs in (dict(), dict(affine=False), dict(track_running_stats=False)):
        ours = nn.BatchNorm1d(4, **kwargs).double()
        theirs = torch.nn.BatchNorm1d(4, **kwargs)
        _copy_weights(ours, theirs, torch)
        _compare(ours, theirs, rng.standard_normal((6, 4)), torch, atol=1e-9)
        _compare(ours, theirs, rng.standard_normal((6, 4, 3)), torch, atol=1e-9)
        ours.eval(), theirs.eval()
        ours.zero_grad(), theirs.zero_grad()
        _compare(ours, theirs, rng.standard_normal((6, 4)), torch, atol=1e-9)


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\): input has 4 channels"):
        nn.BatchNorm2d(3)(mg.zeros(2, 4, 5, 5))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        nn.BatchNorm2d(3)(mg.zeros(2, 3))
    with pytest.raises(ValueError, match="more than 1 value"):
        nn.BatchNorm1d(3)(mg.zeros(1, 3))
    bn = nn.BatchNorm1d(3).eval()
    assert bn(mg.ones(1, 3)).shape == (1, 3)  # eval mode works with one example


def test_dropout_trains_with_scaled_mask_and_is_identity_in_eval():
    mg.manual_seed(0)
    drop = nn.Dropout(0.25)
    x = mg.ones(200, 100)
    y = drop(x).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.75, rtol=1e-6)
    drop.eval()
    assert drop(x) is x or np.array_equal(drop(x).numpy(), x.numpy())
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout_is_reproducible_with_manual_seed():
    x = mg.ones(10, 10)
    mg.manual_seed(3)
    a = nn.Dropout()(x).numpy()
    mg.manual_seed(3)
    b = nn.Dropout()(x).numpy()
    np.testing.assert_array_equal(a, b)


def test_softmax_default_dim_follows_pytorch_legacy_rule(torch, rng):
    x = rng.standard_normal((2, 3, 4))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = torch.nn.Softmax()(torch.tensor(x)).numpy()
    np.testing.assert_allclose(nn.Softmax()(mg.tensor(x, dtype=mg.float64)).numpy(), expected)


def test_layers_keep_float32():
    x = mg.randn(2, 3, 8, 8)
    for layer in (
        nn.Conv2d(3, 4, 3),
        nn.BatchNorm2d(3),
        nn.MaxPool2d(2),
        nn.AvgPool2d(2),
        nn.PReLU(),
        nn.ELU(),
    ):
        assert layer(x).dtype == np.float32, layer
    assert nn.Linear(8, 2)(x).dtype == np.float32
