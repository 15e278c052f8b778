r"""Network in Network (Lin, Chen & Yan, 2013): 1x1 convolutions and global average pooling.

An NiN block is one ordinary convolution followed by two 1x1 convolutions, each with a ReLU:
a small multilayer perceptron applied at every pixel (the "network in the network"). The
last block outputs one map per class, and global average pooling turns each map into that
class's score, so there is no fully connected layer at all.

    block  96 @ 11x11, stride 4   + 2 x (96 @ 1x1)       -> 96 x 54 x 54
    pool   3x3, stride 2                                 -> 96 x 26 x 26
    block  256 @ 5x5, pad 2       + 2 x (256 @ 1x1)      -> 256 x 26 x 26
    pool   3x3, stride 2                                 -> 256 x 12 x 12
    block  384 @ 3x3, pad 1       + 2 x (384 @ 1x1)      -> 384 x 12 x 12
    pool   3x3, stride 2, dropout 0.5                    -> 384 x 5 x 5
    block  K @ 3x3, pad 1         + 2 x (K @ 1x1)        -> K x 5 x 5     (K = num_classes)
    global average pooling, flatten                      -> K scores

With 1000 classes that is 7,439,608 parameters (a block with kernel k from C to O channels
has O*C*k*k + O + 2 * (O*O + O)). This is the ImageNet layout as usually taught (Dive into
Deep Learning); the paper's Caffe model used 1024 maps before the last 1x1 layers.
"""

from __future__ import annotations

from .. import nn
from ..tensor import Tensor
from ._checks import check_images

__all__ = ["NiN", "nin", "nin_block"]


def nin_block(
    in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0
) -> nn.Sequential:
    """conv(kernel_size) + ReLU, then two 1x1 conv + ReLU: a per-pixel MLP after a convolution."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.ReLU(),
    )


class NiN(nn.Module):
    """Network in Network: `features` (four NiN blocks, three max pools) then global pooling.

    Accepts (N, in_channels, H, W) with H, W >= 67 (224 x 224 as designed). Returns
    (N, num_classes) scores: the mean of each class's final feature map.
    """

    min_size = 67  # 67 -> 15 -> 7 -> 7 -> 3 -> 3 -> 1: the third 3x3 pool still fits

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5):
        super().__init__()
        self.num_classes, self.in_channels = num_classes, in_channels
        self.features = nn.Sequential(
            nin_block(in_channels, 96, kernel_size=11, stride=4),
            nn.MaxPool2d(3, stride=2),
            nin_block(96, 256, kernel_size=5, padding=2),
            nn.MaxPool2d(3, stride=2),
            nin_block(256, 384, kernel_size=3, padding=1),
            nn.MaxPool2d(3, stride=2),
            nn.Dropout(dropout),
            nin_block(384, num_classes, kernel_size=3, padding=1),
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()

    def forward(self, x: Tensor) -> Tensor:
        check_images("NiN", x, self.in_channels, self.min_size, 224)
        return self.flatten(self.avgpool(self.features(x)))


def nin(num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> NiN:
    """Network in Network for 224 x 224 images; 7,439,608 parameters with 1000 classes."""
    return NiN(num_classes, in_channels, dropout)
