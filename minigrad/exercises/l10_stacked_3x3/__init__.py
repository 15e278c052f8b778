ID = "stacked-3x3"
TITLE = "Why VGG stacks 3x3 convolutions: the same window for fewer parameters"
HINTS = (
    "One 3x3 layer sees 3 pixels. Each further 3x3 layer looks at 3 neighbouring pixels "
    "of the layer below, whose windows overlap: it widens the view by one pixel per side.",
    "A k x k convolution from C to C channels has k*k*C*C weights and C biases; the stack "
    "has num_convs of them, each with its own weights.",
    "The big kernel is receptive_field(num_convs) wide: 5x5 for two 3x3, 7x7 for three. "
    "So 2 layers cost 18C^2 weights against 25C^2, 3 layers 27C^2 against 49C^2.",
)
