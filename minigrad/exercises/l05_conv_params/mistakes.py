"""Realistic wrong answers to conv-params, each with the words its diagnostic must contain."""

from ..exercise import mistake


def kernel_area(kernel_size):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return kh * kw


@mistake("conv2d_param_count", hint="forgot the bias")
def weights_only(c_in, c_out, kernel_size, bias=True, groups=1):
    return c_out * (c_in // groups) * kernel_area(kernel_size)


@mistake("conv2d_param_count", hint="groups")
def groups_ignored(c_in, c_out, kernel_size, bias=True, groups=1):
    return c_out * c_in * kernel_area(kernel_size) + (c_out if bias else 0)


@mistake("conv2d_param_count", hint="OUTPUT channel")
def one_bias_per_input_channel(c_in, c_out, kernel_size, bias=True, groups=1):
    return c_out * (c_in // groups) * kernel_area(kernel_size) + (c_in if bias else 0)


@mistake("conv2d_param_count", hint="a filter spans all its input channels")
def filter_sees_one_channel(c_in, c_out, kernel_size, bias=True, groups=1):
    return c_out * kernel_area(kernel_size) + (c_out if bias else 0)
