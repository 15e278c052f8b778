"""'What is torch.nn really?', first half: a model written by hand, then refactored step by
step (nn.functional, nn.Module, nn.Linear) while the update stays `p -= p.grad * lr`.

The data stand in for MNIST: 28x28 = 784 pixels, 10 classes, float32 arrays from numpy.
"""

import math

import numpy as np
import torch

rng = np.random.default_rng(3)
prototypes = rng.uniform(0, 1, size=(10, 784)).astype(np.float32)
y_np = np.arange(256) % 10
x_np = (prototypes[y_np] + rng.normal(0, 0.8, size=(256, 784))).astype(np.float32)
x_train, y_train, x_valid, y_valid = map(
    torch.tensor, (x_np[:192], y_np[:192], x_np[192:], y_np[192:])
)
n, c = x_train.shape
print(x_train.shape, y_train.min(), y_train.max())

weights = torch.tensor(rng.normal(size=(784, 10)), dtype=torch.float32) / math.sqrt(784)
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


bs = 64
xb = x_train[0:bs]
preds = model(xb)
print(preds[0], preds.shape)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


loss_func = nll
yb = y_train[0:bs]
print(loss_func(preds, yb))


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


print(accuracy(preds, yb))

lr = 0.5
epochs = 2
for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
print(loss_func(model(xb), yb), accuracy(model(xb), yb))

# Using torch.nn.functional
import torch.nn.functional as F

loss_func = F.cross_entropy


def model(xb):
    return xb @ weights + bias


print(loss_func(model(xb), yb), accuracy(model(xb), yb))

# Refactor using nn.Module
from torch import nn


class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(
            torch.tensor(rng.normal(size=(784, 10)), dtype=torch.float32) / math.sqrt(784)
        )
        self.bias = nn.Parameter(torch.zeros(10))

    def forward(self, xb):
        return xb @ self.weights + self.bias


model = Mnist_Logistic()
print(loss_func(model(xb), yb))


def fit():
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= p.grad * lr
                model.zero_grad()


fit()
print(loss_func(model(xb), yb))


# Refactor using nn.Linear
class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(784, 10)

    def forward(self, xb):
        return self.lin(xb)


model = Mnist_Logistic()
model.load_state_dict(
    {
        "lin.weight": torch.tensor(rng.normal(0, 0.03, size=(10, 784)), dtype=torch.float32),
        "lin.bias": torch.zeros(10),
    }
)
print(loss_func(model(xb), yb))
fit()
print(loss_func(model(xb), yb))
