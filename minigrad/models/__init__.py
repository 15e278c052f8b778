"""Ready-made networks, by name: the architectures of the CNN story, with exact parameter counts.

    from minigrad import models
    model = models.resnet18(num_classes=10)          # or models.create("resnet18", ...)
    models.NAMES                                     # every name `create` knows

| file                | what                                                                |
|---------------------|---------------------------------------------------------------------|
| lenet.py            | LeNet5 (1998)                                                       |
| alexnet.py          | AlexNet (2012): torchvision's one-GPU layout, and the paper's       |
|                     | (two groups, LRN, 227 x 227): alexnet_paper                         |
| zfnet.py            | ZFNet (2013): AlexNet with a 7x7/2 first layer                      |
| vgg.py              | VGG 11/13/16/19, with or without batch norm (2014); vgg_small       |
| nin.py              | Network in Network (2013)                                           |
| googlenet.py        | GoogLeNet and its Inception block, as in the paper (2014), and      |
|                     | googlenet_bn (batch norm, torchvision's layout)                     |
| bninception.py      | Inception v2, BN-Inception (2015)                                   |
| inception_v3.py     | Inception v3 (2016): factorised convolutions, grid reduction        |
| inception_v4.py     | Inception v4 (2017): stem, Inception-A/B/C, Reduction-A/B           |
| inception_resnet.py | Inception-ResNet v1 and v2 (2017): residual Inception blocks        |
| resnet.py           | BasicBlock, Bottleneck, ResNet 18/34/50/101/152 (2015); resnet_small |
| densenet.py         | DenseNet-121/169/201 and their dense blocks (2017)                  |
| _layers.py          | BasicConv2d: conv (+ batch norm) + ReLU, the Inception unit         |

Every builder takes `num_classes` and `in_channels`. Where torchvision has the model, the
layout and the state-dict keys are torchvision's, so `load_state_dict` takes its weights.
Names are the same everywhere (`mg.models.create`, `minigrad summary`, `minigrad train`,
`minigrad graph`); `resolve_name` also takes the aliases in ALIASES ("lenet" for "lenet5")
and suggests the closest name for a typo.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from ..nn import Module
from .alexnet import AlexNet, AlexNetPaper, alexnet, alexnet_paper
from .bninception import BNInception, bninception
from .densenet import DenseNet, densenet121, densenet169, densenet201
from .googlenet import (
    INCEPTION_CONFIGS,
    GoogLeNet,
    GoogLeNetOutputs,
    Inception,
    googlenet,
    googlenet_bn,
)
from .inception_resnet import InceptionResNet, inception_resnet_v1, inception_resnet_v2
from .inception_v3 import InceptionV3, InceptionV3Outputs, inception_v3
from .inception_v4 import InceptionV4, inception_v4
from .lenet import LeNet5
from .nin import NiN, nin
from .resnet import (
    BasicBlock,
    Bottleneck,
    ResNet,
    resnet18,
    resnet34,
    resnet50,
    resnet101,
    resnet152,
    resnet_small,
)
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
from .zfnet import ZFNet, zfnet

# name -> (builder, the shape of one input it was designed for (C, H, W))
REGISTRY: dict[str, tuple[Callable[..., Module], tuple[int, int, int]]] = {
    "lenet5": (LeNet5, (1, 32, 32)),
    "alexnet": (alexnet, (3, 224, 224)),
    "alexnet_paper": (alexnet_paper, (3, 227, 227)),
    "zfnet": (zfnet, (3, 224, 224)),
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
    "googlenet_bn": (googlenet_bn, (3, 224, 224)),
    "bninception": (bninception, (3, 224, 224)),
    "inception_v3": (inception_v3, (3, 299, 299)),
    "inception_v4": (inception_v4, (3, 299, 299)),
    "inception_resnet_v1": (inception_resnet_v1, (3, 299, 299)),
    "inception_resnet_v2": (inception_resnet_v2, (3, 299, 299)),
    "resnet18": (resnet18, (3, 224, 224)),
    "resnet34": (resnet34, (3, 224, 224)),
    "resnet50": (resnet50, (3, 224, 224)),
    "resnet101": (resnet101, (3, 224, 224)),
    "resnet152": (resnet152, (3, 224, 224)),
    "densenet121": (densenet121, (3, 224, 224)),
    "densenet169": (densenet169, (3, 224, 224)),
    "densenet201": (densenet201, (3, 224, 224)),
    "resnet_small": (resnet_small, (1, 32, 32)),
    "vgg_small": (vgg_small, (1, 32, 32)),
}
NAMES = tuple(REGISTRY)
# other spellings a learner types, each for one name of NAMES
ALIASES: dict[str, str] = {"lenet": "lenet5"}


def resolve_name(name: str, caller: str = "models") -> str:
    """The name in NAMES that `name` means (itself, or the name an alias stands for).

    An unknown name raises a ValueError that starts with `caller`, suggests the closest
    names ("did you mean ...?") and lists them all.

    >>> resolve_name("lenet")
    'lenet5'
    """
    if not isinstance(name, str):
        raise TypeError(f"{caller}: a model name is a string, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_")
    if key in REGISTRY:
        return key
    if key in ALIASES:
        return ALIASES[key]
    close = difflib.get_close_matches(key, [*NAMES, *ALIASES], n=3, cutoff=0.6)
    hint = ""
    if close:
        quoted = [repr(c) for c in close]
        hint = " (did you mean " + (", ".join(quoted[:-1]) + " or " if len(quoted) > 1 else "")
        hint += quoted[-1] + "?)"
    aliases = ", ".join(f"{a} for {n}" for a, n in ALIASES.items())
    raise ValueError(
        f"{caller}: unknown model {name!r}{hint}; the models are: {', '.join(NAMES)} "
        f"(also: {aliases})"
    )


def create(name: str, num_classes: int | None = None, in_channels: int | None = None) -> Module:
    """Build the model called `name` (one of NAMES, or an alias), optionally with other
    class/channel counts.

    >>> create("lenet5").num_classes
    10
    """
    name = resolve_name(name, "models.create")
    builder, _ = REGISTRY[name]
    kwargs = {"num_classes": num_classes, "in_channels": in_channels}
    return builder(**{key: value for key, value in kwargs.items() if value is not None})


def default_input_shape(name: str, in_channels: int | None = None) -> tuple[int, int, int]:
    """The (C, H, W) image shape the model `name` was designed for."""
    c, h, w = REGISTRY[resolve_name(name)][1]
    return (c if in_channels is None else in_channels, h, w)


# the classes and helpers, then the builder of every name in REGISTRY (LeNet5 builds "lenet5")
__all__ = [
    "BasicBlock",
    "Bottleneck",
    "ResNet",
    "AlexNet",
    "AlexNetPaper",
    "ZFNet",
    "VGG",
    "NiN",
    "GoogLeNet",
    "GoogLeNetOutputs",
    "Inception",
    "INCEPTION_CONFIGS",
    "BNInception",
    "InceptionV3",
    "InceptionV3Outputs",
    "InceptionV4",
    "InceptionResNet",
    "DenseNet",
    "REGISTRY",
    "NAMES",
    "ALIASES",
    "resolve_name",
    "create",
    "default_input_shape",
]
__all__ += [builder.__name__ for builder, _ in REGISTRY.values()]
