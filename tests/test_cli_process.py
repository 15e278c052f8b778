"""The command tunes the processes it owns (BLAS threads, malloc), and only those:
`import minigrad` changes nothing, a lesson's process inherits the settings, and a command
run inside a test leaves the test's process as it found it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from minigrad.cli import lessons as cli_lessons
from minigrad.cli import process
from minigrad.lessons import find_lessons

threadpoolctl = pytest.importorskip("threadpoolctl")


def blas_threads() -> int:
    infos = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    return max(i["num_threads"] for i in infos)


def test_child_environment_pins_threads_and_malloc_but_keeps_what_the_user_set():
    env = process.child_environment({"OPENBLAS_NUM_THREADS": "2", "HOME": "/x"})
    assert env["OPENBLAS_NUM_THREADS"] == "2"  # the user's choice wins
    assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == "1"
    assert env["HOME"] == "/x"
    assert env["MALLOC_TRIM_THRESHOLD_"] == str(process.TRIM_THRESHOLD)
    assert env["MALLOC_MMAP_THRESHOLD_"] == str(process.MMAP_THRESHOLD)
    assert env["NUMPY_MADVISE_HUGEPAGE"] == "0"
    assert (
        process.child_environment({"NUMPY_MADVISE_HUGEPAGE": "1"})["NUMPY_MADVISE_HUGEPAGE"] == "1"
    )
    assert process.child_environment({}, threads=3)["OPENBLAS_NUM_THREADS"] == "3"


def test_tuned_block_pins_blas_and_sets_the_environment_then_restores_both(monkeypatch):
    monkeypatch.delenv("MALLOC_TOP_PAD_", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "7")  # set by the user: left alone
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        with process.tuned(1):
            assert blas_threads() == 1
            assert os.environ["MALLOC_TOP_PAD_"] == str(process.TOP_PAD)
            assert os.environ["OMP_NUM_THREADS"] == "7"
        assert blas_threads() == before
    assert "MALLOC_TOP_PAD_" not in os.environ
    assert os.environ["OMP_NUM_THREADS"] == "7"


def test_tuned_block_turns_numpys_huge_pages_off_then_restores_them(monkeypatch):
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    before = process.use_huge_pages(True)
    try:
        with process.tuned(1):
            assert process.use_huge_pages(False) is False  # off inside the block
        assert process.use_huge_pages(True) is True  # and on again after it
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")  # the user's choice wins
        with process.tuned(1):
            assert process.use_huge_pages(True) is True
    finally:
        process.use_huge_pages(before)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is glibc's")
def test_tune_malloc_is_accepted_by_glibc():
    assert process.tune_malloc() is True


def test_importing_minigrad_tunes_nothing():
    """Threads and environment of a fresh Python before and after `import minigrad`."""
    code = (
        "import os, threadpoolctl, numpy\n"
        "count = lambda: [i['num_threads'] for i in threadpoolctl.threadpool_info() "
        "if i['user_api'] == 'blas']\n"
        "before, env = count(), dict(os.environ)\n"
        "from numpy._core.multiarray import _set_madvise_hugepage as huge\n"
        "import minigrad, minigrad.functional, minigrad.nn\n"
        "assert count() == before, (before, count())\n"
        "assert huge(True) is True  # numpy still asks for huge pages\n"
        "assert dict(os.environ) == env\n"
        "print('unchanged', before)\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_NUM_THREADS") and k != "NUMPY_MADVISE_HUGEPAGE"
    }
    env["OPENBLAS_NUM_THREADS"] = "2"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "unchanged [2]" in done.stdout


def test_a_lesson_runs_with_one_blas_thread_and_tuned_malloc(monkeypatch, tmp_path):
    seen = {}

    def fake_call(cmd, env):
        seen.update(env)
        return 0

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setattr(cli_lessons.subprocess, "call", fake_call)
    assert cli_lessons.run_lesson(find_lessons()[0], quick=True, out=str(tmp_path)) == 0
    assert seen["OPENBLAS_NUM_THREADS"] == "1"
    assert seen["MALLOC_TRIM_THRESHOLD_"] == str(process.TRIM_THRESHOLD)
    assert seen["MINIGRAD_QUICK"] == "1"


def test_a_lesson_keeps_the_threads_the_user_asked_for(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    monkeypatch.setattr(cli_lessons.subprocess, "call", lambda cmd, env: seen.update(env) or 0)
    cli_lessons.run_lesson(find_lessons()[0], out=str(tmp_path))
    assert seen["OPENBLAS_NUM_THREADS"] == "2"
