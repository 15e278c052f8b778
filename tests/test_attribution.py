"""Attribution maps (mg.viz.attribution) against PyTorch on the same weights: saliency,
SmoothGrad, Grad-CAM (torch forward and backward hooks), guided backprop and deconvnet (torch
backward hooks on nn.ReLU); occlusion against a direct loop; the ReLU rule switch; the
receptive-field placement; errors and modes."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, viz
from minigrad.models import LeNet5
from minigrad.viz import attribution as A


def small_cnn(lib, pool="max"):
    """2 x 12 x 12 -> 5 classes: conv, ReLU, pool, conv, ReLU, linear."""
    pooling = lib.MaxPool2d(2) if pool == "max" else lib.AvgPool2d(2)
    return lib.Sequential(
        lib.Conv2d(2, 4, 3),
        lib.ReLU(),
        pooling,
        lib.Conv2d(4, 6, 3),
        lib.ReLU(),
        lib.Flatten(),
        lib.Linear(54, 5),
    )


class FunctionalReluCNN(nn.Module):
    """The same network with F.relu calls inside forward instead of nn.ReLU modules."""

    def __init__(self, pool="max"):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3)
        self.pool = nn.MaxPool2d(2) if pool == "max" else nn.AvgPool2d(2)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.fc = nn.Linear(54, 5)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        return self.fc(F.relu(self.conv2(x)).reshape(x.shape[0], -1))

    def load_from(self, seq):
        names = {"0": "conv1", "3": "conv2", "6": "fc"}
        self.load_state_dict(
            {names[k.split(".")[0]] + "." + k.split(".")[1]: v for k, v in seq.state_dict().items()}
        )
        return self


def pair(torch, pool="max", seed=0):
    mg.manual_seed(seed)
    ours = small_cnn(nn, pool).double()
    theirs = small_cnn(torch.nn, pool)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return ours, theirs


def images(n=4, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 2, 12, 12))


def torch_input_grad(torch, net, x, target=None):
    tx = torch.tensor(x, requires_grad=True)
    out = net(tx)
    c = out.argmax(1) if target is None else torch.tensor(np.broadcast_to(target, (len(x),)))
    out.gather(1, c[:, None]).sum().backward()
    return tx.grad.numpy(), c.numpy()


# --------------------------------------------------------------------------------------------
# saliency and SmoothGrad


@pytest.mark.parametrize("target", [None, 3, [0, 1, 2, 4]])
def test_saliency_equals_torch_on_the_same_weights(torch, target):
    ours, theirs = pair(torch)
    x = images()
    g, _ = torch_input_grad(torch, theirs, x, target)
    expected = np.abs(g).max(axis=1)
    got = viz.saliency(ours, x, target)
    assert got.shape == (4, 12, 12) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13)
    assert np.abs(got - expected).max() < 1e-12


def test_smoothgrad_is_the_mean_saliency_of_the_documented_noisy_copies(torch):
    ours, theirs = pair(torch)
    x = images(3)
    _, c = torch_input_grad(torch, theirs, x)  # the class predicted on the clean images
    n, noise, seed = 6, 0.2, 7
    sigma = noise * (x.max(axis=(1, 2, 3)) - x.min(axis=(1, 2, 3)))
    e = np.random.default_rng(seed).standard_normal((n,) + x.shape) * sigma[:, None, None, None]
    expected = np.mean(
        [np.abs(torch_input_grad(torch, theirs, x + e[k], c)[0]).max(axis=1) for k in range(n)],
        axis=0,
    )
    got = viz.saliency(ours, x, smooth=n, noise=noise, seed=seed)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13)
    assert not np.allclose(got, viz.saliency(ours, x))  # the noise did something
    tiny = viz.saliency(ours, x, smooth=3, noise=1e-9)  # no ReLU switches: the vanilla map
    np.testing.assert_allclose(tiny, viz.saliency(ours, x), rtol=1e-5, atol=1e-9)


def test_saliency_leaves_parameters_grads_and_the_models_mode_alone():
    mg.manual_seed(0)
    model = small_cnn(nn)
    model.train()
    viz.saliency(model, images().astype(np.float32))
    assert all(p.grad is None for p in model.parameters())
    assert model.training
    model.eval()
    viz.grad_cam(model, images().astype(np.float32), layer="3")
    assert not model.training


def test_maps_of_a_model_with_dropout_are_deterministic_in_eval_mode():
    mg.manual_seed(0)
    model = nn.Sequential(
        nn.Flatten(), nn.Linear(16, 8), nn.Dropout(0.5), nn.ReLU(), nn.Linear(8, 3)
    )
    x = np.random.default_rng(1).normal(size=(2, 1, 4, 4)).astype(np.float32)
    np.testing.assert_array_equal(viz.saliency(model, x), viz.saliency(model, x))
    assert model.training


# --------------------------------------------------------------------------------------------
# Grad-CAM


def torch_grad_cam(torch, net, layer, x):
    caught = {}
    h1 = layer.register_forward_hook(lambda m, i, o: caught.__setitem__("A", o))
    h2 = layer.register_full_backward_hook(lambda m, gi, go: caught.__setitem__("dA", go[0]))
    out = net(torch.tensor(x))
    out.gather(1, out.argmax(1)[:, None]).sum().backward()
    h1.remove()
    h2.remove()
    alpha = caught["dA"].mean(dim=(2, 3), keepdim=True)
    return torch.relu((alpha * caught["A"]).sum(dim=1)).detach()


@pytest.mark.parametrize("layer", ["3", "4"])  # a conv's output, a ReLU's output
def test_grad_cam_equals_torch_with_forward_and_backward_hooks(torch, layer):
    ours, theirs = pair(torch)
    x = images()
    expected = torch_grad_cam(torch, theirs, theirs[int(layer)], x).numpy()
    got = viz.grad_cam(ours, x, layer=layer, upsample_to_input=False)
    assert got.shape == (4, 3, 3)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13)
    assert expected.max() > 0


def test_grad_cam_of_a_padded_network_upsamples_as_torchs_bilinear_interpolate(torch):
    def padded(lib):
        return lib.Sequential(
            lib.Conv2d(1, 4, 3, padding=1),
            lib.ReLU(),
            lib.MaxPool2d(2),
            lib.Conv2d(4, 6, 3, padding=1),
            lib.ReLU(),
            lib.Flatten(),
            lib.Linear(6 * 8 * 8, 3),
        )

    mg.manual_seed(3)
    ours = padded(nn).double()
    theirs = padded(torch.nn)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(2).normal(size=(2, 1, 16, 16))
    # each position i of an 8x8 map after 2x2 pooling looks at pixel 2i + 0.5: where
    # F.interpolate(align_corners=False) puts it too
    assert viz.receptive_field_geometry(ours, "3", x) == ((0.5, 2.0), (0.5, 2.0))
    cam = torch_grad_cam(torch, theirs, theirs[3], x)
    expected = torch.nn.functional.interpolate(
        cam[:, None], size=(16, 16), mode="bilinear", align_corners=False
    )[:, 0].numpy()
    np.testing.assert_allclose(viz.grad_cam(ours, x, layer="3"), expected, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(A.upsample(cam.numpy(), (16, 16)), expected, rtol=1e-12, atol=1e-14)


def test_receptive_field_geometry_of_lenet5_by_arithmetic():
    model = LeNet5(activation="relu", pool="max")
    x = np.zeros((1, 1, 32, 32), dtype=np.float32)
    # C1: a 5x5 window's centre is pixel 2; S2 halves (2.5, step 2); C3 adds 2 steps of S2
    expected = {
        "features.c1": (2.0, 1.0),
        "features.act1": (2.0, 1.0),
        "features.s2": (2.5, 2.0),
        "features.c3": (6.5, 2.0),
        "features.s4": (7.5, 4.0),
    }
    for layer, axis in expected.items():
        assert viz.receptive_field_geometry(model, layer, x) == (axis, axis), layer
    assert viz.receptive_field_geometry(model, "features.c5", x) is None  # 1x1: sees everything


def test_grad_cam_on_lenet_c3_is_placed_where_c3_looks():
    mg.manual_seed(0)
    model = LeNet5(activation="relu", pool="max")
    x = np.random.default_rng(0).random((2, 1, 32, 32)).astype(np.float32)
    coarse = viz.grad_cam(model, x, layer="features.c3", upsample_to_input=False)
    placed = viz.grad_cam(model, x, layer="features.c3")
    assert placed.shape == (2, 32, 32)

    def at(u, v):  # the coarse map read bilinearly at position (u, v), clamped to it
        u, v = np.clip(u, 0, 9), np.clip(v, 0, 9)
        i, j = min(int(u), 8), min(int(v), 8)
        a, b = u - i, v - j
        c = coarse
        return (
            (1 - a) * (1 - b) * c[:, i, j]
            + a * (1 - b) * c[:, i + 1, j]
            + (1 - a) * b * c[:, i, j + 1]
            + a * b * c[:, i + 1, j + 1]
        )

    for p, q in [(0, 0), (6, 7), (8, 8), (13, 20), (24, 25), (31, 31), (16, 3)]:
        # pixel p shows position (p - 6.5) / 2 of C3: C3's centres run from 6.5 to 24.5
        np.testing.assert_allclose(placed[:, p, q], at((p - 6.5) / 2, (q - 6.5) / 2), rtol=1e-5)
    np.testing.assert_allclose(placed[:, :7, :7], coarse[:, :1, :1] * np.ones((1, 7, 7)), rtol=1e-6)
    assert not np.allclose(placed, viz.attribution.upsample(coarse, (32, 32)))  # not stretched


def test_grad_cam_errors_name_the_layer_problem():
    model = LeNet5(activation="relu", pool="max")
    x = np.zeros((1, 1, 32, 32), dtype=np.float32)
    with pytest.raises(ValueError, match=r"name the layer.*features.c1, features.c3, features.c5"):
        viz.grad_cam(model, x)
    with pytest.raises(ValueError, match=r"no layer 'features.c9'"):
        viz.grad_cam(model, x, layer="features.c9")
    with pytest.raises(ValueError, match=r"must output maps \(N, K, h, w\).*Pick a convolution"):
        viz.grad_cam(model, x, layer="classifier.f6")
    with pytest.raises(TypeError, match="module name or a Module"):
        viz.grad_cam(model, x, layer=3)


# --------------------------------------------------------------------------------------------
# guided backprop and deconvnet


def torch_with_relu_hooks(torch, net, x, rule):
    """Guided backprop and deconvnet the PyTorch way: backward hooks on nn.ReLU modules."""

    def guided(module, grad_input, grad_output):
        return (grad_input[0].clamp(min=0),)

    def deconvnet(module, grad_input, grad_output):
        return (grad_output[0].clamp(min=0),)

    hook = guided if rule == "guided" else deconvnet
    relus = [m for m in net.modules() if isinstance(m, torch.nn.ReLU)]
    handles = [m.register_full_backward_hook(hook) for m in relus]
    try:
        return torch_input_grad(torch, net, x)[0]
    finally:
        for h in handles:
            h.remove()


@pytest.mark.parametrize("relu_style", ["modules", "F.relu"])
def test_guided_backprop_equals_torch_with_relu_backward_hooks(torch, relu_style):
    ours, theirs = pair(torch)
    if relu_style == "F.relu":
        ours = FunctionalReluCNN().double().load_from(ours)
    x = images()
    expected = torch_with_relu_hooks(torch, theirs, x, "guided")
    got = viz.guided_backprop(ours, x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13)
    vanilla = viz.input_gradient(ours, x)
    assert not np.allclose(got, vanilla)  # the rule made a difference
    np.testing.assert_allclose(
        vanilla, torch_input_grad(torch, theirs, x)[0], rtol=1e-10, atol=1e-13
    )


@pytest.mark.parametrize("relu_style", ["modules", "F.relu"])
def test_deconvnet_equals_torch_with_relu_backward_hooks(torch, relu_style):
    # average pooling: after a ReLU, max pooling meets tied zeros, which minigrad shares out
    # and PyTorch gives to one element (the documented difference, seen only by deconvnet)
    ours, theirs = pair(torch, pool="avg")
    if relu_style == "F.relu":
        ours = FunctionalReluCNN(pool="avg").double().load_from(ours)
    x = images()
    expected = torch_with_relu_hooks(torch, theirs, x, "deconvnet")
    np.testing.assert_allclose(viz.deconvnet(ours, x), expected, rtol=1e-10, atol=1e-13)
    assert not np.allclose(viz.deconvnet(ours, x), viz.guided_backprop(ours, x))


def test_deconvnet_after_max_pooling_differs_from_torch_only_through_tied_zeros(torch):
    ours, theirs = pair(torch, pool="max")
    x = images()
    got, expected = viz.deconvnet(ours, x), torch_with_relu_hooks(torch, theirs, x, "deconvnet")
    # the same total signal arrives; where it lands inside all-zero windows may differ
    np.testing.assert_allclose(got.sum(axis=(1, 2, 3)), expected.sum(axis=(1, 2, 3)), rtol=1e-9)


def torch_lenet(torch, pool):
    from collections import OrderedDict

    P = torch.nn.MaxPool2d if pool == "max" else torch.nn.AvgPool2d
    R, C, L = torch.nn.ReLU, torch.nn.Conv2d, torch.nn.Linear
    features = OrderedDict(
        c1=C(1, 6, 5), act1=R(), s2=P(2), c3=C(6, 16, 5), act3=R(), s4=P(2), c5=C(16, 120, 5)
    )
    features["act5"] = R()
    classifier = OrderedDict(flatten=torch.nn.Flatten(), f6=L(120, 84), act6=R(), output=L(84, 10))
    return torch.nn.Sequential(
        OrderedDict(
            features=torch.nn.Sequential(features), classifier=torch.nn.Sequential(classifier)
        )
    )


@pytest.mark.parametrize("pool, noise", [("avg", 0.0), ("max", 1e-3)])
def test_lenet5_maps_of_test_digits_equal_torch(torch, pool, noise):
    """On the digits: with average pooling as they are; with max pooling after a little noise,
    since the black background makes tied windows (see the module's notes)."""
    from minigrad.data import load_digits

    mg.manual_seed(0)
    ours = LeNet5(activation="relu", pool=pool).double()
    theirs = torch_lenet(torch, pool)
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    x = load_digits()[1].tensors[0].numpy()[:6].astype(np.float64)
    x = x + noise * np.random.default_rng(0).normal(size=x.shape)
    g, _ = torch_input_grad(torch, theirs, x)
    np.testing.assert_allclose(viz.saliency(ours, x), np.abs(g).max(axis=1), rtol=1e-9, atol=1e-15)
    guided = torch_with_relu_hooks(torch, theirs, x, "guided")
    np.testing.assert_allclose(viz.guided_backprop(ours, x), guided, rtol=1e-9, atol=1e-15)
    cam = torch_grad_cam(torch, theirs, theirs.features.c3, x).numpy()
    got = viz.grad_cam(ours, x, layer="features.c3", upsample_to_input=False)
    np.testing.assert_allclose(got, cam, rtol=1e-9, atol=1e-15)
    if pool == "avg":
        deconv = torch_with_relu_hooks(torch, theirs, x, "deconvnet")
        np.testing.assert_allclose(viz.deconvnet(ours, x), deconv, rtol=1e-9, atol=1e-15)


def test_relu_backward_rules_on_one_relu_and_restored_after_an_error():
    z = mg.tensor([-1.0, 2.0, 3.0, -2.0, 0.0], requires_grad=True)
    g = mg.tensor([1.0, -1.0, 2.0, 3.0, 5.0])
    rules = {
        "gradient": [0, -1, 2, 0, 0],
        "guided": [0, 0, 2, 0, 0],
        "deconvnet": [1, 0, 2, 3, 5],
    }
    for rule, expected in rules.items():
        with viz.relu_backward(rule):
            y = F.relu(z)
            (grad,) = mg.grad(y, [z], grad_outputs=g)
        np.testing.assert_array_equal(y.numpy(), [0, 2, 3, 0, 0])  # forward unchanged
        np.testing.assert_array_equal(grad.numpy(), expected)
    with pytest.raises(KeyError):
        with viz.relu_backward("guided"):
            raise KeyError("boom")
    (grad,) = mg.grad(F.relu(z), [z], grad_outputs=g)
    np.testing.assert_array_equal(grad.numpy(), rules["gradient"])  # the rule was restored
    with pytest.raises(
        ValueError, match=r"rule must be one of \['deconvnet', 'gradient', 'guided'\]"
    ):
        with viz.relu_backward("positive"):
            pass


def test_without_relus_guided_backprop_and_deconvnet_are_the_plain_gradient():
    mg.manual_seed(0)
    tanh_lenet = LeNet5()  # tanh, average pooling
    x = np.random.default_rng(0).random((2, 1, 32, 32)).astype(np.float32)
    plain = viz.input_gradient(tanh_lenet, x)
    np.testing.assert_array_equal(viz.guided_backprop(tanh_lenet, x), plain)
    np.testing.assert_array_equal(viz.deconvnet(tanh_lenet, x), plain)


# --------------------------------------------------------------------------------------------
# occlusion


def occlusion_by_loop(model, x, target, window, stride, fill=0.0, probability=False):
    """The definition, one image and one square at a time."""
    n, _, H, W = x.shape

    def score(img, c):
        with mg.no_grad():
            s = model(mg.tensor(img[None], dtype=mg.float64)).numpy()[0]
        if probability:
            s = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
        return s[c]

    out = np.zeros((n, H, W))
    for k in range(n):
        base = score(x[k], target[k])
        total, count = np.zeros((H, W)), np.zeros((H, W))
        rows = list(range(0, H - window + 1, stride))
        rows += [] if rows[-1] == H - window else [H - window]
        for i in rows:
            for j in rows:
                hidden = x[k].copy()
                hidden[:, i : i + window, j : j + window] = fill
                total[i : i + window, j : j + window] += base - score(hidden, target[k])
                count[i : i + window, j : j + window] += 1
        out[k] = total / count
    return out


@pytest.mark.parametrize(
    "window, stride, fill, probability",
    [(4, 2, 0.0, False), (5, 3, 0.5, False), (3, 3, 0.0, True)],
)
def test_occlusion_equals_a_direct_loop(window, stride, fill, probability):
    mg.manual_seed(0)
    model = small_cnn(nn).double()
    x = images(3)
    target = [1, 4, 0]
    got = viz.occlusion(
        model, x, target, window, stride, fill=fill, probability=probability, batch_size=7
    )
    expected = occlusion_by_loop(model, x, target, window, stride, fill, probability)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_occlusion_positions_cover_every_pixel():
    assert A.occlusion_positions(12, 5, 3) == [0, 3, 6, 7]
    assert A.occlusion_positions(12, 4, 4) == [0, 4, 8]
    assert A.occlusion_positions(4, 4, 2) == [0]


def test_occlusion_refuses_bad_windows():
    model = small_cnn(nn)
    x = images(1).astype(np.float32)
    with pytest.raises(ValueError, match=r"window \(13, 13\) is larger than the image \(12, 12\)"):
        viz.occlusion(model, x, window=13)
    with pytest.raises(ValueError, match="occlusion: stride must be >= 1, got 0"):
        viz.occlusion(model, x, stride=0)


# --------------------------------------------------------------------------------------------
# inputs, targets, explain


def test_bad_inputs_and_targets_are_named():
    model = small_cnn(nn)
    x = images(2).astype(np.float32)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\).*got shape \(12, 12\); .* x\[None\]"):
        viz.saliency(model, x[0, 0])
    with pytest.raises(IndexError, match=r"target \[7, 7\] out of range: the model has 5 classes"):
        viz.saliency(model, x, 7)
    with pytest.raises(ValueError, match="got 3 targets for 2 images"):
        viz.saliency(model, x, [0, 1, 2])
    with pytest.raises(TypeError, match="target must be class numbers"):
        viz.saliency(model, x, 1.5)
    with pytest.raises(ValueError, match="smooth must be a number of samples"):
        viz.saliency(model, x, smooth=-1)
    with pytest.raises(ValueError, match=r"class scores of shape \(N, classes\)"):
        viz.saliency(nn.Sequential(nn.Conv2d(2, 1, 3)), x)  # a model that returns maps


def test_one_image_without_batch_dimension_is_one_row():
    mg.manual_seed(0)
    model = small_cnn(nn)
    x = images(1).astype(np.float32)
    np.testing.assert_array_equal(viz.saliency(model, x[0]), viz.saliency(model, x))


def test_explain_gives_six_maps_for_the_predicted_class(tmp_path):
    mg.manual_seed(0)
    model = LeNet5(activation="relu", pool="max")
    x = np.random.default_rng(0).random((1, 32, 32)).astype(np.float32)
    e = viz.explain(model, x, layer="features.c3", label=3, smooth=2)
    with mg.no_grad():
        logits = model(mg.tensor(x[None])).numpy()[0]
    assert e.target == int(logits.argmax()) and e.label == 3 and e.layer == "features.c3"
    np.testing.assert_allclose(e.probabilities.sum(), 1.0)
    assert list(e.maps) == [
        "saliency",
        "SmoothGrad",
        "Grad-CAM",
        "guided backprop",
        "deconvnet",
        "occlusion",
    ]
    assert all(m.shape == (32, 32) for m in e.maps.values())
    np.testing.assert_allclose(e.maps["saliency"], viz.saliency(model, x, e.target)[0])
    other = viz.explain(model, x, target=(e.target + 1) % 10, layer="features.c3", smooth=2)
    assert other.target == (e.target + 1) % 10
    with pytest.raises(ValueError, match="one image"):
        viz.explain(model, np.zeros((2, 1, 32, 32), np.float32), layer="features.c3")
