"""Every exercise: the reference passes, the untouched stub says "not implemented yet", each
recorded realistic mistake fails with the diagnostic meant for it; and the exercise format
(folders, markers, generated stubs, mistakes as code) holds."""

from __future__ import annotations

import ast
import functools
import importlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

import minigrad.exercises as exercises
from minigrad.exercises import NOT_YET, all_exercises, run_source
from minigrad.exercises.checker import load_module
from minigrad.exercises.exercise import (
    PLACEHOLDER,
    Exercise,
    Mistake,
    make_stub,
    strip_markers,
)

EXERCISES = all_exercises()
MISTAKES = [(ex, m) for ex in EXERCISES for m in ex.mistakes]
FOLDER = Path(exercises.__file__).parent


def _id(param) -> str:
    return param.name if isinstance(param, Mistake) else param.id


def _report(results) -> str:
    return "\n".join(f"{r.kind:>15}  {r.name}: {r.message}" for r in results)


_REPLAYED: dict = {}


def _replay(ex, mistake, folder) -> list:
    """The checks' results on a mistake, kept for the process: two tests read each of the
    mistakes NAMED below (a mistake patched into the solution writes no file; an unfixed stub
    is written into `folder` and run afresh)."""
    if mistake.unfixed:
        return mistake.replay(ex, folder)
    key = (ex.id, mistake.name)
    if key not in _REPLAYED:
        _REPLAYED[key] = mistake.replay(ex, folder)
    return _REPLAYED[key]


@functools.cache
def _solution_module(ex_id: str):
    return load_module(exercises.get(ex_id).solution_path)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_reference_solution_passes_every_check(ex, tmp_path):
    # the solution as `minigrad exercises solution` shows it: solution.py less its marker
    # comments, so this is also the file the mistakes are replayed on
    results = run_source(ex, ex.solution, tmp_path)
    assert len(results) == len(ex.checks) >= 1
    assert all(r.passed for r in results), _report(results)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_untouched_stub_fails_with_not_implemented_yet(ex, tmp_path):
    results = run_source(ex, ex.stub, tmp_path)
    assert not any(r.passed for r in results), _report(results)
    assert all(NOT_YET in r.message for r in results), _report(results)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_every_exercise_has_hints_and_a_realistic_mistake(ex):
    assert len(ex.hints) >= 2 and all(isinstance(h, str) and len(h) > 20 for h in ex.hints)
    assert len(ex.mistakes) >= 1
    assert len({m.name for m in ex.mistakes}) == len(ex.mistakes)  # distinct test ids


@pytest.mark.parametrize(("ex", "mistake"), MISTAKES, ids=_id)
def test_realistic_mistake_fails_with_its_diagnostic(ex, mistake, tmp_path):
    results = _replay(ex, mistake, tmp_path)
    failed = [r for r in results if not r.passed]
    assert failed, f"mistake {mistake.name} of {ex.id} passed every check"
    assert any(mistake.hint in r.message for r in failed), _report(results)


# --- the format -------------------------------------------------------------------------------


def test_every_exercise_folder_is_listed_once_and_named_after_its_id():
    on_disk = sorted(p.parent.name for p in FOLDER.glob("*/__init__.py"))
    assert sorted(exercises.FOLDERS) == on_disk
    assert len(set(exercises.FOLDERS)) == len(exercises.FOLDERS)
    for ex in EXERCISES:
        assert ex.filename == f"l{ex.lesson:02d}_{ex.id.replace('-', '_')}.py"
        assert {"solution.py", "checks.py", "mistakes.py"} <= {p.name for p in ex.folder.iterdir()}
        # each its own: a check or mistake imported from another exercise would run twice
        assert all(c.run.__module__ == f"{ex.package}.checks" for c in ex.checks)
        assert all(m.unfixed or m.wrong.__module__ == f"{ex.package}.mistakes" for m in ex.mistakes)
    assert [ex.lesson for ex in EXERCISES] == sorted(ex.lesson for ex in EXERCISES)


def test_the_lesson_is_the_folders_prefix_and_the_listing_groups_by_it(tmp_path, capsys):
    """l06_maxpool_backward/ goes with lesson 6: the folder says it, no LESSON constant repeats
    it, and `minigrad exercises` lists each track, then the other exercises lesson by lesson."""
    from minigrad.cli import main
    from minigrad.cli.exercises import OTHERS

    for ex in EXERCISES:
        assert re.fullmatch(rf"l{ex.lesson:02d}_\w+", ex.folder.name), ex.id
        assert not hasattr(importlib.import_module(ex.package), "LESSON"), ex.id
    for folder in ("l3_mse_grad", "l03_mse"):  # one digit; a name that is not the id's
        package = SimpleNamespace(__name__="x", __file__=str(tmp_path / folder / "__init__.py"),
                                  ID="mse-grad", TITLE="", HINTS=())  # fmt: skip
        with pytest.raises(ValueError, match=rf"{folder}/; its folder must be l<lesson>_mse_grad/"):
            Exercise(package)

    assert main(["exercises", "--dir", str(tmp_path)]) == 0
    listed = {}  # heading -> [(id, lesson)], as printed
    for block in capsys.readouterr().out.split("\n\n"):
        heading, columns, *rows = block.splitlines()
        if columns.split()[:2] == ["id", "lesson"]:
            listed[heading] = [(row.split()[0], int(row.split()[1])) for row in rows]
    in_tracks = {i for ids in exercises.TRACKS.values() for i in ids}
    expected = {f"Track: {name}": list(ids) for name, ids in exercises.TRACKS.items()}
    expected[OTHERS] = [ex.id for ex in EXERCISES if ex.id not in in_tracks]
    assert {h: [i for i, _ in rows] for h, rows in listed.items()} == expected
    for rows in listed.values():
        assert all(lesson == exercises.get(i).lesson for i, lesson in rows)
    others = [lesson for _, lesson in listed[OTHERS]]
    assert others == sorted(others)
    assert {lesson for rows in listed.values() for _, lesson in rows} == set(range(1, 12))


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda e: e.id)
def test_stub_and_solution_share_one_header_and_differ_in_the_marked_parts(ex):
    stub, solution = ast.parse(ex.stub), ast.parse(ex.solution)  # both are valid Python
    header = ast.get_docstring(solution)
    assert header and header.startswith(f"Exercise {ex.id} (lesson {ex.lesson})")
    assert ast.get_docstring(stub) == header
    assert ex.stub != ex.solution
    for text in (ex.stub, ex.solution):
        assert "BEGIN SOLUTION" not in text and "# STUB:" not in text and "BEGIN FIX" not in text
    # the stub defines the same names the checks ask for
    defined = {n.name for n in stub.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert defined <= {n.name for n in solution.body if hasattr(n, "name")}
    assert defined, "the stub gives the learner nothing to fill in"


@pytest.mark.parametrize(("ex", "mistake"), MISTAKES, ids=_id)
def test_a_mistake_replaces_what_the_solution_defines_by_the_same_kind(ex, mistake):
    if mistake.unfixed:
        assert "fix the bug" in ex.stub  # only find-the-bug exercises hand in their stub
        return
    right = getattr(_solution_module(ex.id), mistake.replaces)
    assert isinstance(mistake.wrong, type) == isinstance(right, type), mistake.name
    assert mistake.wrong is not right


def test_replaying_a_mistake_for_a_name_the_solution_lacks_says_so(tmp_path):
    ex = exercises.get("mlp-params")
    wrong = Mistake("hint", "typo", "mlp_param_cont", lambda sizes: 0)
    with pytest.raises(ValueError, match="replaces 'mlp_param_cont', which .* does not define"):
        wrong.replay(ex, tmp_path)


def test_mistakes_raising_inside_their_code_are_reported_like_a_learners_error(tmp_path):
    ex = exercises.get("mlp-params")
    wrong = Mistake("hint", "crash", "mlp_param_count", lambda sizes: sizes / 0)
    (r,) = wrong.replay(ex, tmp_path)
    assert r.kind == "error" and "TypeError" in r.message and "line" in r.message


SOLUTION = '''"""Exercise demo (lesson 1): the header both files share."""

import math

# BEGIN SOLUTION


def helper(x):
    return 2 * x


# END SOLUTION


def f(x):
    # BEGIN SOLUTION
    return helper(x) + math.pi
    # END SOLUTION


def answers():
    # BEGIN SOLUTION
    return {"a": 1, "b": (2, 3)}
    # END SOLUTION
    # STUB: return {
    # STUB:     "a": ..., "b": (..., ...),
    # STUB: }


def buggy(xs):
    # STUB: raise NotImplementedError("not implemented yet: fix the bug, then delete this line")
    total = 0
    for x in xs:
        # BEGIN FIX
        total += x
        # END FIX
        # STUB: total = x
    return total
'''


def test_the_stub_is_the_solution_with_its_marked_regions_replaced():
    assert make_stub(SOLUTION) == (
        '"""Exercise demo (lesson 1): the header both files share."""\n\nimport math\n\n\n'
        f"def f(x):\n    {PLACEHOLDER}\n\n\n"
        'def answers():\n    return {\n        "a": ..., "b": (..., ...),\n    }\n\n\n'
        "def buggy(xs):\n"
        '    raise NotImplementedError("not implemented yet: fix the bug, then delete this line")\n'
        "    total = 0\n    for x in xs:\n        total = x\n    return total\n"
    )


def test_the_solution_shown_has_no_markers_and_no_stub_lines():
    shown = strip_markers(SOLUTION)
    namespace = {}
    exec(compile(shown, "shown", "exec"), namespace)
    assert namespace["f"](1.0) == 2.0 + 3.141592653589793
    assert namespace["buggy"]([1, 2, 3]) == 6 and namespace["answers"]()["b"] == (2, 3)
    assert "STUB" not in shown and "SOLUTION" not in shown and "FIX" not in shown
    assert "\n\n\n\n" not in shown and "\n\n\n\n" not in make_stub(SOLUTION)


@pytest.mark.parametrize(
    ("source", "match"),
    [
        ("def f():\n    return 1\n", "no region marked # BEGIN SOLUTION"),
        ("def f():\n    # BEGIN SOLUTION\n    return 1\n", "line 2 is never closed"),
        ("def f():\n    # END SOLUTION\n", "line 2: # END SOLUTION without its # BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "line 2: .* regions do not nest"),
        ("# BEGIN FIX\nx = 1\n# END SOLUTION\n", "line 3: # END SOLUTION without its # BEGIN"),
        ("# BEGIN SOLUTION\n# STUB: x = 1\n# END SOLUTION\n", "line 2: a `# STUB:` line inside"),
    ],
)
def test_malformed_markers_are_refused_naming_the_line(source, match):
    with pytest.raises(ValueError, match=match):
        make_stub(source, "demo/solution.py")


RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.skipif(not RUFF.exists() and not shutil.which("ruff"), reason="ruff not installed")
def test_exercise_files_are_linted_and_formatted():
    ruff = str(RUFF) if RUFF.exists() else "ruff"
    root = Path(__file__).resolve().parents[1]
    for args in (["check"], ["format", "--check"]):
        out = subprocess.run(
            [ruff, *args, str(FOLDER)], cwd=root, capture_output=True, text=True, check=False
        )
        assert out.returncode == 0, out.stdout + out.stderr


def test_the_readme_worked_example_is_a_working_exercise(tmp_path, monkeypatch):
    text = (FOLDER / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text.split("## Adding one", 1)[1], re.DOTALL)
    files = {'ID = "mse-grad"': "__init__.py", '"""Exercise mse-grad': "solution.py",
             '"""Checks of mse-grad': "checks.py", '"""Realistic wrong': "mistakes.py"}  # fmt: skip
    folder = tmp_path / "l03_mse_grad"
    folder.mkdir()
    for block in blocks:
        name = next(f for start, f in files.items() if block.startswith(start))
        (folder / name).write_text(block)
    assert sorted(p.name for p in folder.iterdir()) == sorted(files.values())
    monkeypatch.setattr(exercises, "__path__", [*exercises.__path__, str(tmp_path)])
    try:
        ex = Exercise(importlib.import_module("minigrad.exercises.l03_mse_grad"))
        assert (ex.id, ex.lesson, ex.filename) == ("mse-grad", 3, "l03_mse_grad.py")
        assert all(r.passed for r in run_source(ex, ex.solution, tmp_path))
        stub = run_source(ex, ex.stub, tmp_path)
        assert [r.kind for r in stub] == ["not-implemented"]
        assert [m.name for m in ex.mistakes] == [
            "summed_not_averaged",
            "no_factor_two",
            "target_minus_prediction",
        ]
        for m in ex.mistakes:
            (r,) = m.replay(ex, tmp_path)
            assert r.kind == "wrong" and m.hint in r.message, (m.name, r.message)
    finally:
        for name in [n for n in sys.modules if n.startswith("minigrad.exercises.l03_mse_grad")]:
            del sys.modules[name]


@pytest.mark.slow
def test_the_built_wheel_ships_every_exercise_folder(tmp_path):
    root = Path(__file__).resolve().parents[1]
    source = tmp_path / "source"  # a copy: building leaves build/ and egg-info behind
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, source / name)
    shutil.copytree(root / "minigrad", source / "minigrad",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path / "dist"), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("minigrad-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for ex in EXERCISES:
        for part in ("__init__.py", "solution.py", "checks.py", "mistakes.py"):
            assert f"minigrad/exercises/{ex.folder.name}/{part}" in names


def test_every_track_is_made_of_exercises_in_lesson_order_and_the_readme_lists_them():
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = text.split("## Exercises", 1)[1].split("\n## ", 1)[0]
    assert f"{len(EXERCISES)} graded exercises" in text
    in_tracks = [i for ids in exercises.TRACKS.values() for i in ids]
    assert len(in_tracks) == len(set(in_tracks)) >= 8
    for name, ids in exercises.TRACKS.items():
        lessons = [exercises.get(i).lesson for i in ids]
        assert lessons == sorted(lessons), name  # a track never sends the learner back
        (row,) = [line for line in section.splitlines() if line.startswith(f"| {name} |")]
        for i, lesson in zip(ids, lessons):
            assert f"`{i}` ({lesson})" in row, (name, i)


# The mistakes issue 18 names, each with the words its hint must say and, where an earlier
# hint said the wrong thing, the words it must no longer say. The hint must come from the
# first check that fails: a mistake named only by a later, secondary check is not named.
NAMED = [
    ("conv-backward", "dx_kernel_not_rotated", "rotated by 180 degrees", "+="),
    ("output-size", "dilated_span_times_kernel", "dilation", "2*padding"),
    ("maxpool-backward", "windows_every_kernel_pixels", "the stride is ignored", "+="),
    ("conv-backward", "dw_divided_by_the_batch_size", "a factor 1/N", None),
    ("conv-backward", "dw_from_the_first_example_only", "the first example only", None),
    ("batchnorm-backward", "unbiased_variance", "unbiased variance", None),
    ("batchnorm-backward", "closed_form_without_one_over_n", "a 1/N is missing", None),
    ("batchnorm-backward", "variance_path_without_one_over_n", "a missing 1/N", None),
    ("batchnorm-backward", "variance_path_without_minus_one_half", "-1/2 is missing", None),
    ("batchnorm-backward", "dgamma_as_a_mean", "you divided by N (a mean)", None),
    ("residual-block", "ShortcutNeverAdded", "there is no shortcut", None),
    ("residual-block", "PlainBlock", "there is no shortcut", None),
    ("residual-block", "StrideOnTheSecondConv", "the stride is on the wrong conv", None),
]


@pytest.mark.parametrize(("ex_id", "name", "says", "not_says"), NAMED, ids=[n[1] for n in NAMED])
def test_the_first_failing_check_names_the_mistake(ex_id, name, says, not_says, tmp_path):
    ex = exercises.get(ex_id)
    (mistake,) = [m for m in ex.mistakes if m.name == name]
    first = next(r for r in _replay(ex, mistake, tmp_path) if not r.passed)
    assert says in first.message, first.message
    assert not_says is None or not_says not in first.message, first.message
