"""Lesson 10 exercises: VGG's stacked 3x3 convolutions, an Inception block counted, DenseNet's
channel growth, and inverted dropout in numpy."""

from __future__ import annotations

import numpy as np

from .core import Exercise, Mistake, Wrong
from .helpers import array, cases_diagnose, diagnose, integer, need

stacked_3x3 = Exercise(
    id="stacked-3x3",
    lesson=10,
    title="Why VGG stacks 3x3 convolutions: the same window for fewer parameters",
    stub='''"""Exercise stacked-3x3 (lesson 10): n stacked 3x3 convolutions vs one big kernel.

A stack of num_convs 3x3 convolutions, stride 1, padding 1, each from `channels` to
`channels` maps, with a bias (VGG's stages). Compare it with ONE convolution, also
channels -> channels with a bias, whose kernel is just large enough to see the same
window of the input as the whole stack.

1. receptive_field(num_convs): how many input pixels (along one axis) one output pixel
   of the stack depends on.
2. stack_params(num_convs, channels): the stack's parameters (weights and biases).
3. single_conv_params(num_convs, channels): the parameters of the one big convolution.
"""


def receptive_field(num_convs):
    raise NotImplementedError("not implemented yet")


def stack_params(num_convs, channels):
    raise NotImplementedError("not implemented yet")


def single_conv_params(num_convs, channels):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise stacked-3x3 (lesson 10): a reference solution."""


def receptive_field(num_convs):
    return 2 * num_convs + 1  # each 3x3 layer widens the view by one pixel on each side


def stack_params(num_convs, channels):
    per_layer = 3 * 3 * channels * channels + channels  # weights + one bias per filter
    return num_convs * per_layer


def single_conv_params(num_convs, channels):
    k = receptive_field(num_convs)  # the big kernel must see the same window
    return k * k * channels * channels + channels
''',
    hints=(
        "One 3x3 layer sees 3 pixels. Each further 3x3 layer looks at 3 neighbouring pixels "
        "of the layer below, whose windows overlap: it widens the view by one pixel per side.",
        "A k x k convolution from C to C channels has k*k*C*C weights and C biases; the stack "
        "has num_convs of them, each with its own weights.",
        "The big kernel is receptive_field(num_convs) wide: 5x5 for two 3x3, 7x7 for three. "
        "So 2 layers cost 18C^2 weights against 25C^2, 3 layers 27C^2 against 49C^2.",
    ),
    mistakes=(
        Mistake("return 2 * num_convs + 1", "return 3 * num_convs", "3n"),
        Mistake(
            "per_layer = 3 * 3 * channels * channels + channels",
            "per_layer = 3 * 3 * channels * channels",
            "forgot the bias",
        ),
        Mistake("k = receptive_field(num_convs)", "k = 3 * num_convs", "same window"),
        Mistake(
            "return k * k * channels * channels + channels",
            "return k * k * channels * channels",
            "forgot the bias",
        ),
    ),
)


@stacked_3x3.check("receptive_field: 3, 5, 7, 9, 11 pixels for 1 to 5 stacked 3x3 layers")
def _rf(m) -> None:
    cases_diagnose(
        need(m, "receptive_field"),
        [dict(num_convs=n) for n in (1, 2, 3, 4, 5)],
        lambda num_convs: 2 * num_convs + 1,
        [
            (
                lambda num_convs: 3 * num_convs,
                "you counted the receptive field as 3n: the windows of neighbouring pixels "
                "overlap, so each further 3x3 layer adds only 2 pixels (one per side): 2n + 1",
            ),
            (
                lambda num_convs: num_convs + 2,
                "each further 3x3 layer adds one pixel on EACH side, 2 in all: 2n + 1",
            ),
            (
                lambda num_convs: 2 * num_convs,
                "off by one: one 3x3 layer sees 3 pixels (the centre and one per side): 2n + 1",
            ),
            (lambda num_convs: 3**num_convs, "with stride 1 the receptive field grows linearly"),
        ],
        "receptive_field",
    )


def _stack(num_convs, channels, bias=True, k=3, layers=None):
    layers = num_convs if layers is None else layers
    return layers * (k * k * channels * channels + (channels if bias else 0))


_STACK_CASES = [dict(num_convs=n, channels=c) for n, c in ((1, 64), (2, 64), (3, 256), (4, 512))]


@stacked_3x3.check("stack_params: 1 to 4 layers at 64, 256 and 512 channels")
def _stack_check(m) -> None:
    cases_diagnose(
        need(m, "stack_params"),
        _STACK_CASES,
        _stack,
        [
            (
                lambda **c: _stack(**c, bias=False),
                "you forgot the bias: each layer has one bias per output channel (C per layer)",
            ),
            (
                lambda **c: _stack(**c, layers=1),
                "that is one layer: each of the num_convs layers has its own weights",
            ),
            (
                lambda num_convs, channels: num_convs * (9 * channels + channels),
                "a filter spans all C input channels: a 3x3 layer has 3*3*C*C weights",
            ),
            (
                lambda num_convs, channels: num_convs * (3 * channels * channels + channels),
                "a 3x3 kernel has 3*3 = 9 weights per pair of channels, not 3",
            ),
        ],
        "stack_params",
    )


@stacked_3x3.check("single_conv_params: one 3x3, 5x5, 7x7, 9x9 convolution to compare")
def _single_check(m) -> None:
    def single(num_convs, channels, bias=True, k=None):
        k = 2 * num_convs + 1 if k is None else k
        return k * k * channels * channels + (channels if bias else 0)

    cases_diagnose(
        need(m, "single_conv_params"),
        _STACK_CASES,
        single,
        [
            (
                lambda **c: single(**c, bias=False),
                "you forgot the bias of the big convolution (C, one per output channel)",
            ),
            (
                lambda **c: single(**c, k=3 * c["num_convs"]),
                "the single kernel must see the same window as the stack, 2n + 1 pixels wide "
                "(5x5 for two 3x3 layers), not 3n",
            ),
            (
                lambda num_convs, channels: (2 * num_convs + 1) * channels * channels + channels,
                "a k x k kernel has k*k weights per pair of channels, not k",
            ),
        ],
        "single_conv_params",
    )


# --------------------------------------------------------------------------------------------

inception_params = Exercise(
    id="inception-params",
    lesson=10,
    title="Count a GoogLeNet Inception block from its row of the table",
    requires=("minigrad.models",),
    stub='''"""Exercise inception-params (lesson 10): an Inception block, from its 7 numbers.

GoogLeNet's table gives each block as (in_channels, #1x1, #3x3 reduce, #3x3, #5x5 reduce,
#5x5, pool proj). The block runs four branches on the same input and concatenates them:

    branch 1: 1x1 conv, in_channels -> n1x1
    branch 2: 1x1 conv, in_channels -> n3x3red, then 3x3 conv, n3x3red -> n3x3
    branch 3: 1x1 conv, in_channels -> n5x5red, then 5x5 conv, n5x5red -> n5x5
    branch 4: 3x3 max pool (stride 1, padding 1), then 1x1 conv, in_channels -> pool_proj

Every convolution has a bias (and is followed by a ReLU). Return
1. inception_params(...): the block's parameters;
2. inception_out_channels(...): how many maps the block outputs.
(Block 3a, (192, 64, 96, 128, 16, 32, 32), has 163,696 parameters.)
"""


def inception_params(in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_proj):
    raise NotImplementedError("not implemented yet")


def inception_out_channels(in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_proj):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise inception-params (lesson 10): a reference solution."""


def conv(c_in, c_out, k):
    return k * k * c_in * c_out + c_out  # weights and one bias per filter


def inception_params(in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_proj):
    c = in_channels
    branch1 = conv(c, n1x1, 1)
    branch2 = conv(c, n3x3red, 1) + conv(n3x3red, n3x3, 3)  # reduce, then 3x3
    branch3 = conv(c, n5x5red, 1) + conv(n5x5red, n5x5, 5)  # reduce, then 5x5
    branch4 = conv(c, pool_proj, 1)  # the max pool itself learns nothing
    return branch1 + branch2 + branch3 + branch4


def inception_out_channels(in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_proj):
    return n1x1 + n3x3 + n5x5 + pool_proj  # the four branches side by side
''',
    hints=(
        "A k x k convolution from a to b channels has k*k*a*b weights and b biases. Add up "
        "six convolutions: one in branch 1, two in branches 2 and 3, one in branch 4.",
        "The 3x3 convolution reads the n3x3red reduced maps, not the in_channels input maps "
        "(that is what the reduction is for); likewise the 5x5 reads n5x5red maps.",
        "The output concatenates what the four branches END with; the reductions are "
        "internal to their branches, and the pool branch ends with its pool_proj maps.",
    ),
    mistakes=(
        Mistake("return k * k * c_in * c_out + c_out", "return k * k * c_in * c_out", "biases"),
        Mistake(
            "branch2 = conv(c, n3x3red, 1) + conv(n3x3red, n3x3, 3)",
            "branch2 = conv(n3x3red, n3x3, 3)",
            "1x1 reduction of the 3x3 branch",
        ),
        Mistake("branch4 = conv(c, pool_proj, 1)", "branch4 = 0", "pool projection"),
        Mistake(
            "return n1x1 + n3x3 + n5x5 + pool_proj",
            "return n1x1 + n3x3 + n5x5",
            "pool branch",
        ),
    ),
)


def _inception_truth() -> dict[str, tuple[tuple[int, ...], int, int]]:
    """{block: (config, parameters, output channels)}, from minigrad.models itself."""
    from .. import models

    truth = {}
    for name, config in models.INCEPTION_CONFIGS.items():
        block = models.Inception(*config)
        truth[name] = (config, sum(p.numel() for p in block.parameters()), block.out_channels)
    return truth


def _inception_diagnosis(config: tuple[int, ...], got: int) -> str:
    """Name what a wrong count left out or got wrong, when a combination of the usual slips
    (per branch, and the biases) explains it exactly; "" otherwise."""
    c, n1, r3, n3, r5, n5, pp = config

    def branch_variants(red: int, n: int, k: int, which: str) -> list[tuple[str, object]]:
        return [
            ("", lambda conv: conv(c, red, 1) + conv(red, n, k)),
            (
                f"you forgot the 1x1 reduction of the {which} branch: {red} filters over the "
                f"{c} input maps, with their biases",
                lambda conv: conv(red, n, k),
            ),
            (
                f"your {which} branch has no reduction: a 1x1 convolution first makes {red} "
                f"maps from the {c}, and the {k}x{k} convolution reads those {red}",
                lambda conv: conv(c, n, k),
            ),
            (
                f"the {which} branch's {k}x{k} convolution reads the {red} reduced maps, not "
                f"the {c} input maps: that is what the reduction saves",
                lambda conv: conv(c, red, 1) + conv(c, n, k),
            ),
        ]

    parts = [
        [("", lambda conv: conv(c, n1, 1))],
        branch_variants(r3, n3, 3, "3x3"),
        branch_variants(r5, n5, 5, "5x5")
        + [
            (
                "branch 3 has a 5x5 convolution: 25 weights per pair of channels",
                lambda conv: conv(c, r5, 1) + conv(r5, n5, 3),
            )
        ],
        [
            ("", lambda conv: conv(c, pp, 1)),
            (
                "you forgot the pool projection: after the max pool (no parameters), a 1x1 "
                "convolution makes pool_proj maps from the in_channels ones",
                lambda conv: 0,
            ),
            (
                "the pool projection is a 1x1 convolution; the 3x3 in that branch is the max "
                "pool, which has no parameters",
                lambda conv: conv(c, pp, 3),
            ),
        ],
    ]
    biases = [
        ("", lambda a, b, k: k * k * a * b + b),
        (
            "you forgot the biases: every convolution has one per output channel",
            lambda a, b, k: k * k * a * b,
        ),
    ]
    found = []
    for bias_hint, conv in biases:
        for v1 in parts[0]:
            for v2 in parts[1]:
                for v3 in parts[2]:
                    for v4 in parts[3]:
                        chosen = (v1, v2, v3, v4)
                        if sum(f(conv) for _, f in chosen) == got:
                            hints = [bias_hint] + [h for h, _ in chosen]
                            found.append([h for h in hints if h])
    if not found:
        return ""
    return "; and ".join(min(found, key=len))  # the simplest explanation


@inception_params.check("inception_params: block 3a, then all nine blocks (vs models.Inception)")
def _inception_count(m) -> None:
    fn = need(m, "inception_params")
    for name, (config, want, _) in _inception_truth().items():
        got = integer(fn(*config), f"inception_params{config}")
        if got == want:
            continue
        hint = _inception_diagnosis(config, got)
        raise Wrong(
            f"inception_params{config} (GoogLeNet's {name}) returned {got:,}, expected "
            f"{want:,}" + (f": {hint}" if hint else "")
        )


@inception_params.check("inception_out_channels: all nine blocks (3a makes 256 maps, 5b 1,024)")
def _inception_out(m) -> None:
    fn = need(m, "inception_out_channels")
    for name, (config, _, want) in _inception_truth().items():
        got = integer(fn(*config), f"inception_out_channels{config}")
        if got == want:
            continue
        c, n1, r3, n3, r5, n5, pp = config
        hints = {
            n1 + r3 + n3 + r5 + n5 + pp: "the reductions feed the 3x3 and 5x5 convolutions; "
            "only what each branch ends with is concatenated",
            n1 + n3 + n5: "you left out the pool branch: its pool_proj maps are concatenated too",
            n1 + n3 + n5 + c: "the pool branch ends with its 1x1 projection: it contributes "
            "pool_proj maps, not in_channels",
        }
        hint = hints.get(got, "")
        raise Wrong(
            f"inception_out_channels{config} (GoogLeNet's {name}) returned {got}, expected "
            f"{want}" + (f": {hint}" if hint else "")
        )


# --------------------------------------------------------------------------------------------

dense_channels = Exercise(
    id="dense-channels",
    lesson=10,
    title="DenseNet's channel growth through dense blocks and transitions",
    requires=("minigrad.models",),
    stub='''"""Exercise dense-channels (lesson 10): how many maps a DenseNet carries.

In a dense block of num_layers layers, every layer reads the concatenation of the
block's input and the maps of all the layers before it, and adds growth_rate new maps.
The block outputs that whole concatenation.
A transition between two blocks is a 1x1 convolution that compresses the channels by
`compression` (0.5 in DenseNet-BC: it halves them, rounding down), then a 2x2 average pool.

1. dense_block_out(c0, num_layers, growth_rate): the maps a dense block outputs when it
   receives c0 maps.
2. transition_out(channels, compression=0.5): the maps after a transition.
3. densenet_features(c0, block_config, growth_rate): the maps the classifier receives
   from a DenseNet whose stem makes c0 maps, then one dense block per entry of
   block_config (its number of layers), with a transition (compression 0.5) between
   consecutive blocks. DenseNet-121 is (64, (6, 12, 24, 16), 32).
"""


def dense_block_out(c0, num_layers, growth_rate):
    raise NotImplementedError("not implemented yet")


def transition_out(channels, compression=0.5):
    raise NotImplementedError("not implemented yet")


def densenet_features(c0, block_config, growth_rate):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise dense-channels (lesson 10): a reference solution."""

import math


def dense_block_out(c0, num_layers, growth_rate):
    return c0 + num_layers * growth_rate  # the input and every layer's new maps


def transition_out(channels, compression=0.5):
    return math.floor(channels * compression)


def densenet_features(c0, block_config, growth_rate):
    channels = c0
    for i, num_layers in enumerate(block_config):
        channels = dense_block_out(channels, num_layers, growth_rate)
        if i < len(block_config) - 1:  # a transition BETWEEN blocks, none after the last
            channels = transition_out(channels)
    return channels
''',
    hints=(
        "The block's output is a concatenation: its c0 input maps, then growth_rate new maps "
        "from each of its num_layers layers.",
        "A transition with compression 0.5 halves the channels (floor: 1,023 -> 511); with "
        "compression 1 it keeps them.",
        "Transitions sit between blocks: a DenseNet with 4 blocks has 3 of them, and the "
        "last block's output goes to the classifier uncompressed (1,024 for DenseNet-121).",
    ),
    mistakes=(
        Mistake(
            "return c0 + num_layers * growth_rate",
            "return c0 + (num_layers - 1) * growth_rate",
            "off by one",
        ),
        Mistake(
            "channels = transition_out(channels)", "channels = channels", "forgot the compression"
        ),
        Mistake("        if i < len(block_config) - 1:", "        if True:", "after the last"),
        Mistake(
            "return math.floor(channels * compression)",
            "return math.ceil(channels * compression)",
            "round down",
        ),
    ),
)


@dense_channels.check("dense_block_out: DenseNet-121's four blocks and small ones")
def _dense_block(m) -> None:
    cases = [
        dict(c0=64, num_layers=6, growth_rate=32),
        dict(c0=128, num_layers=12, growth_rate=32),
        dict(c0=256, num_layers=24, growth_rate=32),
        dict(c0=512, num_layers=16, growth_rate=32),
        dict(c0=3, num_layers=5, growth_rate=12),
        dict(c0=24, num_layers=1, growth_rate=12),
    ]

    def block(c0, num_layers, growth_rate, extra=0, with_input=True):
        return (c0 if with_input else 0) + (num_layers + extra) * growth_rate

    cases_diagnose(
        need(m, "dense_block_out"),
        cases,
        block,
        [
            (
                lambda **c: block(**c, extra=-1),
                "off by one: every one of the num_layers layers adds growth_rate maps "
                "(the block input is not a layer)",
            ),
            (
                lambda **c: block(**c, extra=1),
                "off by one: num_layers layers add num_layers * growth_rate maps, no more",
            ),
            (
                lambda **c: block(**c, with_input=False),
                "the block outputs the concatenation of its input AND the new maps: add c0",
            ),
            (
                lambda c0, num_layers, growth_rate: c0 + growth_rate,
                "each LAYER adds growth_rate maps, so the block adds num_layers * growth_rate",
            ),
        ],
        "dense_block_out",
    )


@dense_channels.check("transition_out: compression 0.5 (rounding down) and 1")
def _transition(m) -> None:
    cases = [
        dict(channels=256, compression=0.5),
        dict(channels=1024, compression=0.5),
        dict(channels=1023, compression=0.5),
        dict(channels=63, compression=0.5),
        dict(channels=160, compression=1.0),
    ]
    cases_diagnose(
        need(m, "transition_out"),
        cases,
        lambda channels, compression: int(np.floor(channels * compression)),
        [
            (
                lambda channels, compression: channels,
                "you forgot the compression: the transition's 1x1 convolution makes "
                "compression * channels maps (half of them for 0.5)",
            ),
            (
                lambda channels, compression: int(np.ceil(channels * compression)),
                "round down (floor), as DenseNet does: 1,023 maps compress to 511",
            ),
            (
                lambda channels, compression: channels // 2,
                "right for 0.5, but use the compression argument: with 1 the channels stay",
            ),
        ],
        "transition_out",
    )


def _features(c0, block_config, growth_rate, squeeze_last=False, squeeze=True, extra=0):
    channels = c0
    for i, n in enumerate(block_config):
        channels += (n + extra) * growth_rate
        if squeeze and (i < len(block_config) - 1 or squeeze_last):
            channels //= 2
    return channels


@dense_channels.check("densenet_features: DenseNet-121, -169, -201, two small ones, by models")
def _features_check(m) -> None:
    from .. import models

    cases = [
        dict(c0=64, block_config=(6, 12, 24, 16), growth_rate=32),
        dict(c0=64, block_config=(6, 12, 32, 32), growth_rate=32),
        dict(c0=64, block_config=(6, 12, 48, 32), growth_rate=32),
        dict(c0=24, block_config=(3, 5, 7), growth_rate=12),
        dict(c0=16, block_config=(4,), growth_rate=8),
    ]

    def from_model(c0, block_config, growth_rate):  # what models.DenseNet's classifier reads
        net = models.DenseNet(growth_rate, block_config, c0, bn_size=1, num_classes=1)
        return net.classifier.in_features

    cases_diagnose(
        need(m, "densenet_features"),
        cases,
        from_model,
        [
            (
                lambda **c: _features(**c, squeeze=False),
                "you forgot the compression: each transition halves the channels",
            ),
            (
                lambda **c: _features(**c, squeeze_last=True),
                "there is no transition after the last block: transitions sit only BETWEEN "
                "blocks, and the last block's maps go to the classifier as they are",
            ),
            (
                lambda **c: _features(**c, extra=-1),
                "off by one: every one of a block's layers adds growth_rate maps",
            ),
        ],
        "densenet_features",
    )


# --------------------------------------------------------------------------------------------

inverted_dropout = Exercise(
    id="inverted-dropout",
    lesson=10,
    title="Inverted dropout in numpy: train and eval mode, expected value kept",
    requires=("minigrad.functional",),
    stub='''"""Exercise inverted-dropout (lesson 10): dropout's forward, in numpy.

x is an array; mask is a boolean array of the same shape, True where the value is KEPT
(each value is kept with probability 1 - p, dropped with probability p, 0 <= p < 1).

training=True: zero the dropped values and scale the kept ones so that each output has
    the same expected value as its input (inverted dropout, as nn.Dropout does).
training=False: evaluation: dropout does nothing.
Return a new array; leave x and mask unchanged.
"""

import numpy as np


def dropout_forward(x, mask, p, training):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise inverted-dropout (lesson 10): a reference solution."""

import numpy as np


def dropout_forward(x, mask, p, training):
    if not training:
        return x.copy()  # eval mode: the identity
    return x * mask / (1 - p)  # keep with probability 1 - p, so divide by it
''',
    hints=(
        "Training: x * mask zeroes the dropped values. A value is kept with probability "
        "1 - p, so on average x * mask is (1 - p) * x: divide by (1 - p) to undo that.",
        "Evaluation: return x unchanged. Inverted dropout does its scaling while training, "
        "so that at test time there is nothing to do (no mask, no scaling).",
        "x *= ... would change the caller's array: compute a new one (x * mask / (1 - p)).",
    ),
    mistakes=(
        Mistake("return x * mask / (1 - p)", "return x * mask", "1/(1-p)"),
        Mistake(
            "    if not training:\n        return x.copy()  # eval mode: the identity\n",
            "",
            "dropped at eval time",
        ),
        Mistake("return x * mask / (1 - p)", "return x * mask / p", "keep probability"),
        Mistake(
            "    return x * mask / (1 - p)  #",
            "    x *= mask / (1 - p)\n    return x  #",
            "in place",
        ),
    ),
)


def _rng_x(shape, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).uniform(0.5, 2.0, size=shape)
    return x * np.where(np.random.default_rng(seed + 1).random(shape) < 0.5, -1.0, 1.0)


def _call_dropout(fn, x: np.ndarray, mask: np.ndarray, p: float, training: bool) -> np.ndarray:
    got = array(fn(x.copy(), mask.copy(), p, training), f"dropout_forward(training={training})")
    expect = x.shape
    if got.shape != expect:
        raise Wrong(
            f"dropout_forward(training={training}) returned shape {got.shape}, expected "
            f"{expect}, the shape of x"
        )
    return got


@inverted_dropout.check("training: kept values scaled by 1/(1-p), as F.dropout does")
def _drop_train(m) -> None:
    from .. import functional as F
    from ..factory import manual_seed, tensor

    fn = need(m, "dropout_forward")
    for p, seed in ((0.5, 1), (0.2, 2), (0.75, 3)):
        x = _rng_x((6, 8), seed)  # no zeros: F.dropout's zeros are exactly its dropped values
        manual_seed(seed)
        reference = F.dropout(tensor(x, dtype=np.float64), p, training=True).numpy()
        mask = reference != 0
        got = _call_dropout(fn, x, mask, p, True)
        diagnose(
            got,
            reference,
            f"dropout_forward(x, mask, p={p}, training=True)",
            [
                (
                    x * mask,
                    "you forgot to scale by 1/(1-p): the survivors must be divided by the keep "
                    "probability 1 - p so that each output keeps its expected value",
                ),
                (x * mask / p, "divide by the keep probability 1 - p, not by p"),
                (x * mask * (1 - p), "divide by (1 - p); you multiplied by it"),
                (
                    x * ~mask / (1 - p),
                    "the mask is True where a value is KEPT: you kept the dropped ones",
                ),
                (x, "nothing was dropped: in training mode zero the values where mask is False"),
            ],
        )


@inverted_dropout.check("eval mode: the identity (nothing dropped, nothing scaled)")
def _drop_eval(m) -> None:
    fn = need(m, "dropout_forward")
    x = _rng_x((5, 7), 7)
    p = 0.5
    mask = np.random.default_rng(8).random(x.shape) >= p
    got = _call_dropout(fn, x, mask, p, False)
    diagnose(
        got,
        x,
        "dropout_forward(x, mask, p=0.5, training=False)",
        [
            (
                x * mask / (1 - p),
                "you dropped at eval time: in eval mode dropout is the identity (ignore the "
                "mask and return x)",
            ),
            (x * mask, "you dropped at eval time: in eval mode return x, ignoring the mask"),
            (
                x * (1 - p),
                "you scaled at eval time by (1 - p): that is the original, non-inverted "
                "dropout; inverted dropout scales while training, so eval is the identity",
            ),
            (x / (1 - p), "you scaled at eval time: in eval mode return x unchanged"),
        ],
    )


@inverted_dropout.check("the expected value: the mean over 4,000 random masks is x")
def _drop_mean(m) -> None:
    fn = need(m, "dropout_forward")
    rng = np.random.default_rng(11)
    x = np.array([1.0, -2.0, 0.5, 3.0])
    draws = 4000
    for p in (0.2, 0.5, 0.8):
        xs = np.tile(x, (draws, 1))
        mask = rng.random(xs.shape) >= p  # each value kept with probability 1 - p
        mean = _call_dropout(fn, xs, mask, p, True).mean(axis=0)
        # the standard error is |x| sqrt(p / (1 - p) / draws) <= 0.032 |x|: allow 5 of them
        if np.all(np.abs(mean - x) <= 0.16 * np.abs(x)):
            continue
        if np.all(np.abs(mean - (1 - p) * x) <= 0.16 * np.abs(x)):
            raise Wrong(
                f"with p={p} your outputs average {np.round(mean, 2).tolist()}, which is "
                f"(1 - p) = {1 - p:g} times x = {x.tolist()}: you forgot to scale by 1/(1-p)"
            )
        raise Wrong(
            f"with p={p} your outputs average {np.round(mean, 2).tolist()} over {draws} masks; "
            f"inverted dropout keeps the expected value, x = {x.tolist()}"
        )


@inverted_dropout.check("x and mask are left unchanged (a new array is returned)")
def _drop_inplace(m) -> None:
    fn = need(m, "dropout_forward")
    x = _rng_x((4, 6), 13)
    mask = np.random.default_rng(14).random(x.shape) >= 0.5
    for training in (True, False):
        x_in, mask_in = x.copy(), mask.copy()
        got = fn(x_in, mask_in, 0.5, training)
        if not np.array_equal(x_in, x):
            raise Wrong(
                f"dropout_forward(training={training}) changed x in place (x *= ... or "
                "x[...] = ...): the caller still needs x; compute a new array instead"
            )
        if not np.array_equal(mask_in, mask):
            raise Wrong(f"dropout_forward(training={training}) changed the mask in place")
        if got is x_in and training:
            raise Wrong("in training mode return a new array, not x itself")


EXERCISES = [stacked_3x3, inception_params, dense_channels, inverted_dropout]
