"""The main job, `minigrad train lenet`: one epoch, against the same loop in PyTorch.

    python benchmarks/bench_train.py [--rounds 5] [--steps 3] [--threads 1]

One timed step is one epoch as `minigrad train lenet` runs it with its defaults: LeNet-5
(tanh, average pooling) on scikit-learn's digits upsampled to 32 x 32, 1,438 training
images in 45 shuffled batches of 32, SGD with momentum 0.9 and lr 0.05, the loss and
accuracy of every batch added up, then the 359 test images evaluated in batches of 256.
minigrad runs `minigrad.train.fit`, the command's own loop. PyTorch runs the same loop
written in PyTorch, on the same images in the same order from the same initial weights
(the torch process borrows minigrad's data loader and initial weights before timing, and
nothing of minigrad while timing), so the first epoch's training losses must agree.
The command pins numpy's BLAS to one thread, so `--threads 1` is the comparison that
matters here (the default of this script, unlike the others).
"""

from __future__ import annotations

import sys

import numpy as np
from common import Case, main

BATCH, LR, MOMENTUM, SEED = 32, 0.05, 0.9, 0


def initial_state() -> tuple:
    """(train arrays, test arrays, initial weights) exactly as `minigrad train lenet` has them."""
    from minigrad import manual_seed
    from minigrad.data import load_digits
    from minigrad.models import LeNet5

    train, test = load_digits(size=32)
    manual_seed(SEED)
    model = LeNet5()
    weights = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    arrays = [tuple(t.numpy() for t in ds.tensors) for ds in (train, test)]
    return arrays[0], arrays[1], weights


def minigrad_case(lib: str):
    import minigrad.functional as F
    from minigrad import manual_seed, optim
    from minigrad.data import DataLoader, load_digits
    from minigrad.models import LeNet5
    from minigrad.train import fit

    train, test = load_digits(size=32)
    manual_seed(SEED)
    model = LeNet5()
    optimizer = optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    train_loader = DataLoader(train, batch_size=BATCH, shuffle=True, seed=SEED)
    test_loader = DataLoader(test, batch_size=256)

    def epoch() -> float:
        history = fit(
            model, train_loader, F.cross_entropy, optimizer, 1, test_loader, progress=False
        )
        return history["train_loss"][0]

    return epoch, epoch()


def torch_case(lib: str):
    (x_train, y_train), (x_test, y_test), weights = initial_state()
    for name in [m for m in sys.modules if m.startswith("minigrad")]:
        del sys.modules[name]  # nothing of minigrad is used from here on
    import torch
    from torch import nn

    model = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(16, 120, 5), nn.Tanh(), nn.Flatten(),
        nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10),
    )  # fmt: skip
    ours = list(weights.values())  # the same order: c1, c3, c5, f6, output (weight, bias)
    with torch.no_grad():
        for p, w in zip(model.parameters(), ours, strict=True):
            p.copy_(torch.from_numpy(w))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = nn.CrossEntropyLoss()
    x_train, y_train = torch.from_numpy(x_train), torch.from_numpy(y_train)
    x_test, y_test = torch.from_numpy(x_test), torch.from_numpy(y_test)
    order = np.random.default_rng(SEED)  # the shuffles of minigrad's DataLoader(seed=0)

    def epoch() -> float:
        model.train()
        total, correct, seen = 0.0, 0, 0
        perm = torch.from_numpy(order.permutation(len(y_train)))
        for start in range(0, len(perm), BATCH):
            idx = perm[start : start + BATCH]
            x, y = x_train[idx], y_train[idx]
            optimizer.zero_grad()
            out = model(x)
            loss = loss_fn(out, y)
            value = loss.item()
            loss.backward()
            optimizer.step()
            total += value * len(x)
            seen += len(x)
            correct += int((out.argmax(1) == y).sum())
        model.eval()
        with torch.no_grad():
            for start in range(0, len(y_test), 256):
                out = model(x_test[start : start + 256])
                loss_fn(out, y_test[start : start + 256]).item()
        return total / seen

    return epoch, epoch()


def make(lib: str):
    return minigrad_case(lib) if lib == "minigrad" else torch_case(lib)


CASES = {"minigrad train lenet: one epoch (45 steps of 32, then the test set)": Case(
    make, unit="s", rtol=1e-3, steps=3, warmup=1
)}  # fmt: skip

if __name__ == "__main__":
    if not any(a.startswith("--threads") for a in sys.argv):
        sys.argv += ["--threads", "1"]
    raise SystemExit(main(CASES, __doc__))
