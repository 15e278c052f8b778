"""Checks of gap-classifier: VGG-16's and GoogLeNet's last maps and two small ones."""

from ..helpers import cases_diagnose, check, need


def count(channels, size, classes, gap, bias=True, gap_size=False):
    """The classifier's parameters; bias=False and gap_size=True give the usual slips."""
    f = channels * (size if gap_size else 1) if gap else channels * size * size
    return f * classes + (classes if bias else 0)


@check("VGG-16's 512 x 7 x 7 map into 1000 classes, GoogLeNet's 1024 x 7 x 7, and small ones")
def counts(m) -> None:
    cases = [
        dict(channels=c, size=s, classes=k, gap=g)
        for c, s, k in ((512, 7, 1000), (1024, 7, 1000), (64, 27, 133), (16, 5, 10))
        for g in (False, True)
    ]
    cases_diagnose(
        need(m, "classifier_params"),
        cases,
        count,
        [
            (lambda **c: count(**c, bias=False), "you forgot the biases: one per class"),
            (
                lambda **c: count(**c, gap_size=True),
                "global average pooling leaves one number per channel (channels inputs), "
                "whatever the map's size",
            ),
            (
                lambda **c: count(**dict(c, gap=not c["gap"])),
                "the two cases are swapped: flattening keeps every pixel, pooling one per map",
            ),
        ],
        "classifier_params",
    )
