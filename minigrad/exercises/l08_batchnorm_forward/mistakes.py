"""Realistic wrong answers to batchnorm-forward, each with the words its diagnostic must
contain. Most run the solution and redo the one part they get wrong."""

import numpy as np

from ..exercise import mistake
from .solution import batch_norm


def per_channel(x):
    """The axes batch norm averages over, and how a (C,) vector lines up with x."""
    return (0,) + tuple(range(2, x.ndim)), (1, -1) + (1,) * (x.ndim - 2)


@mistake("batch_norm", hint="inside")
def eps_outside_the_root(
    x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5
):
    axes, shape = per_channel(x)
    mean, var = (x.mean(axis=axes), x.var(axis=axes)) if training else (running_mean, running_var)
    x_hat = (x - mean.reshape(shape)) / (np.sqrt(var.reshape(shape)) + eps)
    batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)  # the update
    return x_hat * gamma.reshape(shape) + beta.reshape(shape)


@mistake("batch_norm", hint="running variance is biased")
def running_variance_biased(
    x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5
):
    before = running_var.copy()
    y = batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)
    if training:
        running_var[...] = (1 - momentum) * before + momentum * x.var(axis=per_channel(x)[0])
    return y


@mistake("batch_norm", hint="eval mode still uses the batch statistics")
def eval_with_batch_statistics(
    x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5
):
    if training:
        return batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)
    axes, _ = per_channel(x)
    return batch_norm(x, x.mean(axis=axes), x.var(axis=axes), gamma, beta, False, momentum, eps)


@mistake("batch_norm", hint="(N, C, H, W)")
def statistics_over_the_batch_axis_only(
    x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5
):
    """Right for (N, C); for images the statistics are per pixel, shape (C, H, W)."""
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        n = x.shape[0]
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean *= 1 - momentum
        running_mean += momentum * mean
        running_var *= 1 - momentum
        running_var += momentum * var * n / (n - 1)
    else:
        mean, var = running_mean, running_var
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return x_hat * gamma.reshape(shape) + beta.reshape(shape)


@mistake("batch_norm", hint="in place")
def running_mean_rebound(
    x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5
):
    """`running_mean = ...` updates a new array: the caller's running mean never changes."""
    return batch_norm(x, running_mean.copy(), running_var, gamma, beta, training, momentum, eps)


@mistake("batch_norm", hint="normalise with the biased variance")
def normalised_with_the_unbiased_variance(
    x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5
):
    if not training:
        return batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)
    axes, shape = per_channel(x)
    n = x.size // x.shape[1]
    batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)  # the update
    var = x.var(axis=axes) * n / (n - 1)
    x_hat = (x - x.mean(axis=axes).reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return x_hat * gamma.reshape(shape) + beta.reshape(shape)


@mistake("batch_norm", hint="weight of the NEW batch")
def momentum_weighs_the_old_value(
    x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5
):
    return batch_norm(x, running_mean, running_var, gamma, beta, training, 1 - momentum, eps)
