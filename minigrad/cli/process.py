"""How the `minigrad` command sets up its own process: BLAS threads and malloc.

Only the processes the command owns are tuned (`train`, `lesson`, `book`, `exercises
check`); `import minigrad` changes nothing in a learner's own program.

* **Threads.** numpy's matrix products (OpenBLAS) start one thread per core, and after
  each product those threads spin for a while waiting for the next. The products of the
  networks here are small, so a second thread gains little; on a busy machine, threads
  that wait for each other lose a lot (measured on 2 cores under a load of 7: a LeNet-5
  step took 36 ms with one thread, 280 ms with two; lesson 9 --quick 64 s instead of 8 s).
  So the command pins BLAS to one thread unless told otherwise.
* **malloc.** By default glibc hands every freed block larger than 128 KiB straight back
  to the operating system, and the next step asks for it again, page by page: thousands
  of page faults per training step (about a third of a LeNet-5 step at batch 256). The
  command asks glibc to keep up to 1 GiB of freed memory for reuse instead.
* **Huge pages.** numpy asks the kernel for transparent huge pages (2 MiB) for every array
  of 4 MiB or more. On the virtual machines measured here, the first touch of such a page
  is slow and erratic: building AlexNet took 0.26 s or 2.8 s, VGG-16 0.5 s or 2.9 s, from
  one run to the next. The command asks numpy not to (the builds then take 0.24-0.7 s,
  steadily, and a training step's results are the same).

A lesson or a notebook kernel runs in a child process; the same settings reach it through
environment variables (`child_environment`), which OpenBLAS and glibc read at start-up.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Iterator

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
HUGE_PAGE_VARIABLE = "NUMPY_MADVISE_HUGEPAGE"  # "0": numpy asks for no huge pages

# glibc's mallopt parameters (malloc.h) and the values the command uses
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
MMAP_THRESHOLD = 32 << 20  # blocks above 32 MiB (glibc's largest) still come from mmap
TRIM_THRESHOLD = 1 << 30  # keep up to 1 GiB of freed memory at the top of the heap
TOP_PAD = 64 << 20  # grow the heap 64 MiB at a time (fewer system calls)
MALLOC_VARIABLES = {  # the same, as glibc reads them from the environment of a new process
    "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD),
    "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD),
    "MALLOC_TOP_PAD_": str(TOP_PAD),
}


def tune_malloc() -> bool:
    """Ask glibc to keep freed memory for reuse; False where there is no glibc (macOS)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
        and mallopt(M_TOP_PAD, TOP_PAD)
    )


def use_huge_pages(enabled: bool) -> bool | None:
    """Whether numpy asks for huge pages for its large arrays from now on; returns the
    previous setting (None where this numpy cannot say: the setting is numpy's own)."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # pragma: no cover - a numpy without the switch
        return None
    return bool(_set_madvise_hugepage(enabled))


def limit_blas_threads(threads: int) -> bool:
    """Pin numpy's BLAS to `threads` threads for the rest of the process (threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return False
    threadpool_limits(threads, user_api="blas")
    return True


@contextlib.contextmanager
def blas_threads(threads: int) -> Iterator[None]:
    """A block in which numpy's BLAS uses `threads` threads (restored afterwards)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        yield
        return
    with threadpool_limits(threads, user_api="blas"):
        yield


def tune_process(threads: int = 1) -> dict:
    """Set this process up for good as the command does: BLAS threads pinned, malloc tuned,
    no huge pages."""
    was = use_huge_pages(False)
    return {
        "blas_threads": limit_blas_threads(threads) and threads,
        "malloc": tune_malloc(),
        "huge_pages": "off" if was is not None else "numpy's default",
    }


@contextlib.contextmanager
def tuned(threads: int = 1) -> Iterator[None]:
    """A command's work: malloc tuned, numpy's BLAS on `threads` threads and no huge pages,
    and the same for the child processes it starts (through the environment). Threads,
    huge pages and the environment are restored afterwards (a test may run a command inside
    its own process); malloc keeps its settings, which change only speed."""
    tune_malloc()
    added = {k: v for k, v in child_environment({}, threads).items() if k not in os.environ}
    os.environ.update(added)
    huge = use_huge_pages(os.environ.get(HUGE_PAGE_VARIABLE) != "0")
    try:
        with blas_threads(threads):
            yield
    finally:
        if huge is not None:
            use_huge_pages(huge)
        for name in added:
            os.environ.pop(name, None)


def child_environment(env: dict | None = None, threads: int = 1) -> dict:
    """`env` (default: this process's) plus the variables that tune a child process alike.

    Variables already set by the user win: `OPENBLAS_NUM_THREADS=2 minigrad lesson 9`
    keeps two threads.
    """
    out = dict(os.environ if env is None else env)
    for name in THREAD_VARIABLES:
        out.setdefault(name, str(threads))
    for name, value in MALLOC_VARIABLES.items():
        out.setdefault(name, value)
    out.setdefault(HUGE_PAGE_VARIABLE, "0")
    return out
