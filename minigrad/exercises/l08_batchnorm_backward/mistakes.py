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
