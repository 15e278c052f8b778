r"""Inception v3 (Szegedy, Vanhoucke, Ioffe, Shlens & Wojna, 2016, "Rethinking the Inception
architecture for computer vision").

Two ideas on top of BN-Inception (v2), each a figure of the paper:

* **Factorised convolutions.** A 5x5 convolution becomes two 3x3 ones (Figure 5), and an n x n
  one becomes a 1 x n followed by an n x 1 (Figures 6 and 7): the same window with 2n instead
  of n^2 weights per channel pair (n = 7: 14 instead of 49), and one more ReLU.
* **Grid reduction without a bottleneck** (Figure 10). Pooling first and then widening
  squeezes the information through a narrow map; widening first and then pooling costs three
  times as much. Instead a block runs stride-2 convolutions *beside* a stride-2 max pool and
  concatenates them: the grid halves while the channels grow.

The network, Table 1 of the paper (sizes for a 299 x 299 input; torchvision's attribute
names, which come from the TensorFlow release, so its weights load by name):

    Conv2d_1a_3x3  3x3/2, 32                       -> 32 x 149 x 149
    Conv2d_2a_3x3  3x3, 32                         -> 32 x 147 x 147
    Conv2d_2b_3x3  3x3 padded, 64; max pool 3x3/2  -> 64 x 73 x 73
    Conv2d_3b_1x1  1x1, 80                         -> 80 x 73 x 73
    Conv2d_4a_3x3  3x3, 192; max pool 3x3/2        -> 192 x 35 x 35
    Mixed_5b, 5c, 5d   3 x Inception35 (Figure 5)  -> 288 x 35 x 35
    Mixed_6a           GridReduction35 (Figure 10) -> 768 x 17 x 17
    Mixed_6b .. 6e     4 x Inception17 (Figure 6)  -> 768 x 17 x 17
    AuxLogits          auxiliary classifier on the 17 x 17 maps (Figure 8), while training
    Mixed_7a           GridReduction17             -> 1280 x 8 x 8
    Mixed_7b, 7c       2 x Inception8 (Figure 7)   -> 2048 x 8 x 8
    global average pool, dropout 0.5, fc           -> num_classes

27,161,264 parameters with 1000 classes and the auxiliary head (23,834,568 without it).
Every convolution is followed by batch norm (eps 0.001) and ReLU, and has no bias. The
released model differs from the paper's Figure 5 in one branch: the 35 x 35 blocks keep a
1x1 -> 5x5 branch beside the two-3x3 one. The layout built here is the released one.

The auxiliary classifier is the paper's regulariser: in training mode the model returns
`InceptionV3Outputs(logits, aux)`, and the loss is `loss(logits) + 0.3 * loss(aux)` (the 0.3
of GoogLeNet); in eval mode it returns the logits only.
"""

from __future__ import annotations

from typing import NamedTuple

from .. import nn
from ..tensor import Tensor, cat
from ._checks import check_images
from ._layers import conv as _conv

__all__ = [
    "InceptionV3",
    "InceptionV3Outputs",
    "Inception35",
    "GridReduction35",
    "Inception17",
    "GridReduction17",
    "Inception8",
    "InceptionV3Aux",
    "inception_v3",
]


class Inception35(nn.Module):
    """The 35 x 35 block (Figure 5, as released): (N, C, 35, 35) -> (N, 224 + pool_features).

    1x1 64 | 1x1 48 -> 5x5 64 | 1x1 64 -> 3x3 96 -> 3x3 96 | avg pool -> 1x1 pool_features
    """

    def __init__(self, in_channels: int, pool_features: int) -> None:
        super().__init__()
        self.out_channels = 64 + 64 + 96 + pool_features
        self.branch1x1 = _conv(in_channels, 64, 1)
        self.branch5x5_1 = _conv(in_channels, 48, 1)
        self.branch5x5_2 = _conv(48, 64, 5, padding=2)
        self.branch3x3dbl_1 = _conv(in_channels, 64, 1)
        self.branch3x3dbl_2 = _conv(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = _conv(96, 96, 3, padding=1)
        self.branch_pool_avg = nn.AvgPool2d(3, stride=1, padding=1)
        self.branch_pool = _conv(in_channels, pool_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.branch1x1(x)
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        bp = self.branch_pool(self.branch_pool_avg(x))
        return cat([b1, b5, b3, bp], 1)


class GridReduction35(nn.Module):
    """35 -> 17 (Figure 10): 3x3/2 384 | 1x1 64 -> 3x3 96 -> 3x3/2 96 | max pool 3x3/2.

    (N, C, H, W) -> (N, 384 + 96 + C, (H - 3) // 2 + 1, same for W).
    """

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.out_channels = 384 + 96 + in_channels
        self.branch3x3 = _conv(in_channels, 384, 3, stride=2)
        self.branch3x3dbl_1 = _conv(in_channels, 64, 1)
        self.branch3x3dbl_2 = _conv(64, 96, 3, padding=1)
        self.branch3x3dbl_3 = _conv(96, 96, 3, stride=2)
        self.branch_pool = nn.MaxPool2d(3, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        b3 = self.branch3x3(x)
        bd = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return cat([b3, bd, self.branch_pool(x)], 1)


class Inception17(nn.Module):
    """The 17 x 17 block (Figure 6, n = 7): 7x7 convolutions factorised into 1x7 and 7x1.

    1x1 192 | 1x1 c7 -> 1x7 c7 -> 7x1 192 | 1x1 c7 -> 7x1 c7 -> 1x7 c7 -> 7x1 c7 -> 1x7 192 |
    avg pool -> 1x1 192;  (N, C, H, W) -> (N, 768, H, W).
    """

    def __init__(self, in_channels: int, channels_7x7: int) -> None:
        super().__init__()
        c7 = channels_7x7
        self.out_channels = 4 * 192
        self.branch1x1 = _conv(in_channels, 192, 1)
        self.branch7x7_1 = _conv(in_channels, c7, 1)
        self.branch7x7_2 = _conv(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7_3 = _conv(c7, 192, (7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = _conv(in_channels, c7, 1)
        self.branch7x7dbl_2 = _conv(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = _conv(c7, c7, (1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = _conv(c7, c7, (7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = _conv(c7, 192, (1, 7), padding=(0, 3))
        self.branch_pool_avg = nn.AvgPool2d(3, stride=1, padding=1)
        self.branch_pool = _conv(in_channels, 192, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.branch1x1(x)
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        bd = self.branch7x7dbl_3(self.branch7x7dbl_2(self.branch7x7dbl_1(x)))
        bd = self.branch7x7dbl_5(self.branch7x7dbl_4(bd))
        bp = self.branch_pool(self.branch_pool_avg(x))
        return cat([b1, b7, bd, bp], 1)


class GridReduction17(nn.Module):
    """17 -> 8: 1x1 192 -> 3x3/2 320 | 1x1 192 -> 1x7 -> 7x1 -> 3x3/2 192 | max pool 3x3/2.

    (N, C, H, W) -> (N, 320 + 192 + C, (H - 3) // 2 + 1, same for W).
    """

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.out_channels = 320 + 192 + in_channels
        self.branch3x3_1 = _conv(in_channels, 192, 1)
        self.branch3x3_2 = _conv(192, 320, 3, stride=2)
        self.branch7x7x3_1 = _conv(in_channels, 192, 1)
        self.branch7x7x3_2 = _conv(192, 192, (1, 7), padding=(0, 3))
        self.branch7x7x3_3 = _conv(192, 192, (7, 1), padding=(3, 0))
        self.branch7x7x3_4 = _conv(192, 192, 3, stride=2)
        self.branch_pool = nn.MaxPool2d(3, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        b3 = self.branch3x3_2(self.branch3x3_1(x))
        b7 = self.branch7x7x3_2(self.branch7x7x3_1(x))
        b7 = self.branch7x7x3_4(self.branch7x7x3_3(b7))
        return cat([b3, b7, self.branch_pool(x)], 1)


class Inception8(nn.Module):
    """The 8 x 8 block (Figure 7): the 3x3 convolutions split into 1x3 and 3x1 side by side,
    to widen the output (high-dimensional representations at the coarsest grid).

    1x1 320 | 1x1 384 -> [1x3 384, 3x1 384] | 1x1 448 -> 3x3 384 -> [1x3 384, 3x1 384] |
    avg pool -> 1x1 192;  (N, C, H, W) -> (N, 2048, H, W).
    """

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.out_channels = 320 + 768 + 768 + 192
        self.branch1x1 = _conv(in_channels, 320, 1)
        self.branch3x3_1 = _conv(in_channels, 384, 1)
        self.branch3x3_2a = _conv(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3_2b = _conv(384, 384, (3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = _conv(in_channels, 448, 1)
        self.branch3x3dbl_2 = _conv(448, 384, 3, padding=1)
        self.branch3x3dbl_3a = _conv(384, 384, (1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = _conv(384, 384, (3, 1), padding=(1, 0))
        self.branch_pool_avg = nn.AvgPool2d(3, stride=1, padding=1)
        self.branch_pool = _conv(in_channels, 192, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.branch1x1(x)
        b3 = self.branch3x3_1(x)
        b3 = cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        bd = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        bd = cat([self.branch3x3dbl_3a(bd), self.branch3x3dbl_3b(bd)], 1)
        bp = self.branch_pool(self.branch_pool_avg(x))
        return cat([b1, b3, bd, bp], 1)


class InceptionV3Aux(nn.Module):
    """The auxiliary classifier (Figure 8): 5x5/3 average pool (17 -> 5), 1x1 conv 128, 5x5
    conv 768 (5 -> 1), fc. Needs maps of at least 17 x 17 (the grid of a 299 x 299 image)."""

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.avgpool = nn.AvgPool2d(5, stride=3)
        self.conv0 = _conv(in_channels, 128, 1)
        self.conv1 = _conv(128, 768, 5)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(768, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(self.conv0(self.avgpool(x)))
        return self.fc(self.pool(x).flatten(1))


class InceptionV3Outputs(NamedTuple):
    """What InceptionV3 returns while training with its auxiliary head: train on
    loss(logits) + 0.3 * loss(aux)."""

    logits: Tensor
    aux: Tensor


class InceptionV3(nn.Module):
    """Inception v3, Table 1 of the paper (module docstring).

    Accepts (N, in_channels, H, W) with H, W >= 75 (299 x 299 as designed); training with the
    auxiliary head needs the full 299 x 299 (its 5x5/3 pooling and 5x5 convolution need the
    whole 17 x 17 grid); for smaller images use aux_logits=False or eval mode. Returns
    (N, num_classes) logits, or `InceptionV3Outputs(logits, aux)` in training mode with
    `aux_logits=True`.
    """

    min_size = 75  # 75 -> 37 -> 35 -> 17 -> 15 -> 7 -> 3 -> 1
    min_size_aux = 299  # 299 -> 149 -> 147 -> 73 -> 71 -> 35 -> 17: the aux head's 5x5/3 pool
    # gives 5 x 5, which its 5x5 convolution turns into 1 x 1

    def __init__(
        self,
        num_classes: int = 1000,
        in_channels: int = 3,
        aux_logits: bool = True,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        self.num_classes, self.in_channels, self.aux_logits = num_classes, in_channels, aux_logits
        self.Conv2d_1a_3x3 = _conv(in_channels, 32, 3, stride=2)
        self.Conv2d_2a_3x3 = _conv(32, 32, 3)
        self.Conv2d_2b_3x3 = _conv(32, 64, 3, padding=1)
        self.maxpool1 = nn.MaxPool2d(3, stride=2)
        self.Conv2d_3b_1x1 = _conv(64, 80, 1)
        self.Conv2d_4a_3x3 = _conv(80, 192, 3)
        self.maxpool2 = nn.MaxPool2d(3, stride=2)
        self.Mixed_5b = Inception35(192, pool_features=32)
        self.Mixed_5c = Inception35(256, pool_features=64)
        self.Mixed_5d = Inception35(288, pool_features=64)
        self.Mixed_6a = GridReduction35(288)
        self.Mixed_6b = Inception17(768, channels_7x7=128)
        self.Mixed_6c = Inception17(768, channels_7x7=160)
        self.Mixed_6d = Inception17(768, channels_7x7=160)
        self.Mixed_6e = Inception17(768, channels_7x7=192)
        self.AuxLogits = InceptionV3Aux(768, num_classes) if aux_logits else None
        self.Mixed_7a = GridReduction17(768)
        self.Mixed_7b = Inception8(1280)
        self.Mixed_7c = Inception8(2048)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(2048, num_classes)

    def forward(self, x: Tensor) -> Tensor | InceptionV3Outputs:
        check_images("InceptionV3", x, self.in_channels, self.min_size, 299)
        use_aux = self.AuxLogits is not None and self.training
        if use_aux and min(x.shape[2:]) < self.min_size_aux:
            raise ValueError(
                f"InceptionV3: training with the auxiliary head needs images of at least "
                f"{self.min_size_aux} x {self.min_size_aux} (the head's 5x5/3 pooling and 5x5 "
                f"convolution need the 17 x 17 grid), got {x.shape[2]} x {x.shape[3]}; build "
                "the model with aux_logits=False, or call model.eval()"
            )
        x = self.maxpool1(self.Conv2d_2b_3x3(self.Conv2d_2a_3x3(self.Conv2d_1a_3x3(x))))
        x = self.maxpool2(self.Conv2d_4a_3x3(self.Conv2d_3b_1x1(x)))
        x = self.Mixed_5d(self.Mixed_5c(self.Mixed_5b(x)))
        x = self.Mixed_6a(x)
        x = self.Mixed_6e(self.Mixed_6d(self.Mixed_6c(self.Mixed_6b(x))))
        aux = self.AuxLogits(x) if use_aux else None
        x = self.Mixed_7c(self.Mixed_7b(self.Mixed_7a(x)))
        logits = self.fc(self.dropout(self.avgpool(x).flatten(1)))
        return InceptionV3Outputs(logits, aux) if use_aux else logits


def inception_v3(
    num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = True
) -> InceptionV3:
    """Inception v3 with its auxiliary head: 27,161,264 parameters with 1000 classes."""
    return InceptionV3(num_classes, in_channels, aux_logits)
