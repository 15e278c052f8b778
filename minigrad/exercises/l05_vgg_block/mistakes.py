"""Realistic wrong answers to vgg-block, each with the words its diagnostic must contain."""

from ..exercise import mistake


@mistake("vgg_block_params", hint="c_out channels")
def every_conv_from_c_in(c_in, c_out, num_convs):
    return num_convs * (3 * 3 * c_in * c_out + c_out)


@mistake("vgg_block_output", hint="padding 1")
def convolutions_shrink(size, num_convs):
    return (size - 2 * num_convs) // 2


@mistake("stacked_receptive_field", hint="receptive")
def views_added_up(num_convs):
    return 3 * num_convs
