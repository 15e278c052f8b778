"""Exercise value-sgd-step (lesson 2): one step of training with mg.Value.

params is a list of Values, loss_fn() builds the loss (a Value) from them, lr is the
learning rate. One step: reset every gradient, compute the loss, backpropagate, and move
each parameter against its gradient. Return the loss's number (a float).
It is called many times in a row, like a training loop.
"""


def train_step(params: list, loss_fn, lr: float) -> float:
    # BEGIN SOLUTION
    for p in params:
        p.grad = 0.0  # gradients accumulate: clear the previous step's
    loss = loss_fn()
    loss.backward()
    for p in params:
        p.data -= lr * p.grad  # downhill: against the gradient
    return loss.data
    # END SOLUTION
