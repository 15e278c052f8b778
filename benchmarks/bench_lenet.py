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

import numpy as np
from common import add_common_arguments, run, session

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
            p.numpy()[...] -= LR * p.grad.numpy()
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, nargs="+", default=[64, 256])
    add_common_arguments(parser, repeat=30)
    args = parser.parse_args(argv)
    with session(args) as torch:
        for batch in args.batch:
            bench(batch, args.repeat, torch, args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
