"""Realistic wrong answers to inception-params, each with the words its diagnostic must
contain."""

from ..exercise import mistake
from .solution import conv


@mistake("conv", hint="biases")
def conv_without_bias(c_in, c_out, k):
    return k * k * c_in * c_out


@mistake("inception_params", hint="1x1 reduction of the 3x3 branch")
def no_3x3_reduction(in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_proj):
    c = in_channels
    branch2 = conv(n3x3red, n3x3, 3)  # the reduction's own weights forgotten
    branch3 = conv(c, n5x5red, 1) + conv(n5x5red, n5x5, 5)
    return conv(c, n1x1, 1) + branch2 + branch3 + conv(c, pool_proj, 1)


@mistake("inception_params", hint="pool projection")
def no_pool_projection(in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_proj):
    c = in_channels
    branch2 = conv(c, n3x3red, 1) + conv(n3x3red, n3x3, 3)
    branch3 = conv(c, n5x5red, 1) + conv(n5x5red, n5x5, 5)
    return conv(c, n1x1, 1) + branch2 + branch3


@mistake("inception_out_channels", hint="pool branch")
def pool_branch_left_out(in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_proj):
    return n1x1 + n3x3 + n5x5
