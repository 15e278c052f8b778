"""Realistic wrong answers to mlp-params, each with the words its diagnostic must contain."""

from ..exercise import mistake


@mistake("mlp_param_count", hint="forgot the biases")
def weights_only(sizes: list) -> int:
    return sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


@mistake("mlp_param_count", hint="one bias per input")
def bias_per_input(sizes: list) -> int:
    return sum(n_in * n_out + n_in for n_in, n_out in zip(sizes[:-1], sizes[1:]))


@mistake("mlp_param_count", hint="input layer has no parameters")
def input_layer_counted(sizes: list) -> int:
    return sizes[0] + sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
