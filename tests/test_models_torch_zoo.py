"""The networks added to the zoo against PyTorch builds of the same papers (torch_zoo_refs.py):
the same parameter count at full size (the tables' numbers), the same state-dict keys and shapes,
the same feature-map sizes, and, after copying the weights, the same outputs and gradients."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e .[test])")

import torch_zoo_refs as refs  # noqa: E402

import minigrad as mg  # noqa: E402
from minigrad import models, nn  # noqa: E402
from minigrad.models.googlenet import GoogLeNet  # noqa: E402
from minigrad.models.inception_resnet import InceptionResNet  # noqa: E402
from minigrad.models.inception_v3 import (  # noqa: E402
    GridReduction17,
    GridReduction35,
    Inception8,
    Inception17,
    Inception35,
    InceptionV3Aux,
)
from minigrad.models.inception_v4 import InceptionV4  # noqa: E402

# name: (the published count for 1000 classes, the PyTorch reference builder)
REFERENCES = {
    "zfnet": (62_357_608, lambda: refs.zfnet(torch)),
    "alexnet_paper": (60_965_224, lambda: refs.alexnet_paper(torch)),
    "googlenet_bn": (6_624_904, lambda: refs.googlenet_bn(torch)),
    "bninception": (11_295_240, lambda: refs.bninception(torch)),
    "inception_v3": (27_161_264, lambda: refs.inception_v3(torch)),
    "inception_v4": (42_679_816, lambda: refs.inception_v4(torch)),
    "inception_resnet_v1": (22_756_328, lambda: refs.inception_resnet(torch, 1)),
    "inception_resnet_v2": (55_843_464, lambda: refs.inception_resnet(torch, 2)),
    "resnet101": (44_549_160, lambda: refs.resnet_bottleneck(torch, (3, 4, 23, 3))),
    "resnet152": (60_192_808, lambda: refs.resnet_bottleneck(torch, (3, 8, 36, 3))),
    "densenet169": (14_149_480, lambda: refs.densenet(torch, (6, 12, 32, 32))),
    "densenet201": (20_013_928, lambda: refs.densenet(torch, (6, 12, 48, 32))),
}


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
    mg.manual_seed(0)


def shapes_of_state(module) -> dict:
    return {k: tuple(v.shape) for k, v in module.state_dict().items()}


# --- outputs and gradients after copying the weights -----------------------------------------


def copy_weights(ours, theirs):
    state = {k: v.detach().cpu().numpy() for k, v in theirs.state_dict().items()}
    result = ours.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    return ours


def randomise_batch_norm(theirs):
    """Running statistics and affine parameters away from 0 and 1, so that eval mode and the
    affine transform are really compared."""
    with torch.no_grad():
        for m in theirs.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)


def close(ours, theirs, rtol, what=""):
    """Equal up to rtol of each value, or of the largest value (batch norm over tiny batches
    gives gradients in the hundreds, whose rounding shows in their small neighbours; a bias
    before batch norm gets a gradient of exactly 0 plus rounding)."""
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    scale = max(float(np.abs(theirs).max()) if theirs.size else 0.0, 1.0)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * scale, err_msg=what)


def compare(ours, theirs, x, modes=("train", "eval"), rtol=1e-7):
    """Outputs in each mode; in train mode also the input gradient and every parameter
    gradient, for the loss sum(output * w) with a random w, and the running statistics batch
    norm updated. A pair (logits, aux) is compared as such, with the loss logits + 0.3 aux."""
    rng = np.random.default_rng(7)
    dtype = mg.float64 if x.dtype == np.float64 else mg.float32
    for mode in modes:
        getattr(ours, mode)()
        getattr(theirs, mode)()
        ours.zero_grad()
        theirs.zero_grad()
        xm = mg.tensor(x, dtype=dtype, requires_grad=True)
        xt = torch.tensor(x, requires_grad=True)
        ym, yt = ours(xm), theirs(xt)
        pairs = list(zip(ym, yt)) if isinstance(yt, tuple) else [(ym, yt)]
        lm, lt = 0.0, 0.0
        for k, (a, b) in enumerate(pairs):
            close(a.numpy(), b, rtol, f"output {k} in {mode} mode")
            w = rng.standard_normal(a.shape).astype(x.dtype)
            factor = 1.0 if k == 0 else 0.3
            lm = lm + factor * (a * mg.tensor(w, dtype=dtype)).sum()
            lt = lt + factor * (b * torch.tensor(w)).sum()
        if mode == "eval":  # eval mode's backward differs only in batch norm's constants
            continue
        lm.backward()
        lt.backward()
        close(xm.grad.numpy(), xt.grad, rtol, f"input gradient in {mode} mode")
        tp = dict(theirs.named_parameters())
        assert sorted(n for n, _ in ours.named_parameters()) == sorted(tp)
        for name, p in ours.named_parameters():
            close(p.grad.numpy(), tp[name].grad, rtol, f"{name} in {mode} mode")
        tb = dict(theirs.named_buffers())
        for name, b in ours.named_buffers():
            close(b.numpy(), tb[name], rtol, f"buffer {name}")


@pytest.mark.parametrize("name", ["zfnet", "alexnet_paper"])
def test_eight_layer_networks_match_torch(rng, name):
    """The convolutions in float64, both modes; the whole network in float32 (its classifier
    alone is 58M weights), eval mode, forward only."""
    build = {"zfnet": refs.zfnet, "alexnet_paper": refs.alexnet_paper}[name]
    theirs = build(torch, num_classes=5)
    ours = copy_weights(models.create(name, num_classes=5), theirs)
    x = rng.standard_normal((2, 3, 67, 67))
    compare(ours.features.double(), theirs.features.double(), x)
    ours.float().eval()
    theirs.float().eval()
    with torch.no_grad():
        expected = theirs(torch.tensor(x, dtype=torch.float32))
    with mg.no_grad():
        close(ours(mg.tensor(x, dtype=mg.float32)).numpy(), expected, 1e-4)


def test_googlenet_bn_matches_torch_in_float64(rng):
    theirs = refs.googlenet_bn(torch, num_classes=7, dropout=0.0).double()
    randomise_batch_norm(theirs)
    ours = GoogLeNet(7, 3, dropout=0.0, lrn=False, batch_norm=True, branch3_kernel=3).double()
    copy_weights(ours, theirs)
    compare(ours, theirs, rng.standard_normal((2, 3, 47, 47)))


def test_bninception_matches_torch_in_float64(rng):
    theirs = refs.bninception(torch, num_classes=7).double()
    randomise_batch_norm(theirs)
    ours = copy_weights(models.bninception(num_classes=7).double(), theirs)
    compare(ours, theirs, rng.standard_normal((2, 3, 35, 35)))


V3_BLOCKS = [  # name in the network, our block, map side (each at a grid it meets, shrunk)
    ("Mixed_5b", lambda: Inception35(192, pool_features=32), 9),
    ("Mixed_6a", lambda: GridReduction35(288), 9),
    ("Mixed_6b", lambda: Inception17(768, channels_7x7=128), 5),
    ("Mixed_7a", lambda: GridReduction17(768), 5),
    ("Mixed_7b", lambda: Inception8(1280), 3),
]


@pytest.mark.parametrize("name, build, side", V3_BLOCKS, ids=[b[0] for b in V3_BLOCKS])
def test_inception_v3_blocks_match_torch_in_float64(rng, name, build, side):
    """Each kind of block (Figures 5, 10, 6, the 17 -> 8 reduction, Figure 7), taken from the
    reference network; the whole network is compared in the slow test below."""
    theirs = getattr(refs.inception_v3(torch, num_classes=5, aux=False), name).double()
    randomise_batch_norm(theirs)
    ours = copy_weights(build().double(), theirs)
    c = next(theirs.parameters()).shape[1]  # the first convolution's input channels
    compare(ours, theirs, rng.standard_normal((2, c, side, side)))


@pytest.mark.slow
def test_inception_v3_without_aux_matches_torch_in_float64(rng):
    theirs = refs.inception_v3(torch, num_classes=5, aux=False, dropout=0.0).double()
    randomise_batch_norm(theirs)
    ours = models.InceptionV3(num_classes=5, aux_logits=False, dropout=0.0).double()
    copy_weights(ours, theirs)
    compare(ours, theirs, rng.standard_normal((2, 3, 75, 75)))


def test_inception_v3_auxiliary_head_matches_torch_on_the_17x17_grid(rng):
    theirs = refs.inception_v3(torch, num_classes=5, aux=True).AuxLogits.double()
    randomise_batch_norm(theirs)
    ours = copy_weights(InceptionV3Aux(768, 5).double(), theirs)
    compare(ours, theirs, rng.standard_normal((2, 768, 17, 17)))


def test_inception_v4_with_one_block_of_each_kind_matches_torch(rng):
    theirs = refs.inception_v4(torch, num_classes=5, blocks=(1, 1, 1), dropout=0.0).double()
    randomise_batch_norm(theirs)
    ours = copy_weights(InceptionV4(5, 3, dropout=0.0, blocks=(1, 1, 1)).double(), theirs)
    compare(ours, theirs, rng.standard_normal((2, 3, 75, 75)))


@pytest.mark.parametrize("version, blocks", [(1, (1, 1, 1)), (2, (1, 1, 2))])
def test_inception_resnet_matches_torch(rng, version, blocks):
    """v2 with two C blocks: the scaled one and the release's last, unscaled, without ReLU."""
    theirs = refs.inception_resnet(torch, version, 5, blocks, dropout=0.0).double()
    randomise_batch_norm(theirs)
    ours = InceptionResNet(version, 5, 3, blocks=blocks, dropout=0.0).double()
    copy_weights(ours, theirs)
    compare(ours, theirs, rng.standard_normal((2, 3, 75, 75)))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["resnet101", "densenet169"])
def test_deep_resnet_and_densenet_match_torch_in_float32(rng, name):
    theirs = REFERENCES[name][1]()
    ours = copy_weights(models.create(name), theirs)
    x = rng.standard_normal((2, 3, 64, 64)).astype(np.float32)
    compare(ours, theirs, x, modes=("eval",), rtol=1e-4)


# --- feature-map sizes at the paper's input ------------------------------------------------

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
CHEAP = ("zfnet", "alexnet_paper", "googlenet_bn", "bninception")  # a forward pass < 1 s


def torch_shapes(module, x) -> dict:
    """The output shape of every named module of a torch network, in eval mode."""
    shapes, handles = {}, []

    def recorder(name):
        def hook(module, inputs, output):
            shapes.setdefault(name, tuple(output.shape))

        return hook

    for name, m in module.named_modules():
        if name:
            handles.append(m.register_forward_hook(recorder(name)))
    module.eval()
    with torch.no_grad():
        module(x)
    for h in handles:
        h.remove()
    return shapes


def our_shapes(name, size, num_classes=1000):
    model = models.create(name, num_classes=num_classes)
    return {r.name: r.output_shape for r in nn.summary(model, (3, size, size), verbose=False).rows}


@pytest.mark.parametrize(
    "name",
    [n if n in CHEAP else pytest.param(n, marks=pytest.mark.slow) for n in PAPER_SHAPES],
)
def test_our_feature_map_sizes_at_the_papers_input(name):
    size, table = PAPER_SHAPES[name]
    shapes = our_shapes(name, size)
    for stage, (c, side) in table.items():
        assert shapes[stage] == (1, c, side, side), (name, stage)


SMALL_SIZES = {  # an input at which every layer's output is compared with the reference's
    "inception_v3": 107,
    "inception_v4": 99,
    "inception_resnet_v1": 83,
    "inception_resnet_v2": 91,
}


@pytest.mark.parametrize("name", list(REFERENCES))
def test_the_torch_build_agrees_at_full_size(name):
    """Both networks built once, at full size with 1000 classes: the published count, the
    same state-dict keys and shapes; the reference gives the paper's feature-map sizes at the
    paper's input, and every layer of ours the reference's output shape at a small input."""
    published, build = REFERENCES[name]
    with torch.device("meta"):  # shapes without values: no memory, no initialisation time
        theirs = build()
    ours = models.create(name)
    assert sum(p.numel() for p in theirs.parameters()) == published
    assert sum(p.numel() for p in ours.parameters()) == published
    assert shapes_of_state(ours) == shapes_of_state(theirs)
    if name in PAPER_SHAPES:
        size, table = PAPER_SHAPES[name]
        shapes = torch_shapes(theirs, torch.zeros(1, 3, size, size, device="meta"))
        for stage, (c, side) in table.items():
            assert shapes[stage] == (1, c, side, side), (name, stage)
    if name in SMALL_SIZES:
        size = SMALL_SIZES[name]
        expected = torch_shapes(theirs, torch.zeros(1, 3, size, size, device="meta"))
        rows = nn.summary(ours, (3, size, size), verbose=False).rows
        got = {r.name: r.output_shape for r in rows}
        common = set(got) & set(expected)
        assert len(common) > 0.8 * len(expected)
        assert {k: got[k] for k in common} == {k: expected[k] for k in common}
