"""The lessons: each one runs in quick mode and its assertions hold; the commands find them."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from minigrad import lessons as lessons_module
from minigrad.cli import main
from minigrad.cli.process import child_environment

LESSONS = lessons_module.find_lessons()
WROTE = re.compile(r"^\s*wrote (\S+)", re.MULTILINE)


# The lessons run in fresh processes forked from one server that imported, once, what every
# lesson imports (numpy, minigrad, matplotlib, scikit-learn's datasets): each run is a clean
# interpreter running the script as `python lessons/NN_x.py` would (run as __main__), without
# paying about a second of imports per lesson. One BLAS thread, as in `make test`. pytest too:
# each child imports this module (to find _run_lesson_script), and with it pytest (0.2 s CPU).
PRELOAD = ["numpy", "minigrad", "minigrad.functional", "minigrad.viz.plots", "matplotlib.pyplot",
           "sklearn.datasets", "scipy.optimize", "pytest"]  # fmt: skip
# The server's environment is the one `minigrad lesson` gives a lesson (minigrad/cli/process.py):
# one BLAS thread, glibc keeping freed memory, and numpy asking for no transparent huge pages
# (on these virtual machines a huge page's first touch is slow and erratic: measured
# alternately at load 6-9, kernel time of lesson 9's quick run 0.14-0.15 s without them and
# 0.2-1.25 s with them, lesson 10's 0.3 s and 0.1-1.3 s; the results do not change).
LESSON_ENV = child_environment({})


@pytest.fixture(scope="module")
def lesson_processes():
    """A multiprocessing context whose children fork from a server with the imports done."""
    context = multiprocessing.get_context("forkserver")
    saved = {k: os.environ.get(k) for k in [*LESSON_ENV, "MPLBACKEND"]}
    os.environ.update(LESSON_ENV, MPLBACKEND="Agg")  # the server (and so every lesson) starts so
    try:
        context.set_forkserver_preload(PRELOAD)
        context.Process(target=int).start()  # starts the server now, in this environment
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return context


def _run_lesson_script(path: str, out: str, log: str) -> None:
    """In the forked child: run the lesson as __main__ in quick mode, its output into `log`."""
    import resource
    import runpy
    import traceback

    with open(log, "w", encoding="utf-8", buffering=1) as stream:
        os.dup2(stream.fileno(), 1)
        os.dup2(stream.fileno(), 2)
        sys.stdout = sys.stderr = stream
        os.environ.update({lessons_module.QUICK_ENV: "1", lessons_module.OUT_ENV: out})
        os.chdir(out)
        sys.argv = [path]
        try:
            runpy.run_path(path, run_name="__main__")
            code = 0
        except BaseException:
            traceback.print_exc()
            code = 1
        stream.flush()
        used = resource.getrusage(resource.RUSAGE_SELF)
        Path(f"{log}.cpu").write_text(str(used.ru_utime + used.ru_stime))
        os._exit(code)


def run_quick(context, lesson, out: Path, timeout: float = 120) -> tuple[int, str, float]:
    """Run one lesson in quick mode in a fresh process: (exit code, everything it printed,
    the CPU seconds it used)."""
    log = out.parent / f"{out.name}.log"
    child = context.Process(target=_run_lesson_script, args=(str(lesson.path), str(out), str(log)))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail(f"lesson {lesson.number} took more than {timeout} s in quick mode")
    cpu = Path(f"{log}.cpu")  # missing if the process died without finishing (a crash)
    seconds = float(cpu.read_text()) if cpu.exists() else float("nan")
    return child.exitcode, log.read_text(encoding="utf-8"), seconds


def test_lessons_are_numbered_one_to_n_without_gaps():
    numbers = [lesson.number for lesson in LESSONS]
    assert numbers == list(range(1, len(LESSONS) + 1))
    assert len(numbers) >= 12


@pytest.mark.parametrize("lesson", LESSONS, ids=[f"{x.number:02d}_{x.slug}" for x in LESSONS])
def test_lesson_runs_in_quick_mode_and_writes_its_pictures(
    lesson, lesson_processes, tmp_path, record_property
):
    out = tmp_path / "out"
    out.mkdir()
    start = time.perf_counter()
    code, printed, cpu = run_quick(lesson_processes, lesson, out)
    seconds = time.perf_counter() - start
    record_property("lesson_cpu_seconds", round(cpu, 2))  # in --junitxml reports
    assert code == 0, f"lesson {lesson.number} failed:\n{printed}"
    assert "quick mode" in printed
    assert f"Lesson {lesson.number} done: every claim above was checked." in printed
    pictures = [Path(p) for p in WROTE.findall(printed)]
    assert pictures, f"lesson {lesson.number} wrote no pictures"
    for picture in pictures:
        assert picture.parent == out, f"{picture} is outside the output folder"
        assert picture.suffix in {".png", ".svg", ".dot"}
        if picture.suffix == ".dot":  # Graphviz missing: the DOT source instead of a picture
            assert picture.read_text().startswith("digraph")
        else:
            assert picture.stat().st_size > 1000, f"{picture} is empty or nearly"
    assert not (out / "out").exists()  # nothing went to the default folder
    print(f"lesson {lesson.number}: {seconds:.1f} s in quick mode, {cpu:.1f} s CPU")


def test_a_failing_lesson_fails_its_quick_run(lesson_processes, tmp_path):
    """The runner above reports a lesson whose claim is false (the exit code and traceback)."""
    broken = lessons_module.LessonFile(2, "broken", tmp_path / "02_broken.py", "Broken", "")
    broken.path.write_text("from minigrad import lessons\nlessons.start(2)\nassert 1 == 2, 'no'\n")
    out = tmp_path / "out"
    out.mkdir()
    code, printed, _ = run_quick(lesson_processes, broken, out)
    assert code == 1
    assert "quick mode" in printed and "AssertionError: no" in printed


def test_every_lesson_is_percent_format_with_prose_first_and_exercises_last():
    for lesson in LESSONS:
        text = lesson.path.read_text(encoding="utf-8")
        assert text.startswith("# %% [markdown]\n# # Lesson "), lesson.path
        assert "# %%\n" in text
        assert "## Exercises and what comes next" in text, lesson.path
        assert f"lessons.start({lesson.number})" in text, lesson.path


def test_every_markdown_line_of_a_lesson_is_a_comment_and_every_heading_has_text():
    # A stray "##" line (no space) is neither prose nor code: the book renders it as an
    # empty heading whose anchor link points nowhere.
    for lesson in LESSONS:
        in_markdown = False
        for number, line in enumerate(lesson.path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("# %%"):
                in_markdown = "[markdown]" in line
                continue
            where = f"{lesson.path.name}:{number}"
            if in_markdown and line:
                assert line == "#" or line.startswith("# "), (where, line)
                heading = re.match(r"# (#+)(.*)", line)
                assert heading is None or heading.group(2).strip(), (where, line)


def test_exercise_ids_named_in_lessons_exist_for_that_lesson():
    exercises = pytest.importorskip("minigrad.exercises")
    named = 0
    for lesson in LESSONS:
        text = lesson.path.read_text(encoding="utf-8")
        section = text.split("## Exercises and what comes next", 1)[1]
        for exercise_id in re.findall(r"^# - `([a-z0-9-]+)`", section, re.MULTILINE):
            exercise = exercises.get(exercise_id)
            assert exercise.lesson == lesson.number, (exercise_id, lesson.number)
            named += 1
    assert named > 0


def test_lessons_command_lists_every_lesson_with_a_summary(capsys):
    assert main(["lessons"]) == 0
    text = capsys.readouterr().out
    for lesson in LESSONS:
        line = next(x for x in text.splitlines() if x.strip().startswith(f"{lesson.number} "))
        assert lesson.title in line
        assert len(lesson.summary) > 30 and lesson.summary in line
    assert "Derivatives and the scalar engine" in text


def test_lesson_command_runs_quick_into_out_folder(tmp_path, capfd):
    assert main(["lesson", "1", "--quick", "--out", str(tmp_path)]) == 0
    assert "quick mode" in capfd.readouterr().out
    suffix = ".png" if shutil.which("dot") else ".dot"
    assert (tmp_path / f"chain_rule{suffix}").stat().st_size > 100
    assert (tmp_path / f"used_twice{suffix}").stat().st_size > 100


def test_lesson_command_passes_on_a_failing_exit_code(tmp_path, monkeypatch, capfd):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "01_broken.py").write_text("# %% [markdown]\n# # Broken\n\n# %%\nassert 1 == 2\n")
    monkeypatch.setenv(lessons_module.DIR_ENV, str(folder))
    assert main(["lesson", "1", "--out", str(tmp_path / "o")]) != 0
    assert "AssertionError" in capfd.readouterr().err


def test_unknown_lesson_number_is_refused_with_the_list(capsys):
    assert main(["lesson", "99"]) == 1
    err = capsys.readouterr().err
    assert "there is no lesson 99" in err and "1, 2, 3" in err


def test_lessons_not_installed_says_where_to_get_them(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(lessons_module.DIR_ENV, raising=False)
    fake = tmp_path / "site-packages" / "minigrad" / "lessons.py"  # a wheel install: no lessons/
    monkeypatch.setattr(lessons_module, "__file__", str(fake))
    assert main(["lessons"]) == 1
    err = capsys.readouterr().err
    assert "not installed with this copy of minigrad" in err
    assert "pip install -e ." in err and lessons_module.DIR_ENV in err


def test_lessons_dir_override_without_lessons_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(lessons_module.DIR_ENV, str(tmp_path))
    assert main(["lesson", "1"]) == 1
    assert "holds no lesson scripts" in capsys.readouterr().err


def test_notebook_is_written_with_markdown_and_code_cells(tmp_path, capsys):
    pytest.importorskip("jupytext")
    assert main(["lesson", "1", "--notebook", "--out", str(tmp_path)]) == 0
    path = tmp_path / "01_derivatives.ipynb"
    assert str(path) in capsys.readouterr().out
    notebook = json.loads(path.read_text())
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    cells = notebook["cells"]
    kinds = {c["cell_type"] for c in cells}
    assert kinds == {"markdown", "code"}
    assert cells[0]["cell_type"] == "markdown"
    assert "".join(cells[0]["source"]).startswith("# Lesson 1: Derivatives")
    assert not (tmp_path / "chain_rule.png").exists()  # written, not run


def test_notebook_without_jupytext_says_how_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "jupytext", None)  # import jupytext now raises ImportError
    assert main(["lesson", "2", "--notebook", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "needs jupytext" in err and "pip install 'minigrad[notebooks]'" in err
    assert not list(tmp_path.iterdir())


def test_quick_mode_flag_values():
    for value, quick in [("1", True), ("yes", True), ("0", False), ("", False), ("false", False)]:
        os.environ[lessons_module.QUICK_ENV] = value
        try:
            assert lessons_module.is_quick() is quick
        finally:
            del os.environ[lessons_module.QUICK_ENV]


def test_save_graph_falls_back_to_dot_source_without_graphviz(tmp_path, monkeypatch, capsys):
    import minigrad as mg
    from minigrad.viz import graph as graph_module

    def no_dot(graph, fmt):
        raise graph_module.GraphvizNotFound(graph_module.INSTALL_HINT)

    monkeypatch.setattr(graph_module, "_pipe", no_dot)
    a = mg.Value(2.0, label="a")
    b = a * a
    b.backward()
    written = lessons_module.save_graph(mg.viz.draw(b), tmp_path / "g.png")
    assert written == tmp_path / "g.dot"
    assert "digraph" in written.read_text()
    assert "install Graphviz" in capsys.readouterr().out
