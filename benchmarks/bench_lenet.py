"""One LeNet-5 training step, minigrad against PyTorch CPU, each in its own process.

    python benchmarks/bench_lenet.py [--rounds 5] [--steps 10] [--threads 2] [--only 256]

The step: input N x 1 x 28 x 28 float32; conv(1->6, 5x5, pad 2) ReLU maxpool 2;
conv(6->16, 5x5) ReLU maxpool 2; flatten; fc 400->120 ReLU; 120->84 ReLU; 84->10;
softmax cross-entropy; backward; SGD update. Both libraries start from the same weights
and see the same batch, so their first losses must agree. See common.py for how the
processes alternate and what is printed.
"""

from __future__ import annotations

import numpy as np
from common import Case, main

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


def make_step(lib: str, batch: int):
    rng = np.random.default_rng(1)
    images = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, size=batch)
    weights = init_weights()
    if lib == "minigrad":
        import minigrad as mg
        import minigrad.functional as fn

        no_grad, tensor = mg.no_grad, mg.tensor
    else:
        import torch
        import torch.nn.functional as fn

        no_grad, tensor = torch.no_grad, torch.tensor
    params = {k: tensor(v, requires_grad=True) for k, v in weights.items()}
    x, y = tensor(images), tensor(labels)

    def step() -> float:
        loss = fn.cross_entropy(lenet(params, x, fn), y)
        loss.backward()
        with no_grad():
            for p in params.values():
                p -= LR * p.grad
                p.grad = None
        return loss.item()

    first = step()
    return step, first


CASES = {
    f"LeNet-5 train step, batch {b}": Case(lambda lib, b=b: make_step(lib, b)) for b in (64, 256)
}

if __name__ == "__main__":
    raise SystemExit(main(CASES, __doc__))
