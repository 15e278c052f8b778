"""Realistic wrong answers to output-size, each with the words its diagnostic must contain."""

from ..exercise import mistake


@mistake("conv_output_size", hint="forgot the padding")
def no_padding(size, kernel, stride=1, padding=0, dilation=1):
    return (size - dilation * (kernel - 1) - 1) // stride + 1


@mistake("conv_output_size", hint="both sides")
def padding_on_one_side(size, kernel, stride=1, padding=0, dilation=1):
    return (size + padding - dilation * (kernel - 1) - 1) // stride + 1


@mistake("conv_output_size", hint="dilation")
def dilation_ignored(size, kernel, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - kernel) // stride + 1


@mistake("conv_output_size", hint="+ 1")
def first_window_not_counted(size, kernel, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride


@mistake("conv_output_size", hint="not D*F")
def dilated_span_times_kernel(size, kernel, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * kernel) // stride + 1


@mistake("conv_output_size", hint="round down")
def rounded_up(size, kernel, stride=1, padding=0, dilation=1):
    return -(-(size + 2 * padding - dilation * (kernel - 1) - 1) // stride) + 1
