"""Exercises a checker grades, offline, with hints that say what is wrong.

Each lesson module (`l01_derivatives`, ...) defines its exercises: the stub a learner
starts from, the checks, the hints, the reference solution and the realistic mistakes
the checks diagnose. `minigrad exercises` (in `minigrad/cli/exercises.py`) is the
learner's door to them; `run_checks` is the checker itself.
"""

from __future__ import annotations

import difflib

from . import (
    l01_derivatives,
    l02_mlp,
    l03_tensors,
    l04_softmax_optim,
    l05_convolution,
    l05_shapes,
    l06_pooling,
    l07_lenet,
    l08_batchnorm,
    l09_residual,
    l10_architectures,
)
from .core import NOT_YET, Exercise, Mistake, Result, Wrong, run_checks, run_source

_MODULES = (
    l01_derivatives,
    l02_mlp,
    l03_tensors,
    l04_softmax_optim,
    l05_shapes,
    l05_convolution,
    l06_pooling,
    l07_lenet,
    l08_batchnorm,
    l09_residual,
    l10_architectures,
)

EXERCISES: dict[str, Exercise] = {
    ex.id: ex for ex in sorted((e for m in _MODULES for e in m.EXERCISES), key=lambda e: e.lesson)
}


def all_exercises() -> list[Exercise]:
    """Every exercise, in lesson order."""
    return list(EXERCISES.values())


def for_lesson(lesson: int) -> list[Exercise]:
    """The exercises that go with lesson `lesson` (a lesson ends by listing them)."""
    return [ex for ex in EXERCISES.values() if ex.lesson == lesson]


def get(exercise_id: str) -> Exercise:
    """The exercise called `exercise_id`; a KeyError that suggests near names otherwise."""
    if exercise_id in EXERCISES:
        return EXERCISES[exercise_id]
    near = difflib.get_close_matches(exercise_id, list(EXERCISES), n=3)
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    raise KeyError(
        f"there is no exercise {exercise_id!r}.{hint} `minigrad exercises` lists them all."
    )


__all__ = [
    "EXERCISES",
    "NOT_YET",
    "Exercise",
    "Mistake",
    "Result",
    "Wrong",
    "all_exercises",
    "for_lesson",
    "get",
    "run_checks",
    "run_source",
]
