"""The scalar engine against micrograd: one training step of micrograd's demo MLP.

    python benchmarks/bench_scalar.py [--rounds 5] [--steps 5]

The step is the one from micrograd's demo notebook: a 2-16-16-1 ReLU MLP scores 100 points
of the two-moons data set, the loss is the max-margin (hinge) loss plus L2 regularisation
(about 66,000 graph nodes), then backward and an SGD update. Both engines start from the
same weights and see the same points, so their first losses must agree. Each engine runs
in its own processes, alternating (common.py). Before each timed step the garbage collector
runs (untimed) and after it once more (timed): each engine pays for the garbage it made.
micrograd's graph is full of reference cycles (its backward closures point back at their
output), so most of its time goes to Python's cyclic garbage collector; minigrad's graph
has no cycles and is freed by reference counting. micrograd (0.1.0, on PyPI) is optional:
without it only minigrad's time is printed.
"""

from __future__ import annotations

import random

import numpy as np
from common import Case, main


def moons(n: int = 100, seed: int = 1) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles with labels -1 and +1 (like sklearn's make_moons)."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t_out = np.linspace(0, np.pi, n - half)
    t_in = np.linspace(0, np.pi, half)
    x = np.concatenate([np.cos(t_out), 1 - np.cos(t_in)])
    y = np.concatenate([np.sin(t_out), 0.5 - np.sin(t_in)])
    points = np.stack([x, y], axis=1) + rng.normal(scale=0.1, size=(n, 2))
    labels = np.concatenate([-np.ones(n - half), np.ones(half)])
    return points.tolist(), labels.tolist()


def init_weights(sizes: list[int], seed: int = 1337) -> list[tuple[list[list[float]], list[float]]]:
    """Per layer: one weight list and one bias per neuron (uniform in [-1, 1], bias 0)."""
    rnd = random.Random(seed)
    layers = []
    for nin, nout in zip(sizes[:-1], sizes[1:]):
        w = [[rnd.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)]
        layers.append((w, [0.0] * nout))
    return layers


class MLP:
    """micrograd's MLP, written for any Value class (the same operations in the same order)."""

    def __init__(self, value_cls, weights) -> None:
        self.value = value_cls
        self.layers = [
            ([[value_cls(v) for v in row] for row in w], [value_cls(v) for v in b])
            for w, b in weights
        ]

    def parameters(self) -> list:
        return [p for w, b in self.layers for row, bias in zip(w, b) for p in row + [bias]]

    def __call__(self, x: list) -> object:
        for i, (w, b) in enumerate(self.layers):
            last = i == len(self.layers) - 1
            out = []
            for row, bias in zip(w, b):
                act = sum((wi * xi for wi, xi in zip(row, x)), bias)
                out.append(act if last else act.relu())
            x = out
        return x[0]


def loss(model: MLP, points, labels, alpha: float = 1e-4):
    """Max-margin (hinge) loss over the points plus L2 regularisation, as in micrograd's demo."""
    value = model.value
    inputs = [list(map(value, row)) for row in points]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def train_step(model: MLP, points, labels, lr: float = 0.1) -> float:
    """Forward, backward, SGD: one step of micrograd's demo."""
    total = loss(model, points, labels)
    params = model.parameters()
    for p in params:
        p.grad = 0.0
    total.backward()
    for p in params:
        p.data -= lr * p.grad
    return total.data


def count_nodes(root) -> int:
    """Nodes in a graph (to show the size of the work)."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            stack.extend(node._parents if hasattr(node, "_parents") else node._prev)
    return len(seen)


def make(lib: str):
    if lib == "minigrad":
        from minigrad import Value
    else:
        from micrograd.engine import Value
    points, labels = moons()
    model = MLP(Value, init_weights([2, 16, 16, 1]))
    first = train_step(model, points, labels)
    return (lambda: train_step(model, points, labels)), first


CASES = {
    "Value: one step of micrograd's demo MLP (2-16-16-1, 100 points)": Case(
        make, libs=("minigrad", "micrograd"), rtol=1e-9, steps=5, warmup=1, gc_each_step=True
    )
}

if __name__ == "__main__":
    raise SystemExit(main(CASES, __doc__))
