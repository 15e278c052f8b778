"""Name the mistake: which simple relation holds between a wrong array and the right one.

A wrong answer is rarely random. Most slips change the right answer in one of a few ways,
and each way leaves a fingerprint that the two arrays alone reveal:

    relation                      got, compared with want
    off by a factor               got = c * want for one number c: named when c is 2, 1/2,
                                  -2 (a factor -1/2 missing), -1/2, -1 (the wrong sign),
                                  0, a size the check names (the batch size N, the number
                                  of pixels H*W, ...) or its inverse, or n/(n-1) (the
                                  unbiased variance); any other c: "up to a constant factor"
    transposed, axes swapped      got = want.T, or want with its axes in another order
    rotated by 180 degrees        got = want[..., ::-1, ::-1] (a kernel flipped)
    padding not cropped           got is larger by p on each side, and its inside is want
    padding forgotten             got is smaller by p on each side: want without its border
    one example only              got = the contribution of one example (or it times N),
                                  when the check gives each example's contribution

Slips that change how the answer is computed rather than the answer itself (the stride
ignored, the kernel not rotated in dX, = where += is needed) have no fingerprint in the two
arrays: a check recomputes the answer the wrong way and passes it as a known mistake
(`convolution.conv_diagnosis` does that for convolutions). `relation` is tried after those.

Each relation is tested on its own in tests/test_exercises_diagnosis.py: the wrong answer
is constructed from the right one, and the name is asserted.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["relation", "same"]


def same(got: Any, want: Any, rtol: float = 1e-5, atol: float = 1e-7) -> bool:
    """got and want have one shape and equal values (to rtol and atol)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rtol, atol=atol))


def relation(
    got: Any,
    want: Any,
    *,
    sizes: Mapping[str, float] | None = None,
    per_example: Any = None,
    variance_n: int | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> str | None:
    """The relation that holds between got and want, as the end of a sentence about got
    ("is 4 times too large, ..."), or None when none of them holds.

    sizes: the sizes worth naming as factors, {"the batch size N": 4}; the last word of
        the description is its symbol. Name sizes that differ from 2 and from each other.
    per_example: the contribution of each example, shape (N, *want.shape), summing to want
        (or a function of no arguments that returns it, called only if needed).
    variance_n: the number of values a variance in the answer averages (names n/(n-1)).
    """
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return _shape_relation(got, want, rtol, atol)
    if not (np.isfinite(got).all() and np.isfinite(want).all()):
        return None
    for test in (_factor, _swapped, _rotated):
        found = test(got, want, sizes or {}, variance_n, rtol, atol)
        if found:
            return found
    if callable(per_example):  # computed only when needed
        per_example = per_example()
    if per_example is not None:
        return _one_example(got, np.asarray(per_example, dtype=np.float64), rtol, atol)
    return None


# --------------------------------------------------------------------------------------------
# Off by a factor


def _candidates(sizes: Mapping[str, float], variance_n: int | None) -> list[tuple[float, str]]:
    """(factor, what it means), named sizes first: they are the more specific reading."""
    out = []
    for label, size in sizes.items():
        symbol = label.split()[-1]
        inverse = f"1/({symbol})" if any(op in symbol for op in "*+-/") else f"1/{symbol}"
        out.append(
            (
                float(size),
                f"is {size:g} times too large, a factor {symbol} ({label}, {size:g}): a "
                f"{inverse} is missing: you summed where the answer is a mean over {symbol}",
            )
        )
        out.append(
            (
                1.0 / size,
                f"is {size:g} times too small, a factor {inverse} ({label}, {size:g}): you "
                f"divided by {symbol} (a mean) where the answer is a sum over {symbol}",
            )
        )
    if variance_n:
        n = variance_n
        out.append(
            (
                n / (n - 1),
                f"is n/(n - 1) = {n}/{n - 1} times the expected values: you used the unbiased "
                f"variance (divided by n - 1) where the biased one (divided by n = {n}) belongs",
            )
        )
        out.append(
            (
                (n - 1) / n,
                f"is (n - 1)/n = {n - 1}/{n} times the expected values: you used the biased "
                f"variance (divided by n) where the unbiased one (divided by n - 1) belongs",
            )
        )
    out += [
        (-1.0, "has the right size but the wrong sign (it is -1 times the expected values)"),
        (2.0, "is twice the expected values: a factor 2 too many"),
        (0.5, "is half the expected values: a factor 2 is missing"),
        (
            -2.0,
            "is -2 times the expected values: a factor -1/2 is missing (as in the derivative "
            "of v**(-1/2), which is -1/2 * v**(-3/2))",
        ),
        (-0.5, "is -1/2 times the expected values: a factor -1/2 too many"),
    ]
    return out


def _factor(got, want, sizes, variance_n, rtol, atol) -> str | None:
    scale = float(np.abs(want).max(initial=0.0))
    if scale == 0.0:
        return None
    if not np.abs(got).max(initial=0.0) > atol:
        return "is all zeros: no contribution reached it"
    c = float((got * want).sum() / (want * want).sum())  # the best c in got ~ c * want
    if not np.allclose(got, c * want, rtol=rtol, atol=atol):
        return None
    for value, meaning in _candidates(sizes, variance_n):
        if abs(c - value) <= 1e-6 * abs(value):
            return meaning
    if want.size >= 2 and abs(c - 1.0) > 1e-6:
        return (
            f"is {c:.4g} times the expected values, everywhere: right up to a constant factor "
            "(a factor missing, or one too many)"
        )
    return None


# --------------------------------------------------------------------------------------------
# Where the numbers are: axes, rotation, borders, examples


def _swapped(got, want, sizes, variance_n, rtol, atol) -> str | None:
    """Same shape, but the values of want.T (2-D) or of want with its axes reordered."""
    axes = _moved_axes(got, want, rtol, atol)
    if axes is None:
        return None
    if want.ndim == 2:
        return "is transposed: your rows are the expected columns (you have expected.T)"
    return (
        f"has its axes swapped: it is the expected array with its axes in the order "
        f"{axes} (np.transpose(expected, {axes}))"
    )


def _moved_axes(got, want, rtol, atol) -> tuple[int, ...] | None:
    """The order of want's axes (2 to 5 of them) that gives got, if one does."""
    orders = list(itertools.permutations(range(want.ndim))) if 2 <= want.ndim <= 5 else []
    for axes in orders[1:]:  # the first is the identity
        moved = want.transpose(axes)
        if moved.shape == got.shape and np.allclose(got, moved, rtol=rtol, atol=atol):
            return axes
    return None


def _rotated(got, want, sizes, variance_n, rtol, atol) -> str | None:
    if want.ndim < 2 or min(want.shape[-2:]) < 2:
        return None
    if np.allclose(got, want[..., ::-1, ::-1], rtol=rtol, atol=atol):
        return (
            "is the expected array rotated by 180 degrees (rows and columns reversed, "
            "[..., ::-1, ::-1]): a kernel flipped where it should not be, or not flipped "
            "where it should"
        )
    return None


def _shape_relation(got, want, rtol, atol) -> str | None:
    """Relations that change the shape: transposed, axes swapped, a border too many or too
    few on the last two axes."""
    axes = _moved_axes(got, want, rtol, atol)
    if axes is not None and want.ndim == 2:
        return f"is transposed: shape {got.shape}, expected {want.shape} (you have expected.T)"
    if axes is not None:
        return (
            f"has its axes swapped: shape {got.shape}, expected {want.shape}; it is the "
            f"expected array with its axes in the order {axes}"
        )
    if got.ndim != want.ndim or got.ndim < 2 or got.shape[:-2] != want.shape[:-2]:
        return None
    dh, dw = got.shape[-2] - want.shape[-2], got.shape[-1] - want.shape[-1]
    if dh != dw or dh == 0 or dh % 2:
        return None
    p = abs(dh) // 2
    if dh > 0 and np.allclose(got[..., p:-p, p:-p], want, rtol=rtol, atol=atol):
        return (
            f"has shape {got.shape}, that of the padded input (expected {want.shape}): the "
            f"padding was not cropped: cut {p} row(s) and column(s) off each side "
            f"([..., {p}:-{p}, {p}:-{p}]); those pixels were zeros added by the forward pass"
        )
    if dh < 0 and np.allclose(got, want[..., p:-p, p:-p], rtol=rtol, atol=atol):
        return (
            f"has shape {got.shape}, {p} pixel(s) short on each side of {want.shape}, and it "
            f"equals the expected values without their border: the padding was forgotten "
            f"(add {p} zero(s) on every side first)"
        )
    return None


def _one_example(got, per_example, rtol, atol) -> str | None:
    n = len(per_example)
    for k in range(n):
        which = "the first example" if k == 0 else f"example {k}"
        if np.allclose(got, per_example[k], rtol=rtol, atol=atol):
            return (
                f"is the contribution of {which} only: each of the N = {n} examples of the "
                f"batch contributes; add up their contributions (sum over n)"
            )
        if np.allclose(got, n * per_example[k], rtol=rtol, atol=atol):
            return (
                f"is the contribution of {which} times N = {n}: the other examples are "
                f"missing; add up every example's contribution (sum over n) instead"
            )
    return None
