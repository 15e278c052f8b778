"""Lesson 6 exercises: max-pooling's backward by hand, and global average pooling counted."""

from __future__ import annotations

import numpy as np

from ..factory import tensor
from ..tensor import float64
from .core import Exercise, Mistake, Wrong
from .helpers import array, cases_diagnose, close, need

maxpool_backward = Exercise(
    id="maxpool-backward",
    lesson=6,
    title="Max-pooling backward in numpy vs the engine",
    requires=("minigrad.functional",),
    stub='''"""Exercise maxpool-backward (lesson 6): where does max pooling send the gradient?

The forward is y = F.max_pool2d(x, kernel_size, stride) (no padding): each output is the
largest value of a kernel_size x kernel_size window, windows starting every `stride`
pixels. Given dout = dL/dy (N, C, OH, OW), return dx = dL/dx (shape of x) in numpy.
The checker compares with the gradient the engine derives (unfold, then a max).
The inputs have no ties.
"""

import numpy as np


def max_pool2d_backward(x, dout, kernel_size, stride):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise maxpool-backward (lesson 6): a reference solution."""

import numpy as np


def max_pool2d_backward(x, dout, kernel_size, stride):
    n, c = x.shape[:2]
    k, s = kernel_size, stride
    oh, ow = dout.shape[2:]
    dx = np.zeros_like(x)
    batch, channel = np.indices((n, c))  # pair every (n, c) with its own window's arg-max
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * s : i * s + k, j * s : j * s + k].reshape(n, c, k * k)
            u, v = np.unravel_index(window.argmax(axis=2), (k, k))
            # += : when windows overlap, one pixel can be the maximum of several of them
            dx[batch, channel, i * s + u, j * s + v] += dout[:, :, i, j]
    return dx
''',
    hints=(
        "Only the largest element of each window influenced the output, so only it gets a "
        "gradient (1 * dout); the others get 0.",
        "Loop over the output positions (i, j); find the arg-max of each window with "
        "window.reshape(n, c, k*k).argmax(axis=2) and np.unravel_index.",
        "When the stride is smaller than the kernel, windows overlap and one pixel can be the "
        "maximum of two windows: add (+=) the gradients, do not overwrite them.",
    ),
    mistakes=(
        Mistake(
            "dx[batch, channel, i * s + u, j * s + v] += dout[:, :, i, j]",
            "dx[batch, channel, i * s + u, j * s + v] = dout[:, :, i, j]",
            "overlap",
        ),
        Mistake(
            "            dx[batch, channel, i * s + u, j * s + v] += dout[:, :, i, j]",
            "            dx[:, :, i * s : i * s + k, j * s : j * s + k] += "
            "dout[:, :, i, j][:, :, None, None] / (k * k)",
            "average pooling",
        ),
    ),
)

_POOL_CONFIGS = {
    "kernel 2, stride 2 (no overlap)": (2, 2),
    "kernel 3, stride 2 (overlapping windows)": (3, 2),
    "kernel 2, stride 1 (overlapping windows)": (2, 1),
}


def _pool_data():
    rng = np.random.default_rng(6)
    # a smooth ramp plus noise: neighbouring windows often share their maximum (overlaps),
    # and values are distinct (no ties)
    ramp = np.add.outer(np.arange(7.0), np.arange(7.0)) * 0.3
    return ramp + rng.standard_normal((2, 3, 7, 7))


@maxpool_backward.check("dx equals the engine's for non-overlapping and overlapping windows")
def _pool_check(m) -> None:
    from .. import functional as F

    fn = need(m, "max_pool2d_backward")
    x = _pool_data()
    ok = {}
    rng = np.random.default_rng(7)
    for name, (k, s) in _POOL_CONFIGS.items():
        xt = tensor(x, dtype=float64, requires_grad=True)
        y = F.max_pool2d(xt, k, s)
        dout = rng.standard_normal(y.shape)
        y.backward(tensor(dout, dtype=float64))
        got = array(fn(x.copy(), dout.copy(), k, s), "max_pool2d_backward(...)")
        if got.shape != x.shape:
            raise Wrong(f"dx has shape {got.shape}, expected x's shape {x.shape}")
        ok[name] = close(got, xt.grad.numpy())
        if not ok[name]:
            at = tensor(x, dtype=float64, requires_grad=True)
            F.avg_pool2d(at, k, s).backward(tensor(dout, dtype=float64))
            if close(got, at.grad.numpy()):
                raise Wrong(
                    "you spread the gradient evenly over each window: that is average pooling's "
                    "backward. Max pooling sends it only to the largest element of the window"
                )
            nonzero_got = (got != 0).sum()
            nonzero_want = (xt.grad.numpy() != 0).sum()
            if nonzero_got > nonzero_want:
                raise Wrong(
                    f"for {name}, more pixels receive a gradient than are window maxima: only "
                    "the arg-max of each window gets one"
                )
    if all(ok.values()):
        return
    first = next(iter(_POOL_CONFIGS))
    if ok[first]:
        raise Wrong(
            "right when windows do not overlap (kernel 2, stride 2) but wrong when they overlap: "
            "a pixel that is the maximum of two windows must receive both gradients (+=, "
            "not =)"
        )
    raise Wrong("dx differs from the engine's already for kernel 2, stride 2 (no overlap)")


# --------------------------------------------------------------------------------------------

gap = Exercise(
    id="gap-classifier",
    lesson=6,
    title="Global average pooling instead of a big classifier: count the savings",
    stub='''"""Exercise gap-classifier (lesson 6): what global average pooling saves.

NIN and GoogLeNet replaced the big fully connected classifier by global average
pooling. A network's last feature map has `channels` maps of size x size. Two ways to classify it
into `classes` classes:
  - flatten it and apply one fully connected layer (weights and biases);
  - global average pooling (one number per channel), then one fully connected layer.
Return the classifier's parameter count for each (gap=False, gap=True).
"""


def classifier_params(channels, size, classes, gap):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise gap-classifier (lesson 6): a reference solution."""


def classifier_params(channels, size, classes, gap):
    features = channels if gap else channels * size * size  # pooling has no parameters
    return features * classes + classes
''',
    hints=(
        "A fully connected layer from F inputs to K outputs has F*K weights and K biases.",
        "Flattening keeps every pixel: F = channels * size * size. Global average pooling "
        "keeps one number per channel: F = channels.",
    ),
    mistakes=(
        Mistake(
            "features = channels if gap else",
            "features = channels * size if gap else",
            "one number per channel",
        ),
        Mistake("return features * classes + classes", "return features * classes", "bias"),
    ),
)


def _cls(channels, size, classes, gap, bias=True, gap_size=False):
    f = channels * (size if gap_size else 1) if gap else channels * size * size
    return f * classes + (classes if bias else 0)


@gap.check("VGG-16's 512 x 7 x 7 map into 1000 classes, GoogLeNet's 1024 x 7 x 7, and small ones")
def _gap_check(m) -> None:
    fn = need(m, "classifier_params")
    cases = [
        dict(channels=c, size=s, classes=k, gap=g)
        for c, s, k in ((512, 7, 1000), (1024, 7, 1000), (64, 27, 133), (16, 5, 10))
        for g in (False, True)
    ]
    cases_diagnose(
        fn,
        cases,
        _cls,
        [
            (lambda **c: _cls(**c, bias=False), "you forgot the biases: one per class"),
            (
                lambda **c: _cls(**c, gap_size=True),
                "global average pooling leaves one number per channel (channels inputs), "
                "whatever the map's size",
            ),
            (
                lambda **c: _cls(**dict(c, gap=not c["gap"])),
                "the two cases are swapped: flattening keeps every pixel, pooling one per map",
            ),
        ],
        "classifier_params",
    )


EXERCISES = [maxpool_backward, gap]
