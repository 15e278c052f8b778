"""Batch normalization from scratch with moving averages, as d2l's chapter writes it."""

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(1)


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # `is_grad_enabled` tells training (recording) from prediction mode
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims):
        super().__init__()
        if num_dims == 2:
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var, eps=1e-5, momentum=0.9
        )
        return Y


net = nn.Sequential(
    nn.Conv2d(1, 4, kernel_size=3),
    BatchNorm(4, num_dims=4),
    nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(4 * 3 * 3, 8),
    BatchNorm(8, num_dims=2),
    nn.Sigmoid(),
    nn.Linear(8, 2),
)

with torch.no_grad():  # weights from numpy, so that both libraries start equal
    for name, p in net.named_parameters():
        p.data = torch.tensor(rng.normal(0, 0.5, size=tuple(p.shape)), dtype=torch.float32)

X = torch.tensor(rng.normal(size=(16, 1, 8, 8)), dtype=torch.float32)
y = torch.tensor((rng.normal(size=16) > 0).astype(np.int64))
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
loss = nn.CrossEntropyLoss()
for step in range(5):
    trainer.zero_grad()
    l = loss(net(X), y)
    l.backward()
    trainer.step()
    print(f"step {step}: loss {l.item():.5f}")

print("moving mean", net[1].moving_mean.reshape((-1,)))
print("moving var", net[1].moving_var.reshape((-1,)))
print("gamma", net[1].gamma.reshape((-1,)).detach(), "beta", net[6].beta.reshape((-1,)).detach())
net.eval()
with torch.no_grad():
    scores = net(X)
print("prediction-mode scores", scores[:4])
print("accuracy", (scores.argmax(dim=1) == y).float().mean().item())

# The same with the built-in layer
bn = nn.BatchNorm2d(4)
Z = torch.tensor(rng.normal(2.0, 3.0, size=(8, 4, 3, 3)), dtype=torch.float32)
for _ in range(3):
    bn(Z)
print(
    "nn.BatchNorm2d running mean",
    bn.running_mean,
    "var",
    bn.running_var,
    "batches",
    bn.num_batches_tracked.item(),
)
