"""d2l-style LeNet on small images: try_gpu, accuracy, evaluate_accuracy_gpu, train_ch6.

Written in the style of d2l's CNN chapters (PyTorch edition), with tiny synthetic data so
that it runs in a second. Weights come from numpy so both libraries start equal.
"""

import math

import numpy as np
import torch
from torch import nn
from torch.utils import data

rng = np.random.default_rng(0)


def synthetic_images(n):
    """Three classes of 12x12 images: a bright band in rows 0-3, 4-7 or 8-11."""
    y = np.arange(n) % 3
    X = rng.normal(0, 0.3, size=(n, 1, 12, 12))
    for k in range(3):
        X[y == k, 0, 4 * k : 4 * k + 4, :] += 2.0
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y)


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train, num_workers=0)


class Accumulator:
    """For accumulating sums over `n` variables."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def try_gpu(i=0):
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy_gpu(net, data_iter, device=None):
    if isinstance(net, nn.Module):
        net.eval()
        if not device:
            device = next(iter(net.parameters())).device
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            if isinstance(X, list):
                X = [x.to(device) for x in X]
            else:
                X = X.to(device)
            y = y.to(device)
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


def init_weights(m):
    if type(m) == nn.Linear or type(m) == nn.Conv2d:
        fan_out, fan_in = m.weight.shape[0], m.weight[0].numel()
        bound = math.sqrt(6.0 / (fan_in + fan_out))  # xavier uniform, drawn by numpy
        m.weight.data = torch.tensor(
            rng.uniform(-bound, bound, size=tuple(m.weight.shape)), dtype=torch.float32
        )
        nn.init.zeros_(m.bias)


def train_ch6(net, train_iter, test_iter, num_epochs, lr, device):
    net.apply(init_weights)
    print("training on", device)
    net.to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    num_batches = len(train_iter)
    for epoch in range(num_epochs):
        metric = Accumulator(3)
        net.train()
        for i, (X, y) in enumerate(train_iter):
            optimizer.zero_grad()
            X, y = X.to(device), y.to(device)
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            with torch.no_grad():
                metric.add(l * X.shape[0], accuracy(y_hat, y), X.shape[0])
            train_l = metric[0] / metric[2]
            train_acc = metric[1] / metric[2]
            if i == num_batches - 1:
                print(
                    f"epoch {epoch + (i + 1) / num_batches:.2f}: loss {train_l:.4f}, acc {train_acc:.3f}"
                )
        test_acc = evaluate_accuracy_gpu(net, test_iter)
        print(f"loss {train_l:.4f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}")


net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2),
    nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=3),
    nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 2 * 2, 32),
    nn.Sigmoid(),
    nn.Linear(32, 16),
    nn.Sigmoid(),
    nn.Linear(16, 3),
)

X = torch.rand(size=(1, 1, 12, 12), dtype=torch.float32)
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, "output shape: \t", X.shape)

train_iter = load_array(synthetic_images(96), batch_size=16, is_train=False)
test_iter = load_array(synthetic_images(48), batch_size=16, is_train=False)
print(len(train_iter), "batches;", len(train_iter.dataset), "training images")
train_ch6(net, train_iter, test_iter, num_epochs=15, lr=2.0, device=try_gpu())
print(next(iter(net.parameters())).device.type)
