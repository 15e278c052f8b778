"""Lesson 4 exercises: stable log-softmax, softmax cross-entropy as a Function, Adam, and a
training loop that applies softmax twice."""

from __future__ import annotations

import contextlib

import numpy as np

from ..factory import tensor
from ..tensor import Tensor, float64
from .core import Exercise, Mistake, Wrong
from .helpers import array, backward_grads, diagnose, first_order, need, second_order

# --------------------------------------------------------------------------------------------

log_softmax = Exercise(
    id="log-softmax",
    lesson=4,
    title="A numerically stable log-softmax from Tensor operations",
    stub='''"""Exercise log-softmax (lesson 4): compose log_softmax from exp, log, max and sum.

    log_softmax(x)_i = x_i - log(sum_j exp(x_j))       (along `dim`)

Use Tensor operations only (no new Function, and not Tensor.softmax, log_softmax or
logsumexp): the engine derives the gradient. It must stay finite for logits of 1e4,
where exp overflows.
"""

import minigrad as mg


def log_softmax(x, dim=-1):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise log-softmax (lesson 4): a reference solution."""

import minigrad as mg


def log_softmax(x, dim=-1):
    d = dim
    m = x.amax(d, keepdim=True).detach()  # any constant cancels out; the max avoids overflow
    shifted = x - m  # every entry <= 0, so exp(shifted) <= 1
    return shifted - shifted.exp().sum(d, keepdim=True).log()
''',
    hints=(
        "log(sum(exp(x))) = m + log(sum(exp(x - m))) for any constant m.",
        "Take m = x.amax(dim, keepdim=True): then every exp(x - m) is at most 1, no overflow.",
        "keepdim=True keeps the reduced axis (size 1), so the result broadcasts back against "
        "x along the right axis.",
    ),
    mistakes=(
        Mistake(".exp().sum(d, keepdim=True).log()", ".exp().sum(d).log()", "keepdim=True"),
        Mistake("m = x.amax(d, keepdim=True).detach()", "m = 0.0", "overflow"),
        Mistake("    d = dim\n", "    d = -1\n", "dim=0"),
    ),
)


@contextlib.contextmanager
def _forbid(*names: str):
    """Make some Tensor methods unavailable while a check runs."""
    saved = {n: getattr(Tensor, n) for n in names}

    def refuse(name):
        def method(self, *args, **kwargs):
            raise Wrong(f"the exercise asks you to write it without Tensor.{name}")

        return method

    try:
        for n in names:
            setattr(Tensor, n, refuse(n))
        yield
    finally:
        for n, fn in saved.items():
            setattr(Tensor, n, fn)


def _ref_log_softmax(x, dim):
    m = x.max(axis=dim, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=dim, keepdims=True))


_LS_X = np.array([[1.0, -0.5, 2.0, 0.3], [0.1, 0.2, -1.0, 1.5], [3.0, -2.0, 0.0, 0.7]])


@log_softmax.check("values along dim=-1 and dim=0")
def _ls_values(m) -> None:
    fn = need(m, "log_softmax")
    with _forbid("softmax", "log_softmax", "logsumexp"):
        for dim in (-1, 0):
            try:
                out = fn(tensor(_LS_X, dtype=float64), dim=dim)
            except ValueError as e:
                if "broadcast" not in str(e):
                    raise
                raise Wrong(
                    f"log_softmax(x, dim={dim}) fails ({e}): reduce with keepdim=True, so that "
                    "the sum keeps its axis (size 1) and broadcasts back against x"
                ) from None
            got = array(out, f"log_softmax(x, dim={dim})")
            other = _ref_log_softmax(_LS_X, -1 if dim == 0 else 0)
            diagnose(
                got,
                _ref_log_softmax(_LS_X, dim),
                f"log_softmax(x, dim={dim})",
                [(other, f"right for one axis but not for dim={dim}: use the dim argument")],
            )


@log_softmax.check("finite for logits of 1e4 (no overflow)")
def _ls_stable(m) -> None:
    fn = need(m, "log_softmax")
    x = np.array([[1e4, 0.0, -1e4], [5e3, 5e3 + 1.0, 0.0]])
    with _forbid("softmax", "log_softmax", "logsumexp"):
        got = array(fn(tensor(x, dtype=float64), dim=-1), "log_softmax(x) at logits 1e4")
    if not np.isfinite(got).all():
        raise Wrong(
            "overflow: exp(10000) is inf, so the result has inf or nan. Subtract the max "
            "along dim before exp (it cancels out in the formula)"
        )
    diagnose(got, _ref_log_softmax(x, -1), "log_softmax(x) at logits 1e4")


@log_softmax.check("the derived gradient passes gradcheck")
def _ls_grad(m) -> None:
    fn = need(m, "log_softmax")
    x = tensor(_LS_X, dtype=float64, requires_grad=True)
    with _forbid("softmax", "log_softmax", "logsumexp"):
        out = fn(x, dim=-1)
        if not getattr(out, "requires_grad", False):
            raise Wrong(
                "no gradient flows through your log_softmax: it was computed outside the graph "
                "(with .data, .numpy() or numpy). Use Tensor operations throughout"
            )
        first_order(lambda t: fn(t, dim=-1), [x], "gradcheck")


# --------------------------------------------------------------------------------------------

softmax_ce = Exercise(
    id="softmax-cross-entropy",
    lesson=4,
    title="Softmax cross-entropy as one Function: (softmax - onehot) / N",
    stub='''"""Exercise softmax-cross-entropy (lesson 4): the classifier's loss as a single op.

    loss = mean over n of  -log softmax(logits[n])[target[n]]
    d loss / d logits = (softmax(logits) - onehot(target)) / N

logits has shape (N, C); target (a keyword: SoftmaxCrossEntropy.apply(logits,
target=t)) is an integer numpy array of shape (N,). forward returns the loss (a 0-d
array) and must stay finite for logits of 1e4; backward returns the gradient of the
logits as a Tensor built with Tensor operations (x.softmax(dim=1) is allowed there).
"""

import numpy as np

import minigrad as mg
from minigrad.autograd import Function


class SoftmaxCrossEntropy(Function):
    def forward(self, logits, target):
        raise NotImplementedError("not implemented yet: forward")

    def backward(self, grad):
        raise NotImplementedError("not implemented yet: backward")
''',
    solution='''"""Exercise softmax-cross-entropy (lesson 4): a reference solution."""

import numpy as np

import minigrad as mg
from minigrad.autograd import Function


class SoftmaxCrossEntropy(Function):
    def forward(self, logits, target):
        self.target = target
        n = logits.shape[0]
        shifted = logits - logits.max(axis=1, keepdims=True)  # no overflow in exp
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return np.asarray(-log_p[np.arange(n), target].mean())

    def backward(self, grad):
        (x,) = self.inputs
        n = x.shape[0]
        onehot = np.zeros(x.shape, dtype=x.dtype)
        onehot[np.arange(n), self.target] = 1.0
        return grad * (x.softmax(dim=1) - mg.tensor(onehot, dtype=x.dtype)) / n
''',
    hints=(
        "forward: subtract each row's max from the logits before exp; then "
        "log_p = shifted - log(sum(exp(shifted))), and pick log_p[arange(N), target].",
        "The loss is a MEAN over the batch, so its gradient carries a 1/N.",
        "backward: grad * (x.softmax(dim=1) - onehot) / N, with x = self.inputs[0] and the "
        "one-hot target as a constant tensor.",
    ),
    mistakes=(
        Mistake(
            " - mg.tensor(onehot, dtype=x.dtype)) / n",
            " - mg.tensor(onehot, dtype=x.dtype))",
            "N = 4 times",
        ),
        Mistake(
            "shifted = logits - logits.max(axis=1, keepdims=True)",
            "shifted = logits",
            "overflow",
        ),
        Mistake(
            "(x.softmax(dim=1) - mg.tensor(onehot, dtype=x.dtype))",
            "mg.tensor(np.exp(x.numpy()) / np.exp(x.numpy()).sum(1, keepdims=True) - onehot)",
            "not differentiable",
        ),
    ),
)

_CE_X = np.array([[1.0, -0.5, 2.0], [0.1, 0.2, -1.0], [3.0, -2.0, 0.0], [0.5, 0.4, 0.3]])
_CE_T = np.array([2, 0, 0, 1])


def _ce_ref(x, t):
    lp = _ref_log_softmax(x, 1)
    return -lp[np.arange(len(t)), t].mean()


def _ce_apply(m):
    cls = need(m, "SoftmaxCrossEntropy")
    return lambda x: cls.apply(x, target=_CE_T)


@softmax_ce.check("forward: the mean of -log softmax at the target; finite at logits 1e4")
def _ce_forward(m) -> None:
    apply = _ce_apply(m)
    got = array(apply(tensor(_CE_X, dtype=float64)), "the loss")
    n = len(_CE_T)
    lp = _ref_log_softmax(_CE_X, 1)[np.arange(n), _CE_T]
    diagnose(
        got,
        _ce_ref(_CE_X, _CE_T),
        "the loss",
        [
            (-lp.sum(), "you summed over the batch; the loss is the mean (divide by N)"),
            (lp.mean(), "the loss is MINUS the mean log-probability"),
        ],
    )
    big = _CE_X * 1e4
    got = array(apply(tensor(big, dtype=float64)), "the loss at logits 1e4")
    if not np.isfinite(got).all():
        raise Wrong(
            "overflow at logits of 1e4: exp(10000) is inf. Subtract each row's max from the "
            "logits before exp (the softmax does not change)"
        )
    diagnose(got, _ce_ref(big, _CE_T), "the loss at logits 1e4", rtol=1e-6)


@softmax_ce.check("backward: (softmax - onehot) / N times grad; gradcheck passes")
def _ce_backward(m) -> None:
    apply = _ce_apply(m)
    seed = np.array(1.7)
    (got,) = backward_grads(apply, [tensor(_CE_X, dtype=float64, requires_grad=True)], seed)
    p = np.exp(_ref_log_softmax(_CE_X, 1))
    n = len(_CE_T)
    onehot = np.eye(3)[_CE_T]
    want = seed * (p - onehot) / n
    diagnose(
        got,
        want,
        "the gradient",
        [
            (
                want * n,
                f"your gradient is N = {n} times too large: the loss is the mean over "
                "the batch, so divide by N",
            ),
            (seed * p / n, "you returned softmax / N: subtract the one-hot target"),
            ((p - onehot) / n, "you did not multiply by grad (the incoming gradient)"),
        ],
    )
    first_order(apply, [tensor(_CE_X, dtype=float64, requires_grad=True)], "gradcheck")


@softmax_ce.check("second derivative: gradgradcheck passes")
def _ce_double(m) -> None:
    second_order(_ce_apply(m), [tensor(_CE_X, dtype=float64, requires_grad=True)], "gradgradcheck")


# --------------------------------------------------------------------------------------------

adam = Exercise(
    id="adam-step",
    lesson=4,
    title="One Adam update in numpy, bias correction included",
    stub='''"""Exercise adam-step (lesson 4): the Adam optimizer's update for one parameter array.

    m = beta1 * m + (1 - beta1) * g           v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)                v_hat = v / (1 - beta2**t)
    p = p - lr * m_hat / (sqrt(v_hat) + eps)

t counts steps from 1. Return the new (p, m, v) as numpy arrays; m and v are the
running moments, which the next call receives back.
"""

import numpy as np


def adam_step(p, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    raise NotImplementedError("not implemented yet")
''',
    solution='''"""Exercise adam-step (lesson 4): a reference solution."""

import numpy as np


def adam_step(p, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)  # the moments start at 0: undo that bias
    v_hat = v / (1 - beta2**t)
    p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p, m, v
''',
    hints=(
        "m and v start at zero, so at t = 1 they are (1 - beta) times too small: the bias "
        "corrections divide by (1 - beta**t).",
        "eps goes outside the square root: sqrt(v_hat) + eps.",
        "Return m and v themselves (not m_hat, v_hat): the next step updates them again.",
    ),
    mistakes=(
        Mistake(
            "m_hat = m / (1 - beta1**t)  # the moments start at 0: undo that bias\n"
            "    v_hat = v / (1 - beta2**t)",
            "m_hat = m\n    v_hat = v",
            "bias correction",
        ),
        Mistake("(np.sqrt(v_hat) + eps)", "np.sqrt(v_hat + eps)", "outside the square root"),
        Mistake("return p, m, v", "return p, m_hat, v_hat", "not the bias-corrected"),
    ),
)


def _adam_run(step, steps=5, eps=1e-8, variant=None):
    rng = np.random.default_rng(4)
    p = rng.standard_normal(6)
    m, v = np.zeros(6), np.zeros(6)
    for t in range(1, steps + 1):
        g = rng.standard_normal(6) * 0.1
        out = step(p.copy(), g, m.copy(), v.copy(), t, lr=0.01, eps=eps)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise Wrong("adam_step should return three arrays: (p, m, v)")
        p, m, v = (array(a, n) for a, n in zip(out, ("p", "m", "v")))
    return p


def _adam_variant(kind):
    def step(p, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m if kind == "no-correction" else m / (1 - beta1**t)
        v_hat = v if kind == "no-correction" else v / (1 - beta2**t)
        if kind == "eps-inside":
            p = p - lr * m_hat / np.sqrt(v_hat + eps)
        else:
            p = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        if kind == "return-hat":
            return p, m_hat, v_hat
        return p, m, v

    return step


@adam.check("five steps match Adam (bias correction, eps outside the root)")
def _adam_steps(m) -> None:
    step = need(m, "adam_step")
    for eps in (1e-8, 1e-3):
        got = _adam_run(step, eps=eps)
        diagnose(
            got,
            _adam_run(_adam_variant("right"), eps=eps),
            f"the parameters after 5 steps (eps={eps})",
            [
                (
                    _adam_run(_adam_variant("no-correction"), eps=eps),
                    "your steps are too small at the start: the bias correction is missing "
                    "(divide m by 1 - beta1**t and v by 1 - beta2**t)",
                ),
                (
                    _adam_run(_adam_variant("eps-inside"), eps=eps),
                    "eps belongs outside the square root: sqrt(v_hat) + eps",
                ),
                (
                    _adam_run(_adam_variant("return-hat"), eps=eps),
                    "the first step is right, later ones are not: return the raw moments m "
                    "and v, not the bias-corrected m_hat and v_hat",
                ),
            ],
            rtol=1e-9,
            atol=1e-12,
        )


# --------------------------------------------------------------------------------------------

softmax_twice = Exercise(
    id="bug-softmax-twice",
    lesson=4,
    title="Find the bug: a classifier that trains badly",
    requires=("minigrad.nn", "minigrad.optim", "minigrad.functional"),
    stub='''"""Exercise bug-softmax-twice (lesson 4): find the bug in this training code.

This classifier learns three well-separated classes, yet its loss creeps down far more
slowly than it should and stalls high. Find the bug, fix it, and delete the
`raise NotImplementedError` line. Keep predict_proba returning probabilities.
"""

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim


def make_model():
    raise NotImplementedError("not implemented yet: find and fix the bug, then delete this line")
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3), nn.Softmax(dim=1))


def train(model, x, y, steps=100, lr=0.5):
    opt = optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


def predict_proba(model, x):
    """Class probabilities, each row summing to 1."""
    return model(x)
''',
    solution='''"""Exercise bug-softmax-twice (lesson 4): a reference solution."""

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim


def make_model():
    # The model returns raw scores (logits): F.cross_entropy applies log_softmax itself.
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))


def train(model, x, y, steps=100, lr=0.5):
    opt = optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


def predict_proba(model, x):
    """Class probabilities, each row summing to 1."""
    return F.softmax(model(x), dim=1)
''',
    hints=(
        "Look at what the model outputs, and at what F.cross_entropy expects as its input.",
        "F.cross_entropy takes raw scores (logits) and applies log_softmax itself.",
        "With nn.Softmax at the end, softmax is applied twice: the loss sees "
        "log_softmax(softmax(z)), which is nearly flat. Remove the layer from the model and "
        "apply softmax only in predict_proba.",
    ),
    mistakes=(
        Mistake(
            "nn.Linear(16, 3))\n",
            "nn.Linear(16, 3), nn.Softmax(dim=1))\n",
            "softmax is applied twice",
        ),
        Mistake("    return F.softmax(model(x), dim=1)", "    return model(x)", "probabilities"),
    ),
)


def _blobs():
    rng = np.random.default_rng(5)
    centers = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    y = np.repeat(np.arange(3), 20)
    x = centers[y] + 0.4 * rng.standard_normal((60, 2))
    return tensor(x, dtype=np.float32), tensor(y)


@softmax_twice.check("the model outputs raw scores for cross_entropy")
def _st_logits(m) -> None:
    from ..factory import manual_seed

    manual_seed(0)
    model = need(m, "make_model")()
    x, _ = _blobs()
    out = array(model(x), "model(x)")
    if out.shape != (60, 3):
        raise Wrong(f"model(x) has shape {out.shape}, expected (60, 3)")
    if np.allclose(out.sum(1), 1.0, atol=1e-5) and (out >= 0).all():
        raise Wrong(
            "softmax is applied twice: the model ends in a softmax, and F.cross_entropy "
            "applies log_softmax again. Its input must be the raw scores (logits)"
        )


@softmax_twice.check("training reaches a low loss on three separated classes")
def _st_train(m) -> None:
    from ..factory import manual_seed

    manual_seed(0)
    model = need(m, "make_model")()
    x, y = _blobs()
    loss = need(m, "train")(model, x, y, steps=100, lr=0.5)
    if not isinstance(loss, float) or not loss < 0.2:
        raise Wrong(f"after 100 steps the loss is {loss}; on these data it should be below 0.2")


@softmax_twice.check("predict_proba returns probabilities (rows sum to 1)")
def _st_proba(m) -> None:
    from ..factory import manual_seed

    manual_seed(0)
    model = need(m, "make_model")()
    x, _ = _blobs()
    p = array(need(m, "predict_proba")(model, x), "predict_proba(model, x)")
    if p.shape != (60, 3):
        raise Wrong(f"predict_proba(model, x) has shape {p.shape}, expected (60, 3)")
    if not (np.allclose(p.sum(1), 1.0, atol=1e-5) and (p >= 0).all()):
        raise Wrong(
            "predict_proba should return probabilities (each row sums to 1): apply "
            "F.softmax(model(x), dim=1) there, now that the model returns logits"
        )


EXERCISES = [log_softmax, softmax_ce, adam, softmax_twice]
