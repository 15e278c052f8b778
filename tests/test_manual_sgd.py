"""The training loops of the teaching material, written by hand, train as in PyTorch.

d2l's softmax regression from scratch updates its parameters with
`with torch.no_grad(): param -= lr * param.grad / batch_size; param.grad.zero_()`;
micrograd and "What is torch.nn really?" set `p.grad = None` instead. Both must change the
parameters themselves (the same tensors, the same memory), so that the model trains.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

N, D, K = 240, 12, 4  # examples, features, classes
BATCH, LR, EPOCHS = 32, 0.5, 8


def _data():
    rng = np.random.default_rng(7)
    centers = rng.normal(scale=0.4, size=(K, D))
    y = rng.integers(0, K, size=N)
    x = (centers[y] + rng.normal(size=(N, D))).astype(np.float32)
    w0 = rng.normal(scale=0.01, size=(D, K)).astype(np.float32)
    return x, y, w0


def _train(lib, reset: str):
    """d2l's softmax regression, written once for both libraries."""
    x, y, w0 = _data()
    X, Y = lib.tensor(x), lib.tensor(y)
    W = lib.tensor(w0, requires_grad=True)
    b = lib.zeros(K, requires_grad=True)
    params = [W, b]
    memory = [p.numpy() if lib is mg else None for p in params]

    def softmax(z):
        z_exp = z.exp()
        return z_exp / z_exp.sum(1, keepdim=True)

    def cross_entropy(y_hat, labels):
        return -y_hat[list(range(len(y_hat))), labels].log()

    def sgd(params, lr, batch_size):
        with lib.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                if reset == "zero_":
                    param.grad.zero_()
                else:
                    param.grad = None

    with lib.no_grad():
        losses = [cross_entropy(softmax(X @ W + b), Y).mean().item()]
    for _ in range(EPOCHS):
        for start in range(0, N, BATCH):
            xb, yb = X[start : start + BATCH], Y[start : start + BATCH]
            loss = cross_entropy(softmax(xb @ W + b), yb)
            loss.sum().backward()
            sgd(params, LR, len(yb))
        with lib.no_grad():
            losses.append(cross_entropy(softmax(X @ W + b), Y).mean().item())
    assert params[0] is W and params[1] is b
    if lib is mg:  # the very same arrays were changed
        assert all(np.shares_memory(p.numpy(), m) for p, m in zip(params, memory))
        assert W.is_leaf and W.requires_grad and W._version == EPOCHS * -(-N // BATCH)
    return losses, W, b


@pytest.mark.parametrize("reset", ["zero_", "none"])
def test_softmax_regression_trained_by_hand_matches_torch(torch, reset):
    torch.set_default_dtype(torch.float32)
    ours, w, b = _train(mg, reset)
    theirs, tw, tb = _train(torch, reset)
    assert ours[-1] < 0.7 * ours[0]  # it trains (from log(4) = 1.386 to about 0.92)
    np.testing.assert_allclose(ours, theirs, rtol=2e-4)
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(b.numpy(), tb.detach().numpy(), rtol=2e-4, atol=2e-5)
    assert w.dtype == mg.float32 and w.grad is None or w.grad.dtype == mg.float32


def test_micrograd_style_loop_over_parameters_trains():
    """`for p in model.parameters(): p.data -= lr * p.grad` and the no_grad form agree."""
    mg.manual_seed(0)
    model = mg.nn.Linear(3, 1)
    twin = mg.nn.Linear(3, 1)
    twin.load_state_dict(model.state_dict())
    x = mg.randn(16, 3)
    target = x @ mg.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    for _ in range(150):
        for m, inplace in ((model, True), (twin, False)):
            loss = ((m(x) - target) ** 2).mean()
            m.zero_grad()
            loss.backward()
            for p in m.parameters():
                if inplace:
                    with mg.no_grad():
                        p -= 0.1 * p.grad
                else:
                    p.data -= 0.1 * p.grad.data
    np.testing.assert_allclose(model.weight.numpy(), twin.weight.numpy(), rtol=1e-6)
    np.testing.assert_allclose(model.weight.numpy(), [[1.0, -2.0, 0.5]], atol=0.05)
