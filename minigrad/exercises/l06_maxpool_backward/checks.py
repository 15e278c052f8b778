"""Checks of maxpool-backward: dx against the engine's, for windows that do and do not
overlap, naming average pooling's backward and lost overlaps when it sees them."""

import numpy as np

from ... import functional as F
from ...factory import tensor
from ..helpers import Wrong, array, check, close, need

CONFIGS = {
    "kernel 2, stride 2 (no overlap)": (2, 2),
    "kernel 3, stride 2 (overlapping windows)": (3, 2),
    "kernel 2, stride 1 (overlapping windows)": (2, 1),
}


def pool_input():
    """A smooth ramp plus noise: neighbouring windows often share their maximum (overlaps),
    and values are distinct (no ties)."""
    rng = np.random.default_rng(6)
    ramp = np.add.outer(np.arange(7.0), np.arange(7.0)) * 0.3
    return ramp + rng.standard_normal((2, 3, 7, 7))


def engine_grad(pool, x, dout, k, s):
    xt = tensor(x, dtype=np.float64, requires_grad=True)
    pool(xt, k, s).backward(tensor(dout, dtype=np.float64))
    return xt.grad.numpy()


@check("dx equals the engine's for non-overlapping and overlapping windows")
def pool_gradient(m) -> None:
    fn = need(m, "max_pool2d_backward")
    x = pool_input()
    ok = {}
    rng = np.random.default_rng(7)
    for name, (k, s) in CONFIGS.items():
        dout = rng.standard_normal(F.max_pool2d(tensor(x), k, s).shape)
        want = engine_grad(F.max_pool2d, x, dout, k, s)
        got = array(fn(x.copy(), dout.copy(), k, s), "max_pool2d_backward(...)")
        if got.shape != x.shape:
            raise Wrong(f"dx has shape {got.shape}, expected x's shape {x.shape}")
        ok[name] = close(got, want)
        if not ok[name]:
            if close(got, engine_grad(F.avg_pool2d, x, dout, k, s)):
                raise Wrong(
                    "you spread the gradient evenly over each window: that is average pooling's "
                    "backward. Max pooling sends it only to the largest element of the window"
                )
            if (got != 0).sum() > (want != 0).sum():
                raise Wrong(
                    f"for {name}, more pixels receive a gradient than are window maxima: only "
                    "the arg-max of each window gets one"
                )
    if all(ok.values()):
        return
    if ok[next(iter(CONFIGS))]:
        raise Wrong(
            "right when windows do not overlap (kernel 2, stride 2) but wrong when they overlap: "
            "a pixel that is the maximum of two windows must receive both gradients (+=, "
            "not =)"
        )
    raise Wrong("dx differs from the engine's already for kernel 2, stride 2 (no overlap)")
