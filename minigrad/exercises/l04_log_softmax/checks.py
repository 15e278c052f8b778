"""Checks of log-softmax: values along both axes, stability at 1e4, the derived gradient."""

import contextlib

import numpy as np

from ...factory import tensor
from ...tensor import Tensor
from ..helpers import Wrong, array, check, diagnose, first_order, leaf, need

X = np.array([[1.0, -0.5, 2.0, 0.3], [0.1, 0.2, -1.0, 1.5], [3.0, -2.0, 0.0, 0.7]])


@contextlib.contextmanager
def forbid(*names: str):
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


def reference(x, dim):
    """log_softmax in numpy (softmax-cross-entropy's checks use it too)."""
    m = x.max(axis=dim, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=dim, keepdims=True))


@check("values along dim=-1 and dim=0")
def values(m) -> None:
    fn = need(m, "log_softmax")
    with forbid("softmax", "log_softmax", "logsumexp"):
        for dim in (-1, 0):
            try:
                out = fn(tensor(X, dtype=np.float64), dim=dim)
            except ValueError as e:
                if "broadcast" not in str(e):
                    raise
                raise Wrong(
                    f"log_softmax(x, dim={dim}) fails ({e}): reduce with keepdim=True, so that "
                    "the sum keeps its axis (size 1) and broadcasts back against x"
                ) from None
            got = array(out, f"log_softmax(x, dim={dim})")
            other = reference(X, -1 if dim == 0 else 0)
            diagnose(
                got,
                reference(X, dim),
                f"log_softmax(x, dim={dim})",
                [(other, f"right for one axis but not for dim={dim}: use the dim argument")],
            )


@check("finite for logits of 1e4 (no overflow)")
def stable(m) -> None:
    fn = need(m, "log_softmax")
    x = np.array([[1e4, 0.0, -1e4], [5e3, 5e3 + 1.0, 0.0]])
    with forbid("softmax", "log_softmax", "logsumexp"):
        got = array(fn(tensor(x, dtype=np.float64), dim=-1), "log_softmax(x) at logits 1e4")
    if not np.isfinite(got).all():
        raise Wrong(
            "overflow: exp(10000) is inf, so the result has inf or nan. Subtract the max "
            "along dim before exp (it cancels out in the formula)"
        )
    diagnose(got, reference(x, -1), "log_softmax(x) at logits 1e4")


@check("the derived gradient passes gradcheck")
def gradient(m) -> None:
    fn = need(m, "log_softmax")
    x = leaf(X)
    with forbid("softmax", "log_softmax", "logsumexp"):
        out = fn(x, dim=-1)
        if not getattr(out, "requires_grad", False):
            raise Wrong(
                "no gradient flows through your log_softmax: it was computed outside the graph "
                "(with .data, .numpy() or numpy). Use Tensor operations throughout"
            )
        first_order(lambda t: fn(t, dim=-1), [x], "gradcheck")
