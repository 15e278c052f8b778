"""Training plots: each writes a non-empty PNG of the expected pixel size, and bad input
gets a message that says what was expected."""

from __future__ import annotations

import struct

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import Module
from minigrad.viz import plots


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def check_png(fig, path, size):
    assert path.stat().st_size > 1000
    assert png_size(path) == size
    assert fig.get_size_inches() * plots.DPI == pytest.approx(size)
    assert not [p for p in path.parent.iterdir() if ".tmp" in p.name]


HISTORY = {
    "epoch": [1, 2, 3],
    "train_loss": [2.1, 1.2, 0.7],
    "train_acc": [0.4, 0.7, 0.85],
    "val_loss": [1.9, 1.3, 0.9],
    "val_acc": [0.45, 0.66, 0.8],
}


def test_plot_history_png(tmp_path):
    fig = plots.plot_history(HISTORY, path=tmp_path / "h.png")
    check_png(fig, tmp_path / "h.png", (1000, 400))
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in loss_ax.lines] == ["training", "test"]
    assert list(acc_ax.lines[1].get_ydata()) == HISTORY["val_acc"]


def test_plot_history_without_validation_and_bad_input():
    fig = plots.plot_history({"epoch": [1, 2], "train_loss": [1.0, 0.5], "val_loss": []})
    assert len(fig.axes[0].lines) == 1
    with pytest.raises(ValueError, match="train.fit returns"):
        plots.plot_history({"loss": [1.0]})


def test_plot_filters_png(tmp_path):
    w = np.random.default_rng(0).standard_normal((6, 1, 5, 5))
    fig = plots.plot_filters(mg.tensor(w), path=tmp_path / "f.png")
    check_png(fig, tmp_path / "f.png", (900, 200))
    with pytest.raises(ValueError, match=r"\(C_out, C_in, KH, KW\), got \(6, 25\)"):
        plots.plot_filters(w.reshape(6, 25))


class TinyConvNet(Module):
    def __init__(self) -> None:
        super().__init__()
        mg.manual_seed(0)
        self.conv = nn.Conv2d(1, 3, kernel_size=3)

    def forward(self, x):
        return self.conv(x).tanh()


def test_plot_feature_maps_png(tmp_path):
    x = np.random.default_rng(1).random((1, 8, 8)).astype(np.float32)
    fig = plots.plot_feature_maps(TinyConvNet(), x, path=tmp_path / "m.png")
    check_png(fig, tmp_path / "m.png", (560, 210))
    with pytest.raises(ValueError, match="one image"):
        plots.plot_feature_maps(TinyConvNet(), np.zeros((2, 1, 8, 8)))


def test_plot_grad_norms_over_steps_and_single_values(tmp_path):
    norms = {"conv1": [1e-3, 1e-4, 1e-6], "conv2": [0.1, 0.2, 0.3], "fc": [10.0, 500.0, 300.0]}
    fig = plots.plot_grad_norms(norms, path=tmp_path / "g.png")
    check_png(fig, tmp_path / "g.png", (1100, 450))
    bars = fig.axes[1].patches
    assert [b.get_width() for b in bars] == pytest.approx([300.0, 0.3, 1e-6])  # last step
    fig = plots.plot_grad_norms({"a": 1e-5, "b": 0.5}, path=tmp_path / "g1.png")
    check_png(fig, tmp_path / "g1.png", (700, 450))
    with pytest.raises(ValueError, match="layer name"):
        plots.plot_grad_norms({})


def test_plot_activation_histograms_png(tmp_path):
    rng = np.random.default_rng(0)
    acts = {"before bn": rng.normal(3, 5, 500), "after bn": rng.normal(0, 1, 500)}
    fig = plots.plot_activation_histograms(acts, path=tmp_path / "a.png")
    check_png(fig, tmp_path / "a.png", (600, 300))


def test_plot_activation_histograms_labels_fit_and_panels_stay_apart():
    # laid out by hand: every panel with its title, ticks and labels inside the canvas, none
    # over another, and the figure's title above them all
    rng = np.random.default_rng(0)
    for n in (1, 3, 8):
        acts = {f"plain: layer {k}": rng.normal(k, 10.0**k, 2000) for k in range(n)}
        fig = plots.plot_activation_histograms(acts)
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        canvas = fig.bbox
        boxes = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible() and ax.axison]
        assert len(boxes) == n
        title = fig._suptitle.get_window_extent(renderer)
        for box in [*boxes, title]:
            assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1, (n, box, canvas)
            assert canvas.y0 <= box.y0 and box.y1 <= canvas.y1, (n, box, canvas)
        for i, box in enumerate(boxes):
            assert not box.overlaps(title), (n, i)
            assert not any(box.overlaps(other) for other in boxes[i + 1 :]), (n, i)


def test_plot_confusion_matrix_png_and_counts(tmp_path):
    y_true = [0, 0, 1, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 1, 2, 0, 2]
    fig = plots.plot_confusion_matrix(y_true, y_pred, ["cat", "dog", "owl"], tmp_path / "c.png")
    check_png(fig, tmp_path / "c.png", (400, 250))
    counts = fig.axes[0].images[0].get_array()
    assert np.array_equal(counts, [[1, 1, 0], [0, 2, 0], [1, 0, 2]])
    assert "71.4%" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="one prediction per example"):
        plots.plot_confusion_matrix([0, 1], [0])


def test_plot_decision_boundary_png(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    fig = plots.plot_decision_boundary(
        lambda p: p[:, 0] + p[:, 1], X, y, path=tmp_path / "d.png", steps=50
    )
    check_png(fig, tmp_path / "d.png", (600, 500))
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plots.plot_decision_boundary(lambda p: p[:, 0], X[:, :1], y)


def test_decision_boundary_gives_every_one_of_three_classes_a_visible_colour():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2))

    def sector(p):  # three 120-degree sectors: labels 5, 6, 7
        return (np.arctan2(p[:, 1], p[:, 0]) // (2 * np.pi / 3)).astype(int) % 3 + 5

    fig = plots.plot_decision_boundary(sector, X, sector(X))
    fig.canvas.draw()
    ax = fig.axes[0]
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    colours = []
    for point in [(1.5, 1.5), (-2.5, 0.5), (1.5, -1.5)]:  # inside each sector, away from dots
        px, py = ax.transData.transform(point)
        colours.append(pixels[pixels.shape[0] - int(py), int(px)])
    for c in colours:
        assert c.min() < 235, f"a class region is painted (almost) white: {c}"
    assert len({tuple(c) for c in colours}) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["5", "6", "7"]


def test_history_names_the_held_out_curve_as_asked():
    history = {"epoch": [1, 2], "train_loss": [1.0, 0.5], "val_loss": [1.2, 0.7]}
    fig = plots.plot_history(history, val_label="validation")
    names = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert names == ["training", "validation"]
    default = plots.plot_history(history).axes[0].get_legend().get_texts()
    assert [t.get_text() for t in default] == ["training", "test"]  # the held-out split is test
