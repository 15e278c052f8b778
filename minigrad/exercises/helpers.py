"""The checks' toolbox: fetch what the learner defined, compare, and diagnose.

A checks.py needs only this module: `check` and `Wrong` are here too.

The diagnosing idea: a wrong answer is rarely random. For each exercise we know the
usual ways to get it wrong (forgot the padding, forgot the bias, did not sum a broadcast
gradient), so a check computes those wrong answers too, and when the learner's answer
equals one of them it says which mistake it is, not just "wrong".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from ..factory import ones, tensor
from ..gradcheck import GradcheckError, gradcheck, gradgradcheck
from ..recording import no_grad
from ..tensor import Tensor, grad
from .checker import Unfilled, Wrong
from .diagnosis import relation
from .diagnosis import same as close  # one shape and equal values (to rtol and atol)
from .exercise import check  # noqa: F401 - re-exported: checks.py imports it from here


def need(mod: ModuleType, name: str) -> Any:
    """The learner's `name` (function, class or value), or a clear failure."""
    if not hasattr(mod, name):
        raise Wrong(
            f"your file defines no `{name}`; the stub has one: keep its name "
            f"(start again with `minigrad exercises start ... --force` if it was deleted)"
        )
    return getattr(mod, name)


def answer_dict(mod: ModuleType, all_filled: bool = False) -> dict:
    """What the learner's `answers()` returns, which must be a dict.

    With all_filled, every value must already be filled in (see `filled`).
    """
    got = need(mod, "answers")()
    if not isinstance(got, dict):
        raise Wrong("answers() must return a dict")
    if all_filled:
        for key in got:
            filled(got, key)
    return got


def filled(got: dict, key: str) -> Any:
    """got[key]; a failure if it is missing, or still the stub's `...` (alone or in a tuple)."""
    if key not in got:
        raise Wrong(f"answers() has no {key!r}")
    value = got[key]
    if value is Ellipsis or (isinstance(value, tuple) and Ellipsis in value):
        raise Unfilled(f"{key} is still ...")
    return value


def leaf(values: Any) -> Tensor:
    """A fresh float64 Tensor of `values` that requires grad: an input for a learner's op."""
    return tensor(values, dtype=np.float64, requires_grad=True)


def array(x: Any, what: str) -> np.ndarray:
    """The learner's result as a float64 ndarray (Tensors, lists and numbers accepted)."""
    if x is None:
        raise Wrong(f"{what} is None: did you forget a `return`?")
    try:
        return np.asarray(x.numpy() if isinstance(x, Tensor) else x, dtype=np.float64)
    except (TypeError, ValueError):
        raise Wrong(
            f"{what} should be numbers (an array or Tensor), got {type(x).__name__}"
        ) from None


def number(x: Any, what: str) -> float:
    arr = array(x, what)
    if arr.size != 1:
        raise Wrong(f"{what} should be one number, got an array of shape {arr.shape}")
    return float(arr.reshape(()))


def integer(x: Any, what: str) -> int:
    """A whole number (sizes and counts): 13.5 or 13.0 from `/` is refused with a reason."""
    if isinstance(x, (bool, np.bool_)):
        raise Wrong(f"{what} should be a whole number, got {x!r}")
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        kind = "a whole-valued float" if float(x).is_integer() else "a fraction"
        raise Wrong(
            f"{what} is {x!r}, {kind}: sizes and counts are whole numbers. Use // "
            "(floor division) rather than /, or int(...)"
        )
    if x is None:
        raise Wrong(f"{what} is None: did you forget a `return`?")
    raise Wrong(f"{what} should be an int, got {type(x).__name__}")


def diagnose(
    got: Any,
    want: Any,
    what: str,
    mistakes: Iterable[tuple[Any, str]] = (),
    rtol: float = 1e-5,
    atol: float = 1e-7,
    **relations: Any,
) -> None:
    """Pass when got == want; else raise Wrong saying what kind of wrong it is (`explain`'s
    message; `relations` are its sizes=, per_example= and variance_n=)."""
    if (message := explain(got, want, what, mistakes, rtol, atol, **relations)) is not None:
        raise Wrong(message)


def explain(
    got: Any,
    want: Any,
    what: str,
    mistakes: Iterable[tuple[Any, str]] = (),
    rtol: float = 1e-5,
    atol: float = 1e-7,
    sizes: Mapping[str, float] | None = None,
    per_example: Any = None,
    variance_n: int | None = None,
    fallback: bool = True,
    name_what: bool = True,
) -> str | None:
    """What kind of wrong `got` is, or None when got == want. In this order:

    1. the first known mistake whose answer equals `got` ((wrong_value, hint) pairs, each
       computed by the check the wrong way: "the kernel not rotated", "= instead of +=";
       wrong_value may be a function of no arguments, called only if it is needed);
    2. the relation between got and want, if one holds (`diagnosis.relation`: off by a
       factor such as N, 1/N, 2, -1/2 or the sign, transposed, rotated by 180 degrees,
       padding not cropped, one example only, ...; `sizes`, `per_example` and
       `variance_n` tell it which sizes and contributions to name);
    3. the shape, or the largest difference (None instead with fallback=False).

    name_what=False: a known mistake's hint comes without "what: " in front (for a message
    that has already named it)."""
    if close(got, want, rtol, atol):
        return None
    for wrong, hint in mistakes:
        if callable(wrong):  # computed only when needed: most answers are right
            wrong = wrong()
        if wrong is not None and close(got, wrong, rtol, atol):
            return f"{what}: {hint}" if name_what else hint
    named = relation(
        got,
        want,
        sizes=sizes,
        per_example=per_example,
        variance_n=variance_n,
        rtol=rtol,
        atol=atol,
    )
    if named:
        return f"{what} {named}"
    if not fallback:
        return None
    got_a, want_a = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got_a.shape != want_a.shape:
        return f"{what} has shape {got_a.shape}, expected {want_a.shape}"
    if want_a.size == 1:
        return f"{what} is {_number(got_a)}, expected {_number(want_a)}"
    with np.errstate(invalid="ignore"):  # inf - inf
        err = np.where(got_a == want_a, 0.0, np.abs(got_a - want_a))
    err = np.where(np.isnan(err), np.inf, err)  # a nan is the largest difference of all
    k = np.unravel_index(int(np.argmax(err)), err.shape)
    return (
        f"{what} differs from the expected values and no simple relation explains it: largest "
        f"difference {err[k]:.3g} at index {tuple(int(i) for i in k)} (yours {got_a[k]:.6g}, "
        f"expected {want_a[k]:.6g})"
    )


def _number(a: np.ndarray) -> str:
    """One number for a message: a count as 61,706, anything else to 6 digits."""
    v = float(a.reshape(()))
    return f"{int(v):,}" if v.is_integer() and abs(v) < 1e15 else f"{v:.6g}"


def related(got: Any, want: Any, **kw: Any) -> str | None:
    """The relation between got and want as a clause, "it is twice the expected values: a
    factor 2 too many", or None (`diagnosis.relation`, for messages written by hand)."""
    named = relation(got, want, **kw)
    return f"it {named}" if named else None


def cases_diagnose(
    fn: Callable[..., Any],
    cases: Iterable[dict],
    right: Callable[..., Any],
    mistakes: Iterable[tuple[Callable[..., Any], str]],
    what: str,
) -> None:
    """Run the learner's `fn` on each case; if any answer is wrong, name the mistake that
    explains every answer (or say which case is wrong)."""
    cases = list(cases)
    got = [integer(fn(**c), f"{what}({_args(c)})") for c in cases]
    want = [right(**c) for c in cases]
    if got == want:
        return
    mistakes = list(mistakes)
    for wrong_fn, hint in mistakes:
        if all(g == wrong_fn(**c) for g, c in zip(got, cases)):
            raise Wrong(hint)
    failing = [(g, w, c) for g, w, c in zip(got, want, cases) if g != w]
    g, w, c = failing[0]
    # no single mistake explains every answer: among those that explain the first wrong one,
    # name the one that explains the most answers (right ones included: a mistake that would
    # have changed an answer the learner got right is the less likely one)
    explained = [
        (sum(gg == wrong_fn(**cc) for gg, cc in zip(got, cases)), hint)
        for wrong_fn, hint in mistakes
        if g == wrong_fn(**c)
    ]
    best = max(explained, key=lambda e: e[0], default=None)
    tail = f": {best[1]}" if best else ""
    raise Wrong(f"{what}({_args(c)}) returned {g}, expected {w}{tail}")


def _args(case: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in case.items())


def tensor_grads(fn: Callable[..., Any], inputs: list, grad_out: np.ndarray | None = None):
    """Gradients of sum(fn(*inputs) * grad_out) with respect to inputs, as float64 arrays."""

    out = fn(*inputs)
    if not getattr(out, "requires_grad", False):
        raise Wrong(
            "no gradient flows through your function: it was computed outside the graph "
            "(with .data, .numpy() or numpy). Use Tensor operations throughout."
        )
    g = np.ones(out.shape) if grad_out is None else grad_out
    if tuple(out.shape) != tuple(np.shape(g)):
        raise Wrong(f"your output has shape {tuple(out.shape)}, expected {tuple(np.shape(g))}")
    seed = tensor(g, dtype=out.dtype)
    grads = grad([out], inputs, grad_outputs=[seed], allow_unused=True)
    return [None if x is None else x.numpy().astype(np.float64) for x in grads]


# --------------------------------------------------------------------------------------------
# Checks for a learner's Function subclass


def backward_grads(apply: Callable[..., Any], inputs: list, seed: np.ndarray) -> list:
    """Call the learner's backward directly (as the engine would) and return its raw results
    as arrays, after checking that they are Tensors of a sensible shape."""

    out = apply(*inputs)
    if not isinstance(out, Tensor):
        raise Wrong(f"apply(...) should return a Tensor, got {type(out).__name__}")
    if out.grad_fn is None:
        raise Wrong("the output has no graph node: call YourFunction.apply(x), not forward(x)")
    with no_grad():
        raw = out.grad_fn.backward(tensor(seed, dtype=out.dtype))
    raw = raw if isinstance(raw, tuple) else (raw,)  # one input: one gradient, maybe bare
    if len(raw) != len(inputs):
        raise Wrong(
            f"backward returned {len(raw)} gradient(s) for {len(inputs)} input(s): return one "
            "per input, in the order of forward's arguments (None for an input without one)"
        )
    grads = []
    for i, g in enumerate(raw):
        if g is None:
            grads.append(None)
            continue
        if not isinstance(g, Tensor):
            raise Wrong(
                f"backward returned a {type(g).__name__} for input {i}; it must return Tensors, "
                "computed with Tensor operations on grad and self.inputs / self.output "
                "(so that the engine can differentiate the backward itself)"
            )
        grads.append(g.numpy().astype(np.float64))
    return grads


def second_order(apply: Callable[..., Any], inputs: list, what: str) -> None:
    """gradgradcheck, with a diagnosis when the backward was computed outside the graph."""

    if not gradcheck(apply, inputs, raise_exception=False):
        raise Wrong(
            f"{what}: the first derivative is not right yet (see the check above); fix it "
            "first: gradgradcheck differentiates your backward"
        )
    out = apply(*inputs)
    seed = ones(out.shape, dtype=out.dtype)
    wanted = [x for x in inputs if x.requires_grad]
    first = grad([out], wanted, grad_outputs=[seed], create_graph=True, allow_unused=True)
    if any(g is not None and not g.requires_grad for g in first):
        raise Wrong(
            f"{what}: your backward is right, but its result is not differentiable: it was "
            "computed with numpy (.data, .numpy(), np.*). Write backward with Tensor "
            "operations on self.inputs / self.output so create_graph=True can go through it"
        )
    try:
        gradgradcheck(apply, inputs)
    except GradcheckError as e:
        raise Wrong(f"{what}: the second derivative is wrong ({e})") from None


def first_order(apply: Callable[..., Any], inputs: list, what: str) -> None:
    try:
        gradcheck(apply, inputs)
    except GradcheckError as e:
        raise Wrong(f"{what}: gradcheck disagrees with your backward ({e})") from None
