"""Checks of conv-loops: values and derived gradients against F.conv2d, configuration by
configuration, so that a failure says which of stride, padding or dilation is wrong, and,
when it recognises it, the mistake (kernel flipped, stride or dilation ignored, ...)."""

import numpy as np

from ...factory import tensor
from ..convolution import (
    CONV_CONFIGS,
    conv_data,
    conv_diagnosis,
    conv_grads,
    diagnose_configs,
    explain_configs,
)
from ..helpers import Wrong, array, check, close, need, tensor_grads

ADVICE = {
    "stride 2": "output position i starts at i*stride: step the slices by the stride",
    "padding 1": "pad x with `padding` zeros on every side first",
    "dilation 2": "kernel tap u reads pixel i*stride + u*dilation: space the taps by dilation",
    "stride 2 and padding 1": "compute the output size from the padded input",
}


def as_tensors(*arrays, requires_grad=False):
    return [tensor(a, dtype=np.float64, requires_grad=requires_grad) for a in arrays]


@check("forward equals F.conv2d for stride 1 and 2, padding 0 and 1, dilation 1 and 2")
def forward(m) -> None:
    fn = need(m, "conv2d_loops")
    x, w, b = conv_data()

    def cases():
        for name, (s, p, d) in CONV_CONFIGS.items():
            out = fn(*as_tensors(x, w, b), stride=s, padding=p, dilation=d)
            got = array(out, f"conv2d_loops(..., stride={s}, padding={p}, dilation={d})")
            yield name, got, conv_diagnosis("y", x, w, b, None, s, p, d)

    diagnose_configs(
        "the output",
        cases(),
        where=lambda ok: explain_configs(ok, "the output"),
        advice=lambda ok: explain_configs(ok, "the output", ADVICE),
    )


@check("the derived gradients for x, w and b equal F.conv2d's")
def gradients(m) -> None:
    fn = need(m, "conv2d_loops")
    x, w, b = conv_data(1)
    rng = np.random.default_rng(2)
    cases = {"x": [], "w": [], "b": []}
    for name, (s, p, d) in CONV_CONFIGS.items():
        y, dx, dw, db = conv_grads(x, w, b, None, s, p, d)
        g = rng.standard_normal(y.shape)
        _, dx, dw, db = conv_grads(x, w, b, g, s, p, d)
        out = array(fn(*as_tensors(x, w, b), stride=s, padding=p, dilation=d), "the output")
        if not close(out, y):
            raise Wrong(
                f"the output is not right yet for {name} (see the first check): the engine "
                "derives the gradients from your forward, so fix the forward first"
            )
        got = tensor_grads(
            lambda *t, s=s, p=p, d=d: fn(*t, stride=s, padding=p, dilation=d),
            as_tensors(x, w, b, requires_grad=True),
            g,
        )
        for label, gg, want in zip(("x", "w", "b"), got, (dx, dw, db)):
            if gg is None:
                raise Wrong(f"no gradient reaches {label}: it must take part in the computation")
            cases[label].append((name, gg, {"want": want}))
    for label, by_config in cases.items():
        what = f"the gradient of {label}"
        diagnose_configs(what, by_config, where=lambda ok, what=what: explain_configs(ok, what))
