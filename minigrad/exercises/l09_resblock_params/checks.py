"""Checks of resblock-params: each part (buffers, biases and 1x1 named), the total, the
output shape."""

from ..helpers import Wrong, answer_dict, check, explain, filled, integer

PARTS = {"conv1": 73728, "bn1": 256, "conv2": 147456, "bn2": 256, "shortcut": 8448}


@check("each part: conv1, bn1, conv2, bn2 and the projection shortcut")
def parts(m) -> None:
    got = answer_dict(m, all_filled=True)
    for name, want in PARTS.items():
        n = integer(filled(got, name), name)
        if n == want:
            continue
        if name.startswith("bn") and n == 2 * want:
            raise Wrong(
                f"{name}: running_mean and running_var are buffers (statistics), not trained "
                "parameters: BatchNorm2d learns 2 numbers per channel"
            )
        if name.startswith("conv") and n == want + 128:
            raise Wrong(
                f"{name}: ResNet's convolutions have no bias (bias=False): the BatchNorm right "
                "after them has its own shift, which makes a bias redundant"
            )
        if name == "shortcut":
            if n == 64 * 128:
                raise Wrong("shortcut: the 1x1 projection has its own BatchNorm (2 * 128 more)")
            if n == 0:
                raise Wrong(
                    "shortcut: the shapes change (64 -> 128 channels, stride 2), so the "
                    "identity cannot be added: the shortcut is a projection with parameters"
                )
            if n in (9 * 64 * 128 + 256, 9 * 64 * 128):
                raise Wrong("shortcut: the projection is a 1x1 convolution, not 3x3")
        raise Wrong(explain(n, want, name))


@check("the total (230,144) and the output shape")
def total_and_shape(m) -> None:
    got = answer_dict(m, all_filled=True)
    total = integer(got.get("total"), "total")
    if total != 230144:
        parts = sum(integer(got.get(k, 0), k) for k in PARTS)
        extra = "" if parts == total else " (it is not the sum of your parts)"
        raise Wrong(f"{explain(total, 230144, 'total')}{extra}")
    shape = got.get("output_shape")
    if not isinstance(shape, (tuple, list)) or len(shape) != 3:
        raise Wrong("output_shape should be (C, H, W)")
    shape = tuple(integer(s, "output_shape") for s in shape)
    if shape == (128, 56, 56):
        raise Wrong("output_shape: conv1 has stride 2, which halves 56 to 28")
    if shape != (128, 28, 28):
        raise Wrong(f"output_shape is {shape}, expected (128, 28, 28)")
