"""The lessons: find them, list them, run them, and the few helpers each lesson uses.

A lesson is a plain Python script in percent format (`# %% [markdown]` cells for prose,
`# %%` cells for code) in the repository's top-level `lessons/` folder, named
`NN_slug.py`. It runs three ways, always the same code:

    python lessons/01_derivatives.py        # as a script
    minigrad lesson 1 [--quick] [--out DIR] # through the command line
    minigrad lesson 1 --notebook            # as a Jupyter notebook (needs jupytext)

Where the lessons live. They are teaching material, kept in one place, `lessons/` beside
the `minigrad/` package (see docs/architecture.md). A checkout or an editable install
(`pip install -e .`) finds them there. A wheel installed from an index ships only the
library; then `MINIGRAD_LESSONS_DIR` can point at a copy of the folder, and without it the
command says where to get them.

Inside a lesson:

    out, quick = lessons.start(1)          # output folder and quick mode, printed
    lessons.save_figure(fig, out / "loss.png")
    lessons.save_graph(mg.viz.draw(c), out / "graph.png")   # falls back to .dot
    lessons.save_page(loss, out / "step.html")              # an interactive page
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUICK_ENV = "MINIGRAD_QUICK"  # "1": small data and few epochs
OUT_ENV = "MINIGRAD_LESSON_OUT"  # the folder a lesson writes its pictures into
DIR_ENV = "MINIGRAD_LESSONS_DIR"  # where the lesson scripts are, when not beside the package

_NAME = re.compile(r"^(\d\d)_([a-z0-9_]+)\.py$")


class LessonsNotFound(FileNotFoundError):
    """The lesson scripts are not on this machine (minigrad was installed without them)."""


@dataclass(frozen=True)
class LessonFile:
    number: int
    slug: str
    path: Path
    title: str
    summary: str

    def notebook(self) -> Any:
        """This lesson as a notebook (jupytext reads its percent format), for a Python 3 kernel."""
        import jupytext

        notebook = jupytext.read(self.path, fmt="py:percent")
        kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
        notebook.metadata["kernelspec"] = kernel
        return notebook


# --------------------------------------------------------------------------------------------
# Finding the lessons


def lessons_dir() -> Path:
    """The folder holding the lesson scripts, or LessonsNotFound saying how to get them."""
    override = os.environ.get(DIR_ENV)
    if override:
        path = Path(override)
        if not any(_NAME.match(p.name) for p in path.glob("*.py")):
            raise LessonsNotFound(
                f"{DIR_ENV}={override} holds no lesson scripts (files named like "
                "01_derivatives.py); point it at the lessons/ folder of the minigrad repository"
            )
        return path
    beside = Path(__file__).resolve().parent.parent / "lessons"
    if beside.is_dir() and any(_NAME.match(p.name) for p in beside.glob("*.py")):
        return beside
    raise LessonsNotFound(
        "the lessons are not installed with this copy of minigrad: they are scripts in the "
        "lessons/ folder of the minigrad source repository, next to the minigrad/ package. "
        "Get the minigrad source (the repository this package is built from) and install it "
        f"editable from its folder (pip install -e .), or set {DIR_ENV} to a folder holding "
        "the lesson scripts."
    )


def _describe(path: Path) -> tuple[str, str]:
    """Title (the first heading, without "Lesson N:") and summary (the bold line under it)."""
    title, summary = path.stem, ""
    for line in path.read_text(encoding="utf-8").splitlines()[:12]:
        if line.startswith("# # ") and title == path.stem:
            title = re.sub(r"^Lesson \d+:\s*", "", line[4:].strip())
        elif line.startswith("# **") and line.rstrip().endswith("**"):
            summary = line.strip()[4:-2].replace("`", "")
            break
    return title, summary


def find_lessons() -> list[LessonFile]:
    """Every lesson script, in order."""
    found = []
    for path in sorted(lessons_dir().glob("*.py")):
        m = _NAME.match(path.name)
        if m:
            title, summary = _describe(path)
            found.append(LessonFile(int(m.group(1)), m.group(2), path, title, summary))
    return found


def find_lesson(number: int) -> LessonFile:
    lessons = find_lessons()
    for lesson in lessons:
        if lesson.number == number:
            return lesson
    have = ", ".join(str(x.number) for x in lessons) or "none"
    raise LessonsNotFound(
        f"there is no lesson {number}; the lessons here are {have} (`minigrad lessons` lists them)"
    )


# --------------------------------------------------------------------------------------------
# Helpers the lessons call


def is_quick() -> bool:
    """Quick mode (MINIGRAD_QUICK=1): smaller data and fewer steps, for tests and a first look."""
    return os.environ.get(QUICK_ENV, "").strip().lower() not in {"", "0", "false", "no"}


def start(number: int) -> tuple[Path, bool]:
    """Create the lesson's output folder and say where pictures go. Returns (folder, quick)."""
    out = Path(os.environ.get(OUT_ENV) or Path("out") / "lessons" / f"{number:02d}")
    if out.exists() and not out.is_dir():
        raise SystemExit(f"lesson {number}: output {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    quick = is_quick()
    mode = "quick mode (small data, few steps)" if quick else "full mode"
    print(f"Lesson {number}, {mode}. Pictures go to {out}/")
    return out, quick


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    ip = shell.get_ipython() if shell else None
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def _show(path: Path) -> None:
    """Inside Jupyter, show the picture under the cell; in a terminal, the path is enough."""
    if _in_notebook():
        from IPython.display import SVG, Image, display

        display(SVG(filename=str(path)) if path.suffix == ".svg" else Image(filename=str(path)))


def save_figure(fig: Any, path: str | os.PathLike, trim: bool = True) -> Path:
    """Save a matplotlib figure, close it, print where it went.

    trim: cut the margins down to the content (matplotlib's `bbox_inches="tight"`), which
    measures every label once more; pass False for a figure laid out by hand to fit its
    canvas. Quick mode (tests, a first look) saves at 80 dpi instead of 110, and does not
    trim a figure with a layout engine either (`layout="constrained"` fits its content).
    """
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    quick = is_quick()
    trim = trim and not (quick and fig.get_layout_engine() is not None)
    fig.savefig(path, dpi=80 if quick else 110, **({"bbox_inches": "tight"} if trim else {}))
    plt.close(fig)
    print(f"  wrote {path}")
    _show(path)
    return path


def save_graph(graph: Any, path: str | os.PathLike) -> Path:
    """Render a Graphviz graph to `path`; without Graphviz's `dot`, write the .dot source."""
    from .viz import GraphvizNotFound, save

    path = Path(path)
    try:
        written = save(graph, path)
    except GraphvizNotFound:
        written = save(graph, path.with_suffix(".dot"))
        print(f"  wrote {written} (DOT source: install Graphviz to get the picture)")
        return written
    print(f"  wrote {written}")
    _show(written)
    return written


def save_page(output: Any, path: str | os.PathLike, **options: Any) -> Path | None:
    """Write the interactive page of a graph (`mg.viz.explore`, same options); print where.

    Without Graphviz's `dot` the page cannot be laid out: say so and return None (the
    lesson's pictures, written as DOT source then, are enough to follow it).
    """
    from .viz import GraphvizNotFound, explore

    path = Path(path)
    try:
        written = explore(output, path, **options)
    except GraphvizNotFound:
        print(f"  no page {path.name}: the interactive page needs Graphviz's dot")
        return None
    print(f"  interactive page: {written} (open it in a web browser)")
    return written
