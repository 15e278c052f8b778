r"""Inception v2, "BN-Inception" (Ioffe & Szegedy, 2015, the batch normalization paper).

GoogLeNet (v1) with four changes, each named in the paper's section 4.2 and Figure 5:

1. batch norm after every convolution, before its ReLU (so training could run 14 times
   fewer steps at a 30 times higher learning rate); LRN and dropout were removed;
2. every 5x5 convolution became two stacked 3x3 ones ("double 3x3"): the same 5x5 window
   with 18 instead of 25 weights per channel pair, and one more ReLU;
3. the pooling branch uses average pooling in most blocks (max in 3c, 4e and 5b);
4. two blocks (3c, 4e) reduce the grid themselves: their 3x3 convolutions have stride 2 and
   their pooling branch passes the input through unchanged (no 1x1 projection), instead of
   GoogLeNet's separate max pools between the stages.

One Inception-v2 block (`InceptionV2`), on C input maps:

    branch1  1x1 conv                                   -> n1x1 maps (absent in 3c, 4e)
    branch2  1x1 conv (n3x3red) -> 3x3 conv              -> n3x3 maps
    branch3  1x1 conv (dbl_red) -> 3x3 conv -> 3x3 conv  -> dbl maps
    branch4  3x3 avg or max pool -> 1x1 conv             -> proj maps (or the C input maps)

The network, Figure 5's table (sizes for a 224 x 224 input):

    conv1 7x7/2, 64; max pool 3x3/2              -> 64 x 56 x 56
    conv2 1x1, 64; conv 3x3, 192; max pool 3x3/2  -> 192 x 28 x 28
    inception 3a, 3b                              -> 320 x 28 x 28
    inception 3c (stride 2)                       -> 576 x 14 x 14
    inception 4a, 4b, 4c, 4d                      -> 608 x 14 x 14
    inception 4e (stride 2)                       -> 1056 x 7 x 7
    inception 5a, 5b                              -> 1024 x 7 x 7
    global average pool, fc                       -> num_classes

11,295,240 parameters with 1000 classes. The figure's "output size" column says 576 for 4c
and 4d and 1024 for 4e, but its own filter columns add up to 608 and 1056 (160 + 160 + 160 +
128 = 608); the filter columns are what the released model has, and what is built here.
As in that model (converted from Caffe), the convolutions keep their biases beside batch
norm, max pools round up (ceil mode), and the stride-2 blocks pool with padding 1 so their
branches agree on the size for any input.
"""

from __future__ import annotations

from .. import nn
from ..tensor import Tensor, cat
from ._checks import check_images
from ._layers import BasicConv2d

__all__ = ["BNInception", "InceptionV2", "BN_INCEPTION_CONFIGS", "bninception"]

# Figure 5, row by row: in_channels, #1x1, #3x3 reduce, #3x3, double #3x3 reduce, double #3x3,
# pool ("avg" or "max"), pool projection (0: pass-through), stride.
BN_INCEPTION_CONFIGS: dict[str, tuple[int, int, int, int, int, int, str, int, int]] = {
    "inception3a": (192, 64, 64, 64, 64, 96, "avg", 32, 1),
    "inception3b": (256, 64, 64, 96, 64, 96, "avg", 64, 1),
    "inception3c": (320, 0, 128, 160, 64, 96, "max", 0, 2),
    "inception4a": (576, 224, 64, 96, 96, 128, "avg", 128, 1),
    "inception4b": (576, 192, 96, 128, 96, 128, "avg", 128, 1),
    "inception4c": (576, 160, 128, 160, 128, 160, "avg", 128, 1),
    "inception4d": (608, 96, 128, 192, 160, 192, "avg", 128, 1),
    "inception4e": (608, 0, 128, 192, 192, 256, "max", 0, 2),
    "inception5a": (1056, 352, 192, 320, 160, 224, "avg", 128, 1),
    "inception5b": (1024, 352, 192, 320, 192, 224, "max", 128, 1),
}


def _conv(c: int, o: int, k: int, stride: int = 1, padding: int = 0) -> BasicConv2d:
    """conv (with bias, as in the released model) -> BN (eps 1e-5) -> ReLU."""
    return BasicConv2d(c, o, k, stride, padding, batch_norm=True, eps=1e-5, bias=True)


class InceptionV2(nn.Module):
    """One row of Figure 5: (N, C, H, W) -> (N, out_channels, H / stride, W / stride)."""

    def __init__(
        self,
        in_channels: int,
        n1x1: int,
        n3x3red: int,
        n3x3: int,
        dbl_red: int,
        dbl: int,
        pool: str,
        proj: int,
        stride: int = 1,
    ) -> None:
        super().__init__()
        if pool not in ("avg", "max"):
            raise ValueError(f"InceptionV2: pool must be 'avg' or 'max', got {pool!r}")
        self.out_channels = n1x1 + n3x3 + dbl + (proj if proj else in_channels)
        self.branch1 = _conv(in_channels, n1x1, 1) if n1x1 else None
        self.branch2 = nn.Sequential(
            _conv(in_channels, n3x3red, 1), _conv(n3x3red, n3x3, 3, stride, 1)
        )
        self.branch3 = nn.Sequential(
            _conv(in_channels, dbl_red, 1),
            _conv(dbl_red, dbl, 3, 1, 1),
            _conv(dbl, dbl, 3, stride, 1),
        )
        pooling = nn.AvgPool2d if pool == "avg" else nn.MaxPool2d
        projection = [_conv(in_channels, proj, 1)] if proj else []  # none: pass the input on
        self.branch4 = nn.Sequential(pooling(3, stride=stride, padding=1), *projection)

    def forward(self, x: Tensor) -> Tensor:
        branches = (self.branch1, self.branch2, self.branch3, self.branch4)
        return cat([branch(x) for branch in branches if branch is not None], 1)


class BNInception(nn.Module):
    """Inception v2 (BN-Inception), Figure 5 of the batch normalization paper.

    Accepts (N, in_channels, H, W) with H, W >= 11 (224 x 224 as designed). Returns
    (N, num_classes) logits.
    """

    min_size = 11  # 11 -> 6 -> 3 -> 3 -> 1 -> 1 -> 1 (the stride-2 blocks pad)

    def __init__(self, num_classes: int = 1000, in_channels: int = 3) -> None:
        super().__init__()
        self.num_classes, self.in_channels = num_classes, in_channels
        self.conv1 = _conv(in_channels, 64, 7, stride=2, padding=3)
        self.pool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2_reduce = _conv(64, 64, 1)
        self.conv2 = _conv(64, 192, 3, padding=1)
        self.pool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        for name, config in BN_INCEPTION_CONFIGS.items():
            setattr(self, name, InceptionV2(*config))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        check_images("BNInception", x, self.in_channels, self.min_size, 224)
        x = self.pool1(self.conv1(x))
        x = self.pool2(self.conv2(self.conv2_reduce(x)))
        for name in BN_INCEPTION_CONFIGS:
            x = getattr(self, name)(x)
        return self.fc(self.avgpool(x).flatten(1))


def bninception(num_classes: int = 1000, in_channels: int = 3) -> BNInception:
    """Inception v2 with batch norm (BN-Inception): 11,295,240 parameters with 1000 classes."""
    return BNInception(num_classes, in_channels)
