"""Realistic wrong answers to gap-classifier, each with the words its diagnostic must contain."""

from ..exercise import mistake


@mistake("classifier_params", hint="one number per channel")
def pooling_keeps_a_row(channels, size, classes, gap):
    features = channels * size if gap else channels * size * size
    return features * classes + classes


@mistake("classifier_params", hint="bias")
def weights_only(channels, size, classes, gap):
    return (channels if gap else channels * size * size) * classes


@mistake("classifier_params", hint="swapped")
def cases_swapped(channels, size, classes, gap):
    features = channels * size * size if gap else channels
    return features * classes + classes
