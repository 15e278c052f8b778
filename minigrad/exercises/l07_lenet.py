"""Lesson 7 exercises: LeNet-5 counted and shaped layer by layer, and a training loop bug."""

from __future__ import annotations

import numpy as np

from .core import Exercise, Mistake, Wrong
from .helpers import answer_dict, array, close, integer, need

_COUNTS = {"C1": 156, "C3": 2416, "C5": 48120, "F6": 10164, "output": 850}

lenet_counts = Exercise(
    id="lenet-counts",
    lesson=7,
    title="LeNet-5's parameters, layer by layer (61,706)",
    stub='''"""Exercise lenet-counts (lesson 7): count LeNet-5's parameters.

    input 1 x 32 x 32
    C1  6 filters 5x5            S2  2x2 pooling (no parameters here)
    C3 16 filters 5x5 (each sees all 6 maps of S2)
    S4  2x2 pooling              C5 120 filters 5x5
    F6  fully connected, 84      output  fully connected, 10

Every convolution and fully connected layer has biases. Fill in the numbers (or Python
expressions).
"""


def answers() -> dict:
    raise NotImplementedError("not implemented yet")
    return {"C1": ..., "C3": ..., "C5": ..., "F6": ..., "output": ..., "total": ...}
''',
    solution='''"""Exercise lenet-counts (lesson 7): a reference solution."""


def answers() -> dict:
    counts = {
        "C1": 6 * (1 * 5 * 5) + 6,  # 156
        "C3": 16 * (6 * 5 * 5) + 16,  # 2,416: every filter spans the 6 maps of S2
        "C5": 120 * (16 * 5 * 5) + 120,  # 48,120
        "F6": 84 * 120 + 84,  # 10,164
        "output": 10 * 84 + 10,  # 850
    }
    counts["total"] = sum(counts.values())  # 61,706
    return counts
''',
    hints=(
        "A convolution from c_in to c_out channels with k x k kernels: c_out * (c_in*k*k) "
        "weights + c_out biases. A fully connected layer n_in -> n_out: n_in*n_out + n_out.",
        "C3 sees S2's 6 maps, C5 sees S4's 16 maps; F6 sees C5's 120 outputs.",
        "Pooling here has no parameters (the 1998 paper's subsampling had a coefficient and a "
        "bias per map; minigrad's LeNet5, like most modern versions, does not).",
    ),
    mistakes=(
        Mistake('"C3": 16 * (6 * 5 * 5) + 16', '"C3": 1516', "sparse connection table"),
        Mistake('"F6": 84 * 120 + 84', '"F6": 84 * 120', "bias"),
    ),
)


_LAYER_SHAPES = {"C1": (1, 6, 25), "C3": (6, 16, 25), "C5": (16, 120, 25), "F6": (120, 84, 1),
                 "output": (84, 10, 1)}  # fmt: skip


@lenet_counts.check("C1, C3, C5, F6 and output")
def _lenet_layers(m) -> None:
    got = answer_dict(m, all_filled=True)
    for name, want in _COUNTS.items():
        if name not in got:
            raise Wrong(f"answers() has no {name!r}")
        n = integer(got[name], name)
        if n == want:
            continue
        c_in, c_out, area = _LAYER_SHAPES[name]
        if n == want - c_out:
            raise Wrong(f"{name}: {n} counts the weights only; add the {c_out} biases")
        if name == "C3" and n == 1516:
            raise Wrong(
                "C3: 1,516 is the 1998 paper's sparse connection table; here every C3 filter "
                "sees all 6 maps of S2: 16 * (6*5*5) + 16"
            )
        if name == "output" and n == 840:
            raise Wrong("output: 840 are the paper's RBF units; a Linear layer adds 10 biases")
        if n == c_out * area + c_out:
            raise Wrong(f"{name}: each filter spans all {c_in} input maps: {c_in}*{area} weights")
        raise Wrong(f"{name} is {n}, expected {want}")


@lenet_counts.check("the total is 61,706 and agrees with mg.models.LeNet5")
def _lenet_total(m) -> None:
    got = answer_dict(m, all_filled=True)
    if "total" not in got:
        raise Wrong("answers() has no 'total'")
    total = integer(got["total"], "total")
    try:
        from ..models import LeNet5

        model_total = sum(p.numel() for p in LeNet5().parameters())
    except ImportError:  # the models are optional for this exercise
        model_total = 61706
    if total != model_total:
        parts = sum(integer(got.get(k, 0), k) for k in _COUNTS)
        extra = "" if parts == total else " (and it is not the sum of your five layers)"
        raise Wrong(f"total is {total}, but mg.models.LeNet5 has {model_total}{extra}")


# --------------------------------------------------------------------------------------------

_SHAPES = {
    "C1": (6, 28, 28),
    "S2": (6, 14, 14),
    "C3": (16, 10, 10),
    "S4": (16, 5, 5),
    "C5": (120, 1, 1),
    "F6": (84,),
    "output": (10,),
}

lenet_shapes = Exercise(
    id="lenet-shapes",
    lesson=7,
    title="LeNet-5's output shape after every layer",
    stub='''"""Exercise lenet-shapes (lesson 7): follow one 1 x 32 x 32 image through LeNet-5.

C1 (6 filters 5x5, no padding), S2 (2x2 pooling, stride 2), C3 (16 filters 5x5),
S4 (2x2 pooling, stride 2), C5 (120 filters 5x5), F6 (84 units), output (10 units).
Give each layer's output shape for ONE image: (channels, height, width) after the
convolutions and poolings, (units,) after F6 and output.
"""


def answers() -> dict:
    raise NotImplementedError("not implemented yet")
    return {"C1": ..., "S2": ..., "C3": ..., "S4": ..., "C5": ..., "F6": ..., "output": ...}
''',
    solution='''"""Exercise lenet-shapes (lesson 7): a reference solution."""


def conv(size, k):
    return size - k + 1  # no padding, stride 1


def answers() -> dict:
    c1 = conv(32, 5)  # 28
    s2 = c1 // 2  # 14
    c3 = conv(s2, 5)  # 10
    s4 = c3 // 2  # 5
    c5 = conv(s4, 5)  # 1: the 5x5 kernel covers the whole map
    return {
        "C1": (6, c1, c1),
        "S2": (6, s2, s2),
        "C3": (16, c3, c3),
        "S4": (16, s4, s4),
        "C5": (120, c5, c5),
        "F6": (84,),
        "output": (10,),
    }
''',
    hints=(
        "A 5x5 convolution without padding, stride 1, turns W into W - 5 + 1.",
        "2x2 pooling with stride 2 halves the size; it does not change the channel count.",
        "C5's 5x5 kernels on S4's 5x5 maps leave 1x1: C5 is a fully connected layer in disguise.",
    ),
    mistakes=(
        Mistake("return size - k + 1", "return size - k", "+ 1"),
        Mistake('"S2": (6, s2, s2)', '"S2": (6, c1, c1)', "halves"),
    ),
)


@lenet_shapes.check("each layer's output shape")
def _lenet_shapes(m) -> None:
    got = answer_dict(m, all_filled=True)
    for name, want in _SHAPES.items():
        if name not in got:
            raise Wrong(f"answers() has no {name!r}")
        value = got[name]
        if not isinstance(value, (tuple, list)):
            raise Wrong(f"{name} should be a tuple such as {tuple(1 for _ in want)}")
        shape = tuple(integer(v, name) for v in value)
        if shape == want:
            continue
        if len(shape) == 3 and len(want) == 3 and shape[0] != want[0]:
            raise Wrong(f"{name} has {want[0]} channels (one per filter), not {shape[0]}")
        if name in ("C1", "C3", "C5") and len(shape) == 3 and shape[1] == want[1] - 1:
            raise Wrong(f"{name}: off by one: a 5x5 kernel fits W - 5 + 1 times into W pixels")
        if name in ("S2", "S4") and len(shape) == 3 and shape[1] == 2 * want[1]:
            raise Wrong(f"{name}: 2x2 pooling with stride 2 halves the height and width")
        if name == "C1" and shape == (6, 32, 32):
            raise Wrong("C1: there is no padding here, so the size shrinks: 32 - 5 + 1 = 28")
        raise Wrong(f"{name} is {shape}, expected {want}")


# --------------------------------------------------------------------------------------------

zero_grad = Exercise(
    id="bug-zero-grad",
    lesson=7,
    title="Find the bug: a CNN training loop whose loss misbehaves",
    requires=("minigrad.nn", "minigrad.optim", "minigrad.functional"),
    stub='''"""Exercise bug-zero-grad (lesson 7): find the bug in this training loop.

The loss of this small CNN falls at first, then jumps around and climbs, however small
the learning rate. Find the bug, fix it, and delete the `raise NotImplementedError`
line. train returns the list of losses, one per step.
"""

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim


def train(model, x, y, steps=20, lr=0.05):
    raise NotImplementedError("not implemented yet: find and fix the bug, then delete this line")
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
''',
    solution='''"""Exercise bug-zero-grad (lesson 7): a reference solution."""

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim


def train(model, x, y, steps=20, lr=0.05):
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for _ in range(steps):
        opt.zero_grad()  # backward ADDS into .grad: clear the previous step's gradients
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
''',
    hints=(
        "What does loss.backward() do to a parameter's .grad that already holds a value?",
        "Gradients accumulate (they are added), so that a parameter used twice gets both "
        "contributions. Between two steps, something must clear them.",
        "Call opt.zero_grad() at the start of every step (before backward, not between "
        "backward and step).",
    ),
    mistakes=(
        Mistake(
            "        opt.zero_grad()  # backward",
            "        pass  # backward",
            "zero_grad is missing",
        ),
        Mistake(
            "        opt.zero_grad()  # backward ADDS into .grad: clear the previous step's "
            "gradients\n        loss = F.cross_entropy(model(x), y)\n        loss.backward()\n",
            "        loss = F.cross_entropy(model(x), y)\n        loss.backward()\n"
            "        opt.zero_grad()\n",
            "between backward and step",
        ),
    ),
)


def _tiny_cnn():
    from .. import nn
    from ..factory import manual_seed

    manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 3)
    )


def _tiny_data():
    from ..factory import tensor

    rng = np.random.default_rng(8)
    y = np.repeat(np.arange(3), 8)
    x = rng.standard_normal((24, 1, 8, 8)) * 0.5
    for k in range(3):  # each class lights up its own band of rows
        x[y == k, 0, 2 * k : 2 * k + 3, :] += 1.5
    return tensor(x, dtype=np.float32), tensor(y)


def _reference_train(kind: str, steps=20, lr=0.05):
    from .. import functional as F
    from .. import optim

    model = _tiny_cnn()
    x, y = _tiny_data()
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for _ in range(steps):
        if kind == "right":
            opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        if kind == "late":
            opt.zero_grad()
        opt.step()
    return [p.numpy().copy() for p in model.parameters()]


@zero_grad.check("twenty steps give the same weights as a correct loop")
def _zg_weights(m) -> None:
    fn = need(m, "train")
    model = _tiny_cnn()
    x, y = _tiny_data()
    losses = fn(model, x, y, steps=20, lr=0.05)
    got = [p.numpy() for p in model.parameters()]

    def same(ref):
        return all(close(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(got, ref))

    if same(_reference_train("right")):
        if not isinstance(losses, list) or len(losses) != 20:
            raise Wrong("train should return the list of the 20 losses")
        return
    if same(_reference_train("none")):
        raise Wrong(
            "gradients accumulate across steps: zero_grad is missing, so every step adds the "
            "new gradient to all the old ones. Call opt.zero_grad() before loss.backward()"
        )
    initial = [p.numpy() for p in _tiny_cnn().parameters()]
    if same(_reference_train("late")) or same(initial):
        raise Wrong(
            "the weights never change: zero_grad sits between backward and step, so it wipes "
            "the gradients before the update. Call it before backward"
        )
    raise Wrong("after 20 steps the weights differ from those of a correct training loop")


@zero_grad.check("the loss goes down")
def _zg_losses(m) -> None:
    fn = need(m, "train")
    model = _tiny_cnn()
    x, y = _tiny_data()
    losses = array(fn(model, x, y, steps=20, lr=0.05), "the list of losses")
    if losses.shape != (20,):
        raise Wrong(f"train should return 20 losses, got shape {losses.shape}")
    if not losses[-1] < 0.5 * losses[0]:
        raise Wrong(
            f"the loss went from {losses[0]:.3f} to {losses[-1]:.3f}; a correct loop at least "
            "halves it in 20 steps on these data"
        )


EXERCISES = [lenet_counts, lenet_shapes, zero_grad]
