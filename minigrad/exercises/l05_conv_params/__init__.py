ID = "conv-params"
TITLE = "Count a convolution's parameters (bias, groups)"
HINTS = (
    "One filter per output channel; a filter is (c_in / groups) x kh x kw numbers.",
    "The bias adds one number per output channel (not per input channel, not per weight).",
    "A depthwise convolution (groups = c_in = c_out) has only kh*kw weights per channel.",
)
