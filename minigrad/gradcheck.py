"""Check a backward pass against finite differences: the engine's test of itself.

The derivative of f at x can be estimated without any calculus:

    df/dx ~ (f(x + eps) - f(x - eps)) / (2 eps)        (central differences)

`central_differences` computes that estimate (the one place minigrad does; the
per-node check of the pictures, viz/health.py, uses it too), and `gradcheck`
compares it with what backpropagation computes, for every element of every
input. A disagreement means a backward is wrong. For a tensor output it checks
the gradient of sum(out * v) for a fixed random v, which catches any wrong entry
of the Jacobian (a cancellation would need v to be exactly orthogonal to the
error, which a random v never is).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .factory import from_numpy
from .scalar import Value
from .tensor import Tensor, float64, grad


class GradcheckError(AssertionError):
    """Raised when an analytical gradient disagrees with its finite-difference estimate."""


def central_differences(
    f: Callable[[], float],
    x: np.ndarray,
    eps: float = 1e-6,
    at: Sequence[tuple[int, ...]] | None = None,
) -> np.ndarray:
    r"""Estimates of df/dx[k] = (f(x + eps e_k) - f(x - eps e_k)) / (2 eps), one per index k.

    `f()` reads `x` (it closes over it, or over a tensor sharing its memory): each element
    is changed in place, f is called twice, and the element is put back. `at` lists the
    indices (tuples, as np.ndindex gives) to estimate; every element by default, in which
    case the result has x's shape. Perturbing x[k] itself, never a reshaped copy, works for
    views that are not contiguous too.

    >>> x = np.array([1.0, 2.0])
    >>> central_differences(lambda: float((x**2).sum()), x).round(6)
    array([2., 4.])
    """
    if not x.flags.writeable:
        raise ValueError("central_differences: x is read-only (a broadcast view?); pass a copy")
    indices = list(np.ndindex(*x.shape)) if at is None else list(at)
    numeric = np.empty(len(indices))
    for n, k in enumerate(indices):
        orig = x[k]
        x[k] = orig + eps
        hi = f()
        x[k] = orig - eps
        lo = f()
        x[k] = orig
        numeric[n] = (hi - lo) / (2 * eps)
    return numeric.reshape(x.shape) if at is None else numeric


def gradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """True if backpropagation through `fn` agrees with finite differences at `inputs`.

    `inputs` are float64 Tensors (those with requires_grad=True are checked; others are
    passed through unchanged), or numbers / Values for a scalar function of Values.
    On disagreement it raises GradcheckError naming the input, the element and both
    values (or returns False with raise_exception=False).
    """
    if inputs and all(isinstance(x, (Value, int, float)) for x in inputs):
        return _gradcheck_scalar(fn, inputs, eps, atol, rtol, raise_exception)
    inputs = list(inputs)
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True, nothing to check")
    for i in checked:
        if inputs[i].dtype != float64:
            raise TypeError(
                f"gradcheck: input {i} is {inputs[i].dtype}; finite differences need float64 "
                "(float32 rounding swamps eps). Pass x.double() or dtype=mg.float64"
            )
    project = _projection(fn, inputs, seed=0)
    target = project(*inputs)
    wanted = [inputs[i] for i in checked]
    analytic = [None] * len(wanted)
    if target.requires_grad:
        analytic = grad(target, wanted, allow_unused=True)
    for i, x, a in zip(checked, wanted, analytic):
        a = np.zeros(x.shape) if a is None else a.numpy()
        if not x.numpy().flags.writeable:
            raise ValueError(
                f"gradcheck: input {i} is a read-only view (a broadcast?); pass a copy"
            )
        # recorded, not no_grad: fn may differentiate inside
        numeric = central_differences(lambda: project(*inputs).item(), x.numpy(), eps)
        # NaN where the other is a number is a failure too (np.abs(nan) > tol is False)
        bad = ~np.isclose(a, numeric, rtol=rtol, atol=atol, equal_nan=True)
        if bad.any():
            k = tuple(int(j) for j in np.argwhere(bad)[0])
            msg = (
                f"gradcheck failed for input {i} (shape {x.shape}) at element {k}: "
                f"numerical {numeric[k]:.6g}, analytical {a[k]:.6g} "
                f"({int(bad.sum())} of {bad.size} elements differ)"
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """True if the *backward pass* of `fn` is itself differentiated correctly.

    It gradchecks x -> d(sum(fn(x) * v))/dx, computed with create_graph=True: this is what
    Hessian-vector products and double backward rely on.
    """
    inputs = list(inputs)
    checked = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    project = _projection(fn, inputs, seed=1)

    def first_derivative(*xs: Any) -> tuple[Tensor, ...]:
        total = project(*xs)
        wanted = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        if not total.requires_grad:
            return tuple(from_numpy(np.zeros(x.shape)) for x in wanted)
        grads = grad(total, wanted, create_graph=True, allow_unused=True)
        zeros = [from_numpy(np.zeros(x.shape)) for x in wanted]
        return tuple(z if g is None else g for z, g in zip(zeros, grads))

    if not checked:
        raise ValueError("gradgradcheck: no input has requires_grad=True, nothing to check")
    return gradcheck(first_derivative, inputs, eps, atol, rtol, raise_exception)


def _projection(fn: Callable[..., Any], inputs: list, seed: int) -> Callable[..., Tensor]:
    """xs -> sum(out * v) over fn's outputs, v fixed and random: one number to differentiate."""
    rng = np.random.default_rng(seed)
    outs = _as_tuple(fn(*inputs))
    weights = [from_numpy(np.asarray(rng.standard_normal(o.shape))) for o in outs]

    def project(*xs: Any) -> Tensor:
        terms = [(o.double() * v).sum() for o, v in zip(_as_tuple(fn(*xs)), weights)]
        return sum(terms[1:], start=terms[0])

    return project


def _as_tuple(out: Any) -> tuple[Tensor, ...]:
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _gradcheck_scalar(
    fn: Callable[..., Value],
    inputs: Sequence[Any],
    eps: float,
    atol: float,
    rtol: float,
    raise_exception: bool,
) -> bool:
    xs = [float(x.data if isinstance(x, Value) else x) for x in inputs]
    values = [Value(x) for x in xs]
    out = fn(*values)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: fn must return a Value, got {type(out).__name__}")
    out.backward()
    at = np.array(xs)
    numerics = central_differences(lambda: fn(*[Value(float(x)) for x in at]).data, at, eps)
    for i, (v, numeric) in enumerate(zip(values, numerics)):
        if abs(v.grad - numeric) > atol + rtol * abs(numeric):
            if raise_exception:
                raise GradcheckError(
                    f"gradcheck failed for input {i} (value {xs[i]:.6g}): "
                    f"numerical {numeric:.6g}, analytical {v.grad:.6g}"
                )
            return False
    return True
