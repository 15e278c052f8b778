ID = "sigmoid-function"
TITLE = "Sigmoid as a new Function (gradcheck and gradgradcheck)"
HINTS = (
    "forward is plain numpy: 1.0 / (1.0 + np.exp(-x)).",
    "In backward, take s = self.output (a Tensor) and return grad * s * (1 - s).",
    "Do not use self.output.numpy() or numpy in backward: the result must stay in the graph "
    "for the second derivative.",
)
