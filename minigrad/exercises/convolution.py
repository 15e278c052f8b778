"""The checks' toolbox for convolutions and pooling: configurations, the engine's answers,
and the usual wrong ways to compute them, recomputed so that a check can name them.

A check compares the learner's answer configuration by configuration (stride 1 and 2,
padding 0 and 1, dilation 1 and 2): "right for stride 1 but wrong for stride 2" already
says where to look. `conv_diagnosis` adds *what* went wrong there: the answer the learner
gave is recomputed the wrong way (kernel not rotated, stride ignored, dilation ignored,
= where += is needed) and compared, and `diagnosis.relation` tries the fingerprints an
answer leaves by itself (divided by N, one example only, padding not cropped, ...).

Shape letters: N images, C input channels, O filters, H x W pixels, KH x KW the kernel,
OH x OW the outputs, S the stride, P the padding, D the dilation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from .. import functional as F
from ..factory import tensor
from .checker import Wrong
from .helpers import array, close, explain, leaf

CONV_CONFIGS = {
    "stride 1": (1, 0, 1),
    "stride 2": (2, 0, 1),
    "padding 1": (1, 1, 1),
    "dilation 2": (1, 0, 2),
    "stride 2 and padding 1": (2, 1, 1),
}
NO_DILATION = {k: v for k, v in CONV_CONFIGS.items() if v[2] == 1}

_CHANGE = {
    "stride 2": "right for stride 1 but wrong for stride 2",
    "padding 1": "right without padding but wrong with padding 1",
    "dilation 2": "right without dilation but wrong with dilation 2",
}


def explain_configs(
    ok: Mapping[str, bool], what: str, advice: Mapping[str, str] | None = None
) -> str:
    """Turn which of CONV_CONFIGS pass into where the mistake is ('right for stride 1 but
    wrong for stride 2'), followed by that configuration's advice when given."""
    failing = [k for k, v in ok.items() if not v]
    if not ok["stride 1"]:
        return f"{what} is wrong already for stride 1 without padding"
    tail = lambda name: f": {advice[name]}" if advice and advice.get(name) else ""
    for name in ("stride 2", "padding 1", "dilation 2"):
        if name in failing:
            return f"{what} is {_CHANGE[name]}{tail(name)}"
    return f"{what} is wrong for {failing[0]}{tail(failing[0])}"


def diagnose_configs(
    what: str,
    cases: Iterable[tuple[str, Any, Mapping[str, Any]]],
    where: Callable[[dict[str, bool]], str],
    advice: Callable[[dict[str, bool]], str] | None = None,
) -> None:
    """Compare configuration by configuration, in order; at the first wrong one, name the
    mistake when a known one or a relation explains it.

    cases: (configuration, the learner's answer, the keyword arguments of `explain` for it:
    want, mistakes, sizes, per_example), best a generator: the configurations after the
    first wrong one are never computed (the learner's code may crash on them). where(ok)
    says where the answer goes wrong ('dW is right for stride 1 but wrong for stride 2'),
    given which configurations were right so far; advice(ok), what to do when no mistake
    or relation explains it (default: where(ok)).
    """
    ok: dict[str, bool] = {}
    for name, got, kw in cases:
        ok[name] = close(got, kw["want"])
        if ok[name]:
            continue
        named = explain(got, what=what, fallback=False, name_what=False, **kw)
        if named is not None:
            raise Wrong(f"{where(ok)}: {named}")
        # nothing simple explains it: the advice, and the largest difference there
        detail = explain(got, what=what, **kw)
        raise Wrong(f"{advice(ok) if advice else where(ok)} (for {name}, {detail})")


def where_wrong(ok: Mapping[str, bool], what: str) -> str:
    """Where the answer goes wrong, for configurations named in order from the simplest:
    'dx is right for kernel 2, stride 2 but wrong for kernel 3, stride 2'."""
    passing = [name for name, right in ok.items() if right]
    failing = next(name for name, right in ok.items() if not right)
    if not passing:
        return f"{what} is wrong already for {failing}"
    return f"{what} is right for {', '.join(passing)} but wrong for {failing}"


def conv_forward_check(fn: Callable[..., Any], extra: Callable[..., list] | None = None) -> None:
    """The learner's forward fn(x, w, b, stride, padding) against F.conv2d, configuration by
    configuration (no dilation), naming the mistake when one explains it. extra(want) gives
    more known mistakes, (wrong value, hint) pairs, tried first."""
    x, w, b = conv_data()

    def cases():
        for name, (s, p, _) in NO_DILATION.items():
            got = array(fn(x.copy(), w.copy(), b.copy(), s, p), f"the output for {name}")
            kw = conv_diagnosis("y", x, w, b, None, s, p)
            if extra is not None:
                kw["mistakes"] = extra(kw["want"]) + kw["mistakes"]
            yield name, got, kw

    diagnose_configs("the output", cases(), where=lambda ok: explain_configs(ok, "the output"))


def conv_gradient_check(
    key: str,
    call: Callable[..., Any],
    extra: Callable[..., list] | None = None,
) -> None:
    """The learner's dX, dW or db (`key`) against the engine's, configuration by
    configuration, naming the mistake when one explains it.

    call(x, w, dout, stride, padding) runs the learner's backward and returns its three
    results (dx, dw, db), any sequence of three arrays. extra(key, want, x, w, dout, stride,
    padding) gives more known mistakes, (wrong value, hint) pairs.
    """

    which = ("dX", "dW", "db").index(key)
    x, w, b = conv_data(3)
    rng = np.random.default_rng(4)
    advice = {
        "stride 2": "tap (u, v) touched every stride-th pixel: slice with step = stride",
        "padding 1": "compute the gradient of the padded input, then crop the padding off",
        "stride 2 and padding 1": "use the padded input's geometry with the stride",
    }

    def cases():
        for name, (s, p, _) in NO_DILATION.items():
            dout = rng.standard_normal(conv_output_shape(x.shape, w.shape, s, p, 1))
            out = call(x.copy(), w.copy(), dout.copy(), s, p)
            if not isinstance(out, (tuple, list)) or len(out) != 3:
                raise Wrong("the backward should return three arrays: (dx, dw, db)")
            got = array(out[which], key)
            o = w.shape[0]
            if key == "db" and got.shape != (o,) and got.size > o:
                raise Wrong(
                    f"db has shape {got.shape}: the gradient of a broadcast input was not "
                    "summed: b[o] was added at every (n, i, j), so sum dout over axes 0, 2, 3"
                )
            if key == "dW" and got.shape == (x.shape[0], *w.shape):
                raise Wrong(
                    f"dW has shape {got.shape}, one gradient per example: the weights are "
                    "shared by the whole batch, so add the examples' gradients up (sum over n)"
                )
            kw = conv_diagnosis(key, x, w, b, dout, s, p)
            if extra is not None:
                kw["mistakes"] = extra(key, kw["want"], x, w, dout, s, p) + kw["mistakes"]
            yield name, got, kw

    diagnose_configs(
        key,
        cases(),
        where=lambda ok: explain_configs(ok, key),
        advice=lambda ok: explain_configs(ok, key, advice),
    )


# --------------------------------------------------------------------------------------------
# The engine's answers


def conv_data(seed: int = 0, n: int = 3):
    """x (n, 3, 7, 7), w (4, 3, 3, 3) and b (4,), random normal. n = 3 images: a batch
    size that no factor 2 can be mistaken for."""
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((n, 3, 7, 7)),
        rng.standard_normal((4, 3, 3, 3)),
        rng.standard_normal(4),
    )


def conv_grads(x, w, b, dout, stride: int, padding: int, dilation: int = 1):
    """(y, dx, dw, db) of y = conv2d(x, w, b) for the upstream gradient dout, as arrays
    (dout None: the forward only, and None for the gradients)."""

    xt, wt, bt = map(leaf, (x, w, b))
    y = F.conv2d(xt, wt, bt, stride=stride, padding=padding, dilation=dilation)
    if dout is None:
        return y.numpy(), None, None, None
    y.backward(tensor(dout, dtype=np.float64))
    return y.numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


def conv_output_shape(x_shape, w_shape, stride: int, padding: int, dilation: int):
    n, _, h, wd = x_shape
    o, _, kh, kw = w_shape
    oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    return n, o, oh, ow


# --------------------------------------------------------------------------------------------
# The usual wrong ways, recomputed

FLIPPED_FORWARD = (
    "you flipped the kernel (that is the mathematicians' convolution); CNN layers compute "
    "cross-correlation: w[o, c, u, v] multiplies x[..., i*S + u, j*S + v], no flip"
)
FLIPPED_DX = (
    "your dX is the gradient of a convolution with the kernel flipped: written as a "
    "correlation of dY (zero-dilated by the stride, padded by K - 1) with the kernel, dX "
    "needs the kernel rotated by 180 degrees (w[..., ::-1, ::-1]); written as a scatter (or "
    "col2im), each window adds w[o] * dout[n, o, i, j] with w as it is"
)
STRIDE_IGNORED = (
    "the stride is ignored: window (i, j) starts at (i*S, j*S), the stride S = {s} apart; "
    "yours start every pixel{extra}"
)
DILATION_IGNORED = (
    "the dilation is ignored: kernel tap u reads pixel i*S + u*D, so the taps sit D = {d} "
    "pixels apart (step the slices by the dilation)"
)
ASSIGNED = (
    "assigned (=) where contributions must add up (+=): windows overlap, so {part} gets a "
    "contribution from every window (and every filter) that used it; with = only the "
    "last one survives"
)


def conv_diagnosis(
    key: str, x, w, b, dout, stride: int, padding: int, dilation: int = 1
) -> dict[str, Any]:
    """For `key` in "y" (the forward output), "dX", "dW" or "db": the engine's answer and the
    known wrong answers, as keyword arguments for `helpers.explain` (want, mistakes, sizes,
    per_example)."""
    s, p, d = stride, padding, dilation
    y, dx, dw, db = conv_grads(x, w, b, dout, s, p, d)
    want = {"y": y, "dX": dx, "dW": dw, "db": db}[key]
    index = {"y": 0, "dX": 1, "dW": 2, "db": 3}[key]
    mistakes: list[tuple[Any, str]] = []  # each computed only if it is needed
    if key in ("y", "dX"):
        hint = FLIPPED_FORWARD if key == "y" else FLIPPED_DX
        flipped = w[:, :, ::-1, ::-1].copy()
        mistakes.append((lambda: conv_grads(x, flipped, b, dout, s, p, d)[index], hint))
    if key == "y":
        mistakes.append(
            (
                y - b.reshape(1, -1, 1, 1),
                "the bias is missing: add b[o] to every output of channel o",
            )
        )
    if s > 1:
        extra = " (in dX: insert S - 1 zeros between the entries of dY)" if key == "dX" else ""
        mistakes.append(
            (
                lambda: _top_left(x, w, b, dout, 1, p, d, shape=y.shape)[index],
                STRIDE_IGNORED.format(s=s, extra=extra),
            )
        )
    if d > 1:
        mistakes.append(
            (
                lambda: _top_left(x, w, b, dout, s, p, 1, shape=y.shape)[index],
                DILATION_IGNORED.format(d=d),
            )
        )
    if key == "dX" and p > 0:
        mistakes.append(
            (
                lambda: conv_grads(pad(x, p), w, b, dout, s, 0, d)[1][
                    :, :, : x.shape[2], : x.shape[3]
                ],
                "you cropped the wrong pixels: the padding is on every side, so dX is "
                "dx_pad[:, :, P : P + H, P : P + W]",
            )
        )
    if key == "dX":
        for assigned in (
            lambda: _assigned_dx_taps(x, w, dout, s, p, d),
            lambda: _assigned_dx_windows(x, w, dout, s, p, d, per_filter=False),
            lambda: _assigned_dx_windows(x, w, dout, s, p, d, per_filter=True),
        ):
            mistakes.append((assigned, ASSIGNED.format(part="an input pixel")))
    if key == "dW":
        mistakes.append(
            (
                lambda: _assigned_dw_windows(x, w, dout, s, p, d),
                ASSIGNED.format(part="each weight"),
            )
        )
    sizes, per_example = None, None
    if key in ("dW", "db"):
        n, _, oh, ow = y.shape
        sizes = {"the batch size N": n}
        if key == "db":
            sizes["the number of outputs per filter N*OH*OW"] = n * oh * ow

        def per_example():
            one = [
                conv_grads(x[i : i + 1], w, b, dout[i : i + 1], s, p, d)[index] for i in range(n)
            ]
            return np.stack(one)

    return {"want": want, "mistakes": mistakes, "sizes": sizes, "per_example": per_example}


def _top_left(x, w, b, dout, stride, padding, dilation, shape):
    """What a loop computes that places its windows by (stride, dilation) but keeps the
    right number of outputs, `shape`: the first OH x OW of them."""
    n, o, oh, ow = shape
    y, *_ = conv_grads(x, w, b, None, stride, padding, dilation)
    if dout is None:
        return y[:, :, :oh, :ow], None, None, None
    full = np.zeros(y.shape)
    full[:, :, :oh, :ow] = dout
    return conv_grads(x, w, b, full, stride, padding, dilation)


def _window(i: int, k: int, s: int, d: int) -> slice:
    """The pixels (of the padded input) that output position i's window reads."""
    return slice(i * s, i * s + d * (k - 1) + 1, d)


def pad(x, p: int):
    """x (N, C, H, W) with p zeros on every side of H and W."""
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))


def _crop(a, p: int, x):
    return a[:, :, p : p + x.shape[2], p : p + x.shape[3]]


def _assigned_dx_taps(x, w, dout, s, p, d):
    """Loop over kernel taps, `dx_pad[slice] = ...`: the last tap touching a pixel wins."""
    dx_pad = np.zeros(pad(x, p).shape)
    oh, ow = dout.shape[2:]
    for u, v in np.ndindex(*w.shape[2:]):
        rows = slice(u * d, u * d + s * (oh - 1) + 1, s)
        cols = slice(v * d, v * d + s * (ow - 1) + 1, s)
        dx_pad[:, :, rows, cols] = np.einsum("nohw,oc->nchw", dout, w[:, :, u, v])
    return _crop(dx_pad, p, x)


def _assigned_dx_windows(x, w, dout, s, p, d, per_filter: bool):
    """Loop over windows (and filters), `dx_pad[window] = ...`: the last window wins."""
    dx_pad = np.zeros(pad(x, p).shape)
    kh, kw = w.shape[2:]
    for n, i, j in np.ndindex(dout.shape[0], *dout.shape[2:]):
        win = (n, slice(None), _window(i, kh, s, d), _window(j, kw, s, d))
        if per_filter:
            for o in range(w.shape[0]):
                dx_pad[win] = w[o] * dout[n, o, i, j]
        else:
            dx_pad[win] = np.einsum("o,ochw->chw", dout[n, :, i, j], w)
    return _crop(dx_pad, p, x)


def _assigned_dw_windows(x, w, dout, s, p, d):
    """Loop over examples and windows, `dw[o] = window * dout`: the last window wins."""
    x_pad = pad(x, p)
    dw = np.zeros(w.shape)
    kh, kw = w.shape[2:]
    for n, i, j in np.ndindex(dout.shape[0], *dout.shape[2:]):
        window = x_pad[n, :, _window(i, kh, s, d), _window(j, kw, s, d)]
        dw[...] = np.einsum("o,chw->ochw", dout[n, :, i, j], window)
    return dw


# --------------------------------------------------------------------------------------------
# Max pooling


def pool_input(seed: int = 6, shape=(2, 3, 7, 7)):
    """A smooth ramp plus noise: neighbouring windows often share their maximum (overlaps),
    and the values are distinct (no ties)."""
    rng = np.random.default_rng(seed)
    ramp = np.add.outer(np.arange(shape[2] * 1.0), np.arange(shape[3] * 1.0)) * 0.3
    return ramp + rng.standard_normal(shape)


def max_pool_backward(x, dout, k: int, step: int, assign: bool = False, spread: bool = False):
    """dx of max pooling with windows `step` pixels apart (the stride, when right), in numpy.
    assign: `=` instead of `+=`; spread: average pooling's backward instead."""
    dx = np.zeros(x.shape)
    for i, j in np.ndindex(*dout.shape[2:]):
        rows, cols = slice(i * step, i * step + k), slice(j * step, j * step + k)
        win = (slice(None), slice(None), rows, cols)
        if x[win].size == 0:  # a window placed past the edge (by a wrong step): nothing there
            continue
        g = dout[:, :, i, j, None, None]
        if spread:
            dx[win] += g / k**2
            continue
        is_max = x[win] == x[win].max(axis=(2, 3), keepdims=True)
        dx[win] = np.where(is_max, g, dx[win]) if assign else dx[win] + np.where(is_max, g, 0.0)
    return dx


def pool_diagnosis(x, dout, k: int, s: int) -> dict[str, Any]:
    """The engine's dx of max_pool2d(x, k, s) and the usual wrong ones, for `explain`."""

    xt = leaf(x)
    F.max_pool2d(xt, k, s).backward(tensor(dout, dtype=np.float64))
    mistakes = [
        (
            lambda: max_pool_backward(x, dout, k, s, spread=True),
            "you spread the gradient evenly over each window: that is average pooling's "
            "backward. Max pooling sends it only to the largest element of the window",
        )
    ]
    for step, how in ((k, f"every kernel_size = {k} pixels"), (1, "every pixel")):
        if step != s:
            mistakes.append(
                (
                    lambda step=step: max_pool_backward(x, dout, k, step),
                    f"the stride is ignored: window (i, j) starts at (i*stride, j*stride), "
                    f"stride = {s} pixels apart; yours start {how}",
                )
            )
    mistakes.append(
        (
            lambda: max_pool_backward(x, dout, k, s, assign=True),
            "a pixel that is the maximum of two overlapping windows must receive both "
            "gradients: add them (+=), do not overwrite (=)",
        )
    )
    return {"want": xt.grad.numpy(), "mistakes": mistakes}
