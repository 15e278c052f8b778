"""The training loop: fit, evaluate, predict, on small problems with a hand-made model."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import evaluate, fit, format_epoch, predict


class Softmax2D:
    """Softmax regression (a linear layer) with the train/eval interface fit expects."""

    def __init__(self, k=3):
        rng = np.random.default_rng(0)
        self.w = mg.tensor(rng.standard_normal((2, k)) * 0.1, dtype=mg.float32, requires_grad=True)
        self.b = mg.zeros(k, requires_grad=True)
        self.training = True
        self.modes = []

    def train(self, mode=True):
        self.training = mode
        self.modes.append(mode)
        return self

    def eval(self):
        return self.train(False)

    def parameters(self):
        return [self.w, self.b]

    def __call__(self, x):
        return x @ self.w + self.b


def cross_entropy(out, y):
    onehot = mg.from_numpy(np.eye(out.shape[1], dtype=out.dtype)[y.numpy()])
    return -(out.log_softmax(-1) * onehot).sum() / out.shape[0]


def mse(out, y):
    return ((out - y) ** 2).mean()


def blobs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    y = rng.integers(0, 3, n)
    x = centres[y] + rng.standard_normal((n, 2))
    return TensorDataset(x.astype(np.float32), y)


def test_fit_learns_three_blobs_and_reports_history():
    train, val = blobs(300, 0), blobs(150, 1)
    model = Softmax2D()
    opt = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    hist = fit(
        model,
        DataLoader(train, batch_size=32, shuffle=True, seed=0),
        cross_entropy,
        opt,
        epochs=5,
        val_loader=DataLoader(val, batch_size=64),
        progress=False,
    )
    assert hist["epoch"] == [1, 2, 3, 4, 5]
    assert all(len(hist[k]) == 5 for k in ("train_loss", "train_acc", "val_loss", "val_acc"))
    assert hist["train_loss"][-1] < hist["train_loss"][0]
    assert hist["val_acc"][-1] >= 0.97  # these blobs are separable up to a few points
    loss, acc = evaluate(model, DataLoader(val, batch_size=7), cross_entropy)
    assert acc == pytest.approx(hist["val_acc"][-1])
    assert loss == pytest.approx(hist["val_loss"][-1], rel=1e-5)
    assert model.training  # back in train mode after validation


def test_evaluate_matches_a_direct_computation_and_restores_mode():
    ds = blobs(50, 2)
    model = Softmax2D().eval()
    loss, acc = evaluate(model, DataLoader(ds, batch_size=16), cross_entropy)
    x, y = ds.tensors
    out = model(x)
    assert loss == pytest.approx(cross_entropy(out, y).item(), rel=1e-5)
    assert acc == pytest.approx(np.mean(out.numpy().argmax(1) == y.numpy()))
    assert model.training is False


def test_predict_returns_labels_and_classes_in_order():
    ds = blobs(40, 3)
    model = Softmax2D()
    y_true, y_pred = predict(model, DataLoader(ds, batch_size=16))
    np.testing.assert_array_equal(y_true, ds.tensors[1].numpy())
    np.testing.assert_array_equal(y_pred, model(ds.tensors[0]).numpy().argmax(1))
    assert y_pred.dtype == np.int64 and model.training


def test_nan_loss_names_epoch_and_step():
    x = np.zeros((12, 2), np.float32)
    x[9] = np.nan  # sample 9 is in the third batch of four
    ds = TensorDataset(x, np.zeros(12, np.int64))
    model = Softmax2D()
    with pytest.raises(FloatingPointError, match=r"loss became nan at epoch 1, step 3 of 3"):
        fit(model, DataLoader(ds, batch_size=4), cross_entropy, optim.SGD(model.parameters()), 2)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's overflow warnings come first
def test_diverging_training_stops_with_a_clear_error():
    x = np.linspace(-1, 1, 20, dtype=np.float32)[:, None]
    ds = TensorDataset(x, 3 * x)
    w = mg.zeros(1, 1, requires_grad=True)
    opt = optim.SGD([w], lr=50.0)  # far past 2 / curvature: every step overshoots more
    with pytest.raises(FloatingPointError, match=r"became inf at epoch \d+, step \d+ of 4.*50.0"):
        fit(lambda x: x @ w, DataLoader(ds, batch_size=5), mse, opt, 100, progress=False)


def test_callbacks_get_logs_and_can_stop_early():
    ds = blobs(60, 5)
    model = Softmax2D()
    opt = optim.SGD(model.parameters(), lr=0.1)
    seen = []

    def stop_after_two(epoch, logs):
        seen.append((epoch, sorted(logs)))
        return epoch == 2

    hist = fit(
        model, DataLoader(ds, batch_size=20), cross_entropy, opt, 10, callbacks=[stop_after_two]
    )
    assert hist["epoch"] == [1, 2] and hist["val_loss"] == []
    assert seen[0] == (1, ["epoch", "lr", "seconds", "train_acc", "train_loss"])


def test_scheduler_is_stepped_once_per_epoch():
    ds = blobs(30, 6)
    model = Softmax2D()
    opt = optim.SGD(model.parameters(), lr=0.4)
    sched = optim.StepLR(opt, step_size=1, gamma=0.5)
    hist = fit(model, DataLoader(ds, batch_size=10), cross_entropy, opt, 3, scheduler=sched)
    assert hist["lr"] == [0.4, 0.2, 0.1]
    assert opt.param_groups[0]["lr"] == 0.05


def test_accuracy_is_nan_for_regression():
    x = np.linspace(-1, 1, 20, dtype=np.float32)[:, None]
    ds = TensorDataset(x, 3 * x)
    w = mg.zeros(1, 1, requires_grad=True)
    hist = fit(lambda x: x @ w, DataLoader(ds, batch_size=5), mse, optim.SGD([w], lr=0.5), 30)
    assert math.isnan(hist["train_acc"][0])
    assert w.item() == pytest.approx(3.0, abs=1e-3)


def test_progress_bar_only_when_asked(capsys):
    ds = blobs(30, 7)
    model = Softmax2D()
    opt = optim.SGD(model.parameters(), lr=0.1)
    fit(model, DataLoader(ds, batch_size=10), cross_entropy, opt, 1)  # stdout is not a terminal
    assert capsys.readouterr().out == ""
    fit(model, DataLoader(ds, batch_size=10), cross_entropy, opt, 1, progress=True)
    assert "epoch 1/1" in capsys.readouterr().out


def test_bad_arguments_are_explained():
    ds = blobs(10, 8)
    model = Softmax2D()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs must be a non-negative integer, got 1.5"):
        fit(model, DataLoader(ds, batch_size=5), cross_entropy, opt, 1.5)
    with pytest.raises(ValueError, match=r"loss_fn must return one number.*\(5, 3\)"):
        fit(model, DataLoader(ds, batch_size=5), lambda out, y: out, opt, 1)
    with pytest.raises(TypeError, match="each batch must be a pair.*got a list of length 1"):
        fit(model, DataLoader(TensorDataset(ds.tensors[0]), batch_size=5), cross_entropy, opt, 1)
    with pytest.raises(ValueError, match="gave no batches"):
        fit(model, DataLoader(ds, batch_size=20, drop_last=True), cross_entropy, opt, 1)


def test_format_epoch_line():
    logs = dict(epoch=3, train_loss=0.5, train_acc=0.875, val_loss=0.25, val_acc=1.0, seconds=2.04)
    assert format_epoch(logs, 10) == (
        "epoch  3/10 | train loss 0.5000 | acc 0.8750 | test loss 0.2500 | acc 1.0000 | 2.0s"
    )
    assert "| validation loss 0.2500 |" in format_epoch(logs, 10, val_name="validation")
