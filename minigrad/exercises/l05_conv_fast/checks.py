"""Checks of conv-fast: the forward against F.conv2d and dX, dW, db against its derived
gradients, for stride 1 and 2, padding 0 and 1, naming the reshapes that scramble."""

import numpy as np

from ..convolution import (
    CONV_CONFIGS,
    conv_data,
    conv_diagnosis,
    conv_gradient_check,
    diagnose_configs,
    explain_configs,
)
from ..helpers import array, check, need

CONFIGS = {k: v for k, v in CONV_CONFIGS.items() if v[2] == 1}  # no dilation here
SCRAMBLED = (
    "the product came out as (N, L, O) and was reshaped to (N, O, OH, OW) as it was, which "
    "mixes positions with channels: transpose to (N, O, L) first (or compute w_row @ cols)"
)


@check("the forward equals F.conv2d for stride 1 and 2, padding 0 and 1")
def forward(m) -> None:
    fn = need(m, "conv_forward_im2col")
    x, w, b = conv_data()

    def cases():
        for name, (s, p, _) in CONFIGS.items():
            got = array(fn(x.copy(), w.copy(), b.copy(), s, p), f"the output for {name}")
            kw = conv_diagnosis("y", x, w, b, None, s, p)
            n, o, oh, ow = kw["want"].shape
            by_position = kw["want"].reshape(n, o, oh * ow).transpose(0, 2, 1)
            kw["mistakes"].insert(0, (by_position.reshape(n, o, oh, ow), SCRAMBLED))
            yield name, got, kw

    diagnose_configs("the output", cases(), where=lambda ok: explain_configs(ok, "the output"))


def scrambles(key, want, x, w, dout, s, p) -> list:
    """dW computed as cols @ g.T, (C*KH*KW, O), and reshaped to (O, C, KH, KW) as it was."""
    if key != "dW":
        return []
    o = w.shape[0]
    return [
        (
            np.ascontiguousarray(want.reshape(o, -1).T).reshape(w.shape),
            "you computed the transpose, (C*KH*KW, O), and reshaped it to w's shape as it "
            "was: dW = g @ cols.T is (O, C*KH*KW), in w_row's layout",
        )
    ]


def gradient_check(key: str):
    def run(m) -> None:
        fn = need(m, "conv_backward_im2col")
        conv_gradient_check(key, lambda x, w, dout, s, p: fn(dout, x, w, s, p), extra=scrambles)

    return run


dx = check("dX equals the derived gradient for stride 1/2 and padding 0/1")(gradient_check("dX"))
dw = check("dW equals the derived gradient for stride 1/2 and padding 0/1")(gradient_check("dW"))
db = check("db equals the derived gradient for stride 1/2 and padding 0/1")(gradient_check("db"))
