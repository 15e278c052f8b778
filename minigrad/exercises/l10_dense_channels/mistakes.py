"""Realistic wrong answers to dense-channels, each with the words its diagnostic must contain."""

import math

from ..exercise import mistake
from .solution import dense_block_out, transition_out


@mistake("dense_block_out", hint="off by one")
def one_layer_too_few(c0, num_layers, growth_rate):
    return c0 + (num_layers - 1) * growth_rate


@mistake("densenet_features", hint="forgot the compression")
def no_transitions(c0, block_config, growth_rate):
    channels = c0
    for num_layers in block_config:
        channels = dense_block_out(channels, num_layers, growth_rate)
    return channels


@mistake("densenet_features", hint="after the last")
def transition_after_every_block(c0, block_config, growth_rate):
    channels = c0
    for num_layers in block_config:
        channels = transition_out(dense_block_out(channels, num_layers, growth_rate))
    return channels


@mistake("transition_out", hint="round down")
def rounds_up(channels, compression=0.5):
    return math.ceil(channels * compression)
