"""Checks of conv-forward-naive: the output against F.conv2d, configuration by
configuration, naming a flipped kernel, a missing bias, an ignored stride or padding."""

from ..convolution import conv_forward_check
from ..helpers import check, need


@check("the output equals F.conv2d's for stride 1 and 2, padding 0 and 1")
def forward(m) -> None:
    conv_forward_check(need(m, "conv_forward_naive"))
