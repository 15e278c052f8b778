"""Realistic wrong answers to gradcheck, each with the words its diagnostic must contain."""

import numpy as np

from ..exercise import mistake
from .solution import numerical_gradient, relative_error


@mistake("numerical_gradient", hint="one-sided difference")
def one_sided(f, x, h=1e-5):
    grad = np.zeros_like(x)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        grad[i] = (f(x) - f0) / h
        x[i] = saved
    return grad


@mistake("numerical_gradient", hint="divide by 2h")
def divided_by_h(f, x, h=1e-5):
    return 2 * numerical_gradient(f, x, h)


@mistake("numerical_gradient", hint="changed x")
def x_not_restored(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        grad[i] = (f_plus - f(x)) / (2 * h)
    return grad


@mistake("relative_error", hint="absolute error")
def absolute(a, b):
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


@mistake("relative_error", hint="symmetric")
def divided_by_the_first(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(a))


@mistake("relative_error", hint="return 0.0")
def no_guard_for_zeros(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


@mistake("gradcheck", hint="RELATIVE error")
def absolute_error_against_the_threshold(f, x, analytic, threshold=1e-6, h=1e-5):
    return float(np.linalg.norm(analytic - numerical_gradient(f, x, h))) < threshold


@mistake("gradcheck", hint="below the threshold")
def verdict_reversed(f, x, analytic, threshold=1e-6, h=1e-5):
    return relative_error(analytic, numerical_gradient(f, x, h)) > threshold


@mistake("gradcheck", hint="not a fixed number")
def threshold_ignored(f, x, analytic, threshold=1e-6, h=1e-5):
    return relative_error(analytic, numerical_gradient(f, x, h)) < 1e-6


@mistake("gradcheck", hint="True or False")
def returns_the_error(f, x, analytic, threshold=1e-6, h=1e-5):
    return relative_error(analytic, numerical_gradient(f, x, h))
