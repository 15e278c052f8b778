r"""Copying and writing primitives: `Clone` (a copy of its own) and `SetRegion` (x[index] = v).

A *region* of a tensor is what a chain of view *steps* selects from it, each step one of

    ("getitem", index)     x[index]   (basic or advanced indexing)
    ("reshape", shape)     x.reshape(shape)
    ("permute", dims)      x.permute(dims)

so `x[index] = v` writes the region (("getitem", index),), and an in-place change of a view
`y = x.reshape(2, 3)[0]` writes the region (("reshape", (2, 3)), ("getitem", 0)) of x. The
same steps replayed on a gradient select the gradient of the region (`view_steps`).
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function
from .elementwise import Where

NUMPY_STEPS = {
    "getitem": lambda a, index: a[index],
    "reshape": lambda a, shape: a.reshape(shape),
    "permute": lambda a, dims: a.transpose(dims),
}


def view_steps(x, steps: tuple):
    """The region of `x` (an ndarray or a Tensor) selected by `steps`."""
    for name, arg in steps:
        if isinstance(x, np.ndarray):
            x = NUMPY_STEPS[name](x, arg)
        else:  # a Tensor: the step is recorded and differentiable
            x = x[arg] if name == "getitem" else getattr(x, name)(arg)
    return x


def region_mask(shape: tuple[int, ...], steps: tuple) -> np.ndarray:
    """A boolean array of `shape`, True on the region the steps select.

    Computed by selecting from an array of positions (0, 1, 2, ...), so it works for every
    kind of step, also where a step would copy instead of giving a view.
    """
    positions = np.arange(int(np.prod(shape, dtype=np.int64))).reshape(shape)
    mask = np.zeros(positions.size, dtype=bool)
    mask[np.asarray(view_steps(positions, steps)).ravel()] = True
    return mask.reshape(shape)


class Clone(Function):
    r"""z = a copy of x in memory of its own;   dz/dx = 1"""

    def forward(self, x):
        return x.copy()

    def backward(self, grad):
        return grad


class SetRegion(Function):
    r"""z = x with a region replaced by v (broadcast to it);   dz/dx = 1 outside the region,
    0 inside;   dz/dv = the region of grad

    This primitive writes into x's own memory: z *is* x's array, changed (that is the
    point of `x[index] = v`). The graph stays right because the tensor that is changed
    becomes z, and the tensor it was before keeps its place in the graph (see inplace.py).
    Backward needs neither x nor v, only the steps, so it survives later changes of either.
    """

    def forward(self, x, v, steps):
        *lead, (name, arg) = steps
        target = view_steps(x, tuple(lead))  # views of x's memory
        if name == "getitem":  # numpy's x[index] = v, advanced indices included
            target[arg] = v
        else:
            NUMPY_STEPS[name](target, arg)[...] = v
        return x

    def backward(self, grad):
        need_x, need_v = self.needs_input_grad
        grad_x = grad_v = None
        if need_x:  # the old values were overwritten in the region: no gradient there
            zero = grad.new_zeros(())
            grad_x = Where.apply(zero, grad, mask=region_mask(grad.shape, self.params["steps"]))
        if need_v:
            grad_v = view_steps(grad, self.params["steps"])
        return grad_x, grad_v
