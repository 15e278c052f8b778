ID = "vanishing-layer"
TITLE = "Looking inside (2/2): find the layer whose gradient vanishes, from the numbers"
HINTS = (
    "flow.grad_norms() is an array (steps, layers), the columns in the order of "
    "flow.layers, from the input side. One typical number per layer: the median over the "
    "steps (axis 0), which one odd step cannot move.",
    "The layer whose gradient vanishes has the SMALLEST median gradient norm: "
    "flow.layers[int(np.argmin(medians))]. The weights' sizes say nothing about it, and "
    "the last layer, next to the loss, usually has the largest gradient.",
    "orders_of_magnitude: np.log10(medians.max() / medians.min()), powers of ten.",
)
