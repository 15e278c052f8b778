"""Checks of conv-backward-naive: dX, dW and db against the engine's derived gradients for
stride 1 and 2, padding 0 and 1, naming = instead of +=, an ignored stride, an uncropped
padding, dW divided by N or taken from one example, db averaged."""

from ..convolution import conv_gradient_check
from ..helpers import check, need


def gradient_check(key: str):
    def run(m) -> None:
        fn = need(m, "conv_backward_naive")
        conv_gradient_check(key, lambda x, w, dout, s, p: fn(dout, x, w, s, p))

    return check(f"{key} equals the derived gradient for stride 1/2 and padding 0/1")(run)


dx, dw, db = map(gradient_check, ("dX", "dW", "db"))
