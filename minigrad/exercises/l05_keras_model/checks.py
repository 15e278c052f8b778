"""Checks of keras-model: each layer's count, the Dense layer, the total and the last shape."""

from ..helpers import Wrong, answer_dict, check, explain, filled, integer

COUNTS = {"conv1": 208, "conv2": 2080, "conv3": 8256, "dense": 8645}


@check("each convolution's parameter count")
def convolutions(m) -> None:
    got = answer_dict(m)
    for name, c_in, c_out in (("conv1", 3, 16), ("conv2", 16, 32), ("conv3", 32, 64)):
        n = integer(filled(got, name), name)
        want = COUNTS[name]
        if n == want:
            continue
        if n == want - c_out:
            raise Wrong(f"{name}: {n} is the weights only; add one bias per filter ({c_out})")
        if n == 3 * 3 * c_in * c_out + c_out:
            raise Wrong(f"{name}: {n} is for a 3x3 kernel; these are 2x2")
        raise Wrong(f"{explain(n, want, name)}: 2*2*{c_in}*{c_out} weights + {c_out} biases")


@check("the Dense layer after global average pooling")
def dense(m) -> None:
    n = integer(filled(answer_dict(m), "dense"), "dense")
    if n == 8645:
        return
    if n == 64 * 133:
        raise Wrong("dense: add the 133 biases")
    if n > 100_000:
        raise Wrong(
            f"dense is {n}: you counted weights for the flattened 27x27x64 map; global average "
            "pooling leaves one number per channel, 64 inputs"
        )
    raise Wrong(f"{explain(n, 8645, 'dense')}: 64 * 133 weights + 133 biases")


@check("the total is 19,189 and the last pooled map is 27 x 27 x 64")
def total_and_shape(m) -> None:
    got = answer_dict(m)
    total = integer(filled(got, "total"), "total")
    if total != 19189:
        parts = sum(integer(filled(got, k), k) for k in COUNTS)
        extra = " (it is not the sum of your four layers)" if parts != total else ""
        raise Wrong(f"{explain(total, 19189, 'total')}{extra}")
    shape = filled(got, "last_pool_shape")
    if not isinstance(shape, (tuple, list)) or len(shape) != 3:
        raise Wrong("last_pool_shape should be (H, W, C), three ints")
    shape = tuple(integer(s, "last_pool_shape") for s in shape)
    if shape == (28, 28, 64):
        raise Wrong(
            "last_pool_shape (28, 28, 64) would need 'same' padding: with Keras's 'valid' "
            "default, each 2x2 convolution loses one pixel (224 -> 223 -> pool -> 111 ...)"
        )
    if shape != (27, 27, 64):
        raise Wrong(f"last_pool_shape is {shape}, expected (27, 27, 64)")
