"""Checks of residual-block: shapes, the output against the block's formula computed with
the block's own layers (naming a missing shortcut, the stride on the wrong conv, the ReLU
in the wrong place), parameter counts, a clean shortcut, and the gradient through six
stacked blocks."""

import numpy as np

from ... import functional as F
from ... import nn
from ...factory import manual_seed, tensor
from ...recording import no_grad
from ..helpers import Wrong, array, check, diagnose, need


def block(m, *args):
    manual_seed(0)
    return need(m, "BasicBlock")(*args)


def random_input(shape, seed=0):
    return tensor(np.random.default_rng(seed).standard_normal(shape), dtype=np.float32)


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


NO_SHORTCUT = (
    "there is no shortcut: your block returns relu(branch(x)), a plain two-layer block. A "
    "residual block adds its input back: relu(branch(x) + shortcut(x)), the shortcut being "
    "x itself or, when the shape changes, a 1x1 projection"
)
NEGATIVE = (
    "negative outputs: apply the final ReLU after the addition, relu(branch + shortcut(x)), "
    "not to the branch alone"
)


def layer(b, name: str):
    if not hasattr(b, name):
        if name == "shortcut":
            raise Wrong(f"your block has no `self.shortcut`: {NO_SHORTCUT}")
        raise Wrong(
            f"your block has no `self.{name}`: the task names the layers conv1, bn1, conv2, "
            "bn2 and shortcut (the checks use them to compute the formula)"
        )
    return getattr(b, name)


def formula(b, x, stride, strides=None):
    """relu(branch + shortcut) computed from the block's own layers, with the strides
    `strides` (conv1's, conv2's; the task's are (stride, 1)), and its usual variants."""
    s1, s2 = strides or (stride, 1)

    def bn(mod, t):
        return F.batch_norm(t, None, None, mod.weight, mod.bias, training=True, eps=mod.eps)

    def conv(mod, t, s, p):
        return F.conv2d(t, mod.weight, mod.bias, stride=s, padding=p)

    h = F.relu(bn(layer(b, "bn1"), conv(layer(b, "conv1"), x, s1, 1)))
    branch = bn(layer(b, "bn2"), conv(layer(b, "conv2"), h, s2, 1))
    parts = list(layer(b, "shortcut").modules()) if layer(b, "shortcut") is not None else []
    convs = [mod for mod in parts if type(mod).__name__ == "Conv2d"]
    norms = [mod for mod in parts if type(mod).__name__ == "BatchNorm2d"]
    shortcut = x
    if convs:  # a projection: computed with the task's stride
        shortcut = conv(convs[0], x, stride, 0)
        if norms:
            shortcut = bn(norms[0], shortcut)
    return {
        "right": F.relu(branch + shortcut),
        "no shortcut": F.relu(branch),
        "relu before": F.relu(branch) + shortcut,
        "no relu": branch + shortcut,
    }


@check("the output equals relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)) with your layers")
def output_formula(m) -> None:
    for cin, cout, s in ((8, 8, 1), (8, 16, 2)):
        b = block(m, cin, cout, s)
        x = random_input((2, cin, 6, 6), 5)
        try:
            out = b(x)
        except ValueError as e:
            raise Wrong(
                f"BasicBlock({cin}, {cout}, stride={s}) fails ({e}): get the shapes right "
                "first (see the first check)"
            ) from None
        got = array(out, f"BasicBlock({cin}, {cout}, stride={s})(x)")
        ways = {k: v.numpy() for k, v in formula(b, x, s).items()}
        mistakes = [
            (ways["no shortcut"], NO_SHORTCUT),
            (
                ways["relu before"],
                "the final ReLU comes after the addition: relu(branch + shortcut(x)), not "
                "relu(branch) + shortcut(x)",
            ),
            (
                ways["no relu"],
                "the final ReLU is missing: the block returns relu(branch + shortcut(x))",
            ),
        ]
        if s > 1:
            swapped = formula(b, x, s, strides=(1, s))["right"].numpy()
            mistakes.append(
                (
                    swapped,
                    "the stride is on the wrong conv: it belongs to conv1 (the first 3x3, and "
                    "the projection), conv2 keeps stride 1. The shapes agree either way, but "
                    "with the stride on conv2, conv1 computes every position only to have "
                    "conv2 skip three in four of them",
                )
            )
        diagnose(
            got,
            ways["right"],
            f"BasicBlock({cin}, {cout}, stride={s})'s output",
            mistakes,
            rtol=1e-4,
            atol=1e-5,
        )


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
    if proj == 3680 - 128 - 32:
        raise Wrong(
            "BasicBlock(8, 16, 2) has no projection shortcut: with stride 2 and a new channel "
            "count, x cannot be added as it is; project it with a 1x1 conv (stride 2) and a "
            "BatchNorm2d"
        )
    diagnose([ident, proj], [1184, 3680], "the parameter counts (identity block, projection block)")


@check("with the branch switched off, the block is relu(x): a clean shortcut")
def clean_shortcut(m) -> None:
    b = block(m, 8, 8, 1)
    shortcut = getattr(b, "shortcut", None)
    in_shortcut = {id(mod) for mod in shortcut.modules()} if shortcut is not None else set()
    with no_grad():  # the branch's batch norms output 0: only the shortcut is left
        for mod in b.modules():
            if type(mod).__name__ == "BatchNorm2d" and id(mod) not in in_shortcut:
                mod.weight.mul_(0.0)
                mod.bias.mul_(0.0)
    x = random_input((2, 8, 5, 5), 3)
    out = b(x).numpy()
    want = np.maximum(x.numpy(), 0)
    if not np.abs(out).max() > 0:
        raise Wrong(f"with the branch switched off the block returns 0: {NO_SHORTCUT}")
    if np.allclose(out, x.numpy(), atol=1e-6):
        raise Wrong(
            "with the branch zeroed the block returns x itself: the final ReLU is missing, or "
            "applied before the addition; it comes after the addition: relu(branch + shortcut(x))"
        )
    if not np.allclose(out, want, atol=1e-6):
        if (out < 0).any():
            raise Wrong(NEGATIVE)
        raise Wrong("with the residual branch zeroed the block should return relu(x)")


@check("through 6 stacked blocks the gradient reaches the first layer")
def deep_gradient(m) -> None:
    x = random_input((2, 8, 5, 5), 4).requires_grad_()
    stack = nn.Sequential(*[block(m, 8, 8, 1) for _ in range(6)])
    out = stack(x)
    if (out.numpy() < 0).any():
        raise Wrong(NEGATIVE)
    out.sum().backward()
    first = next(iter(stack[0].parameters()))  # the first block's conv1 weight
    if x.grad is None or first.grad is None or not np.abs(first.grad.numpy()).sum() > 0:
        raise Wrong("no gradient reaches the first block's first layer")
    if not (np.isfinite(x.grad.numpy()).all() and np.isfinite(first.grad.numpy()).all()):
        raise Wrong("the gradient reaching the first layer is not finite (inf or nan)")
