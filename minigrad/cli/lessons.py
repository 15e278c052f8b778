"""`minigrad lessons` and `minigrad lesson N`: list the lessons, run one, or write it as a
notebook. Finding the lesson scripts and the helpers the lessons call live in
`minigrad/lessons.py`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from ..lessons import (
    OUT_ENV,
    QUICK_ENV,
    LessonFile,
    LessonsNotFound,
    find_lesson,
    find_lessons,
    lessons_dir,
)
from .common import out_dir
from .process import child_environment


def run_lesson(lesson: LessonFile, quick: bool = False, out: str | None = None) -> int:
    """Run a lesson script in a fresh Python (the same interpreter); return its exit code.

    The lesson's process is tuned as `minigrad train` tunes its own (cli/process.py says
    why): one BLAS thread unless OPENBLAS_NUM_THREADS says otherwise, and malloc that keeps
    freed memory.
    """
    env = child_environment()
    if quick:
        env[QUICK_ENV] = "1"
    env[OUT_ENV] = str(out or Path("out") / "lessons" / f"{lesson.number:02d}")
    # So the script imports this same minigrad even when it is not installed (a checkout).
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env.setdefault("MPLBACKEND", "Agg")
    return subprocess.call([sys.executable, str(lesson.path)], env=env)


def write_notebook(lesson: LessonFile, out: str | None = None) -> Path:
    """Convert the lesson to an .ipynb with jupytext; ImportError says how to install it."""
    try:
        import jupytext
    except ImportError:
        raise ImportError(
            "writing a notebook needs jupytext, which is not installed. Install it with "
            "pip install 'minigrad[notebooks]' (or pip install jupytext). Without it, VS Code "
            f"and Jupyter with jupytext open {lesson.path} as a notebook directly."
        ) from None
    folder = Path(out or Path("out") / "lessons" / f"{lesson.number:02d}")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{lesson.path.stem}.ipynb"
    jupytext.write(lesson.notebook(), target, fmt="ipynb")
    return target


def _cmd_lessons(args: argparse.Namespace) -> int:
    try:
        lessons = find_lessons()
    except LessonsNotFound as e:
        print(f"minigrad lessons: {e}", file=sys.stderr)
        return 1
    print(f"Lessons in {lessons_dir()} (run one with `minigrad lesson N`):")
    width = max(len(lesson.title) for lesson in lessons)
    for lesson in lessons:
        print(f"  {lesson.number:2d}  {lesson.title:<{width}}  {lesson.summary}")
    return 0


def _cmd_lesson(args: argparse.Namespace) -> int:
    try:
        lesson = find_lesson(args.number)
    except LessonsNotFound as e:
        print(f"minigrad lesson: {e}", file=sys.stderr)
        return 1
    if args.out:
        out_dir(args.out)
    if args.notebook:
        try:
            path = write_notebook(lesson, args.out)
        except ImportError as e:
            print(f"minigrad lesson --notebook: {e}", file=sys.stderr)
            return 1
        print(f"wrote {path}; open it with: jupyter lab {path}")
        return 0
    return run_lesson(lesson, quick=args.quick, out=args.out)


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lessons", help="list the lessons, one line each")
    p.set_defaults(func=_cmd_lessons)
    p = sub.add_parser("lesson", help="run lesson N (or write it as a notebook)")
    p.add_argument("number", type=int, help="the lesson number, as `minigrad lessons` lists it")
    p.add_argument(
        "--quick", action="store_true", help=f"small data and few steps (same as {QUICK_ENV}=1)"
    )
    p.add_argument("--out", default=None, help="folder for the pictures (default: out/lessons/NN)")
    p.add_argument(
        "--notebook", action="store_true", help="write the lesson as an .ipynb instead of running"
    )
    p.set_defaults(func=_cmd_lesson)
