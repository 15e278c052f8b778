ID = "resblock-params"
TITLE = "Count a ResNet basic block with a projection shortcut"
HINTS = (
    "A k x k convolution without bias has k*k*c_in*c_out parameters.",
    "BatchNorm2d(C) learns 2*C numbers (weight and bias); running_mean and running_var "
    "are statistics (buffers), not trained.",
    "The projection shortcut is a 1x1 convolution with stride 2 plus its own BatchNorm.",
)
