"""Realistic wrong answers to batchnorm-backward, each with the words its diagnostic must
contain."""

import numpy as np

from ..exercise import mistake
from .solution import batch_norm_backward


def normalised(x, eps):
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    return (x - x.mean(axis=0)) * inv_std, inv_std


@mistake("batch_norm_backward", hint="constants")
def statistics_as_constants(x, gamma, dout, eps=1e-5):
    _, dgamma, dbeta = batch_norm_backward(x, gamma, dout, eps)
    return dout * gamma * normalised(x, eps)[1], dgamma, dbeta


@mistake("batch_norm_backward", hint="not summed")
def dgamma_not_summed(x, gamma, dout, eps=1e-5):
    dx, _, dbeta = batch_norm_backward(x, gamma, dout, eps)
    return dx, dout * normalised(x, eps)[0], dbeta


@mistake("batch_norm_backward", hint="variance")
def path_through_the_variance_forgotten(x, gamma, dout, eps=1e-5):
    _, dgamma, dbeta = batch_norm_backward(x, gamma, dout, eps)
    n, (_, inv_std), dx_hat = x.shape[0], normalised(x, eps), dout * gamma
    return (n * dx_hat - dx_hat.sum(axis=0)) * inv_std / n, dgamma, dbeta


def long_way(x, gamma, dout, eps, ddof=0, var_n=True, mean_n=True, half=True):
    """dx through dvar and dmean, with one of the usual slips."""
    n = x.shape[0]
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).sum(axis=0) / (n - ddof)
    inv_std = 1.0 / np.sqrt(var + eps)
    dx_hat = dout * gamma
    dvar = (dx_hat * (x - mu)).sum(axis=0) * (-0.5 if half else 1.0) * inv_std**3
    dmean = -dx_hat.sum(axis=0) * inv_std + dvar * (-2 * (x - mu)).sum(axis=0) / (n - ddof)
    return (
        dx_hat * inv_std
        + dvar * 2 * (x - mu) / ((n - ddof) if var_n else 1)
        + dmean / (n if mean_n else 1)
    )


@mistake("batch_norm_backward", hint="unbiased variance")
def unbiased_variance(x, gamma, dout, eps=1e-5):
    _, dgamma, dbeta = batch_norm_backward(x, gamma, dout, eps)
    return long_way(x, gamma, dout, eps, ddof=1), dgamma, dbeta


@mistake("batch_norm_backward", hint="unbiased variance")
def unbiased_variance_in_the_closed_form(x, gamma, dout, eps=1e-5):
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0, ddof=1) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dx_hat = dout * gamma
    dx = (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)) * inv_std / n
    _, dgamma, dbeta = batch_norm_backward(x, gamma, dout, eps)
    return dx, dgamma, dbeta


@mistake("batch_norm_backward", hint="a missing 1/N in the path through the variance")
def variance_path_without_one_over_n(x, gamma, dout, eps=1e-5):
    _, dgamma, dbeta = batch_norm_backward(x, gamma, dout, eps)
    return long_way(x, gamma, dout, eps, var_n=False), dgamma, dbeta


@mistake("batch_norm_backward", hint="a missing 1/N in the path through the mean")
def mean_path_without_one_over_n(x, gamma, dout, eps=1e-5):
    _, dgamma, dbeta = batch_norm_backward(x, gamma, dout, eps)
    return long_way(x, gamma, dout, eps, mean_n=False), dgamma, dbeta


@mistake("batch_norm_backward", hint="a 1/N is missing")
def closed_form_without_one_over_n(x, gamma, dout, eps=1e-5):
    dx, dgamma, dbeta = batch_norm_backward(x, gamma, dout, eps)
    return dx * x.shape[0], dgamma, dbeta


@mistake("batch_norm_backward", hint="a factor -1/2 is missing")
def variance_path_without_minus_one_half(x, gamma, dout, eps=1e-5):
    _, dgamma, dbeta = batch_norm_backward(x, gamma, dout, eps)
    return long_way(x, gamma, dout, eps, half=False), dgamma, dbeta


@mistake("batch_norm_backward", hint="a factor 1/N (the batch size N, 5)")
def dgamma_as_a_mean(x, gamma, dout, eps=1e-5):
    dx, dgamma, dbeta = batch_norm_backward(x, gamma, dout, eps)
    return dx, dgamma / x.shape[0], dbeta


@mistake("batch_norm_backward", hint="the first example only")
def dbeta_from_the_first_row(x, gamma, dout, eps=1e-5):
    dx, dgamma, _ = batch_norm_backward(x, gamma, dout, eps)
    return dx, dgamma, dout[0]
