"""Checks of conv-params: seven layers, from LeNet's C1 to a depthwise convolution."""

from ..helpers import cases_diagnose, check, need


def count(c_in, c_out, kernel_size, bias=True, groups=1, g=True, b=True, c=True):
    """The parameter count; g, b, c off give the counts without groups, bias, channels."""
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    per = (c_in // groups if g else c_in) if c else 1
    return c_out * per * kh * kw + (c_out if (bias and b) else 0)


@check("LeNet's C1 and C3, a 1x1 layer, a (1, 7) kernel, no bias, groups 2 and depthwise")
def counts(m) -> None:
    cases = [
        dict(c_in=1, c_out=6, kernel_size=5),
        dict(c_in=6, c_out=16, kernel_size=5),
        dict(c_in=192, c_out=64, kernel_size=1),
        dict(c_in=32, c_out=48, kernel_size=(1, 7)),
        dict(c_in=64, c_out=64, kernel_size=3, bias=False),
        dict(c_in=8, c_out=16, kernel_size=3, groups=2),
        dict(c_in=32, c_out=32, kernel_size=3, groups=32),
    ]
    cases = [
        dict(c, **{k: v for k, v in (("bias", True), ("groups", 1)) if k not in c}) for c in cases
    ]
    cases_diagnose(
        need(m, "conv2d_param_count"),
        cases,
        count,
        [
            (
                lambda **c: count(**c, b=False),
                "you forgot the bias: one per output channel (when bias=True)",
            ),
            (
                lambda **c: count(**c, g=False),
                "right for groups=1 but not for grouped or depthwise convolutions: each "
                "filter sees only c_in / groups channels",
            ),
            (
                lambda **c: count(**c, c=False),
                "a filter spans all its input channels: c_in/groups * kh * kw weights, not kh*kw",
            ),
            (
                lambda **c: count(**c) - c["c_out"] * (c["bias"]) + c["c_in"] * c["bias"],
                "one bias per OUTPUT channel, not per input channel",
            ),
        ],
        "conv2d_param_count",
    )
