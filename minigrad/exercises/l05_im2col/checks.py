"""Checks of im2col: im2col against F.unfold and col2im against F.fold for kernels 3x3
and 2x3, strides 1 and 2, padding 0 and 1 (the usual orderings and slips named), and the
adjoint property that makes col2im im2col's backward."""

import numpy as np

from ... import functional as F
from ...factory import tensor
from ..convolution import diagnose_configs, where_wrong
from ..helpers import Wrong, array, check, need

X_SHAPE = (2, 3, 6, 7)  # not square: H and W cannot be mixed up unnoticed
CONFIGS = {  # name: (kh, kw, stride, padding)
    "3x3, stride 1": (3, 3, 1, 0),
    "3x3, stride 2": (3, 3, 2, 0),
    "3x3, padding 1": (3, 3, 1, 1),
    "2x3, stride 2, padding 1": (2, 3, 2, 1),
}


def sizes(kh, kw, s, p):
    n, c, h, w = X_SHAPE
    return (h + 2 * p - kh) // s + 1, (w + 2 * p - kw) // s + 1


def unfold(x, kh, kw, s, p):
    return F.unfold(tensor(x, dtype=np.float64), (kh, kw), padding=p, stride=s).numpy()


def fold(cols, kh, kw, s, p, shape=X_SHAPE):
    t = tensor(cols, dtype=np.float64)
    return F.fold(t, shape[2:], (kh, kw), padding=p, stride=s).numpy()


def reordered(cols, kh, kw, s, p):
    """The columns with their rows in (u, v, c) order, and with window (i, j) at column
    j*OH + i: the two usual orderings."""
    n, c = X_SHAPE[:2]
    oh, ow = sizes(kh, kw, s, p)
    full = cols.reshape(n, c, kh, kw, oh, ow)
    taps_first = full.transpose(0, 2, 3, 1, 4, 5).reshape(n, c * kh * kw, oh * ow)
    column_major = full.transpose(0, 1, 2, 3, 5, 4).reshape(n, c * kh * kw, oh * ow)
    return taps_first, column_major


ROWS = (
    "the rows are in the order (u, v, c); F.unfold's is channel first: row c*KH*KW + "
    "u*KW + v (reshape (N, C, KH, KW, OH, OW), in that order)"
)
COLUMNS = (
    "the windows are numbered down the columns; window (i, j) is column i*OW + j (row by "
    "row, as the output is read)"
)


@check("im2col equals F.unfold: 3x3 and 2x3 kernels, strides 1 and 2, padding 0 and 1")
def forward(m) -> None:
    fn = need(m, "im2col")
    x = np.random.default_rng(0).standard_normal(X_SHAPE)

    def cases():
        for name, (kh, kw, s, p) in CONFIGS.items():
            got = array(fn(x.copy(), kh, kw, s, p), f"im2col(x, {kh}, {kw}, {s}, {p})")
            want = unfold(x, kh, kw, s, p)
            if got.shape != want.shape and p and got.shape == unfold(x, kh, kw, s, 0).shape:
                raise Wrong(
                    f"for {name} im2col has shape {got.shape}, that of the unpadded input's "
                    f"windows: pad x with {p} zero(s) on every side first (np.pad)"
                )
            taps_first, column_major = reordered(want, kh, kw, s, p)
            mistakes = [(taps_first, ROWS), (column_major, COLUMNS)]
            if s > 1:
                oh, ow = sizes(kh, kw, s, p)
                every = unfold(x, kh, kw, 1, p).reshape(*want.shape[:2], *sizes(kh, kw, 1, p))
                mistakes.append(
                    (
                        every[:, :, :oh, :ow].reshape(want.shape),
                        f"the stride is ignored: window (i, j) starts at (i*S, j*S), S = {s} "
                        "pixels apart; yours start every pixel",
                    )
                )
            yield name, got, {"want": want, "mistakes": mistakes}

    diagnose_configs("im2col", cases(), where=lambda ok: where_wrong(ok, "im2col"))


@check("col2im equals F.fold: overlapping windows add up, the padding is cropped")
def backward(m) -> None:
    fn = need(m, "col2im")
    rng = np.random.default_rng(1)

    def cases():
        for name, (kh, kw, s, p) in CONFIGS.items():
            oh, ow = sizes(kh, kw, s, p)
            cols = rng.standard_normal((X_SHAPE[0], X_SHAPE[1] * kh * kw, oh * ow))
            got = array(fn(cols.copy(), X_SHAPE, kh, kw, s, p), f"col2im(cols, ..., {s}, {p})")
            want = fold(cols, kh, kw, s, p)
            n, c, h, w = X_SHAPE
            pad_shape = (n, c, h + 2 * p, w + 2 * p)
            taps_first, column_major = reordered(cols, kh, kw, s, p)
            assigned = assigns_instead_of_adding(cols, X_SHAPE, kh, kw, s, p)
            mistakes = [
                (assigned, "windows overlap: ADD (+=) each window's "
                 "share onto a pixel; = keeps only the last window's"),
                (fold(taps_first, kh, kw, s, p), ROWS),
                (fold(column_major, kh, kw, s, p), COLUMNS),
            ]  # fmt: skip
            if p:
                uncropped = fold(cols, kh, kw, s, 0, pad_shape)
                mistakes.append((uncropped[:, :, :h, :w], "crop the padding on every side: "
                                 "x_pad[:, :, P : P + H, P : P + W]"))  # fmt: skip
            yield name, got, {"want": want, "mistakes": mistakes}

    diagnose_configs("col2im", cases(), where=lambda ok: where_wrong(ok, "col2im"))


def assigns_instead_of_adding(cols, x_shape, kh, kw, s=1, p=0):
    """col2im with = instead of +=: where windows overlap, the last tap written wins (the
    mistake of the same name replays it)."""
    n, c, h, w = x_shape
    oh, ow = (h + 2 * p - kh) // s + 1, (w + 2 * p - kw) // s + 1
    full = cols.reshape(n, c, kh, kw, oh, ow)
    x_pad = np.zeros((n, c, h + 2 * p, w + 2 * p))
    for u in range(kh):
        for v in range(kw):
            down = slice(u, u + s * (oh - 1) + 1, s)  # tap (u, v) of every window
            across = slice(v, v + s * (ow - 1) + 1, s)
            x_pad[:, :, down, across] = full[:, :, u, v]
    return x_pad[:, :, p : p + h, p : p + w]


@check("col2im is im2col's adjoint: sum(im2col(x) * c) == sum(x * col2im(c))")
def adjoint(m) -> None:
    to_cols, to_image = need(m, "im2col"), need(m, "col2im")
    rng = np.random.default_rng(2)
    kh, kw, s, p = CONFIGS["2x3, stride 2, padding 1"]
    x = rng.standard_normal(X_SHAPE)
    c = rng.standard_normal(unfold(x, kh, kw, s, p).shape)
    cols = array(to_cols(x.copy(), kh, kw, s, p), "im2col(x)")
    image = array(to_image(c.copy(), X_SHAPE, kh, kw, s, p), "col2im(c)")
    if cols.shape != c.shape or image.shape != x.shape:
        raise Wrong(
            f"im2col gives shape {cols.shape} (expected {c.shape}) and col2im {image.shape} "
            f"(expected {x.shape}): get the shapes right first (see the checks above)"
        )
    left, right = float((cols * c).sum()), float((x * image).sum())
    if not np.isclose(left, right, rtol=1e-9, atol=1e-9):
        raise Wrong(
            f"sum(im2col(x) * c) = {left:.6g} but sum(x * col2im(c)) = {right:.6g}: col2im must "
            "send each entry of the columns back to the very pixel im2col took it from, "
            "adding up where windows overlap"
        )
