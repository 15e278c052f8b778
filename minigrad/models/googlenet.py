r"""GoogLeNet (Szegedy et al., 2014, "Going deeper with convolutions"), as in the paper.

The Inception block runs four branches on the same input and concatenates their maps:

    branch1  1x1 conv                               -> n1x1 maps
    branch2  1x1 conv (n3x3red) -> 3x3 conv         -> n3x3 maps
    branch3  1x1 conv (n5x5red) -> 5x5 conv         -> n5x5 maps
    branch4  3x3 max pool (stride 1) -> 1x1 conv    -> pool_proj maps

The 1x1 "reduce" convolutions shrink the channels before the costly 3x3 and 5x5 ones; that
is how 22 layers fit in 7 million parameters (every convolution is followed by a ReLU). A
block with C input channels has, counting biases,

    n1x1 (C + 1) + n3x3red (C + 1) + n3x3 (9 n3x3red + 1) + n5x5red (C + 1)
    + n5x5 (25 n5x5red + 1) + pool_proj (C + 1)

parameters. The network (the paper's Table 1; sizes for a 224 x 224 input):

    conv1 7x7/2, 64; max pool 3x3/2; LRN             -> 64 x 56 x 56
    conv2 1x1, 64; conv3 3x3, 192; LRN; max pool     -> 192 x 28 x 28
    inception 3a, 3b; max pool 3x3/2                 -> 480 x 14 x 14
    inception 4a, 4b, 4c, 4d, 4e; max pool 3x3/2     -> 832 x 7 x 7
    inception 5a, 5b                                 -> 1024 x 7 x 7
    global average pool, dropout 40%, fc             -> num_classes

6,998,552 parameters with 1000 classes; the two auxiliary classifiers (on 4a and 4d,
used only while training, their losses weighted 0.3) add 3,188,840 + 3,190,888.

This is the paper's network: 5x5 convolutions in branch3, local response normalisation, no
batch norm. torchvision's `googlenet` differs (batch norm everywhere, 3x3 in place of 5x5),
so its weights do not fit this model. Max pools round up (ceil mode, as in the original
Caffe model), which gives the paper's 112 -> 56 -> 28 -> 14 -> 7.

`googlenet_bn` is the same network as torchvision builds it, the way it is trained today:
batch norm after every convolution (whose bias is then dropped), no LRN, dropout 20%, and a
3x3 convolution in branch3 where the paper has 5x5 (torchvision kept that slip so that its
weights load): 6,624,904 parameters with 1000 classes and no auxiliary heads.
"""

from __future__ import annotations

from typing import NamedTuple

from .. import nn
from ..nn import LocalResponseNorm
from ..tensor import Tensor, cat
from ._checks import check_images
from ._layers import BasicConv2d

__all__ = [
    "GoogLeNet",
    "GoogLeNetOutputs",
    "Inception",
    "InceptionAux",
    "BasicConv2d",
    "LocalResponseNorm",
    "INCEPTION_CONFIGS",
    "googlenet",
    "googlenet_bn",
]

# The paper's Table 1: in_channels, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
INCEPTION_CONFIGS: dict[str, tuple[int, int, int, int, int, int, int]] = {
    "inception3a": (192, 64, 96, 128, 16, 32, 32),
    "inception3b": (256, 128, 128, 192, 32, 96, 64),
    "inception4a": (480, 192, 96, 208, 16, 48, 64),
    "inception4b": (512, 160, 112, 224, 24, 64, 64),
    "inception4c": (512, 128, 128, 256, 24, 64, 64),
    "inception4d": (512, 112, 144, 288, 32, 64, 64),
    "inception4e": (528, 256, 160, 320, 32, 128, 128),
    "inception5a": (832, 256, 160, 320, 32, 128, 128),
    "inception5b": (832, 384, 192, 384, 48, 128, 128),
}


class Inception(nn.Module):
    """Four branches (1x1; 1x1-3x3; 1x1-5x5; pool-1x1) concatenated along the channels.

    (N, in_channels, H, W) -> (N, n1x1 + n3x3 + n5x5 + pool_proj, H, W). `batch_norm` puts
    batch norm after every convolution; `branch3_kernel=3` is torchvision's 3x3 in branch3.
    """

    def __init__(
        self,
        in_channels: int,
        n1x1: int,
        n3x3red: int,
        n3x3: int,
        n5x5red: int,
        n5x5: int,
        pool_proj: int,
        batch_norm: bool = False,
        branch3_kernel: int = 5,
    ) -> None:
        super().__init__()
        self.out_channels = n1x1 + n3x3 + n5x5 + pool_proj
        bn = {"batch_norm": batch_norm}
        self.branch1 = BasicConv2d(in_channels, n1x1, kernel_size=1, **bn)
        self.branch2 = nn.Sequential(
            BasicConv2d(in_channels, n3x3red, kernel_size=1, **bn),
            BasicConv2d(n3x3red, n3x3, kernel_size=3, padding=1, **bn),
        )
        k = branch3_kernel
        self.branch3 = nn.Sequential(
            BasicConv2d(in_channels, n5x5red, kernel_size=1, **bn),
            BasicConv2d(n5x5red, n5x5, kernel_size=k, padding=k // 2, **bn),
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
            BasicConv2d(in_channels, pool_proj, kernel_size=1, **bn),
        )

    def forward(self, x: Tensor) -> Tensor:
        branches = (self.branch1, self.branch2, self.branch3, self.branch4)
        return cat([branch(x) for branch in branches], 1)


class InceptionAux(nn.Module):
    """Auxiliary classifier: average pool to 4 x 4, 1x1 conv 128, fc 1024, dropout 70%, fc.

    The paper pools 5x5 with stride 3, which turns 14 x 14 into 4 x 4; adaptive pooling gives
    the same there and lets other input sizes work.
    """

    def __init__(
        self, in_channels: int, num_classes: int, dropout: float = 0.7, batch_norm: bool = False
    ) -> None:
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d((4, 4))
        self.conv = BasicConv2d(in_channels, 128, kernel_size=1, batch_norm=batch_norm)
        self.fc1 = nn.Linear(128 * 4 * 4, 1024)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(dropout)
        self.fc2 = nn.Linear(1024, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv(self.avgpool(x)).flatten(1)
        return self.fc2(self.dropout(self.relu(self.fc1(x))))


class GoogLeNetOutputs(NamedTuple):
    """What GoogLeNet returns while training with auxiliary heads: train on
    loss(logits) + 0.3 * (loss(aux1) + loss(aux2))."""

    logits: Tensor
    aux1: Tensor
    aux2: Tensor


class GoogLeNet(nn.Module):
    """GoogLeNet (Inception v1) as in the paper; see the module docstring for the layout.

    With `aux_logits=True` the model has the two auxiliary classifiers, and in training
    mode returns `GoogLeNetOutputs(logits, aux1, aux2)`; in eval mode (or without them) it
    returns the (N, num_classes) logits. Accepts (N, in_channels, H, W) with H, W >= 47
    (224 x 224 as designed). `batch_norm=True` puts batch norm after every convolution
    (`googlenet_bn`); `branch3_kernel` is the kernel of the Inception blocks' third branch.
    """

    min_size = 47  # conv1 and the four 3x3/2 pools: 47 -> 24 -> 12 -> 6 -> 3 -> 1

    def __init__(
        self,
        num_classes: int = 1000,
        in_channels: int = 3,
        aux_logits: bool = False,
        dropout: float = 0.4,
        dropout_aux: float = 0.7,
        lrn: bool = True,
        batch_norm: bool = False,
        branch3_kernel: int = 5,
    ) -> None:
        super().__init__()
        self.num_classes, self.in_channels, self.aux_logits = num_classes, in_channels, aux_logits
        bn = {"batch_norm": batch_norm}

        def norm() -> nn.Module:
            return LocalResponseNorm(5, alpha=1e-4, beta=0.75) if lrn else nn.Identity()

        def inception(name: str) -> Inception:
            return Inception(*INCEPTION_CONFIGS[name], **bn, branch3_kernel=branch3_kernel)

        self.conv1 = BasicConv2d(in_channels, 64, kernel_size=7, stride=2, padding=3, **bn)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.norm1 = norm()
        self.conv2 = BasicConv2d(64, 64, kernel_size=1, **bn)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1, **bn)
        self.norm2 = norm()
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = inception("inception3a")
        self.inception3b = inception("inception3b")
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = inception("inception4a")
        self.inception4b = inception("inception4b")
        self.inception4c = inception("inception4c")
        self.inception4d = inception("inception4d")
        self.inception4e = inception("inception4e")
        self.maxpool4 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception5a = inception("inception5a")
        self.inception5b = inception("inception5b")
        if aux_logits:
            self.aux1 = InceptionAux(512, num_classes, dropout_aux, **bn)
            self.aux2 = InceptionAux(528, num_classes, dropout_aux, **bn)
        else:
            self.aux1 = self.aux2 = None
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x: Tensor) -> Tensor | GoogLeNetOutputs:
        check_images("GoogLeNet", x, self.in_channels, self.min_size, 224)
        x = self.norm1(self.maxpool1(self.conv1(x)))
        x = self.maxpool2(self.norm2(self.conv3(self.conv2(x))))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        logits = self.fc(self.dropout(self.avgpool(x).flatten(1)))
        if aux1 is not None:
            return GoogLeNetOutputs(logits, aux1, aux2)
        return logits


def googlenet(num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = False) -> GoogLeNet:
    """GoogLeNet per the paper: 6,998,552 parameters with 1000 classes (no auxiliary heads)."""
    return GoogLeNet(num_classes, in_channels, aux_logits)


def googlenet_bn(
    num_classes: int = 1000, in_channels: int = 3, aux_logits: bool = False
) -> GoogLeNet:
    """GoogLeNet with batch norm, torchvision's layout (no LRN, 3x3 in branch3, dropout 0.2):
    6,624,904 parameters with 1000 classes (no auxiliary heads)."""
    return GoogLeNet(
        num_classes, in_channels, aux_logits, dropout=0.2, lrn=False, batch_norm=True,
        branch3_kernel=3,
    )  # fmt: skip
