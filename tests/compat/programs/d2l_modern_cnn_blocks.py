"""The blocks of d2l's 'Modern CNNs' chapters (PyTorch edition): VGG, NiN, Inception, ResNet's
Residual (with `Y += X` and nn.ReLU(inplace=True)), DenseNet's dense and transition blocks,
and AlexNet's dropout. Each is built, run forward and backward on small inputs."""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

rng = np.random.default_rng(9)


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),
        nn.ReLU(),
    )


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
        super(Inception, self).__init__(**kwargs)
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(
            input_channels, num_channels, kernel_size=3, padding=1, stride=strides
        )
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


def conv_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1),
    )


class DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super(DenseBlock, self).__init__()
        layer = []
        for i in range(num_convs):
            layer.append(conv_block(num_channels * i + input_channels, num_channels))
        self.net = nn.Sequential(*layer)

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((X, Y), dim=1)
        return X


def transition_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2),
    )


def numpy_weights(net):
    for name, p in net.named_parameters():
        p.data = torch.tensor(rng.normal(0, 0.3, size=tuple(p.shape)), dtype=torch.float32)
    return net


blocks = {
    "vgg": numpy_weights(vgg_block(2, 3, 4)),
    "nin": numpy_weights(nin_block(3, 5, kernel_size=3, strides=2, padding=1)),
    "inception": numpy_weights(Inception(3, 2, (2, 3), (1, 2), 2)),
    "residual": numpy_weights(Residual(3, 3)),
    "residual 1x1": numpy_weights(Residual(3, 6, use_1x1conv=True, strides=2)),
    "dense": numpy_weights(DenseBlock(2, 3, 4)),
    "transition": numpy_weights(transition_block(3, 2)),
    "alexnet head": numpy_weights(
        nn.Sequential(
            nn.Flatten(), nn.Linear(3 * 8 * 8, 16), nn.ReLU(), nn.Dropout(p=0.5), nn.Linear(16, 4)
        )
    ),
}
X0 = torch.tensor(rng.normal(size=(2, 3, 8, 8)), dtype=torch.float32)
for name, blk in blocks.items():
    X = X0.detach().requires_grad_()
    if name == "alexnet head":
        blk.eval()  # dropout draws random masks: compare its deterministic (eval) mode
    Y = blk(X)
    (Y * Y).mean().backward()
    grads = [p.grad.abs().sum().item() for p in blk.parameters()]
    print(
        f"{name}: {tuple(Y.shape)} mean {Y.mean().item():.5f} dx {X.grad.abs().sum().item():.5f} dparams {sum(grads):.5f}"
    )

print(blocks["residual"].relu, blocks["vgg"])
b1 = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=7, stride=2, padding=3),
    nn.BatchNorm2d(8),
    nn.ReLU(),
    nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
)
net = nn.Sequential(
    b1, Residual(8, 8), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(8, 10)
)
X = torch.rand(size=(1, 1, 32, 32))
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, "output shape:\t", X.shape)
