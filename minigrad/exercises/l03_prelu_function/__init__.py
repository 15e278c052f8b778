ID = "prelu-function"
TITLE = "PReLU as a Function: a learned slope per channel"
HINTS = (
    "Reshape the weight to (1, C) or (1, C, 1, 1) so that it lines up with axis 1; "
    "(C,) alone would line up with the LAST axis.",
    "grad_x = grad * (1 where x > 0, else weight); grad_weight = grad * (0 where x > 0, "
    "else x), then summed.",
    "Every position of channel c used the same slope weight[c]: sum over axis 0 and "
    "(for 4-D) axes 2 and 3.",
)
