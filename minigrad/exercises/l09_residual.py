"""Lesson 9 exercises: a residual block with a projection shortcut, counted and built."""

from __future__ import annotations

import numpy as np

from .core import Exercise, Mistake, Wrong
from .helpers import answer_dict, integer, need

_RB = {"conv1": 73728, "bn1": 256, "conv2": 147456, "bn2": 256, "shortcut": 8448}

resblock_params = Exercise(
    id="resblock-params",
    lesson=9,
    title="Count a ResNet basic block with a projection shortcut",
    stub='''"""Exercise resblock-params (lesson 9): a ResNet basic block, counted by hand.

The block takes 64 x 56 x 56 to 128 x 28 x 28 (ResNet-18's first block of stage 2):
    conv1: 3x3, 64 -> 128, stride 2, padding 1, no bias     bn1: BatchNorm2d(128)
    conv2: 3x3, 128 -> 128, stride 1, padding 1, no bias    bn2: BatchNorm2d(128)
    shortcut: the shapes change, so it is a projection: 1x1 conv 64 -> 128, stride 2,
              no bias, then BatchNorm2d(128)
    out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))
Give the trainable parameters of each part (a BatchNorm2d's running statistics are
buffers, not parameters), the total, and the output shape (C, H, W).
"""


def answers() -> dict:
    raise NotImplementedError("not implemented yet")
    return {
        "conv1": ..., "bn1": ..., "conv2": ..., "bn2": ..., "shortcut": ...,
        "total": ..., "output_shape": (..., ..., ...),
    }
''',
    solution='''"""Exercise resblock-params (lesson 9): a reference solution."""


def answers() -> dict:
    counts = {
        "conv1": 3 * 3 * 64 * 128,  # 73,728 (no bias: the BatchNorm after it shifts anyway)
        "bn1": 2 * 128,  # a scale and a shift per channel
        "conv2": 3 * 3 * 128 * 128,  # 147,456
        "bn2": 2 * 128,
        "shortcut": 1 * 1 * 64 * 128 + 2 * 128,  # 1x1 projection and its BatchNorm: 8,448
    }
    counts["total"] = sum(counts.values())  # 230,144
    counts["output_shape"] = (128, (56 + 2 - 3) // 2 + 1, (56 + 2 - 3) // 2 + 1)  # 28 x 28
    return counts
''',
    hints=(
        "A k x k convolution without bias has k*k*c_in*c_out parameters.",
        "BatchNorm2d(C) learns 2*C numbers (weight and bias); running_mean and running_var "
        "are statistics (buffers), not trained.",
        "The projection shortcut is a 1x1 convolution with stride 2 plus its own BatchNorm.",
    ),
    mistakes=(
        Mistake('"bn1": 2 * 128', '"bn1": 4 * 128', "buffers"),
        Mistake(
            '"shortcut": 1 * 1 * 64 * 128 + 2 * 128',
            '"shortcut": 1 * 1 * 64 * 128',
            "its own BatchNorm",
        ),
        Mistake('"conv1": 3 * 3 * 64 * 128,', '"conv1": 3 * 3 * 64 * 128 + 128,', "no bias"),
    ),
)


@resblock_params.check("each part: conv1, bn1, conv2, bn2 and the projection shortcut")
def _rb_parts(m) -> None:
    got = answer_dict(m, all_filled=True)
    for name, want in _RB.items():
        if name not in got:
            raise Wrong(f"answers() has no {name!r}")
        n = integer(got[name], name)
        if n == want:
            continue
        if name.startswith("bn") and n == 2 * want:
            raise Wrong(
                f"{name}: running_mean and running_var are buffers (statistics), not trained "
                "parameters: BatchNorm2d learns 2 numbers per channel"
            )
        if name.startswith("conv") and n == want + 128:
            raise Wrong(
                f"{name}: ResNet's convolutions have no bias (bias=False): the BatchNorm right "
                "after them has its own shift, which makes a bias redundant"
            )
        if name == "shortcut":
            if n == 64 * 128:
                raise Wrong("shortcut: the 1x1 projection has its own BatchNorm (2 * 128 more)")
            if n == 0:
                raise Wrong(
                    "shortcut: the shapes change (64 -> 128 channels, stride 2), so the "
                    "identity cannot be added: the shortcut is a projection with parameters"
                )
            if n in (9 * 64 * 128 + 256, 9 * 64 * 128):
                raise Wrong("shortcut: the projection is a 1x1 convolution, not 3x3")
        raise Wrong(f"{name} is {n}, expected {want}")


@resblock_params.check("the total (230,144) and the output shape")
def _rb_total(m) -> None:
    got = answer_dict(m, all_filled=True)
    total = integer(got.get("total"), "total")
    if total != 230144:
        parts = sum(integer(got.get(k, 0), k) for k in _RB)
        extra = "" if parts == total else " (it is not the sum of your parts)"
        raise Wrong(f"total is {total}, expected 230,144{extra}")
    shape = got.get("output_shape")
    if not isinstance(shape, (tuple, list)) or len(shape) != 3:
        raise Wrong("output_shape should be (C, H, W)")
    shape = tuple(integer(s, "output_shape") for s in shape)
    if shape == (128, 56, 56):
        raise Wrong("output_shape: conv1 has stride 2, which halves 56 to 28")
    if shape != (128, 28, 28):
        raise Wrong(f"output_shape is {shape}, expected (128, 28, 28)")


# --------------------------------------------------------------------------------------------

residual_block = Exercise(
    id="residual-block",
    lesson=9,
    title="Build a residual block with a projection shortcut (nn.Module)",
    requires=("minigrad.nn", "minigrad.functional"),
    stub='''"""Exercise residual-block (lesson 9): write ResNet's basic block as an nn.Module.

    out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))

conv1: 3x3, in_channels -> out_channels, stride `stride`, padding 1, bias=False
conv2: 3x3, out_channels -> out_channels, stride 1, padding 1, bias=False
bn1, bn2: nn.BatchNorm2d(out_channels)
shortcut: the identity when the shape does not change (stride 1 and in == out
channels); otherwise a projection: nn.Conv2d(in, out, 1, stride=stride, bias=False)
followed by nn.BatchNorm2d(out).
"""

import minigrad as mg
import minigrad.functional as F
from minigrad import nn


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        raise NotImplementedError("not implemented yet: BasicBlock.__init__")

    def forward(self, x):
        raise NotImplementedError("not implemented yet: BasicBlock.forward")
''',
    solution='''"""Exercise residual-block (lesson 9): a reference solution."""

import minigrad as mg
import minigrad.functional as F
from minigrad import nn


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, stride=stride, padding=1, bias=False
        )
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:  # shapes change: project
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))  # add first, then the ReLU
''',
    hints=(
        "Create the layers in __init__ (assigning them to self registers their parameters); "
        "use them in forward.",
        "The shortcut must produce the residual branch's shape: with stride 2 or a new channel "
        "count, a 1x1 convolution with the same stride (and a BatchNorm) does that.",
        "The last ReLU comes after the addition: relu(branch + shortcut(x)).",
    ),
    mistakes=(
        Mistake(
            "nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)",
            "nn.Conv2d(in_channels, out_channels, 1, bias=False)",
            "same stride",
        ),
        Mistake(
            "        if stride != 1 or in_channels != out_channels:  # shapes change: project",
            "        if True:",
            "projection even though",
        ),
        Mistake(
            "        return F.relu(out + self.shortcut(x))",
            "        return F.relu(out) + self.shortcut(x)",
            "after the addition",
        ),
        Mistake(
            "stride=stride, padding=1, bias=False\n",
            "stride=stride, padding=1\n",
            "bias=False",
        ),
    ),
)


def _block(m, *args):
    from ..factory import manual_seed

    manual_seed(0)
    cls = need(m, "BasicBlock")
    return cls(*args)


def _x(shape, seed=0):
    from ..factory import tensor

    return tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def _count(block) -> int:
    return sum(p.numel() for p in block.parameters())


@residual_block.check("output shapes: identity block and projection block (stride 2)")
def _res_shapes(m) -> None:
    for (cin, cout, s), want in (((8, 8, 1), (2, 8, 6, 6)), ((8, 16, 2), (2, 16, 3, 3))):
        block = _block(m, cin, cout, s)
        try:
            out = block(_x((2, cin, 6, 6)))
        except ValueError as e:
            if s == 1:
                raise
            raise Wrong(
                f"BasicBlock({cin}, {cout}, stride={s}) fails ({e}): the residual branch and "
                "the shortcut have different shapes; the projection must use the same stride "
                "as conv1 (and map to out_channels)"
            ) from None
        if tuple(out.shape) != want:
            raise Wrong(f"BasicBlock({cin}, {cout}, stride={s}) gives {out.shape}, expected {want}")


@residual_block.check("parameter counts: 1,184 (identity) and 3,680 (projection)")
def _res_params(m) -> None:
    ident, proj = _count(_block(m, 8, 8, 1)), _count(_block(m, 8, 16, 2))
    if ident == 1184 and proj == 3680:
        return
    for mod in _block(m, 8, 16, 2).modules():
        if type(mod).__name__ == "Conv2d" and getattr(mod, "bias", None) is not None:
            raise Wrong(
                "your convolutions have biases: ResNet's use bias=False, since the BatchNorm "
                "right after each of them has its own shift"
            )
    if ident == 1184 + 64 + 16:
        raise Wrong(
            "BasicBlock(8, 8, 1) has a projection even though the shapes match: use the "
            "identity (nn.Identity(), no parameters) when stride is 1 and channels agree"
        )
    if proj == 3680 - 32:
        raise Wrong("the projection shortcut needs its own BatchNorm2d after the 1x1 conv")
    raise Wrong(f"parameter counts {ident} and {proj}, expected 1,184 and 3,680")


@residual_block.check("with the branch switched off, the block is relu(x): a clean shortcut")
def _res_identity(m) -> None:
    block = _block(m, 8, 8, 1)
    for mod in block.modules():
        if type(mod).__name__ == "BatchNorm2d":
            mod.weight.numpy()[...] = 0.0
            mod.bias.numpy()[...] = 0.0
    x = _x((2, 8, 5, 5), 3)
    out = block(x).numpy()
    want = np.maximum(x.numpy(), 0)
    if np.allclose(out, x.numpy(), atol=1e-6):
        raise Wrong(
            "with the branch zeroed the block returns x itself: the final ReLU is missing, or "
            "applied before the addition; it comes after the addition: relu(branch + shortcut(x))"
        )
    if not np.allclose(out, want, atol=1e-6):
        if (out < 0).any():
            raise Wrong(
                "negative outputs: apply the final ReLU after the addition, relu(branch + "
                "shortcut(x)), not to the branch alone"
            )
        raise Wrong("with the residual branch zeroed the block should return relu(x)")


@residual_block.check("through 6 stacked blocks the gradient reaches the first layer")
def _res_gradient(m) -> None:
    from .. import nn

    x = _x((2, 8, 5, 5), 4).requires_grad_()
    stack = nn.Sequential(*[_block(m, 8, 8, 1) for _ in range(6)])
    out = stack(x)
    if (out.numpy() < 0).any():
        raise Wrong(
            "negative outputs: apply the final ReLU after the addition, relu(branch + "
            "shortcut(x)), not to the branch alone"
        )
    out.sum().backward()
    first = next(iter(stack[0].parameters()))  # the first block's conv1 weight
    if x.grad is None or first.grad is None or not np.abs(first.grad.numpy()).sum() > 0:
        raise Wrong("no gradient reaches the first block's first layer")
    if not (np.isfinite(x.grad.numpy()).all() and np.isfinite(first.grad.numpy()).all()):
        raise Wrong("the gradient reaching the first layer is not finite (inf or nan)")


EXERCISES = [resblock_params, residual_block]
