"""`minigrad exercises` end to end, and the checker's robustness against a learner's code."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad
from minigrad.cli import main
from minigrad.exercises import NOT_YET, all_exercises, for_lesson, get, run_checks, run_source
from minigrad.exercises.progress import FILENAME, Progress


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(["exercises", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_at_least_20_exercises_across_lessons_1_to_11():
    exercises = all_exercises()
    assert len(exercises) >= 20
    assert {ex.lesson for ex in exercises} == set(range(1, 12))
    assert len({ex.id for ex in exercises}) == len(exercises)
    assert len({ex.filename for ex in exercises}) == len(exercises)


def test_exercises_of_a_lesson_come_in_their_listed_order():
    assert [ex.id for ex in for_lesson(6)] == ["maxpool-backward", "gap-classifier"]
    assert [ex.id for ex in for_lesson(8)] == [
        "batchnorm-forward",
        "batchnorm-backward",
        "bug-eval-mode",
    ]


def test_console_script_lists_the_exercises(tmp_path):
    exe = Path(sys.executable).parent / "minigrad"
    out = subprocess.run(
        [exe, "exercises", "--dir", str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert "chain-rule" in out.stdout and f"0 of {len(all_exercises())} done" in out.stdout


def test_round_trip_start_check_hint_solution(tmp_path, capsys):
    d = str(tmp_path / "mine")
    code, out = run(capsys, "start", "output-size", "--dir", d)
    assert code == 0 and "wrote" in out
    path = Path(d) / get("output-size").filename
    assert path.read_text() == get("output-size").stub

    # the solution stays closed until a check of the learner's own attempt has failed
    code, out = run(capsys, "solution", "output-size", "--dir", d)
    assert code == 1 and "opens after you have tried" in out and "--force" in out

    code, out = run(capsys, "check", "output-size", "--dir", d)
    assert code == 1
    assert "FAILED" in out and NOT_YET in out and "0 of 1 checks passed" in out
    assert "still the stub" in out

    # a check of the untouched stub does not count
    code, out = run(capsys, "solution", "output-size", "--dir", d)
    assert code == 1 and "the untouched stub does not count" in out and "--force" in out
    assert "def conv_output_size" not in out

    code, out = run(capsys, "hint", "output-size", "--dir", d)
    assert code == 0 and out.startswith("Hint 1 of 3") and get("output-size").hints[0] in out
    code, out = run(capsys, "hint", "output-size", "--dir", d)
    assert "Hint 2 of 3" in out and get("output-size").hints[1] in out

    # a wrong answer gets the diagnostic, and opens the solution
    wrong = get("output-size").solution.replace("2 * padding", "padding")
    assert wrong != get("output-size").solution
    path.write_text(wrong)
    code, out = run(capsys, "check", "output-size", "--dir", d)
    assert code == 1 and "padding is added on both sides" in out and "still the stub" not in out

    code, out = run(capsys, "solution", "output-size", "--dir", d)
    assert code == 0 and "def conv_output_size" in out
    assert get("output-size").solution in out and "BEGIN SOLUTION" not in out

    # the fix passes
    path.write_text(get("output-size").solution)
    code, out = run(capsys, "check", "output-size", "--dir", d)
    assert code == 0 and "All 1 checks passed" in out

    state = json.loads((Path(d) / FILENAME).read_text())["exercises"]["output-size"]
    assert state["done"] is True and state["failed_once"] is True
    assert state["hints_shown"] == 2 and state["checks"] == 3 and state["solution_shown"]
    assert state["stub_sha256"] == hashlib.sha256(get("output-size").stub.encode()).hexdigest()

    code, out = run(capsys, "--dir", d)
    line = next(ln for ln in out.splitlines() if ln.startswith("output-size"))
    assert line.rstrip().endswith("done")
    assert "1 of" in out and " done" in out


def test_start_never_overwrites_without_force(tmp_path, capsys):
    d = str(tmp_path)
    assert run(capsys, "start", "chain-rule", "--dir", d)[0] == 0
    path = tmp_path / get("chain-rule").filename
    path.write_text("# my work\n")
    code, out = run(capsys, "start", "chain-rule", "--dir", d)
    assert code == 1 and "already exists" in out and "--force" in out
    assert path.read_text() == "# my work\n"
    assert run(capsys, "start", "chain-rule", "--dir", d, "--force")[0] == 0
    assert path.read_text() == get("chain-rule").stub


def test_solution_stays_closed_for_the_stub_as_start_wrote_it(tmp_path, capsys):
    d = str(tmp_path)
    ex = get("chain-rule")
    run(capsys, "start", ex.id, "--dir", d)
    path = tmp_path / ex.filename
    # a stub written by an older minigrad: its hash, recorded by start, counts as untouched
    older = ex.stub.replace("Careful: x is used twice.", "Careful!")
    path.write_text(older)
    progress = Progress(tmp_path)
    progress.entry(ex.id)["stub_sha256"] = hashlib.sha256(older.encode()).hexdigest()
    progress.save()
    assert run(capsys, "check", ex.id, "--dir", d)[0] == 1
    assert run(capsys, "solution", ex.id, "--dir", d)[0] == 1
    # edited, then put back as it was: still untouched
    path.write_text(ex.stub)
    assert run(capsys, "check", ex.id, "--dir", d)[0] == 1
    code, out = run(capsys, "solution", ex.id, "--dir", d)
    assert code == 1 and "untouched stub does not count" in out
    assert "failed_once" not in Progress(tmp_path).get(ex.id)
    # an attempt that fails opens it
    path.write_text(ex.stub.replace('"df_dx": ...', '"df_dx": 1.0'))
    assert run(capsys, "check", ex.id, "--dir", d)[0] == 1
    code, out = run(capsys, "solution", ex.id, "--dir", d)
    assert code == 0 and "df_du = 2 * u" in out


def test_solution_with_force_and_list_marks_started(tmp_path, capsys):
    d = str(tmp_path)
    code, out = run(capsys, "solution", "lenet-counts", "--dir", d, "--force")
    assert code == 0 and "61,706" in out
    run(capsys, "start", "lenet-counts", "--dir", d)
    code, out = run(capsys, "list", "--dir", d)
    line = next(ln for ln in out.splitlines() if ln.startswith("lenet-counts"))
    assert line.rstrip().endswith("started")


def test_folder_inside_the_installed_package_is_refused(capsys):
    inside = Path(minigrad.__file__).parent / "my-exercises"
    with pytest.raises(SystemExit, match="inside the installed minigrad package"):
        main(["exercises", "start", "chain-rule", "--dir", str(inside)])
    assert not inside.exists()


def test_unknown_exercise_suggests_near_names(tmp_path):
    with pytest.raises(SystemExit, match="Did you mean output-size"):
        main(["exercises", "start", "output-sise", "--dir", str(tmp_path)])


def test_check_without_id_grades_every_started_exercise(tmp_path, capsys):
    d = str(tmp_path)
    assert run(capsys, "check", "--dir", d)[0] == 1  # nothing started yet
    run(capsys, "start", "mlp-params", "--dir", d)
    run(capsys, "start", "gap-classifier", "--dir", d)
    (tmp_path / get("gap-classifier").filename).write_text(get("gap-classifier").solution)
    code, out = run(capsys, "check", "--dir", d)
    assert code == 1 and "1 of 2 started exercises pass every check" in out
    (tmp_path / get("mlp-params").filename).write_text(get("mlp-params").solution)
    code, out = run(capsys, "check", "--dir", d)
    assert code == 0 and "2 of 2 started" in out


def test_check_before_start_says_how_to_start(tmp_path, capsys):
    code, out = run(capsys, "check", "adam-step", "--dir", str(tmp_path))
    assert code == 1 and "minigrad exercises start adam-step" in out


def test_hints_stop_at_the_last_one(tmp_path, capsys):
    ex = get("graph-walk")
    for _ in range(len(ex.hints) + 2):
        code, out = run(capsys, "hint", ex.id, "--dir", str(tmp_path))
    assert f"Hint {len(ex.hints)} of {len(ex.hints)}" in out and "last hint" in out


# --- progress file --------------------------------------------------------------------------


def test_progress_is_written_atomically_and_survives_corruption(tmp_path):
    p = Progress(tmp_path)
    p.entry("chain-rule")["done"] = True
    p.save()
    assert [f.name for f in tmp_path.iterdir()] == [FILENAME]  # no temporary file left
    (tmp_path / FILENAME).write_text("{not json")
    q = Progress(tmp_path)
    assert "unreadable" in q.warning and q.get("chain-rule") == {}
    q.entry("adam-step")["checks"] = 1
    q.save()
    assert json.loads((tmp_path / FILENAME).read_text())["exercises"] == {
        "adam-step": {"checks": 1}
    }


# --- the checker never crashes or hangs on a learner's code ---------------------------------


def _check(tmp_path, source: str, exercise: str = "mlp-params", timeout: float = 5.0):
    return run_source(get(exercise), source, tmp_path, timeout=timeout)


def test_learner_exception_is_reported_with_the_traceback_last_line(tmp_path):
    source = "def mlp_param_count(sizes):\n    return sizes[0] / {}\n"
    (r,) = _check(tmp_path, source)
    assert r.kind == "error"
    assert "TypeError: unsupported operand type(s) for /: 'int' and 'dict'" in r.message
    assert "line 2" in r.message and "sizes[0] / {}" in r.message


def test_endless_loop_is_stopped_by_the_time_limit(tmp_path):
    source = "def mlp_param_count(sizes):\n    while True:\n        pass\n"
    (r,) = _check(tmp_path, source, timeout=0.1)
    assert r.kind == "timeout" and "endless loop" in r.message


def test_endless_loop_at_import_is_stopped_too(tmp_path):
    (r,) = _check(tmp_path, "while True:\n    pass\n", timeout=0.1)
    assert r.kind == "timeout" and r.name == "your file loads"


def test_except_exception_in_the_learner_code_cannot_swallow_the_time_limit(tmp_path):
    source = (
        "def mlp_param_count(sizes):\n    while True:\n        try:\n            pass\n"
        "        except Exception:\n            pass\n"
    )
    (r,) = _check(tmp_path, source, timeout=0.1)
    assert r.kind == "timeout"


def test_sys_exit_and_syntax_errors_are_reported(tmp_path):
    (r,) = _check(tmp_path, "import sys\ndef mlp_param_count(sizes):\n    sys.exit(3)\n")
    assert r.kind == "error" and "sys.exit" in r.message
    (r,) = _check(tmp_path, "def mlp_param_count(sizes)\n    return 1\n")
    assert r.kind == "error" and "syntax error on line 1" in r.message


def test_missing_function_and_missing_return(tmp_path):
    (r,) = _check(tmp_path, "def count(sizes):\n    return 1\n")
    assert r.kind == "wrong" and "defines no `mlp_param_count`" in r.message
    (r,) = _check(tmp_path, "def mlp_param_count(sizes):\n    total = 1\n")
    assert r.kind == "wrong" and "forget a `return`" in r.message


def test_prints_are_captured_and_shown_with_a_failure(tmp_path, capsys):
    source = "def mlp_param_count(sizes):\n    print('debug', sizes)\n    return 0\n"
    (r,) = _check(tmp_path, source)
    assert r.kind == "wrong" and "debug [2, 16, 16, 1]" in r.output
    assert capsys.readouterr().out == ""  # nothing leaked to the real stdout


def test_a_learner_leaving_grad_mode_off_does_not_break_later_checks(tmp_path):
    ex = get("sigmoid-function")
    source = ex.solution + "\nmg.set_grad_enabled(False).__enter__()\n"
    results = run_source(ex, source, tmp_path)
    assert all(r.passed for r in results), [r.message for r in results]
    assert minigrad.is_grad_enabled()


def test_float_sizes_are_refused_with_the_reason(tmp_path):
    ex = get("output-size")
    source = ex.solution.replace("// stride + 1", "/ stride + 1")
    (r,) = run_source(ex, source, tmp_path)
    assert r.kind == "wrong" and "floor division" in r.message


def test_missing_file_is_reported(tmp_path):
    (r,) = run_checks(get("chain-rule"), tmp_path / "nope.py")
    assert r.kind == "error" and "does not exist" in r.message


# --- the exercises' own references agree with the library ------------------------------------


def test_batchnorm_exercise_reference_matches_f_batch_norm():
    F = pytest.importorskip("minigrad.functional")
    from minigrad.exercises.l08_batchnorm_forward.checks import reference as _bn_ref

    rng = np.random.default_rng(0)
    rm, rv = np.zeros(3), np.ones(3)
    rm_t, rv_t = minigrad.zeros(3, dtype=minigrad.float64), minigrad.ones(3, dtype=minigrad.float64)
    for _ in range(3):
        x = rng.standard_normal((4, 3, 2, 2)) * 2 + 1
        g, b = rng.standard_normal(3), rng.standard_normal(3)
        want = _bn_ref(x, rm, rv, g, b, True)
        got = F.batch_norm(
            minigrad.tensor(x, dtype=minigrad.float64), rm_t, rv_t,
            minigrad.tensor(g, dtype=minigrad.float64), minigrad.tensor(b, dtype=minigrad.float64),
            training=True,
        )  # fmt: skip
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-10)
    np.testing.assert_allclose(rm_t.numpy(), rm, rtol=1e-10)
    np.testing.assert_allclose(rv_t.numpy(), rv, rtol=1e-10)
