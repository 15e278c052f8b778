"""`minigrad book`: lessons executed by a real Jupyter kernel and written as HTML.

The default run builds a book of lesson 1 only (a few seconds: a kernel start, the lesson,
nbconvert), plus two stub lessons for navigation and failures. Every lesson already runs in
quick mode in tests/test_lessons.py; executing them all again through a kernel would double
that cost (and add about 2 s of kernel start and conversion per lesson) for little more
coverage. The whole book, every page checked in Chromium, is built under `slow`
(make test-slow). One Chromium serves the session (conftest.py's `chromium` fixture).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browser import console_errors, open_page, screenshot, start_chromium, why_no_browser

from minigrad import book as book_module
from minigrad import lessons as lessons_module
from minigrad.cli import main

BROKEN = (
    "# %% [markdown]\n# # Lesson 2: Broken\n#\n# **A lesson whose claim is false.**\n\n"
    "# %%\nprint('before')\n\n# %%\nassert 1 == 2, 'one is not two'\n"
)
needs_tools = pytest.mark.skipif(
    bool(book_module.missing_tools()),
    reason=f"the notebook tools are missing ({book_module.INSTALL})",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """`minigrad book --quick` on lesson 1 and a broken lesson 2: (out, pages, exit, stderr)."""
    if book_module.missing_tools():
        pytest.skip(f"the notebook tools are missing ({book_module.INSTALL})")
    root = tmp_path_factory.mktemp("book")
    folder = root / "lessons"
    folder.mkdir()
    real = lessons_module.find_lesson(1).path
    (folder / real.name).write_text(real.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "02_broken.py").write_text(BROKEN)
    out = root / "out"
    pages = []
    build = book_module.build_book

    def keep(*args, **kwargs):
        pages.extend(build(*args, **kwargs))
        return pages

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(lessons_module.DIR_ENV, str(folder))
        mp.setattr(book_module, "build_book", keep)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["book", "--quick", "--out", str(out)])
    return out, pages, status, err.getvalue()


def local_links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    found = re.findall(r"""(?:href|src)=["']([^"']+)["']""", text)
    return [u for u in found if not u.startswith(("data:", "#", "http://", "https://"))]


def test_book_has_an_index_with_the_lessons_in_order(built):
    out, pages, status, err = built
    assert [p.lesson.number for p in pages] == [1, 2]
    assert pages[0].ok, pages[0].error
    index = (out / "index.html").read_text(encoding="utf-8")
    positions = [index.index(f'href="{p.page.name}"') for p in pages]
    assert positions == sorted(positions)
    for p in pages:
        assert p.lesson.title in index and p.lesson.summary in index
    assert "quick mode" in index


def test_each_lesson_ran_in_a_kernel_in_quick_mode_and_kept_its_figures(built):
    out, pages, status, err = built
    for p in pages[:1]:
        notebook = json.loads(p.notebook.read_text(encoding="utf-8"))
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert code and all(c["execution_count"] for c in code)  # every cell ran, in order
        assert f"Lesson {p.lesson.number}, quick mode" in p.output
        assert f"Lesson {p.lesson.number} done" in p.output
        html = p.page.read_text(encoding="utf-8")
        pictures = sorted(p.folder.glob("*.png")) if shutil.which("dot") else []
        inline = html.count('src="data:image/png;base64,')
        assert inline >= max(1, len(pictures)), f"{p.page.name}: {inline} figures inline"
        assert not re.search(r"""<script[^>]+src=["']?https?:""", html)  # nothing fetched
        for link in local_links(p.page):  # the notebook and graph pages exist
            assert (p.page.parent / unquote(urlparse(link).path)).exists(), link


@pytest.mark.skipif(shutil.which("dot") is None, reason="graph pages need Graphviz's dot")
def test_graph_pages_of_each_lesson_are_linked_from_its_page_and_the_index(built):
    out, pages, status, err = built
    index = (out / "index.html").read_text(encoding="utf-8")
    names = {p.lesson.number: [g.name for g in p.graph_pages] for p in pages}
    assert names == {1: ["used_twice.html"], 2: []}
    for p in pages:
        for g in p.graph_pages:
            href = f"{p.folder.name}/{g.name}"
            assert f'href="{href}"' in index and f'href="{href}"' in p.page.read_text()


def test_a_failing_lesson_gets_a_page_with_its_error_and_the_command_fails(built):
    out, pages, status, err = built
    assert status == 1 and "lessons that failed: 2" in err
    assert not pages[1].ok and "one is not two" in pages[1].error
    fine = (out / pages[0].page.name).read_text(encoding="utf-8")
    assert 'href="02_broken.html"' in fine and "This lesson stopped" not in fine
    broken = (out / "02_broken.html").read_text(encoding="utf-8")
    assert "This lesson stopped with an error" in broken and "one is not two" in broken
    assert "before" in broken  # the cells before the error ran and show their output
    assert f'href="{pages[0].page.name}"' in broken and 'href="index.html"' in broken
    assert 'class="failed"' in (out / "index.html").read_text(encoding="utf-8")


def test_book_without_the_notebook_tools_says_how_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(book_module, "missing_tools", lambda: ["nbclient", "ipykernel"])
    assert main(["book", "--out", str(tmp_path / "book")]) == 1
    err = capsys.readouterr().err
    assert "nbclient, ipykernel" in err and 'pip install -e ".[book]"' in err
    assert not (tmp_path / "book" / "index.html").exists()


@needs_tools
def test_book_of_an_unknown_lesson_is_refused(tmp_path, capsys):
    assert main(["book", "--lesson", "99", "--out", str(tmp_path / "book")]) == 1
    assert "there is no lesson 99" in capsys.readouterr().err


@pytest.mark.slow
@needs_tools
def test_whole_book_in_quick_mode_and_in_chromium(tmp_path):
    """Every lesson in lessons/ executes, and (with Chromium) every page loads cleanly."""
    pages = book_module.build_book(tmp_path, quick=True, log=lambda line: print(line))
    assert [p.lesson.number for p in pages] == [x.number for x in lessons_module.find_lessons()]
    failed = {p.lesson.number: p.error for p in pages if not p.ok}
    assert not failed, failed
    assert sum(len(p.graph_pages) for p in pages) >= (3 if shutil.which("dot") else 0)
    reason = why_no_browser()
    if reason:
        pytest.skip(f"the book was built; {reason}")
    with start_chromium() as driver:
        check_pages_in_browser(driver, tmp_path, pages)


# --------------------------------------------------------------------------------------------
# In Chromium


def check_pages_in_browser(driver, out: Path, pages) -> None:
    """Every lesson page (and graph page) loads with no error, its images load, links resolve."""
    visited = [out / "index.html"] + [p.page for p in pages]
    visited += [g for p in pages for g in p.graph_pages]
    for path in visited:
        assert open_page(driver, path) == [], path.name
        broken = driver.execute_script(
            "return [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => i.src.slice(0, 60))"
        )
        assert broken == [], (path.name, broken)
        links = driver.execute_script(
            "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
        )
        for href in links:
            if href.startswith("#"):  # an anchor in the page
                found = driver.execute_script(
                    "return !!document.getElementById(decodeURIComponent(arguments[0]))",
                    href[1:],
                )
                assert found, (path.name, href)
            elif not href.startswith(("http://", "https://", "mailto:")):
                target = path.parent / unquote(urlparse(href).path)
                assert target.exists(), (path.name, href)


def test_book_pages_load_in_chromium_with_their_images_and_links(chromium, built):
    out, pages, status, err = built
    check_pages_in_browser(chromium, out, pages)
    open_page(chromium, pages[0].page)
    chromium.execute_script(  # the last figure (the graph of a value used twice) in view
        "const imgs = document.querySelectorAll('img, svg');"
        "imgs[imgs.length - 1].scrollIntoView({block: 'center'});"
    )
    assert screenshot(chromium, "book_lesson.png").stat().st_size > 20_000
    assert console_errors(chromium) == []
