"""mg.models against PyTorch: reference modules written here with PyTorch's (torchvision's) names,
their state_dict loaded into the minigrad model by name, then the same outputs and gradients
with respect to the input and to every parameter, and the same running statistics after a
training-mode pass (assert_module_matches_torch, tests/torch_oracle.py).

torchvision is not used (nor needed): each reference network is spelled out below.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
from torch_oracle import assert_matches_torch, assert_module_matches_torch

from minigrad import models, nn
from minigrad.models import LeNet5
from minigrad.models.densenet import DenseNet
from minigrad.models.googlenet import Inception, LocalResponseNorm
from minigrad.models.vgg import CONFIGS, VGG

# --- helpers --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _seeded(torch):
    """Every test here needs torch; its random initial weights are made repeatable."""
    torch.manual_seed(0)


def load_torch_weights(ours, theirs):
    """What a learner does: PyTorch's state_dict, as arrays, into the minigrad model by name
    (the same names, in the same order)."""
    assert list(ours.state_dict()) == list(theirs.state_dict())
    state = {k: v.detach().cpu().numpy() for k, v in theirs.state_dict().items()}
    result = ours.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    return ours


def randomise_batch_norm(torch, theirs):
    """Running statistics and affine parameters away from 0 and 1."""
    with torch.no_grad():
        for m in theirs.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


# --- LeNet-5 --------------------------------------------------------------------------------


def make_torch_lenet5(torch, activation="tanh", pool="avg"):
    """LeNet-5 in PyTorch with the key names minigrad's LeNet5 uses (features.c1, ...)."""
    tnn = torch.nn
    act = {"tanh": tnn.Tanh, "relu": tnn.ReLU}[activation]
    pooling = {"avg": tnn.AvgPool2d, "max": tnn.MaxPool2d}[pool]

    class TorchLeNet5(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(
                OrderedDict(
                    c1=tnn.Conv2d(1, 6, 5), act1=act(), s2=pooling(2),
                    c3=tnn.Conv2d(6, 16, 5), act3=act(), s4=pooling(2),
                    c5=tnn.Conv2d(16, 120, 5), act5=act(),
                )
            )  # fmt: skip
            self.classifier = tnn.Sequential(
                OrderedDict(
                    flatten=tnn.Flatten(), f6=tnn.Linear(120, 84), act6=act(),
                    output=tnn.Linear(84, 10),
                )
            )  # fmt: skip

        def forward(self, x):
            return self.classifier(self.features(x))

    return TorchLeNet5()


LENET_CASES = [
    ("tanh", "avg", np.float64),
    ("relu", "max", np.float64),
    ("tanh", "avg", np.float32),
]


@pytest.mark.parametrize("activation, pool, dtype", LENET_CASES)
def test_lenet5_loads_a_torch_state_dict_and_matches(torch, rng, activation, pool, dtype):
    theirs = make_torch_lenet5(torch, activation, pool).to(getattr(torch, np.dtype(dtype).name))
    ours = LeNet5(activation=activation, pool=pool).to(dtype)
    load_torch_weights(ours, theirs)
    assert ours.features.c1.weight.dtype == dtype
    x = rng.standard_normal((4, 1, 32, 32)).astype(dtype)
    assert_module_matches_torch(ours, theirs, [x], what=f"LeNet5 ({activation}, {pool} pool)")


def test_load_state_dict_takes_torch_tensors_directly(torch):
    theirs = make_torch_lenet5(torch)
    ours = models.LeNet5().double()
    ours.load_state_dict(theirs.state_dict())  # torch tensors convert through np.asarray
    np.testing.assert_array_equal(
        ours.classifier.f6.weight.numpy(), theirs.classifier.f6.weight.detach().numpy()
    )


# --- residual blocks and a small ResNet -----------------------------------------------------


def torch_blocks(torch):
    tnn = torch.nn

    def shortcut(cin, cout, stride):
        if stride == 1 and cin == cout:
            return None
        return tnn.Sequential(tnn.Conv2d(cin, cout, 1, stride, bias=False), tnn.BatchNorm2d(cout))

    class TorchBasicBlock(tnn.Module):
        def __init__(self, cin, cout, stride=1):
            super().__init__()
            self.conv1 = tnn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = tnn.BatchNorm2d(cout)
            self.relu = tnn.ReLU()
            self.conv2 = tnn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = tnn.BatchNorm2d(cout)
            self.downsample = shortcut(cin, cout, stride)

        def forward(self, x):
            idt = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            return torch.relu(self.bn2(self.conv2(out)) + idt)

    class TorchBottleneck(tnn.Module):  # torchvision's v1.5: the stride sits in the 3x3
        def __init__(self, cin, cout, stride=1):
            super().__init__()
            w = cout // 4
            self.conv1 = tnn.Conv2d(cin, w, 1, bias=False)
            self.bn1 = tnn.BatchNorm2d(w)
            self.conv2 = tnn.Conv2d(w, w, 3, stride, 1, bias=False)
            self.bn2 = tnn.BatchNorm2d(w)
            self.conv3 = tnn.Conv2d(w, cout, 1, bias=False)
            self.bn3 = tnn.BatchNorm2d(cout)
            self.relu = tnn.ReLU()
            self.downsample = shortcut(cin, cout, stride)

        def forward(self, x):
            idt = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.relu(self.bn2(self.conv2(out)))
            return torch.relu(self.bn3(self.conv3(out)) + idt)

    return TorchBasicBlock, TorchBottleneck


@pytest.mark.parametrize("kind", ["BasicBlock", "Bottleneck"])
@pytest.mark.parametrize("cin, cout, stride", [(8, 8, 1), (4, 8, 2), (4, 8, 1)])
def test_residual_blocks_load_torch_weights_and_match(torch, rng, kind, cin, cout, stride):
    """Identity shortcut, projection with a stride, projection without one; both modes (the
    running statistics move the same way in training mode)."""
    basic, bottleneck = torch_blocks(torch)
    theirs = (basic if kind == "BasicBlock" else bottleneck)(cin, cout, stride)
    randomise_batch_norm(torch, theirs)
    ours = load_torch_weights(getattr(models, kind)(cin, cout, stride).double(), theirs)
    assert (ours.downsample is None) == (stride == 1 and cin == cout)
    for mode in ("train", "eval"):
        x = rng.standard_normal((2, cin, 8, 8))
        (y,) = assert_module_matches_torch(ours, theirs, [x], mode=mode, what=kind)
        assert y.shape == (2, cout, 8 // stride, 8 // stride)


def make_torch_resnet(torch, kind, layers, widths, stem, in_channels, num_classes):
    """torchvision's ResNet written out ('imagenet' stem: 7x7/2 conv + 3x3/2 max pool), or
    resnet_small's ('small': one 3x3 conv, no pooling)."""
    tnn = torch.nn
    basic, bottleneck = torch_blocks(torch)
    block, expansion = (basic, 1) if kind == "BasicBlock" else (bottleneck, 4)

    class TorchResNet(tnn.Module):
        def __init__(self):
            super().__init__()
            c = widths[0]
            if stem == "imagenet":
                self.conv1 = tnn.Conv2d(in_channels, c, 7, 2, 3, bias=False)
                self.maxpool = tnn.MaxPool2d(3, 2, 1)
            else:
                self.conv1 = tnn.Conv2d(in_channels, c, 3, 1, 1, bias=False)
                self.maxpool = tnn.Identity()
            self.bn1 = tnn.BatchNorm2d(c)
            self.relu = tnn.ReLU()
            for i, (n, width) in enumerate(zip(layers, widths)):
                out = width * expansion
                blocks = [block(c if j == 0 else out, out, 2 if i and not j else 1)
                          for j in range(n)]  # fmt: skip
                setattr(self, f"layer{i + 1}", tnn.Sequential(*blocks))
                c = out
            self.avgpool = tnn.AdaptiveAvgPool2d(1)
            self.fc = tnn.Linear(c, num_classes)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            for i in range(len(layers)):
                x = getattr(self, f"layer{i + 1}")(x)
            return self.fc(torch.flatten(self.avgpool(x), 1))

    return TorchResNet()


def test_resnet_small_loads_torch_weights_and_matches_in_train_and_eval(torch, rng):
    theirs = make_torch_resnet(torch, "BasicBlock", (1, 1, 1), (16, 32, 64), "small", 1, 10)
    ours = load_torch_weights(models.resnet_small(layers=(1, 1, 1)).double(), theirs)
    for mode in ("train", "eval"):
        x = rng.standard_normal((3, 1, 16, 16))
        assert_module_matches_torch(ours, theirs, [x], mode=mode, what="resnet_small")


@pytest.mark.parametrize(
    "name, kind, layers",
    [
        ("resnet18", "BasicBlock", (2, 2, 2, 2)),
        pytest.param("resnet50", "Bottleneck", (3, 4, 6, 3), marks=pytest.mark.slow),
    ],
)
def test_imagenet_resnets_load_torchvision_layout_weights_and_match(torch, rng, name, kind, layers):
    """The whole torchvision layout (stem, four stages, fc) on 2 x 3 x 48 x 48 images (the
    last stage then sees 2 x 2 maps: batch norm over only 2 values per channel would be
    ill-conditioned enough to amplify rounding to 1e-7)."""
    theirs = make_torch_resnet(torch, kind, layers, (64, 128, 256, 512), "imagenet", 3, 7)
    ours = nn.utils.skip_init(models.create, name, num_classes=7).double()  # values: theirs
    ours = load_torch_weights(ours, theirs)
    for mode in ("train", "eval"):
        x = rng.standard_normal((2, 3, 48, 48))
        assert_module_matches_torch(ours, theirs, [x], mode=mode, what=name)


# --- a small VGG ----------------------------------------------------------------------------


def make_torch_vgg_small(torch, dropout):
    """vgg_small in PyTorch with torchvision's VGG layout (features / avgpool / classifier)."""
    tnn = torch.nn
    layers, c = [], 1
    for v in CONFIGS["small"]:
        if v == "M":
            layers.append(tnn.MaxPool2d(2, 2))
        else:
            layers += [tnn.Conv2d(c, v, 3, padding=1), tnn.BatchNorm2d(v), tnn.ReLU()]
            c = v

    class TorchVGG(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(*layers)
            self.avgpool = tnn.AdaptiveAvgPool2d((2, 2))
            self.classifier = tnn.Sequential(
                tnn.Linear(128 * 4, 64), tnn.ReLU(), tnn.Dropout(dropout),
                tnn.Linear(64, 64), tnn.ReLU(), tnn.Dropout(dropout),
                tnn.Linear(64, 10),
            )  # fmt: skip

        def forward(self, x):
            return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))

    return TorchVGG()


def test_vgg_small_loads_torch_weights_and_matches_in_eval(torch, rng):
    theirs = make_torch_vgg_small(torch, dropout=0.3)
    ours = load_torch_weights(models.vgg_small().double(), theirs)
    x = rng.standard_normal((3, 1, 32, 32))
    assert_module_matches_torch(ours, theirs, [x], mode="eval", what="vgg_small")


def test_small_vgg_matches_torch_in_train_mode_without_dropout(torch, rng):
    """Dropout draws different masks in the two libraries, so train mode is compared at p=0;
    an odd 20 x 20 input also exercises the adaptive pooling's uneven cells (20 -> 2 -> 2)."""
    theirs = make_torch_vgg_small(torch, dropout=0.0)
    ours = VGG(CONFIGS["small"], True, 10, 1, hidden=64, pool_size=2, dropout=0.0).double()
    load_torch_weights(ours, theirs)
    x = rng.standard_normal((3, 1, 20, 20))
    assert_module_matches_torch(ours, theirs, [x], mode="train", what="vgg_small")


# --- DenseNet, Inception, local response normalisation --------------------------------------


def make_torch_densenet(torch, growth, blocks, init, bn_size, num_classes):
    """torchvision's DenseNet layout, written out: features.denseblockK.denselayerJ.norm1 ..."""
    tnn = torch.nn

    class Layer(tnn.Module):
        def __init__(self, c):
            super().__init__()
            self.norm1, self.relu1 = tnn.BatchNorm2d(c), tnn.ReLU()
            self.conv1 = tnn.Conv2d(c, bn_size * growth, 1, bias=False)
            self.norm2, self.relu2 = tnn.BatchNorm2d(bn_size * growth), tnn.ReLU()
            self.conv2 = tnn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

        def forward(self, x):
            return self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))

    class Block(tnn.ModuleDict):
        def forward(self, x):
            feats = [x]
            for layer in self.values():
                feats.append(layer(torch.cat(feats, 1)))
            return torch.cat(feats, 1)

    class TorchDenseNet(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(
                OrderedDict(
                    conv0=tnn.Conv2d(1, init, 7, 2, 3, bias=False), norm0=tnn.BatchNorm2d(init),
                    relu0=tnn.ReLU(), pool0=tnn.MaxPool2d(3, 2, 1),
                )
            )  # fmt: skip
            c = init
            for i, n in enumerate(blocks):
                block = Block({f"denselayer{j + 1}": Layer(c + j * growth) for j in range(n)})
                self.features.add_module(f"denseblock{i + 1}", block)
                c += n * growth
                if i != len(blocks) - 1:
                    self.features.add_module(
                        f"transition{i + 1}",
                        tnn.Sequential(
                            OrderedDict(
                                norm=tnn.BatchNorm2d(c), relu=tnn.ReLU(),
                                conv=tnn.Conv2d(c, c // 2, 1, bias=False),
                                pool=tnn.AvgPool2d(2, 2),
                            )
                        ),
                    )  # fmt: skip
                    c //= 2
            self.features.add_module("norm5", tnn.BatchNorm2d(c))
            self.classifier = tnn.Linear(c, num_classes)

        def forward(self, x):
            x = torch.relu(self.features(x))
            return self.classifier(torch.flatten(tnn.functional.adaptive_avg_pool2d(x, 1), 1))

    return TorchDenseNet()


def test_densenet_loads_torch_weights_and_matches_in_train_and_eval(torch, rng):
    theirs = make_torch_densenet(torch, growth=4, blocks=(2, 3), init=8, bn_size=2, num_classes=5)
    ours = DenseNet(4, (2, 3), 8, bn_size=2, num_classes=5, in_channels=1).double()
    load_torch_weights(ours, theirs)
    for mode in ("train", "eval"):
        x = rng.standard_normal((2, 1, 16, 16))
        assert_module_matches_torch(ours, theirs, [x], mode=mode, what="DenseNet")


def test_inception_block_matches_a_torch_reference(torch, rng):
    tnn = torch.nn

    class conv(tnn.Module):  # torchvision's BasicConv2d without batch norm: conv + ReLU
        def __init__(self, c, o, k, p=0):
            super().__init__()
            self.conv = tnn.Conv2d(c, o, k, padding=p)
            self.relu = tnn.ReLU()

        def forward(self, x):
            return self.relu(self.conv(x))

    class TorchInception(tnn.Module):
        def __init__(self):
            super().__init__()
            self.branch1 = conv(6, 2, 1)
            self.branch2 = tnn.Sequential(conv(6, 3, 1), conv(3, 4, 3, 1))
            self.branch3 = tnn.Sequential(conv(6, 2, 1), conv(2, 3, 5, 2))
            self.branch4 = tnn.Sequential(tnn.MaxPool2d(3, 1, 1), conv(6, 2, 1))

        def forward(self, x):
            branches = (self.branch1, self.branch2, self.branch3, self.branch4)
            return torch.cat([b(x) for b in branches], 1)

    theirs = TorchInception()
    ours = load_torch_weights(Inception(6, 2, 3, 4, 2, 3, 2).double(), theirs)
    x = rng.standard_normal((2, 6, 7, 7))
    (y,) = assert_module_matches_torch(ours, theirs, [x], what="Inception")
    assert y.shape == (2, 11, 7, 7)


@pytest.mark.parametrize("size, channels", [(5, 8), (4, 3), (1, 2)])
def test_local_response_norm_matches_torch(torch, rng, size, channels):
    """Values, gradients and second derivatives."""
    x = rng.standard_normal((2, channels, 3, 3)) * 3
    ours = LocalResponseNorm(size, alpha=0.2, beta=0.75, k=2.0)
    theirs = torch.nn.LocalResponseNorm(size, alpha=0.2, beta=0.75, k=2.0)
    assert_matches_torch(ours, theirs, [x], what=f"LocalResponseNorm({size})")
