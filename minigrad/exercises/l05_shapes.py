"""Lesson 5 exercises, part 1: sizes and parameter counts of convolutional layers."""

from __future__ import annotations

from .core import Exercise, Mistake, Wrong
from .helpers import answer_dict, cases_diagnose, filled, integer, need

output_size = Exercise(
    id="output-size",
    lesson=5,
    title="The output-size formula with stride, padding and dilation",
    stub='''"""Exercise output-size (lesson 5): how big is a convolution's (or pooling's) output?

An input of `size` pixels (along one axis), a kernel of `kernel` pixels, moved by
`stride`, with `padding` zeros added on BOTH sides and the kernel's taps spaced
`dilation` apart. Return the number of output positions (an int).
Classic form: (W - F + 2P) / S + 1, for dilation 1.
"""


def conv_output_size(size, kernel, stride=1, padding=0, dilation=1):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise output-size (lesson 5): a reference solution."""


def conv_output_size(size, kernel, stride=1, padding=0, dilation=1):
    span = dilation * (kernel - 1) + 1  # the pixels one window covers
    return (size + 2 * padding - span) // stride + 1  # floor: a partial window is dropped
''',
    hints=(
        "Count the positions where a whole window fits: the padded input has "
        "size + 2*padding pixels.",
        "With dilation D a kernel of F taps spans D*(F-1) + 1 pixels.",
        "A window that would stick out past the edge is not computed: floor the division "
        "(// in Python).",
    ),
    mistakes=(
        Mistake("(size + 2 * padding - span)", "(size - span)", "forgot the padding"),
        Mistake("(size + 2 * padding - span)", "(size + padding - span)", "both sides"),
        Mistake("span = dilation * (kernel - 1) + 1", "span = kernel", "dilation"),
        Mistake("// stride + 1", "// stride", "+ 1"),
    ),
)

_DEFAULTS = dict(stride=1, padding=0, dilation=1)
_SIZE_CASES = [
    dict(size=32, kernel=5),
    dict(size=28, kernel=5, padding=2),
    dict(size=224, kernel=11, stride=4, padding=2),
    dict(size=7, kernel=3, stride=2, padding=1),
    dict(size=8, kernel=3, stride=2),
    dict(size=10, kernel=3, padding=1, dilation=2),
    dict(size=224, kernel=7, stride=2, padding=3),
    dict(size=6, kernel=2, stride=2),
]
_SIZE_CASES = [dict(c, **{k: v for k, v in _DEFAULTS.items() if k not in c}) for c in _SIZE_CASES]


def _size(size, kernel, stride=1, padding=0, dilation=1, pad_times=2, span=None, plus=1):
    span = dilation * (kernel - 1) + 1 if span is None else span
    return (size + pad_times * padding - span) // stride + plus


@output_size.check("conv_output_size on LeNet, AlexNet, ResNet and odd cases")
def _sizes(m) -> None:
    fn = need(m, "conv_output_size")
    cases_diagnose(
        fn,
        _SIZE_CASES,
        _size,
        [
            (
                lambda **c: _size(**c, pad_times=0),
                "your output size forgot the padding: the padded input has size + 2*padding pixels",
            ),
            (
                lambda **c: _size(**c, pad_times=1),
                "padding is added on both sides: use 2*padding, not padding",
            ),
            (
                lambda **c: _size(**c, span=c["kernel"]),
                "right without dilation but not with it: a kernel of F taps with dilation D "
                "spans D*(F-1) + 1 pixels",
            ),
            (
                lambda **c: _size(**c, plus=0),
                "off by one: the first window sits at position 0, so add 1 ((W - F + 2P) // S + 1)",
            ),
            (
                lambda **c: (
                    -(
                        -(c["size"] + 2 * c["padding"] - c["dilation"] * (c["kernel"] - 1) - 1)
                        // c["stride"]
                    )
                    + 1
                ),
                "you rounded up; a window that does not fit entirely is dropped: round down",
            ),
        ],
        "conv_output_size",
    )


# --------------------------------------------------------------------------------------------

conv_params = Exercise(
    id="conv-params",
    lesson=5,
    title="Count a convolution's parameters (bias, groups)",
    stub='''"""Exercise conv-params (lesson 5): how many numbers does a Conv2d learn?

A layer from c_in to c_out channels with a kernel of kernel_size (an int k for k x k, or a
pair (kh, kw)). Each output channel has one filter spanning its input channels, plus one
bias when bias=True. With groups=g the channels are split into g groups, and each filter
sees only c_in / g of them. Return the number of parameters.
"""


def conv2d_param_count(c_in, c_out, kernel_size, bias=True, groups=1):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise conv-params (lesson 5): a reference solution."""


def conv2d_param_count(c_in, c_out, kernel_size, bias=True, groups=1):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    weights = c_out * (c_in // groups) * kh * kw  # one filter per output channel
    return weights + (c_out if bias else 0)
''',
    hints=(
        "One filter per output channel; a filter is (c_in / groups) x kh x kw numbers.",
        "The bias adds one number per output channel (not per input channel, not per weight).",
        "A depthwise convolution (groups = c_in = c_out) has only kh*kw weights per channel.",
    ),
    mistakes=(
        Mistake("(c_out if bias else 0)", "0", "forgot the bias"),
        Mistake("c_out * (c_in // groups) * kh * kw", "c_out * c_in * kh * kw", "groups"),
    ),
)


def _conv_count(c_in, c_out, kernel_size, bias=True, groups=1, g=True, b=True, c=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    per = (c_in // groups if g else c_in) if c else 1
    return c_out * per * kh * kw + (c_out if (bias and b) else 0)


@conv_params.check(
    "LeNet's C1 and C3, a 1x1 layer, a (1, 7) kernel, no bias, groups 2 and depthwise"
)
def _counts(m) -> None:
    fn = need(m, "conv2d_param_count")
    cases = [
        dict(c_in=1, c_out=6, kernel_size=5),
        dict(c_in=6, c_out=16, kernel_size=5),
        dict(c_in=192, c_out=64, kernel_size=1),
        dict(c_in=32, c_out=48, kernel_size=(1, 7)),
        dict(c_in=64, c_out=64, kernel_size=3, bias=False),
        dict(c_in=8, c_out=16, kernel_size=3, groups=2),
        dict(c_in=32, c_out=32, kernel_size=3, groups=32),
    ]
    cases = [
        dict(c, **{k: v for k, v in (("bias", True), ("groups", 1)) if k not in c}) for c in cases
    ]
    cases_diagnose(
        fn,
        cases,
        _conv_count,
        [
            (
                lambda **c: _conv_count(**c, b=False),
                "you forgot the bias: one per output channel (when bias=True)",
            ),
            (
                lambda **c: _conv_count(**c, g=False),
                "right for groups=1 but not for grouped or depthwise convolutions: each "
                "filter sees only c_in / groups channels",
            ),
            (
                lambda **c: _conv_count(**c, c=False),
                "a filter spans all its input channels: c_in/groups * kh * kw weights, not kh*kw",
            ),
            (
                lambda **c: _conv_count(**c) - c["c_out"] * (c["bias"]) + c["c_in"] * c["bias"],
                "one bias per OUTPUT channel, not per input channel",
            ),
        ],
        "conv2d_param_count",
    )


# --------------------------------------------------------------------------------------------

keras_model = Exercise(
    id="keras-model",
    lesson=5,
    title="A Keras-style CNN: every layer's parameters (19,189 in all)",
    stub='''"""Exercise keras-model (lesson 5): count a small Keras-style CNN, layer by layer.

Input 224 x 224 x 3 (height, width, channels). Keras's default padding is 'valid'.

    Conv2D(16, kernel 2x2)  -> MaxPooling2D(2)
    Conv2D(32, kernel 2x2)  -> MaxPooling2D(2)
    Conv2D(64, kernel 2x2)  -> MaxPooling2D(2)
    GlobalAveragePooling2D  -> Dense(133)

Fill in each layer's parameter count, the total, and the shape (H, W, C) after the
last max-pooling. Numbers or Python expressions.
"""


def answers() -> dict:
    raise NotImplementedError("not implemented yet")
    return {
        "conv1": ..., "conv2": ..., "conv3": ..., "dense": ...,
        "total": ...,
        "last_pool_shape": (..., ..., ...),
    }
''',
    solution='''"""Exercise keras-model (lesson 5): a reference solution."""


def conv(c_in, c_out, k):
    return k * k * c_in * c_out + c_out  # weights + one bias per filter


def answers() -> dict:
    counts = {
        "conv1": conv(3, 16, 2),  # 208
        "conv2": conv(16, 32, 2),  # 2,080
        "conv3": conv(32, 64, 2),  # 8,256
        "dense": 64 * 133 + 133,  # global average pooling leaves 64 numbers: 8,645
    }
    size = 224
    for _ in range(3):
        size = (size - 2 + 1) // 2  # 'valid' 2x2 conv loses one pixel, the pool halves
    counts["total"] = sum(counts.values())  # 19,189
    counts["last_pool_shape"] = (size, size, 64)  # (27, 27, 64)
    return counts
''',
    hints=(
        "A Conv2D with k x k kernels from c_in to c_out channels has k*k*c_in*c_out weights "
        "and c_out biases. Pooling layers have no parameters.",
        "Global average pooling turns 27 x 27 x 64 into 64 numbers: the Dense layer sees 64 "
        "inputs, not 27*27*64.",
        "'valid' padding: a 2x2 convolution turns 224 into 223; the pool then gives 111.",
    ),
    mistakes=(
        Mistake('"dense": 64 * 133 + 133', '"dense": 27 * 27 * 64 * 133 + 133', "flattened"),
        Mistake("return k * k * c_in * c_out + c_out", "return k * k * c_in * c_out", "bias"),
        Mistake("size = (size - 2 + 1) // 2", "size = size // 2", "'valid'"),
    ),
)

_KERAS = {"conv1": 208, "conv2": 2080, "conv3": 8256, "dense": 8645}


@keras_model.check("each convolution's parameter count")
def _keras_convs(m) -> None:
    got = answer_dict(m)
    for name, c_in, c_out in (("conv1", 3, 16), ("conv2", 16, 32), ("conv3", 32, 64)):
        n = integer(filled(got, name), name)
        want = _KERAS[name]
        if n == want:
            continue
        if n == want - c_out:
            raise Wrong(f"{name}: {n} is the weights only; add one bias per filter ({c_out})")
        if n == 3 * 3 * c_in * c_out + c_out:
            raise Wrong(f"{name}: {n} is for a 3x3 kernel; these are 2x2")
        raise Wrong(f"{name} is {n}, expected {want}: 2*2*{c_in}*{c_out} weights + {c_out} biases")


@keras_model.check("the Dense layer after global average pooling")
def _keras_dense(m) -> None:
    n = integer(filled(answer_dict(m), "dense"), "dense")
    if n == 8645:
        return
    if n == 64 * 133:
        raise Wrong("dense: add the 133 biases")
    if n > 100_000:
        raise Wrong(
            f"dense is {n}: you counted weights for the flattened 27x27x64 map; global average "
            "pooling leaves one number per channel, 64 inputs"
        )
    raise Wrong(f"dense is {n}, expected 64 * 133 weights + 133 biases")


@keras_model.check("the total is 19,189 and the last pooled map is 27 x 27 x 64")
def _keras_total(m) -> None:
    got = answer_dict(m)
    total = integer(filled(got, "total"), "total")
    if total != 19189:
        parts = sum(integer(filled(got, k), k) for k in _KERAS)
        extra = " (it is not the sum of your four layers)" if parts != total else ""
        raise Wrong(f"total is {total}, expected 19,189{extra}")
    shape = filled(got, "last_pool_shape")
    if not isinstance(shape, (tuple, list)) or len(shape) != 3:
        raise Wrong("last_pool_shape should be (H, W, C), three ints")
    shape = tuple(integer(s, "last_pool_shape") for s in shape)
    if shape == (28, 28, 64):
        raise Wrong(
            "last_pool_shape (28, 28, 64) would need 'same' padding: with Keras's 'valid' "
            "default, each 2x2 convolution loses one pixel (224 -> 223 -> pool -> 111 ...)"
        )
    if shape != (27, 27, 64):
        raise Wrong(f"last_pool_shape is {shape}, expected (27, 27, 64)")


# --------------------------------------------------------------------------------------------

vgg_block = Exercise(
    id="vgg-block",
    lesson=5,
    title="A VGG block: stacked 3x3 convolutions, parameters and receptive field",
    stub='''"""Exercise vgg-block (lesson 5): VGG's building block, counted.

A VGG block is num_convs 3x3 convolutions (padding 1, each followed by ReLU) and then a
2x2 max-pooling with stride 2. The first convolution goes from c_in to c_out channels,
the others from c_out to c_out.

1. vgg_block_params(c_in, c_out, num_convs): its parameters (weights and biases).
2. vgg_block_output(size, num_convs): the height (= width) of its output for an input
   of size x size.
3. stacked_receptive_field(num_convs): how many input pixels (along one axis) one output
   pixel of num_convs stacked 3x3 convolutions (stride 1) sees. VGG's argument: two
   3x3 see as much as one 5x5, with fewer parameters.
"""


def vgg_block_params(c_in, c_out, num_convs):
    raise NotImplementedError("not implemented yet")


def vgg_block_output(size, num_convs):
    raise NotImplementedError("not implemented yet")


def stacked_receptive_field(num_convs):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise vgg-block (lesson 5): a reference solution."""


def vgg_block_params(c_in, c_out, num_convs):
    total = 0
    for i in range(num_convs):
        channels_in = c_in if i == 0 else c_out  # only the first conv changes the width
        total += 3 * 3 * channels_in * c_out + c_out
    return total  # the pool has no parameters


def vgg_block_output(size, num_convs):
    # a 3x3 convolution with padding 1 keeps the size; the 2x2 pool with stride 2 halves it
    return size // 2


def stacked_receptive_field(num_convs):
    return 2 * num_convs + 1  # each 3x3 layer widens the view by one pixel on each side
''',
    hints=(
        "Only the first convolution maps c_in to c_out; the others map c_out to c_out.",
        "(W - 3 + 2*1) / 1 + 1 = W: padding 1 keeps the size. Only the pool shrinks it.",
        "One 3x3 layer sees 3 pixels; each further 3x3 layer adds one on each side.",
    ),
    mistakes=(
        Mistake("channels_in = c_in if i == 0 else c_out", "channels_in = c_in", "c_out channels"),
        Mistake("    return size // 2", "    return (size - 2 * num_convs) // 2", "padding 1"),
        Mistake("return 2 * num_convs + 1", "return 3 * num_convs", "receptive"),
    ),
)


def _vgg_params(c_in, c_out, num_convs, first_only=False, bias=True):
    total = 0
    for i in range(num_convs):
        cin = c_in if (i == 0 or first_only) else c_out
        total += 9 * cin * c_out + (c_out if bias else 0)
    return total


_VGG16 = [(3, 64, 2), (64, 128, 2), (128, 256, 3), (256, 512, 3), (512, 512, 3)]


@vgg_block.check("vgg_block_params: VGG-16's five blocks (14,714,688 together)")
def _vgg_params_check(m) -> None:
    fn = need(m, "vgg_block_params")
    cases = [dict(c_in=a, c_out=b, num_convs=n) for a, b, n in _VGG16]
    cases_diagnose(
        fn,
        cases,
        _vgg_params,
        [
            (
                lambda **c: _vgg_params(**c, first_only=True),
                "every convolution after the first takes c_out channels in, not c_in",
            ),
            (lambda **c: _vgg_params(**c, bias=False), "you forgot the biases (c_out per conv)"),
        ],
        "vgg_block_params",
    )


@vgg_block.check("vgg_block_output: 224 -> 112 -> 56 -> 28 -> 14 -> 7")
def _vgg_output(m) -> None:
    fn = need(m, "vgg_block_output")
    cases = [dict(size=s, num_convs=n) for s, n in ((224, 2), (112, 2), (56, 3), (28, 3), (14, 3))]
    cases_diagnose(
        fn,
        cases,
        lambda size, num_convs: size // 2,
        [
            (
                lambda size, num_convs: (size - 2 * num_convs) // 2,
                "3x3 convolutions with padding 1 keep the size ((W - 3 + 2) / 1 + 1 = W); "
                "only the pool halves it",
            ),
            (lambda size, num_convs: size, "the 2x2 max-pooling with stride 2 halves the size"),
        ],
        "vgg_block_output",
    )


@vgg_block.check("stacked_receptive_field: two 3x3 see 5 pixels, three see 7")
def _vgg_rf(m) -> None:
    fn = need(m, "stacked_receptive_field")
    cases_diagnose(
        fn,
        [dict(num_convs=n) for n in (1, 2, 3, 4)],
        lambda num_convs: 2 * num_convs + 1,
        [
            (
                lambda num_convs: 3 * num_convs,
                "the views overlap: each further 3x3 layer adds only 2 pixels (one per side) "
                "to the receptive field, so it is 2n + 1, not 3n",
            ),
            (lambda num_convs: 3**num_convs, "receptive fields grow linearly here (stride 1)"),
        ],
        "stacked_receptive_field",
    )


EXERCISES = [output_size, conv_params, keras_model, vgg_block]
