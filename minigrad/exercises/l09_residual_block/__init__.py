ID = "residual-block"
TITLE = "Build a residual block with a projection shortcut (nn.Module)"
HINTS = (
    "Create the layers in __init__ (assigning them to self registers their parameters); "
    "use them in forward.",
    "The shortcut must produce the residual branch's shape: with stride 2 or a new channel "
    "count, a 1x1 convolution with the same stride (and a BatchNorm) does that.",
    "The last ReLU comes after the addition: relu(branch + shortcut(x)).",
)
