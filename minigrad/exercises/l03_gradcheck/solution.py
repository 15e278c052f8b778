"""Exercise gradcheck (lesson 3): check a gradient the way mg.gradcheck does.

A gradient written by hand (or an engine's) can be checked against the definition of the
derivative: nudge one input a little and watch the function move.

numerical_gradient(f, x, h=1e-5): x is a float64 array, f(x) returns a number. For every
    element i of x, the CENTRAL difference (f(x + h e_i) - f(x - h e_i)) / (2 h), e_i being
    1 at i and 0 elsewhere (its error shrinks like h**2; the one-sided (f(x + h e_i) -
    f(x)) / h only like h). Return an array of x's shape, and leave x as it was.
relative_error(a, b): ||a - b|| / (||a|| + ||b||) (Euclidean norms over all elements),
    0.0 when a and b are both zero. Symmetric, and blind to the scale: multiplying a and b
    by 1e-6 or by 1e6 does not change it.
gradcheck(f, x, analytic, threshold=1e-6, h=1e-5): True when the relative error between
    the analytic gradient and the numerical one is below `threshold`, else False.

The checker runs them on correct gradients and on deliberately wrong ones, at scales
from 1e-7 to 1e6.
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    # BEGIN SOLUTION
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved  # put it back: the next element is nudged from the original x
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
    # END SOLUTION


def relative_error(a, b):
    # BEGIN SOLUTION
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    size = np.linalg.norm(a) + np.linalg.norm(b)
    if size == 0.0:
        return 0.0  # both zero: they agree
    return float(np.linalg.norm(a - b) / size)
    # END SOLUTION


def gradcheck(f, x, analytic, threshold=1e-6, h=1e-5):
    # BEGIN SOLUTION
    return relative_error(analytic, numerical_gradient(f, x, h)) < threshold
    # END SOLUTION
