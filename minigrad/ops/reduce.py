"""Reductions: many input elements give one output element.

The backward of a sum hands the same gradient to every element that was added:
it *broadcasts*. The backward of a broadcast adds the copies back up: it *sums*.
So `Sum` and `BroadcastTo` (in movement.py) are each other's backward, and
second derivatives come for free.
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function


def keepdim_shape(shape: tuple[int, ...], dims: tuple[int, ...] | None) -> tuple[int, ...]:
    """The shape a reduction over `dims` has with keepdim=True (reduced axes become 1)."""
    if dims is None:
        return (1,) * len(shape)
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


class Sum(Function):
    r"""z = sum of x over `dims`;   dz/dx_i = 1 for every summed element (grad is broadcast)"""

    def forward(self, x, dims, keepdim):
        self.dims = dims
        self.keepdim = keepdim
        return x.sum(axis=dims, keepdims=keepdim)

    def backward(self, grad):
        (x,) = self.inputs
        if not self.keepdim:
            grad = grad.reshape(keepdim_shape(x.shape, self.dims))
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

    Ties split the gradient evenly between the maximal elements (as `torch.amax`). The
    mask of maximal elements is piecewise constant, so backward treats it as a constant.
    """

    def forward(self, x, dims, keepdim):
        self.dims = dims
        self.keepdim = keepdim
        out = np.amax(x, axis=dims, keepdims=True)
        hit = x == out  # where the maximum is; a tie marks several elements
        count = hit.sum(axis=dims, keepdims=True)
        if count.max(initial=0) > 1:  # ties: each maximal element gets 1/k of the gradient
            self.share = hit.astype(x.dtype) / np.maximum(count, 1).astype(x.dtype)
        else:  # no ties (the usual case): the boolean mask is the share, no division needed
            self.share = hit  # (a NaN maximum matches nothing: it gets no gradient)
        return out if keepdim else np.squeeze(out, axis=dims)

    def backward(self, grad):
        (x,) = self.inputs
        if not self.keepdim:
            grad = grad.reshape(keepdim_shape(x.shape, self.dims))
        return grad.broadcast_to(x.shape) * grad._constant(self.share)
