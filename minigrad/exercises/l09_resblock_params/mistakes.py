"""Realistic wrong answers to resblock-params, each with the words its diagnostic must
contain."""

from ..exercise import mistake
from .solution import answers


def with_part(name: str, count: int) -> dict:
    """The right answers, with one part's count replaced (and the total following it)."""
    got = answers()
    return dict(got, **{name: count, "total": got["total"] - got[name] + count})


@mistake("answers", hint="buffers")
def running_statistics_counted() -> dict:
    return with_part("bn1", 4 * 128)


@mistake("answers", hint="its own BatchNorm")
def projection_without_batchnorm() -> dict:
    return with_part("shortcut", 64 * 128)


@mistake("answers", hint="no bias")
def conv1_with_bias() -> dict:
    return with_part("conv1", 3 * 3 * 64 * 128 + 128)


@mistake("answers", hint="the identity cannot be added")
def identity_shortcut() -> dict:
    return with_part("shortcut", 0)


@mistake("answers", hint="1x1 convolution, not 3x3")
def projection_as_a_3x3() -> dict:
    return with_part("shortcut", 9 * 64 * 128 + 256)


@mistake("answers", hint="conv1 has stride 2")
def output_not_halved() -> dict:
    return dict(answers(), output_shape=(128, 56, 56))
