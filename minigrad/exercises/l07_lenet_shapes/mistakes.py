"""Realistic wrong answers to lenet-shapes, each with the words its diagnostic must contain."""

from ..exercise import mistake
from .solution import answers


@mistake("conv", hint="+ 1")
def kernel_fits_one_time_less(size, k):
    return size - k


@mistake("answers", hint="halves")
def s2_not_pooled() -> dict:
    got = answers()
    return dict(got, S2=got["C1"])


@mistake("answers", hint="no padding here")
def c1_keeps_the_size() -> dict:
    return dict(answers(), C1=(6, 32, 32))
