"""The tensor engine against PyTorch (CPU): per-op overhead and an MLP step, each library
in its own process.

    python benchmarks/bench_engine.py [--rounds 5] [--threads 1]

1. Per-op overhead: a chain of 10,000 small ops on a 1-element tensor (only mul; then
   mul, add, tanh in turn), forward and backward, timed per op. The arithmetic is nothing,
   so this measures what each op costs the engine itself: lifting a Python number,
   `Function.apply`, recording the node, and in the walk calling its backward. minigrad's
   backward is written with engine ops (that is what makes double backward work), so
   tanh's backward, grad * (1 - z * z), is three more engine ops where PyTorch runs one
   fused kernel: the mixed chain is the harder test.
2. One training step of a 784-256-10 ReLU MLP on a batch of 128 (float32): forward,
   softmax cross-entropy written with log_softmax and indexing, backward, SGD update. Here
   the work is in BLAS and numpy; the first losses must agree.
"""

from __future__ import annotations

import numpy as np
from common import Case, main

N_OPS = 10_000
CHAINS = {  # ops per round, one round
    "mul": (1, lambda y: y * 1.0001),  # 1.0001 ** 10_000 = e: no underflow to slow denormals
    "mul, add, tanh": (3, lambda y: (y * 0.9 + 0.1).tanh()),
}


def lib_module(lib: str):
    if lib == "minigrad":
        import minigrad

        return minigrad
    import torch

    return torch


def chain_case(lib: str, name: str):
    per_round, one_round = CHAINS[name]
    mod = lib_module(lib)
    x = mod.tensor([0.5], requires_grad=True)

    def step() -> float:
        y = x
        for _ in range(N_OPS // per_round):
            y = one_round(y)
        y.sum().backward()
        g = x.grad
        x.grad = None
        return g

    return step, float(step().sum().item())


def mlp_case(lib: str, batch: int = 128, lr: float = 0.1):
    rng = np.random.default_rng(0)
    arrays = {
        "w1": (rng.standard_normal((784, 256)) * (2 / 784) ** 0.5).astype(np.float32),
        "b1": np.zeros(256, np.float32),
        "w2": (rng.standard_normal((256, 10)) * (2 / 256) ** 0.5).astype(np.float32),
        "b2": np.zeros(10, np.float32),
    }
    images = rng.random((batch, 784), dtype=np.float32)
    labels = rng.integers(0, 10, batch)
    mod = lib_module(lib)
    params = [mod.tensor(arrays[k], requires_grad=True) for k in ("w1", "b1", "w2", "b2")]
    x, y, rows = mod.tensor(images), mod.tensor(labels), mod.tensor(np.arange(batch))

    def step() -> float:
        w1, b1, w2, b2 = params
        hidden = (x @ w1 + b1).relu()
        logits = hidden @ w2 + b2
        loss = -logits.log_softmax(-1)[rows, y].mean()
        for p in params:
            p.grad = None
        loss.backward()
        with mod.no_grad():
            for p in params:
                p -= lr * p.grad
        return loss.item()

    return step, step()


CASES = {
    f"per-op overhead, {N_OPS:,} ops ({name}), fwd+bwd": Case(
        lambda lib, name=name: chain_case(lib, name), unit="us", per=N_OPS // CHAINS[name][0]
        * CHAINS[name][0], rtol=1e-3,
    )
    for name in CHAINS
}  # fmt: skip
CASES["MLP 784-256-10 train step, batch 128"] = Case(mlp_case)

if __name__ == "__main__":
    raise SystemExit(main(CASES, __doc__))
