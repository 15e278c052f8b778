"""Checks of lenet-shapes: every layer's output shape, with the usual slips named."""

from ..helpers import Wrong, answer_dict, check, filled, integer

SHAPES = {
    "C1": (6, 28, 28),
    "S2": (6, 14, 14),
    "C3": (16, 10, 10),
    "S4": (16, 5, 5),
    "C5": (120, 1, 1),
    "F6": (84,),
    "output": (10,),
}


@check("each layer's output shape")
def shapes(m) -> None:
    got = answer_dict(m, all_filled=True)
    for name, want in SHAPES.items():
        value = filled(got, name)
        if not isinstance(value, (tuple, list)):
            raise Wrong(f"{name} should be a tuple such as {tuple(1 for _ in want)}")
        shape = tuple(integer(v, name) for v in value)
        if shape == want:
            continue
        if len(shape) == 3 and len(want) == 3 and shape[0] != want[0]:
            raise Wrong(f"{name} has {want[0]} channels (one per filter), not {shape[0]}")
        if name in ("C1", "C3", "C5") and len(shape) == 3 and shape[1] == want[1] - 1:
            raise Wrong(f"{name}: off by one: a 5x5 kernel fits W - 5 + 1 times into W pixels")
        if name in ("S2", "S4") and len(shape) == 3 and shape[1] == 2 * want[1]:
            raise Wrong(f"{name}: 2x2 pooling with stride 2 halves the height and width")
        if name == "C1" and shape == (6, 32, 32):
            raise Wrong("C1: there is no padding here, so the size shrinks: 32 - 5 + 1 = 28")
        raise Wrong(f"{name} is {shape}, expected {want}")
