"""Exercise lr-sweep (lesson 4): find the largest learning rate that still trains.

Plain gradient descent on a quadratic loss converges only while the learning rate is
below 2 / (the largest curvature): above it every step overshoots further than the last
(lesson 4's valley: above 2 / 20 = 0.1 SGD diverges). A sweep finds that point by trying.

train_loss(make_model, x, y, lr, steps): a fresh model = make_model(), `steps` steps of
    plain gradient descent on the whole batch with the mean squared error F.mse_loss(
    model(x), y) (zero the gradients, backward, p -= lr * p.grad under mg.no_grad());
    return the loss after the last step as a float (inf or nan if it blew up).
lr_sweep(make_model, x, y, lrs, steps): [train_loss(...) for each lr in lrs].
divergence_point(lrs, losses, initial_loss): lrs ascending, losses their final losses:
    the first (smallest) lr whose final loss is above initial_loss or not finite (nan or
    inf): where training diverges. None if no lr diverges.

The checker compares with its own loop, and on a linear regression checks that the point
found is the first learning rate above the theory's 2 / (largest eigenvalue of the
Hessian).
"""

import math

import minigrad as mg
import minigrad.functional as F


def train_loss(make_model, x, y, lr, steps):
    # BEGIN SOLUTION
    model = make_model()  # a fresh model: each learning rate starts from the same weights
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        model.zero_grad()
        loss.backward()
        with mg.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
    with mg.no_grad():
        return F.mse_loss(model(x), y).item()  # after the last step
    # END SOLUTION


def lr_sweep(make_model, x, y, lrs, steps):
    # BEGIN SOLUTION
    return [train_loss(make_model, x, y, lr, steps) for lr in lrs]
    # END SOLUTION


def divergence_point(lrs, losses, initial_loss):
    # BEGIN SOLUTION
    for lr, loss in zip(lrs, losses):
        if not math.isfinite(loss) or loss > initial_loss:  # nan > x is False: test both
            return lr
    return None
    # END SOLUTION
