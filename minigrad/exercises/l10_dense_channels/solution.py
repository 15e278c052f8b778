"""Exercise dense-channels (lesson 10): how many maps a DenseNet carries.

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

import math


def dense_block_out(c0, num_layers, growth_rate):
    # BEGIN SOLUTION
    return c0 + num_layers * growth_rate  # the input and every layer's new maps
    # END SOLUTION


def transition_out(channels, compression=0.5):
    # BEGIN SOLUTION
    return math.floor(channels * compression)
    # END SOLUTION


def densenet_features(c0, block_config, growth_rate):
    # BEGIN SOLUTION
    channels = c0
    for i, num_layers in enumerate(block_config):
        channels = dense_block_out(channels, num_layers, growth_rate)
        if i < len(block_config) - 1:  # a transition BETWEEN blocks, none after the last
            channels = transition_out(channels)
    return channels
    # END SOLUTION
