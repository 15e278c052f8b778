ID = "output-size"
TITLE = "The output-size formula with stride, padding and dilation"
HINTS = (
    "Count the positions where a whole window fits: the padded input has size + 2*padding pixels.",
    "With dilation D a kernel of F taps spans D*(F-1) + 1 pixels.",
    "A window that would stick out past the edge is not computed: floor the division "
    "(// in Python).",
)
