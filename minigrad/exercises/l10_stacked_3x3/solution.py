"""Exercise stacked-3x3 (lesson 10): n stacked 3x3 convolutions vs one big kernel.

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
    # BEGIN SOLUTION
    return 2 * num_convs + 1  # each 3x3 layer widens the view by one pixel on each side
    # END SOLUTION


def stack_params(num_convs, channels):
    # BEGIN SOLUTION
    per_layer = 3 * 3 * channels * channels + channels  # weights + one bias per filter
    return num_convs * per_layer
    # END SOLUTION


def single_conv_params(num_convs, channels):
    # BEGIN SOLUTION
    k = receptive_field(num_convs)  # the big kernel must see the same window
    return k * k * channels * channels + channels
    # END SOLUTION
