ID = "neuron-grads"
TITLE = "Gradients of a tanh neuron by hand"
HINTS = (
    "Split it: o = tanh(n), so do/dw1 = do/dn * dn/dw1. What is dn/dw1?",
    "d tanh(n)/dn = 1 - tanh(n)**2 = 1 - o**2 (the output squared, not n squared).",
    "dn/dw1 = x1 and dn/dx1 = w1: the derivative of a product with respect to one "
    "factor is the other factor.",
)
