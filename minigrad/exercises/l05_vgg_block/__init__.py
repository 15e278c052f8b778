ID = "vgg-block"
TITLE = "A VGG block: stacked 3x3 convolutions, parameters and receptive field"
HINTS = (
    "Only the first convolution maps c_in to c_out; the others map c_out to c_out.",
    "(W - 3 + 2*1) / 1 + 1 = W: padding 1 keeps the size. Only the pool shrinks it.",
    "One 3x3 layer sees 3 pixels; each further 3x3 layer adds one on each side.",
)
