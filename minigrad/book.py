"""The lessons as a book of executed pages: `minigrad book` builds `out/book/`.

Each lesson script (percent format, `lessons/NN_slug.py`) becomes a notebook (jupytext),
is executed cell by cell by a real Jupyter kernel (nbclient and ipykernel: the code runs
exactly as in Jupyter, and the figures the lesson shows are kept inline), and is written
as HTML (nbconvert). The book is

    out/book/index.html            the lessons in order, one line each, and their pages
    out/book/NN_slug.html          a lesson, executed, with its figures
    out/book/NN_slug/              what the lesson wrote: pictures, the executed notebook,
                                   its interactive graph pages (mg.viz.explore), linked
                                   from the lesson's page

The pages need no network: nbconvert's template is used without the scripts it would
fetch (RequireJS, MathJax: the lessons write no LaTeX), and figures are embedded.

`quick=True` runs the lessons in quick mode (MINIGRAD_QUICK=1: small data, few steps).
The tools are an extra: pip install -e ".[book]".
"""

from __future__ import annotations

import html
import importlib.util
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .fileio import atomic_write
from .lessons import OUT_ENV, QUICK_ENV, LessonFile, find_lessons

TOOLS = ("jupytext", "nbformat", "nbclient", "nbconvert", "ipykernel")
INSTALL = 'pip install -e ".[book]"'
CELL_TIMEOUT = 1200  # seconds for one cell (full mode trains networks)

# nbconvert's JupyterLab template, without the scripts it would load from the network, with
# the book's navigation above and below the lesson.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<link rel="icon" href="data:,"><style>{{ resources.book_css }}</style>
{%- endblock extra_css -%}
{%- block body_header -%}{{ super() }}{{ resources.book_top }}{%- endblock body_header -%}
{% block body_footer %}{{ resources.book_bottom }}{{ super() }}{% endblock body_footer %}
"""

BOOK_CSS = """
.book-nav { display: flex; gap: 18px; align-items: baseline; flex-wrap: wrap;
  font: 14px Helvetica, Arial, sans-serif; padding: 8px 12px; margin: 0 0 12px;
  border-bottom: 1px solid #ccc; background: #f7f7f7; }
.book-nav .spacer { flex: 1; }
.book-pages { font: 14px Helvetica, Arial, sans-serif; margin: 8px 12px 16px; padding: 8px 12px;
  border-left: 4px solid #9673a6; background: #faf7fc; }
.book-failed { font: bold 14px Helvetica, Arial, sans-serif; color: #fff; background: #b03a2e;
  padding: 8px 12px; margin: 8px 12px; }
"""


class BookToolsMissing(ImportError):
    """The notebook tools the book needs are not installed."""


def missing_tools() -> list[str]:
    """The notebook tools that cannot be imported here (empty when the book can be built)."""
    return [name for name in TOOLS if importlib.util.find_spec(name) is None]


def check_tools() -> None:
    missing = missing_tools()
    if missing:
        raise BookToolsMissing(
            f"building the book needs the notebook tools {', '.join(TOOLS)}; missing here: "
            f"{', '.join(missing)}. Install them with {INSTALL} (from the minigrad checkout) "
            "or pip install 'minigrad[book]'."
        )


@dataclass
class LessonPage:
    """One executed lesson of the book."""

    lesson: LessonFile
    page: Path  # out/book/NN_slug.html
    folder: Path  # out/book/NN_slug/: pictures, notebook, graph pages
    notebook: Path
    graph_pages: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None  # the first failing cell's error, or None
    output: str = ""  # everything the lesson printed

    @property
    def ok(self) -> bool:
        return self.error is None


def build_book(
    out: str | os.PathLike = Path("out") / "book",
    quick: bool = False,
    numbers: Iterable[int] | None = None,
    log: Callable[[str], None] = print,
    timeout: int = CELL_TIMEOUT,
) -> list[LessonPage]:
    """Execute the lessons (all, or those numbered in `numbers`) and write the book to `out`.

    Returns one LessonPage per lesson, failed ones included (their page shows the error);
    the index page lists them all.
    """
    check_tools()
    out = Path(out)
    lessons = find_lessons()
    if numbers is not None:
        wanted = set(numbers)
        unknown = sorted(wanted - {x.number for x in lessons})
        if unknown:
            have = ", ".join(str(x.number) for x in lessons)
            raise ValueError(f"book: there is no lesson {unknown[0]}; the lessons are {have}")
        lessons = [x for x in lessons if x.number in wanted]
    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for lesson in lessons:
        log(f"lesson {lesson.number:2d} {lesson.title} ...")
        page = execute_lesson(lesson, out, quick, timeout)
        state = "ok" if page.ok else f"FAILED: {page.error.splitlines()[-1][:120]}"
        log(f"           {page.seconds:5.1f} s, {state}")
        pages.append(page)
    for k, page in enumerate(pages):
        _write_lesson_html(page, pages[k - 1] if k else None, pages[k + 1 : k + 2], quick)
    _write_index(out, pages, quick)
    return pages


def slug(lesson: LessonFile) -> str:
    return lesson.path.stem  # 01_derivatives


def execute_lesson(lesson: LessonFile, out: Path, quick: bool, timeout: int) -> LessonPage:
    """Run one lesson as a notebook in a fresh kernel; keep the executed notebook."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    folder = out / slug(lesson)
    folder.mkdir(parents=True, exist_ok=True)
    notebook = lesson.notebook()
    notebook.metadata["title"] = f"Lesson {lesson.number}: {lesson.title}"
    env = dict(os.environ)
    env.pop(QUICK_ENV, None)
    if quick:
        env[QUICK_ENV] = "1"
    env[OUT_ENV] = str(folder.resolve())
    env["MPLBACKEND"] = "Agg"
    # The kernel imports this same minigrad even when it is not installed (a checkout).
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    start = time.perf_counter()
    error = None
    # The kernel talks over local sockets in a folder of its own (not TCP ports: no network,
    # and no warning about unencrypted TCP), removed with the folder afterwards.
    with tempfile.TemporaryDirectory(prefix="minigrad-kernel-") as sockets:
        kernel = KernelManager(
            kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel")
        )
        client = NotebookClient(
            notebook,
            km=kernel,
            timeout=timeout,
            resources={"metadata": {"path": str(folder)}},
            # A lesson is a script: the page shows what it prints and displays, not the
            # value of each cell's last line (the path `save_graph` returns, for one).
            extra_arguments=["--InteractiveShell.ast_node_interactivity=none"],
        )
        try:
            client.execute(env=env)
        except (CellExecutionError, CellTimeoutError) as e:
            error = str(e).strip() or type(e).__name__
        except Exception as e:  # the kernel died or could not start: say so on the page
            error = f"{type(e).__name__}: {e}"
    seconds = time.perf_counter() - start
    path = folder / f"{slug(lesson)}.ipynb"
    with atomic_write(path, "w") as f:
        nbformat.write(notebook, f)
    page = LessonPage(lesson, out / f"{slug(lesson)}.html", folder, path, seconds=seconds)
    page.error = error
    page.output = _printed(notebook)
    page.graph_pages = sorted(folder.glob("*.html"))
    return page


def _printed(notebook) -> str:
    """Everything the lesson's cells printed (stdout and stderr streams), in order."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Pages


def _link(href: str, text: str) -> str:
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def _graph_links(page: LessonPage, base: str) -> str:
    return ", ".join(_link(f"{base}{p.name}", p.stem.replace("_", " ")) for p in page.graph_pages)


def _write_lesson_html(
    page: LessonPage, prev: LessonPage | None, nxt: list[LessonPage], quick: bool
) -> None:
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(page.notebook, as_version=4)
    lesson = page.lesson
    nav = ['<nav class="book-nav">', _link("index.html", "contents")]
    if prev is not None:
        nav.append(_link(prev.page.name, f"\u2190 lesson {prev.lesson.number}"))
    if nxt:
        nav.append(_link(nxt[0].page.name, f"lesson {nxt[0].lesson.number} \u2192"))
    nav.append('<span class="spacer"></span>')
    nav.append(_link(f"{page.folder.name}/{page.notebook.name}", "notebook (.ipynb)"))
    nav.append(f"<span>{'quick mode' if quick else 'full mode'}, {page.seconds:.0f} s</span>")
    nav.append("</nav>")
    top = "".join(nav)
    if page.error is not None:
        last = html.escape(page.error.splitlines()[-1])
        top += f'<div class="book-failed">This lesson stopped with an error: {last}</div>'
    pages = ""
    if page.graph_pages:
        pages = (
            '<div class="book-pages">Interactive graph pages of this lesson (click nodes, step '
            f"through backpropagation): {_graph_links(page, page.folder.name + '/')}</div>"
        )
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"book.html.j2": TEMPLATE})],
        template_file="book.html.j2",
    )
    resources = {
        "metadata": {"name": f"Lesson {lesson.number}: {lesson.title}"},
        "book_css": BOOK_CSS,
        "book_top": top + pages,
        "book_bottom": pages + top,
    }
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    with atomic_write(page.page, "w") as f:
        f.write(body)


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>minigrad: the lessons</title>
<style>
body {{ font: 16px/1.5 Helvetica, Arial, sans-serif; max-width: 860px; margin: 32px auto;
  padding: 0 16px; color: #222; }}
h1 {{ font-size: 26px; margin-bottom: 4px; }}
.mode {{ color: #555; margin-top: 0; }}
ol {{ padding-left: 0; list-style: none; }}
li {{ margin: 14px 0; padding: 8px 12px; border-left: 4px solid #82b366; background: #f8fbf7; }}
li.failed {{ border-left-color: #b03a2e; background: #fbf3f2; }}
.num {{ color: #777; font-weight: bold; margin-right: 6px; }}
.title {{ font-size: 18px; font-weight: bold; }}
.summary {{ color: #333; }}
.extra {{ font-size: 14px; color: #555; }}
</style>
</head>
<body>
<h1>minigrad: the lessons</h1>
<p class="mode">Each lesson executed by a Jupyter kernel ({mode}); its figures are in the page,
and its interactive graph pages are linked under it.</p>
<ol>
{items}
</ol>
</body>
</html>
"""


def _write_index(out: Path, pages: list[LessonPage], quick: bool) -> None:
    items = []
    for page in pages:
        lesson = page.lesson
        extra = [f"{page.seconds:.0f} s"]
        if page.graph_pages:
            extra.append("interactive pages: " + _graph_links(page, page.folder.name + "/"))
        if not page.ok:
            extra.append("<b>failed</b>: " + html.escape(page.error.splitlines()[-1][:200]))
        items.append(
            f'<li class="{"ok" if page.ok else "failed"}">'
            f'<span class="num">{lesson.number}</span>'
            f'<span class="title">{_link(page.page.name, lesson.title)}</span>'
            f'<div class="summary">{html.escape(lesson.summary)}</div>'
            f'<div class="extra">{" &middot; ".join(extra)}</div></li>'
        )
    mode = "quick mode: small data, few steps" if quick else "full mode"
    with atomic_write(out / "index.html", "w") as f:
        f.write(INDEX.format(mode=mode, items="\n".join(items)))
