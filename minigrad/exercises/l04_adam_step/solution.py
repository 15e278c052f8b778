"""Exercise adam-step (lesson 4): the Adam optimizer's update for one parameter array.

    m = beta1 * m + (1 - beta1) * g           v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)                v_hat = v / (1 - beta2**t)
    p = p - lr * m_hat / (sqrt(v_hat) + eps)

t counts steps from 1. Return the new (p, m, v) as numpy arrays; m and v are the
running moments, which the next call receives back.
"""

import numpy as np


def adam_step(p, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)  # the moments start at 0: undo that bias
    v_hat = v / (1 - beta2**t)
    p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p, m, v
    # END SOLUTION
