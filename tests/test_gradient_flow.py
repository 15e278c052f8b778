"""fit(record_gradient_flow=True): per-layer gradient norms and update / weight ratios, step by
step, checked against the gradients and weights themselves; plot_gradient_flow draws them."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import nn, optim
from minigrad.data import DataLoader, TensorDataset
from minigrad.train import GradientFlow, fit
from minigrad.viz import plots


def data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return TensorDataset(x, (x[:, 0] > 0).astype(np.int64))


def net():
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def norm(*arrays):
    return math.sqrt(sum(float((np.asarray(a, np.float64) ** 2).sum()) for a in arrays))


def test_first_step_numbers_equal_the_gradients_and_the_sgd_update():
    model = net()
    twin = net()  # the same weights: one step by hand
    batch = next(iter(DataLoader(data(), batch_size=16)))
    F.cross_entropy(twin(batch[0]), batch[1]).backward()
    lr = 0.1
    history = fit(
        model,
        DataLoader(data(), batch_size=16),
        F.cross_entropy,
        optim.SGD(model.parameters(), lr=lr),
        epochs=2,
        progress=False,
        record_gradient_flow=True,
    )
    flow = history["gradient_flow"]
    assert isinstance(flow, GradientFlow)
    assert flow.layers == ["0", "2"]  # modules holding parameters, input side first
    assert flow.steps == list(range(1, 9)) and flow.epochs == [1] * 4 + [2] * 4
    assert flow.grad_norms().shape == flow.update_ratios().shape == (8, 2)
    for i, name in enumerate(("0", "2")):
        layer = twin.get_submodule(name)
        g = norm(layer.weight.grad.numpy(), layer.bias.grad.numpy())
        w = norm(layer.weight.numpy(), layer.bias.numpy())
        assert flow.grad_norm[0][i] == pytest.approx(g, rel=1e-6)
        # plain SGD moves theta by lr * grad: the update ratio is lr * |grad| / |theta|
        assert flow.update_ratio[0][i] == pytest.approx(lr * g / w, rel=1e-4)
    medians = flow.medians()
    assert medians["0"][0] == pytest.approx(np.median(flow.grad_norms()[:, 0]))
    table = flow.table()
    assert "median |grad|" in table and table.splitlines()[1].startswith("0 ")
    assert repr(flow) == "GradientFlow(2 layers, 8 steps)"


def test_without_the_option_history_has_no_flow_and_frozen_layers_are_left_out():
    model = net()
    history = fit(
        model,
        DataLoader(data(), batch_size=32),
        F.cross_entropy,
        optim.SGD(model.parameters(), lr=0.1),
        epochs=1,
        progress=False,
    )
    assert "gradient_flow" not in history
    model[0].requires_grad_(False)
    history = fit(
        model,
        DataLoader(data(), batch_size=32),
        F.cross_entropy,
        optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1),
        epochs=1,
        progress=False,
        record_gradient_flow=True,
    )
    assert history["gradient_flow"].layers == ["2"]


def test_a_plain_model_object_and_a_model_without_parameters():
    class Linear2:
        def __init__(self):
            self.w = mg.zeros(4, 2, requires_grad=True)
            self.b = mg.zeros(2, requires_grad=True)

        def parameters(self):
            return [self.w, self.b]

        def __call__(self, x):
            return x @ self.w + self.b

    model = Linear2()
    history = fit(
        model,
        DataLoader(data(), batch_size=32),
        F.cross_entropy,
        optim.SGD(model.parameters(), lr=0.1),
        epochs=1,
        progress=False,
        record_gradient_flow=True,
    )
    flow = history["gradient_flow"]
    assert flow.layers == ["parameter 0", "parameter 1"]
    assert math.isnan(flow.update_ratio[0][0])  # zero weights: no ratio to speak of
    with pytest.raises(TypeError, match="record_gradient_flow needs a model with trainable"):
        fit(
            nn.Flatten(),
            DataLoader(data(), batch_size=32),
            F.cross_entropy,
            optim.SGD([mg.zeros(1, requires_grad=True)], lr=0.1),
            epochs=1,
            progress=False,
            record_gradient_flow=True,
        )


def test_vanishing_gradients_of_a_deep_sigmoid_stack_show_in_the_numbers():
    mg.manual_seed(0)
    layers = [nn.Linear(4, 16), nn.Sigmoid()]
    for _ in range(8):
        layers += [nn.Linear(16, 16), nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(16, 2))
    history = fit(
        model,
        DataLoader(data(128), batch_size=32),
        F.cross_entropy,
        optim.SGD(model.parameters(), lr=0.1),
        epochs=1,
        progress=False,
        record_gradient_flow=True,
    )
    g = np.median(history["gradient_flow"].grad_norms(), axis=0)
    assert g[0] < 1e-3 * g[-1]
    assert np.all(np.diff(np.log(g[:-1])) > 0)  # growing layer by layer toward the output


def test_plot_gradient_flow_single_and_compared(tmp_path):
    model = net()
    history = fit(
        model,
        DataLoader(data(), batch_size=16),
        F.cross_entropy,
        optim.SGD(model.parameters(), lr=0.1),
        epochs=1,
        progress=False,
        record_gradient_flow=True,
    )
    fig = plots.plot_gradient_flow(history, path=tmp_path / "flow.png")
    assert (tmp_path / "flow.png").stat().st_size > 1000
    assert len(fig.axes) == 3
    lines = fig.axes[0].lines
    assert [line.get_label() for line in lines] == ["0", "2"]
    np.testing.assert_allclose(lines[1].get_ydata(), history["gradient_flow"].grad_norms()[:, 1])
    fig = plots.plot_gradient_flow({"a": history, "b": history["gradient_flow"]})
    assert len(fig.axes) == 6 and fig.axes[3].get_title().startswith("b: ")
    with pytest.raises(ValueError, match="record_gradient_flow=True"):
        plots.plot_gradient_flow({"epoch": [1], "train_loss": [0.5]})
    with pytest.raises(ValueError, match="no steps recorded"):
        plots.plot_gradient_flow(GradientFlow(net()))


def test_the_per_layer_legend_covers_no_point_even_when_the_curves_zigzag():
    """Lesson 11's batch-norm row: both medians zigzag across the whole panel, so no corner
    is free; the legend sits in room left above the points (it covered some before)."""
    layers = 15
    flow = GradientFlow(net())
    flow.layers = [f"{i} {'bn' if i % 2 else 'linear'}" for i in range(layers)]
    zigzag = np.where(np.arange(layers) % 2, 0.02, 0.4)  # grad norms
    for step in range(1, 4):
        flow.grad_norm.append(list(zigzag * (1 + 0.01 * step)))
        flow.update_ratio.append(list(zigzag / 25))
        flow.steps.append(step)
        flow.epochs.append(1)
    fig = plots.plot_gradient_flow(flow)  # each row of a comparison is laid out alike
    fig.canvas.draw()
    ax = fig.axes[2]  # the right column: medians per layer
    box = ax.get_legend().get_window_extent()
    points = np.concatenate([ax.transData.transform(line.get_xydata()) for line in ax.lines])
    inside = [box.x0 - 4 <= x <= box.x1 + 4 and box.y0 - 4 <= y <= box.y1 + 4 for x, y in points]
    assert not any(inside)
    ylo, yhi = ax.get_ylim()  # every point still shown
    assert all(ylo <= y <= yhi for line in ax.lines for y in line.get_ydata())
