"""The networks added to the zoo against PyTorch builds of the same papers (torch_zoo_refs.py):
with the same weights, the same outputs, and the same gradients with respect to the input and
to every parameter (assert_module_matches_torch), in training mode (batch norm's running
statistics moving the same way too) and in evaluation mode. The full-size builds (published
counts, keys, shapes, feature-map sizes) are compared in test_models_inception.py."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e .[test])")

import torch_zoo_refs as refs  # noqa: E402
from torch_oracle import assert_module_matches_torch  # noqa: E402

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

# float64: the networks end in 1 x 1 maps, where batch norm over a batch of 2 amplifies float32
# rounding to 1e-4 of the values (measured); float64 agrees to 1e-7 of the largest
DTYPE, TORCH_DTYPE = np.float64, torch.float64


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
    mg.manual_seed(0)


def randomise_batch_norm(ours):
    """Running statistics and affine parameters away from 0 and 1, so that evaluation mode
    and the affine transform are really compared."""
    for m in ours.modules():
        if isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.running_mean, -0.2, 0.2)
            nn.init.uniform_(m.running_var, 0.5, 1.5)
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.2, 0.2)
    return ours


def torch_copy(ours, build):
    """The PyTorch reference holding our state: built on the meta device (nothing drawn),
    then given our state dict by name (strict: the same keys, or load_state_dict raises).
    The parameters share our memory (no copy of 58M weights; comparisons call the modules
    with copies), the buffers are copies (training mode updates them in place)."""
    with torch.device("meta"):
        theirs = build()
    buffers = {name for name, _ in ours.named_buffers()}
    state = {
        k: torch.from_numpy(v.numpy().copy() if k in buffers else v.numpy())
        for k, v in ours.state_dict().items()
    }
    theirs.load_state_dict(state, assign=True)
    return theirs


def compare(ours, theirs, x, what):
    """Outputs and every gradient in training mode (running statistics after), outputs in
    evaluation mode. Up to 1e-7 of the largest value: batch norm over tiny batches gives
    gradients in the thousands, whose rounding shows in their small neighbours."""
    tolerance = dict(rtol=1e-7, atol=1e-7) if x.dtype == np.float64 else {}
    assert_module_matches_torch(ours, theirs, [x], 1, mode="train", what=what, **tolerance)
    assert_module_matches_torch(ours, theirs, [x], 0, mode="eval", what=what, **tolerance)


def images(rng, shape):
    return rng.standard_normal(shape).astype(DTYPE)


@pytest.mark.parametrize("name", ["zfnet", "alexnet_paper"])
def test_eight_layer_networks_match_torch(rng, name):
    """The convolutions, both modes; the whole network in float32 (its classifier alone is
    58M weights), evaluation mode, outputs only."""
    build = {"zfnet": refs.zfnet, "alexnet_paper": refs.alexnet_paper}[name]
    ours = models.create(name, num_classes=5)
    theirs = torch_copy(ours, lambda: build(torch, num_classes=5))
    x = rng.standard_normal((2, 3, 67, 67))
    assert_module_matches_torch(ours, theirs, [x.astype(np.float32)], 0, mode="eval", what=name)
    features = ours.features.to(DTYPE), theirs.features.to(TORCH_DTYPE)
    compare(*features, x.astype(DTYPE), f"{name}.features")


def test_googlenet_bn_matches_torch(rng):
    ours = GoogLeNet(7, 3, dropout=0.0, lrn=False, batch_norm=True, branch3_kernel=3).to(DTYPE)
    randomise_batch_norm(ours)
    theirs = torch_copy(ours, lambda: refs.googlenet_bn(torch, num_classes=7, dropout=0.0))
    compare(ours, theirs, images(rng, (2, 3, 47, 47)), "googlenet_bn")


def test_bninception_matches_torch(rng):
    ours = randomise_batch_norm(models.bninception(num_classes=7).to(DTYPE))
    theirs = torch_copy(ours, lambda: refs.bninception(torch, num_classes=7))
    compare(ours, theirs, images(rng, (2, 3, 35, 35)), "bninception")


V3_BLOCKS = [  # name in the network, our block, map side (each at a grid it meets, shrunk)
    ("Mixed_5b", lambda: Inception35(192, pool_features=32), 9),
    ("Mixed_6a", lambda: GridReduction35(288), 9),
    ("Mixed_6b", lambda: Inception17(768, channels_7x7=128), 5),
    ("Mixed_7a", lambda: GridReduction17(768), 5),
    ("Mixed_7b", lambda: Inception8(1280), 3),
]


@pytest.mark.parametrize("name, build, side", V3_BLOCKS, ids=[b[0] for b in V3_BLOCKS])
def test_inception_v3_blocks_match_torch(rng, name, build, side):
    """Each kind of block (Figures 5, 10, 6, the 17 -> 8 reduction, Figure 7), taken from the
    reference network; the whole network is compared in the slow test below."""
    ours = randomise_batch_norm(build().to(DTYPE))
    theirs = torch_copy(ours, lambda: getattr(refs.inception_v3(torch, 5, aux=False), name))
    c = next(theirs.parameters()).shape[1]  # the first convolution's input channels
    compare(ours, theirs, images(rng, (2, c, side, side)), name)


@pytest.mark.slow
def test_inception_v3_without_aux_matches_torch(rng):
    ours = models.InceptionV3(num_classes=5, aux_logits=False, dropout=0.0).to(DTYPE)
    randomise_batch_norm(ours)
    theirs = torch_copy(ours, lambda: refs.inception_v3(torch, 5, aux=False, dropout=0.0))
    compare(ours, theirs, images(rng, (2, 3, 75, 75)), "inception_v3")


def test_inception_v3_auxiliary_head_matches_torch_on_the_17x17_grid(rng):
    ours = randomise_batch_norm(InceptionV3Aux(768, 5).to(DTYPE))
    theirs = torch_copy(ours, lambda: refs.inception_v3(torch, num_classes=5, aux=True).AuxLogits)
    compare(ours, theirs, images(rng, (2, 768, 17, 17)), "AuxLogits")


def test_inception_v4_with_one_block_of_each_kind_matches_torch(rng):
    ours = randomise_batch_norm(InceptionV4(5, 3, dropout=0.0, blocks=(1, 1, 1)).to(DTYPE))
    theirs = torch_copy(ours, lambda: refs.inception_v4(torch, 5, blocks=(1, 1, 1), dropout=0.0))
    compare(ours, theirs, images(rng, (2, 3, 75, 75)), "inception_v4")


@pytest.mark.parametrize("version, blocks", [(1, (1, 1, 1)), (2, (1, 1, 2))])
def test_inception_resnet_matches_torch(rng, version, blocks):
    """v2 with two C blocks: the scaled one and the release's last, unscaled, without ReLU."""
    ours = InceptionResNet(version, 5, 3, blocks=blocks, dropout=0.0).to(DTYPE)
    randomise_batch_norm(ours)
    theirs = torch_copy(ours, lambda: refs.inception_resnet(torch, version, 5, blocks, 0.0))
    compare(ours, theirs, images(rng, (2, 3, 75, 75)), f"inception_resnet_v{version}")


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, layers",
    [("resnet101", (3, 4, 23, 3)), ("densenet169", (6, 12, 32, 32))],
)
def test_deep_resnet_and_densenet_match_torch_in_float32(rng, name, layers):
    ours = models.create(name)
    build = refs.resnet_bottleneck if name.startswith("resnet") else refs.densenet
    theirs = torch_copy(ours, lambda: build(torch, layers))
    x = rng.standard_normal((2, 3, 64, 64)).astype(np.float32)
    assert_module_matches_torch(ours, theirs, [x], 0, mode="eval", rtol=1e-4, atol=1e-4, what=name)
