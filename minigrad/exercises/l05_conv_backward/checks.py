"""Checks of conv-backward: dX, dW and db against the derived gradients of F.conv2d, for
stride 1 and 2 and padding 0 and 1, so that a failure names the configuration at fault,
and, when it recognises it, the mistake (kernel not rotated, stride ignored, divided by N,
one example only, = instead of +=, ...)."""

from ..convolution import conv_gradient_check
from ..helpers import check, need


def gradient_check(key: str):
    def run(m) -> None:
        fn = need(m, "conv2d_backward")
        conv_gradient_check(key, lambda x, w, dout, s, p: fn(x, w, dout, stride=s, padding=p))

    return check(f"{key} equals the derived gradient for stride 1/2 and padding 0/1")(run)


dx, dw, db = map(gradient_check, ("dX", "dW", "db"))
