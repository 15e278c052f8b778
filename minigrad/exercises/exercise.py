"""What an exercise is: a folder (l<lesson>_<id>/) holding its metadata (__init__.py),
solution.py, checks.py and mistakes.py, and how the learner's stub is made from solution.py
by its markers (# BEGIN SOLUTION / # END SOLUTION, # BEGIN FIX / # END FIX, # STUB: code).

README.md in this folder describes the format, with a worked example of adding an exercise.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from .checker import Result, check_module, load_module, run_source

PLACEHOLDER = 'raise NotImplementedError("not implemented yet")'
_BEGIN = {"# BEGIN SOLUTION": "SOLUTION", "# BEGIN FIX": "FIX"}
_END = {"# END SOLUTION": "SOLUTION", "# END FIX": "FIX"}
_STUB = "# STUB:"


def _lines(source: str, where: str) -> list[tuple[str, str]]:
    """Label each line of a solution.py: ("both" | "solution" | "stub", text), where "stub"
    lines are already uncommented and each region's default placeholder is in place."""
    out: list[tuple[str, str]] = []
    region = None  # (kind, indent, line number) inside a region
    pending = None  # (kind, indent) of a region just closed: does a `# STUB:` line follow?
    regions = 0
    for number, line in enumerate(source.splitlines(keepends=True), 1):
        text = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if pending is not None and not text.startswith(_STUB):
            out.extend(_placeholder(*pending))
            pending = None
        if text in _BEGIN:
            if region is not None:
                raise ValueError(
                    f"{where}, line {number}: {text} inside the region opened on "
                    f"line {region[2]}; regions do not nest"
                )
            region = (_BEGIN[text], indent, number)
        elif text in _END:
            if region is None or _END[text] != region[0]:
                raise ValueError(f"{where}, line {number}: {text} without its # BEGIN")
            pending, region = region[:2], None
            regions += 1
        elif text.startswith(_STUB):
            if region is not None:
                raise ValueError(f"{where}, line {number}: a `# STUB:` line inside a region")
            code = text[len(_STUB) :].removeprefix(" ")
            pending = None  # the region's `# STUB:` lines stand in for it
            out.append(("stub", f"{indent}{code}\n" if code else "\n"))
        else:
            out.append(("solution" if region else "both", line))
    if region is not None:
        raise ValueError(f"{where}: the region opened on line {region[2]} is never closed")
    if pending is not None:
        out.extend(_placeholder(*pending))
    if not regions:
        raise ValueError(f"{where}: no region marked # BEGIN SOLUTION (or # BEGIN FIX)")
    return out


def _placeholder(kind: str, indent: str) -> list[tuple[str, str]]:
    """What stands in the stub for a region that no `# STUB:` line replaces."""
    if kind == "FIX" or not indent:  # a fix, or helpers at the top of the file: nothing
        return []
    return [("stub", f"{indent}{PLACEHOLDER}\n")]


def make_stub(source: str, where: str = "solution.py") -> str:
    """The learner's starting file: `source` with each marked region replaced."""
    return _tidy(text for kind, text in _lines(source, where) if kind != "solution")


def strip_markers(source: str, where: str = "solution.py") -> str:
    """The reference solution as the learner sees it: no markers, no `# STUB:` lines."""
    return _tidy(text for kind, text in _lines(source, where) if kind != "stub")


def _tidy(lines) -> str:
    """Join lines, with at most two blank lines in a row (where a region was cut out)."""
    return re.sub(r"\n{4,}", "\n\n\n", "".join(lines)).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------------------
# Checks and mistakes, as checks.py and mistakes.py declare them


@dataclass(frozen=True)
class Check:
    """One check: `run(m)` returns when the learner's module m is right, raises Wrong if not."""

    name: str
    run: Callable[[ModuleType], None]

    def __call__(self, m: ModuleType) -> None:
        self.run(m)


def check(name: str) -> Callable[[Callable[[ModuleType], None]], Check]:
    """Decorator: `@check("dx equals the engine's")` makes a function of the learner's module
    one of the exercise's checks. They run in the order checks.py defines them."""
    return lambda fn: Check(name, fn)


@dataclass(frozen=True)
class Mistake:
    """A realistic wrong answer; its diagnostic must contain the words `hint`.

    Either `wrong` replaces the solution's `replaces` (a function or class of solution.py,
    swapped for a wrong one), or, with `unfixed`, the learner handed in a find-the-bug
    exercise's stub as given, its `raise NotImplementedError` deleted but the bug kept.
    """

    hint: str
    name: str
    replaces: str = ""
    wrong: Any = None
    unfixed: bool = False

    def replay(self, ex: Exercise, folder: Path | str, timeout: float = 10.0) -> list[Result]:
        """Run the exercise's checks on this mistake (`folder`: where a file may be written)."""
        if self.unfixed:
            kept = [
                ln
                for ln in ex.stub.splitlines(keepends=True)
                if not ln.strip().startswith("raise NotImplementedError(")
            ]
            return run_source(ex, "".join(kept), folder, timeout)
        mod = load_module(ex.solution_path, f"{ex.id}_{self.name}".replace("-", "_"))
        if not hasattr(mod, self.replaces):
            raise ValueError(
                f"mistake {self.name} of {ex.id} replaces {self.replaces!r}, which "
                f"{ex.solution_path} does not define"
            )
        setattr(mod, self.replaces, self.wrong)
        # errors raised in the wrong code are reported as a learner's would be, with its line
        return check_module(ex, mod, inspect.getsourcefile(self.wrong), timeout)


def mistake(replaces: str, hint: str) -> Callable[[Any], Mistake]:
    """Decorator: `@mistake("conv2d_backward", hint="overlap")` on a wrong implementation of
    the solution's `conv2d_backward` (same signature) records a realistic mistake whose
    diagnostic must contain "overlap". Decorate a class to replace a class."""
    return lambda wrong: Mistake(hint, wrong.__name__, replaces, wrong)


def unfixed(hint: str) -> Mistake:
    """A find-the-bug exercise's stub with the raise deleted and the bug left in: its
    diagnostic must contain `hint`."""
    return Mistake(hint, "unfixed", unfixed=True)


# --------------------------------------------------------------------------------------------
# The exercise


class Exercise:
    """One exercise, read from its folder (a subpackage of minigrad.exercises)."""

    def __init__(self, package: ModuleType) -> None:
        self.package = package.__name__
        self.folder = Path(package.__file__).parent
        self.id: str = package.ID
        self.title: str = package.TITLE
        self.hints: tuple[str, ...] = tuple(package.HINTS)
        # the folder says the lesson: l06_maxpool_backward/ goes with lesson 6
        named = re.fullmatch(r"l(\d\d)_(\w+)", self.folder.name)
        if named is None or named[2] != self.id.replace("-", "_"):
            raise ValueError(
                f"exercise {self.id} lives in {self.folder.name}/; its folder must be "
                f"l<lesson>_{self.id.replace('-', '_')}/, the lesson in two digits (l06_ for "
                "lesson 6): the learner's file is named after it"
            )
        self.lesson = int(named[1])

    def __repr__(self) -> str:
        return f"<Exercise {self.id} (lesson {self.lesson})>"

    @property
    def filename(self) -> str:
        """The learner's file: l06_maxpool_backward.py."""
        return f"{self.folder.name}.py"

    @property
    def solution_path(self) -> Path:
        return self.folder / "solution.py"

    @cached_property
    def stub(self) -> str:
        """The file the learner starts from (generated from solution.py)."""
        return make_stub(self.solution_path.read_text(), str(self.solution_path))

    @cached_property
    def solution(self) -> str:
        """The reference solution as `minigrad exercises solution` shows it."""
        return strip_markers(self.solution_path.read_text(), str(self.solution_path))

    @cached_property
    def checks(self) -> list[Check]:
        """checks.py's checks, in the order it defines them."""
        return _defined(importlib.import_module(f"{self.package}.checks"), Check)

    @cached_property
    def mistakes(self) -> list[Mistake]:
        """mistakes.py's realistic wrong answers, in the order it defines them."""
        return _defined(importlib.import_module(f"{self.package}.mistakes"), Mistake)


def _defined(module: ModuleType, kind: type) -> list:
    return [value for value in vars(module).values() if isinstance(value, kind)]
