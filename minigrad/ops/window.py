r"""Window primitives: every sliding window of an image, laid out as the columns of a matrix.

Shape letters: N batch, C channels, H/W input height/width, KH/KW kernel height/width,
S stride, P padding, D dilation, OH/OW number of window positions down/across, L = OH * OW.

`Unfold` (im2col) copies the KH x KW window at every position of the padded input into
one column, so that a convolution becomes one matrix product and a pooling becomes one
reduction. `Fold` (col2im) is its adjoint: it adds each column back onto the pixels it
came from (a pixel covered by several windows collects the sum). Each is the other's
backward, so second derivatives of convolution and pooling come for free.

    OH = (H + P_top + P_bottom - D (KH - 1) - 1) // S + 1          (the same for OW)
    cols[n, (c, i, j), (oh, ow)] = x_pad[n, c, oh S + i D, ow S + j D]

Speed notes (docs/architecture.md): the windows are a strided *view* of the padded input
(no Python loop over positions), and both ops keep the batch axis N innermost in memory:
the padded image is stored as (C, H, W, N) and the columns as (C*KH*KW, L, N). Then
every copy and every shifted-plane addition of `Fold` runs over long contiguous rows
(OW*N numbers, not OW), and `conv2d` multiplies one contiguous (C*KH*KW, L*N) matrix in
a single BLAS call. The arrays returned still have PyTorch's shapes ((N, C*KH*KW, L) and
(N, C, H, W)): they are transposed views of that memory.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..autograd import Function

Pair = tuple[int, int]


def window_count(size: int, k: int, s: int, pad_lo: int, pad_hi: int, d: int) -> int:
    """How many windows of size k (dilation d) fit at stride s into a padded axis."""
    return (size + pad_lo + pad_hi - d * (k - 1) - 1) // s + 1


class Unfold(Function):
    r"""cols[n, (c, i, j), (oh, ow)] = x_pad[n, c, oh*S + i*D, ow*S + j*D];   backward: Fold

    x_pad is x surrounded by `fill` (0 for convolution, -inf for max pooling); padding is
    ((top, bottom), (left, right)).
    """

    def forward(self, x, kernel_size, dilation, padding, stride, fill=0.0):
        n, c, h, w = x.shape
        (kh, kw), (dh, dw), (sh, sw) = kernel_size, dilation, stride
        (pt, pb), (pl, pr) = padding
        oh = window_count(h, kh, sh, pt, pb, dh)
        ow = window_count(w, kw, sw, pl, pr, dw)
        xp = x.transpose(1, 2, 3, 0)  # (C, H, W, N): the batch axis innermost, see above
        if pt or pb or pl or pr:
            xp = _padded(xp, padding, fill)
        elif not xp.flags.c_contiguous:
            xp = np.ascontiguousarray(xp)
        s_c, s_h, s_w, s_n = xp.strides
        windows = as_strided(
            xp,
            shape=(c, kh, kw, oh, ow, n),
            strides=(s_c, dh * s_h, dw * s_w, sh * s_h, sw * s_w, s_n),
            writeable=False,
        )
        cols = np.ascontiguousarray(windows).reshape(c * kh * kw, oh * ow, n)
        return cols.transpose(2, 0, 1)  # shape (N, C*KH*KW, L), memory (C*KH*KW, L, N)

    def backward(self, grad):
        h, w = self.inputs[0].shape[2:]
        return Fold.apply(grad, output_size=(h, w), **_geometry(self.params))


def _padded(xp: np.ndarray, padding: tuple, fill: float) -> np.ndarray:
    """(C, H, W, N) surrounded by `fill`: the image copied once, the border strips filled
    (not the whole array filled first and then mostly overwritten: one pass less)."""
    (pt, pb), (pl, pr) = padding
    c, h, w, n = xp.shape
    out = np.empty((c, h + pt + pb, w + pl + pr, n), dtype=xp.dtype)
    out[:, :pt] = fill
    out[:, pt + h :] = fill
    out[:, pt : pt + h, :pl] = fill
    out[:, pt : pt + h, pl + w :] = fill
    out[:, pt : pt + h, pl : pl + w] = xp
    return out


class Fold(Function):
    r"""x[n, c, h, w] = sum of cols[n, (c, i, j), (oh, ow)] over the windows covering (h, w);
    backward: Unfold

    Computed as KH*KW additions: the (i, j) entry of every window lands on the plane
    x_pad[:, :, i*D :: S, j*D :: S]; then the padding is cut off.
    """

    def forward(self, cols, output_size, kernel_size, dilation, padding, stride):
        n, ckk, _ = cols.shape
        h, w = output_size
        (kh, kw), (dh, dw), (sh, sw) = kernel_size, dilation, stride
        (pt, pb), (pl, pr) = padding
        c = ckk // (kh * kw)
        oh = window_count(h, kh, sh, pt, pb, dh)
        ow = window_count(w, kw, sw, pl, pr, dw)
        # (C, KH, KW, OH, OW, N): a view; for columns made by Unfold it reads contiguous planes
        planes = cols.reshape(n, c, kh, kw, oh, ow).transpose(1, 2, 3, 4, 5, 0)
        out = np.zeros((c, h + pt + pb, w + pl + pr, n), dtype=cols.dtype)
        for i in range(kh):
            rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
            for j in range(kw):
                out[:, rows, j * dw : j * dw + sw * (ow - 1) + 1 : sw] += planes[:, i, j]
        return out[:, pt : pt + h, pl : pl + w].transpose(3, 0, 1, 2)

    def backward(self, grad):
        return Unfold.apply(grad, **_geometry(self.params))


def _geometry(params: dict) -> dict:
    """The window geometry among an Unfold's or Fold's keyword arguments."""
    return {k: params[k] for k in ("kernel_size", "dilation", "padding", "stride")}
