"""Checks of stacked-3x3: receptive fields, the stack's parameters, the big kernel's."""

from ..helpers import cases_diagnose, check, need

CASES = [dict(num_convs=n, channels=c) for n, c in ((1, 64), (2, 64), (3, 256), (4, 512))]


@check("receptive_field: 3, 5, 7, 9, 11 pixels for 1 to 5 stacked 3x3 layers")
def receptive_field(m) -> None:
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


def stack(num_convs, channels, bias=True, k=3, layers=None):
    layers = num_convs if layers is None else layers
    return layers * (k * k * channels * channels + (channels if bias else 0))


@check("stack_params: 1 to 4 layers at 64, 256 and 512 channels")
def stack_params(m) -> None:
    cases_diagnose(
        need(m, "stack_params"),
        CASES,
        stack,
        [
            (
                lambda **c: stack(**c, bias=False),
                "you forgot the bias: each layer has one bias per output channel (C per layer)",
            ),
            (
                lambda **c: stack(**c, layers=1),
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


def single(num_convs, channels, bias=True, k=None):
    k = 2 * num_convs + 1 if k is None else k
    return k * k * channels * channels + (channels if bias else 0)


@check("single_conv_params: one 3x3, 5x5, 7x7, 9x9 convolution to compare")
def single_conv_params(m) -> None:
    cases_diagnose(
        need(m, "single_conv_params"),
        CASES,
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
