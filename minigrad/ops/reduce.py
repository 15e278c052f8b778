"""Reductions: many input elements give one output element.

The backward of a sum hands the same gradient to every element that was added:
it *broadcasts*. The backward of a broadcast adds the copies back up: it *sums*.
So `Sum` and `BroadcastTo` (in movement.py) are each other's backward, and
second derivatives come for free.
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from .elementwise import Where


def keepdim_shape(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> tuple[int, ...]:
    """The shape a reduction over `dims` has with keepdim=True (reduced axes become 1)."""
    if dims is None:
        return (1,) * len(shape)
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


class Sum(Function):
    r"""z = sum of x over `dims`;   dz/dx_i = 1 for every summed element (grad is broadcast)"""

    def forward(self, x, dims, keepdim):
        # integers and bools add up in int64, as in PyTorch (numpy would use uint64 for uint8)
        return x.sum(axis=dims, keepdims=keepdim, dtype=np.int64 if x.dtype.kind in "biu" else None)

    def backward(self, grad):
        (x,) = self.inputs
        if not self.params["keepdim"]:
            grad = grad.reshape(keepdim_shape(x.shape, self.params["dims"]))
        return grad.broadcast_to(x.shape)


class SumTo(Function):
    r"""z = x summed down to `shape` (undoes numpy broadcasting);   backward broadcasts back"""

    def forward(self, x, shape):
        lead = x.ndim - len(shape)
        dims = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1
        )
        out = x.sum(axis=dims, keepdims=True) if dims else x
        return out.reshape(shape)

    def backward(self, grad):
        return grad.broadcast_to(self.inputs[0].shape)


class Amax(Function):
    r"""z = max of x over `dims`;   dz/dx_i = 1/k at the k elements equal to the max, else 0

    Ties split the gradient evenly between the maximal elements (PyTorch's amax). The
    share each element gets is piecewise constant, so backward treats it as a constant.
    NaN is the maximum of any slice holding one; then, as in PyTorch:

    * nan_shares=False (amax): no element equals NaN, so the whole slice's gradient is NaN;
    * nan_shares=True (x.max() without dim): the NaNs share the gradient evenly.

    `pick`, a boolean mask with one True per slice, gives all of a slice's gradient to that
    element instead (max_pool2d picks the element PyTorch's kernel picks).

    How the others get nothing follows PyTorch too: amax multiplies the gradient by the
    share (a NaN gradient from above reaches every element), x.max() and `pick` select
    (the others get exactly 0).
    """

    def forward(self, x, dims, keepdim, nan_shares=False, pick=None):
        out = amax(x, dims)
        if pick is not None:
            self.save_for_backward(pick)
        elif x.dtype.kind == "f":  # (integers have no gradient)
            self.save_for_backward(_shares(x, out, dims, nan_shares))
        return out if keepdim else np.squeeze(out, axis=dims)

    def backward(self, grad):
        (x,) = self.inputs
        params = self.params
        if not params["keepdim"]:
            grad = grad.reshape(keepdim_shape(x.shape, params["dims"]))
        grad = grad.broadcast_to(x.shape)
        (share,) = self.saved_tensors
        if share.dtype != bool:  # ties: 1/k each
            grad = grad * grad._constant(share.astype(grad.dtype, copy=False))
        if not (params.get("pick") is not None or params.get("nan_shares", False)):
            return grad if share.dtype != bool else grad * grad._constant(share)
        zero = grad.new_zeros(())
        return Where.apply(grad, zero, mask=share if share.dtype == bool else share != 0)


def amax(x: np.ndarray, dims: tuple[int, ...] | None) -> np.ndarray:
    """np.amax(x, axis=dims, keepdims=True) (NaN propagates), fast for small windows.

    numpy reduces a few elements over strided axes slowly: the 2x2 windows of a LeNet
    pooling layer (axes 3 and 5 of (N, C, OH, 2, OW, 2)) take 23 ms at batch 256; a running
    np.maximum over the 4 window positions takes 1 ms.
    """
    sizes = [x.shape[d] for d in range(x.ndim)] if dims is None else [x.shape[d] for d in dims]
    count = int(np.prod(sizes))
    if dims is None or not 1 < count <= 16 or x.size == 0:
        return np.amax(x, axis=dims, keepdims=True)
    out = None
    for index in np.ndindex(*sizes):
        position = [slice(None)] * x.ndim
        for d, k in zip(dims, index):
            position[d] = k
        part = x[tuple(position)]
        out = np.array(part) if out is None else np.maximum(out, part, out=out)
    return np.expand_dims(out, dims)


def _shares(x: np.ndarray, out: np.ndarray, dims, nan_shares: bool) -> np.ndarray:
    """Each element's share of its slice's gradient: 1/k at the k maxima (see Amax)."""
    hit = x == out  # where the maximum is; a tie marks several elements
    if nan_shares:
        hit |= np.isnan(x) & np.isnan(out)
    count = hit.sum(axis=dims, keepdims=True)
    if count.size and count.max() == 1 and count.min() == 1:  # no ties, no NaN: the usual case
        return hit
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 = NaN: a NaN max (amax)
        return hit.astype(x.dtype) / count.astype(x.dtype)
