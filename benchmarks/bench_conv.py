"""Convolution layers and a ResNet basic block, forward + backward, minigrad against PyTorch.

    python benchmarks/bench_conv.py [--repeat 20] [--threads 1] [--profile]

Each case runs forward and backward (with a fixed output gradient) in both libraries from
the same weights and data, alternating, and prints the medians and the ratio
minigrad/torch. The ResNet basic block is 32 x 64 x 16 x 16:
conv3x3 - BN (training) - ReLU - conv3x3 - BN + identity - ReLU.
"""

from __future__ import annotations

import argparse

import numpy as np
from common import add_common_arguments, run, session

import minigrad as mg
import minigrad.functional as F

# name, input shape, weight shape, conv2d keyword arguments, input needs a gradient
CONV_CASES = [
    ("LeNet conv1 (no input grad)", (256, 1, 28, 28), (6, 1, 5, 5), dict(padding=2), False),
    ("LeNet conv2", (256, 6, 14, 14), (16, 6, 5, 5), {}, True),
    ("3x3 64->64 on 32x16x16", (32, 64, 16, 16), (64, 64, 3, 3), dict(padding=1), True),
    ("3x3 stride 2 64->128", (32, 64, 16, 16), (128, 64, 3, 3), dict(padding=1, stride=2), True),
    ("depthwise 3x3, 64 ch", (32, 64, 16, 16), (64, 1, 3, 3), dict(padding=1, groups=64), True),
]


def conv_case(lib, fn, arrays, kwargs, input_grad):
    x, w, b, g = arrays
    x = lib(x, requires_grad=input_grad)
    w, b = lib(w, requires_grad=True), lib(b, requires_grad=True)
    grad = lib(g)

    def step():
        fn.conv2d(x, w, b, **kwargs).backward(grad)
        w.grad = b.grad = x.grad = None

    return step


def resnet_block(fn, x, p, training=True):
    """conv3x3 - BN - ReLU - conv3x3 - BN, plus the input, then ReLU (He et al., 2016)."""
    y = fn.conv2d(x, p["conv1"], padding=1)
    y = fn.batch_norm(y, p["rm1"], p["rv1"], p["bn1.w"], p["bn1.b"], training=training)
    y = fn.relu(y)
    y = fn.conv2d(y, p["conv2"], padding=1)
    y = fn.batch_norm(y, p["rm2"], p["rv2"], p["bn2.w"], p["bn2.b"], training=training)
    return fn.relu(y + x)


def resnet_arrays(rng, n=32, c=64, hw=16) -> dict[str, np.ndarray]:
    f32 = np.float32
    arrays = {
        "x": rng.standard_normal((n, c, hw, hw)).astype(f32),
        "grad": rng.standard_normal((n, c, hw, hw)).astype(f32),
        "conv1": (rng.standard_normal((c, c, 3, 3)) * np.sqrt(2 / (9 * c))).astype(f32),
        "conv2": (rng.standard_normal((c, c, 3, 3)) * np.sqrt(2 / (9 * c))).astype(f32),
    }
    for i in (1, 2):
        arrays[f"bn{i}.w"] = (1 + 0.1 * rng.standard_normal(c)).astype(f32)
        arrays[f"bn{i}.b"] = (0.1 * rng.standard_normal(c)).astype(f32)
        arrays[f"rm{i}"] = np.zeros(c, f32)
        arrays[f"rv{i}"] = np.ones(c, f32)
    return arrays


def resnet_case(lib, fn, arrays):
    p = {k: lib(v, requires_grad=not k.startswith("r")) for k, v in arrays.items()}
    x = lib(arrays["x"], requires_grad=True)
    grad = lib(arrays["grad"])

    def step():
        resnet_block(fn, x, p).backward(grad)
        for t in list(p.values()) + [x]:
            t.grad = None

    return step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None, help="run only cases whose name contains this")
    add_common_arguments(parser, repeat=20)
    args = parser.parse_args(argv)
    with session(args) as torch:
        if torch is not None:
            torch_lib = lambda a, requires_grad=False: torch.tensor(a, requires_grad=requires_grad)
        rng = np.random.default_rng(0)
        for name, x_shape, w_shape, kwargs, input_grad in CONV_CASES:
            if args.only and args.only not in name:
                continue
            x = rng.standard_normal(x_shape).astype(np.float32)
            w = rng.standard_normal(w_shape).astype(np.float32) * 0.1
            b = rng.standard_normal(w_shape[0]).astype(np.float32)
            with mg.no_grad():
                out_shape = F.conv2d(mg.tensor(x), mg.tensor(w), **kwargs).shape
            g = rng.standard_normal(out_shape).astype(np.float32)
            arrays = (x, w, b, g)
            steps = {"minigrad": conv_case(mg.tensor, F, arrays, kwargs, input_grad)}
            if torch is not None:
                steps["torch"] = conv_case(
                    torch_lib, torch.nn.functional, arrays, kwargs, input_grad
                )
            run(name, steps, args.repeat, args.profile)
        if not args.only or args.only in "ResNet basic block":
            arrays = resnet_arrays(rng)
            if torch is not None:  # the same block computes the same values in both
                mp = {k: mg.tensor(v) for k, v in arrays.items()}
                tp = {k: torch.tensor(v) for k, v in arrays.items()}
                ours = resnet_block(F, mg.tensor(arrays["x"]), mp).numpy()
                theirs = resnet_block(torch.nn.functional, torch.tensor(arrays["x"]), tp).numpy()
                assert np.allclose(ours, theirs, atol=1e-4), np.abs(ours - theirs).max()
            steps = {"minigrad": resnet_case(mg.tensor, F, arrays)}
            if torch is not None:
                steps["torch"] = resnet_case(torch_lib, torch.nn.functional, arrays)
            run("ResNet basic block 32x64x16x16", steps, args.repeat, args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
