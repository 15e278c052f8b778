"""CS231n's PyTorch notebook, parts III and IV in its style: a device and dtype chosen once,
nn.Module and nn.Sequential models, a check_accuracy over a loader, an optimizer loop."""

from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data import sampler

USE_GPU = True
dtype = torch.float32
if USE_GPU and torch.cuda.is_available():
    device = torch.device("cuda")
else:
    device = torch.device("cpu")
print("using device:", device)
print_every = 2

rng = np.random.default_rng(8)
NUM_TRAIN = 96
y_all = np.arange(128) % 4
X_all = rng.normal(0, 1, size=(128, 3, 8, 8))
for k in range(4):
    X_all[y_all == k, k % 3, 2 * k : 2 * k + 2, :] += 2.0
data = TensorDataset(torch.tensor(X_all, dtype=torch.float32), torch.tensor(y_all))
loader_train = DataLoader(data, batch_size=32, sampler=sampler.SequentialSampler(range(NUM_TRAIN)))
loader_val = DataLoader(
    data, batch_size=32, sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN, 128))
)


def flatten(x):
    N = x.shape[0]
    return x.view(N, -1)


class Flatten(nn.Module):
    def forward(self, x):
        return flatten(x)


def numpy_init(model):
    for name, p in model.named_parameters():
        p.data = torch.tensor(rng.normal(0, 0.2, size=tuple(p.shape)), dtype=dtype)


def check_accuracy_part34(loader, model):
    num_correct = 0
    num_samples = 0
    model.eval()
    with torch.no_grad():
        for x, y in loader:
            x = x.to(device=device, dtype=dtype)
            y = y.to(device=device, dtype=torch.long)
            scores = model(x)
            _, preds = scores.max(1)
            num_correct += (preds == y).sum()
            num_samples += preds.size(0)
        acc = float(num_correct) / num_samples
        print("Got %d / %d correct (%.2f)" % (num_correct, num_samples, 100 * acc))


def train_part34(model, optimizer, epochs=1):
    model = model.to(device=device)
    for e in range(epochs):
        for t, (x, y) in enumerate(loader_train):
            model.train()
            x = x.to(device=device, dtype=dtype)
            y = y.to(device=device, dtype=torch.long)
            scores = model(x)
            loss = F.cross_entropy(scores, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if t % print_every == 0:
                print("Iteration %d, loss = %.4f" % (t, loss.item()))
        check_accuracy_part34(loader_val, model)


class ThreeLayerConvNet(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channel, channel_1, 5, padding=2)
        self.conv2 = nn.Conv2d(channel_1, channel_2, 3, padding=1)
        self.fc = nn.Linear(channel_2 * 8 * 8, num_classes)
        nn.init.kaiming_normal_(self.conv1.weight)
        nn.init.kaiming_normal_(self.fc.weight)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return self.fc(flatten(x))


def test_ThreeLayerConvNet():
    x = torch.zeros((16, 3, 8, 8), dtype=dtype)
    model = ThreeLayerConvNet(in_channel=3, channel_1=6, channel_2=4, num_classes=4)
    scores = model(x)
    print(scores.size())


test_ThreeLayerConvNet()
model = ThreeLayerConvNet(in_channel=3, channel_1=6, channel_2=4, num_classes=4)
numpy_init(model)
optimizer = optim.SGD(model.parameters(), lr=0.05)
train_part34(model, optimizer, epochs=2)

model = nn.Sequential(
    OrderedDict(
        [
            ("conv", nn.Conv2d(3, 8, 3, padding=1)),
            ("relu", nn.ReLU()),
            ("pool", nn.MaxPool2d(2)),
            ("flatten", Flatten()),
            ("fc", nn.Linear(8 * 4 * 4, 4)),
        ]
    )
)
numpy_init(model)
optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
train_part34(model, optimizer, epochs=2)
print([name for name, _ in model.named_parameters()])
