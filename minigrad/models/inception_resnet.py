r"""Inception-ResNet v1 and v2 (Szegedy, Ioffe, Vanhoucke & Alemi, 2017): Inception blocks
with ResNet's shortcut.

Each residual Inception block runs a few cheap branches, concatenates them, and maps the
result back to the input's width with a 1x1 convolution that has no ReLU and no batch norm
(a *linear* projection, so that it can be added):

    y = relu(x + scale * project(concat(branches(x))))

**Residual scaling** (the paper's section 3.3): with more than about 1,000 filters, the
networks "died" early in training (the last layer before the pooling gave only zeros) unless
each residual was multiplied by a small constant before the addition. The scales used are
0.17, 0.10 and 0.20 for the 35 x 35, 17 x 17 and 8 x 8 blocks (TensorFlow's release; the
paper says "between 0.1 and 0.3"). Batch norm follows the ordinary convolutions, not the sums.

**v1** (Figures 10 to 15), about the cost of Inception v3, as in the paper (22,756,328
parameters with 1000 classes):

    Stem (Figure 14)               3x3/2 32 V, 3x3 32 V, 3x3 64, max pool 3x3/2 V,
                                   1x1 80, 3x3 192 V, 3x3/2 256 V    -> 256 x 35 x 35
    5 x Inception-ResNet-A (Fig 10)  [1x1 32 | 1x1 32, 3x3 32 | 1x1 32, 3x3 32, 3x3 32] -> 1x1 256
    Reduction-A (Fig 7; k, l, m, n = 192, 192, 256, 384)         -> 896 x 17 x 17
    10 x Inception-ResNet-B (Fig 11) [1x1 128 | 1x1 128, 1x7 128, 7x1 128] -> 1x1 896
    Reduction-B (Fig 12)  [max pool | 1x1 256, 3x3/2 384 | 1x1 256, 3x3/2 256 |
                           1x1 256, 3x3 256, 3x3/2 256]          -> 1792 x 8 x 8
    5 x Inception-ResNet-C (Fig 13)  [1x1 192 | 1x1 192, 1x3 192, 3x1 192] -> 1x1 1792
    average pooling, dropout (keep 0.8), fc                      -> num_classes

**v2**, about the cost of Inception v4, in the layout of the released model (the paper's
figures for v2 disagree with each other on the widths: 384 + 384 + 384 = 1152 maps enter a
block drawn with 1154 outputs). 55,843,464 parameters with 1000 classes:

    stem                3x3/2 32 V, 3x3 32 V, 3x3 64, max pool 3x3/2 V, 1x1 80,
                        3x3 192 V, max pool 3x3/2 V                  -> 192 x 35 x 35
    mixed_5b            [1x1 96 | 1x1 48, 5x5 64 | 1x1 64, 3x3 96, 3x3 96 |
                         avg pool, 1x1 64]                           -> 320 x 35 x 35
    10 x block A        [1x1 32 | 1x1 32, 3x3 32 | 1x1 32, 3x3 48, 3x3 64] -> 1x1 320
    Reduction-A (k, l, m, n = 256, 256, 384, 384)                    -> 1088 x 17 x 17
    20 x block B        [1x1 192 | 1x1 128, 1x7 160, 7x1 192]        -> 1x1 1088
    Reduction-B         [max pool | 1x1 256, 3x3/2 384 | 1x1 256, 3x3/2 288 |
                         1x1 256, 3x3 288, 3x3/2 320]                -> 2080 x 8 x 8
    10 x block C        [1x1 192 | 1x1 192, 1x3 224, 3x1 256]        -> 1x1 2080
                        (the last one without scaling and without ReLU)
    conv 1x1 1536, average pooling, dropout (keep 0.8), fc           -> num_classes
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import functional as F
from .. import nn
from ..tensor import Tensor
from ._checks import check_images
from .inception_v4 import Branches, ReductionA, avg_pool_same, conv, same

__all__ = [
    "InceptionResNet",
    "InceptionResNetBlock",
    "ReductionBResidual",
    "inception_resnet_v1",
    "inception_resnet_v2",
]


class InceptionResNetBlock(nn.Module):
    """y = relu(x + scale * project(concat(branches(x)))): (N, C, H, W) -> (N, C, H, W).

    `branches` is a list of modules on the input; `project` is a 1x1 convolution with bias
    (no batch norm, no ReLU) from their concatenated maps back to C. `relu=False` leaves the
    sum as it is (v2's very last block).
    """

    def __init__(
        self, channels: int, branches: Sequence[nn.Module], scale: float, relu: bool = True
    ) -> None:
        super().__init__()
        self.scale, self.use_relu = float(scale), relu
        self.branches = Branches(*branches)
        width = _out_channels(branches)
        self.project = nn.Conv2d(width, channels, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        residual = self.project(self.branches(x))
        y = x + residual * self.scale
        return F.relu(y) if self.use_relu else y

    def extra_repr(self) -> str:
        return f"scale={self.scale}" + ("" if self.use_relu else ", relu=False")


def _out_channels(branches: Sequence[nn.Module]) -> int:
    """The channels of the concatenated branches: the last convolution of each."""
    total = 0
    for branch in branches:
        convs = [m for m in branch.modules() if isinstance(m, nn.Conv2d)]
        total += convs[-1].out_channels
    return total


def block_a(channels: int, widths: tuple[int, int, int], scale: float) -> InceptionResNetBlock:
    """35 x 35: [1x1 32 | 1x1 32, 3x3 32 | 1x1 32, 3x3 w1, 3x3 w2] -> 1x1 back to channels.

    `widths` = (32, 32, 32) in v1 (Figure 10), (32, 48, 64) in v2."""
    w0, w1, w2 = widths
    return InceptionResNetBlock(
        channels,
        [
            conv(channels, 32, 1),
            nn.Sequential(conv(channels, 32, 1), same(32, w0, 3)),
            nn.Sequential(conv(channels, 32, 1), same(32, w1, 3), same(w1, w2, 3)),
        ],
        scale,
    )


def block_b(channels: int, widths: tuple[int, int, int, int], scale: float):
    """17 x 17: [1x1 a | 1x1 b, 1x7 c, 7x1 d] -> 1x1 back to channels.

    `widths` (a, b, c, d) = (128, 128, 128, 128) in v1 (Figure 11), (192, 128, 160, 192) in v2."""
    a, b, c, d = widths
    return InceptionResNetBlock(
        channels,
        [
            conv(channels, a, 1),
            nn.Sequential(conv(channels, b, 1), same(b, c, (1, 7)), same(c, d, (7, 1))),
        ],
        scale,
    )


def block_c(channels: int, widths: tuple[int, int, int], scale: float, relu: bool = True):
    """8 x 8: [1x1 192 | 1x1 192, 1x3 a, 3x1 b] -> 1x1 back to channels.

    `widths` (192, a, b) = (192, 192, 192) in v1 (Figure 13), (192, 224, 256) in v2."""
    w, a, b = widths
    return InceptionResNetBlock(
        channels,
        [
            conv(channels, w, 1),
            nn.Sequential(conv(channels, w, 1), same(w, a, (1, 3)), same(a, b, (3, 1))),
        ],
        scale,
        relu,
    )


class ReductionBResidual(Branches):
    """17 -> 8 (Figure 12): max pool 3x3/2 V | 1x1 256, 3x3/2 p V | 1x1 256, 3x3/2 q V |
    1x1 256, 3x3 r, 3x3/2 s V.   (N, C, H, W) -> (N, C + p + q + s, H', W')."""

    def __init__(self, in_channels: int, p: int, q: int, r: int, s: int) -> None:
        super().__init__(
            nn.MaxPool2d(3, stride=2),
            nn.Sequential(conv(in_channels, 256, 1), conv(256, p, 3, stride=2)),
            nn.Sequential(conv(in_channels, 256, 1), conv(256, q, 3, stride=2)),
            nn.Sequential(conv(in_channels, 256, 1), same(256, r, 3), conv(r, s, 3, stride=2)),
        )


class InceptionResNet(nn.Module):
    """Inception-ResNet v1 or v2 (module docstring): `stem`, `blocks_a`, `reduction_a`,
    `blocks_b`, `reduction_b`, `blocks_c`, `head` (v2's 1x1 1536, else Identity), `fc`.

    Accepts (N, in_channels, H, W) with H, W >= 75 (299 x 299 as designed). Returns
    (N, num_classes) logits. `blocks` = how many blocks A, B, C (the papers': (5, 10, 5)
    for v1; the release's (10, 20, 10) for v2).
    """

    min_size = 75  # 75 -> 37 -> 35 -> 17 -> 15 -> 7 -> 3 -> 1

    def __init__(
        self,
        version: int = 2,
        num_classes: int = 1000,
        in_channels: int = 3,
        blocks: Sequence[int] | None = None,
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        if version not in (1, 2):
            raise ValueError(f"InceptionResNet: version must be 1 or 2, got {version!r}")
        self.version, self.num_classes, self.in_channels = version, num_classes, in_channels
        n_a, n_b, n_c = blocks or ((5, 10, 5) if version == 1 else (10, 20, 10))
        stem = [
            conv(in_channels, 32, 3, stride=2),
            conv(32, 32, 3),
            same(32, 64, 3),
            nn.MaxPool2d(3, stride=2),
            conv(64, 80, 1),
            conv(80, 192, 3),
        ]
        if version == 1:  # Figure 14
            stem.append(conv(192, 256, 3, stride=2))
            c35, c17, c8, final = 256, 896, 1792, 1792
            a, b, c = (32, 32, 32), (128, 128, 128, 128), (192, 192, 192)
            reduction_a = ReductionA(c35, k=192, l=192, m=256, n=384)
            reduction_b = ReductionBResidual(c17, 384, 256, 256, 256)
        else:
            mixed_5b = Branches(
                conv(192, 96, 1),
                nn.Sequential(conv(192, 48, 1), conv(48, 64, 5, padding=2)),
                nn.Sequential(conv(192, 64, 1), same(64, 96, 3), same(96, 96, 3)),
                nn.Sequential(avg_pool_same(), conv(192, 64, 1)),
            )
            stem += [nn.MaxPool2d(3, stride=2), mixed_5b]
            c35, c17, c8, final = 320, 1088, 2080, 1536
            a, b, c = (32, 48, 64), (192, 128, 160, 192), (192, 224, 256)
            reduction_a = ReductionA(c35, k=256, l=256, m=384, n=384)
            reduction_b = ReductionBResidual(c17, 384, 288, 288, 320)
        self.stem = nn.Sequential(*stem)
        self.blocks_a = nn.Sequential(*[block_a(c35, a, 0.17) for _ in range(n_a)])
        self.reduction_a = reduction_a
        self.blocks_b = nn.Sequential(*[block_b(c17, b, 0.10) for _ in range(n_b)])
        self.reduction_b = reduction_b
        last = [block_c(c8, c, 0.20) for _ in range(n_c)]
        if version == 2 and last:  # the release ends with an unscaled block without ReLU
            last[-1] = block_c(c8, c, 1.0, relu=False)
        self.blocks_c = nn.Sequential(*last)
        self.head = conv(c8, final, 1) if version == 2 else nn.Identity()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(final, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        check_images(f"InceptionResNetV{self.version}", x, self.in_channels, self.min_size, 299)
        x = self.blocks_a(self.stem(x))
        x = self.blocks_b(self.reduction_a(x))
        x = self.head(self.blocks_c(self.reduction_b(x)))
        return self.fc(self.dropout(self.avgpool(x).flatten(1)))


def inception_resnet_v1(num_classes: int = 1000, in_channels: int = 3) -> InceptionResNet:
    """Inception-ResNet v1 as in the paper: 22,756,328 parameters with 1000 classes."""
    return InceptionResNet(1, num_classes, in_channels)


def inception_resnet_v2(num_classes: int = 1000, in_channels: int = 3) -> InceptionResNet:
    """Inception-ResNet v2 in the released layout: 55,843,464 parameters with 1000 classes."""
    return InceptionResNet(2, num_classes, in_channels)
