"""Checks of conv-loops: values and derived gradients against F.conv2d, configuration by
configuration, so that a failure says which of stride, padding or dilation is wrong."""

import numpy as np

from ... import functional as F
from ...factory import tensor
from ..helpers import (
    CONV_CONFIGS,
    Wrong,
    array,
    check,
    close,
    conv_data,
    conv_reference,
    explain_configs,
    need,
    tensor_grads,
)

ADVICE = {
    "stride 2": "output position i starts at i*stride: step the slices by the stride",
    "padding 1": "pad x with `padding` zeros on every side first",
    "dilation 2": "kernel tap u reads pixel i*stride + u*dilation: space the taps by dilation",
    "stride 2 and padding 1": "compute the output size from the padded input",
}


def as_tensors(*arrays):
    return [tensor(a, dtype=np.float64) for a in arrays]


@check("forward equals F.conv2d for stride 1 and 2, padding 0 and 1, dilation 1 and 2")
def forward(m) -> None:
    fn = need(m, "conv2d_loops")
    x, w, b = conv_data()
    ok = {}
    for name, (s, p, d) in CONV_CONFIGS.items():
        want, _ = conv_reference(x, w, b, s, p, d)
        out = fn(*as_tensors(x, w, b), stride=s, padding=p, dilation=d)
        got = array(out, f"conv2d_loops(..., stride={s}, padding={p}, dilation={d})")
        ok[name] = close(got, want.numpy())
        if name == "stride 1" and not ok[name]:
            flipped = F.conv2d(*as_tensors(x, w[:, :, ::-1, ::-1].copy(), b))
            if close(got, flipped.numpy()):
                raise Wrong(
                    "you flipped the kernel (that is the mathematicians' convolution); CNN "
                    "layers compute cross-correlation: w[o, c, u, v] multiplies "
                    "x[..., i + u, j + v]"
                )
            if close(got, want.numpy() - b.reshape(1, -1, 1, 1)):
                raise Wrong("the bias is missing: add b[o] to every output of channel o")
            if got.shape != want.shape:
                raise Wrong(f"for stride 1 the output has shape {got.shape}, expected {want.shape}")
    if not all(ok.values()):
        raise Wrong(explain_configs(ok, "the output", ADVICE))


@check("the derived gradients for x, w and b equal F.conv2d's")
def gradients(m) -> None:
    fn = need(m, "conv2d_loops")
    x, w, b = conv_data(1)
    rng = np.random.default_rng(2)
    for name, (s, p, d) in CONV_CONFIGS.items():
        want, inputs = conv_reference(x, w, b, s, p, d)
        g = rng.standard_normal(want.shape)
        want.backward(tensor(g, dtype=np.float64))
        ins = [tensor(a, dtype=np.float64, requires_grad=True) for a in (x, w, b)]
        got = tensor_grads(
            lambda *t, s=s, p=p, d=d: fn(*t, stride=s, padding=p, dilation=d), ins, g
        )
        for label, gg, t in zip(("x", "w", "b"), got, inputs):
            if gg is None:
                raise Wrong(f"no gradient reaches {label}: it must take part in the computation")
            if not close(gg, t.grad.numpy()):
                raise Wrong(f"the gradient of {label} differs from F.conv2d's for {name}")
