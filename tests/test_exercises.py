"""Every exercise: the reference passes, the untouched stub says "not implemented yet", and
each recorded realistic mistake fails with the diagnostic meant for it."""

from __future__ import annotations

import pytest

from minigrad.exercises import NOT_YET, all_exercises, run_source

AVAILABLE = [ex for ex in all_exercises() if ex.missing() is None]
MISTAKES = [(ex, k) for ex in AVAILABLE for k in range(len(ex.mistakes))]


def _report(results) -> str:
    return "\n".join(f"{r.kind:>15}  {r.name}: {r.message}" for r in results)


@pytest.mark.parametrize("ex", AVAILABLE, ids=lambda e: e.id)
def test_reference_solution_passes_every_check(ex, tmp_path):
    results = run_source(ex, ex.solution, tmp_path)
    assert len(results) == len(ex.checks) >= 1
    assert all(r.passed for r in results), _report(results)


@pytest.mark.parametrize("ex", AVAILABLE, ids=lambda e: e.id)
def test_untouched_stub_fails_with_not_implemented_yet(ex, tmp_path):
    results = run_source(ex, ex.stub, tmp_path)
    assert not any(r.passed for r in results), _report(results)
    assert all(NOT_YET in r.message for r in results), _report(results)


@pytest.mark.parametrize("ex", AVAILABLE, ids=lambda e: e.id)
def test_every_exercise_has_hints_and_a_realistic_mistake(ex):
    assert len(ex.hints) >= 2
    assert len(ex.mistakes) >= 1


@pytest.mark.parametrize(("ex", "k"), MISTAKES, ids=lambda p: p if isinstance(p, int) else p.id)
def test_realistic_mistake_fails_with_its_diagnostic(ex, k, tmp_path):
    mistake = ex.mistakes[k]
    assert ex.solution.count(mistake.old) == 1, f"mistake {k} does not apply to the solution"
    results = run_source(ex, ex.solution.replace(mistake.old, mistake.new), tmp_path)
    failed = [r for r in results if not r.passed]
    assert failed, f"mistake {k} of {ex.id} passed every check"
    assert any(mistake.hint in r.message for r in failed), _report(results)
