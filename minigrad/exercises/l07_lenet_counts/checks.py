"""Checks of lenet-counts: each layer (the 1998 paper's numbers named), and the total
against mg.models.LeNet5."""

from ...models import LeNet5
from ..helpers import Wrong, answer_dict, check, explain, filled, integer

COUNTS = {"C1": 156, "C3": 2416, "C5": 48120, "F6": 10164, "output": 850}
# (c_in, c_out, kernel area) of each layer
LAYERS = {
    "C1": (1, 6, 25),
    "C3": (6, 16, 25),
    "C5": (16, 120, 25),
    "F6": (120, 84, 1),
    "output": (84, 10, 1),
}


@check("C1, C3, C5, F6 and output")
def layers(m) -> None:
    got = answer_dict(m, all_filled=True)
    for name, want in COUNTS.items():
        n = integer(filled(got, name), name)
        if n == want:
            continue
        c_in, c_out, area = LAYERS[name]
        if name == "C3" and n == 1516:
            raise Wrong(
                "C3: 1,516 is the 1998 paper's sparse connection table; here every C3 filter "
                "sees all 6 maps of S2: 16 * (6*5*5) + 16"
            )
        if name == "output" and n == 840:
            raise Wrong(
                "output: 840 counts the weights only, as the paper's RBF units have no bias; "
                "a Linear layer adds its 10 biases"
            )
        if n == want - c_out:
            raise Wrong(f"{name}: {n} counts the weights only; add the {c_out} biases")
        if n == c_out * area + c_out:
            raise Wrong(f"{name}: each filter spans all {c_in} input maps: {c_in}*{area} weights")
        raise Wrong(explain(n, want, name))


@check("the total is 61,706 and agrees with mg.models.LeNet5")
def total(m) -> None:
    got = answer_dict(m, all_filled=True)
    total = integer(filled(got, "total"), "total")
    model_total = sum(p.numel() for p in LeNet5().parameters())
    if total != model_total:
        parts = sum(integer(got.get(k, 0), k) for k in COUNTS)
        extra = "" if parts == total else " (and it is not the sum of your five layers)"
        raise Wrong(f"total is {total}, but mg.models.LeNet5 has {model_total}{extra}")
