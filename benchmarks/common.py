"""The measuring harness the benchmarks share: threads, clocks, alternating runs, medians.

Every benchmark compares minigrad with PyTorch in one process: both get as many threads as
numpy's BLAS, runs alternate between the two (so a drift on a shared machine affects
both), and the medians and the ratio minigrad/torch are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import ctypes
import gc
import os
import pstats
import statistics
import time
from collections.abc import Iterator

CLOCK = {"clock": time.perf_counter}


def blas_threads() -> int:
    """How many threads numpy's BLAS uses (threadpoolctl ships with scikit-learn)."""
    try:
        from threadpoolctl import threadpool_info

        counts = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        if counts:
            return max(counts)
    except ImportError:
        pass
    return os.cpu_count() or 1


def limit_threads(threads: int | None):
    """A context in which numpy's BLAS uses `threads` threads (needs threadpoolctl)."""
    if threads is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(threads, user_api="blas")


def tune_malloc() -> bool:
    """Ask glibc to keep freed memory for reuse instead of returning it to the OS.

    By default every large temporary (im2col columns, gradients) is handed back to the
    OS when freed and faulted in again, page by page, on the next step: ~7,400 page
    faults per LeNet step at batch 256 here, about a third of minigrad's time. This
    affects the whole process (PyTorch too), so the comparison stays fair.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, Windows): nothing to tune
        return False
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    return bool(
        libc.mallopt(m_mmap_threshold, 32 << 20)  # the largest value glibc accepts
        and libc.mallopt(m_trim_threshold, 1 << 30)
        and libc.mallopt(m_top_pad, 64 << 20)
    )


def set_clock(name: str, threads: int | None) -> None:
    if name == "cpu" and threads != 1:
        raise SystemExit("--clock cpu measures one thread's work: use it with --threads 1")
    CLOCK["clock"] = time.process_time if name == "cpu" else time.perf_counter


def timed(step) -> float:
    """Seconds one call of `step` takes on the chosen clock (wall, or this process's CPU)."""
    clock = CLOCK["clock"]
    start = clock()
    step()
    return clock() - start


def add_common_arguments(parser: argparse.ArgumentParser, repeat: int) -> None:
    """--repeat, --threads, --profile, --tune-malloc and --clock."""
    parser.add_argument("--repeat", type=int, default=repeat, help="timed runs per library")
    parser.add_argument(
        "--threads", type=int, default=None, help="threads for both (default: numpy's BLAS)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the minigrad side")
    parser.add_argument(
        "--tune-malloc", action="store_true", help="keep freed memory in the process (glibc)"
    )
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="cpu: this process's CPU time, steadier on a shared machine (needs --threads 1)",
    )


@contextlib.contextmanager
def session(args: argparse.Namespace) -> Iterator[object]:
    """Clock, malloc and threads as the arguments ask; yields torch (same threads) or None."""
    set_clock(args.clock, args.threads)
    if args.tune_malloc:
        print("malloc tuned:", tune_malloc())
    with limit_threads(args.threads):
        threads = blas_threads()
        try:
            import torch

            torch.set_num_threads(threads)
        except ImportError:
            torch = None
            print("PyTorch is not installed: printing minigrad's times only")
        print(
            f"float32, {threads} thread(s) each, {args.clock} clock, medians of {args.repeat} "
            "alternating runs"
        )
        yield torch


def run(name: str, steps: dict, repeat: int, profile: bool) -> None:
    """Warm up, time the steps alternately, print medians and the ratio minigrad/torch."""
    for _ in range(3):  # warm up caches and allocators
        for step in steps.values():
            step()
    times: dict[str, list[float]] = {k: [] for k in steps}
    gc.collect()
    for _ in range(repeat):
        for k, step in steps.items():  # alternate, so a drift affects both
            times[k].append(timed(step))
    med = {k: statistics.median(t) * 1e3 for k, t in times.items()}
    line = f"{name:32s} minigrad {med['minigrad']:7.2f} ms"
    if "torch" in med:
        line += f"   torch {med['torch']:7.2f} ms   ratio {med['minigrad'] / med['torch']:.2f}x"
    print(line, flush=True)
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(10):
            steps["minigrad"]()
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
