"""Bad input, one row each: every public function (tensor methods, factories, F.*, nn layers'
forward) given a wrong type, shape, range or a NaN *argument* raises TypeError, ValueError,
IndexError or RuntimeError whose message names the function and the argument: never a raw
numpy or Python message from deep inside, never a result.

NaN *data* is legal and propagates (the last tests); NaN arguments (eps, p, slopes, clip
bounds, label smoothing, ...) are mistakes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn

x = mg.randn(2, 3)
img = mg.randn(1, 2, 4, 4)
w = mg.randn(3, 2, 3, 3)

# (case, call, exception type, words the message must contain: function, then argument)
TABLE = [
    ("sum float dim", lambda: x.sum(1.0), TypeError, ("sum", "dim")),
    ("sum str dim", lambda: x.sum("1"), TypeError, ("sum", "dim")),
    ("sum bool dim", lambda: x.sum(True), TypeError, ("sum", "dim")),
    ("mean dup", lambda: x.mean((0, 0)), ValueError, ("mean", "dim")),
    ("amax 3", lambda: x.amax(3), IndexError, ("amax", "dim")),
    ("permute 2,1", lambda: x.permute(2, 1), IndexError, ("permute", "dim")),
    ("permute 0", lambda: x.permute(0), ValueError, ("permute", "dims")),
    ("view -2", lambda: x.view(-2, 3), ValueError, ("reshape", "-2")),
    ("view float", lambda: x.view(6.0), TypeError, ("reshape", "shape")),
    ("reshape wrong", lambda: x.reshape(4, 2), ValueError, ("reshape", "(4, 2)")),
    ("expand -1 lead", lambda: x.expand(-1, 2, 3), ValueError, ("expand", "size -1")),
    ("unsqueeze float", lambda: x.unsqueeze(1.0), TypeError, ("unsqueeze", "dim")),
    ("transpose 5", lambda: x.transpose(0, 5), IndexError, ("transpose", "dim")),
    ("squeeze float", lambda: x.squeeze(0.5), TypeError, ("squeeze", "dim")),
    ("flatten str", lambda: x.flatten("a"), TypeError, ("flatten", "start_dim")),
    ("split float", lambda: x.split(1.5), TypeError, ("split", "split_size")),
    ("split neg list", lambda: x.split([1, -1, 2], 1), ValueError, ("split", "split_size")),
    ("chunk float", lambda: x.chunk(1.5), TypeError, ("chunk", "chunks")),
    ("max tuple", lambda: x.max((0, 1)), TypeError, ("max", "dim")),
    ("argmax float", lambda: x.argmax(1.0), TypeError, ("argmax", "dim")),
    ("softmax float", lambda: x.softmax(1.0), TypeError, ("softmax", "dim")),
    ("logsumexp none", lambda: x.logsumexp(None), TypeError, ("logsumexp", "dim")),
    ("var correction nan", lambda: x.var(correction=math.nan), ValueError, ("var", "correction")),
    ("clip nan", lambda: x.clip(math.nan, 1), ValueError, ("clip", "min")),
    ("clip str", lambda: x.clip("a", 1), TypeError, ("clip", "min")),
    ("pad float", lambda: x.pad((1.5, 1)), TypeError, ("pad", "pad widths")),
    ("pad odd", lambda: x.pad((1,)), ValueError, ("pad", "pairs")),
    ("pad value str", lambda: x.pad((1, 1), value="a"), TypeError, ("pad", "value")),
    ("getitem oob", lambda: x[5], IndexError, ("getitem", "index")),
    ("getitem float", lambda: x[1.5], IndexError, ("getitem", "indices")),
    ("getitem str", lambda: x["a"], IndexError, ("getitem", "indices")),
    ("add str", lambda: x + "a", TypeError, ("add", "str")),
    ("add shapes", lambda: x + mg.randn(4), ValueError, ("add", "shapes")),
    ("matmul shapes", lambda: x @ mg.randn(2, 3), ValueError, ("matmul", "shapes")),
    ("matmul dtype", lambda: x @ mg.randn(3, 2, dtype=mg.float64), TypeError, ("matmul", "dtype")),
    ("pow str", lambda: x ** "a", TypeError, ("pow", "str")),
    ("item", lambda: x.item(), ValueError, ("item", "one element")),
    ("to bad", lambda: x.to("floot"), TypeError, ("dtype", "floot")),
    (
        "requires int",
        lambda: mg.tensor([1, 2], requires_grad=True),
        TypeError,
        ("requires_grad", "floating-point"),
    ),
    (
        "backward shape",
        lambda: (x.requires_grad_() * 2).backward(mg.ones(3)),
        ValueError,
        ("backward", "grad"),
    ),
    ("cat 0d", lambda: mg.cat([mg.tensor(1.0), mg.tensor(2.0)]), ValueError, ("cat", "0-d")),
    ("cat dim float", lambda: mg.cat([x, x], 1.0), TypeError, ("cat", "dim")),
    ("stack shapes", lambda: mg.stack([x, mg.randn(3, 2)]), ValueError, ("stack", "same shape")),
    ("zeros float", lambda: mg.zeros(2.5), TypeError, ("zeros", "size")),
    ("zeros neg", lambda: mg.zeros(2, -1), ValueError, ("zeros", "size")),
    ("zeros str", lambda: mg.zeros("a"), TypeError, ("zeros", "size")),
    ("ones tuple float", lambda: mg.ones((2, 3.0)), TypeError, ("ones", "size")),
    ("randn neg", lambda: mg.randn(-1), ValueError, ("randn", "size")),
    ("rand float", lambda: mg.rand(1.5), TypeError, ("rand", "size")),
    ("full bad", lambda: mg.full((2,), "a"), TypeError, ("full", "value")),
    ("full shape", lambda: mg.full((2, -1), 1.0), ValueError, ("full", "size")),
    ("arange zero step", lambda: mg.arange(0, 5, 0), ValueError, ("arange", "step")),
    ("arange nan", lambda: mg.arange(math.nan), ValueError, ("arange", "end")),
    ("arange str", lambda: mg.arange("a"), TypeError, ("arange", "end")),
    ("eye float", lambda: mg.eye(2.5), TypeError, ("eye", "n")),
    ("eye neg", lambda: mg.eye(-1), ValueError, ("eye", "n")),
    ("randint", lambda: mg.randint(5, 1, (2,)), ValueError, ("randint", "low")),
    ("randint float", lambda: mg.randint(0, 5.5, (2,)), TypeError, ("randint", "high")),
    ("tensor ragged", lambda: mg.tensor([[1, 2], [3]]), ValueError, ("mg.tensor", "ragged")),
    ("tensor str", lambda: mg.tensor("abc"), TypeError, ("mg.tensor", "numbers")),
    ("tensor None", lambda: mg.tensor(None), TypeError, ("mg.tensor", "None")),
    ("tensor dict", lambda: mg.tensor({"a": 1}), TypeError, ("mg.tensor", "dict")),
    ("conv stride float", lambda: F.conv2d(img, w, stride=1.5), TypeError, ("conv2d", "stride")),
    ("conv stride 0", lambda: F.conv2d(img, w, stride=0), ValueError, ("conv2d", "stride")),
    ("conv pad neg", lambda: F.conv2d(img, w, padding=-1), ValueError, ("conv2d", "padding")),
    ("conv pad str", lambda: F.conv2d(img, w, padding="full"), ValueError, ("conv2d", "padding")),
    ("conv groups float", lambda: F.conv2d(img, w, groups=1.0), TypeError, ("conv2d", "groups")),
    (
        "conv dil triple",
        lambda: F.conv2d(img, w, dilation=(1, 1, 1)),
        TypeError,
        ("conv2d", "dilation"),
    ),
    ("conv input list", lambda: F.conv2d([[1.0]], w), TypeError, ("conv2d", "input")),
    (
        "conv channels",
        lambda: F.conv2d(mg.randn(1, 3, 4, 4), w),
        ValueError,
        ("conv2d", "channels"),
    ),
    ("conv bias shape", lambda: F.conv2d(img, w, mg.randn(2)), ValueError, ("conv2d", "bias")),
    ("conv dtype", lambda: F.conv2d(img.double(), w), TypeError, ("conv2d", "weight")),
    ("maxpool k0", lambda: F.max_pool2d(img, 0), ValueError, ("max_pool2d", "kernel_size")),
    ("maxpool kfloat", lambda: F.max_pool2d(img, 2.0), TypeError, ("max_pool2d", "kernel_size")),
    (
        "maxpool ceil int",
        lambda: F.max_pool2d(img, 2, ceil_mode=2),
        TypeError,
        ("max_pool2d", "ceil_mode"),
    ),
    (
        "maxpool pad big",
        lambda: F.max_pool2d(img, 2, padding=2),
        ValueError,
        ("max_pool2d", "padding"),
    ),
    ("maxpool 2d", lambda: F.max_pool2d(mg.randn(4, 4), 2), ValueError, ("max_pool2d", "4-D")),
    (
        "avgpool div 0",
        lambda: F.avg_pool2d(img, 2, divisor_override=0),
        ValueError,
        ("avg_pool2d", "divisor_override"),
    ),
    (
        "avgpool div float",
        lambda: F.avg_pool2d(img, 2, divisor_override=1.5),
        TypeError,
        ("avg_pool2d", "divisor_override"),
    ),
    (
        "avgpool cip str",
        lambda: F.avg_pool2d(img, 2, count_include_pad="yes"),
        TypeError,
        ("avg_pool2d", "count_include_pad"),
    ),
    (
        "adaptive float",
        lambda: F.adaptive_avg_pool2d(img, 1.5),
        TypeError,
        ("adaptive_avg_pool2d", "output_size"),
    ),
    (
        "adaptive neg",
        lambda: F.adaptive_avg_pool2d(img, -1),
        ValueError,
        ("adaptive_avg_pool2d", "output_size"),
    ),
    (
        "adaptive triple",
        lambda: F.adaptive_avg_pool2d(img, (1, 2, 3)),
        ValueError,
        ("adaptive_avg_pool2d", "output_size"),
    ),
    ("unfold k float", lambda: F.unfold(img, 2.5), TypeError, ("unfold", "kernel_size")),
    (
        "bn eps nan",
        lambda: F.batch_norm(img, None, None, training=True, eps=math.nan),
        ValueError,
        ("batch_norm", "eps"),
    ),
    (
        "bn eps neg",
        lambda: F.batch_norm(img, None, None, training=True, eps=-1.0),
        ValueError,
        ("batch_norm", "eps"),
    ),
    (
        "bn momentum nan",
        lambda: F.batch_norm(img, mg.zeros(2), mg.ones(2), training=True, momentum=math.nan),
        ValueError,
        ("batch_norm", "momentum"),
    ),
    (
        "bn training str",
        lambda: F.batch_norm(img, None, None, training="yes"),
        TypeError,
        ("batch_norm", "training"),
    ),
    (
        "bn 1d",
        lambda: F.batch_norm(mg.randn(3), None, None, training=True),
        ValueError,
        ("batch_norm", "input"),
    ),
    (
        "bn weight shape",
        lambda: F.batch_norm(img, None, None, mg.ones(3), training=True),
        ValueError,
        ("batch_norm", "weight"),
    ),
    ("dropout p nan", lambda: F.dropout(x, math.nan), ValueError, ("dropout", "p (a probability)")),
    ("dropout p 2", lambda: F.dropout(x, 2.0), ValueError, ("dropout", "p (a probability)")),
    ("dropout p str", lambda: F.dropout(x, "a"), TypeError, ("dropout", "p (a probability)")),
    ("dropout training str", lambda: F.dropout(x, 0.5, "no"), TypeError, ("dropout", "training")),
    ("elu alpha nan", lambda: F.elu(x, math.nan), ValueError, ("elu", "alpha")),
    ("leaky nan", lambda: F.leaky_relu(x, math.nan), ValueError, ("leaky_relu", "negative_slope")),
    ("leaky str", lambda: F.leaky_relu(x, "a"), TypeError, ("leaky_relu", "negative_slope")),
    ("prelu shape", lambda: F.prelu(img, mg.ones(3)), ValueError, ("prelu", "weight")),
    ("softmax dim float", lambda: F.softmax(x, 1.5), TypeError, ("softmax", "dim")),
    ("log_softmax dim 5", lambda: F.log_softmax(x, 5), IndexError, ("log_softmax", "dim")),
    ("linear shapes", lambda: F.linear(x, mg.randn(4, 5)), ValueError, ("linear", "features")),
    (
        "linear bias",
        lambda: F.linear(x, mg.randn(4, 3), mg.randn(3)),
        ValueError,
        ("linear", "bias"),
    ),
    ("linear weight 1d", lambda: F.linear(x, mg.randn(3)), ValueError, ("linear", "weight")),
    ("pad mode", lambda: F.pad(x, (1, 1), mode="mirror"), ValueError, ("pad", "mode")),
    ("pad reflect big", lambda: F.pad(img, (5, 5), mode="reflect"), ValueError, ("pad", "widths")),
    (
        "pad width float",
        lambda: F.pad(img, (1.0, 1), mode="reflect"),
        TypeError,
        ("pad", "pad widths"),
    ),
    ("pad too many", lambda: F.pad(x, (1, 1, 1, 1, 1, 1)), ValueError, ("pad", "pairs")),
    (
        "ce target float idx",
        lambda: F.cross_entropy(x, mg.tensor([0.0, 1.0])),
        ValueError,
        ("cross_entropy", "target"),
    ),
    (
        "ce target range",
        lambda: F.cross_entropy(x, mg.tensor([0, 3])),
        IndexError,
        ("cross_entropy", "target"),
    ),
    (
        "ce target shape",
        lambda: F.cross_entropy(x, mg.tensor([0, 1, 2])),
        ValueError,
        ("cross_entropy", "target"),
    ),
    (
        "ce smoothing nan",
        lambda: F.cross_entropy(x, mg.tensor([0, 1]), label_smoothing=math.nan),
        ValueError,
        ("cross_entropy", "label_smoothing"),
    ),
    (
        "ce smoothing 2",
        lambda: F.cross_entropy(x, mg.tensor([0, 1]), label_smoothing=2.0),
        ValueError,
        ("cross_entropy", "label_smoothing"),
    ),
    (
        "ce reduction",
        lambda: F.cross_entropy(x, mg.tensor([0, 1]), reduction="avg"),
        ValueError,
        ("cross_entropy", "reduction"),
    ),
    (
        "ce ignore float",
        lambda: F.cross_entropy(x, mg.tensor([0, 1]), ignore_index=1.5),
        TypeError,
        ("cross_entropy", "ignore_index"),
    ),
    (
        "ce weight shape",
        lambda: F.cross_entropy(x, mg.tensor([0, 1]), weight=mg.ones(2)),
        ValueError,
        ("cross_entropy", "weight"),
    ),
    (
        "ce weight str",
        lambda: F.cross_entropy(x, mg.tensor([0, 1]), weight="a"),
        TypeError,
        ("cross_entropy", "weight"),
    ),
    (
        "ce input int",
        lambda: F.cross_entropy(mg.tensor([[1, 2]]), mg.tensor([0])),
        TypeError,
        ("cross_entropy", "input"),
    ),
    (
        "ce 0d",
        lambda: F.cross_entropy(mg.tensor(1.0), mg.tensor(0)),
        ValueError,
        ("cross_entropy", "input"),
    ),
    (
        "nll reduction",
        lambda: F.nll_loss(x, mg.tensor([0, 1]), reduction=None),
        ValueError,
        ("nll_loss", "reduction"),
    ),
    ("mse shape", lambda: F.mse_loss(x, mg.randn(3)), ValueError, ("mse_loss", "target")),
    (
        "mse reduction",
        lambda: F.mse_loss(x, x, reduction="all"),
        ValueError,
        ("mse_loss", "reduction"),
    ),
    ("mse target str", lambda: F.mse_loss(x, "a"), TypeError, ("mse_loss", "str")),
    ("l1 shape", lambda: F.l1_loss(x, mg.randn(2, 1)), ValueError, ("l1_loss", "target")),
    (
        "bce range",
        lambda: F.binary_cross_entropy(mg.tensor([1.5]), mg.tensor([1.0])),
        ValueError,
        ("binary_cross_entropy", "input"),
    ),
    (
        "bce nan input",
        lambda: F.binary_cross_entropy(mg.tensor([math.nan]), mg.tensor([1.0])),
        ValueError,
        ("binary_cross_entropy", "input"),
    ),
    (
        "bce target range",
        lambda: F.binary_cross_entropy(mg.tensor([0.5]), mg.tensor([2.0])),
        ValueError,
        ("binary_cross_entropy", "target"),
    ),
    (
        "bce shape",
        lambda: F.binary_cross_entropy(mg.tensor([0.5, 0.5]), mg.tensor([1.0])),
        ValueError,
        ("binary_cross_entropy", "target"),
    ),
    (
        "bcel shape",
        lambda: F.binary_cross_entropy_with_logits(x, mg.ones(3)),
        ValueError,
        ("binary_cross_entropy_with_logits", "target"),
    ),
    (
        "bcel pos_weight shape",
        lambda: F.binary_cross_entropy_with_logits(x, mg.ones(2, 3), pos_weight=mg.ones(2)),
        ValueError,
        ("binary_cross_entropy_with_logits", "pos_weight"),
    ),
    (
        "bcel weight str",
        lambda: F.binary_cross_entropy_with_logits(x, mg.ones(2, 3), weight="a"),
        TypeError,
        ("binary_cross_entropy_with_logits", "str"),
    ),
    (
        "gradcheck f32",
        lambda: mg.gradcheck(lambda t: t.sum(), [mg.randn(2, requires_grad=True)]),
        TypeError,
        ("gradcheck", "float64"),
    ),
    (
        "gradcheck none",
        lambda: mg.gradcheck(lambda t: t.sum(), [mg.randn(2)]),
        ValueError,
        ("gradcheck", "requires_grad"),
    ),
    (
        "Linear fwd shape",
        lambda: nn.Linear(3, 2)(mg.randn(2, 4)),
        ValueError,
        ("Linear(3, 2)", "in_features"),
    ),
    (
        "Linear fwd list",
        lambda: nn.Linear(3, 2)([1.0, 2.0, 3.0]),
        TypeError,
        ("Linear(3, 2)", "input"),
    ),
    ("Linear bad args", lambda: nn.Linear(3.5, 2), ValueError, ("Linear", "in_features")),
    (
        "Conv2d fwd channels",
        lambda: nn.Conv2d(3, 2, 3)(mg.randn(1, 2, 5, 5)),
        ValueError,
        ("Conv2d(3, 2, 3)", "shape"),
    ),
    (
        "Conv2d fwd 2d",
        lambda: nn.Conv2d(3, 2, 3)(mg.randn(5, 5)),
        ValueError,
        ("Conv2d(3, 2, 3)", "(N, C, H, W)"),
    ),
    ("Conv2d args", lambda: nn.Conv2d(3, 2, 3, stride=1.5), TypeError, ("Conv2d", "stride")),
    (
        "MaxPool2d fwd 2d",
        lambda: nn.MaxPool2d(2)(mg.randn(4, 4)),
        ValueError,
        ("MaxPool2d", "stride"),
    ),
    (
        "BatchNorm2d fwd",
        lambda: nn.BatchNorm2d(3)(mg.randn(2, 2, 3, 3)),
        ValueError,
        ("BatchNorm2d(3)", "channels"),
    ),
    (
        "BatchNorm1d fwd",
        lambda: nn.BatchNorm1d(3)(mg.randn(2, 2)),
        ValueError,
        ("BatchNorm1d(3)", "channels"),
    ),
    ("Dropout p", lambda: nn.Dropout(math.nan), ValueError, ("Dropout", "p is")),
    ("Dropout p2", lambda: nn.Dropout(1.5), ValueError, ("Dropout", "p is")),
    (
        "LeakyReLU nan",
        lambda: nn.LeakyReLU(math.nan)(x),
        ValueError,
        ("leaky_relu", "negative_slope"),
    ),
    ("ELU nan", lambda: nn.ELU(math.nan)(x), ValueError, ("elu", "alpha")),
    ("PReLU fwd", lambda: nn.PReLU(3)(img), ValueError, ("PReLU(num_parameters=3)", "channels")),
    ("Softmax dim", lambda: nn.Softmax(dim=5)(x), IndexError, ("softmax", "dim 5")),
    (
        "Flatten",
        lambda: nn.Flatten(2)(x),
        IndexError,
        ("Flatten(start_dim=2, end_dim=-1)", "dim 2"),
    ),
    (
        "AdaptiveAvgPool2d",
        lambda: nn.AdaptiveAvgPool2d(1.5)(img),
        TypeError,
        ("adaptive_avg_pool2d", "size"),
    ),
    (
        "Sequential fwd",
        lambda: nn.Sequential(nn.Linear(3, 2), nn.Linear(3, 2))(x),
        ValueError,
        ("Linear(3, 2)", "in_features"),
    ),
]

# phrases of messages that come from inside numpy or Python rather than from minigrad
RAW = ["ufunc", "operands could not be broadcast", "object is not iterable", "has no len",
       "invalid literal", "setting an array element", "axis ", "numpy.", "NoneType"]  # fmt: skip


@pytest.mark.parametrize("case, call, error, words", TABLE, ids=[row[0] for row in TABLE])
def test_bad_input_raises_a_message_naming_function_and_argument(case, call, error, words):
    with np.errstate(all="ignore"), pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    missing = [word for word in words if word not in message]
    assert not missing, f"{case}: {missing} not in {message!r}"
    assert message.startswith(words[0]), f"{case}: the message should open with {words[0]!r}"
    raw = [phrase for phrase in RAW if phrase in message and "getitem" not in message]
    assert not raw, f"{case}: {message!r} reads like a message from inside numpy"


def test_the_table_covers_every_public_function_family():
    calls = " ".join(row[0] for row in TABLE)
    families = "sum permute view zeros arange conv maxpool avgpool adaptive bn dropout pad ce bce"
    for family in families.split() + ["Linear", "Conv2d", "BatchNorm2d", "gradcheck"]:
        assert family in calls, family


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: t.relu(),
        lambda t: F.conv2d(t.reshape(1, 1, 2, 2), mg.ones(1, 1, 1, 1)),
        lambda t: F.max_pool2d(t.reshape(1, 1, 2, 2), 2),
        lambda t: F.batch_norm(t.reshape(2, 2), None, None, training=True),
        lambda t: F.cross_entropy(t.reshape(2, 2), mg.tensor([0, 1])),
        lambda t: t.softmax(0),
        lambda t: nn.Linear(4, 1)(t),
    ],
)
def test_nan_data_propagates_instead_of_raising(fn):
    t = mg.tensor([1.0, math.nan, 0.5, -2.0])
    with np.errstate(all="ignore"):
        out = fn(t)
    assert np.isnan(out.numpy()).any()
