"""Gradient health for the pictures: colours for gradient norms, and a per-node gradcheck.

`grad_colour` maps the norm of a gradient to a colour on a log scale: tiny gradients
(the layer barely learns: *vanishing*) are blue, huge ones (*exploding*) red.

`gradcheck_errors` checks each op of a graph on its own: it replays the op in float64 on
copies of its inputs, asks the op's backward for the gradient of sum(out * v) (v random),
and compares with central finite differences (`gradcheck.central_differences`) on a few
sampled input elements. A correct
backward agrees to about 1e-8; a wrong one is off by order 1.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..factory import from_numpy
from ..gradcheck import central_differences
from ..recording import no_grad
from ..tensor import Tensor, float64, grad

# (legend text, fill colour, font colour), smallest gradients first
GRAD_BINS = [
    ("< 1e-6 (vanishing)", "#08306b", "white"),
    ("1e-6 .. 1e-4", "#2171b5", "white"),
    ("1e-4 .. 1e-2", "#9ecae1", "black"),
    ("1e-2 .. 1", "#e5f5e0", "black"),
    ("1 .. 100", "#fdae61", "black"),
    ("> 100 (exploding)", "#d7191c", "white"),
    ("no gradient", "#ffffff", "black"),
]
GRAD_EDGES = [1e-6, 1e-4, 1e-2, 1.0, 100.0]

GRADCHECK_BINS = [
    ("< 1e-5: correct", "#a1d99b", "black"),
    ("1e-5 .. 1e-2: suspicious", "#fee08b", "black"),
    (">= 1e-2: wrong backward", "#d7191c", "white"),
    ("not checked", "#ffffff", "black"),
]
SAMPLES = 16  # input elements checked by finite differences, per input of each op
EPS = 1e-6


def grad_norm(g: Any) -> float | None:
    """The L2 norm of a gradient (a Tensor or None)."""
    if g is None:
        return None
    return float(np.linalg.norm(np.asarray(g.numpy(), dtype=np.float64)))


def grad_colour(g: Any) -> tuple[str, str]:
    """(fill, font) colours for a gradient's norm, from GRAD_BINS."""
    norm = grad_norm(g)
    if norm is None or not math.isfinite(norm):
        return GRAD_BINS[-1][1:] if norm is None else GRAD_BINS[-2][1:]
    i = sum(norm >= edge for edge in GRAD_EDGES)
    return GRAD_BINS[i][1:]


def gradcheck_colour(errors: list[float | None]) -> tuple[str, str, str]:
    """(fill, font, label line) for the worst relative error among a node's ops."""
    known = [e for e in errors if e is not None]
    if not known:
        return GRADCHECK_BINS[-1][1], GRADCHECK_BINS[-1][2], "not checked"
    worst = max(known)
    i = 0 if worst < 1e-5 else 1 if worst < 1e-2 else 2
    note = "backward raised an error" if worst == math.inf else f"rel err {worst:.1e}"
    return GRADCHECK_BINS[i][1], GRADCHECK_BINS[i][2], note


def gradcheck_errors(nodes: list[Tensor]) -> dict[int, float]:
    """{id(tensor): relative error of its op's backward} for every op node that can be checked."""
    errors = {id(t): op_error(t) for t in nodes if t.grad_fn is not None}
    return {k: err for k, err in errors.items() if err is not None}


def op_error(t: Tensor) -> float | None:
    """Relative error between the backward of the op that made `t` and finite differences.

    None when the op cannot be replayed in float64 (no floating inputs, or a float32 result).
    """
    fn = t.grad_fn
    cls, params = type(fn), fn.params
    inputs = []
    for x in fn.inputs:
        if x.dtype.kind == "f":
            x64 = np.array(x.numpy(), np.float64)  # a copy of its own: perturbed in place
            inputs.append(from_numpy(x64).requires_grad_(x.requires_grad))
        else:
            inputs.append(from_numpy(x.numpy()))
    wanted = [x for x in inputs if x.requires_grad]
    if not wanted:
        return None
    try:
        out = cls.apply(*inputs, **params)
    except Exception:  # an op that cannot run in float64 is left unchecked, not blamed
        return None
    if out.dtype != float64 or not out.requires_grad:
        return None
    rng = np.random.default_rng(0)
    v = rng.standard_normal(out.shape)
    try:
        analytic = grad(out, wanted, grad_outputs=from_numpy(np.asarray(v)), allow_unused=True)
    except Exception:  # a broken backward (wrong shape, crash) is the worst error of all
        return math.inf

    def f() -> float:
        with no_grad():
            return float((cls.apply(*inputs, **params).numpy() * v).sum())

    worst, scale = 0.0, 1e-12
    for x, a in zip(wanted, analytic):
        a = np.zeros(x.shape) if a is None else a.numpy()
        picks = np.arange(x.numel())
        if x.numel() > SAMPLES:
            picks = np.sort(rng.choice(x.numel(), SAMPLES, replace=False))
        at = list(zip(*np.unravel_index(picks, x.shape))) if x.ndim else [()]
        numeric = central_differences(f, x.numpy(), EPS, at)
        analytic_k = np.array([a[k] for k in at], dtype=np.float64)
        if len(at):
            worst = max(worst, float(np.fmax.reduce(np.abs(analytic_k - numeric))))
            scale = max(scale, float(np.fmax.reduce(np.abs(np.r_[analytic_k, numeric]))))
    return worst / scale
