r"""DenseNet (Huang, Liu, van der Maaten & Weinberger, 2017): every layer sees all before it.

Inside a dense block, layer i receives the concatenation of the block's input and the maps
of all layers before it, and adds `growth_rate` new maps of its own:

    DenseLayer   BN-ReLU-1x1 conv (bn_size * growth_rate) - BN-ReLU-3x3 conv (growth_rate)
    DenseBlock   C channels in  ->  C + num_layers * growth_rate out
    Transition   BN-ReLU-1x1 conv (halve the channels) - 2x2 average pool (halve the size)

Reusing features instead of recomputing them keeps the layers narrow (32 new maps each),
so DenseNet-121 has fewer parameters than ResNet-50 (7,978,856 with 1000 classes):

    conv0 7x7/2, 64; norm0, relu0; pool0 3x3/2     -> 64 x 56 x 56
    denseblock1 (6 layers)   -> 256,  transition1  -> 128 x 28 x 28
    denseblock2 (12 layers)  -> 512,  transition2  -> 256 x 14 x 14
    denseblock3 (24 layers)  -> 1024, transition3  -> 512 x 7 x 7
    denseblock4 (16 layers)  -> 1024; norm5        -> 1024 x 7 x 7
    ReLU, global average pooling, classifier       -> num_classes

DenseNet-169 and -201 only lengthen the last two blocks: (6, 12, 32, 32) gives 14,149,480
parameters and 1664 final maps; (6, 12, 48, 32) gives 20,013,928 and 1920 (Table 1).

Layout and state-dict keys ("features.denseblock1.denselayer1.norm1.weight") are
torchvision's, so its weights load by name.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from .. import functional as F
from .. import nn
from ..tensor import Tensor, cat
from ._checks import check_images

__all__ = [
    "DenseNet",
    "DenseLayer",
    "DenseBlock",
    "Transition",
    "densenet121",
    "densenet169",
    "densenet201",
]


class DenseLayer(nn.Module):
    """BN-ReLU-conv1x1-BN-ReLU-conv3x3: (N, C, H, W) -> the (N, growth_rate, H, W) new maps."""

    def __init__(self, in_channels: int, growth_rate: int, bn_size: int, drop_rate: float = 0.0):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(in_channels, bn_size * growth_rate, kernel_size=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU()
        self.conv2 = nn.Conv2d(
            bn_size * growth_rate, growth_rate, kernel_size=3, padding=1, bias=False
        )
        self.drop_rate = float(drop_rate)

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv1(self.relu1(self.norm1(x)))
        out = self.conv2(self.relu2(self.norm2(out)))
        if self.drop_rate > 0:
            out = F.dropout(out, self.drop_rate, self.training)
        return out


class DenseBlock(nn.Module):
    """`num_layers` DenseLayers (denselayer1, ...), each fed all maps so far:
    (N, C, H, W) -> (N, C + num_layers * growth_rate, H, W)."""

    def __init__(
        self,
        num_layers: int,
        in_channels: int,
        growth_rate: int,
        bn_size: int,
        drop_rate: float = 0.0,
    ) -> None:
        super().__init__()
        for i in range(num_layers):
            layer = DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size, drop_rate)
            setattr(self, f"denselayer{i + 1}", layer)

    def forward(self, x: Tensor) -> Tensor:
        features = [x]
        for layer in self.children():
            features.append(layer(cat(features, 1)))
        return cat(features, 1)


class Transition(nn.Sequential):
    """BN-ReLU-conv1x1 (in -> out channels) - AvgPool2d(2): (N, C, H, W) -> (N, O, H/2, W/2)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(
            OrderedDict(
                norm=nn.BatchNorm2d(in_channels),
                relu=nn.ReLU(),
                conv=nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False),
                pool=nn.AvgPool2d(kernel_size=2, stride=2),
            )
        )


class DenseNet(nn.Module):
    """A DenseNet: `features` (stem, dense blocks and transitions, norm5), `classifier`.

    Accepts (N, in_channels, H, W) with H, W >= 29 (224 x 224 as designed): the three
    transitions' 2x2 average pools each need a map of at least 2 x 2. Returns
    (N, num_classes) logits.
    """

    min_size = 29  # 29 -> 15 -> 8 -> 4 -> 2 -> 1

    def __init__(
        self,
        growth_rate: int = 32,
        block_config: Sequence[int] = (6, 12, 24, 16),
        num_init_features: int = 64,
        bn_size: int = 4,
        drop_rate: float = 0.0,
        num_classes: int = 1000,
        in_channels: int = 3,
    ) -> None:
        super().__init__()
        self.num_classes, self.in_channels = num_classes, in_channels
        self.min_size = max(1, 4 * 2 ** (len(block_config) - 1) - 3)
        stem = OrderedDict(
            conv0=nn.Conv2d(
                in_channels, num_init_features, kernel_size=7, stride=2, padding=3, bias=False
            ),
            norm0=nn.BatchNorm2d(num_init_features),
            relu0=nn.ReLU(),
            pool0=nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        )
        self.features = nn.Sequential(stem)
        channels = num_init_features
        for i, num_layers in enumerate(block_config):
            block = DenseBlock(num_layers, channels, growth_rate, bn_size, drop_rate)
            self.features.add_module(f"denseblock{i + 1}", block)
            channels += num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}", Transition(channels, channels // 2))
                channels //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(channels))
        self.classifier = nn.Linear(channels, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        check_images("DenseNet", x, self.in_channels, self.min_size, 224)
        x = F.relu(self.features(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(x)


def densenet121(num_classes: int = 1000, in_channels: int = 3) -> DenseNet:
    """DenseNet-121 (growth 32, blocks 6-12-24-16): 7,978,856 parameters with 1000 classes."""
    return DenseNet(32, (6, 12, 24, 16), 64, num_classes=num_classes, in_channels=in_channels)


def densenet169(num_classes: int = 1000, in_channels: int = 3) -> DenseNet:
    """DenseNet-169 (growth 32, blocks 6-12-32-32): 14,149,480 parameters with 1000 classes."""
    return DenseNet(32, (6, 12, 32, 32), 64, num_classes=num_classes, in_channels=in_channels)


def densenet201(num_classes: int = 1000, in_channels: int = 3) -> DenseNet:
    """DenseNet-201 (growth 32, blocks 6-12-48-32): 20,013,928 parameters with 1000 classes."""
    return DenseNet(32, (6, 12, 48, 32), 64, num_classes=num_classes, in_channels=in_channels)
