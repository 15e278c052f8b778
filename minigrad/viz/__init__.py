"""Seeing the graph: Graphviz pictures of computation graphs (and, in `plots`, training plots);
seeing inside a network: saliency, Grad-CAM, guided backprop, occlusion (`attribution`).

g = mg.viz.draw(loss)          # a graphviz.Digraph; g.source is the DOT text
mg.viz.save(g, "out/loss.svg") # needs Graphviz's `dot`; ".dot" works without it
mg.viz.plot_history(history, path="out/curves.png")   # matplotlib plots (viz/plots.py)
mg.viz.explore(loss, "out/loss.html", modules=model)  # an interactive page (viz/explore.py)
s = mg.viz.saliency(model, x)  # |d score / d x| per pixel (viz/attribution.py)
mg.viz.plot_saliency(x, s, path="out/saliency.png")
"""

from typing import Any

from ..scalar import Value
from .attribution import (
    Explanation,
    deconvnet,
    explain,
    grad_cam,
    guided_backprop,
    input_gradient,
    occlusion,
    receptive_field_geometry,
    relu_backward,
    saliency,
)
from .explore import explore
from .graph import Graph, GraphvizNotFound, draw_values, save
from .tensor_graph import draw_tensor

_PLOTS = (
    "plot_history",
    "plot_filters",
    "plot_feature_maps",
    "plot_grad_norms",
    "plot_activation_histograms",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_attribution",
    "plot_saliency",
    "plot_grad_cam",
    "plot_guided_backprop",
    "plot_occlusion",
    "plot_explanation",
    "plot_gradient_flow",
)
__all__ = [
    "Graph",
    "GraphvizNotFound",
    "draw",
    "explore",
    "save",
    "input_gradient",
    "saliency",
    "grad_cam",
    "relu_backward",
    "guided_backprop",
    "deconvnet",
    "occlusion",
    "receptive_field_geometry",
    "explain",
    "Explanation",
    *_PLOTS,
]


def draw(root: Any, rankdir: str = "LR", **options: Any) -> Graph:
    """The computation graph that produced `root`, as a Graphviz digraph.

    For a Value: one record per value showing `label | data | grad`, one small node per
    operation, edges in the direction data flows. `rankdir` is 'LR' (left to right) or
    'TB' (top to bottom).

    For a Tensor: op nodes with output shapes, leaves with name, shape and dtype, and the
    options of `tensor_graph.draw_tensor`: params=, names=, show=, view=, modules=, depth=,
    expand=, color=, max_nodes=, compute_grads=, title=.
    """
    if isinstance(root, Value):
        if options:
            raise TypeError(f"draw: options {sorted(options)} apply to tensors, not Values")
        return draw_values(root, rankdir)
    return draw_tensor(root, rankdir=rankdir, **options)


def __getattr__(name: str):
    """`mg.viz.plot_history` and friends, importing matplotlib only when first used."""
    if name in _PLOTS:
        from . import plots

        return getattr(plots, name)
    raise AttributeError(f"module 'minigrad.viz' has no attribute {name!r}")
