"""Exercise linear-backward (lesson 3): gradients of a linear layer, by shapes.

    y = x @ W + b      x: (N, D)   W: (D, M)   b: (M,)   y: (N, M)

Given dy = dL/dy (shape (N, M)), return (dx, dW, db), each with the shape of what it
is the gradient of. Use numpy. The checker compares with the engine's gradients.
"""

import numpy as np


def linear_backward(x, W, b, dy):
    # BEGIN SOLUTION
    dx = dy @ W.T  # (N, M) @ (M, D) -> (N, D)
    dW = x.T @ dy  # (D, N) @ (N, M) -> (D, M)
    db = dy.sum(axis=0)  # b was broadcast over the N rows: add their gradients
    return dx, dW, db
    # END SOLUTION
