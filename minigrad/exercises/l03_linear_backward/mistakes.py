"""Realistic wrong answers to linear-backward, each with the words its diagnostic must contain."""

from ..exercise import mistake


@mistake("linear_backward", hint="broadcast input was not summed")
def db_not_summed(x, W, b, dy):
    return dy @ W.T, x.T @ dy, dy


@mistake("linear_backward", hint="mean")
def db_averaged(x, W, b, dy):
    return dy @ W.T, x.T @ dy, dy.mean(axis=0)


@mistake("linear_backward", hint="transposed")
def dw_transposed(x, W, b, dy):
    return dy @ W.T, dy.T @ x, dy.sum(axis=0)
