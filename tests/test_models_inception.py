"""The networks added to the zoo, without PyTorch: the published counts (pinned), the blocks'
counts from the papers' filter numbers, one training step each (the gradient reaches every
parameter and the loss goes down), the auxiliary heads, residual scaling, input checks, names."""

from __future__ import annotations

import numpy as np
import pytest

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


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_published_parameter_count(name):
    model = models.create(name)
    assert count(model) == PUBLISHED[name]
    assert model.num_classes == 1000 and model.in_channels == 3


def test_the_eight_layer_networks_layer_by_layer():
    """ZFNet (Figure 3) and the 2012 AlexNet (two groups on conv2, 4 and 5)."""
    zf = models.zfnet()
    convs = [m for m in zf.features if isinstance(m, nn.Conv2d)]
    assert [(c.kernel_size, c.stride) for c in convs[:2]] == [((7, 7), (2, 2)), ((5, 5), (2, 2))]
    assert [count(c) for c in convs] == [14_208, 614_656, 885_120, 1_327_488, 884_992]
    alex = models.alexnet_paper()
    convs = [m for m in alex.features if isinstance(m, nn.Conv2d)]
    assert [c.groups for c in convs] == [1, 2, 1, 2, 2]
    assert [count(c) for c in convs] == [34_944, 307_456, 885_120, 663_936, 442_624]
    # what the groups saved: conv2, 4 and 5 at full connectivity would have twice the weights
    saved = sum(c.weight.numel() for c in convs if c.groups == 2)
    assert saved == 256 * 48 * 25 + 384 * 192 * 9 + 256 * 192 * 9 == 1_413_120
    norms = [m for m in alex.features if isinstance(m, nn.LocalResponseNorm)]
    assert [(n.size, n.alpha, n.beta, n.k) for n in norms] == [(5, 5e-4, 0.75, 2.0)] * 2
    assert count(zf.classifier) == count(alex.classifier) == 58_631_144  # 256 x 6 x 6 -> 4096


def test_alexnet_paper_sizes_at_227_and_224():
    """227 gives the paper's 55 x 55 x 96 after conv1 and 6 x 6 x 256 at the end; 224 does not
    divide: (224 - 11) / 4 + 1 = 54.25."""
    s = nn.summary(models.alexnet_paper(num_classes=10), (3, 227, 227), verbose=False)
    shapes = {r.name: r.output_shape for r in s.rows}
    assert shapes["features.conv1"] == (1, 96, 55, 55)
    assert shapes["features.pool5"] == (1, 256, 6, 6)
    assert (224 - 11) / 4 + 1 == 54.25 and (227 - 11) / 4 + 1 == 55


def test_bninception_blocks_follow_figure_5():
    """Each block's count from its row of filter numbers; the outputs the filter columns give
    (608 for 4c and 4d, 1056 for 4e, where the figure's output column says 576, 576, 1024)."""
    model = models.bninception()
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


def test_googlenet_bn_differs_from_the_paper_as_torchvision_does():
    paper, bn = models.googlenet(), models.googlenet_bn()
    assert any(isinstance(m, nn.LocalResponseNorm) for m in paper.modules())
    assert not any(isinstance(m, nn.LocalResponseNorm) for m in bn.modules())
    assert bn.inception3a.branch3[1].conv.kernel_size == (3, 3)
    assert paper.inception3a.branch3[1].conv.kernel_size == (5, 5)
    assert bn.conv1.conv.bias is None and bn.conv1.bn is not None
    assert count(models.googlenet_bn(aux_logits=True)) == 13_004_888


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


def test_inception_v3_auxiliary_head():
    aux = InceptionV3Aux(768, 1000)
    assert count(aux) == 3_326_696 == 27_161_264 - 23_834_568
    model = models.inception_v3(num_classes=4)
    model.train()
    with pytest.raises(ValueError, match="auxiliary head needs images of at least 299 x 299"):
        model(mg.randn(2, 3, 150, 150))
    model.eval()
    assert model(mg.randn(1, 3, 75, 75)).shape == (1, 4)  # eval: no head, small images fine
    small = models.inception_v3(num_classes=4, aux_logits=False)
    assert small.AuxLogits is None and count(small) == count(model) - count(model.AuxLogits)


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
    v2 = InceptionResNet(2, 5, blocks=(1, 1, 2))
    scales = [(b.scale, b.use_relu) for b in v2.blocks_c]
    assert scales == [(0.2, True), (1.0, False)]
    v1 = InceptionResNet(1, 5, blocks=(1, 1, 2))
    assert [(b.scale, b.use_relu) for b in v1.blocks_c] == [(0.2, True)] * 2
    assert [b.scale for b in models.inception_resnet_v2().blocks_a][:1] == [0.17]
    assert len(models.inception_resnet_v1().blocks_b) == 10


def test_inception_v4_repeats_follow_figure_9():
    model = models.inception_v4()
    assert (len(model.inception_a), len(model.inception_b), len(model.inception_c)) == (4, 7, 3)
    assert count(InceptionV4(blocks=(0, 0, 0))) < count(model)
    v2 = InceptionV2(576, 224, 64, 96, 96, 128, "avg", 128)
    assert v2.out_channels == 576


# --- one training step each ---------------------------------------------------------------

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


@pytest.mark.parametrize("name", list(STEP_SIZES))
def test_one_training_step_reaches_every_parameter(name):
    """Forward, backward and an SGD step in training mode, on two small images: every
    parameter gets a finite gradient and the step applies it. (That the gradients are right
    is checked against PyTorch in test_models_torch_zoo.py.)"""
    mg.manual_seed(0)
    if name == "inception_v3":  # the auxiliary head needs 299 x 299: the slow test trains it
        model = models.inception_v3(num_classes=3, in_channels=2, aux_logits=False)
    else:
        model = models.create(name, num_classes=3, in_channels=2)
    model.train()
    size = STEP_SIZES[name]
    x, y = mg.randn(2, 2, size, size), mg.tensor([0, 2])
    loss = F.cross_entropy(model(x), y)
    assert loss.shape == () and np.isfinite(loss.item())
    loss.backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert missing == []
    assert all(np.isfinite(p.grad.numpy()).all() for p in model.parameters())
    k = 4096  # the first k values of each parameter (the classifiers hold millions)
    before = {n: p.numpy().ravel()[:k].copy() for n, p in model.named_parameters()}
    optim.SGD(model.parameters(), lr=1e-3).step()
    for n, p in model.named_parameters():  # each moved by -lr * its gradient
        expected = before[n] - 1e-3 * p.grad.numpy().ravel()[:k]
        np.testing.assert_allclose(p.numpy().ravel()[:k], expected, rtol=1e-6, err_msg=n)
    assert any(
        not np.array_equal(p.numpy().ravel()[:k], before[n]) for n, p in model.named_parameters()
    )


@pytest.mark.parametrize("name", ["zfnet", "alexnet_paper", "bninception", "inception_v4",
                                  "inception_resnet_v1", "inception_resnet_v2"])  # fmt: skip
def test_too_small_inputs_get_a_clear_error(name):
    model = models.create(name, num_classes=3)
    size = model.min_size
    with pytest.raises(
        ValueError, match=rf"{size - 1} x {size - 1} are too small.*at least {size}"
    ):
        model(mg.zeros(1, 3, size - 1, size - 1))
    with pytest.raises(ValueError, match="input has 4 channels, expected 3"):
        model(mg.zeros(1, 4, size, size))


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
