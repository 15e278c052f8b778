"""Seeing the graph: Graphviz pictures of computation graphs (and, in `plots`, training plots).

g = mg.viz.draw(loss)          # a graphviz.Digraph; g.source is the DOT text
mg.viz.save(g, "out/loss.svg") # needs Graphviz's `dot`; ".dot" works without it
"""

from .graph import Graph, GraphvizNotFound, draw, save

__all__ = ["Graph", "GraphvizNotFound", "draw", "save"]
