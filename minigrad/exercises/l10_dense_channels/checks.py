"""Checks of dense-channels: dense blocks, transitions, and whole DenseNets against
models.DenseNet."""

import functools

import numpy as np

from ... import models
from ..helpers import cases_diagnose, check, need


@check("dense_block_out: DenseNet-121's four blocks and small ones")
def block_out(m) -> None:
    cases = [
        dict(c0=64, num_layers=6, growth_rate=32),
        dict(c0=128, num_layers=12, growth_rate=32),
        dict(c0=256, num_layers=24, growth_rate=32),
        dict(c0=512, num_layers=16, growth_rate=32),
        dict(c0=3, num_layers=5, growth_rate=12),
        dict(c0=24, num_layers=1, growth_rate=12),
    ]

    def block(c0, num_layers, growth_rate, extra=0, with_input=True):
        return (c0 if with_input else 0) + (num_layers + extra) * growth_rate

    cases_diagnose(
        need(m, "dense_block_out"),
        cases,
        block,
        [
            (
                lambda **c: block(**c, extra=-1),
                "off by one: every one of the num_layers layers adds growth_rate maps "
                "(the block input is not a layer)",
            ),
            (
                lambda **c: block(**c, extra=1),
                "off by one: num_layers layers add num_layers * growth_rate maps, no more",
            ),
            (
                lambda **c: block(**c, with_input=False),
                "the block outputs the concatenation of its input AND the new maps: add c0",
            ),
            (
                lambda c0, num_layers, growth_rate: c0 + growth_rate,
                "each LAYER adds growth_rate maps, so the block adds num_layers * growth_rate",
            ),
        ],
        "dense_block_out",
    )


@check("transition_out: compression 0.5 (rounding down) and 1")
def transition(m) -> None:
    cases = [
        dict(channels=256, compression=0.5),
        dict(channels=1024, compression=0.5),
        dict(channels=1023, compression=0.5),
        dict(channels=63, compression=0.5),
        dict(channels=160, compression=1.0),
    ]
    cases_diagnose(
        need(m, "transition_out"),
        cases,
        lambda channels, compression: int(np.floor(channels * compression)),
        [
            (
                lambda channels, compression: channels,
                "you forgot the compression: the transition's 1x1 convolution makes "
                "compression * channels maps (half of them for 0.5)",
            ),
            (
                lambda channels, compression: int(np.ceil(channels * compression)),
                "round down (floor), as DenseNet does: 1,023 maps compress to 511",
            ),
            (
                lambda channels, compression: channels // 2,
                "right for 0.5, but use the compression argument: with 1 the channels stay",
            ),
        ],
        "transition_out",
    )


@functools.cache  # building a DenseNet takes a while; its width never changes
def from_model(c0, block_config, growth_rate):
    """What models.DenseNet's classifier reads."""
    net = models.DenseNet(growth_rate, block_config, c0, bn_size=1, num_classes=1)
    return net.classifier.in_features


def features(c0, block_config, growth_rate, squeeze_last=False, squeeze=True, extra=0):
    channels = c0
    for i, n in enumerate(block_config):
        channels += (n + extra) * growth_rate
        if squeeze and (i < len(block_config) - 1 or squeeze_last):
            channels //= 2
    return channels


@check("densenet_features: DenseNet-121, -169, -201, two small ones, by models")
def classifier_inputs(m) -> None:
    cases = [
        dict(c0=64, block_config=(6, 12, 24, 16), growth_rate=32),
        dict(c0=64, block_config=(6, 12, 32, 32), growth_rate=32),
        dict(c0=64, block_config=(6, 12, 48, 32), growth_rate=32),
        dict(c0=24, block_config=(3, 5, 7), growth_rate=12),
        dict(c0=16, block_config=(4,), growth_rate=8),
    ]

    cases_diagnose(
        need(m, "densenet_features"),
        cases,
        from_model,
        [
            (
                lambda **c: features(**c, squeeze=False),
                "you forgot the compression: each transition halves the channels",
            ),
            (
                lambda **c: features(**c, squeeze_last=True),
                "there is no transition after the last block: transitions sit only BETWEEN "
                "blocks, and the last block's maps go to the classifier as they are",
            ),
            (
                lambda **c: features(**c, extra=-1),
                "off by one: every one of a block's layers adds growth_rate maps",
            ),
        ],
        "densenet_features",
    )
