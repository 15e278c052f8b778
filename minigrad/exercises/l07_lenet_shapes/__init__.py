ID = "lenet-shapes"
TITLE = "LeNet-5's output shape after every layer"
HINTS = (
    "A 5x5 convolution without padding, stride 1, turns W into W - 5 + 1.",
    "2x2 pooling with stride 2 halves the size; it does not change the channel count.",
    "C5's 5x5 kernels on S4's 5x5 maps leave 1x1: C5 is a fully connected layer in disguise.",
)
