"""Graphviz output (`Graph`, `save`) and the pictures of scalar graphs (`draw_values`).

Each Value becomes a record node `label | data | grad`; each operation becomes a
small round node between its inputs and its output, so the picture reads like
the expression: data flows left to right, gradients flow back right to left.
Tensor pictures are in tensor_graph.py; `mg.viz.draw` picks one or the other.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import graphviz

from ..autograd import topological_order
from ..fileio import atomic_write
from ..scalar import Value

INSTALL_HINT = (
    "Graphviz's `dot` program is not installed, so the graph cannot be rendered to an image. "
    "Install it (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz; "
    "conda: conda install graphviz), or save the DOT text with a '.dot' file name."
)


class GraphvizNotFound(RuntimeError):
    """Rendering needs Graphviz's `dot` program, which is not on this machine's PATH."""


class Graph(graphviz.Digraph):
    """A `graphviz.Digraph` whose rendering errors say how to install Graphviz."""

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFound(INSTALL_HINT) from None

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFound(INSTALL_HINT) from None

    def _repr_image_svg_xml(self) -> str:  # notebooks: fall back to the DOT text without `dot`
        try:
            return super()._repr_image_svg_xml()
        except (graphviz.ExecutableNotFound, GraphvizNotFound):
            return _text_svg([INSTALL_HINT, "", *self.source.splitlines()])

    def _repr_svg_(self) -> str:
        """The picture for notebooks (Jupyter shows the SVG; without `dot`, a note and DOT)."""
        return self._repr_image_svg_xml()


def _text_svg(lines: list[str]) -> str:
    """A plain SVG showing lines of text (what a notebook shows when `dot` is missing)."""
    rows = "".join(
        f'<text x="8" y="{18 * (i + 1)}" font-family="monospace" font-size="12">'
        f"{html.escape(line)}</text>"
        for i, line in enumerate(lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="{18 * len(lines) + 12}">'
        f"{rows}</svg>"
    )


def save(graph: graphviz.Digraph, path: str | os.PathLike) -> Path:
    """Write `graph` to `path`; the format comes from the extension (svg, png, pdf or dot).

    The file appears complete or not at all (written to a temporary file, then renamed).
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in {"svg", "png", "pdf", "dot", "gv"}:
        raise ValueError(
            f"viz.save: unknown picture format {path.suffix!r}; use .svg, .png, .pdf or .dot"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    data = graph.source.encode() if fmt in {"dot", "gv"} else _pipe(graph, fmt)
    with atomic_write(path) as f:
        f.write(data)
    return path


def _pipe(graph: graphviz.Digraph, fmt: str) -> bytes:
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFound(INSTALL_HINT) from None


def escape_record(text: str) -> str:
    """Escape the characters that have a meaning inside a Graphviz record label."""
    for ch in '\\{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


def check_rankdir(rankdir: str) -> None:
    if rankdir not in {"LR", "RL", "TB", "BT"}:
        raise ValueError(f"draw: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")


def draw_values(root: Value, rankdir: str = "LR") -> Graph:
    """The graph that produced the Value `root`: a record per value, a node per operation."""
    check_rankdir(rankdir)
    g = Graph(graph_attr={"rankdir": rankdir}, node_attr={"fontname": "Helvetica"})
    nodes = topological_order(root)  # deterministic: same picture on every run
    ids = {id(v): f"v{i}" for i, v in enumerate(nodes)}
    for v in nodes:
        name = ids[id(v)]
        label = f"{escape_record(v.label)} | " if v.label else ""
        g.node(name, label=f"{{ {label}data {v.data:.4g} | grad {v.grad:.4g} }}", shape="record")
        if v._op:
            g.node(name + "_op", label=v._op, shape="circle", fontsize="11", width="0.3")
            g.edge(name + "_op", name)
            for p in v._parents:
                g.edge(ids[id(p)], name + "_op")
    return g
