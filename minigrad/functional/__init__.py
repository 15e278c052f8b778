r"""Composed operations: convolution, pooling, normalisation, activations and losses.

`import minigrad.functional as F`. Names and arguments follow `torch.nn.functional`.

Nothing in this package has a backward pass. Every function is written with Tensor
operations (primitives from `minigrad/ops`), so the engine derives its gradient, and the
gradient of that gradient. Convolution is im2col followed by one matrix product:

    cols = unfold(x)                      (N, C*KH*KW, L)     every window as a column
    y    = w.reshape(O, C*KH*KW) @ cols   (N, O, L)           one dot product per window
    y    = y.reshape(N, O, OH, OW)

and the backward pass of `unfold` is `fold` (col2im), which the engine calls by itself.
Max pooling is unfold and a max over each window; average pooling unfold and a mean;
batch norm is mean, variance, subtract, divide, scale and shift.

Shape letters: N batch, C (input) channels, O output channels, H/W height/width,
KH/KW kernel size, S stride, P padding, D dilation, OH/OW output height/width,
L = OH*OW window positions.

Each composite is decorated with `recording.composite(name)`: the nodes it creates are
tagged with that name, so graph pictures can draw them as one box.

| file             | what                                                                   |
|------------------|------------------------------------------------------------------------|
| conv.py          | unfold, fold (im2col and col2im), conv2d, conv2d_naive,                |
|                  | conv_transpose2d                                                       |
| pooling.py       | max_pool2d, avg_pool2d, adaptive_avg_pool2d                            |
| normalization.py | batch_norm, dropout, local_response_norm                               |
| affine.py        | linear                                                                 |
| padding.py       | pad                                                                    |
| activation.py    | relu, sigmoid, tanh, elu, leaky_relu, prelu, softmax, log_softmax      |
| loss.py          | cross_entropy, nll_loss, mse_loss, l1_loss,                            |
|                  | binary_cross_entropy, binary_cross_entropy_with_logits                 |
| _checks.py       | argument checks shared by all of them (pairs, padding, shapes, dtypes) |
"""

from .activation import elu, leaky_relu, log_softmax, prelu, relu, sigmoid, softmax, tanh
from .affine import linear
from .conv import conv2d, conv2d_naive, conv_transpose2d, fold, unfold
from .loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
)
from .normalization import batch_norm, dropout, local_response_norm
from .padding import pad
from .pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d

__all__ = [
    "unfold",
    "fold",
    "conv2d",
    "conv2d_naive",
    "conv_transpose2d",
    "max_pool2d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "batch_norm",
    "dropout",
    "local_response_norm",
    "linear",
    "pad",
    "relu",
    "sigmoid",
    "tanh",
    "elu",
    "leaky_relu",
    "prelu",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "nll_loss",
    "mse_loss",
    "l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]
