"""Realistic wrong answers to lenet-counts, each with the words its diagnostic must contain."""

from ..exercise import mistake
from .solution import answers


def with_layer(name: str, count: int) -> dict:
    """The right answers, with one layer's count replaced (and the total following it)."""
    got = answers()
    return dict(got, **{name: count, "total": got["total"] - got[name] + count})


@mistake("answers", hint="sparse connection table")
def paper_connection_table() -> dict:
    return with_layer("C3", 1516)


@mistake("answers", hint="bias")
def f6_without_biases() -> dict:
    return with_layer("F6", 84 * 120)


@mistake("answers", hint="RBF")
def output_as_the_papers_rbf_units() -> dict:
    return with_layer("output", 840)


@mistake("answers", hint="each filter spans all 6 input maps")
def c3_filters_see_one_map() -> dict:
    return with_layer("C3", 16 * 25 + 16)
