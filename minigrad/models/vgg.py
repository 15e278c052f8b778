r"""VGG (Simonyan & Zisserman, 2014): only 3x3 convolutions, stacked deep.

Two 3x3 convolutions see a 5x5 window and three see 7x7, with fewer parameters than one
large kernel (3 * 9 C^2 = 27 C^2 against 49 C^2) and a ReLU between each. A network is a
list of stages: numbers are 3x3 convolutions (padding 1, so the size is kept) with that many
filters, "M" is a 2x2 max pool that halves the size.

    VGG-11  64 M 128 M 256 256 M 512 512 M 512 512 M                  132,863,336 parameters
    VGG-13  64 64 M 128 128 M 256 256 M 512 512 M 512 512 M          133,047,848
    VGG-16  64 64 M 128 128 M 256 256 256 M 512 512 512 M 512 512 512 M  138,357,544
    VGG-19  ... four convolutions in each of the last three stages   143,667,240

then adaptive average pooling to 7 x 7 and the classifier 25,088 -> 4096 -> 4096 -> 1000
(ReLU and dropout between), which alone holds 123,642,856 of VGG-16's parameters. The "_bn"
variants put a BatchNorm2d after every convolution (2 parameters per channel more).
Layout and state-dict keys ("features.0.weight", "classifier.6.bias") are torchvision's.

`vgg_small` is a small VGG-style network for the 32 x 32 digits of the lessons.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import nn
from ..tensor import Tensor
from ._checks import check_images

__all__ = [
    "VGG",
    "CONFIGS",
    "make_layers",
    "vgg11",
    "vgg13",
    "vgg16",
    "vgg19",
    "vgg11_bn",
    "vgg13_bn",
    "vgg16_bn",
    "vgg19_bn",
    "vgg_small",
]

CONFIGS: dict[str, list[int | str]] = {
    "vgg11": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg13": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg16": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M"] + [512, 512, 512, "M"] * 2,
    "vgg19": [64, 64, "M", 128, 128, "M"] + [256] * 4 + ["M"] + ([512] * 4 + ["M"]) * 2,
    "small": [32, "M", 64, "M", 128, 128, "M"],
}


def make_layers(config: Sequence[int | str], in_channels: int, batch_norm: bool) -> nn.Sequential:
    """The convolutional part: 3x3 conv (+ BatchNorm2d) + ReLU per number, MaxPool2d(2) per "M"."""
    layers: list[nn.Module] = []
    channels = in_channels
    for item in config:
        if item == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        if isinstance(item, bool) or not isinstance(item, int) or item < 1:
            raise ValueError(
                f"VGG: a configuration holds channel counts (ints >= 1) and 'M' (max pool), "
                f"got {item!r} in {list(config)}"
            )
        layers.append(nn.Conv2d(channels, item, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(item))
        layers.append(nn.ReLU())
        channels = item
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """A VGG network: `features` (from `config`), `avgpool`, `classifier` (3 linear layers).

    `pool_size` is the side of the adaptive average pool before the classifier (7 in the
    paper's layout) and `hidden` the width of the two hidden linear layers (4096).
    Accepts (N, in_channels, H, W) with H, W >= 2**(number of "M"): 32 x 32 for the
    ImageNet configurations (224 x 224 as designed). Returns (N, num_classes) logits.
    """

    design_size = 224  # the image side the network was made for (32 for vgg_small)

    def __init__(
        self,
        config: Sequence[int | str],
        batch_norm: bool = False,
        num_classes: int = 1000,
        in_channels: int = 3,
        hidden: int = 4096,
        pool_size: int = 7,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        self.num_classes, self.in_channels = num_classes, in_channels
        self.min_size = 2 ** sum(1 for c in config if c == "M")
        out_channels = [c for c in config if c != "M"][-1]
        self.features = make_layers(config, in_channels, batch_norm)
        self.avgpool = nn.AdaptiveAvgPool2d((pool_size, pool_size))
        self.classifier = nn.Sequential(
            nn.Linear(out_channels * pool_size * pool_size, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        check_images("VGG", x, self.in_channels, self.min_size, self.design_size)
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def vgg11(num_classes: int = 1000, in_channels: int = 3) -> VGG:
    """VGG-11 ("A"): 8 convolutions + 3 linear layers; 132,863,336 parameters."""
    return VGG(CONFIGS["vgg11"], False, num_classes, in_channels)


def vgg13(num_classes: int = 1000, in_channels: int = 3) -> VGG:
    """VGG-13 ("B"): 10 convolutions + 3 linear layers; 133,047,848 parameters."""
    return VGG(CONFIGS["vgg13"], False, num_classes, in_channels)


def vgg16(num_classes: int = 1000, in_channels: int = 3) -> VGG:
    """VGG-16 ("D"): 13 convolutions + 3 linear layers; 138,357,544 parameters."""
    return VGG(CONFIGS["vgg16"], False, num_classes, in_channels)


def vgg19(num_classes: int = 1000, in_channels: int = 3) -> VGG:
    """VGG-19 ("E"): 16 convolutions + 3 linear layers; 143,667,240 parameters."""
    return VGG(CONFIGS["vgg19"], False, num_classes, in_channels)


def vgg11_bn(num_classes: int = 1000, in_channels: int = 3) -> VGG:
    """VGG-11 with batch norm after every convolution; 132,868,840 parameters."""
    return VGG(CONFIGS["vgg11"], True, num_classes, in_channels)


def vgg13_bn(num_classes: int = 1000, in_channels: int = 3) -> VGG:
    """VGG-13 with batch norm after every convolution; 133,053,736 parameters."""
    return VGG(CONFIGS["vgg13"], True, num_classes, in_channels)


def vgg16_bn(num_classes: int = 1000, in_channels: int = 3) -> VGG:
    """VGG-16 with batch norm after every convolution; 138,365,992 parameters."""
    return VGG(CONFIGS["vgg16"], True, num_classes, in_channels)


def vgg19_bn(num_classes: int = 1000, in_channels: int = 3) -> VGG:
    """VGG-19 with batch norm after every convolution; 143,678,248 parameters."""
    return VGG(CONFIGS["vgg19"], True, num_classes, in_channels)


def vgg_small(num_classes: int = 10, in_channels: int = 1, batch_norm: bool = True) -> VGG:
    """A VGG for 32 x 32 digits: 32 M 64 M 128 128 M (with batch norm), average pooling to
    2 x 2, classifier 512 -> 64 -> 64 -> num_classes with dropout 0.3 (0.5 slows learning on
    1,438 small images); 278,602 parameters for 10 classes.

    Accepts H, W >= 8 (three 2x2 pools). Same layout and key names as the large VGGs.
    """
    model = VGG(
        CONFIGS["small"], batch_norm, num_classes, in_channels, hidden=64, pool_size=2, dropout=0.3
    )
    model.design_size = 32
    return model
