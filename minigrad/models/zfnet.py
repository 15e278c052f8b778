r"""ZFNet (Zeiler & Fergus, 2013, "Visualizing and understanding convolutional networks").

Zeiler and Fergus looked inside AlexNet with a deconvnet (lesson 11) and found its first
layer wasteful: the 11x11 filters at stride 4 were a mix of very high and very low
frequencies with little in between, and the large stride left aliasing ("grid") artefacts
in the second layer's maps. Their fix, the network of their Figure 3:

    input  3 x 224 x 224
    layer 1  96 @ 7x7, stride 2 (pad 1)  -> 96 x 110 x 110       14,208 parameters
             max pool 3x3/2              -> 96 x 55 x 55
             contrast normalisation across feature maps (LRN)
    layer 2  256 @ 5x5, stride 2         -> 256 x 26 x 26       614,656
             max pool 3x3/2              -> 256 x 13 x 13
             contrast normalisation (LRN)
    layer 3  384 @ 3x3, pad 1            -> 384 x 13 x 13       885,120
    layer 4  384 @ 3x3, pad 1            -> 384 x 13 x 13     1,327,488
    layer 5  256 @ 3x3, pad 1            -> 256 x 13 x 13       884,992
             max pool 3x3/2              -> 256 x 6 x 6
    layer 6  fc 4096 (dropout 0.5)                         37,752,832
    layer 7  fc 4096 (dropout 0.5)                         16,781,312
    output   fc 1000                                        4,097,000
                                                   total  62,357,608

The first layer's 7x7 filters at stride 2 keep more of the middle frequencies and give
110 x 110 maps where AlexNet's 11x11/4 gave 55 x 55: four times as many positions. There is
one tower (no GPU groups), so layers 3 to 5 see all the maps below them. The max pools round
up (ceil mode, as in Caffe), which gives the figure's 110 -> 55 and 26 -> 13.

The paper gives no constants for its normalisation; AlexNet's are used (n = 5, k = 2,
alpha = 1e-4 per channel, beta = 0.75). The paper also renormalised the first layer's
filters during training (any filter whose RMS exceeded 0.1 was scaled back to 0.1); that is
part of training, not of the network.
"""

from __future__ import annotations

from collections import OrderedDict

from .. import nn
from ..tensor import Tensor
from ._checks import check_images
from .alexnet import lrn, paper_classifier

__all__ = ["ZFNet", "zfnet"]


class ZFNet(nn.Module):
    """ZFNet: `features` (layers 1-5 of Figure 3), `classifier` (layers 6, 7 and the output).

    Accepts (N, in_channels, H, W) with H, W >= 63 (224 x 224 as designed; smaller inputs
    end with maps smaller than 6 x 6, which the adaptive pooling stretches). Returns
    (N, num_classes) logits.
    """

    min_size = 63  # 63 -> 30 -> 15 -> 6 -> 3 -> 3 -> 1: the last 3x3 pool still fits

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5):
        super().__init__()
        self.num_classes, self.in_channels = num_classes, in_channels
        self.features = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(in_channels, 96, kernel_size=7, stride=2, padding=1),
                relu1=nn.ReLU(),
                pool1=nn.MaxPool2d(3, stride=2, ceil_mode=True),
                norm1=lrn(),
                conv2=nn.Conv2d(96, 256, kernel_size=5, stride=2),
                relu2=nn.ReLU(),
                pool2=nn.MaxPool2d(3, stride=2, ceil_mode=True),
                norm2=lrn(),
                conv3=nn.Conv2d(256, 384, kernel_size=3, padding=1),
                relu3=nn.ReLU(),
                conv4=nn.Conv2d(384, 384, kernel_size=3, padding=1),
                relu4=nn.ReLU(),
                conv5=nn.Conv2d(384, 256, kernel_size=3, padding=1),
                relu5=nn.ReLU(),
                pool5=nn.MaxPool2d(3, stride=2, ceil_mode=True),
            )
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = paper_classifier(num_classes, dropout)

    def forward(self, x: Tensor) -> Tensor:
        check_images("ZFNet", x, self.in_channels, self.min_size, 224)
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def zfnet(num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> ZFNet:
    """ZFNet as in Zeiler & Fergus's Figure 3: 62,357,608 parameters with 1000 classes."""
    return ZFNet(num_classes, in_channels, dropout)
