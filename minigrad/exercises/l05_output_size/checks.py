"""Checks of output-size: LeNet, AlexNet, ResNet and odd sizes, with the usual slips named."""

from ..helpers import Wrong, cases_diagnose, check, need

DEFAULTS = dict(stride=1, padding=0, dilation=1)
CASES = [
    dict(case, **{k: v for k, v in DEFAULTS.items() if k not in case})  # size, kernel first
    for case in (
        dict(size=32, kernel=5),
        dict(size=28, kernel=5, padding=2),
        dict(size=224, kernel=11, stride=4, padding=2),
        dict(size=7, kernel=3, stride=2, padding=1),
        dict(size=8, kernel=3, stride=2),
        dict(size=10, kernel=3, padding=1, dilation=2),
        dict(size=32, kernel=5, dilation=2),
        dict(size=21, kernel=3, stride=2, padding=3, dilation=3),
        dict(size=224, kernel=7, stride=2, padding=3),
        dict(size=6, kernel=2, stride=2),
    )
]


def size_with(size, kernel, stride=1, padding=0, dilation=1, pad_times=2, span=None, plus=1):
    """The output size; pad_times, span and plus let a check compute the usual slips."""
    span = dilation * (kernel - 1) + 1 if span is None else span
    return (size + pad_times * padding - span) // stride + plus


def rounded_up(size, kernel, stride, padding, dilation):
    return -(-(size + 2 * padding - dilation * (kernel - 1) - 1) // stride) + 1


@check("conv_output_size on LeNet, AlexNet, ResNet and odd cases")
def sizes(m) -> None:
    fn = need(m, "conv_output_size")
    try:
        diagnose_sizes(fn)
    except Wrong as e:
        if "D*(F-1) + 1" in str(e):  # the dilation mistake is named already
            raise
        plain = [c for c in CASES if c["dilation"] == 1]
        if all(fn(**c) == size_with(**c) for c in plain):
            raise Wrong(
                f"{e}: right for every case without dilation, wrong with it: a kernel of F taps "
                "with dilation D spans D*(F-1) + 1 pixels (F - 1 gaps of D pixels, plus one)"
            ) from None
        raise


def diagnose_sizes(fn) -> None:
    cases_diagnose(
        fn,
        CASES,
        size_with,
        [
            (
                lambda **c: size_with(**c, pad_times=0),
                "your output size forgot the padding: the padded input has size + 2*padding pixels",
            ),
            (
                lambda **c: size_with(**c, pad_times=1),
                "padding is added on both sides: use 2*padding, not padding",
            ),
            (
                lambda **c: size_with(**c, span=c["kernel"]),
                "right without dilation but not with it: a kernel of F taps with dilation D "
                "spans D*(F-1) + 1 pixels",
            ),
            (
                lambda **c: size_with(**c, span=c["dilation"] * c["kernel"]),
                "right without dilation but not with it: with dilation D the F taps span "
                "D*(F-1) + 1 pixels, not D*F (there are F - 1 gaps between F taps)",
            ),
            (
                lambda **c: size_with(**c, span=c["dilation"] * (c["kernel"] - 1)),
                "off by one: with dilation D a kernel of F taps spans D*(F-1) + 1 pixels (the "
                "F - 1 gaps of D pixels, plus the first tap)",
            ),
            (
                lambda **c: size_with(**c, plus=0),
                "off by one: the first window sits at position 0, so add 1 ((W - F + 2P) // S + 1)",
            ),
            (
                rounded_up,
                "you rounded up; a window that does not fit entirely is dropped: round down",
            ),
        ],
        "conv_output_size",
    )
