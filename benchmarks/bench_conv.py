"""Convolutions, a ResNet basic block and a VGG-style 3x3 stack, forward + backward,
minigrad against PyTorch CPU, each library in its own process.

    python benchmarks/bench_conv.py [--only ResNet] [--rounds 5] [--threads 1]

Each case runs forward and backward (with a fixed output gradient) from the same weights
and data in both libraries; the sum of the first output must agree. The ResNet basic block
is 32 x 64 x 16 x 16 in training mode: conv3x3 - BN - ReLU - conv3x3 - BN, plus the input,
ReLU (He et al., 2016). The VGG-style stack is two 3x3 convolutions with ReLU, a 2x2 max
pool, two more and a pool, on 16 images of 3 x 32 x 32 (Simonyan & Zisserman, 2015).
"""

from __future__ import annotations

import numpy as np
from common import Case, main

# name: input shape, weight shape, conv2d keyword arguments, input needs a gradient
CONV_CASES = {
    "LeNet conv1 (no input grad), 256x1x28x28":
        ((256, 1, 28, 28), (6, 1, 5, 5), dict(padding=2), False),
    "LeNet conv2, 256x6x14x14": ((256, 6, 14, 14), (16, 6, 5, 5), {}, True),
    "3x3 conv 64->64, 32x64x16x16": ((32, 64, 16, 16), (64, 64, 3, 3), dict(padding=1), True),
    "depthwise 3x3 conv, 32x64x16x16":
        ((32, 64, 16, 16), (64, 1, 3, 3), dict(padding=1, groups=64), True),
}  # fmt: skip


def library(lib: str):
    """(tensor constructor, functional module) of one library."""
    if lib == "minigrad":
        import minigrad as mg
        import minigrad.functional as fn

        return mg.tensor, fn
    import torch
    import torch.nn.functional as fn

    return torch.tensor, fn


def conv_case(lib: str, name: str):
    x_shape, w_shape, kwargs, input_grad = CONV_CASES[name]
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = (rng.standard_normal(w_shape) * 0.1).astype(np.float32)
    b = rng.standard_normal(w_shape[0]).astype(np.float32)
    tensor, fn = library(lib)
    x, w, b = tensor(x, requires_grad=input_grad), tensor(w, requires_grad=True), tensor(b)
    b.requires_grad_()
    out_shape = fn.conv2d(x, w, b, **kwargs).shape
    grad = tensor(rng.standard_normal(tuple(out_shape)).astype(np.float32))

    def step() -> float:
        y = fn.conv2d(x, w, b, **kwargs)
        y.backward(grad)
        w.grad = b.grad = x.grad = None
        return y

    return step, float(step().sum().item())


def resnet_block(fn, x, p, training=True):
    """conv3x3 - BN - ReLU - conv3x3 - BN, plus the input, then ReLU."""
    y = fn.conv2d(x, p["conv1"], padding=1)
    y = fn.batch_norm(y, p["rm1"], p["rv1"], p["bn1.w"], p["bn1.b"], training=training)
    y = fn.relu(y)
    y = fn.conv2d(y, p["conv2"], padding=1)
    y = fn.batch_norm(y, p["rm2"], p["rv2"], p["bn2.w"], p["bn2.b"], training=training)
    return fn.relu(y + x)


def resnet_arrays(n=32, c=64, hw=16) -> dict[str, np.ndarray]:
    rng, f32 = np.random.default_rng(0), np.float32
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


def resnet_case(lib: str):
    arrays = resnet_arrays()
    tensor, fn = library(lib)
    p = {k: tensor(v, requires_grad=not k.startswith("r")) for k, v in arrays.items()}
    x, grad = p.pop("x"), tensor(arrays["grad"])
    p.pop("grad")

    def step() -> float:
        y = resnet_block(fn, x, p)
        y.backward(grad)
        for t in list(p.values()) + [x]:
            t.grad = None
        return y

    return step, float(step().sum().item())


VGG_CHANNELS = [(3, 32), (32, 32), "pool", (32, 64), (64, 64), "pool"]


def vgg_case(lib: str, n: int = 16):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 3, 32, 32)).astype(np.float32)
    tensor, fn = library(lib)
    layers = []
    for spec in VGG_CHANNELS:
        if spec == "pool":
            layers.append(None)
            continue
        c_in, c_out = spec
        w = rng.standard_normal((c_out, c_in, 3, 3)) * np.sqrt(2 / (9 * c_in))
        layers.append(
            (tensor(w.astype(np.float32), requires_grad=True), tensor(np.zeros(c_out, np.float32)))
        )
        layers[-1][1].requires_grad_()
    x = tensor(x)
    grad = tensor(rng.standard_normal((n, 64, 8, 8)).astype(np.float32))

    def step() -> float:
        y = x
        for layer in layers:
            y = fn.max_pool2d(y, 2) if layer is None else fn.relu(fn.conv2d(y, *layer, padding=1))
        y.backward(grad)
        for layer in layers:
            if layer is not None:
                layer[0].grad = layer[1].grad = None
        return y

    return step, float(step().sum().item())


CASES = {name: Case(lambda lib, name=name: conv_case(lib, name)) for name in CONV_CASES}
CASES["ResNet basic block, 32x64x16x16, train mode"] = Case(resnet_case, rtol=1e-3)
CASES["VGG-style 3x3 stack, 16x3x32x32"] = Case(vgg_case, rtol=1e-3)

if __name__ == "__main__":
    raise SystemExit(main(CASES, __doc__))
