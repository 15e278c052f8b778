"""Checks of conv-forward-naive: the output against F.conv2d, configuration by
configuration, naming a flipped kernel, a missing bias, an ignored stride or padding."""

from ..convolution import CONV_CONFIGS, conv_data, conv_diagnosis, diagnose_configs, explain_configs
from ..helpers import array, check, need

CONFIGS = {k: v for k, v in CONV_CONFIGS.items() if v[2] == 1}  # no dilation here


@check("the output equals F.conv2d's for stride 1 and 2, padding 0 and 1")
def forward(m) -> None:
    fn = need(m, "conv_forward_naive")
    x, w, b = conv_data()

    def cases():
        for name, (s, p, _) in CONFIGS.items():
            got = array(fn(x.copy(), w.copy(), b.copy(), s, p), f"the output for {name}")
            yield name, got, conv_diagnosis("y", x, w, b, None, s, p)

    diagnose_configs("the output", cases(), where=lambda ok: explain_configs(ok, "the output"))
