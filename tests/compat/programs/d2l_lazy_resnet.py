"""A residual network built from lazy layers, as d2l's newer (master) chapters build it."""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

rng = np.random.default_rng(2)


class Residual(nn.Module):
    """The Residual block of ResNet models."""

    def __init__(self, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


def init_cnn(module):
    """Initialize weights for CNNs (after the first forward: the lazy layers have become
    Conv2d and Linear). Drawn by numpy here, so both libraries start equal."""
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        module.weight.data = torch.tensor(
            rng.normal(0, 0.2, size=tuple(module.weight.shape)), dtype=torch.float32
        )
        nn.init.zeros_(module.bias)
    if type(module) == nn.BatchNorm2d:
        module.reset_running_stats()  # forget the statistics of the first (random) pass


blk = Residual(3)
X = torch.tensor(rng.normal(size=(4, 3, 6, 6)), dtype=torch.float32)
print(blk(X).shape)
blk = Residual(6, use_1x1conv=True, strides=2)
print(blk(X).shape)

net = nn.Sequential(
    nn.Sequential(
        nn.LazyConv2d(8, kernel_size=3, stride=1, padding=1), nn.LazyBatchNorm2d(), nn.ReLU()
    ),
    Residual(8),
    Residual(16, use_1x1conv=True, strides=2),
    nn.AdaptiveAvgPool2d((1, 1)),
    nn.Flatten(),
    nn.LazyLinear(3),
)
print(type(net[0][0]).__name__, type(net[-1]).__name__)
net(X)  # the first forward: every lazy layer learns its input size
net.apply(init_cnn)
print(type(net[0][0]).__name__, type(net[-1]).__name__, net[-1].in_features)
for name, p in net.named_parameters():
    print(name, tuple(p.shape))
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, "output shape:\t", X.shape)

y = torch.tensor([0, 1, 2, 1])
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
X = torch.tensor(rng.normal(size=(4, 3, 6, 6)), dtype=torch.float32)
for step in range(4):
    loss = F.cross_entropy(net(X), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step}: loss {loss.item():.5f}")
print("bn1 running mean", net[1].bn1.running_mean)
