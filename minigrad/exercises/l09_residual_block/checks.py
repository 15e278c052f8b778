"""Checks of residual-block: shapes, parameter counts, a clean shortcut, and the gradient
through six stacked blocks."""

import numpy as np

from ... import nn
from ...factory import manual_seed, tensor
from ..helpers import Wrong, check, need


def block(m, *args):
    manual_seed(0)
    return need(m, "BasicBlock")(*args)


def random_input(shape, seed=0):
    return tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def count(module) -> int:
    return sum(p.numel() for p in module.parameters())


@check("output shapes: identity block and projection block (stride 2)")
def shapes(m) -> None:
    for (cin, cout, s), want in (((8, 8, 1), (2, 8, 6, 6)), ((8, 16, 2), (2, 16, 3, 3))):
        try:
            out = block(m, cin, cout, s)(random_input((2, cin, 6, 6)))
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


@check("parameter counts: 1,184 (identity) and 3,680 (projection)")
def parameter_counts(m) -> None:
    ident, proj = count(block(m, 8, 8, 1)), count(block(m, 8, 16, 2))
    if ident == 1184 and proj == 3680:
        return
    for mod in block(m, 8, 16, 2).modules():
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


@check("with the branch switched off, the block is relu(x): a clean shortcut")
def clean_shortcut(m) -> None:
    b = block(m, 8, 8, 1)
    for mod in b.modules():
        if type(mod).__name__ == "BatchNorm2d":
            mod.weight.numpy()[...] = 0.0
            mod.bias.numpy()[...] = 0.0
    x = random_input((2, 8, 5, 5), 3)
    out = b(x).numpy()
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


@check("through 6 stacked blocks the gradient reaches the first layer")
def deep_gradient(m) -> None:
    x = random_input((2, 8, 5, 5), 4).requires_grad_()
    stack = nn.Sequential(*[block(m, 8, 8, 1) for _ in range(6)])
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
