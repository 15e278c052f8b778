r"""AlexNet (Krizhevsky, Sutskever & Hinton, 2012), in the one-GPU layout torchvision uses.

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
"""

from __future__ import annotations

from .. import nn
from ..tensor import Tensor
from ._checks import check_images

__all__ = ["AlexNet", "alexnet"]


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
