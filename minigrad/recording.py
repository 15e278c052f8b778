"""What the graph records, and the labels it keeps for pictures.

Three pieces of state, each changed only by a context manager, read by `Function.apply`
and the graph walk (autograd.py):

* grad mode: `no_grad()` / `enable_grad()` / `set_grad_enabled(mode)` turn recording off
  and on (evaluation and optimizer steps record nothing);
* `retain_grads()`: backward keeps `.grad` on every node, not only on leaves (pictures
  show the gradient of each intermediate result);
* scopes: `scope(name)` and the `composite(name)` decorator tag every node made inside
  them with a `Frame` (which layer or composite op made it), so pictures can group nodes
  into boxes. Scopes never change the math.

This module knows nothing else about minigrad.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any, NamedTuple

# --------------------------------------------------------------------------------------------
# Recording on and off


class _GradMode:
    enabled = True


def is_grad_enabled() -> bool:
    """True when new operations are recorded in the graph."""
    return _GradMode.enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Turn graph recording on or off inside a `with` block (or a decorated function)."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)

    def __enter__(self) -> None:
        self.prev = _GradMode.enabled
        _GradMode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _GradMode.enabled = self.prev


class no_grad(set_grad_enabled):
    """Operations inside `with mg.no_grad():` build no graph (evaluation, optimizer steps)."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Record the graph again inside a `no_grad` block."""

    def __init__(self) -> None:
        super().__init__(True)


class _KeepAll:
    enabled = False


@contextlib.contextmanager
def retain_grads() -> Iterator[None]:
    """Inside this block, backward stores `.grad` on every node, not only on leaves.

    Pictures use it to show the gradient of each intermediate result.
    """
    prev = _KeepAll.enabled
    _KeepAll.enabled = True
    try:
        yield
    finally:
        _KeepAll.enabled = prev


# --------------------------------------------------------------------------------------------
# Scopes: which layer or composite op produced a node (read by the pictures, never by the math)


class Frame(NamedTuple):
    """One level of the scope stack: `kind` is 'op' (a composite like conv2d) or 'module'."""

    kind: str
    name: str
    obj: Any
    call: int  # distinguishes two calls of the same module or composite


class _Scope:
    stack: tuple[Frame, ...] = ()
    calls = 0


def current_scope() -> tuple[Frame, ...]:
    """The frames enclosing the code that runs now, outermost first."""
    return _Scope.stack


@contextlib.contextmanager
def scope(name: str, kind: str = "op", obj: Any = None) -> Iterator[None]:
    """Tag every node created inside the block with a frame, so pictures can group them."""
    _Scope.calls += 1
    prev = _Scope.stack
    _Scope.stack = prev + (Frame(kind, name, obj, _Scope.calls),)
    try:
        yield
    finally:
        _Scope.stack = prev


def composite(name: str):
    """Decorator for a composed op (conv2d, batch_norm, ...): its nodes are grouped under `name`."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            with scope(name, "op"):
                return fn(*args, **kwargs)

        return inner

    return wrap


def reset() -> None:
    """Recording on, every gradient kept only on leaves, no scope open: the state a fresh
    process starts in (the exercise checker restores it after a learner's code ran)."""
    _GradMode.enabled = True
    _KeepAll.enabled = False
    _Scope.stack = ()
