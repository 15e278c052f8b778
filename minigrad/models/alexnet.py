r"""AlexNet (Krizhevsky, Sutskever & Hinton, 2012) in two layouts: torchvision's one-GPU
`alexnet`, and `alexnet_paper`, the network the 2012 paper describes.

`alexnet`, the one-GPU layout torchvision uses:

    input  3 x 224 x 224
    conv   64 @ 11x11, stride 4, pad 2  -> 64 x 55 x 55       23,296 parameters
    pool   3x3, stride 2                -> 64 x 27 x 27
    conv   192 @ 5x5, pad 2             -> 192 x 27 x 27     307,392
    pool   3x3, stride 2                -> 192 x 13 x 13
    conv   384 @ 3x3, pad 1             -> 384 x 13 x 13     663,936
    conv   256 @ 3x3, pad 1             -> 256 x 13 x 13     884,992
    conv   256 @ 3x3, pad 1             -> 256 x 13 x 13     590,080
    pool   3x3, stride 2                -> 256 x 6 x 6
    adaptive average pool to 6 x 6      -> 9,216 features
    dropout, fc 4096                                      37,752,832
    dropout, fc 4096                                      16,781,312
    fc 1000                                                4,097,000
                                                     total 61,100,840

96% of the parameters sit in the three fully connected layers; the convolutions do
most of the arithmetic. The paper's network had 96-256-384-384-256 filters split over two
GPUs and local response normalisation; this is the later single-tower variant (Krizhevsky
2014, "One weird trick"), whose state-dict keys ("features.0.weight", "classifier.1.weight")
match torchvision's, so its weights load by name.

`alexnet_paper`, the network of the paper's Figure 2, trained on two GPUs: each GPU held
half of every layer's filters, and layers 2, 4 and 5 saw only the maps on their own GPU
(a grouped convolution, groups=2, halves their weights); layer 3 and the fully connected
layers saw both halves.

    input  3 x 227 x 227 (the paper says 224, but (224 - 11) / 4 + 1 is not a whole number)
    conv1  96 @ 11x11, stride 4         -> 96 x 55 x 55          34,944 parameters
           ReLU, LRN, max pool 3x3/2    -> 96 x 27 x 27
    conv2  256 @ 5x5, pad 2, 2 groups   -> 256 x 27 x 27        307,456
           ReLU, LRN, max pool 3x3/2    -> 256 x 13 x 13
    conv3  384 @ 3x3, pad 1             -> 384 x 13 x 13        885,120
    conv4  384 @ 3x3, pad 1, 2 groups   -> 384 x 13 x 13        663,936
    conv5  256 @ 3x3, pad 1, 2 groups   -> 256 x 13 x 13        442,624
           max pool 3x3/2               -> 256 x 6 x 6 = 9,216 features
    fc6    4096 (dropout 0.5)                                37,752,832
    fc7    4096 (dropout 0.5)                                16,781,312
    fc8    1000                                               4,097,000
                                                       total 60,965,224

The last feature map is 6 x 6 x 256 (not 7 x 7 x 512, which is VGG's). Local response
normalisation uses the paper's constants, k = 2, n = 5, alpha = 1e-4, beta = 0.75; the
paper's alpha multiplies the sum of squares directly, PyTorch's (and minigrad's) LRN divides
it by n, so the layer gets alpha = 5e-4.
"""

from __future__ import annotations

from collections import OrderedDict

from .. import nn
from ..tensor import Tensor
from ._checks import check_images

__all__ = ["AlexNet", "AlexNetPaper", "alexnet", "alexnet_paper"]


class AlexNet(nn.Module):
    """AlexNet: `features` (5 convolutions), `avgpool` (to 6 x 6), `classifier` (3 linear).

    Accepts (N, in_channels, H, W) images with H, W >= 63 (224 x 224 as designed; smaller
    maps are stretched to 6 x 6 by the adaptive pooling). Returns (N, num_classes) logits.
    """

    min_size = 63  # 63 -> 15 -> 7 -> 7 -> 3 -> 3 -> 1: the last 3x3 pool still fits

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5):
        super().__init__()
        self.num_classes, self.in_channels = num_classes, in_channels
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        check_images("AlexNet", x, self.in_channels, self.min_size, 224)
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def alexnet(num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5) -> AlexNet:
    """AlexNet as torchvision builds it: 61,100,840 parameters with 1000 classes."""
    return AlexNet(num_classes, in_channels, dropout)


def lrn() -> nn.LocalResponseNorm:
    """The paper's section 3.3: k = 2, n = 5, alpha = 1e-4 (5e-4 in PyTorch's form), beta 0.75."""
    return nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)


def paper_classifier(num_classes: int, dropout: float) -> nn.Sequential:
    """fc6, fc7 (4096 units, dropout before each) and fc8 on 256 x 6 x 6 features, by the
    paper's names (ZFNet's classifier too)."""
    return nn.Sequential(
        OrderedDict(
            drop6=nn.Dropout(dropout),
            fc6=nn.Linear(256 * 6 * 6, 4096),
            relu6=nn.ReLU(),
            drop7=nn.Dropout(dropout),
            fc7=nn.Linear(4096, 4096),
            relu7=nn.ReLU(),
            fc8=nn.Linear(4096, num_classes),
        )
    )


class AlexNetPaper(nn.Module):
    """AlexNet as the 2012 paper built it: two groups, LRN, 227 x 227 input (module docstring).

    `features` holds conv1 ... pool5 by name, `classifier` fc6, fc7, fc8. Accepts
    (N, in_channels, H, W) with H, W >= 67 (227 x 227 as designed). Returns (N, num_classes)
    logits.
    """

    min_size = 67  # 67 -> 15 -> 7 -> 7 -> 3 -> 3 -> 1

    def __init__(self, num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5):
        super().__init__()
        self.num_classes, self.in_channels = num_classes, in_channels
        self.features = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(in_channels, 96, kernel_size=11, stride=4),
                relu1=nn.ReLU(),
                norm1=lrn(),
                pool1=nn.MaxPool2d(3, stride=2),
                conv2=nn.Conv2d(96, 256, kernel_size=5, padding=2, groups=2),
                relu2=nn.ReLU(),
                norm2=lrn(),
                pool2=nn.MaxPool2d(3, stride=2),
                conv3=nn.Conv2d(256, 384, kernel_size=3, padding=1),
                relu3=nn.ReLU(),
                conv4=nn.Conv2d(384, 384, kernel_size=3, padding=1, groups=2),
                relu4=nn.ReLU(),
                conv5=nn.Conv2d(384, 256, kernel_size=3, padding=1, groups=2),
                relu5=nn.ReLU(),
                pool5=nn.MaxPool2d(3, stride=2),
            )
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = paper_classifier(num_classes, dropout)

    def forward(self, x: Tensor) -> Tensor:
        check_images("AlexNet (2012 paper)", x, self.in_channels, self.min_size, 227)
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def alexnet_paper(
    num_classes: int = 1000, in_channels: int = 3, dropout: float = 0.5
) -> AlexNetPaper:
    """AlexNet as in the 2012 paper (two groups, LRN, 227 input): 60,965,224 parameters."""
    return AlexNetPaper(num_classes, in_channels, dropout)
