"""Seeing the graph: Graphviz pictures of computation graphs (and, in `plots`, training plots).

g = mg.viz.draw(loss)          # a graphviz.Digraph; g.source is the DOT text
mg.viz.save(g, "out/loss.svg") # needs Graphviz's `dot`; ".dot" works without it
mg.viz.plot_history(history, path="out/curves.png")   # matplotlib plots (viz/plots.py)
mg.viz.explore(loss, "out/loss.html", modules=model)  # an interactive page (viz/explore.py)
"""

from .explore import explore
from .graph import Graph, GraphvizNotFound, draw, save

_PLOTS = (
    "plot_history",
    "plot_filters",
    "plot_feature_maps",
    "plot_grad_norms",
    "plot_activation_histograms",
    "plot_confusion_matrix",
    "plot_decision_boundary",
)

__all__ = ["Graph", "GraphvizNotFound", "draw", "explore", "save", *_PLOTS]


def __getattr__(name: str):
    """`mg.viz.plot_history` and friends, importing matplotlib only when first used."""
    if name in _PLOTS:
        from . import plots

        return getattr(plots, name)
    raise AttributeError(f"module 'minigrad.viz' has no attribute {name!r}")
