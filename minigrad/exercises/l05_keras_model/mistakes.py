"""Realistic wrong answers to keras-model, each with the words its diagnostic must contain."""

from ..exercise import mistake
from .solution import answers


@mistake("answers", hint="flattened")
def dense_on_the_flattened_map() -> dict:
    got = answers()
    dense = 27 * 27 * 64 * 133 + 133
    return dict(got, dense=dense, total=got["total"] - got["dense"] + dense)


@mistake("conv", hint="bias")
def conv_without_bias(c_in, c_out, k):
    return k * k * c_in * c_out


@mistake("pooled_size", hint="'valid'")
def same_padding(size, convs):
    for _ in range(convs):
        size = size // 2
    return size
