"""The update written by hand, as the first chapters of every text write it: d2l's `sgd`
(`param -= lr * param.grad / batch_size`), the blitz's `f.data.sub_(f.grad.data * lr)`,
CS231n's barebones loop (`w -= learning_rate * w.grad; w.grad.zero_()`), and d2l's
kernel-learning loop (`conv2d.weight.data[:] -= lr * conv2d.weight.grad`, `Y[i, j] = ...`).
Each needs in-place operations: the update must change the tensor the model holds."""

import random

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

rng = np.random.default_rng(11)
random.seed(0)

# d2l, linear regression from scratch
true_w = torch.tensor([2, -3.4])
true_b = 4.2
features = torch.tensor(rng.normal(0, 1, size=(200, 2)), dtype=torch.float32)
labels = torch.matmul(features, true_w) + true_b
labels += torch.tensor(rng.normal(0, 0.01, size=200), dtype=torch.float32)
labels = labels.reshape((-1, 1))


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i : min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


w = torch.tensor(rng.normal(0, 0.01, size=(2, 1)), dtype=torch.float32, requires_grad=True)
b = torch.zeros(1, requires_grad=True)


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr, num_epochs, batch_size = 0.03, 3, 10
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = squared_loss(linreg(X, w, b), y)
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = squared_loss(linreg(features, w, b), labels)
        print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
print(f"error in estimating w: {true_w - w.reshape(true_w.shape)}")
print(f"error in estimating b: {true_b - b}")

# the blitz's update through .data
net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
net.load_state_dict(
    {
        k: torch.tensor(rng.normal(size=tuple(v.shape)), dtype=torch.float32)
        for k, v in net.state_dict().items()
    }
)
x4 = torch.tensor(rng.normal(size=(8, 4)), dtype=torch.float32)
criterion = nn.MSELoss()
learning_rate = 0.01
for step in range(3):
    net.zero_grad()
    loss = criterion(net(x4), torch.ones(8, 1))
    loss.backward()
    for f in net.parameters():
        f.data.sub_(f.grad.data * learning_rate)
    print(f"blitz step {step}: loss {loss.item():.6f}")


# CS231n, part II: barebones two-layer network
def two_layer_fc(x, params):
    x = x.view(x.shape[0], -1)
    w1, w2 = params
    x = F.relu(x.mm(w1))
    return x.mm(w2)


w1 = torch.tensor(rng.normal(size=(12, 6)) * np.sqrt(2.0 / 12), dtype=torch.float32)
w1.requires_grad = True
w2 = torch.tensor(rng.normal(size=(6, 3)) * np.sqrt(2.0 / 6), dtype=torch.float32)
w2.requires_grad = True
xs = torch.tensor(rng.normal(size=(16, 3, 2, 2)), dtype=torch.float32)
ys = torch.tensor(np.arange(16) % 3)
for t in range(3):
    scores = two_layer_fc(xs, [w1, w2])
    loss = F.cross_entropy(scores, ys)
    loss.backward()
    with torch.no_grad():
        for w in [w1, w2]:
            w -= 0.1 * w.grad
            w.grad.zero_()
    print("Iteration %d, loss = %.4f" % (t, loss.item()))


# d2l, learning a kernel
def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


X = torch.ones((6, 8))
X[:, 2:6] = 0
K = torch.tensor([[1.0, -1.0]])
Y = corr2d(X, K)
print(Y)
conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
conv2d.weight.data = torch.tensor([[[[0.3, 0.4]]]])
X = X.reshape((1, 1, 6, 8))
Y = Y.reshape((1, 1, 6, 7))
lr = 3e-2
for i in range(10):
    Y_hat = conv2d(X)
    l = (Y_hat - Y) ** 2
    conv2d.zero_grad()
    l.sum().backward()
    conv2d.weight.data[:] -= lr * conv2d.weight.grad
    if (i + 1) % 2 == 0:
        print(f"epoch {i + 1}, loss {l.sum():.3f}")
print(conv2d.weight.data.reshape((1, 2)))
