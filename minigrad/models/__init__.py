"""Ready-made networks, by name: the architectures of the CNN story, with exact parameter counts.

    from minigrad import models
    model = models.resnet18(num_classes=10)          # or models.create("resnet18", ...)
    models.NAMES                                     # every name `create` knows

| file         | what                                                                    |
|--------------|-------------------------------------------------------------------------|
| lenet.py     | LeNet5 (1998)                                                           |
| alexnet.py   | AlexNet (2012)                                                          |
| vgg.py       | VGG 11/13/16/19, with or without batch norm (2014); vgg_small           |
| nin.py       | Network in Network (2013)                                               |
| googlenet.py | GoogLeNet and its Inception block, as in the paper (2014)               |
| resnet.py    | BasicBlock, Bottleneck, ResNet 18/34/50 (2015); resnet_small            |
| densenet.py  | DenseNet-121 and its dense blocks (2017)                                |

Every builder takes `num_classes` and `in_channels`. Where torchvision has the model, the
layout and the state-dict keys are torchvision's, so `load_state_dict` takes its weights.
"""

from __future__ import annotations

from collections.abc import Callable

from ..nn import Module
from .alexnet import AlexNet, alexnet
from .densenet import DenseNet, densenet121
from .googlenet import INCEPTION_CONFIGS, GoogLeNet, GoogLeNetOutputs, Inception, googlenet
from .lenet import LeNet5
from .nin import NiN, nin
from .resnet import BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50, resnet_small
from .vgg import (
    VGG,
    vgg11,
    vgg11_bn,
    vgg13,
    vgg13_bn,
    vgg16,
    vgg16_bn,
    vgg19,
    vgg19_bn,
    vgg_small,
)

# name -> (builder, the shape of one input it was designed for (C, H, W))
REGISTRY: dict[str, tuple[Callable[..., Module], tuple[int, int, int]]] = {
    "lenet5": (LeNet5, (1, 32, 32)),
    "alexnet": (alexnet, (3, 224, 224)),
    "vgg11": (vgg11, (3, 224, 224)),
    "vgg13": (vgg13, (3, 224, 224)),
    "vgg16": (vgg16, (3, 224, 224)),
    "vgg19": (vgg19, (3, 224, 224)),
    "vgg11_bn": (vgg11_bn, (3, 224, 224)),
    "vgg13_bn": (vgg13_bn, (3, 224, 224)),
    "vgg16_bn": (vgg16_bn, (3, 224, 224)),
    "vgg19_bn": (vgg19_bn, (3, 224, 224)),
    "nin": (nin, (3, 224, 224)),
    "googlenet": (googlenet, (3, 224, 224)),
    "resnet18": (resnet18, (3, 224, 224)),
    "resnet34": (resnet34, (3, 224, 224)),
    "resnet50": (resnet50, (3, 224, 224)),
    "densenet121": (densenet121, (3, 224, 224)),
    "resnet_small": (resnet_small, (1, 32, 32)),
    "vgg_small": (vgg_small, (1, 32, 32)),
}
NAMES = tuple(REGISTRY)


def create(name: str, num_classes: int | None = None, in_channels: int | None = None) -> Module:
    """Build the model called `name` (one of NAMES), optionally with other class/channel counts.

    >>> create("lenet5").num_classes
    10
    """
    if name not in REGISTRY:
        raise ValueError(
            f"models.create: unknown model {name!r}; choose one of: {', '.join(NAMES)}"
        )
    builder, _ = REGISTRY[name]
    kwargs = {}
    if num_classes is not None:
        kwargs["num_classes"] = num_classes
    if in_channels is not None:
        kwargs["in_channels"] = in_channels
    return builder(**kwargs)


def default_input_shape(name: str, in_channels: int | None = None) -> tuple[int, int, int]:
    """The (C, H, W) image shape the model `name` was designed for."""
    if name not in REGISTRY:
        raise ValueError(f"models: unknown model {name!r}; choose one of: {', '.join(NAMES)}")
    c, h, w = REGISTRY[name][1]
    return (c if in_channels is None else in_channels, h, w)


__all__ = [
    "LeNet5",
    "BasicBlock",
    "Bottleneck",
    "ResNet",
    "AlexNet",
    "VGG",
    "NiN",
    "GoogLeNet",
    "GoogLeNetOutputs",
    "Inception",
    "INCEPTION_CONFIGS",
    "DenseNet",
    "alexnet",
    "vgg11",
    "vgg13",
    "vgg16",
    "vgg19",
    "vgg11_bn",
    "vgg13_bn",
    "vgg16_bn",
    "vgg19_bn",
    "vgg_small",
    "nin",
    "googlenet",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet_small",
    "densenet121",
    "REGISTRY",
    "NAMES",
    "create",
    "default_input_shape",
]
