"""Rebuild every picture in assets/ from the code itself: `make assets`.

Nothing in assets/ is drawn by hand; each picture below comes from one function.
`python assets/build.py --png` also writes a PNG of each graph to out/assets-preview/.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad.cli.demo import neuron
from minigrad.cli.graph import lenet_step
from minigrad.viz import draw, plots, save

HERE = Path(__file__).resolve().parent
PNG = "--png" in sys.argv


def save_graph(graph, name: str) -> Path:
    if PNG:
        save(graph, HERE.parent / "out" / "assets-preview" / f"{name}.png")
    return save(graph, HERE / f"{name}.svg")


def build_neuron() -> Path:
    return save_graph(draw(neuron()), "neuron")


def build_conv_expanded() -> Path:
    """A 4x4 image, two 3x3 filters: conv2d opened into unfold -> matmul -> reshape."""
    mg.manual_seed(0)
    x = mg.randn(1, 1, 4, 4, requires_grad=True)
    w = mg.randn(2, 1, 3, 3, requires_grad=True)
    b = mg.zeros(2, requires_grad=True)
    loss = F.conv2d(x, w, b).sum()
    with mg.autograd.retain_grads():
        loss.backward()
    graph = draw(
        loss,
        names={x: "image x", w: "filters w", b: "bias b"},
        expand={"conv2d"},
        title="conv2d opened into the primitives the engine differentiates: unfold copies each "
        "3x3 window of x into a column (9 values x 4 windows),\nthen one matmul applies both "
        "filters to every window. Backward runs these ops in reverse (unfold's backward is fold).",
    )
    return save_graph(graph, "conv2d_expanded")


def build_lenet_graph() -> Path:
    """One LeNet-5 training step, clustered by layer, coloured by gradient norm."""
    model, x, y, loss = lenet_step(batch_size=8)
    graph = draw(
        loss,
        modules=model,
        color="grad",
        rankdir="TB",
        title="LeNet-5, one training step on 8 digits. Frames: layers. 3-D boxes: composite "
        "ops (expand= opens them).\nColour and |grad|: the norm of d(loss)/d(output of the node). "
        "Images and labels are data, not graph nodes.",
    )
    return save_graph(graph, "lenet_grad")


_TRAINED: dict = {}


def trained_lenet():
    """LeNet-5 trained briefly on the digits (a few epochs: enough for curves and filters)."""
    if not _TRAINED:
        from minigrad import optim
        from minigrad.data import DataLoader, load_digits
        from minigrad.models import LeNet5
        from minigrad.train import fit

        mg.manual_seed(0)
        train, test = load_digits()
        model = LeNet5(activation="relu", pool="max")
        opt = optim.Adam(model.parameters(), lr=2e-3)
        history = fit(
            model,
            DataLoader(train, batch_size=32, shuffle=True, seed=0),
            F.cross_entropy,
            opt,
            epochs=6,
            val_loader=DataLoader(test, batch_size=256),
            progress=False,
        )
        _TRAINED.update(model=model, history=history, test=test)
    return _TRAINED


def build_training_curves() -> Path:
    path = HERE / "training_curves.png"
    plots.plot_history(trained_lenet()["history"], path=path)
    return path


def build_filters() -> Path:
    path = HERE / "lenet_filters.png"
    model = trained_lenet()["model"]
    plots.plot_filters(
        model.features.c1.weight,
        path=path,
        title="LeNet-5's six first-layer 5x5 filters after 6 epochs on the digits",
    )
    return path


def build_feature_maps() -> Path:
    path = HERE / "lenet_feature_maps.png"
    t = _TRAINED or trained_lenet()
    x = np.asarray(t["test"].tensors[0].numpy()[0])
    plots.plot_feature_maps(t["model"], x, path=path, max_maps=6)
    return path


def build_explain() -> Path:
    """Six maps of test digit 3 (a 4), as `minigrad explain lenet --image 3` draws them."""
    from minigrad.cli.explain import explain_digit

    path = HERE / "lenet_explain.png"
    explain_digit(trained_lenet()["model"], 3, path)
    return path


BUILDERS = [
    build_neuron,
    build_conv_expanded,
    build_lenet_graph,
    build_training_curves,
    build_filters,
    build_feature_maps,
    build_explain,
]


def main() -> int:
    for build in BUILDERS:
        start = time.perf_counter()
        path = build()
        print(f"wrote {path.relative_to(HERE.parent)} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
