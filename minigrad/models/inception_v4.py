r"""Inception v4 (Szegedy, Ioffe, Vanhoucke & Alemi, 2017, "Inception-v4, Inception-ResNet and
the impact of residual connections on learning").

v3 grew block by block under the constraints of its time (the model had to be split across
machines); v4 is the same ideas made uniform: one stem, then three kinds of Inception block,
each repeated, with a dedicated *reduction block* between the grids. Figure 9 of the paper:

    Stem (Figure 3)                  299 -> 35     -> 384 x 35 x 35
    4 x Inception-A (Figure 4)                      -> 384 x 35 x 35
    Reduction-A (Figure 7)           35 -> 17      -> 1024 x 17 x 17
    7 x Inception-B (Figure 5)                      -> 1024 x 17 x 17
    Reduction-B (Figure 8)           17 -> 8       -> 1536 x 8 x 8
    3 x Inception-C (Figure 6)                      -> 1536 x 8 x 8
    average pooling, dropout (keep 0.8), fc         -> num_classes

42,679,816 parameters with 1000 classes. Every convolution is followed by batch norm
(eps 0.001) and ReLU, and has no bias; "V" in the figures marks a convolution or pooling
without padding ("valid"), every other one is padded to keep the size. The average pools
inside the blocks do not count the padding (TensorFlow's "same" pooling).

Reduction-A is written once with four filter counts (k, l, m, n) of Table 1, because the
Inception-ResNet networks (inception_resnet.py) reuse it: (192, 224, 256, 384) here.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import nn
from ..tensor import Tensor, cat
from ._checks import check_images
from ._layers import BasicConv2d, conv

__all__ = [
    "InceptionV4",
    "Stem",
    "InceptionA",
    "InceptionB",
    "InceptionC",
    "ReductionA",
    "ReductionB",
    "Branches",
    "SplitPair",
    "inception_v4",
]


def same(c: int, o: int, k: int | tuple[int, int]) -> BasicConv2d:
    """A stride-1 convolution padded to keep the size (odd kernels: pad k // 2 per side)."""
    kh, kw = (k, k) if isinstance(k, int) else k
    return conv(c, o, (kh, kw), padding=(kh // 2, kw // 2))


def avg_pool_same() -> nn.AvgPool2d:
    """3x3 average pool, stride 1, padded, the padding not counted in the mean."""
    return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)


class Branches(nn.Module):
    """Run every branch on the same input and concatenate their maps (`branch0`, ...).

    (N, C, H, W) -> (N, sum of the branches' channels, H', W'): every branch must give the
    same H', W'.
    """

    def __init__(self, *branches: nn.Module) -> None:
        super().__init__()
        for i, branch in enumerate(branches):
            setattr(self, f"branch{i}", branch)

    def forward(self, x: Tensor) -> Tensor:
        return cat([branch(x) for branch in self.children()], 1)


class Stem(nn.Module):
    """Figure 3: 3 x 299 x 299 -> 384 x 35 x 35, in four steps (the last three concatenate):

    3x3/2 32 V, 3x3 32 V, 3x3 64                                        -> 64 x 147 x 147
    [ max pool 3x3/2 V | 3x3/2 96 V ]                                   -> 160 x 73 x 73
    [ 1x1 64, 3x3 96 V | 1x1 64, 7x1 64, 1x7 64, 3x3 96 V ]             -> 192 x 71 x 71
    [ 3x3/2 192 V | max pool 3x3/2 V ]                                  -> 384 x 35 x 35
    """

    def __init__(self, in_channels: int = 3) -> None:
        super().__init__()
        self.conv1 = conv(in_channels, 32, 3, stride=2)
        self.conv2 = conv(32, 32, 3)
        self.conv3 = same(32, 64, 3)
        self.mixed_3a = Branches(nn.MaxPool2d(3, stride=2), conv(64, 96, 3, stride=2))
        self.mixed_4a = Branches(
            nn.Sequential(conv(160, 64, 1), conv(64, 96, 3)),
            nn.Sequential(
                conv(160, 64, 1), same(64, 64, (7, 1)), same(64, 64, (1, 7)), conv(64, 96, 3)
            ),
        )
        self.mixed_5a = Branches(conv(192, 192, 3, stride=2), nn.MaxPool2d(3, stride=2))

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv3(self.conv2(self.conv1(x)))
        return self.mixed_5a(self.mixed_4a(self.mixed_3a(x)))


class InceptionA(Branches):
    """Figure 4, the 35 x 35 block: (N, 384, H, W) -> (N, 384, H, W).

    avg pool, 1x1 96 | 1x1 96 | 1x1 64, 3x3 96 | 1x1 64, 3x3 96, 3x3 96
    """

    def __init__(self, in_channels: int = 384) -> None:
        super().__init__(
            nn.Sequential(avg_pool_same(), conv(in_channels, 96, 1)),
            conv(in_channels, 96, 1),
            nn.Sequential(conv(in_channels, 64, 1), same(64, 96, 3)),
            nn.Sequential(conv(in_channels, 64, 1), same(64, 96, 3), same(96, 96, 3)),
        )


class ReductionA(Branches):
    """Figure 7, 35 -> 17: max pool 3x3/2 V | 3x3/2 n V | 1x1 k, 3x3 l, 3x3/2 m V.

    (N, C, H, W) -> (N, C + n + m, (H - 3) // 2 + 1, same for W).
    """

    def __init__(self, in_channels: int, k: int, l: int, m: int, n: int) -> None:  # noqa: E741
        super().__init__(
            nn.MaxPool2d(3, stride=2),
            conv(in_channels, n, 3, stride=2),
            nn.Sequential(conv(in_channels, k, 1), same(k, l, 3), conv(l, m, 3, stride=2)),
        )


class InceptionB(Branches):
    """Figure 5, the 17 x 17 block: (N, 1024, H, W) -> (N, 1024, H, W).

    avg pool, 1x1 128 | 1x1 384 | 1x1 192, 1x7 224, 7x1 256 |
    1x1 192, 1x7 192, 7x1 224, 1x7 224, 7x1 256
    """

    def __init__(self, in_channels: int = 1024) -> None:
        super().__init__(
            nn.Sequential(avg_pool_same(), conv(in_channels, 128, 1)),
            conv(in_channels, 384, 1),
            nn.Sequential(
                conv(in_channels, 192, 1), same(192, 224, (1, 7)), same(224, 256, (7, 1))
            ),
            nn.Sequential(
                conv(in_channels, 192, 1),
                same(192, 192, (1, 7)),
                same(192, 224, (7, 1)),
                same(224, 224, (1, 7)),
                same(224, 256, (7, 1)),
            ),
        )


class ReductionB(Branches):
    """Figure 8, 17 -> 8: max pool 3x3/2 V | 1x1 192, 3x3/2 192 V |
    1x1 256, 1x7 256, 7x1 320, 3x3/2 320 V.  (N, C, H, W) -> (N, C + 512, H', W')."""

    def __init__(self, in_channels: int = 1024) -> None:
        super().__init__(
            nn.MaxPool2d(3, stride=2),
            nn.Sequential(conv(in_channels, 192, 1), conv(192, 192, 3, stride=2)),
            nn.Sequential(
                conv(in_channels, 256, 1),
                same(256, 256, (1, 7)),
                same(256, 320, (7, 1)),
                conv(320, 320, 3, stride=2),
            ),
        )


class SplitPair(Branches):
    """A 1x3 and a 3x1 convolution side by side on the same maps (Figure 6's fork)."""

    def __init__(self, in_channels: int, out_each: int) -> None:
        super().__init__(same(in_channels, out_each, (1, 3)), same(in_channels, out_each, (3, 1)))


class InceptionC(Branches):
    """Figure 6, the 8 x 8 block: (N, 1536, H, W) -> (N, 1536, H, W).

    avg pool, 1x1 256 | 1x1 256 | 1x1 384, [1x3 256, 3x1 256] |
    1x1 384, 1x3 448, 3x1 512, [1x3 256, 3x1 256]
    """

    def __init__(self, in_channels: int = 1536) -> None:
        super().__init__(
            nn.Sequential(avg_pool_same(), conv(in_channels, 256, 1)),
            conv(in_channels, 256, 1),
            nn.Sequential(conv(in_channels, 384, 1), SplitPair(384, 256)),
            nn.Sequential(
                conv(in_channels, 384, 1),
                same(384, 448, (1, 3)),
                same(448, 512, (3, 1)),
                SplitPair(512, 256),
            ),
        )


class InceptionV4(nn.Module):
    """Inception v4, Figure 9 of the paper (module docstring).

    Accepts (N, in_channels, H, W) with H, W >= 75 (299 x 299 as designed). Returns
    (N, num_classes) logits.
    """

    min_size = 75  # 75 -> 37 -> 35 -> 17 -> 15 -> 7 -> 3 -> 1

    def __init__(
        self,
        num_classes: int = 1000,
        in_channels: int = 3,
        dropout: float = 0.2,
        blocks: Sequence[int] = (4, 7, 3),
    ) -> None:
        super().__init__()
        self.num_classes, self.in_channels = num_classes, in_channels
        n_a, n_b, n_c = blocks
        self.stem = Stem(in_channels)
        self.inception_a = nn.Sequential(*[InceptionA(384) for _ in range(n_a)])
        self.reduction_a = ReductionA(384, k=192, l=224, m=256, n=384)
        self.inception_b = nn.Sequential(*[InceptionB(1024) for _ in range(n_b)])
        self.reduction_b = ReductionB(1024)
        self.inception_c = nn.Sequential(*[InceptionC(1536) for _ in range(n_c)])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(1536, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        check_images("InceptionV4", x, self.in_channels, self.min_size, 299)
        x = self.inception_a(self.stem(x))
        x = self.inception_b(self.reduction_a(x))
        x = self.inception_c(self.reduction_b(x))
        return self.fc(self.dropout(self.avgpool(x).flatten(1)))


def inception_v4(num_classes: int = 1000, in_channels: int = 3) -> InceptionV4:
    """Inception v4: 42,679,816 parameters with 1000 classes."""
    return InceptionV4(num_classes, in_channels)
