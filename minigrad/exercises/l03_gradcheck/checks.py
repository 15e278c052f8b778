"""Checks of gradcheck: the central difference (x restored), the relative error (symmetric,
scale-free, 0 for two zeros), and gradcheck on right and deliberately wrong gradients at
scales from 1e-7 to 1e6, with the threshold it is given."""

import numpy as np

from ..helpers import Wrong, array, check, diagnose, need, number


def smooth(x):
    return float(np.sum(np.sin(x) * x**2))


def smooth_grad(x):
    return np.cos(x) * x**2 + 2 * x * np.sin(x)


def one_sided(f, x, h):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        bumped = x.copy()
        bumped[i] += h
        grad[i] = (f(bumped) - f(x)) / h
    return grad


@check("numerical_gradient: central differences, x left as it was, x's shape")
def numerical(m) -> None:
    fn = need(m, "numerical_gradient")
    x = np.random.default_rng(0).uniform(-2, 2, size=(2, 3, 2))
    before = x.copy()
    got = array(fn(smooth, x, 1e-5), "numerical_gradient(f, x)")
    if not np.array_equal(x, before):
        raise Wrong(
            "numerical_gradient changed x: put each element back after nudging it (save "
            "x[i], nudge, evaluate, restore), or the next elements are measured elsewhere"
        )
    if got.shape != x.shape:
        raise Wrong(f"numerical_gradient returned shape {got.shape}; return x's shape {x.shape}")
    exact = smooth_grad(x)
    diagnose(
        got,
        exact,
        "the numerical gradient of sum(sin(x) * x**2)",
        [
            (
                one_sided(smooth, x, 1e-5),
                "that is the one-sided difference (f(x + h) - f(x)) / h, whose error shrinks "
                "only like h; use the central one, (f(x + h) - f(x - h)) / (2h)",
            ),
            (
                2 * exact,
                "twice the derivative: f(x + h) and f(x - h) are 2h apart, divide by 2h",
            ),
        ],
        rtol=1e-7,
        atol=1e-8,
    )


@check("relative_error: 0 for equal or zero arrays, symmetric, the same at any scale")
def relative(m) -> None:
    fn = need(m, "relative_error")
    a, b = np.array([3.0, 4.0]), np.array([3.0, 4.5])
    want = 0.5 / (5.0 + np.hypot(3.0, 4.5))
    got = number(fn(a, b), "relative_error([3, 4], [3, 4.5])")
    diagnose(
        got,
        want,
        "relative_error([3, 4], [3, 4.5])",
        [
            (0.5, "that is the absolute error ||a - b||: divide it by ||a|| + ||b||"),
            (0.1, "divide by ||a|| + ||b|| (both sizes: the error stays symmetric)"),
            (0.5 / np.hypot(3.0, 4.5), "divide by ||a|| + ||b|| (both sizes: symmetric)"),
        ],
        rtol=1e-9,
    )
    if abs(number(fn(b, a), "relative_error(b, a)") - got) > 1e-12:
        raise Wrong("relative_error(a, b) != relative_error(b, a): divide by ||a|| + ||b||")
    for scale in (1e-7, 1e6):
        scaled = number(fn(a * scale, b * scale), f"relative_error at scale {scale:g}")
        if abs(scaled - want) > 1e-9 * max(want, 1.0):
            raise Wrong(
                f"multiplying both arrays by {scale:g} changed the error from {got:.3g} to "
                f"{scaled:.3g}: it must be relative, ||a - b|| / (||a|| + ||b||)"
            )
    zero = fn(np.zeros(3), np.zeros(3))
    if zero is None or not np.isfinite(zero) or zero != 0:
        raise Wrong(
            f"relative_error(0, 0) is {zero}: two zero gradients agree; return 0.0 when "
            "||a|| + ||b|| is 0 instead of dividing by it"
        )


def cases():
    """(what, f, x, analytic, the right verdict) at several scales."""
    rng = np.random.default_rng(1)
    w = rng.standard_normal((3, 2))
    x = rng.standard_normal((4, 3))
    net = lambda x: float(np.tanh(x @ w).sum())  # noqa: E731
    net_grad = (1 - np.tanh(x @ w) ** 2) @ w.T
    x1 = rng.uniform(0.5, 1.5, size=5)
    tiny = lambda x: 1e-7 * float(np.sum(x**3))  # noqa: E731
    tiny_grad = 3e-7 * x1**2
    x2 = rng.uniform(-1, 1, size=(2, 2))
    huge = lambda x: 1e6 * float(np.sum(np.sin(x)))  # noqa: E731
    huge_grad = 1e6 * np.cos(x2)
    one_off = net_grad.copy()
    one_off[2, 1] *= 1.001
    return [
        ("a right gradient (a tanh layer)", net, x, net_grad, True),
        ("a right gradient of size 1e-7", tiny, x1, tiny_grad, True),
        ("a right gradient of size 1e6", huge, x2, huge_grad, True),
        ("a gradient twice too large", net, x, 2 * net_grad, False),
        ("a gradient with the wrong sign", net, x, -net_grad, False),
        ("a gradient with one element 0.1% off", net, x, one_off, False),
        ("a gradient of size 1e-7, 10% too large", tiny, x1, 1.1 * tiny_grad, False),
        ("a square matrix's gradient transposed", huge, x2, huge_grad.T, False),
    ]


@check("gradcheck: True for right gradients at any scale, False for wrong ones")
def verdicts(m) -> None:
    fn = need(m, "gradcheck")
    for what, f, x, analytic, right in cases():
        verdict = fn(f, x.copy(), analytic.copy())
        if not isinstance(verdict, (bool, np.bool_)):
            raise Wrong(f"gradcheck should return True or False, got {type(verdict).__name__}")
        if bool(verdict) == right:
            continue
        if right and "1e6" in what:
            raise Wrong(
                f"gradcheck rejects {what}: an absolute error of 1e-4 is only rounding for a "
                "gradient of size 1e6; compare the RELATIVE error with the threshold"
            )
        if not right and "1e-7" in what:
            raise Wrong(
                f"gradcheck accepts {what}: for tiny gradients any absolute error is tiny; "
                "compare the RELATIVE error with the threshold"
            )
        said = "accepts" if verdict else "rejects"
        raise Wrong(
            f"gradcheck {said} {what}: it should return True exactly when the relative "
            "error is below the threshold (it relies on your numerical_gradient and "
            "relative_error: if their checks fail, fix them first)"
        )


@check("gradcheck uses its threshold: 0.01% off fails at 1e-6 and passes at 1e-3")
def threshold(m) -> None:
    fn = need(m, "gradcheck")
    _, f, x, analytic, _ = cases()[0]
    off = analytic * 1.0001
    strict, loose = bool(fn(f, x.copy(), off, threshold=1e-6)), bool(fn(f, x.copy(), off, 1e-3))
    if (strict, loose) != (False, True):
        raise Wrong(
            f"a gradient 0.01% off: gradcheck says {strict} at threshold 1e-6 and {loose} at "
            "1e-3, expected False and True: compare with the `threshold` argument, not a "
            "fixed number"
        )
