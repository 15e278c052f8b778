"""Matrix product, with numpy's rules for 1-D operands and batch dimensions.

For matrices, Z = X @ Y gives dZ/dX = grad @ Y^T and dZ/dY = X^T @ grad: check
the shapes, (N, M) = (N, K) @ (K, M), and the formulas are the only way to make
them fit. A 1-D operand is treated as a row (on the left) or a column (on the
right) and the added axis removed again; batch dimensions broadcast, and the
graph walk sums the gradient back over broadcast batch dimensions.
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function


class MatMul(Function):
    r"""Z = X @ Y;   dZ/dX = grad @ Y^T,   dZ/dY = X^T @ grad"""

    def reads_input(self, i):  # X is needed for Y's gradient, Y for X's
        return self.inputs[1 - i].requires_grad

    def forward(self, x, y):
        if x.shape[-1] == 1 and x.ndim > 1 and y.ndim > 1:
            # a sum of one product: an outer product, (.., N, 1) * (.., 1, M). numpy's matmul
            # runs it as a loop of tiny products, 5x slower than this broadcast multiply
            # (the input gradient of a depthwise convolution, benchmarks/bench_conv.py)
            return np.multiply(x, y)
        return np.matmul(x, y)

    def backward(self, grad):
        x, y = self.inputs
        need_x, need_y = self.needs_input_grad
        if y.ndim == 1:  # a column vector: (K,) -> (K, 1); the output lost that last axis
            y = y.reshape(y.shape + (1,))
            grad = grad.unsqueeze(-1)
        if x.ndim == 1:  # a row vector: (K,) -> (1, K); the output lost that row axis
            x = x.reshape((1,) + x.shape)
            grad = grad.unsqueeze(-2)
        grad_x = grad_y = None
        if need_x:
            if _long_contraction(grad, y):  # conv2d's weight gradient: (O, L*N) @ (L*N, K)
                # the same product, transposed: OpenBLAS runs (K, L*N) @ (L*N, O) with
                # contiguous operands 1.2-1.6x faster (benchmarks/README.md)
                grad_x = (y @ grad.mT).mT
            else:
                grad_x = grad @ y.mT
        if need_y:
            if grad.ndim == 2 and _transposed(y):
                # y is a transposed matrix (linear's w.T): its gradient in the same memory
                # order, so that w's gradient is contiguous like w (keeping a gradient copies
                # it, and a copy into the other order transposes: 1 s for 4096 x 9216)
                grad_y = (grad.mT @ x).mT
            elif x.ndim == 2 and grad.ndim == 2 and x.shape[0] * x.shape[1] <= _SMALL:
                # a small left factor (conv2d's weight, for its input gradient): a contiguous
                # copy of its transpose costs nothing and makes the product 1.1-1.3x faster
                grad_y = x.mT.clone() @ grad
            else:
                grad_y = x.mT @ grad
        x0, y0 = self.inputs
        if grad_x is not None and x0.ndim == 1:  # (.., 1, K) -> sum batch dims, then (K,)
            grad_x = grad_x.reshape(grad_x.shape[:-2] + grad_x.shape[-1:])
        if grad_y is not None and y0.ndim == 1:  # (.., K, 1) -> (K,)
            grad_y = grad_y.reshape(grad_y.shape[:-1])
        return grad_x, grad_y


_SMALL = 1 << 16  # elements: a weight matrix, not a batch


def _transposed(y) -> bool:
    """Is y a matrix laid out column by column (the transpose of a contiguous matrix)?"""
    flags = y._data.flags
    return y.ndim == 2 and flags.f_contiguous and not flags.c_contiguous


def _long_contraction(grad, y) -> bool:
    """Is grad @ y^T a small matrix summed over a long axis (both factors 2-D)?"""
    if grad.ndim != 2 or y.ndim != 2:
        return False
    (m, k), n = grad.shape, y.shape[0]
    return k >= 8 * max(m, n)
