"""Checks of conv-backward: dX, dW and db against the derived gradients of F.conv2d, for
stride 1 and 2 and padding 0 and 1, so that a failure names the configuration at fault."""

import numpy as np

from ...factory import tensor
from ..helpers import (
    CONV_CONFIGS,
    Wrong,
    array,
    check,
    close,
    conv_data,
    conv_reference,
    explain_configs,
    need,
)

CONFIGS = {k: v for k, v in CONV_CONFIGS.items() if v[2] == 1}  # no dilation here
ADVICE = {
    "stride 2": "tap (u, v) touched every stride-th pixel: slice with step = stride",
    "padding 1": "compute the gradient of the padded input, then crop the padding off",
    "stride 2 and padding 1": "use the padded input's geometry with the stride",
}


def results(m):
    """For dX, dW and db: which configurations are right, and notes on their shapes."""
    fn = need(m, "conv2d_backward")
    x, w, b = conv_data(3)
    rng = np.random.default_rng(4)
    ok = {"dX": {}, "dW": {}, "db": {}}
    notes = []
    for name, (s, p, _) in CONFIGS.items():
        y, (xt, wt, bt) = conv_reference(x, w, b, s, p, 1)
        dout = rng.standard_normal(y.shape)
        y.backward(tensor(dout, dtype=np.float64))
        out = fn(x.copy(), w.copy(), dout.copy(), stride=s, padding=p)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise Wrong("conv2d_backward should return three arrays: (dx, dw, db)")
        for key, got, t in zip(("dX", "dW", "db"), out, (xt, wt, bt)):
            got = array(got, key)
            if key == "db" and got.shape != (4,) and got.size > 4:
                notes.append(
                    f"db has shape {got.shape}: the gradient of a broadcast input was not "
                    "summed: b[o] was added at every (n, i, j), so sum dout over axes 0, 2, 3"
                )
            if key == "dX" and got.shape != x.shape and p:
                notes.append(
                    f"dX has shape {got.shape} for padding {p}, x has {x.shape}: crop the "
                    "padding off the gradient of the padded input"
                )
            ok[key][name] = close(got, t.grad.numpy())
    return ok, notes


def gradient_check(key: str):
    def run(m) -> None:
        ok, notes = results(m)
        if all(ok[key].values()):
            return
        for note in notes:
            if note.startswith(key):
                raise Wrong(note)
        message = explain_configs(ok[key], key, ADVICE)
        if key == "dX" and ok[key]["stride 1"] and not ok[key]["stride 2"]:
            message += (
                "; with stride 2 and a 3x3 kernel the windows still overlap, so contributions "
                "must add up (+=) if you assigned"
            )
        if key == "dX" and not ok[key]["stride 1"]:
            message += (
                ": windows overlap, so each input pixel collects the contributions of every "
                "window that used it (+=, not =)"
            )
        raise Wrong(message)

    return run


dx = check("dX equals the derived gradient for stride 1/2 and padding 0/1")(gradient_check("dX"))
dw = check("dW equals the derived gradient for stride 1/2 and padding 0/1")(gradient_check("dW"))
db = check("db equals the derived gradient for stride 1/2 and padding 0/1")(gradient_check("db"))
