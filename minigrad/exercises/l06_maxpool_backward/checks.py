"""Checks of maxpool-backward: dx against the engine's, for windows that do and do not
overlap, naming average pooling's backward, an ignored stride and lost overlaps."""

import numpy as np

from ..convolution import diagnose_configs, pool_diagnosis, pool_input
from ..helpers import Wrong, array, check, need

CONFIGS = {
    "kernel 2, stride 2 (no overlap)": (2, 2),
    "kernel 3, stride 2 (overlapping windows)": (3, 2),
    "kernel 2, stride 1 (overlapping windows)": (2, 1),
}


def where(ok: dict) -> str:
    failing = [name for name, right in ok.items() if not right]
    if ok[next(iter(CONFIGS))]:
        return f"dx is right for kernel 2, stride 2 (no overlap) but wrong for {failing[0]}"
    return "dx differs from the engine's already for kernel 2, stride 2 (no overlap)"


def advice(ok: dict) -> str:
    if ok[next(iter(CONFIGS))]:
        return (
            "right when windows do not overlap (kernel 2, stride 2) but wrong when they "
            "overlap: a pixel that is the maximum of two windows must receive both gradients "
            "(+=, not =), and window (i, j) starts at (i*stride, j*stride)"
        )
    return where(ok)


@check("dx equals the engine's for non-overlapping and overlapping windows")
def pool_gradient(m) -> None:
    fn = need(m, "max_pool2d_backward")
    x = pool_input()
    rng = np.random.default_rng(7)

    def cases():
        for name, (k, s) in CONFIGS.items():
            oh = (x.shape[2] - k) // s + 1
            dout = rng.standard_normal((*x.shape[:2], oh, oh))
            got = array(fn(x.copy(), dout.copy(), k, s), "max_pool2d_backward(...)")
            if got.shape != x.shape:
                raise Wrong(f"dx has shape {got.shape}, expected x's shape {x.shape}")
            diagnosis = pool_diagnosis(x, dout, k, s)
            if (got != 0).sum() > (diagnosis["want"] != 0).sum() and not any(
                np.allclose(got, wrong() if callable(wrong) else wrong)
                for wrong, _ in diagnosis["mistakes"]
            ):
                raise Wrong(
                    f"for {name}, more pixels receive a gradient than are window maxima: only "
                    "the arg-max of each window gets one"
                )
            yield name, got, diagnosis

    diagnose_configs("dx", cases(), where=where, advice=advice)
