r"""`minigrad.nn`: layers, the `Module` they are built on, initialisation and the summary table.

    from minigrad import nn
    model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Flatten(),
                          nn.Linear(6 * 14 * 14, 10))
    nn.summary(model, (1, 32, 32))

| file             | what                                                               |
|------------------|--------------------------------------------------------------------|
| module.py        | Module, Parameter (registration, tree walks, state_dict, hooks)    |
| hooks.py         | the identity nodes that give backward hooks their gradients        |
| container.py     | Sequential, ModuleList, ModuleDict                                 |
| linear.py        | Linear, Identity                                                   |
| conv.py          | Conv2d, ConvTranspose2d                                            |
| pooling.py       | MaxPool2d, AvgPool2d, AdaptiveAvgPool2d                            |
| activation.py    | ReLU, Sigmoid, Tanh, ELU, LeakyReLU, PReLU, Softmax, LogSoftmax    |
| normalization.py | BatchNorm1d, BatchNorm2d, LocalResponseNorm                        |
| lazy.py          | LazyLinear, LazyConv2d, LazyBatchNorm1d/2d (shapes from 1st input) |
| loss.py          | CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogits |
| dropout.py       | Dropout                                                            |
| flatten.py       | Flatten                                                            |
| init.py          | kaiming / xavier / uniform / normal initialisation                 |
| utils.py         | clip_grad_norm_, clip_grad_value_, skip_init (build without init)  |
| summary.py       | summary(model, input_shape): the layer table (params, MACs, memory) |
| functional.py    | `minigrad.nn.functional`, PyTorch's name for `minigrad.functional` |
"""

from . import functional, init, utils
from .activation import ELU, LeakyReLU, LogSoftmax, PReLU, ReLU, Sigmoid, Softmax, Tanh
from .container import ModuleDict, ModuleList, Sequential
from .conv import Conv2d, ConvTranspose2d
from .dropout import Dropout
from .flatten import Flatten
from .lazy import (
    LazyBatchNorm1d,
    LazyBatchNorm2d,
    LazyConv2d,
    LazyLinear,
    UninitializedBuffer,
    UninitializedParameter,
)
from .linear import Identity, Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module, Parameter, RemovableHandle
from .normalization import BatchNorm1d, BatchNorm2d, LocalResponseNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .summary import ModelSummary, compare_summaries, summary

__all__ = [
    "Module",
    "Parameter",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "RemovableHandle",
    "Linear",
    "Identity",
    "Conv2d",
    "ConvTranspose2d",
    "MaxPool2d",
    "AvgPool2d",
    "AdaptiveAvgPool2d",
    "Flatten",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "ELU",
    "LeakyReLU",
    "PReLU",
    "Softmax",
    "LogSoftmax",
    "Dropout",
    "BatchNorm1d",
    "BatchNorm2d",
    "LocalResponseNorm",
    "LazyLinear",
    "LazyConv2d",
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "UninitializedParameter",
    "UninitializedBuffer",
    "CrossEntropyLoss",
    "NLLLoss",
    "MSELoss",
    "L1Loss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "init",
    "utils",
    "functional",
    "summary",
    "ModelSummary",
    "compare_summaries",
]
