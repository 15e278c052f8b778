r"""LeNet-5 (LeCun, Bottou, Bengio & Haffner, 1998): the network that read cheques.

Layer names follow the paper (C = convolution, S = subsampling, F = fully connected):

    input  1 x 32 x 32
    C1     6 @ 5x5 conv      -> 6 x 28 x 28     6 * (1*25 + 1)   =    156 parameters
    S2     2x2 pooling       -> 6 x 14 x 14
    C3     16 @ 5x5 conv     -> 16 x 10 x 10    16 * (6*25 + 1)  =  2,416
    S4     2x2 pooling       -> 16 x 5 x 5
    C5     120 @ 5x5 conv    -> 120 x 1 x 1     120 * (16*25 + 1) = 48,120
    F6     fully connected   -> 84              84 * (120 + 1)   = 10,164
    output fully connected   -> 10              10 * (84 + 1)    =    850
                                                            total  61,706

Where this differs from the paper, as most modern versions do: S2 and S4 are plain
average (or max) pooling without the paper's trainable coefficient and bias; C3 connects
to all 6 maps of S2 (the paper used a sparse table to save computation); the output layer
is a linear layer read with cross-entropy instead of radial basis functions; the paper's
scaled tanh (1.7159 tanh(2x/3)) is a plain tanh.
"""

from __future__ import annotations

from collections import OrderedDict

from .. import nn
from ..tensor import Tensor

__all__ = ["LeNet5"]

_ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}
_POOLS = {"avg": nn.AvgPool2d, "max": nn.MaxPool2d}


class LeNet5(nn.Module):
    """LeNet-5 for 32x32 images: `features` (C1..C5) then `classifier` (F6, output).

    `activation` is 'tanh' (the paper's) or 'relu' (or 'sigmoid'); `pool` is 'avg' (closest
    to the paper's subsampling) or 'max'. State-dict keys read "features.c1.weight",
    "classifier.f6.weight", "classifier.output.bias".
    """

    def __init__(
        self,
        num_classes: int = 10,
        in_channels: int = 1,
        activation: str = "tanh",
        pool: str = "avg",
    ) -> None:
        super().__init__()
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"LeNet5: activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}"
            )
        if pool not in _POOLS:
            raise ValueError(f"LeNet5: pool must be one of {sorted(_POOLS)}, got {pool!r}")
        act, pooling = _ACTIVATIONS[activation], _POOLS[pool]
        self.num_classes, self.in_channels = num_classes, in_channels
        self.features = nn.Sequential(
            OrderedDict(
                c1=nn.Conv2d(in_channels, 6, kernel_size=5),
                act1=act(),
                s2=pooling(2),
                c3=nn.Conv2d(6, 16, kernel_size=5),
                act3=act(),
                s4=pooling(2),
                c5=nn.Conv2d(16, 120, kernel_size=5),
                act5=act(),
            )
        )
        self.classifier = nn.Sequential(
            OrderedDict(
                flatten=nn.Flatten(),
                f6=nn.Linear(120, 84),
                act6=act(),
                output=nn.Linear(84, num_classes),
            )
        )

    def forward(self, x: Tensor) -> Tensor:
        if isinstance(x, Tensor) and x.ndim == 4 and x.shape[2:] != (32, 32):
            hint = (
                " Pad 28x28 MNIST digits by 2 on each side: F.pad(x, (2, 2, 2, 2))."
                if x.shape[2:] == (28, 28)
                else " Resize or pad the images to 32x32."
            )
            raise ValueError(
                f"LeNet5: expected {self.in_channels} x 32 x 32 images (input shape "
                f"(N, C, 32, 32)), got shape {x.shape}; C5's 5x5 kernel must cover the whole "
                f"5x5 map S4 leaves, which needs 32x32 inputs.{hint}"
            )
        return self.classifier(self.features(x))
