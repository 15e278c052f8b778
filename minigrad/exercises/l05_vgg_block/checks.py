"""Checks of vgg-block: VGG-16's five blocks, their output sizes, and receptive fields."""

from ..helpers import cases_diagnose, check, need

VGG16 = [(3, 64, 2), (64, 128, 2), (128, 256, 3), (256, 512, 3), (512, 512, 3)]


def block_params(c_in, c_out, num_convs, first_only=False, bias=True):
    """The block's parameters (first_only, bias=False: the usual slips)."""
    total = 0
    for i in range(num_convs):
        cin = c_in if (i == 0 or first_only) else c_out
        total += 9 * cin * c_out + (c_out if bias else 0)
    return total


@check("vgg_block_params: VGG-16's five blocks (14,714,688 together)")
def params(m) -> None:
    cases_diagnose(
        need(m, "vgg_block_params"),
        [dict(c_in=a, c_out=b, num_convs=n) for a, b, n in VGG16],
        block_params,
        [
            (
                lambda **c: block_params(**c, first_only=True),
                "every convolution after the first takes c_out channels in, not c_in",
            ),
            (lambda **c: block_params(**c, bias=False), "you forgot the biases (c_out per conv)"),
        ],
        "vgg_block_params",
    )


@check("vgg_block_output: 224 -> 112 -> 56 -> 28 -> 14 -> 7")
def output(m) -> None:
    cases = [dict(size=s, num_convs=n) for s, n in ((224, 2), (112, 2), (56, 3), (28, 3), (14, 3))]
    cases_diagnose(
        need(m, "vgg_block_output"),
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


@check("stacked_receptive_field: two 3x3 see 5 pixels, three see 7")
def receptive_field(m) -> None:
    cases_diagnose(
        need(m, "stacked_receptive_field"),
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
