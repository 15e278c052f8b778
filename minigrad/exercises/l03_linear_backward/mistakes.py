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


@mistake("linear_backward", hint="wrong axis")
def db_summed_over_the_wrong_axis(x, W, b, dy):
    return dy @ W.T, x.T @ dy, dy.sum(axis=1)


@mistake("linear_backward", hint="wrong sign")
def gradient_of_minus_y(x, W, b, dy):
    return -dy @ W.T, x.T @ dy, dy.sum(axis=0)
