"""Realistic wrong answers to log-softmax, each with the words its diagnostic must contain."""

from ..exercise import mistake


@mistake("log_softmax", hint="keepdim=True")
def sum_without_keepdim(x, dim=-1):
    shifted = x - x.amax(dim, keepdim=True).detach()
    return shifted - shifted.exp().sum(dim).log()


@mistake("log_softmax", hint="overflow")
def no_shift(x, dim=-1):
    return x - x.exp().sum(dim, keepdim=True).log()


@mistake("log_softmax", hint="dim=0")
def always_the_last_axis(x, dim=-1):
    shifted = x - x.amax(-1, keepdim=True).detach()
    return shifted - shifted.exp().sum(-1, keepdim=True).log()
