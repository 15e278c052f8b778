"""The HTML explorer: one page to click through a graph and step through its backward pass.

    mg.viz.explore(loss, "out/lenet.html", modules=model)

writes a single self-contained HTML file (no network needed to view it, no JavaScript
library): the graph laid out by Graphviz (SVG embedded), pan and zoom, layer frames,
composite ops that open and close; click a node for its op, shape, dtype, value and
gradient statistics, heatmaps of both, the op's local rule and, when computed, its
gradcheck error. Two steppers replay the computation: forward in the order the nodes were
drawn (parents first), backward in the engine's own order.

The backward steps are not simulated. `explore` runs the engine's backward once more
(`retain_graph=True`, no `.grad` is touched) inside `autograd.observe_backward`, so every
node it shows, and every contribution a parent receives with the running sum at a node used
twice, is what the graph walk did, in the order it did it (`autograd.backward_order`).
The output's graph must therefore still be alive: call `explore` before `backward()`, or
after `backward(retain_graph=True)`.

The page's facts are one JSON document in `<script type="application/json"
id="graph-data">`: nodes (id, op, shape, dtype, value and gradient statistics), clusters,
the forward order and the backward steps. The page and its tests read the same facts.

Layout: Graphviz lays the graph out once, with every composite open. The page draws a closed
composite as a box its name and output shape fit, and closes up the picture around it by
warping each axis (explore_page/layout.js): nodes keep their size and Graphviz's rows and
columns stay aligned; with everything open the picture is Graphviz's own. The page opens on
the whole graph, fitted to the window; the stepper's "follow" zooms in on each step's node.

Size: the page lays out the graph with every composite op open, so each can be closed and
opened in the browser; `expand=` and `depth=` only choose what starts open. If that would
draw more than `max_nodes` nodes (default MAX_NODES = 300), the layout keeps closed what
`expand=`/`depth=` close, as `mg.viz.draw` does; if even that is more, `explore` refuses
and says how to make the graph smaller. Around 200 nodes (LeNet-5 fully opened at a
larger batch, a small ResNet) the page stays quick; beyond a few hundred, Graphviz's
layout and the browser slow down and the picture stops being readable.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..autograd import every_node, observe_backward, run_backward, topological_order
from ..fileio import atomic_write
from ..scalar import Value
from ..tensor import Tensor
from .explore_data import page_data
from .graph import draw_values
from .tensor_graph import draw_tensor

MAX_NODES = 300


def explore(
    output: Tensor | Value,
    path: str | os.PathLike,
    modules: Any = None,
    *,
    params: Mapping[str, Tensor] | None = None,
    names: Mapping[Any, Any] | None = None,
    expand: Iterable[str] | str | bool = (),
    depth: int | None = None,
    view: str = "forward",
    show: str | None = None,
    color: str | None = None,
    rankdir: str = "TB",
    max_nodes: int = MAX_NODES,
    gradcheck: bool = False,
    title: str | None = None,
) -> Path:
    """Write the interactive page of the graph that computed `output` (a loss) to `path`.

    output: a one-element Tensor that requires grad, or a Value, whose graph is still alive.
    modules: the model, to frame nodes by layer; params, names: labels for leaves (as in
    `mg.viz.draw`). expand: composite ops that start open ({'conv2d'}, or True for all);
    depth=k: modules k levels inside the model start closed. view, show, color, rankdir:
    as in `mg.viz.draw`. max_nodes: refuse larger pictures (see the module doc).
    gradcheck: compute each op's backward error against finite differences (as
    color='gradcheck' does; seconds on LeNet-5). Returns the path written.
    Needs Graphviz's `dot` (GraphvizNotFound says how to install it).
    """
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"explore: the page is an HTML file; got {str(path)!r} (use .html)")
    if not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1:
        raise ValueError(f"explore: max_nodes must be a positive integer, got {max_nodes!r}")
    scalar = _check_output(output)
    drawing = dict(  # as mg.viz.draw takes them
        modules=modules,
        params=params,
        names=names,
        view=view,
        show=show,
        color=color,
        rankdir=rankdir,
        max_nodes=max_nodes,
    )
    if scalar:
        extra = dict(modules=modules, params=params, names=names, depth=depth, show=show)
        given = sorted(k for k, v in extra.items() if v is not None)
        given += ["expand"] * bool(expand) + ["color"] * (color is not None)
        if given or view != "forward":
            raise TypeError(f"explore: options {given or ['view']} apply to tensors, not Values")
        nodes = topological_order(output)
        graph, full = draw_values(output, rankdir), True
    else:
        if depth is not None and modules is None:
            raise ValueError("explore: depth= closes modules; pass modules=model as well")
        nodes = topological_order(output, keep=every_node)
        options = dict(drawing, compute_grads=show in ("grad", "both") or color == "grad")
        graph, full = _layout(output, options, expand, depth)
    if len(nodes) > 20 * max_nodes:  # a guard on the data too (boxes hide many tensors)
        raise ValueError(
            f"explore: the graph has {len(nodes)} tensors, too many for one page "
            f"(max_nodes={max_nodes}); draw a smaller batch or a part of the model"
        )
    steps = _trace_backward(output)
    svg = _svg(graph)
    args = dict(drawing, expand=expand, depth=depth, gradcheck=gradcheck)
    data = page_data(output, nodes, graph, steps, full, args)
    page = _page(svg, data, title or _default_title(output, len(nodes)))
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as f:
        f.write(page.encode("utf-8"))
    return path


# --------------------------------------------------------------------------------------------
# Checks, layout and the observed backward


def _check_output(output: Any) -> bool:
    """True for a Value, False for a Tensor; errors for anything that has no backward."""
    if isinstance(output, Value):
        return True
    if not isinstance(output, Tensor):
        raise TypeError(f"explore: expected a Tensor or a Value, got {type(output).__name__}")
    if not output.requires_grad:
        raise ValueError(
            "explore: the output does not require grad, so there is no backward to show; "
            "compute it from tensors with requires_grad=True (a model's parameters)"
        )
    if output.numel() != 1:
        raise ValueError(
            f"explore: the output must be a single number (a loss), got shape {output.shape}; "
            "reduce it first (y.sum() or y.mean())"
        )
    return False


def _layout(output: Tensor, options: dict, expand: Any, depth: int | None) -> tuple[Any, bool]:
    """(graph, everything open?): every composite open if that fits max_nodes, else the
    picture `draw` makes with the requested expand/depth (a ValueError if that is too big)."""
    try:
        return draw_tensor(output, expand=True, **options), True
    except ValueError:
        pass  # too many nodes opened (or a bad option, which the next call reports)
    try:
        return draw_tensor(output, expand=expand, depth=depth, **options), False
    except ValueError as e:
        raise ValueError(
            f"explore: {e} (explore opens every composite it can; this graph is too large "
            "even with them closed)"
        ) from None


def _trace_backward(output: Tensor | Value) -> list[tuple[Any, Any, list]]:
    """The engine's backward from `output`, step by step: [(node, grad, [(parent, g, sum)])],
    arrays copied as they were when each step ran. No `.grad` is touched."""
    steps: list[tuple[Any, Any, list]] = []

    def observe(node: Any, grad: Any, sent: list) -> None:
        steps.append((node, _copy(grad), [(p, _copy(g), _copy(s)) for p, g, s in sent]))

    seed = 1.0 if isinstance(output, Value) else Tensor(np.ones_like(output.numpy()))
    try:
        with observe_backward(observe):
            run_backward([output], [seed], retain_graph=True, capture=())
    except RuntimeError as e:
        raise RuntimeError(
            f"explore: could not run the backward pass again ({e}). Call explore before "
            "loss.backward(), or call loss.backward(retain_graph=True) first."
        ) from None
    return steps


def _copy(g: Any) -> Any:
    return float(g) if isinstance(g, (int, float)) else np.array(g.numpy(), copy=True)


def _svg(graph: Any) -> str:
    """The SVG Graphviz draws, without the XML prologue (it is embedded in HTML)."""
    text = graph.pipe(format="svg").decode("utf-8")
    return re.sub(r"<!--.*?-->\s*", "", text[text.index("<svg") :], flags=re.S)


def _default_title(output: Any, n: int) -> str:
    if isinstance(output, Value):
        return f"A scalar graph: {n} Values, output {output.data:.6g}"
    return f"A tensor graph: {n} tensors, output {output.item():.6g}"


# --------------------------------------------------------------------------------------------
# The page


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("explore_page", name).read_text("utf-8")


def _page(svg: str, data: dict, title: str) -> str:
    facts = json.dumps(data, separators=(",", ":"), allow_nan=False)
    facts = facts.replace("</", "<\\/")  # the JSON can never close its <script> element
    page = _asset("page.html")
    for marker, text in (
        ("/*STYLE*/", _asset("explore.css")),
        ("/*LAYOUT*/", _asset("layout.js")),
        ("/*SCRIPT*/", _asset("explore.js")),
        ("<!--TITLE-->", html.escape(title)),
        ("<!--SVG-->", svg),
        ("<!--DATA-->", facts),
    ):
        page = page.replace(marker, text, 1)
    return page
