"""The networks added to the zoo, each built once at full size: the published counts (pinned),
the papers' layouts and feature-map sizes, and, where PyTorch is installed, the same keys and
shapes as a PyTorch build of the paper (torch_zoo_refs.py); each built once small for a
training step (the gradient reaches every parameter, the step applies it) and the input
checks; the blocks' counts from the papers' filter numbers, residual scaling, names.
Outputs and gradients against PyTorch are compared in test_models_torch_zoo.py.

The full-size networks are built with nn.utils.skip_init: counts, layouts and shapes do not
depend on the weights' values, and drawing 60M of them (ZFNet) takes a second. The `full_size`
and `small` fixtures build each network once per module; pytest runs the tests that share a
build together and frees it before the next. Tests that only read a build share it; the
training step, which changes its build, starts from set_to_none gradients and checks only
what it did itself.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch_zoo_refs as refs

import minigrad as mg
import minigrad.functional as F
from minigrad import models, nn, optim
from minigrad.cli import main
from minigrad.models.bninception import BN_INCEPTION_CONFIGS, InceptionV2
from minigrad.models.inception_resnet import InceptionResNet, block_a
from minigrad.models.inception_v3 import Inception17, InceptionV3Aux
from minigrad.models.inception_v4 import InceptionV4


def count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


PUBLISHED = {  # 1000 classes
    "zfnet": 62_357_608,
    "alexnet_paper": 60_965_224,
    "googlenet_bn": 6_624_904,
    "bninception": 11_295_240,
    "inception_v3": 27_161_264,
    "inception_v4": 42_679_816,
    "inception_resnet_v1": 22_756_328,
    "inception_resnet_v2": 55_843_464,
    "resnet101": 44_549_160,
    "resnet152": 60_192_808,
    "densenet169": 14_149_480,
    "densenet201": 20_013_928,
}


@pytest.fixture(scope="module")
def full_size(request):
    """(name, the network as published: 1000 classes, 3 input channels), weights not drawn."""
    return request.param, nn.utils.skip_init(models.create, request.param)


@pytest.fixture(scope="module")
def small(request):
    """(name, the network with 3 classes and 2 input channels), built once; Inception v3
    without its auxiliary head, which needs 299 x 299 (the slow test trains it)."""
    name = request.param
    mg.manual_seed(0)
    if name == "inception_v3":
        return name, models.inception_v3(num_classes=3, in_channels=2, aux_logits=False)
    return name, models.create(name, num_classes=3, in_channels=2)


def built(fixture, *names, slow=()):
    """Parametrize a test with the networks `names` from `fixture` (those in `slow` kept out
    of the default run)."""
    params = [pytest.param(n, marks=pytest.mark.slow) if n in slow else n for n in names]
    return pytest.mark.parametrize(fixture, params, indirect=True)


# --- the full-size networks -----------------------------------------------------------------


@built("full_size", *PUBLISHED)
def test_published_parameter_count(full_size):
    name, model = full_size
    assert count(model) == PUBLISHED[name]
    assert model.num_classes == 1000 and model.in_channels == 3


@built("full_size", "zfnet")
def test_zfnet_layer_by_layer(full_size):
    """Figure 3: 7x7/2 and 5x5/2 where AlexNet has 11x11/4 and 5x5/1."""
    _, zf = full_size
    convs = [m for m in zf.features if isinstance(m, nn.Conv2d)]
    assert [(c.kernel_size, c.stride) for c in convs[:2]] == [((7, 7), (2, 2)), ((5, 5), (2, 2))]
    assert [count(c) for c in convs] == [14_208, 614_656, 885_120, 1_327_488, 884_992]
    assert count(zf.classifier) == 58_631_144  # 256 x 6 x 6 -> 4096 -> 4096 -> 1000


@built("full_size", "alexnet_paper")
def test_alexnet_paper_layer_by_layer(full_size):
    """The 2012 AlexNet: two groups on conv2, 4 and 5, local response normalisation; 227 x 227
    gives whole numbers where 224 does not: (224 - 11) / 4 + 1 = 54.25."""
    _, alex = full_size
    convs = [m for m in alex.features if isinstance(m, nn.Conv2d)]
    assert [c.groups for c in convs] == [1, 2, 1, 2, 2]
    assert [count(c) for c in convs] == [34_944, 307_456, 885_120, 663_936, 442_624]
    # what the groups saved: conv2, 4 and 5 at full connectivity would have twice the weights
    saved = sum(c.weight.numel() for c in convs if c.groups == 2)
    assert saved == 256 * 48 * 25 + 384 * 192 * 9 + 256 * 192 * 9 == 1_413_120
    norms = [m for m in alex.features if isinstance(m, nn.LocalResponseNorm)]
    assert [(n.size, n.alpha, n.beta, n.k) for n in norms] == [(5, 5e-4, 0.75, 2.0)] * 2
    assert count(alex.classifier) == 58_631_144  # the same classifier as ZFNet's
    assert (224 - 11) / 4 + 1 == 54.25 and (227 - 11) / 4 + 1 == 55


@built("full_size", "bninception")
def test_bninception_blocks_follow_figure_5(full_size):
    """Each block's count from its row of filter numbers; the outputs the filter columns give
    (608 for 4c and 4d, 1056 for 4e, where the figure's output column says 576, 576, 1024)."""
    _, model = full_size
    for name, (c, n1, r3, n3, rd, nd, _, proj, _) in BN_INCEPTION_CONFIGS.items():
        block = getattr(model, name)

        def unit(ci, co, k):  # conv with bias + batch norm (2 per channel)
            return co * (ci * k * k + 1) + 2 * co

        expected = (unit(c, n1, 1) if n1 else 0) + unit(c, r3, 1) + unit(r3, n3, 3)
        expected += unit(c, rd, 1) + unit(rd, nd, 3) + unit(nd, nd, 3)
        expected += unit(c, proj, 1) if proj else 0
        assert count(block) == expected, name
        assert block.out_channels == n1 + n3 + nd + (proj or c), name
    outs = {name: getattr(model, name).out_channels for name in BN_INCEPTION_CONFIGS}
    assert (outs["inception4c"], outs["inception4d"], outs["inception4e"]) == (608, 608, 1056)
    assert not any(isinstance(m, (nn.Dropout, nn.LocalResponseNorm)) for m in model.modules())


@built("full_size", "googlenet_bn")
def test_googlenet_bn_differs_from_the_paper_as_torchvision_does(full_size):
    _, bn = full_size
    paper = nn.utils.skip_init(models.googlenet)
    assert any(isinstance(m, nn.LocalResponseNorm) for m in paper.modules())
    assert not any(isinstance(m, nn.LocalResponseNorm) for m in bn.modules())
    assert bn.inception3a.branch3[1].conv.kernel_size == (3, 3)
    assert paper.inception3a.branch3[1].conv.kernel_size == (5, 5)
    assert bn.conv1.conv.bias is None and bn.conv1.bn is not None
    assert count(nn.utils.skip_init(models.googlenet_bn, aux_logits=True)) == 13_004_888


@built("full_size", "inception_v3")
def test_inception_v3_auxiliary_head(full_size):
    _, model = full_size
    aux = nn.utils.skip_init(InceptionV3Aux, 768, 1000)
    assert count(aux) == count(model.AuxLogits) == 3_326_696 == 27_161_264 - 23_834_568
    try:
        model.train()
        with pytest.raises(ValueError, match="auxiliary head needs images of at least 299 x 299"):
            model(mg.randn(2, 3, 150, 150))
        model.eval()
        with mg.no_grad():  # eval: no head, small images fine
            assert model(mg.randn(1, 3, 75, 75)).shape == (1, 1000)
    finally:
        model.train()
    without = nn.utils.skip_init(models.inception_v3, aux_logits=False)
    assert without.AuxLogits is None and count(without) == count(model) - count(model.AuxLogits)


@built("full_size", "inception_v4")
def test_inception_v4_repeats_follow_figure_9(full_size):
    _, model = full_size
    assert (len(model.inception_a), len(model.inception_b), len(model.inception_c)) == (4, 7, 3)
    assert count(nn.utils.skip_init(InceptionV4, blocks=(0, 0, 0))) < count(model)
    v2 = InceptionV2(576, 224, 64, 96, 96, 128, "avg", 128)
    assert v2.out_channels == 576


@built("full_size", "inception_resnet_v1", "inception_resnet_v2")
def test_inception_resnet_repeats_scales_and_v2_ends_without_relu(full_size):
    """Figures 14 and 15 (5 / 10 / 5 blocks; v2 as released: 10 / 20 / 10), the branches
    scaled by 0.17, 0.10, 0.20; v2's last block unscaled and without ReLU."""
    name, model = full_size
    if name == "inception_resnet_v1":
        assert (len(model.blocks_a), len(model.blocks_b), len(model.blocks_c)) == (5, 10, 5)
        assert [(b.scale, b.use_relu) for b in model.blocks_c] == [(0.2, True)] * 5
    else:
        assert (len(model.blocks_a), len(model.blocks_b), len(model.blocks_c)) == (10, 20, 10)
        expected = [(0.2, True)] * 9 + [(1.0, False)]
        assert [(b.scale, b.use_relu) for b in model.blocks_c] == expected
    assert {b.scale for b in model.blocks_a} == {0.17} and {b.scale for b in model.blocks_b} == {
        0.1
    }


# the papers' tables (channels, side) after the named stage, at the design input
PAPER_SHAPES = {
    "zfnet": (224, {"features.conv1": (96, 110), "features.pool1": (96, 55),
                    "features.conv2": (256, 26), "features.pool2": (256, 13),
                    "features.conv5": (256, 13), "features.pool5": (256, 6)}),
    "alexnet_paper": (227, {"features.conv1": (96, 55), "features.pool1": (96, 27),
                            "features.conv2": (256, 27), "features.pool2": (256, 13),
                            "features.conv4": (384, 13), "features.pool5": (256, 6)}),
    "googlenet_bn": (224, {"conv1": (64, 112), "maxpool1": (64, 56), "maxpool2": (192, 28),
                           "inception3b": (480, 28), "inception4e": (832, 14),
                           "inception5b": (1024, 7)}),
    "bninception": (224, {"conv1": (64, 112), "pool1": (64, 56), "pool2": (192, 28),
                          "inception3b": (320, 28), "inception3c": (576, 14),
                          "inception4d": (608, 14), "inception4e": (1056, 7),
                          "inception5b": (1024, 7)}),
    "inception_v3": (299, {"Conv2d_1a_3x3": (32, 149), "Conv2d_2a_3x3": (32, 147),
                           "Conv2d_2b_3x3": (64, 147), "maxpool1": (64, 73),
                           "Conv2d_4a_3x3": (192, 71), "Mixed_5d": (288, 35),
                           "Mixed_6e": (768, 17), "Mixed_7c": (2048, 8)}),
    "inception_v4": (299, {"stem.conv1": (32, 149), "stem.conv3": (64, 147),
                           "stem.mixed_3a": (160, 73), "stem.mixed_4a": (192, 71),
                           "stem": (384, 35), "inception_a": (384, 35),
                           "reduction_a": (1024, 17), "inception_b": (1024, 17),
                           "reduction_b": (1536, 8), "inception_c": (1536, 8)}),
    "inception_resnet_v1": (299, {"stem": (256, 35), "blocks_a": (256, 35),
                                  "reduction_a": (896, 17), "reduction_b": (1792, 8),
                                  "blocks_c": (1792, 8)}),
    "inception_resnet_v2": (299, {"stem": (320, 35), "reduction_a": (1088, 17),
                                  "reduction_b": (2080, 8), "head": (1536, 8)}),
}  # fmt: skip
EXPENSIVE = ("inception_v3", "inception_v4", "inception_resnet_v1", "inception_resnet_v2")


@built("full_size", *PAPER_SHAPES, slow=EXPENSIVE)  # the others' forward pass takes < 1 s
def test_our_feature_map_sizes_at_the_papers_input(full_size):
    name, model = full_size
    size, table = PAPER_SHAPES[name]
    summary = nn.summary(model, (3, size, size), verbose=False)
    shapes = {r.name: r.output_shape for r in summary.rows}
    for stage, (c, side) in table.items():
        assert shapes[stage] == (1, c, side, side), (name, stage)


REFERENCES = {  # the PyTorch reference builder of each network (torch_zoo_refs.py)
    "zfnet": refs.zfnet,
    "alexnet_paper": refs.alexnet_paper,
    "googlenet_bn": refs.googlenet_bn,
    "bninception": refs.bninception,
    "inception_v3": refs.inception_v3,
    "inception_v4": refs.inception_v4,
    "inception_resnet_v1": lambda torch: refs.inception_resnet(torch, 1),
    "inception_resnet_v2": lambda torch: refs.inception_resnet(torch, 2),
    "resnet101": lambda torch: refs.resnet_bottleneck(torch, (3, 4, 23, 3)),
    "resnet152": lambda torch: refs.resnet_bottleneck(torch, (3, 8, 36, 3)),
    "densenet169": lambda torch: refs.densenet(torch, (6, 12, 32, 32)),
    "densenet201": lambda torch: refs.densenet(torch, (6, 12, 48, 32)),
}
SMALL_SIZES = {  # an input at which every layer's output is compared with the reference's
    "inception_v3": 107,
    "inception_v4": 99,
    "inception_resnet_v1": 83,
    "inception_resnet_v2": 91,
}


def torch_shapes(torch, module, x) -> dict:
    """The output shape of every named module of a torch network, in eval mode.

    Batch norm and ReLU keep the shape; on the meta device PyTorch computes them with Python
    code (their decompositions, 60-90% of the walk), so here they pass their input through."""
    shapes, handles = {}, []

    def recorder(name):
        def hook(module, inputs, output):
            shapes.setdefault(name, tuple(output.shape))

        return hook

    for name, m in module.named_modules():
        if name:
            handles.append(m.register_forward_hook(recorder(name)))
        if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.ReLU)):
            m.forward = lambda x: x
    module.eval()
    with torch.no_grad():
        module(x)
    for h in handles:
        h.remove()
    return shapes


@built("full_size", *REFERENCES)
def test_the_torch_build_agrees_at_full_size(torch, full_size):
    """The reference built on PyTorch's meta device (shapes without values): the published
    count, our state-dict keys and shapes, the paper's feature-map sizes at the paper's input,
    and every layer of ours the reference's output shape at a small input."""
    name, ours = full_size
    with torch.device("meta"):
        theirs = REFERENCES[name](torch)
    assert sum(p.numel() for p in theirs.parameters()) == PUBLISHED[name]
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()
    }
    if name in PAPER_SHAPES:
        size, table = PAPER_SHAPES[name]
        shapes = torch_shapes(torch, theirs, torch.zeros(1, 3, size, size, device="meta"))
        for stage, (c, side) in table.items():
            assert shapes[stage] == (1, c, side, side), (name, stage)
    if name in SMALL_SIZES:
        size = SMALL_SIZES[name]
        expected = torch_shapes(torch, theirs, torch.zeros(1, 3, size, size, device="meta"))
        rows = nn.summary(ours, (3, size, size), verbose=False).rows
        got = {r.name: r.output_shape for r in rows}
        common = set(got) & set(expected)
        assert len(common) > 0.8 * len(expected)
        assert {k: got[k] for k in common} == {k: expected[k] for k in common}


# --- blocks ------------------------------------------------------------------------------------


def test_factorised_7x7_costs_two_sevenths():
    """Figure 6: 1x7 then 7x1 sees a 7x7 window with 14 instead of 49 weights per pair."""
    block = Inception17(768, channels_7x7=128)
    assert block.branch7x7_2.conv.weight.shape == (128, 128, 1, 7)
    assert block.branch7x7_3.conv.weight.shape == (192, 128, 7, 1)
    x = mg.randn(1, 128, 17, 17, requires_grad=True)
    y = block.branch7x7_3.conv(block.branch7x7_2.conv(x))  # the two convolutions alone
    y[0, 0, 8, 8].backward()
    seen = np.argwhere(np.abs(x.grad.numpy()).sum(1)[0] > 0)
    assert (seen.max(0) - seen.min(0) + 1).tolist() == [7, 7]


@pytest.mark.slow
def test_inception_v3_trains_with_its_auxiliary_head_at_299():
    mg.manual_seed(0)
    model = models.inception_v3(num_classes=4)
    out = model(mg.randn(2, 3, 299, 299))
    assert isinstance(out, models.InceptionV3Outputs)
    assert out.logits.shape == out.aux.shape == (2, 4)
    y = mg.tensor([1, 3])
    (F.cross_entropy(out.logits, y) + 0.3 * F.cross_entropy(out.aux, y)).backward()
    assert [n for n, p in model.named_parameters() if p.grad is None] == []


def test_residual_block_scales_its_branch_and_v2_ends_without_relu():
    block = block_a(16, (32, 48, 64), scale=0.17).double().eval()
    x = mg.tensor(np.random.default_rng(0).standard_normal((2, 16, 5, 5)), dtype=mg.float64)
    residual = block.project(block.branches(x))
    np.testing.assert_allclose(block(x).numpy(), np.maximum(x.numpy() + 0.17 * residual.numpy(), 0))
    assert block.project.bias is not None and block.project.kernel_size == (1, 1)
    v2 = nn.utils.skip_init(InceptionResNet, 2, 5, blocks=(1, 1, 2))  # the last C block: v2's
    assert [(b.scale, b.use_relu) for b in v2.blocks_c] == [(0.2, True), (1.0, False)]
    v1 = nn.utils.skip_init(InceptionResNet, 1, 5, blocks=(1, 1, 2))
    assert [(b.scale, b.use_relu) for b in v1.blocks_c] == [(0.2, True)] * 2


# --- one training step each, and the input checks --------------------------------------------

STEP_SIZES = {  # the input side for one training step (the smallest accepted, or a bit more)
    "zfnet": 63,
    "alexnet_paper": 67,
    "googlenet_bn": 47,
    "bninception": 32,
    "inception_v3": 75,
    "inception_v4": 75,
    "inception_resnet_v1": 75,
    "inception_resnet_v2": 75,
    "resnet101": 64,  # 64: the last stage sees 2 x 2 maps (1 x 1 at batch 2 is ill-conditioned)
    "resnet152": 64,
    "densenet169": 64,  # likewise: the last dense block sees 2 x 2 maps
    "densenet201": 64,
}


# Kept for make test-slow: deeper copies of the blocks the default run trains (ResNet-50's and
# DenseNet-121's in test_models_zoo.py) and the two 8-layer networks whose gradients
# test_models_torch_zoo.py compares with PyTorch's. Without them the default run executes
# the same lines of minigrad (measured with coverage.py) in about 5 s less.
DEEPER_COPIES = ("zfnet", "alexnet_paper", "resnet101", "resnet152", "densenet169", "densenet201")


@built("small", *STEP_SIZES, slow=DEEPER_COPIES)
def test_one_training_step_reaches_every_parameter(small):
    """Forward, backward and an SGD step in training mode, on two small images: every
    parameter gets a finite gradient and the step applies it. (That the gradients are right
    is checked against PyTorch in test_models_torch_zoo.py.)"""
    name, model = small
    mg.manual_seed(0)
    model.train()
    model.zero_grad()  # set to None: a gradient seen below comes from this step
    size = STEP_SIZES[name]
    x, y = mg.randn(2, 2, size, size), mg.tensor([0, 2])
    loss = F.cross_entropy(model(x), y)
    assert loss.shape == () and np.isfinite(loss.item())
    loss.backward()
    params = dict(model.named_parameters())
    missing = [n for n, p in params.items() if p.grad is None]
    assert missing == []
    assert all(np.isfinite(p.grad.numpy()).all() for p in params.values())
    k = 4096  # the first k values of each parameter (the classifiers hold millions)
    before = {n: p.numpy().ravel()[:k].copy() for n, p in params.items()}
    optim.SGD(model.parameters(), lr=1e-3).step()
    # each moved by -lr * its gradient: all compared at once (700 parameters in the deepest
    # networks), then one by one only to name the first that did not
    moved = np.concatenate([p.numpy().ravel()[:k] for p in params.values()])
    expected = {n: before[n] - 1e-3 * p.grad.numpy().ravel()[:k] for n, p in params.items()}
    if not np.allclose(moved, np.concatenate(list(expected.values())), rtol=1e-6, atol=0.0):
        for n, p in params.items():
            np.testing.assert_allclose(p.numpy().ravel()[:k], expected[n], rtol=1e-6, err_msg=n)
        raise AssertionError("the step moved the parameters by other than -lr * gradient")
    assert any(not np.array_equal(p.numpy().ravel()[:k], before[n]) for n, p in params.items())
    model.zero_grad()


@built("small", "zfnet", "alexnet_paper", "bninception", "inception_v4",
       "inception_resnet_v1", "inception_resnet_v2")  # fmt: skip
def test_too_small_inputs_get_a_clear_error(small):
    _, model = small
    size, c = model.min_size, model.in_channels
    with pytest.raises(
        ValueError, match=rf"{size - 1} x {size - 1} are too small.*at least {size}"
    ):
        model(mg.zeros(1, c, size - 1, size - 1))
    with pytest.raises(ValueError, match=f"input has {c + 1} channels, expected {c}"):
        model(mg.zeros(1, c + 1, size, size))


# --- one set of names ------------------------------------------------------------------------


def test_every_name_builds_and_aliases_resolve():
    assert models.resolve_name("lenet") == models.resolve_name("lenet5") == "lenet5"
    assert models.resolve_name("Inception-V3") == "inception_v3"
    assert set(PUBLISHED) <= set(models.NAMES)
    assert models.create("lenet").num_classes == 10
    with pytest.raises(
        ValueError, match=r"unknown model 'incepton_v3' \(did you mean 'inception_v3'"
    ):
        models.create("incepton_v3")
    with pytest.raises(ValueError, match="unknown model 'xyz'; the models are: lenet5, "):
        models.default_input_shape("xyz")
    assert models.default_input_shape("inception_v4") == (3, 299, 299)
    assert models.default_input_shape("alexnet_paper", in_channels=1) == (1, 227, 227)


def test_lenet_and_lenet5_in_every_command(capsys):
    assert main(["summary", "lenet"]) == 0
    assert "Total params: 61,706" in capsys.readouterr().out
    assert main(["summary", "lenet5", "--depth", "1"]) == 0
    capsys.readouterr()
    from minigrad.cli import build_parser

    parser = build_parser()
    for command in ("train", "graph"):
        for name in ("lenet", "lenet5"):
            assert parser.parse_args([command, name]).model == name
        with pytest.raises(SystemExit):
            main([command, "lenet6"])
        assert "choose from 'lenet', 'lenet5'" in capsys.readouterr().err
    with pytest.raises(SystemExit, match=r"unknown model 'lenet6' \(did you mean 'lenet'"):
        main(["summary", "lenet6"])
