"""Exercise vgg-block (lesson 5): VGG's building block, counted.

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
    # BEGIN SOLUTION
    total = 0
    for i in range(num_convs):
        channels_in = c_in if i == 0 else c_out  # only the first conv changes the width
        total += 3 * 3 * channels_in * c_out + c_out
    return total  # the pool has no parameters
    # END SOLUTION


def vgg_block_output(size, num_convs):
    # BEGIN SOLUTION
    # a 3x3 convolution with padding 1 keeps the size; the 2x2 pool with stride 2 halves it
    return size // 2
    # END SOLUTION


def stacked_receptive_field(num_convs):
    # BEGIN SOLUTION
    return 2 * num_convs + 1  # each 3x3 layer widens the view by one pixel on each side
    # END SOLUTION
