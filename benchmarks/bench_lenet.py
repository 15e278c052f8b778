"""One LeNet-5 training step, minigrad against PyTorch CPU in the same process.

    python benchmarks/bench_lenet.py [--batch 64 256] [--repeat 30] [--profile]

The step: input N x 1 x 28 x 28 float32; conv(1->6, 5x5, pad 2) ReLU maxpool 2;
conv(6->16, 5x5) ReLU maxpool 2; flatten; fc 400->120 ReLU; 120->84 ReLU; 84->10;
softmax cross-entropy; backward; SGD update. Both libraries start from the same weights
and see the same batch, so the first losses must agree. PyTorch gets as many threads as
numpy's BLAS. Runs alternate between the two; medians and the ratio minigrad/torch are
printed. --profile prints a cProfile of the minigrad step (where the time goes).
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

import numpy as np

import minigrad as mg
import minigrad.functional as F

SHAPES = {
    "conv1.weight": (6, 1, 5, 5),
    "conv1.bias": (6,),
    "conv2.weight": (16, 6, 5, 5),
    "conv2.bias": (16,),
    "fc1.weight": (120, 400),
    "fc1.bias": (120,),
    "fc2.weight": (84, 120),
    "fc2.bias": (84,),
    "fc3.weight": (10, 84),
    "fc3.bias": (10,),
}
LR = 0.01


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


def init_weights(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    weights = {}
    for name, shape in SHAPES.items():
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else SHAPES[name[:-4] + "weight"][1]
        bound = 1.0 / np.sqrt(fan_in)
        weights[name] = rng.uniform(-bound, bound, size=shape).astype(np.float32)
    return weights


def lenet(p: dict, x, fn) -> object:
    """The LeNet-5 forward pass, written once for both libraries (fn is their functional)."""
    y = fn.max_pool2d(fn.relu(fn.conv2d(x, p["conv1.weight"], p["conv1.bias"], padding=2)), 2)
    y = fn.max_pool2d(fn.relu(fn.conv2d(y, p["conv2.weight"], p["conv2.bias"])), 2)
    y = y.flatten(1)
    y = fn.relu(fn.linear(y, p["fc1.weight"], p["fc1.bias"]))
    y = fn.relu(fn.linear(y, p["fc2.weight"], p["fc2.bias"]))
    return fn.linear(y, p["fc3.weight"], p["fc3.bias"])


def minigrad_step(params: dict, x, labels) -> float:
    loss = F.cross_entropy(lenet(params, x, F), labels)
    loss.backward()
    with mg.no_grad():
        for p in params.values():
            p.data -= LR * p.grad.data
            p.grad = None
    return loss.item()


def torch_step(torch, params: dict, x, labels) -> float:
    tf = torch.nn.functional
    loss = tf.cross_entropy(lenet(params, x, tf), labels)
    loss.backward()
    with torch.no_grad():
        for p in params.values():
            p -= LR * p.grad
            p.grad = None
    return loss.item()


CLOCK = {"clock": time.perf_counter}


def timed(step) -> float:
    """Seconds one call of `step` takes on the chosen clock (wall, or this process's CPU)."""
    clock = CLOCK["clock"]
    start = clock()
    step()
    return clock() - start


def bench(batch: int, repeat: int, torch, profile: bool) -> None:
    rng = np.random.default_rng(1)
    images = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, size=batch)
    weights = init_weights()
    mg_params = {k: mg.tensor(v, requires_grad=True) for k, v in weights.items()}
    mg_x, mg_labels = mg.tensor(images), mg.tensor(labels)
    steps = {"minigrad": lambda: minigrad_step(mg_params, mg_x, mg_labels)}
    first = {"minigrad": steps["minigrad"]()}
    if torch is not None:
        t_params = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}
        t_x, t_labels = torch.tensor(images), torch.tensor(labels)
        steps["torch"] = lambda: torch_step(torch, t_params, t_x, t_labels)
        first["torch"] = steps["torch"]()
        assert abs(first["minigrad"] - first["torch"]) < 1e-4, first  # the same computation
    run(f"LeNet-5 step, batch {batch:4d}:", steps, repeat, profile)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="cProfile the minigrad step")
    parser.add_argument(
        "--threads", type=int, default=None, help="threads for both (default: numpy's BLAS)"
    )
    parser.add_argument(
        "--tune-malloc", action="store_true", help="keep freed memory in the process (glibc)"
    )
    add_clock_argument(parser)
    args = parser.parse_args(argv)
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
        for batch in args.batch:
            bench(batch, args.repeat, torch, args.profile)
    return 0


def add_clock_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="cpu: this process's CPU time, steadier on a shared machine (needs --threads 1)",
    )


def set_clock(name: str, threads: int | None) -> None:
    if name == "cpu" and threads != 1:
        raise SystemExit("--clock cpu measures one thread's work: use it with --threads 1")
    CLOCK["clock"] = time.process_time if name == "cpu" else time.perf_counter


def limit_threads(threads: int | None):
    """A context in which numpy's BLAS uses `threads` threads (needs threadpoolctl)."""
    if threads is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(threads, user_api="blas")


if __name__ == "__main__":
    raise SystemExit(main())
