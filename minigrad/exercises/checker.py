"""The checker: load a learner's file and run an exercise's checks on it, never crashing.

A check is a function of the learner's module. It returns quietly when the answer is
right and raises `Wrong("what kind of wrong it is")` when it is not. Whatever else the
learner's code does (raise, loop forever, print, call sys.exit) is caught here and
reported as one line, so a learner's bug never crashes or hangs the checker.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Protocol

from .. import recording
from ..factory import manual_seed

NOT_YET = "not implemented yet"


class Wrong(Exception):
    """Raised by a check: the learner's answer is wrong; the message says what kind of wrong."""


class Unfilled(NotImplementedError):
    """Raised for an answer the learner has not filled in yet (still the stub's `...`)."""


class _Timeout(BaseException):
    """Raised by the alarm inside a check that runs too long (BaseException: `except Exception`
    in the learner's code cannot swallow it)."""


class Exercise(Protocol):
    """What the checker needs of an exercise (exercise.Exercise is one)."""

    id: str
    filename: str  # the learner's file name
    checks: Sequence[Callable[[ModuleType], None]]  # each with a .name for the report


@dataclass
class Result:
    """The outcome of one check. kind: pass, wrong, not-implemented, error, timeout."""

    name: str
    kind: str
    message: str = ""
    output: str = ""

    @property
    def passed(self) -> bool:
        return self.kind == "pass"


def load_module(path: Path | str, name: str = "learner") -> ModuleType:
    """Import a Python file as a fresh module (nothing is cached between runs)."""
    path = Path(path).resolve()
    spec = importlib.util.spec_from_file_location(f"minigrad_exercise_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses and pickling look the module up here
    sys.path.insert(0, str(path.parent))  # the learner may import helpers of their own
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(path.parent))
        sys.modules.pop(spec.name, None)
    return mod


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after `seconds` (POSIX main thread; elsewhere no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def alarm(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(exc: BaseException, learner_file: str | None, code: bool = True) -> str:
    """' (in your file, line 12: `return x @ w`)' for the deepest frame in the learner's file."""
    if not learner_file:
        return ""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == learner_file]
    if not frames:
        return ""
    f = frames[-1]
    if not (code and f.line):
        return f" (your file, line {f.lineno})"
    return f" (in your file, line {f.lineno}: `{f.line.strip()}`)"


def _last_line(exc: BaseException) -> str:
    """The last line of the traceback: 'ValueError: shapes (2,3) and (4,) not aligned'."""
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def _classify(exc: BaseException, learner_file: str | None, timeout: float) -> tuple[str, str]:
    if isinstance(exc, Wrong):
        return "wrong", str(exc)
    if isinstance(exc, Unfilled):
        return "not-implemented", f"{NOT_YET} ({exc}): replace each `...` with your answer"
    if isinstance(exc, NotImplementedError):
        detail = str(exc).strip()
        if detail.startswith(NOT_YET):
            detail = detail[len(NOT_YET) :].lstrip(" :")
        tail = f" ({detail})" if detail else ""
        return "not-implemented", (
            f"{NOT_YET}{tail}: replace the `raise NotImplementedError` with your code"
            f"{_where(exc, learner_file, code=False)}"
        )
    if isinstance(exc, _Timeout):
        return "timeout", (
            f"stopped after {timeout:g} s: is there an endless loop, or a loop over far more "
            "elements than the small inputs the checks use?"
        )
    if isinstance(exc, SyntaxError):
        return "error", f"your file has a syntax error on line {exc.lineno}: {exc.msg}"
    if isinstance(exc, SystemExit):
        return "error", "your code called exit() or sys.exit(); return a value instead"
    where = _where(exc, learner_file)
    if where:
        return "error", f"your code raised {_last_line(exc)}{where}"
    return "error", f"the check could not use your result: {_last_line(exc)}"


def _guarded(fn: Callable[[], object], learner_file: str | None, timeout: float):
    """Run fn with a time limit, warnings silenced and prints captured.

    Returns (value, kind, message, printed); kind is None when fn returned normally.
    """
    out = io.StringIO()
    try:
        with (
            _time_limit(timeout),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(out),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            recording.reset()  # a learner's leftover no_grad must not leak into a check
            return fn(), None, "", out.getvalue()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - the learner's code may raise anything
        kind, message = _classify(exc, learner_file, timeout)
        return None, kind, message, out.getvalue()
    finally:
        recording.reset()  # recording on and no scope open, whatever the learner's code left


def run_checks(ex: Exercise, path: Path | str, timeout: float = 10.0) -> list[Result]:
    """Load the learner's file and run every check of `ex` on it, never raising."""
    path = Path(path).resolve()
    if not path.is_file():
        return [Result("your file exists", "error", f"{path} does not exist")]
    learner_file = str(path)
    mod, kind, message, printed = _guarded(
        lambda: load_module(path, ex.id.replace("-", "_")), learner_file, timeout
    )
    if kind is not None:
        if kind == "error":
            message = message.replace("your code raised", "your file does not load:", 1)
        return [Result("your file loads", kind, message, printed)]
    return check_module(ex, mod, learner_file, timeout)


def check_module(
    ex: Exercise, mod: ModuleType, learner_file: str | None = None, timeout: float = 10.0
) -> list[Result]:
    """Run every check of `ex` on an already loaded module (the learner's, or a mistake's)."""

    results = []
    for check in ex.checks:
        manual_seed(0)
        _, kind, message, printed = _guarded(partial(check, mod), learner_file, timeout)
        results.append(Result(check.name, kind or "pass", message, printed))
    return results


def run_source(ex: Exercise, source: str, folder: Path | str, timeout: float = 10.0):
    """Write `source` as the learner's file in `folder` and check it."""
    path = Path(folder) / ex.filename
    path.write_text(source)
    return run_checks(ex, path, timeout)
