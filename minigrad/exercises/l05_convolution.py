"""Lesson 5 exercises, part 2: a convolution written with loops (the engine derives its
backward), and the convolution backward written by hand (as a course would ask)."""

from __future__ import annotations

import numpy as np

from ..factory import tensor
from ..tensor import float64
from .core import Exercise, Mistake, Wrong
from .helpers import array, close, need, tensor_grads

# (stride, padding, dilation) configurations and how to name what differs between them
_CONFIGS = {
    "stride 1": (1, 0, 1),
    "stride 2": (2, 0, 1),
    "padding 1": (1, 1, 1),
    "dilation 2": (1, 0, 2),
    "stride 2 and padding 1": (2, 1, 1),
}


_CHANGE = {
    "stride 2": "right for stride 1 but wrong for stride 2",
    "padding 1": "right without padding but wrong with padding 1",
    "dilation 2": "right without dilation but wrong with dilation 2",
}


def _explain(ok: dict, what: str, advice: dict) -> str:
    """Turn which configurations pass into the kind of mistake ('right for stride 1 ...')."""
    failing = [k for k, v in ok.items() if not v]
    if not ok["stride 1"]:
        return f"{what} is wrong already for stride 1 without padding"
    for name in ("stride 2", "padding 1", "dilation 2"):
        if name in failing:
            return f"{what} is {_CHANGE[name]}: {advice[name]}"
    return f"{what} is wrong for {failing[0]}: {advice.get(failing[0], '')}"


def _conv_ref(x, w, b, stride, padding, dilation):
    """F.conv2d: the engine's convolution, the reference both exercises are checked against."""
    from .. import functional as F

    xt, wt = (
        tensor(x, dtype=float64, requires_grad=True),
        tensor(w, dtype=float64, requires_grad=True),
    )
    bt = tensor(b, dtype=float64, requires_grad=True)
    y = F.conv2d(xt, wt, bt, stride=stride, padding=padding, dilation=dilation)
    return y, (xt, wt, bt)


def _data(seed=0):
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((2, 3, 7, 7)),
        rng.standard_normal((4, 3, 3, 3)),
        rng.standard_normal(4),
    )


# --------------------------------------------------------------------------------------------

conv_loops = Exercise(
    id="conv-loops",
    lesson=5,
    title="A convolution written with loops; the engine derives its backward",
    requires=("minigrad.functional",),
    stub='''"""Exercise conv-loops (lesson 5): write conv2d yourself, with loops of slices and sums.

    y[n, o, i, j] = b[o] + sum over c, u, v of
                    w[o, c, u, v] * x_pad[n, c, i*stride + u*dilation, j*stride + v*dilation]

x: (N, C, H, W) Tensor, w: (O, C, KH, KW), b: (O,). x_pad is x with `padding` zeros on
every side (x.pad((p, p, p, p))). Deep-learning "convolution" does not flip the kernel.
Use Tensor operations only (slicing x[:, :, a:b:s, ...], *, .sum, mg.stack,
.reshape): the engine then derives the backward by itself. Keep the loops over the
kernel offsets (u, v) or over the output positions (i, j): the inputs are tiny.
The checker compares with F.conv2d, values and gradients.
"""

import minigrad as mg


def conv2d_loops(x, w, b, stride=1, padding=0, dilation=1):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise conv-loops (lesson 5): a reference solution."""

import minigrad as mg


def conv2d_loops(x, w, b, stride=1, padding=0, dilation=1):
    s, p, d = stride, padding, dilation
    if p:
        x = x.pad((p, p, p, p))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh = (h - d * (kh - 1) - 1) // s + 1
    ow = (wd - d * (kw - 1) - 1) // s + 1
    y = None
    for u in range(kh):
        for v in range(kw):
            # the pixel under kernel tap (u, v), for every output position: (N, C, OH, OW)
            top, left = u * d, v * d
            patch = x[:, :, top : top + s * (oh - 1) + 1 : s, left : left + s * (ow - 1) + 1 : s]
            tap = w[:, :, u, v].reshape(1, o, c, 1, 1)
            term = (patch.reshape(n, 1, c, oh, ow) * tap).sum(2)  # (N, O, OH, OW)
            y = term if y is None else y + term
    return y + b.reshape(1, o, 1, 1)
''',
    hints=(
        "Pad first (x.pad((p, p, p, p))), then compute OH = (H_pad - D*(KH-1) - 1) // S + 1.",
        "Loop over the kernel taps (u, v): the input pixels tap (u, v) touches form one "
        "strided slice x[:, :, u*D : u*D + S*(OH-1) + 1 : S, v*D : ... : S].",
        "Multiply that (N, 1, C, OH, OW) slice by w[:, :, u, v] reshaped to (1, O, C, 1, 1), "
        "sum over C, and add up the taps; add the bias reshaped to (1, O, 1, 1).",
    ),
    mistakes=(
        Mistake(
            "top : top + s * (oh - 1) + 1 : s, left : left + s * (ow - 1) + 1 : s]",
            "top : top + oh, left : left + ow]",
            "right for stride 1 but wrong for stride 2",
        ),
        Mistake(
            "            top, left = u * d, v * d",
            "            top, left = u, v",
            "wrong with dilation 2",
        ),
        Mistake(
            "    if p:\n        x = x.pad((p, p, p, p))\n",
            "",
            "right without padding but wrong with padding 1",
        ),
        Mistake("tap = w[:, :, u, v]", "tap = w[:, :, kh - 1 - u, kw - 1 - v]", "flipped"),
        Mistake("    return y + b.reshape(1, o, 1, 1)", "    return y", "bias"),
    ),
)

_LOOP_ADVICE = {
    "stride 2": "output position i starts at i*stride: step the slices by the stride",
    "padding 1": "pad x with `padding` zeros on every side first",
    "dilation 2": "kernel tap u reads pixel i*stride + u*dilation: space the taps by dilation",
    "stride 2 and padding 1": "compute the output size from the padded input",
}


@conv_loops.check("forward equals F.conv2d for stride 1 and 2, padding 0 and 1, dilation 1 and 2")
def _loops_forward(m) -> None:
    from .. import functional as F

    fn = need(m, "conv2d_loops")
    x, w, b = _data()
    ok = {}
    for name, (s, p, d) in _CONFIGS.items():
        want, _ = _conv_ref(x, w, b, s, p, d)
        out = fn(tensor(x, dtype=float64), tensor(w, dtype=float64), tensor(b, dtype=float64),
                 stride=s, padding=p, dilation=d)  # fmt: skip
        got = array(out, f"conv2d_loops(..., stride={s}, padding={p}, dilation={d})")
        ok[name] = close(got, want.numpy())
        if name == "stride 1" and not ok[name]:
            flipped = F.conv2d(
                tensor(x, dtype=float64),
                tensor(w[:, :, ::-1, ::-1].copy(), dtype=float64),
                tensor(b, dtype=float64),
            )  # noqa: E501
            if close(got, flipped.numpy()):
                raise Wrong(
                    "you flipped the kernel (that is the mathematicians' convolution); CNN "
                    "layers compute cross-correlation: w[o, c, u, v] multiplies "
                    "x[..., i + u, j + v]"
                )
            if close(got, want.numpy() - b.reshape(1, -1, 1, 1)):
                raise Wrong("the bias is missing: add b[o] to every output of channel o")
            if got.shape != want.shape:
                raise Wrong(f"for stride 1 the output has shape {got.shape}, expected {want.shape}")
    if not all(ok.values()):
        raise Wrong(_explain(ok, "the output", _LOOP_ADVICE))


@conv_loops.check("the derived gradients for x, w and b equal F.conv2d's")
def _loops_backward(m) -> None:
    fn = need(m, "conv2d_loops")
    x, w, b = _data(1)
    seed = np.random.default_rng(2)
    for name, (s, p, d) in _CONFIGS.items():
        want, inputs = _conv_ref(x, w, b, s, p, d)
        g = seed.standard_normal(want.shape)
        want.backward(tensor(g, dtype=float64))
        ins = [tensor(a, dtype=float64, requires_grad=True) for a in (x, w, b)]
        got = tensor_grads(
            lambda *t, s=s, p=p, d=d: fn(*t, stride=s, padding=p, dilation=d), ins, g
        )
        for label, gg, t in zip(("x", "w", "b"), got, inputs):
            if gg is None:
                raise Wrong(f"no gradient reaches {label}: it must take part in the computation")
            if not close(gg, t.grad.numpy()):
                raise Wrong(f"the gradient of {label} differs from F.conv2d's for {name}")


# --------------------------------------------------------------------------------------------

conv_backward = Exercise(
    id="conv-backward",
    lesson=5,
    title="The convolution backward by hand (dX, dW, db) vs the derived one",
    requires=("minigrad.functional",),
    stub='''"""Exercise conv-backward (lesson 5): the convolution's backward pass, written by hand.

The forward is y = conv2d(x, w, b, stride, padding) (cross-correlation, dilation 1):
    y[n, o, i, j] = b[o] + sum_{c,u,v} w[o, c, u, v] * x_pad[n, c, i*stride + u, j*stride + v]

Given dout = dL/dy (N, O, OH, OW), return (dx, dw, db) as numpy arrays with the shapes
of x (N, C, H, W), w (O, C, KH, KW) and b (O,). minigrad never needs this (the engine
derives it from unfold and matmul); the checker compares yours with that derived one.
"""

import numpy as np


def conv2d_backward(x, w, dout, stride=1, padding=0):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise conv-backward (lesson 5): a reference solution."""

import numpy as np


def conv2d_backward(x, w, dout, stride=1, padding=0):
    s, p = stride, padding
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = dout.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    for u in range(kh):
        for v in range(kw):
            # the input pixels kernel tap (u, v) touched, for every output position
            rows = slice(u, u + s * (oh - 1) + 1, s)
            cols = slice(v, v + s * (ow - 1) + 1, s)
            patch = x_pad[:, :, rows, cols]  # (N, C, OH, OW)
            dw[:, :, u, v] = np.einsum("nohw,nchw->oc", dout, patch)
            dx_pad[:, :, rows, cols] += np.einsum("nohw,oc->nchw", dout, w[:, :, u, v])
    dx = dx_pad[:, :, p : p + h, p : p + wd]  # the padding is not part of x: crop it off
    db = dout.sum(axis=(0, 2, 3))  # b[o] was added at every (n, i, j)
    return dx, dw, db
''',
    hints=(
        "Loop over the kernel taps (u, v). Tap (u, v) multiplied w[:, :, u, v] with the "
        "strided slice x_pad[:, :, u : u + S*(OH-1) + 1 : S, v : ... : S].",
        "So dw[:, :, u, v] = sum over n, i, j of dout[n, o, i, j] * that slice (np.einsum "
        "'nohw,nchw->oc'); and dx_pad at that slice receives dout weighted by w[:, :, u, v] "
        "(+=: windows overlap).",
        "Compute dx on the padded input, then crop the padding off; db sums dout over "
        "N, OH and OW.",
    ),
    mistakes=(
        Mistake(
            "            patch = x_pad[:, :, rows, cols]",
            "            patch = x_pad[:, :, u : u + oh, v : v + ow]",
            "dW is right for stride 1 but wrong for stride 2",
        ),
        Mistake(
            "    dx = dx_pad[:, :, p : p + h, p : p + wd]",
            "    dx = dx_pad[:, :, :h, :wd]",
            "dX is right without padding but wrong with padding 1",
        ),
        Mistake("db = dout.sum(axis=(0, 2, 3))", "db = dout.sum(axis=0)", "not summed"),
        Mistake(
            'dx_pad[:, :, rows, cols] += np.einsum("nohw,oc->nchw", dout, w[:, :, u, v])',
            'dx_pad[:, :, rows, cols] = np.einsum("nohw,oc->nchw", dout, w[:, :, u, v])',
            "overlap",
        ),
    ),
)

_BACK_CONFIGS = {k: v for k, v in _CONFIGS.items() if v[2] == 1}
_BACK_ADVICE = {
    "stride 2": "tap (u, v) touched every stride-th pixel: slice with step = stride",
    "padding 1": "compute the gradient of the padded input, then crop the padding off",
    "stride 2 and padding 1": "use the padded input's geometry with the stride",
}


def _back_results(m):
    fn = need(m, "conv2d_backward")
    x, w, b = _data(3)
    rng = np.random.default_rng(4)
    ok = {"dX": {}, "dW": {}, "db": {}}
    notes = []
    for name, (s, p, _) in _BACK_CONFIGS.items():
        y, (xt, wt, bt) = _conv_ref(x, w, b, s, p, 1)
        dout = rng.standard_normal(y.shape)
        y.backward(tensor(dout, dtype=float64))
        out = fn(x.copy(), w.copy(), dout.copy(), stride=s, padding=p)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise Wrong("conv2d_backward should return three arrays: (dx, dw, db)")
        for key, got, t in zip(("dX", "dW", "db"), out, (xt, wt, bt)):
            got = array(got, key)
            if key == "db" and got.shape != (4,) and got.size > 4:
                notes.append(
                    f"db has shape {got.shape}: the gradient of a broadcast input was not "
                    "summed: b[o] was added at every (n, i, j), so sum dout over axes 0, 2, 3"
                )
            if key == "dX" and got.shape != x.shape and p:
                notes.append(
                    f"dX has shape {got.shape} for padding {p}, x has {x.shape}: crop the "
                    "padding off the gradient of the padded input"
                )
            ok[key][name] = close(got, t.grad.numpy())
    return ok, notes


def _back_check(key: str):
    def run(m) -> None:
        ok, notes = _back_results(m)
        if all(ok[key].values()):
            return
        for note in notes:
            if note.startswith(key):
                raise Wrong(note)
        message = _explain(ok[key], key, _BACK_ADVICE)
        if key == "dX" and ok[key]["stride 1"] and not ok[key]["stride 2"]:
            message += (
                "; with stride 2 and a 3x3 kernel the windows still overlap, so contributions "
                "must add up (+=) if you assigned"
            )
        if key == "dX" and not ok[key]["stride 1"]:
            message += (
                ": windows overlap, so each input pixel collects the contributions of every "
                "window that used it (+=, not =)"
            )
        raise Wrong(message)

    return run


for _key in ("dX", "dW", "db"):
    conv_backward.check(f"{_key} equals the derived gradient for stride 1/2 and padding 0/1")(
        _back_check(_key)
    )

EXERCISES = [conv_loops, conv_backward]
