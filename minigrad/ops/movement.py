"""Movement primitives: they move, copy or select elements and compute nothing.

The backward of a movement op moves the gradient back where each element came
from. Pairs of ops are each other's backward: reshape/reshape, permute/inverse
permute, broadcast/sum, select (getitem)/scatter-add, pad/slice, concat/slices.
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function, PartialGrad, partial_allowed
from .reduce import SumTo


class Reshape(Function):
    r"""z = x with another shape (same elements, same order);   backward reshapes back"""

    def forward(self, x, shape):
        if x.ndim > 1 and not x.flags.c_contiguous:
            # e.g. (C, H, W, N) memory for the (N, C, H, W) results of conv2d and pooling:
            # x's memory order is saved, so that backward hands the gradient back in it
            order = tuple(np.argsort([-s for s in x.strides], kind="stable").tolist())
            if x.transpose(order).flags.c_contiguous:
                self.save_for_backward(order)
        return x.reshape(shape)

    def backward(self, grad):
        g = grad.reshape(self.inputs[0].shape)
        order = self.saved_tensors[0] if self.saved_tensors else None
        if order is not None and not g._data.transpose(order).flags.c_contiguous:
            # one copy into x's memory order here; otherwise what x meets next in backward
            # (a ReLU mask, a pooling mask, conv2d's matrix product) would pass over the
            # gradient and x's memory in different orders, several times slower
            g = g.permute(order).clone().permute(tuple(np.argsort(order).tolist()))
        return g


class Permute(Function):
    r"""z = x with its axes reordered;   backward applies the inverse order"""

    def forward(self, x, dims):
        return np.transpose(x, dims)

    def backward(self, grad):
        return grad.permute(tuple(np.argsort(self.params["dims"])))


class BroadcastTo(Function):
    r"""z = x repeated to a larger shape (a read-only view);   backward sums the copies"""

    def forward(self, x, shape):
        return np.broadcast_to(x, shape)

    def backward(self, grad):
        return SumTo.apply(grad, shape=self.inputs[0].shape)


def is_advanced(index) -> bool:
    """Does this index select with integer or boolean arrays (elements may repeat)?"""
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, (np.ndarray, list)) for i in items)


class GetItem(Function):
    r"""z = x[index];   dz/dx scatters grad back into a zero tensor of x's shape

    When the walk records nothing and the index is basic (slices, integers: a view of x),
    the gradient is sent as a `SliceGrad`, which the walk adds into x's gradient in place;
    and grad itself may arrive unmultiplied (a `ProductGrad`: takes_partial).
    """

    @property
    def takes_partial(self):
        return not is_advanced(self.params["index"])

    def forward(self, x, index):
        return x[index]

    def backward(self, grad):
        index = self.params["index"]
        if partial_allowed() and not is_advanced(index):
            return SliceGrad(grad, self.inputs[0].shape, index)
        return IndexAdd.apply(grad, shape=self.inputs[0].shape, index=index)


class SliceGrad(PartialGrad):
    """The gradient of x[index] for x: zero except `grad` at `index` (a basic index).

    Several slices of one tensor (the shifted windows of a depthwise convolution, the pieces
    of `split`) would each make a zero array of x's shape, which the walk would then add
    up whole; the walk adds each slice's gradient into one array instead (autograd.py).
    `grad` is a Tensor, or a PartialGrad whose numbers are computed here, when added.
    """

    __slots__ = ("grad", "shape", "index", "like")

    def __init__(self, grad, shape, index):
        self.grad, self.shape, self.index = grad, shape, index
        self.like = grad.like if isinstance(grad, PartialGrad) else grad  # a tensor: dtype

    def array(self):
        out = np.zeros(self.shape, dtype=self.like.dtype)
        g = self.grad
        region = out[self.index]  # a view, or a number (integers for every axis)
        if isinstance(g, PartialGrad) and type(region) is np.ndarray:
            g.write(region)  # computed straight into its place
        else:  # (into zeros: an assignment, not an addition)
            out[self.index] = g.array() if isinstance(g, PartialGrad) else g._data
        return out

    def write(self, out):
        out[...] = 0
        self.add_into(self.like._constant(out))

    def add_into(self, total):
        g = self.grad
        total._data[self.index] += g.array() if isinstance(g, PartialGrad) else g._data


class IndexAdd(Function):
    r"""z = zeros(shape); z[index] += x;   backward selects: dz/dx = grad[index]

    With integer-array indices an element may be selected twice (`x[[0, 0]]`); its two
    gradients must add, which `np.add.at` does. Plain slices never repeat, so a direct
    assignment does the same work faster.
    """

    def forward(self, x, shape, index):
        out = np.zeros(shape, dtype=x.dtype)
        if is_advanced(index):
            np.add.at(out, index, x)
        else:
            out[index] = x
        return out

    def backward(self, grad):
        return GetItem.apply(grad, index=self.params["index"])


class Pad(Function):
    r"""z = x surrounded by a constant;   backward slices the border off"""

    def forward(self, x, widths, value):
        return np.pad(x, widths, mode="constant", constant_values=value)

    def backward(self, grad):
        widths, shape = self.params["widths"], self.inputs[0].shape
        return grad[tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, shape))]


class Concat(Function):
    r"""z = x_1, x_2, ... joined along `dim`;   each input's gradient is its slice of grad"""

    def forward(self, *xs, dim):
        return np.concatenate(xs, axis=dim)

    def backward(self, grad):
        dim = self.params["dim"]
        lead = (slice(None),) * dim
        bounds = np.cumsum([0] + [x.shape[dim] for x in self.inputs])
        return tuple(
            grad[lead + (slice(int(lo), int(hi)),)] if need else None
            for lo, hi, need in zip(bounds[:-1], bounds[1:], self.needs_input_grad)
        )
