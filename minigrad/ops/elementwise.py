"""Elementwise primitives: one output element depends on one element of each input.

Shapes broadcast as in numpy; the graph walk sums each gradient back to its
input's shape (in `Tensor._backward`), so no op below thinks about broadcasting.
Masks and signs are piecewise constant: backward treats them as constants, which
is also what makes their second derivatives right (zero almost everywhere).
"""

from __future__ import annotations

import numpy as np

from ..autograd import Function, PartialGrad, partial_allowed
from ..recording import is_grad_enabled


def _quietly() -> np.errstate:
    """Where a result is inf or NaN by right (1/0, log 0, 0 ** -1, 0 * inf inside a masked
    gradient), numpy warns and PyTorch does not: the value is the answer, so no warning.

    Only around the ops that meet these cases (division, log, powers): entering an errstate
    costs about 1 us, more than an add on a small array.
    """
    return np.errstate(divide="ignore", invalid="ignore")


def _times(grad, arr: np.ndarray):
    """`grad * arr` in a backward that records nothing (no create_graph): numpy's product
    wrapped as a constant tensor, the numbers `grad * Tensor(arr)` gives without the checks
    and bookkeeping of an engine op (a third of the cost of a chain of small ops,
    benchmarks/bench_engine.py). Only for equal dtypes; otherwise the engine's own promotion."""
    g = grad._data
    if g.dtype is arr.dtype or g.dtype == arr.dtype:
        return grad._constant(g * arr)
    return grad * grad._constant(arr)


class Add(Function):
    r"""z = x + y;   dz/dx = 1,   dz/dy = 1"""

    def forward(self, x, y):
        return x + y

    def backward(self, grad):
        return grad, grad


class Sub(Function):
    r"""z = x - y;   dz/dx = 1,   dz/dy = -1   (a primitive, not x + (-y): one node, one pass)"""

    def forward(self, x, y):
        return x - y

    def backward(self, grad):
        return grad, -grad


class Mul(Function):
    r"""z = x * y;   dz/dx = y,   dz/dy = x"""

    def reads_input(self, i):  # x is needed for y's gradient, y for x's
        return self.inputs[1 - i].requires_grad

    def forward(self, x, y):
        return x * y

    def backward(self, grad):
        x, y = self.inputs  # (x.requires_grad, not needs_input_grad: 5% of a chain of muls)
        if not is_grad_enabled():  # no graph wanted: numpy's products (see _times)
            return (
                _times(grad, y._data) if x.requires_grad else None,
                _times(grad, x._data) if y.requires_grad else None,
            )
        return (grad * y if x.requires_grad else None), (grad * x if y.requires_grad else None)


class WeightedSum(Function):
    r"""z = w_1 x_1 + w_2 x_2 + ... + w_K x_K  with w_k = w[..., k, ...], index k along `dim`
    of w (elementwise, broadcasting);   dz/dx_k = w_k,   dz/dw_k = x_k

    apply(w, x_1, ..., x_K, dim=d). What K multiplications and K - 1 additions compute, as
    one op for speed (benchmarks/bench_conv.py: the depthwise convolution, a weighted sum of
    KH*KW shifted slices). As separate ops, the graph would keep all K products and K - 1
    partial sums alive until backward (2K - 1 fresh arrays, each written to memory no cache
    holds: 4 ms of a 10 ms step), and K slices of w; here the sum grows in one array and
    each product is freed as soon as it is added. The additions are done in the same order,
    so z is the composed sum bit for bit.
    """

    def reads_input(self, i):  # w is needed for the x's gradients, x_k for w's
        xs = self.inputs
        return any(x.requires_grad for x in xs[1:]) if i == 0 else xs[0].requires_grad

    def forward(self, w, *xs, dim):
        lead = (slice(None),) * dim
        with _quietly():  # inf * 0 is NaN, as in PyTorch's convolution (no warning there)
            z = xs[0] * w[lead + (0,)]
            for k in range(1, len(xs)):
                p = xs[k] * w[lead + (k,)]
                if p.shape == z.shape and p.dtype == z.dtype:
                    z += p  # (z is this op's own array: nothing else sees it change)
                else:  # the sum broadens (broadcasting or dtype): a new array
                    z = z + p
        return z

    def backward(self, grad):
        w, *xs = self.inputs
        dim = self.params["dim"]
        lead = (slice(None),) * dim
        record = is_grad_enabled()
        grads = []
        with _quietly():
            for k, x in enumerate(xs):
                wk = w[lead + (k,)] if record else w._data[lead + (k,)]
                if not x.requires_grad:
                    grads.append(None)
                elif record:  # create_graph: engine ops, to be differentiated again
                    grads.append(grad * wk)
                elif x.shape == grad.shape and w.dtype == grad.dtype and partial_allowed():
                    # multiplied when used: a slice adds it straight into its input's gradient
                    grads.append(ProductGrad(grad, wk))
                else:
                    grads.append(_times_to(grad, wk, x.shape))
            grad_w = None
            if w.requires_grad:
                shape = w.shape[:dim] + w.shape[dim + 1 :]  # the shape of one w_k
                if record:  # each sum of grad * x_k put in its place along dim, added up
                    grad_w = sum(
                        (grad * x).sum_to(shape).unsqueeze(dim).pad(_place(k, len(xs), dim, w.ndim))
                        for k, x in enumerate(xs)
                    )
                else:  # filled in place, each part summed with one BLAS dot per row (_times_to)
                    out = np.empty(w.shape, dtype=grad.dtype)
                    for k, x in enumerate(xs):
                        out[lead + (k,)] = _times_to(grad, x._data, shape)._data
                    grad_w = grad._constant(out)
        return (grad_w, *grads)


def _place(k: int, n: int, dim: int, ndim: int) -> list[int]:
    """Pad widths (PyTorch's order: last dim first) that put a size-1 dim at index k of n."""
    return [0, 0] * (ndim - 1 - dim) + [k, n - 1 - k]


class ProductGrad(PartialGrad):
    """grad * arr, not multiplied yet (autograd.PartialGrad): WeightedSum sends one per
    product, and the slice it reaches multiplies it into the sum for its input, one
    product at a time, each in memory the previous one just freed (instead of K product
    arrays made at once: 5 ms rather than 1.5 for the nine of a 32 x 64 x 16 x 16 depthwise
    convolution, bench_conv.py). grad and arr have the same dtype; the product has grad's
    shape."""

    __slots__ = ("like", "arr")

    def __init__(self, grad, arr: np.ndarray):
        self.like, self.arr = grad, arr

    def array(self) -> np.ndarray:
        with _quietly():  # inf * 0 is NaN, quietly, as in WeightedSum
            return self.like._data * self.arr

    def write(self, out: np.ndarray) -> None:
        """out[...] = the product, computed into out (a view of grad's shape)."""
        with _quietly():
            np.multiply(self.like._data, self.arr, out=out)

    def add_into(self, total):
        total._data += self.array()


def _times_to(grad, arr: np.ndarray, shape: tuple):
    """grad * arr summed down to `shape` (no create_graph): `_times` and then a sum over the
    broadcast axes, except that when the last axis is summed (a per-channel weight against
    (C, L) rows), each row's sum of products is one BLAS dot (np.vecdot): no product array
    of grad's size is made (0.06 ms instead of 0.2 for a 64 x 10,000 float32 pair)."""
    g = grad._data
    if (
        shape
        and shape[-1] == 1
        and g.ndim >= 1
        and g.shape[-1] > 1
        and arr.ndim == g.ndim
        and arr.shape[-1] == g.shape[-1]
        and g.dtype == arr.dtype
    ):
        s = np.vecdot(g, arr)  # the last axis summed; the others broadcast
        lead = s.ndim - (len(shape) - 1)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape[:-1]) if n == 1 and s.shape[lead + i] != 1
        )
        if axes:
            s = s.sum(axis=axes, keepdims=True)
        return grad._constant(s.reshape(shape))
    return _times(grad, arr).sum_to(shape)


class Div(Function):
    r"""z = x / y;   dz/dx = 1 / y,   dz/dy = -(x / y) / y   (integers divide into float32)"""

    def reads_input(self, i):  # y always; x only for y's gradient
        return i == 1 or self.inputs[1].requires_grad

    def forward(self, x, y):
        with _quietly():  # x / 0 is +-inf, 0 / 0 NaN
            if x.dtype.kind != "f" and y.dtype.kind != "f":  # true division, as PyTorch
                return np.true_divide(x, y, dtype=np.float32)
            return x / y

    def backward(self, grad):
        x, y = self.inputs
        need_x, need_y = self.needs_input_grad
        # (x / y) / y, not x / y^2: y^2 overflows where the quotient does not (PyTorch's form)
        return (grad / y if need_x else None), (-grad * (x / y / y) if need_y else None)


class Neg(Function):
    r"""z = -x;   dz/dx = -1"""

    def forward(self, x):
        return -x

    def backward(self, grad):
        return -grad


class PowScalar(Function):
    r"""z = x^k for a number k;   dz/dx = k x^(k-1), and exactly 0 for k = 0"""

    reads_inputs = (0,)

    def forward(self, x, k):
        if x.dtype.kind != "f" and not isinstance(k, int):  # int tensor ** 0.5 is float32
            x = x.astype(np.float32)
        if k > 0 and float(k).is_integer():  # x^1, x^2, ...: never inf or NaN from finite x
            return _SPECIAL_POWERS[k](x) if x.dtype.kind == "f" and k in _SPECIAL_POWERS else x**k
        with _quietly():  # 0 ** -1 is inf, (-1) ** 0.5 NaN
            if x.dtype.kind == "f" and k in _SPECIAL_POWERS:
                return _SPECIAL_POWERS[k](x)
            return x**k

    def backward(self, grad):
        (x,) = self.inputs
        k = self.params["k"]
        if k == 0:  # x^0 = 1 is constant, even where x is inf or NaN
            return grad.new_zeros(grad.shape)
        if k == 1:
            return grad
        if k == 2:
            return grad * (x * 2.0)
        return grad * (x ** (k - 1) * k)


# PyTorch computes these powers with other functions, whose results differ from a general
# power at -0.0 and -inf: (-0.0) ** -0.5 is 1/sqrt(-0.0) = -inf, (-inf) ** 0.5 is NaN.
_SPECIAL_POWERS = {
    0.5: np.sqrt,
    -0.5: lambda x: np.reciprocal(np.sqrt(x)),
    -1: np.reciprocal,
    -2: lambda x: np.reciprocal(x * x),
    2: lambda x: x * x,
    3: lambda x: x * x * x,
}


class Pow(Function):
    r"""z = x^y for tensors;   dz/dx = y x^(y-1),   dz/dy = x^y ln x

    PyTorch's conventions where the formulas give 0 * inf: dz/dx = 0 where y = 0, and
    dz/dy = 0 where x = 0 and y >= 0 (ln 0 = -inf, but 0^y does not change with y there).
    The masks are constants, so second derivatives follow the same conventions.
    """

    reads_inputs = (0, 1)

    def forward(self, x, y):
        with _quietly():  # 0 ** -1 is inf, (-1) ** 0.5 NaN
            return x**y

    def backward(self, grad):
        x, y = self.inputs
        need_x, need_y = self.needs_input_grad
        zero = grad.new_zeros(())
        grad_x = grad_y = None
        with _quietly():  # 0 * inf and log 0 where the masks below put PyTorch's 0
            if need_x:
                grad_x = Where.apply(zero, grad * y * x ** (y - 1.0), mask=y._data == 0)
            if need_y:  # grad * where(...), not where(grad * ...): PyTorch's order, NaN included
                flat = (x._data == 0) & (y._data >= 0)
                grad_y = grad * Where.apply(zero, x**y * x.log(), mask=flat)
        return grad_x, grad_y


class Sqrt(Function):
    r"""z = sqrt(x);   dz/dx = 1 / (2 z)

    A primitive, not x ** 0.5: PyTorch's derivative is 1 / (2 sqrt(x)), which differs from
    0.5 x^(-1/2) at x = -0.0 (-inf, not inf) and x = -inf (NaN, not 0).
    """

    saves_output = True

    def forward(self, x):
        with _quietly():  # the square root of a negative number is NaN
            return np.sqrt(_floating(x))

    def backward(self, grad):
        return grad / (self.output * 2.0)


class Exp(Function):
    r"""z = e^x;   dz/dx = e^x = z"""

    saves_output = True

    def forward(self, x):
        return np.exp(_floating(x))

    def backward(self, grad):
        return grad * self.output


class Log(Function):
    r"""z = ln x;   dz/dx = 1 / x"""

    reads_inputs = (0,)

    def forward(self, x):
        with _quietly():  # log 0 is -inf, log of a negative number NaN
            return np.log(_floating(x))

    def backward(self, grad):
        return grad / self.inputs[0]


class Abs(Function):
    r"""z = |x|;   dz/dx = sign(x)   (0 at x = 0 and at NaN, as PyTorch)"""

    reads_inputs = (0,)

    def forward(self, x):
        return np.abs(x)

    def backward(self, grad):
        (x,) = self.inputs
        return grad * x.sign()


def sign(x: np.ndarray) -> np.ndarray:
    """-1, 0 or 1 like np.sign, but 0 for NaN: PyTorch's sign, (x > 0) - (x < 0)."""
    if x.dtype.kind in "bu":  # no negative values (and bool - bool is refused by numpy)
        return (x > 0).astype(x.dtype)
    return np.asarray(np.subtract(x > 0, x < 0, dtype=x.dtype))


def _floating(x: np.ndarray) -> np.ndarray:
    """Integer and bool arrays become float32 (the default dtype) for exp, log, sqrt, ..."""
    return x if x.dtype.kind == "f" else x.astype(np.float32)


class Sigmoid(Function):
    r"""z = 1 / (1 + e^-x);   dz/dx = z (1 - z)

    A primitive for numerical stability: e^-x overflows for x < -88 in float32, so the
    forward pass uses e^x / (1 + e^x) for negative x.
    """

    saves_output = True

    def forward(self, x):
        x = _floating(x)
        e = np.exp(-np.abs(x))  # never overflows
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)

    def backward(self, grad):
        z = self.output
        if is_grad_enabled():  # create_graph: engine ops, to be differentiated again
            return grad * (z * (1.0 - z))
        zd = z._data  # no graph wanted: the same numbers in numpy, two graph nodes fewer
        return _times(grad, zd * (1.0 - zd))


class Tanh(Function):
    r"""z = tanh x;   dz/dx = 1 - z^2"""

    saves_output = True

    def forward(self, x):
        return np.tanh(_floating(x))

    def backward(self, grad):
        z = self.output
        if is_grad_enabled():  # create_graph: engine ops, to be differentiated again
            return grad * (1.0 - z * z)
        zd = z._data  # no graph wanted: the same numbers in numpy, two graph nodes fewer
        return _times(grad, 1.0 - zd * zd)


class Where(Function):
    r"""z = x where mask else y;   dz/dx = mask,   dz/dy = not mask   (mask is a constant)"""

    def forward(self, x, y, mask):
        return select(mask, x, y)

    def backward(self, grad):
        zero = grad.new_zeros(())
        mask = self.params["mask"]
        need_x, need_y = self.needs_input_grad
        grad_x = Where.apply(grad, zero, mask=mask) if need_x else None
        grad_y = Where.apply(zero, grad, mask=mask) if need_y else None
        return grad_x, grad_y


def select(mask: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """np.where(mask, x, y), bit for bit, computed with bitwise AND/OR for floats.

    numpy's `where` takes ~15 ns per element here (18 ms for ReLU on a 256x6x28x28 batch);
    selecting the bits with an all-ones/all-zeros integer mask is ~15x faster and exact
    (inf, nan and -0.0 included). Measured by benchmarks/bench_lenet.py.
    """
    if x.dtype != y.dtype or x.dtype not in (np.float32, np.float64):
        return np.where(mask, x, y)
    bits = np.dtype(f"i{x.dtype.itemsize}")
    # int8 -1 (all bits set) where mask holds, else 0; widened to x's width inside the AND
    keep = np.negative(np.asarray(mask, dtype=bool).view(np.int8))
    out = np.bitwise_and(x.view(bits), keep)
    y_bits = y.view(bits)
    if y.ndim or y_bits != 0:  # a +0.0 scalar adds no bits
        out = np.bitwise_or(out, np.bitwise_and(y_bits, np.invert(keep)))
    return out.view(x.dtype)


class Maximum(Function):
    r"""z = max(x, y);   dz/dx = [x > y] + [x = y]/2   (a tie splits the gradient in half)

    As in PyTorch, the smaller input gets exactly 0 (even if the gradient is NaN), and
    where x or y is NaN, z is NaN and both get the whole gradient.
    """

    def forward(self, x, y):
        self.save_for_backward(x == y, x < y, x > y)  # tie, x loses, y loses
        return np.maximum(x, y)

    def backward(self, grad):
        """Half each on a tie, 0 for the loser, all of it otherwise (Minimum's rule too)."""
        tie, x_loses, y_loses = self.saved_tensors
        zero = grad.new_zeros(())
        if tie.any():
            grad = Where.apply(grad * 0.5, grad, mask=tie)
        return Where.apply(zero, grad, mask=x_loses), Where.apply(zero, grad, mask=y_loses)


class Minimum(Function):
    r"""z = min(x, y);   dz/dx = [x < y] + [x = y]/2   (ties and NaN as in Maximum)"""

    backward = Maximum.backward  # the masks forward saves say which input lost

    def forward(self, x, y):
        self.save_for_backward(x == y, x > y, x < y)  # tie, x loses, y loses
        return np.minimum(x, y)


class Cast(Function):
    r"""z = x converted to another dtype;   dz/dx = 1 (the gradient is cast back)"""

    def forward(self, x, dtype):
        return x.astype(dtype)

    def backward(self, grad):
        return grad.to(self.inputs[0].dtype)


class Sin(Function):
    r"""z = sin x;   dz/dx = cos x"""

    def forward(self, x):
        return np.sin(x)

    def backward(self, grad):
        return grad * self.inputs[0].cos()


class Cos(Function):
    r"""z = cos x;   dz/dx = -sin x"""

    def forward(self, x):
        return np.cos(x)

    def backward(self, grad):
        return -grad * self.inputs[0].sin()
