"""Exercise inverted-dropout (lesson 10): dropout's forward, in numpy.

x is an array; mask is a boolean array of the same shape, True where the value is KEPT
(each value is kept with probability 1 - p, dropped with probability p, 0 <= p < 1).

training=True: zero the dropped values and scale the kept ones so that each output has
    the same expected value as its input (inverted dropout, as nn.Dropout does).
training=False: evaluation: dropout does nothing.
Return a new array; leave x and mask unchanged.
"""

import numpy as np


def dropout_forward(x, mask, p, training):
    # BEGIN SOLUTION
    if not training:
        return x.copy()  # eval mode: the identity
    return x * mask / (1 - p)  # keep with probability 1 - p, so divide by it
    # END SOLUTION
