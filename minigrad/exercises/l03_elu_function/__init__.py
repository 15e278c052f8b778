ID = "elu-function"
TITLE = "ELU as a new Function, with alpha"
HINTS = (
    "forward: np.where(x > 0, x, alpha * (np.exp(x) - 1)); keep alpha on self.",
    "The derivative is 1 where x > 0 and alpha * exp(x) elsewhere.",
    "In backward, x = self.inputs[0] is a Tensor: use x.exp() (not np.exp) and "
    "mg.where(x > 0, 1.0, ...), so the second derivative works.",
)
