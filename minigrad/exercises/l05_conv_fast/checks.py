"""Checks of conv-fast: the forward against F.conv2d and dX, dW, db against its derived
gradients, for stride 1 and 2, padding 0 and 1, naming the reshapes that scramble."""

import numpy as np

from ..convolution import conv_forward_check, conv_gradient_check
from ..helpers import check, need

SCRAMBLED = (
    "the product came out as (N, L, O) and was reshaped to (N, O, OH, OW) as it was, which "
    "mixes positions with channels: transpose to (N, O, L) first (or compute w_row @ cols)"
)


def scrambled(want) -> list:
    """The product computed as (N, L, O) and reshaped to (N, O, OH, OW) as it was."""
    n, o, oh, ow = want.shape
    by_position = want.reshape(n, o, oh * ow).transpose(0, 2, 1)
    return [(by_position.reshape(n, o, oh, ow), SCRAMBLED)]


@check("the forward equals F.conv2d for stride 1 and 2, padding 0 and 1")
def forward(m) -> None:
    conv_forward_check(need(m, "conv_forward_im2col"), extra=scrambled)


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

    return check(f"{key} equals the derived gradient for stride 1/2 and padding 0/1")(run)


dx, dw, db = map(gradient_check, ("dX", "dW", "db"))
