"""Exercise batchnorm-forward (lesson 8): batch normalization, both modes, in numpy.

x has shape (N, C) or (N, C, H, W); the statistics are per channel (axis 1), taken over
every other axis. gamma, beta, running_mean and running_var have shape (C,).

training=True:  normalise with this batch's mean and BIASED variance (divide by n),
    y = (x - mean) / sqrt(var + eps) * gamma + beta
    and update the running statistics IN PLACE (they are the layer's memory):
    running_mean = (1 - momentum) * running_mean + momentum * mean
    running_var  = (1 - momentum) * running_var  + momentum * var_unbiased   (n / (n - 1))
training=False: normalise with running_mean and running_var; change nothing.
Return y.
"""

import numpy as np


def batch_norm(x, running_mean, running_var, gamma, beta, training, momentum=0.1, eps=1e-5):
    # BEGIN SOLUTION
    axes = (0,) + tuple(range(2, x.ndim))  # every axis but the channels
    shape = (1, -1) + (1,) * (x.ndim - 2)  # (C,) lined up with axis 1
    if training:
        n = x.size // x.shape[1]  # values per channel
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)  # biased (divides by n): what normalises this batch
        running_mean *= 1 - momentum
        running_mean += momentum * mean
        running_var *= 1 - momentum
        running_var += momentum * var * n / (n - 1)  # the running estimate is unbiased
    else:
        mean, var = running_mean, running_var
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return x_hat * gamma.reshape(shape) + beta.reshape(shape)
    # END SOLUTION
