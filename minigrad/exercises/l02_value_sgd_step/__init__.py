ID = "value-sgd-step"
TITLE = "One gradient-descent step on Values"
HINTS = (
    "The order is: zero the gradients, forward (loss_fn()), loss.backward(), update.",
    "Gradients add up across backward calls: set p.grad = 0.0 for every parameter first.",
    "Change p.data in place (p.data -= lr * p.grad); `p = p - ...` only rebinds a name.",
)
