"""Exercise batchnorm-backward (lesson 8): the backward of batch norm, in closed form.

Training mode, x of shape (N, D), statistics over the batch (axis 0):
    mean = x.mean(0)      var = x.var(0) (biased)      x_hat = (x - mean) / sqrt(var + eps)
    y = gamma * x_hat + beta
Given dout = dL/dy (N, D), return (dx, dgamma, dbeta) in numpy. The mean and the
variance depend on x too: their paths contribute to dx. The checker compares with the
gradient the engine derives from F.batch_norm.
"""

import numpy as np


def batch_norm_backward(x, gamma, dout, eps=1e-5):
    # BEGIN SOLUTION
    n = x.shape[0]
    mean = x.mean(axis=0)
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - mean) * inv_std
    dbeta = dout.sum(axis=0)  # beta and gamma were broadcast over the batch: sum
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    # the three paths from x (direct, through the mean, through the variance), simplified
    dx = n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)
    dx = dx * inv_std / n
    return dx, dgamma, dbeta
    # END SOLUTION
