"""Checks of conv-backward: dX, dW and db against the derived gradients of F.conv2d, for
stride 1 and 2 and padding 0 and 1, so that a failure names the configuration at fault,
and, when it recognises it, the mistake (kernel not rotated, stride ignored, divided by N,
one example only, = instead of +=, ...)."""

import numpy as np

from ..convolution import CONV_CONFIGS, conv_data, conv_diagnosis, diagnose_configs, explain_configs
from ..helpers import Wrong, array, check, need

CONFIGS = {k: v for k, v in CONV_CONFIGS.items() if v[2] == 1}  # no dilation here
ADVICE = {
    "stride 2": "tap (u, v) touched every stride-th pixel: slice with step = stride",
    "padding 1": "compute the gradient of the padded input, then crop the padding off",
    "stride 2 and padding 1": "use the padded input's geometry with the stride",
}


def gradient_check(key: str):
    which = ("dX", "dW", "db").index(key)

    def run(m) -> None:
        fn = need(m, "conv2d_backward")
        x, w, b = conv_data(3)
        rng = np.random.default_rng(4)

        def cases():
            for name, (s, p, _) in CONFIGS.items():
                n, o = x.shape[0], w.shape[0]
                oh, ow = ((7 + 2 * p - 3) // s + 1,) * 2
                dout = rng.standard_normal((n, o, oh, ow))
                out = fn(x.copy(), w.copy(), dout.copy(), stride=s, padding=p)
                if not isinstance(out, (tuple, list)) or len(out) != 3:
                    raise Wrong("conv2d_backward should return three arrays: (dx, dw, db)")
                got = array(out[which], key)
                if key == "db" and got.shape != (o,) and got.size > o:
                    raise Wrong(
                        f"db has shape {got.shape}: the gradient of a broadcast input was not "
                        "summed: b[o] was added at every (n, i, j), so sum dout over axes 0, 2, 3"
                    )
                yield name, got, conv_diagnosis(key, x, w, b, dout, s, p)

        diagnose_configs(
            key,
            cases(),
            where=lambda ok: explain_configs(ok, key),
            advice=lambda ok: explain_configs(ok, key, ADVICE),
        )

    return run


dx = check("dX equals the derived gradient for stride 1/2 and padding 0/1")(gradient_check("dX"))
dw = check("dW equals the derived gradient for stride 1/2 and padding 0/1")(gradient_check("dW"))
db = check("db equals the derived gradient for stride 1/2 and padding 0/1")(gradient_check("db"))
