"""Realistic wrong answers to stacked-3x3, each with the words its diagnostic must contain."""

from ..exercise import mistake


@mistake("receptive_field", hint="3n")
def windows_added_up(num_convs):
    return 3 * num_convs


@mistake("stack_params", hint="forgot the bias")
def stack_without_biases(num_convs, channels):
    return num_convs * 3 * 3 * channels * channels


@mistake("single_conv_params", hint="same window")
def kernel_as_wide_as_the_taps(num_convs, channels):
    k = 3 * num_convs
    return k * k * channels * channels + channels


@mistake("single_conv_params", hint="forgot the bias")
def single_without_bias(num_convs, channels):
    k = 2 * num_convs + 1
    return k * k * channels * channels
