"""The measuring harness every benchmark shares: one process per library, alternating.

Why separate processes: numpy's OpenBLAS threads keep spinning for a while after each
matrix product, and in a process that also runs PyTorch they take the cores PyTorch's own
threads need (PyTorch's LeNet-5 step at batch 256 took 53 ms next to minigrad in one
process, 31-34 ms in a process of its own). So each measurement here is a fresh Python
that imports one library only, and the parent alternates them:

    round 1: minigrad process, torch process
    round 2: torch process, minigrad process     (the order flips: a drift hits both)
    ...

Each worker process sets its threads (numpy's BLAS through threadpoolctl and PyTorch's
`set_num_threads`, to the same number), tunes malloc as the `minigrad` command does (both
libraries alike), warms up, then times `--steps` steps on two clocks: wall time, and the
process's CPU time (all its threads). With one thread the CPU time hardly moves when
other programs load the machine, so on a shared machine it is the steadier number.

The parent prints, per library, the median over all timed steps of all rounds, the spread
(lowest and highest median of a round: how much the processes disagreed), the CPU time
per step, and last the ratio minigrad / torch of the medians. The load average is printed
with the numbers: above the core count, the wall-clock times are not to be trusted.

A benchmark script defines its cases and calls `main`:

    CASES = {"name": Case(make, unit="ms")}   # make(lib) -> (step, check)
    main(CASES, __doc__)

`make("minigrad")` or `make("torch")` imports that library, builds the inputs (the same
seeded numpy arrays for both) and returns the step to time and a number that both
libraries must agree on (a first loss, a sum of outputs), or None.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LIBS = ("minigrad", "torch")
HERE = Path(__file__).resolve().parent


@dataclass
class Case:
    """One thing to time: `make(lib)` returns (step, check); `per` divides a step's time
    (10,000 for a chain of 10,000 ops timed per op); `rtol` is how close the checks must be;
    `libs` the libraries it compares (micrograd for the scalar engine)."""

    make: Callable
    unit: str = "ms"
    per: int = 1
    rtol: float = 1e-4
    libs: tuple = LIBS
    steps: int | None = None  # timed steps per process (default: --steps)
    warmup: int | None = None
    gc_each_step: bool = False  # collect garbage inside each timed step (the scalar engine)
    notes: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Inside a worker process


def tune_process(threads: int) -> dict:
    """What the `minigrad` command does to its own process: threads and malloc."""
    from minigrad.cli.process import tune_process as tune

    return tune(threads)


def _time_steps(step, steps: int, warmup: int, gc_each_step: bool) -> dict:
    for _ in range(warmup):
        step()
    gc.collect()
    wall, cpu = [], []
    for _ in range(steps):
        if gc_each_step:
            gc.collect()  # start clean: no garbage left by the warm-up or the previous step
        w0, c0 = time.perf_counter(), time.process_time()
        step()
        if gc_each_step:
            gc.collect()  # and pay for your own garbage
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return {"wall": wall, "cpu": cpu}


def _versions(lib: str) -> dict:
    import numpy as np

    out = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        from threadpoolctl import threadpool_info

        blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
        if blas:
            b = blas[0]
            out["blas"] = f"{b['internal_api']} {b.get('version')} ({b.get('architecture')})"
    except ImportError:
        pass
    if lib == "torch":
        import torch

        out["torch"] = torch.__version__
        out["torch_threads"] = torch.get_num_threads()
    if lib == "minigrad":
        import minigrad

        out["minigrad"] = str(Path(minigrad.__file__).parent.parent)  # which checkout
    if lib == "micrograd":
        from importlib.metadata import version

        out["micrograd"] = version("micrograd")
    return out


def _worker(cases: dict, args: argparse.Namespace) -> int:
    tuned = tune_process(args.threads) if args.tune else {}  # (this checkout's tuning)
    if args.source:  # import minigrad from another checkout (to measure an older version)
        for name in [m for m in sys.modules if m == "minigrad" or m.startswith("minigrad.")]:
            del sys.modules[name]  # imported by the tuning above: forget this checkout's
        sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
        sys.path.insert(0, args.source)
    if args.lib == "torch":
        import torch

        torch.set_num_threads(args.threads)
    case = cases[args.case]
    step, check = case.make(args.lib)
    times = _time_steps(
        step, case.steps or args.steps, case.warmup if case.warmup is not None else args.warmup,
        case.gc_each_step,
    )  # fmt: skip
    times.update(check=check, versions=_versions(args.lib), tuned=tuned)
    print("RESULT " + json.dumps(times))
    return 0


# --------------------------------------------------------------------------------------------
# In the parent


def _run_worker(script: str, lib: str, name: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, script, "--worker", lib, "--case", name, "--threads", str(args.threads)]
    cmd += ["--steps", str(args.steps), "--warmup", str(args.warmup)]
    if not args.tune:
        cmd.append("--no-tune")
    if args.source and lib == "minigrad":
        cmd += ["--source", args.source]
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(args.threads)  # set before the libraries start their thread pools
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode or not lines:
        raise SystemExit(f"{lib} worker for {name!r} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(lines[-1][len("RESULT ") :])


def _fmt(seconds: float, case: Case) -> str:
    scale = {"ms": 1e3, "us": 1e6, "s": 1.0}[case.unit]
    return f"{seconds / case.per * scale:.3g}"


def measure(script: str, name: str, case: Case, args: argparse.Namespace) -> dict:
    """Rounds of alternating worker processes; returns the summary (and prints one block)."""
    libs = [lib for lib in case.libs if lib not in args.skip]
    runs: dict[str, list[dict]] = {lib: [] for lib in libs}
    load_before = os.getloadavg()[0]
    for r in range(args.rounds):
        order = libs if r % 2 == 0 else libs[::-1]
        for lib in order:
            try:
                runs[lib].append(_run_worker(script, lib, name, args))
            except SystemExit as e:
                if lib == "minigrad":
                    raise
                print(f"  ({lib} skipped: {str(e).splitlines()[-1][:200]})")
                libs.remove(lib)
                runs.pop(lib)
                break
    load_after = os.getloadavg()[0]
    summary: dict = {"case": name, "unit": case.unit, "load": [load_before, load_after]}
    checks = {lib: rs[0]["check"] for lib, rs in runs.items()}
    steps = case.steps or args.steps
    print(f"{name}   ({args.rounds} rounds x {steps} steps per library)")
    for lib, rs in runs.items():
        wall = [t for r in rs for t in r["wall"]]
        cpu = [t for r in rs for t in r["cpu"]]
        per_round = [statistics.median(r["wall"]) for r in rs]
        s = {
            "median": statistics.median(wall),
            "low": min(per_round),
            "high": max(per_round),
            "cpu": statistics.median(cpu),
            "versions": rs[0]["versions"],
        }
        summary[lib] = s
        print(
            f"  {lib:9s} {_fmt(s['median'], case):>8s} {case.unit}"
            f"  (round medians {_fmt(s['low'], case)}-{_fmt(s['high'], case)})"
            f"  cpu {_fmt(s['cpu'], case)} {case.unit}"
        )
    ref = next((lib for lib in runs if lib != "minigrad"), None)
    if "minigrad" not in runs:  # --skip minigrad: the reference's times only
        ref = None
    numbers = [v for v in checks.values() if v is not None]
    if len(numbers) == 2 and abs(numbers[0] - numbers[1]) > case.rtol * max(1.0, abs(numbers[1])):
        raise SystemExit(f"{name}: the libraries disagree ({checks}): the timing is meaningless")
    load = f"load {load_before:.1f} -> {load_after:.1f} on {os.cpu_count()} cores"
    if ref is not None:
        m, t = summary["minigrad"], summary[ref]
        if ref == "micrograd":  # the scalar engine: how many times faster than micrograd
            summary["speedup"] = t["median"] / m["median"]
            summary["speedup_cpu"] = t["cpu"] / m["cpu"]
            print(
                f"  minigrad is {summary['speedup']:.1f}x faster than {ref} "
                f"(cpu {summary['speedup_cpu']:.1f}x)   [{load}]"
            )
        else:
            summary["ratio"] = m["median"] / t["median"]
            summary["ratio_cpu"] = m["cpu"] / t["cpu"]
            print(
                f"  ratio minigrad/{ref} {summary['ratio']:.2f}x "
                f"(cpu {summary['ratio_cpu']:.2f}x)   [{load}]"
            )
    else:
        print(f"  [{load}]")
    sys.stdout.flush()
    return summary


def main(cases: dict[str, Case], doc: str, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=doc.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default=None, help="run only the cases whose name has this")
    parser.add_argument("--rounds", type=int, default=5, help="processes per library")
    parser.add_argument("--steps", type=int, default=10, help="timed steps per process")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps per process")
    parser.add_argument(
        "--threads", type=int, default=None, help="threads for each library (default: 2, or "
        "the cores there are)",
    )  # fmt: skip
    parser.add_argument("--no-tune", dest="tune", action="store_false", help="leave malloc")
    parser.add_argument("--skip", nargs="*", default=[], help="libraries not to run")
    parser.add_argument("--json", default=None, help="append the summaries to this file")
    parser.add_argument("--source", default=None, help="import minigrad from this folder")
    parser.add_argument("--list", action="store_true", help="list the cases")
    parser.add_argument("--worker", choices=LIBS + ("micrograd",), help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.threads is None:
        args.threads = min(2, os.cpu_count() or 1)
    if args.worker:
        args.lib = args.worker
        return _worker(cases, args)
    if args.list:
        print("\n".join(cases))
        return 0
    script = str(Path(sys.argv[0]).resolve())
    print(
        f"{Path(script).name}: {args.threads} thread(s) each, malloc "
        f"{'tuned' if args.tune else 'default'}, each library in its own process"
    )
    summaries = []
    for name, case in cases.items():
        if args.only and args.only not in name:
            continue
        summaries.append(measure(script, name, case, args))
    if args.json:
        with open(args.json, "a") as f:
            for s in summaries:
                s["threads"], s["tuned"], s["source"] = args.threads, args.tune, args.source
                f.write(json.dumps(s) + "\n")
    return 0
