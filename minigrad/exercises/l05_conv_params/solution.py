"""Exercise conv-params (lesson 5): how many numbers does a Conv2d learn?

A layer from c_in to c_out channels with a kernel of kernel_size (an int k for k x k, or a
pair (kh, kw)). Each output channel has one filter spanning its input channels, plus one
bias when bias=True. With groups=g the channels are split into g groups, and each filter
sees only c_in / g of them. Return the number of parameters.
"""


def conv2d_param_count(c_in, c_out, kernel_size, bias=True, groups=1):
    # BEGIN SOLUTION
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    weights = c_out * (c_in // groups) * kh * kw  # one filter per output channel
    return weights + (c_out if bias else 0)
    # END SOLUTION
