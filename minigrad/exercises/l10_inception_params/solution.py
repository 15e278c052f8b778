"""Exercise inception-params (lesson 10): an Inception block, from its 7 numbers.

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

# BEGIN SOLUTION


def conv(c_in, c_out, k):
    return k * k * c_in * c_out + c_out  # weights and one bias per filter


# END SOLUTION


def inception_params(in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_proj):
    # BEGIN SOLUTION
    c = in_channels
    branch1 = conv(c, n1x1, 1)
    branch2 = conv(c, n3x3red, 1) + conv(n3x3red, n3x3, 3)  # reduce, then 3x3
    branch3 = conv(c, n5x5red, 1) + conv(n5x5red, n5x5, 5)  # reduce, then 5x5
    branch4 = conv(c, pool_proj, 1)  # the max pool itself learns nothing
    return branch1 + branch2 + branch3 + branch4
    # END SOLUTION


def inception_out_channels(in_channels, n1x1, n3x3red, n3x3, n5x5red, n5x5, pool_proj):
    # BEGIN SOLUTION
    return n1x1 + n3x3 + n5x5 + pool_proj  # the four branches side by side
    # END SOLUTION
