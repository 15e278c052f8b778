"""What learners wait for: every lesson in quick and full mode, and building every zoo model.

    python benchmarks/bench_lessons.py [--quick-only] [--lesson 9 --lesson 10] [--no-models]

Each lesson runs as `minigrad lesson N [--quick]` does (a process of its own, tuned by the
command: one BLAS thread, malloc kept), and its wall time and CPU time (the lesson's
process and its children) are printed next to the budget: quick mode under 15 s and full
mode under 60 s on an idle 2-core machine. First, every model of `mg.models` is built once,
fresh, in a process of its own, twice: in a plain process (as a learner's script builds it)
and in one tuned as the command's (no huge pages: minigrad/cli/process.py); the slowest
builds are listed against the budget of 1 s.
Nothing fails: the numbers are printed, with the load average (above 2 on these machines,
the wall times are inflated by other programs; the CPU times much less).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

BUDGET = {"quick": 15.0, "full": 60.0}
MODEL_BUDGET = 1.0


def run_lesson(number: int, quick: bool, out: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the lesson's processes, exit code)."""
    cmd = [sys.executable, "-m", "minigrad", "lesson", str(number), "--out", out]
    if quick:
        cmd.append("--quick")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode:
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
    return wall, cpu, done.returncode


def lessons(numbers: list[int], modes: list[str]) -> None:
    from minigrad.lessons import find_lessons

    found = [lesson for lesson in find_lessons() if not numbers or lesson.number in numbers]
    for mode in modes:
        print(f"lessons, {mode} mode (budget {BUDGET[mode]:.0f} s each on an idle 2-core machine)")
        for lesson in found:
            with tempfile.TemporaryDirectory() as out:
                load = os.getloadavg()[0]
                wall, cpu, code = run_lesson(lesson.number, mode == "quick", out)
            flag = "" if wall < BUDGET[mode] else "  OVER BUDGET (wall)"
            failed = "" if code == 0 else f"  FAILED (exit {code})"
            print(
                f"  lesson {lesson.number:2d} {lesson.title[:34]:34s} {wall:6.1f} s wall "
                f"{cpu:6.1f} s cpu  [load {load:.1f}]{flag}{failed}",
                flush=True,
            )


def models(tuned: bool) -> None:
    """Build every zoo model once, fresh, in a process of its own: as a learner's own script
    builds them (`import minigrad` tunes nothing), or tuned as the `minigrad` command's
    processes are (one BLAS thread, malloc kept, no huge pages: minigrad/cli/process.py)."""
    cmd = [sys.executable, __file__, "--build-models"] + (["--tuned"] if tuned else [])
    done = subprocess.run(cmd, capture_output=True, text=True)
    times = [line.split() for line in done.stdout.splitlines()]
    times = sorted(((float(wall), float(cpu), name) for name, wall, cpu in times), reverse=True)
    over = [name for wall, cpu, name in times if wall >= MODEL_BUDGET]
    how = "tuned as the command's processes" if tuned else "in a plain process"
    print(
        f"building every zoo model ({len(times)}) {how}, budget {MODEL_BUDGET:.0f} s each "
        f"[load {os.getloadavg()[0]:.1f}]; slowest (wall / cpu):"
    )
    for wall, cpu, name in times[:6]:
        print(f"  {name:22s} {wall:5.2f} s / {cpu:5.2f} s")
    print(f"  over budget (wall): {', '.join(over) if over else 'none'}{done.stderr[-2000:]}")


def build_models(tuned: bool) -> None:
    """In the child of `models`: one line per model, `name wall cpu`."""
    if tuned:
        from minigrad.cli.process import tune_process

        tune_process(1)
    import minigrad as mg

    for name in mg.models.NAMES:
        start, cpu = time.perf_counter(), time.process_time()
        model = mg.models.create(name)
        print(name, time.perf_counter() - start, time.process_time() - cpu, flush=True)
        del model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", type=int, action="append", default=[], metavar="N")
    parser.add_argument("--quick-only", action="store_true", help="skip the full mode")
    parser.add_argument("--no-models", action="store_true", help="skip the model builds")
    parser.add_argument("--build-models", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tuned", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_models:
        build_models(args.tuned)
        return 0
    if not args.no_models:
        models(tuned=False)
        models(tuned=True)
    lessons(args.lesson, ["quick"] if args.quick_only else ["quick", "full"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
