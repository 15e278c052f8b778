"""The tensor engine against PyTorch (CPU) in the same process: per-op overhead and an MLP step.

    python benchmarks/bench_engine.py [--repeat 21]

1. Per-op overhead: a chain of 10,000 small ops on a 1-element tensor (only mul; then
   mul, add, tanh in turn), forward and backward. The arithmetic is nothing, so this
   measures what each op costs the engine itself: building a node, and walking back
   through it.
2. One training step of a 784-256-10 ReLU MLP on a batch of 128 (float32): forward,
   softmax cross-entropy written with log_softmax and indexing, backward, SGD update.

The runs alternate between the two libraries (so drifts in machine load affect both), and
the medians are compared: a ratio minigrad/torch of 1.0 means as fast as PyTorch, 2.0 twice
as slow. PyTorch uses as many threads as numpy's BLAS (threadpoolctl tells), so neither
gets more cores. Without torch only minigrad's times are printed.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time

import numpy as np
from common import blas_threads

import minigrad as mg

try:
    import torch
except ImportError:  # the comparison is optional
    torch = None

# Small-op chains: (ops per round, one round). The arithmetic is nothing; the engine is all.
CHAINS = {
    "mul": (1, lambda y: y * 1.0001),  # 1.0001 ** 10_000 = e: no underflow to slow denormals
    "mul, add, tanh": (3, lambda y: (y * 0.9 + 0.1).tanh()),
}


# --------------------------------------------------------------------------------------------
# 1. per-op overhead


def op_chain(lib, n_ops: int, ops_per_round: int, one_round) -> float:
    """Seconds for forward + backward through n_ops small ops on a 1-element tensor."""
    x = lib.tensor([0.5], requires_grad=True)
    start = time.perf_counter()
    y = x
    for _ in range(n_ops // ops_per_round):
        y = one_round(y)
    y.sum().backward()
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# 2. MLP training step


def mlp_arrays(seed: int = 0, batch: int = 128) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.random((batch, 784), dtype=np.float32),
        "y": rng.integers(0, 10, batch),
        "w1": (rng.standard_normal((784, 256)) * (2 / 784) ** 0.5).astype(np.float32),
        "b1": np.zeros(256, np.float32),
        "w2": (rng.standard_normal((256, 10)) * (2 / 256) ** 0.5).astype(np.float32),
        "b2": np.zeros(10, np.float32),
    }


def minigrad_step(arrays: dict, lr: float = 0.1):
    """The same step for minigrad: the update writes into the parameters' arrays."""
    params = [mg.tensor(arrays[k], requires_grad=True) for k in ("w1", "b1", "w2", "b2")]
    x, y = mg.tensor(arrays["x"]), arrays["y"]
    rows = np.arange(len(y))

    def step() -> float:
        w1, b1, w2, b2 = params
        hidden = (x @ w1 + b1).relu()
        logits = hidden @ w2 + b2
        loss = -logits.log_softmax(-1)[rows, y].mean()
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.numpy()[...] -= lr * p.grad.numpy()
        return loss.item()

    return step


def torch_step(arrays: dict, lr: float = 0.1):
    params = [torch.tensor(arrays[k], requires_grad=True) for k in ("w1", "b1", "w2", "b2")]
    x, y = torch.tensor(arrays["x"]), torch.tensor(arrays["y"])
    rows = torch.arange(len(y))

    def step() -> float:
        w1, b1, w2, b2 = params
        hidden = (x @ w1 + b1).relu()
        logits = hidden @ w2 + b2
        loss = -logits.log_softmax(-1)[rows, y].mean()
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return loss.item()

    return step


# --------------------------------------------------------------------------------------------


def alternate(runs: dict, repeat: int, warmup: int = 2) -> dict[str, float]:
    """Median seconds of each callable, the runs interleaved."""
    for fn in runs.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, fn in runs.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def report(title: str, medians: dict[str, float], unit: str, scale: float) -> float | None:
    print(title)
    for name, t in medians.items():
        print(f"  {name:9s} {t * scale:10.2f} {unit}")
    if "torch" in medians:
        ratio = medians["minigrad"] / medians["torch"]
        print(f"  ratio minigrad/torch: {ratio:.2f}")
        return ratio
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21, help="timed runs per library")
    parser.add_argument("--ops", type=int, default=10_000, help="ops in the overhead chain")
    parser.add_argument(
        "--threads", type=int, default=0, help="limit numpy's BLAS and torch to N threads"
    )
    args = parser.parse_args()

    if args.threads:  # both libraries limited to this many threads
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)
    threads = blas_threads()
    if torch is None:
        print("PyTorch is not installed: minigrad's times only (pip install -e .[bench])")
    elif threads:
        torch.set_num_threads(threads)
    torch_threads = torch.get_num_threads() if torch is not None else "-"
    print(f"numpy {np.__version__}, BLAS threads {threads}; torch threads {torch_threads}")

    for name, (per_round, one_round) in CHAINS.items():
        n_ops = args.ops // per_round * per_round
        runs = {"minigrad": functools.partial(op_chain, mg, n_ops, per_round, one_round)}
        if torch is not None:
            runs["torch"] = functools.partial(op_chain, torch, n_ops, per_round, one_round)
        per_op = {lib: t / n_ops for lib, t in alternate(runs, args.repeat).items()}
        title = f"per-op overhead: {n_ops:,} ops ({name}) on 1 element, forward + backward"
        report(title, per_op, "us/op", 1e6)

    arrays = mlp_arrays()
    steps = {"minigrad": minigrad_step(arrays)}
    if torch is not None:
        steps["torch"] = torch_step(arrays)
        ours, theirs = steps["minigrad"](), steps["torch"]()
        if not np.isclose(ours, theirs, rtol=1e-4):
            raise SystemExit(f"first-step losses differ: minigrad {ours}, torch {theirs}")
    report(
        "MLP 784-256-10 training step, batch 128, float32",
        alternate(steps, args.repeat),
        "ms/step",
        1e3,
    )


if __name__ == "__main__":
    main()
