r"""The residual basic block (He, Zhang, Ren & Sun, 2015): y = relu(F(x) + shortcut(x)).

    F(x)        = bn2(conv2(relu(bn1(conv1(x)))))     two 3x3 convolutions
    shortcut(x) = x                                   when the shape is unchanged
                = bn(conv1x1(x, stride))              the *projection* shortcut, when the
                                                      stride or channel count changes

The block only has to learn the *difference* F(x) from its input, and the identity path
gives the gradient a direct route back through many blocks. Names follow torchvision
(conv1, bn1, conv2, bn2, downsample), so the state-dict keys match torchvision's ResNets.

The deeper ResNets use the *bottleneck* block: 1x1 (reduce to width), 3x3 (at width), 1x1
(expand to 4 x width), so the expensive 3x3 runs on a quarter of the channels.

A ResNet is a stem, four stages of blocks and a classifier:

    conv1   7x7, 64, stride 2 + BN + ReLU; maxpool 3x3, stride 2   224 -> 56
    layer1  blocks at 64 (x expansion) channels                    56
    layer2  blocks at 128, the first with stride 2                 28
    layer3  blocks at 256, the first with stride 2                 14
    layer4  blocks at 512, the first with stride 2                 7
    avgpool (global), fc -> num_classes

    ResNet-18  BasicBlock  [2, 2, 2, 2]     11,689,512 parameters (1000 classes)
    ResNet-34  BasicBlock  [3, 4, 6, 3]     21,797,672
    ResNet-50  Bottleneck  [3, 4, 6, 3]     25,557,032
    ResNet-101 Bottleneck  [3, 4, 23, 3]    44,549,160
    ResNet-152 Bottleneck  [3, 8, 36, 3]    60,192,808

(Table 1 of the paper.) ResNet-152 has fewer multiply-accumulates per image (11.5 G) than
VGG-19 (19.6 G), for 152 layers against 19: the bottleneck keeps the 3x3 layers narrow.

The stride-2 convolution sits in the bottleneck's 3x3 layer (torchvision's "ResNet v1.5").
`resnet_small` is the 32 x 32 version for the lessons' digits: a 3x3 stem without pooling
and three stages of 16, 32, 64 channels (as in the paper's CIFAR-10 networks).
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import functional as F
from .. import nn
from ..tensor import Tensor
from ._checks import check_images

__all__ = [
    "BasicBlock",
    "Bottleneck",
    "ResNet",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnet_small",
]


def _downsample(in_channels: int, out_channels: int, stride: int) -> nn.Sequential | None:
    """The shortcut of a block: None (the identity) when the shape stays, else 1x1 conv + BN."""
    if stride == 1 and in_channels == out_channels:
        return None
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
        nn.BatchNorm2d(out_channels),
    )


class BasicBlock(nn.Module):
    """Two 3x3 conv-BN layers with a shortcut: (N, C_in, H, W) -> (N, C_out, H/stride, W/stride).

    `downsample` is None when the shortcut is the identity, else Sequential(1x1 conv, BN).
    """

    expansion = 1

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.in_channels, self.out_channels, self.stride = in_channels, out_channels, stride
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False
        )
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = _downsample(in_channels, out_channels, stride)

    def forward(self, x: Tensor) -> Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(out + shortcut)


class Bottleneck(nn.Module):
    """1x1 -> 3x3 (stride) -> 1x1 conv-BN layers with a shortcut, the block of ResNet-50.

    (N, C_in, H, W) -> (N, C_out, H/stride, W/stride); the inner `width` defaults to
    C_out / 4 (`expansion`). Keys: conv1, bn1, conv2, bn2, conv3, bn3, downsample.
    """

    expansion = 4

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1, width: int | None = None
    ) -> None:
        super().__init__()
        if width is None:
            if out_channels % self.expansion:
                raise ValueError(
                    f"Bottleneck: out_channels ({out_channels}) must be a multiple of "
                    f"{self.expansion} (the expansion), or give width explicitly"
                )
            width = out_channels // self.expansion
        self.in_channels, self.out_channels, self.stride = in_channels, out_channels, stride
        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out_channels, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.downsample = _downsample(in_channels, out_channels, stride)

    def forward(self, x: Tensor) -> Tensor:
        shortcut = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + shortcut)


class ResNet(nn.Module):
    """A residual network: stem, `len(layers)` stages of `block`, global pooling, `fc`.

    `layers[i]` blocks in stage i (named layer1, layer2, ...) at `widths[i]` channels (times
    the block's expansion); every stage after the first halves the size with a stride-2
    first block. `stem='imagenet'` is the 7x7 stride-2 convolution and 3x3 max pool
    (H/4); `stem='small'` is one 3x3 convolution, for 32 x 32 images (`maxpool` is then
    an Identity). Accepts (N, in_channels, H, W) with H, W >= 1 (any size works thanks to
    padding and global pooling; ImageNet models are made for 224, the small ones for 32).
    Returns (N, num_classes) logits.
    """

    def __init__(
        self,
        block: type[BasicBlock] | type[Bottleneck],
        layers: Sequence[int],
        num_classes: int = 1000,
        in_channels: int = 3,
        widths: Sequence[int] = (64, 128, 256, 512),
        stem: str = "imagenet",
    ) -> None:
        super().__init__()
        if stem not in ("imagenet", "small"):
            raise ValueError(f"ResNet: stem must be 'imagenet' or 'small', got {stem!r}")
        if len(layers) != len(widths) or not layers:
            raise ValueError(
                f"ResNet: give one block count per stage width, got layers={list(layers)} and "
                f"widths={list(widths)}"
            )
        self.num_classes, self.in_channels = num_classes, in_channels
        imagenet = stem == "imagenet"
        self.design_size = 224 if imagenet else 32
        channels = widths[0]
        # the 7x7/2 convolution and 3x3/2 max pool of ImageNet, or one 3x3 convolution
        kernel, stride, padding = (7, 2, 3) if imagenet else (3, 1, 1)
        self.conv1 = nn.Conv2d(in_channels, channels, kernel, stride, padding, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1) if imagenet else nn.Identity()
        self.num_stages = len(layers)
        for i, (count, width) in enumerate(zip(layers, widths)):
            blocks = []
            for j in range(count):
                stride = 2 if i > 0 and j == 0 else 1
                blocks.append(block(channels, width * block.expansion, stride))
                channels = width * block.expansion
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        check_images("ResNet", x, self.in_channels, 1, self.design_size)
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(self.num_stages):
            x = getattr(self, f"layer{i + 1}")(x)
        return self.fc(self.avgpool(x).flatten(1))


def resnet18(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-18: BasicBlocks [2, 2, 2, 2]; 11,689,512 parameters with 1000 classes."""
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes, in_channels)


def resnet34(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-34: BasicBlocks [3, 4, 6, 3]; 21,797,672 parameters with 1000 classes."""
    return ResNet(BasicBlock, [3, 4, 6, 3], num_classes, in_channels)


def resnet50(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-50: Bottlenecks [3, 4, 6, 3]; 25,557,032 parameters with 1000 classes."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes, in_channels)


def resnet101(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-101: Bottlenecks [3, 4, 23, 3]; 44,549,160 parameters with 1000 classes."""
    return ResNet(Bottleneck, [3, 4, 23, 3], num_classes, in_channels)


def resnet152(num_classes: int = 1000, in_channels: int = 3) -> ResNet:
    """ResNet-152: Bottlenecks [3, 8, 36, 3]; 60,192,808 parameters with 1000 classes."""
    return ResNet(Bottleneck, [3, 8, 36, 3], num_classes, in_channels)


def resnet_small(
    num_classes: int = 10, in_channels: int = 1, layers: Sequence[int] = (2, 2, 2)
) -> ResNet:
    """A ResNet for 32 x 32 digits: 3x3 stem, BasicBlock stages at 16, 32, 64 channels
    (32 -> 16 -> 8), global pooling; 174,970 parameters with the defaults (layers=(3, 3, 3)
    is the paper's ResNet-20 for CIFAR-10, with a projection shortcut)."""
    return ResNet(BasicBlock, layers, num_classes, in_channels, widths=(16, 32, 64), stem="small")
