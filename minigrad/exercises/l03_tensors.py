"""Lesson 3 exercises: gradients of tensors (broadcasting, matmul) and new ops as Functions."""

from __future__ import annotations

import numpy as np

from ..factory import tensor
from ..tensor import float64
from .core import Exercise, Mistake, Wrong
from .helpers import array, backward_grads, diagnose, first_order, need, second_order

_FUNCTION_HEADER = """
import numpy as np

import minigrad as mg
from minigrad.autograd import Function
"""

# --------------------------------------------------------------------------------------------

linear_backward = Exercise(
    id="linear-backward",
    lesson=3,
    title="The backward of y = x @ W + b, in numpy",
    stub='''"""Exercise linear-backward (lesson 3): gradients of a linear layer, by shapes.

    y = x @ W + b      x: (N, D)   W: (D, M)   b: (M,)   y: (N, M)

Given dy = dL/dy (shape (N, M)), return (dx, dW, db), each with the shape of what it
is the gradient of. Use numpy. The checker compares with the engine's gradients.
"""

import numpy as np


def linear_backward(x, W, b, dy):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise linear-backward (lesson 3): a reference solution."""

import numpy as np


def linear_backward(x, W, b, dy):
    dx = dy @ W.T  # (N, M) @ (M, D) -> (N, D)
    dW = x.T @ dy  # (D, N) @ (N, M) -> (D, M)
    db = dy.sum(axis=0)  # b was broadcast over the N rows: add their gradients
    return dx, dW, db
''',
    hints=(
        "Let the shapes guide you: dx must be (N, D), and the only way to get it from dy "
        "(N, M) and W (D, M) is dy @ W.T.",
        "dW must be (D, M): x.T @ dy.",
        "b was added to every one of the N rows (broadcasting), so each row's gradient "
        "reaches b: sum dy over the batch axis.",
    ),
    mistakes=(
        Mistake("db = dy.sum(axis=0)", "db = dy", "broadcast input was not summed"),
        Mistake("db = dy.sum(axis=0)", "db = dy.mean(axis=0)", "mean"),
        Mistake("dW = x.T @ dy", "dW = dy.T @ x", "transposed"),
    ),
)


def _linear_case(rng):
    x = rng.standard_normal((4, 3))
    W = rng.standard_normal((3, 5))
    b = rng.standard_normal(5)
    dy = rng.standard_normal((4, 5))
    xt, Wt, bt = (tensor(a, dtype=float64, requires_grad=True) for a in (x, W, b))
    (xt @ Wt + bt).backward(tensor(dy, dtype=float64))
    return (x, W, b, dy), (xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy())


def _linear_got(m, which: int):
    rng = np.random.default_rng(3)
    args, want = _linear_case(rng)
    out = need(m, "linear_backward")(*(a.copy() for a in args))
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise Wrong("linear_backward should return three arrays: (dx, dW, db)")
    return args, array(out[which], ("dx", "dW", "db")[which]), want[which]


@linear_backward.check("dx equals the engine's")
def _dx(m) -> None:
    (x, W, b, dy), got, want = _linear_got(m, 0)
    diagnose(got, want, "dx")


@linear_backward.check("dW equals the engine's")
def _dw(m) -> None:
    (x, W, b, dy), got, want = _linear_got(m, 1)
    if got.shape == (5, 3):
        raise Wrong("dW has the shape of W transposed, (M, D): use x.T @ dy, shape (D, M)")
    diagnose(got, want, "dW")


@linear_backward.check("db equals the engine's")
def _db(m) -> None:
    (x, W, b, dy), got, want = _linear_got(m, 2)
    if got.shape == dy.shape:
        raise Wrong(
            "db: the gradient of a broadcast input was not summed: b (shape (5,)) was added "
            "to each of the 4 rows, so db = dy.sum(axis=0); yours has dy's shape (4, 5)"
        )
    diagnose(
        got,
        want,
        "db",
        [
            (dy.mean(0), "you took the mean over the batch; the gradient is the sum"),
            (dy.sum(1), "summed over the wrong axis: sum over the batch (axis 0)"),
        ],
    )


# --------------------------------------------------------------------------------------------

sigmoid = Exercise(
    id="sigmoid-function",
    lesson=3,
    title="Sigmoid as a new Function (gradcheck and gradgradcheck)",
    stub='''"""Exercise sigmoid-function (lesson 3): a new op with its own forward and backward.

    s = sigmoid(x) = 1 / (1 + exp(-x))         ds/dx = s * (1 - s)

forward gets numpy arrays and returns one; backward gets grad (a Tensor, dL/ds) and
returns dL/dx as a Tensor computed with Tensor operations (so that the engine can
differentiate it again: gradgradcheck). With saves_output = True, self.output is s.
"""
'''
    + _FUNCTION_HEADER
    + """

class Sigmoid(Function):
    saves_output = True

    def forward(self, x):
        raise NotImplementedError("not implemented yet: Sigmoid.forward")

    def backward(self, grad):
        raise NotImplementedError("not implemented yet: Sigmoid.backward")
""",
    solution='''"""Exercise sigmoid-function (lesson 3): a reference solution."""
'''
    + _FUNCTION_HEADER
    + """

class Sigmoid(Function):
    saves_output = True

    def forward(self, x):
        return 1.0 / (1.0 + np.exp(-x))

    def backward(self, grad):
        s = self.output  # a Tensor: the backward below is itself differentiable
        return grad * s * (1 - s)
""",
    hints=(
        "forward is plain numpy: 1.0 / (1.0 + np.exp(-x)).",
        "In backward, take s = self.output (a Tensor) and return grad * s * (1 - s).",
        "Do not use self.output.numpy() or numpy in backward: the result must stay in the graph "
        "for the second derivative.",
    ),
    mistakes=(
        Mistake("grad * s * (1 - s)", "grad * s", "forgot the factor (1 - s)"),
        Mistake(
            "        s = self.output  #",
            "        x = self.inputs[0]\n        s = x  #",
            "used the input x",
        ),
        Mistake(
            "        s = self.output  #", "        s = mg.tensor(self.output.numpy())  #", "numpy"
        ),
    ),
)

_SIG_X = np.array([[-3.0, -0.7, 0.2], [1.1, 2.5, -1.6]])


def _x(values=_SIG_X):
    return tensor(values, dtype=float64, requires_grad=True)


@sigmoid.check("forward equals 1 / (1 + exp(-x))")
def _sig_forward(m) -> None:
    cls = need(m, "Sigmoid")
    got = array(cls.apply(_x()), "Sigmoid.apply(x)")
    s = 1 / (1 + np.exp(-_SIG_X))
    diagnose(got, s, "the forward", [(np.exp(-_SIG_X) / (1 + np.exp(-_SIG_X)), "that is 1 - s")])


@sigmoid.check("backward equals s * (1 - s) * grad; gradcheck passes")
def _sig_backward(m) -> None:
    cls = need(m, "Sigmoid")
    seed = np.random.default_rng(0).standard_normal(_SIG_X.shape)
    (got,) = backward_grads(cls.apply, [_x()], seed)
    s = 1 / (1 + np.exp(-_SIG_X))
    diagnose(
        got,
        seed * s * (1 - s),
        "the gradient",
        [
            (seed * s, "you forgot the factor (1 - s): ds/dx = s * (1 - s)"),
            (seed * _SIG_X * (1 - _SIG_X), "you used the input x in s * (1 - s); use s"),
            (s * (1 - s), "you did not multiply by grad (the chain rule's incoming gradient)"),
        ],
    )
    first_order(cls.apply, [_x()], "gradcheck")


@sigmoid.check("second derivative: gradgradcheck passes")
def _sig_double(m) -> None:
    second_order(need(m, "Sigmoid").apply, [_x()], "gradgradcheck")


# --------------------------------------------------------------------------------------------

elu = Exercise(
    id="elu-function",
    lesson=3,
    title="ELU as a new Function, with alpha",
    stub='''"""Exercise elu-function (lesson 3): the exponential linear unit as a Function.

    elu(x) = x                     if x > 0
             alpha * (exp(x) - 1)  otherwise

alpha is a keyword hyperparameter: ELU.apply(x, alpha=0.5) calls forward(x, alpha=0.5).
Write the derivative yourself; backward must use Tensor operations (mg.where(mask,
a, b) picks elementwise; a boolean numpy mask is fine as a constant).
"""
'''
    + _FUNCTION_HEADER
    + """

class ELU(Function):
    def forward(self, x, alpha=1.0):
        raise NotImplementedError("not implemented yet: ELU.forward")

    def backward(self, grad):
        raise NotImplementedError("not implemented yet: ELU.backward")
""",
    solution='''"""Exercise elu-function (lesson 3): a reference solution."""
'''
    + _FUNCTION_HEADER
    + """

class ELU(Function):
    def forward(self, x, alpha=1.0):
        self.alpha = alpha
        return np.where(x > 0, x, alpha * (np.exp(x) - 1))

    def backward(self, grad):
        (x,) = self.inputs
        slope = mg.where(x > 0, 1.0, self.alpha * x.exp())  # d elu / dx
        return grad * slope
""",
    hints=(
        "forward: np.where(x > 0, x, alpha * (np.exp(x) - 1)); keep alpha on self.",
        "The derivative is 1 where x > 0 and alpha * exp(x) elsewhere.",
        "In backward, x = self.inputs[0] is a Tensor: use x.exp() (not np.exp) and "
        "mg.where(x > 0, 1.0, ...), so the second derivative works.",
    ),
    mistakes=(
        Mistake("1.0, self.alpha * x.exp())", "1.0, x.exp())", "alpha = 1"),
        Mistake(
            "mg.where(x > 0, 1.0, self.alpha * x.exp())",
            "mg.tensor(np.where(x.numpy() > 0, 1.0, self.alpha * np.exp(x.numpy())))",
            "not differentiable",
        ),
    ),
)

_ELU_X = np.array([[-2.0, -0.6, 0.3], [1.7, -1.2, 0.8]])


def _elu_apply(m, alpha):
    cls = need(m, "ELU")
    return lambda x: cls.apply(x, alpha=alpha)


@elu.check("forward equals elu(x) for alpha = 1 and alpha = 0.5")
def _elu_forward(m) -> None:
    for alpha in (1.0, 0.5):
        got = array(_elu_apply(m, alpha)(_x(_ELU_X)), f"ELU.apply(x, alpha={alpha})")
        want = np.where(_ELU_X > 0, _ELU_X, alpha * (np.exp(_ELU_X) - 1))
        diagnose(
            got,
            want,
            f"the forward for alpha={alpha}",
            [(np.where(_ELU_X > 0, _ELU_X, np.exp(_ELU_X) - 1), "alpha is ignored")],
        )


@elu.check("backward is right for x > 0 and x < 0, alpha = 1 and 0.5; gradcheck passes")
def _elu_backward(m) -> None:
    seed = np.random.default_rng(1).standard_normal(_ELU_X.shape)
    pos = _ELU_X > 0
    for alpha in (1.0, 0.5):
        (got,) = backward_grads(_elu_apply(m, alpha), [_x(_ELU_X)], seed)
        want = seed * np.where(pos, 1.0, alpha * np.exp(_ELU_X))
        diagnose(
            got,
            want,
            f"the gradient for alpha={alpha}",
            [
                (
                    seed * np.where(pos, 1.0, np.exp(_ELU_X)),
                    "right for alpha = 1 but not for alpha = 0.5: for x < 0 the derivative "
                    "is alpha * exp(x)",
                ),
                (seed * np.where(pos, _ELU_X, want / seed), "for x > 0 the derivative is 1"),
                (seed * np.where(pos, 1.0, alpha * (np.exp(_ELU_X) - 1)), "that is the forward"),
            ],
        )
        first_order(_elu_apply(m, alpha), [_x(_ELU_X)], f"gradcheck (alpha={alpha})")


@elu.check("second derivative: gradgradcheck passes")
def _elu_double(m) -> None:
    second_order(_elu_apply(m, 0.5), [_x(_ELU_X)], "gradgradcheck")


# --------------------------------------------------------------------------------------------

prelu = Exercise(
    id="prelu-function",
    lesson=3,
    title="PReLU as a Function: a learned slope per channel",
    stub='''"""Exercise prelu-function (lesson 3): PReLU, a ReLU whose negative slope is learned.

    prelu(x, weight) = x             where x > 0
                       weight * x    otherwise

x has shape (N, C) or (N, C, H, W); weight has shape (C,): one slope per channel (axis 1).
Return BOTH gradients from backward, (grad_x, grad_weight), and give grad_weight the
weight's own shape (C,): add up the contributions of every position that shares a slope.
"""
'''
    + _FUNCTION_HEADER
    + """

class PReLU(Function):
    def forward(self, x, weight):
        raise NotImplementedError("not implemented yet: PReLU.forward")

    def backward(self, grad):
        raise NotImplementedError("not implemented yet: PReLU.backward")
""",
    solution='''"""Exercise prelu-function (lesson 3): a reference solution."""
'''
    + _FUNCTION_HEADER
    + '''

def channel_shape(x_ndim, c):
    """(1, C) or (1, C, 1, 1): lines the weight up with the channel axis."""
    return (1, c) + (1,) * (x_ndim - 2)


class PReLU(Function):
    def forward(self, x, weight):
        w = weight.reshape(channel_shape(x.ndim, weight.shape[0]))
        return np.where(x > 0, x, w * x)

    def backward(self, grad):
        x, weight = self.inputs
        positive = x > 0  # a constant mask
        w = weight.reshape(channel_shape(x.ndim, weight.shape[0]))
        grad_x = grad * mg.where(positive, 1.0, w)
        other_axes = (0,) + tuple(range(2, x.ndim))  # every axis but the channel axis
        grad_w = (grad * mg.where(positive, 0.0, x)).sum(other_axes)
        return grad_x, grad_w
''',
    hints=(
        "Reshape the weight to (1, C) or (1, C, 1, 1) so that it lines up with axis 1; "
        "(C,) alone would line up with the LAST axis.",
        "grad_x = grad * (1 where x > 0, else weight); grad_weight = grad * (0 where x > 0, "
        "else x), then summed.",
        "Every position of channel c used the same slope weight[c]: sum over axis 0 and "
        "(for 4-D) axes 2 and 3.",
    ),
    mistakes=(
        Mistake(
            "        grad_w = (grad * mg.where(positive, 0.0, x)).sum(other_axes)",
            "        grad_w = grad * mg.where(positive, 0.0, x)",
            "not summed",
        ),
        Mistake(
            "        w = weight.reshape(channel_shape(x.ndim, weight.shape[0]))\n        return",
            "        w = weight\n        return",
            "(N, C, H, W)",
        ),
    ),
)

_PRELU_CASES = {
    "(N, C)": (np.array([[-1.5, 0.4, -0.3], [0.9, -2.0, 1.2]]), np.array([0.1, 0.25, -0.2])),
    "(N, C, H, W)": (
        np.random.default_rng(7).standard_normal((2, 3, 2, 3)),
        np.array([0.1, 0.25, -0.2]),
    ),
}


def _prelu_ref(x, w):
    wb = w.reshape((1, -1) + (1,) * (x.ndim - 2))
    return np.where(x > 0, x, wb * x)


@prelu.check("forward for x of shape (N, C) and (N, C, H, W)")
def _prelu_forward(m) -> None:
    cls = need(m, "PReLU")
    for what, (x, w) in _PRELU_CASES.items():
        try:
            got = array(cls.apply(_x(x), _x(w)), f"PReLU.apply for {what}")
        except ValueError as e:
            if what == "(N, C)":
                raise
            raise Wrong(
                f"works for (N, C) but not for (N, C, H, W) ({e}): reshape the weight to "
                "(1, C, 1, 1) so that it lines up with the channel axis"
            ) from None
        diagnose(got, _prelu_ref(x, w), f"the forward for x of shape {what}")


@prelu.check("backward: grad_x, and grad_weight with the weight's shape (C,)")
def _prelu_backward(m) -> None:
    cls = need(m, "PReLU")
    for what, (x, w) in _PRELU_CASES.items():
        seed = np.random.default_rng(2).standard_normal(x.shape)
        gx, gw = backward_grads(cls.apply, [_x(x), _x(w)], seed)
        wb = w.reshape((1, -1) + (1,) * (x.ndim - 2))
        diagnose(gx, seed * np.where(x > 0, 1.0, wb), f"grad_x for {what}")
        full = seed * np.where(x > 0, 0.0, x)
        if gw is None:
            raise Wrong("backward returned None for the weight: it needs a gradient too")
        if gw.shape == x.shape:
            axes = "axis 0" if x.ndim == 2 else "axes 0, 2 and 3"
            raise Wrong(
                f"grad_weight for {what}: the gradient of a broadcast input was not summed: "
                f"weight has shape {w.shape} but you returned shape {gw.shape}; sum over {axes}"
            )
        diagnose(gw, full.sum(axis=(0,) + tuple(range(2, x.ndim))), f"grad_weight for {what}")
    x, w = _PRELU_CASES["(N, C, H, W)"]
    first_order(cls.apply, [_x(x), _x(w)], "gradcheck")


@prelu.check("second derivative: gradgradcheck passes")
def _prelu_double(m) -> None:
    x, w = _PRELU_CASES["(N, C)"]
    second_order(need(m, "PReLU").apply, [_x(x), _x(w)], "gradgradcheck")


EXERCISES = [linear_backward, sigmoid, elu, prelu]
