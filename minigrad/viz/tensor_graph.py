"""Graphviz pictures of tensor graphs: ops, leaves, layers, composite ops, gradient health.

A tensor graph has two kinds of nodes:

* **leaves**: tensors nobody computed (inputs, parameters, constants), drawn as boxes
  labelled with their name, shape and dtype;
* **ops**: each tensor made by an operation is drawn as that operation, labelled with the
  op's name and the shape of what it produced.

Higher-level structure comes from the scopes the engine records (`recording.scope`):

* a **composite op** (conv2d, max_pool2d, batch_norm, linear, cross_entropy, ...) is one
  3-D box by default; `expand={'conv2d'}` opens it into the primitives the engine really
  differentiates (unfold, matmul, reshape, ...), framed by a dashed border;
* with `modules=model`, every node sits in a cluster for the `nn.Module` call that made it,
  labelled like `conv1: Conv2d(1, 6, 5)`; `depth=k` draws each module k levels below the
  model (the model itself is level 0) as a single box.

Gradients of intermediate results exist only if backward ran inside
`with mg.autograd.retain_grads():`. Otherwise pass `compute_grads=True` *before* calling
backward: draw then runs the backward pass itself (with `mg.grad`, touching no `.grad`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..autograd import every_node, topological_order
from ..recording import Frame
from ..tensor import Tensor, grad
from .graph import Graph, check_rankdir
from .health import (
    GRAD_BINS,
    GRADCHECK_BINS,
    grad_colour,
    grad_norm,
    gradcheck_colour,
    gradcheck_errors,
)

SHOW = (None, "data", "grad", "both")
VIEWS = ("forward", "backward")
COLORS = (None, "grad", "gradcheck")

STYLE = {  # fill colours when no `color=` mode is chosen
    "op": "#eeeeee",
    "param": "#fff2cc",
    "input": "#dae8fc",
    "constant": "#ffffff",
    "composite": "#e1d5e7",
    "module": "#d5e8d4",
}


@dataclass
class Unit:
    """One drawn node: a single tensor, or a box standing for several (a composite or module)."""

    key: str
    kind: str  # 'op', 'leaf' or 'box'
    members: list = field(default_factory=list)
    path: tuple = ()  # the clusters it is drawn inside (their numbers), outermost first
    frame: Frame | None = None  # for boxes: the composite or module frame it collapses


def draw_tensor(
    root: Tensor,
    rankdir: str = "LR",
    *,
    params: Mapping[str, Tensor] | None = None,
    names: Mapping[Any, Any] | None = None,
    show: str | None = None,
    view: str = "forward",
    modules: Any = None,
    depth: int | None = None,
    expand: Iterable[str] | str | bool = (),
    color: str | None = None,
    max_nodes: int = 300,
    compute_grads: bool = False,
    title: str | None = None,
) -> Graph:
    """The graph that computed the tensor `root`, as a Graphviz digraph (see the module doc).

    params: {name: tensor}, e.g. dict(model.named_parameters()); names: {tensor: name}.
    show: 'data', 'grad', 'both' or None: value/gradient summaries in each node (the numbers
    when a tensor has at most 6 elements, else min / mean / max).
    view: 'forward' (data flows along the edges) or 'backward' (edges reversed: the order the
    engine walks; only tensors that receive a gradient are drawn).
    modules: a model, to cluster nodes by the module call that made them; depth=k: each
    module k levels inside the model (the model itself is level 0) becomes one box.
    expand: composite op names to open ({'conv2d'}), or True for all.
    color: 'grad' (gradient norm, log scale, with a legend) or 'gradcheck' (relative error of
    each op's backward against finite differences; red marks a wrong backward; small graphs).
    max_nodes: refuse to draw more nodes than this, and say how to collapse.
    compute_grads: run backward here (see the module doc); title: a caption above the picture.
    """
    _check_options(root, rankdir, show, view, depth, modules, color, max_nodes)
    nodes = topological_order(root, keep=every_node)  # constants too: they are drawn
    if view == "backward":
        nodes = [t for t in nodes if t.requires_grad]
    grads = _gradients(root, nodes, compute_grads) if _wants_grads(show, color) else {}
    opened = expand_set(expand)

    mod_names = {}
    if modules is not None:
        mod_names = {id(m): name for name, m in modules.named_modules()}
        if params is None:
            params = dict(modules.named_parameters())
    param_ids = {id(t) for t in (params or {}).values()}
    label_of = leaf_names(params, names)
    units, unit_of, frames = _group(nodes, modules is not None, depth, opened, label_of, param_ids)
    if len(units) > max_nodes:
        raise ValueError(
            f"draw: this picture would have {len(units)} nodes (max_nodes={max_nodes}), too many "
            "to read. Collapse it: pass modules=model with depth=k (each module k levels inside "
            "the model becomes one box; depth=1: the model's top-level blocks), leave "
            "composite ops closed (drop expand=), "
            f"draw a smaller batch, or raise max_nodes above {len(units)}."
        )
    errors = gradcheck_errors(nodes) if color == "gradcheck" else {}

    g = Graph(
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "newrank": "true"},
        node_attr={"fontname": "Helvetica", "fontsize": "11", "shape": "box"},
        edge_attr={"color": "#555555", "arrowsize": "0.7"},
    )
    if title:
        g.attr(label=_escape(title), labelloc="t", fontsize="16")
    ctx = _Context(root, view, show, color, label_of, grads, errors, mod_names, frames, param_ids)
    _emit_clusters(g, units, ctx)
    _emit_edges(g, nodes, unit_of, view)
    if color == "grad":
        _legend(g, "gradient norm |grad| (log scale)", GRAD_BINS)
    elif color == "gradcheck":
        _legend(g, "backward vs finite differences: relative error", GRADCHECK_BINS)
    # What each drawn node and cluster stands for (read by viz.explore to map the SVG back
    # to tensors): units in drawn order, and {cluster number: Frame} (DOT name cluster_N).
    g.units, g.frames = units, frames
    return g


# --------------------------------------------------------------------------------------------
# Options


def _check_options(root, rankdir, show, view, depth, modules, color, max_nodes) -> None:
    if not isinstance(root, Tensor):
        raise TypeError(f"draw: expected a Value or a Tensor, got {type(root).__name__}")
    check_rankdir(rankdir)
    if show not in SHOW:
        raise ValueError(f"draw: show must be 'data', 'grad', 'both' or None, got {show!r}")
    if view not in VIEWS:
        raise ValueError(f"draw: view must be 'forward' or 'backward', got {view!r}")
    if color not in COLORS:
        raise ValueError(f"draw: color must be 'grad', 'gradcheck' or None, got {color!r}")
    if depth is not None:
        if modules is None:
            raise ValueError("draw: depth= collapses modules; pass modules=model as well")
        if not isinstance(depth, int) or depth < 0:
            raise ValueError(f"draw: depth must be an integer >= 0, got {depth!r}")
    if modules is not None and not hasattr(modules, "named_modules"):
        raise TypeError(
            f"draw: modules= expects an nn.Module (the model), got {type(modules).__name__}"
        )
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw: max_nodes must be a positive integer, got {max_nodes!r}")
    if view == "backward" and not root.requires_grad:
        raise ValueError(
            "draw: view='backward' needs a tensor that requires grad (nothing flows back here)"
        )


def expand_set(expand: Iterable[str] | str | bool) -> set[str] | bool:
    """The composites that start open: True for all, else a set of names (False: none)."""
    if expand is True:
        return True
    if not expand:  # False, None, '' or empty
        return set()
    if isinstance(expand, str):
        return {expand}
    return set(expand)


def _wants_grads(show: str | None, color: str | None) -> bool:
    return show in ("grad", "both") or color == "grad"


# --------------------------------------------------------------------------------------------
# The graph


def leaf_names(params: Mapping | None, names: Mapping | None) -> dict[int, str]:
    """{id(tensor): name} from params= ({name: tensor}) and names= ({tensor: name})."""
    out = {id(t): name for name, t in (params or {}).items()}
    for k, v in (names or {}).items():
        if isinstance(k, Tensor):
            out[id(k)] = str(v)
        elif isinstance(v, Tensor):  # {name: tensor} is accepted too
            out[id(v)] = str(k)
        else:
            raise TypeError(f"draw: names= maps tensors to names, got a {type(k).__name__} key")
    return out


def _gradients(root: Tensor, nodes: list[Tensor], compute: bool) -> dict[int, Any]:
    if not compute:
        return {id(t): t.grad for t in nodes if t.grad is not None}

    if not root.requires_grad or root.numel() != 1:
        raise ValueError(
            f"draw: compute_grads=True differentiates a single number (a loss); root has shape "
            f"{root.shape}{'' if root.requires_grad else ' and does not require grad'}"
        )
    wanted = [t for t in nodes if t.requires_grad]
    try:
        found = grad(root, wanted, retain_graph=True, allow_unused=True)
    except RuntimeError as e:
        raise RuntimeError(
            f"draw: could not compute the gradients ({e}). With compute_grads=True, draw before "
            "calling backward, or run backward inside `with mg.autograd.retain_grads():` and "
            "leave compute_grads off."
        ) from None
    return {id(t): g for t, g in zip(wanted, found) if g is not None}


def _module_text(module: Any) -> str:
    """`Conv2d(1, 6, kernel_size=5)` from the module's repr, shortened for a picture; just the
    class name for containers (whose repr spans lines)."""
    text = repr(module)
    if "\n" in text:
        return type(module).__name__
    text = re.sub(r"\((\d+), \1\)", r"\1", text)  # kernel_size=(5, 5) -> kernel_size=5
    for default in _DEFAULTS:
        text = text.replace(default, "")
    return text.replace("(, ", "(").replace(", )", ")")


_DEFAULTS = (  # settings a learner need not read in a picture (shown only when they differ)
    ", stride=1",
    ", padding=0",
    ", dilation=1",
    ", bias=True",
    ", ceil_mode=False",
    "start_dim=1, end_dim=-1",
    "in_features=",
    "out_features=",
)


# --------------------------------------------------------------------------------------------
# Grouping nodes into clusters and boxes


def _place(scope: tuple, clustered: bool, depth: int | None, opened) -> tuple[tuple, Frame | None]:
    """(clusters the node sits in, the frame of the box that swallows it or None)."""
    path: list[Frame] = []
    level = 0
    for frame in scope:
        if frame.kind == "module":
            if not clustered:
                continue
            if depth is not None and level == depth:
                return tuple(path), frame
            level += 1
            path.append(frame)
        elif opened is True or frame.name in opened:
            path.append(frame)
        else:
            return tuple(path), frame
    return tuple(path), None


def _group(nodes, clustered, depth, opened, label_of, param_ids):
    """The drawn units in data-flow order, for each tensor (by id) the unit that shows it, and
    the frames of the clusters {number: frame}.

    Clusters and boxes are numbered 0, 1, 2 ... in the order their units are drawn (frames'
    own call counters differ from run to run; these numbers do not).
    """
    units: dict[Any, Unit] = {}
    unit_of: dict[int, Unit] = {}
    frames: dict[int, Frame] = {}  # call -> frame
    consumers: dict[int, list[Unit]] = {}
    for i, t in enumerate(nodes):
        if t.grad_fn is None:
            continue
        path, box = _place(t.grad_fn.scope, clustered, depth, opened)
        frames.update((f.call, f) for f in path + ((box,) if box else ()))
        calls = tuple(f.call for f in path)
        if box is None:
            u = units[i] = Unit(f"t{i}", "op", [t], calls)
        else:
            u = units.get(("box", box.call))
            if u is None:
                u = units[("box", box.call)] = Unit("", "box", [], calls, box)
            u.members.append(t)
        unit_of[id(t)] = u
        for p in t._parents:
            consumers.setdefault(id(p), []).append(u)

    for i, t in enumerate(nodes):
        if t.grad_fn is not None:
            continue
        users = consumers.get(id(t), [])
        first = users[0] if users else None
        # a name from the caller (names=, params=) or on a tensor that needs a gradient marks
        # an input of the whole computation; a constant's own name (set by the op that made
        # it: "one-hot targets") only says what it is, and leaves it where it is used
        named = id(t) in label_of or (bool(t.name) and t.requires_grad)
        if first is not None and first.kind == "box" and all(u is first for u in users):
            # A box hides the constants only it uses; a layer's box also hides its weights.
            layer = first.frame.kind == "module"
            if (layer and id(t) in param_ids) or not (named or t.requires_grad):
                unit_of[id(t)] = first
                continue
        path = _common_prefix([u.path for u in users]) if users else ()
        if id(t) in param_ids:  # a parameter sits in its layer, outside expanded op frames
            while path and frames[path[-1]].kind != "module":
                path = path[:-1]
        elif named or t.requires_grad:  # inputs of the whole computation stay outside
            path = ()
        u = units[i] = Unit(f"t{i}", "leaf", [t], path)
        unit_of[id(t)] = u

    order = {id(t): i for i, t in enumerate(nodes)}
    ordered = sorted(units.values(), key=lambda u: max(order[id(m)] for m in u.members))
    number: dict[int, int] = {}
    for u in ordered:
        for call in u.path + ((u.frame.call,) if u.frame else ()):
            number.setdefault(call, len(number))
    for u in ordered:
        u.path = tuple(number[c] for c in u.path)
        if u.kind == "box":
            u.key = f"b{number[u.frame.call]}"
    return ordered, unit_of, {number[c]: f for c, f in frames.items() if c in number}


def _common_prefix(paths: list[tuple]) -> tuple:
    prefix = paths[0]
    for p in paths[1:]:
        while p[: len(prefix)] != prefix:
            prefix = prefix[:-1]
    return prefix


# --------------------------------------------------------------------------------------------
# Labels


@dataclass
class _Context:
    root: Tensor
    view: str
    show: str | None
    color: str | None
    label_of: dict
    grads: dict
    errors: dict
    mod_names: dict
    frames: dict  # cluster number -> Frame
    param_ids: set
    outputs: dict = field(default_factory=dict)  # box key -> tensors used outside the box


def summary(a: np.ndarray) -> str:
    """The numbers themselves for at most 6 elements, else min / mean / max (or 'all v')."""
    a = np.asarray(a)
    if a.size == 0:
        return "empty"
    if a.dtype.kind == "b":
        a = a.astype(np.int64)
    if a.size <= 6:
        if a.ndim == 0:
            return _num(a.item())
        return "[" + ", ".join(_num(v) for v in a.reshape(-1).tolist()) + "]"
    a64 = a.astype(np.float64)
    if a64.min() == a64.max():
        return f"all {_num(a64.min())}"
    return f"min {_num(a64.min())}  mean {_num(a64.mean())}  max {_num(a64.max())}"


def _num(v: float) -> str:
    """3 significant digits; a whole number below a million in full (2048, not 2.05e+03)."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e6:
        return str(int(v))
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def _shape(t: Tensor) -> str:
    return "scalar" if t.ndim == 0 else "(" + ", ".join(str(s) for s in t.shape) + ")"


def _summaries(t: Tensor, ctx: _Context) -> list[str]:
    lines = []
    if ctx.show in ("data", "both"):
        lines.append(f"data {summary(t.numpy())}")
    if ctx.show in ("grad", "both") and t.requires_grad:
        g = ctx.grads.get(id(t))
        lines.append("grad (not kept)" if g is None else f"grad {summary(g.numpy())}")
    return lines


def _leaf_title(t: Tensor, ctx: _Context, path: tuple = ()) -> str:
    """A leaf's name: the caller's, else its own; constants say what they are.

    A constant made by a composite op carries a description ("one-hot targets", "window
    size"); inside a layer's frame it is the layer's ("c1's input windows"), and a single
    number shows its value ("window size = 4"). Other constants are "constant" (and their value).
    """
    name = ctx.label_of.get(id(t))
    if name:
        return name
    if t.requires_grad:
        return t.name or "leaf"
    value = f" = {summary(t.numpy())}" if t.ndim == 0 else ""
    if not t.name:
        return f"constant {summary(t.numpy())}" if value else "constant (no gradient needed)"
    layer = _innermost_layer(path, ctx)
    return f"{layer}'s {t.name}{value}" if layer else f"{t.name}{value}"


def _innermost_layer(path: tuple, ctx: _Context) -> str:
    """The short name of the innermost layer whose frame encloses `path` ('c1' for
    'features.c1'), or '' when there is none or it has only a number for a name."""
    for number in reversed(path):
        frame = ctx.frames[number]
        if frame.kind == "module":
            name = ctx.mod_names.get(id(frame.obj), "").rsplit(".", 1)[-1]
            return "" if not name or name.isdigit() else name
    return ""


def _unit_label(u: Unit, ctx: _Context) -> tuple[list[str], str]:
    """(label lines, style kind) for one drawn unit."""
    t = u.members[-1]
    backward = ctx.view == "backward"
    if u.kind == "leaf":
        title = _leaf_title(t, ctx, u.path)
        if u.path and id(t) in ctx.param_ids:  # in its layer's frame: "weight", not "c1.weight"
            prefix = ctx.mod_names.get(id(ctx.frames[u.path[-1]].obj))
            if prefix and title.startswith(prefix + "."):
                title = title[len(prefix) + 1 :]
        lines = [title, f"{_shape(t)} {t.dtype}"]
        if not t.requires_grad:
            kind = "constant"
        else:
            kind = "param" if id(t) in ctx.param_ids else "input"
        return lines + _summaries(t, ctx), kind
    if u.kind == "op":
        op = t.grad_fn.name().lower()
        lines = [f"{op} backward" if backward else op, _shape(t)]
        return lines + _summaries(t, ctx), "op"
    out = ctx.outputs[u.key][-1]
    if u.frame.kind == "module":
        title, kind = _module_title(u.frame, ctx), "module"
    else:
        title, kind = u.frame.name, "composite"
    if backward:
        title += " backward"
    return [title, _shape(out)] + _summaries(out, ctx), kind


def _module_title(frame: Frame, ctx: _Context) -> str:
    """`features.c1: Conv2d(1, 6, kernel_size=5)`: the module's name and its short repr."""
    name = ctx.mod_names.get(id(frame.obj))
    text = _module_text(frame.obj)
    return f"{name}: {text}" if name else text


def _cluster_label(frame: Frame, ctx: _Context) -> str:
    return _module_title(frame, ctx) if frame.kind == "module" else f"{frame.name} (expanded)"


# --------------------------------------------------------------------------------------------
# Writing DOT


def _node_attrs(u: Unit, ctx: _Context) -> dict[str, str]:
    lines, kind = _unit_label(u, ctx)
    attrs = {"label": "\\n".join(_escape(s) for s in lines), "style": "filled,rounded"}
    attrs["fillcolor"] = STYLE[kind]
    if kind == "composite":
        attrs["shape"] = "box3d"
        attrs["style"] = "filled"
    elif kind == "module":
        attrs["peripheries"] = "2"
    elif kind == "constant":
        attrs["style"] = "filled,rounded,dashed"
    shown = ctx.outputs[u.key][-1] if u.kind == "box" else u.members[0]
    if ctx.color == "grad" and shown.requires_grad:
        g = ctx.grads.get(id(shown))
        attrs["fillcolor"], attrs["fontcolor"] = grad_colour(g)
        norm = grad_norm(g)
        attrs["label"] += "\\n|grad| " + ("not kept" if norm is None else f"{norm:.1e}")
    elif ctx.color == "gradcheck" and u.kind != "leaf":
        errs = [ctx.errors.get(id(m)) for m in u.members]
        attrs["fillcolor"], attrs["fontcolor"], note = gradcheck_colour(errs)
        attrs["label"] += "\\n" + note
    if any(m is ctx.root for m in u.members):
        attrs["penwidth"] = "2.5"
    return attrs


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _emit_clusters(g: Graph, units: list[Unit], ctx: _Context) -> None:
    ctx.outputs = _box_outputs(units, ctx)
    tree: dict[tuple, list] = {}
    for u in units:
        for j in range(len(u.path)):
            siblings = tree.setdefault(u.path[:j], [])
            if ("cluster", u.path[: j + 1]) not in siblings:
                siblings.append(("cluster", u.path[: j + 1]))
        tree.setdefault(u.path, []).append(("unit", u))

    def emit(sub: Any, path: tuple) -> None:
        for kind, item in tree.get(path, []):
            if kind == "unit":
                sub.node(item.key, **_node_attrs(item, ctx))
                continue
            frame = ctx.frames[item[-1]]
            with sub.subgraph(name=f"cluster_{item[-1]}") as c:
                module = frame.kind == "module"
                c.attr(
                    label=_escape(_cluster_label(frame, ctx)),
                    style="rounded" if module else "dashed,rounded",
                    color="#82b366" if module else "#9673a6",
                    fontname="Helvetica-Bold" if module else "Helvetica-Oblique",
                    fontsize="12",
                    labeljust="l",
                )
                emit(c, item)

    emit(g, ())


def _box_outputs(units: list[Unit], ctx: _Context) -> dict[str, list[Tensor]]:
    """For each box: the members used outside it (its outputs), in graph order."""
    outs: dict[str, list[Tensor]] = {}
    for u in units:
        if u.kind != "box":
            continue
        # what the tensors of the other units read
        used = {id(p) for v in units if v is not u for t in v.members for p in t._parents}
        found = [m for m in u.members if id(m) in used or m is ctx.root]
        outs[u.key] = found or u.members[-1:]
    return outs


def _emit_edges(g: Graph, nodes: list[Tensor], unit_of: dict, view: str) -> None:
    drawn = set()
    for t in nodes:
        if t.grad_fn is None:
            continue
        child = unit_of[id(t)]
        for p in t._parents:
            parent = unit_of.get(id(p))
            if parent is None or parent is child:  # dropped (backward view) or inside a box
                continue
            a, b = (parent.key, child.key) if view == "forward" else (child.key, parent.key)
            if "box" in (parent.kind, child.kind):
                if (a, b) in drawn:  # boxes are joined by one edge, however many tensors
                    continue
                drawn.add((a, b))
            g.edge(a, b, color="#c0392b" if view == "backward" else None)


def _legend(g: Graph, title: str, bins: list[tuple[str, str, str]]) -> None:
    cells = "".join(
        f'<TD BGCOLOR="{fill}"><FONT COLOR="{font}">{html.escape(text)}</FONT></TD>'
        for text, fill, font in bins
    )
    label = (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
        f'<TR><TD COLSPAN="{len(bins)}"><B>{title}</B></TD></TR><TR>{cells}</TR></TABLE>>'
    )
    with g.subgraph(name="cluster_legend") as c:
        c.attr(label="", color="white")
        c.node("legend", label=label, shape="plaintext")
