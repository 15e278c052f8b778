"""Exercise output-size (lesson 5): how big is a convolution's (or pooling's) output?

An input of `size` pixels (along one axis), a kernel of `kernel` pixels, moved by
`stride`, with `padding` zeros added on BOTH sides and the kernel's taps spaced
`dilation` apart. Return the number of output positions (an int).
Classic form: (W - F + 2P) / S + 1, for dilation 1.
"""


def conv_output_size(size, kernel, stride=1, padding=0, dilation=1):
    # BEGIN SOLUTION
    span = dilation * (kernel - 1) + 1  # the pixels one window covers
    return (size + 2 * padding - span) // stride + 1  # floor: a partial window is dropped
    # END SOLUTION
