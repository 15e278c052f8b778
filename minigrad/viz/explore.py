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
import math
import os
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..autograd import backward_order, observe_backward, run_backward, topological_order
from ..fileio import atomic_write
from ..scalar import Value
from ..tensor import Tensor
from .graph import draw
from .health import op_error
from .heatmap import heatmap
from .tensor_graph import walk

MAX_NODES = 300

# Local rules of the scalar engine's operations (a Value keeps only the numbers).
VALUE_RULES = {
    "+": "z = x + y;   dz/dx = 1,   dz/dy = 1",
    "*": "z = x * y;   dz/dx = y,   dz/dy = x",
    "tanh": "z = tanh x;   dz/dx = 1 - z^2",
    "relu": "z = max(0, x);   dz/dx = 1 if x > 0 else 0",
    "exp": "z = e^x;   dz/dx = e^x = z",
    "log": "z = ln x;   dz/dx = 1 / x",
    "sigmoid": "z = 1 / (1 + e^-x);   dz/dx = z (1 - z)",
}


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
    if scalar:
        extra = dict(modules=modules, params=params, names=names, depth=depth, show=show)
        given = sorted(k for k, v in extra.items() if v is not None)
        given += ["expand"] * bool(expand) + ["color"] * (color is not None)
        if given or view != "forward":
            raise TypeError(f"explore: options {given or ['view']} apply to tensors, not Values")
        nodes = topological_order(output)
        graph, full = draw(output, rankdir=rankdir), True
    else:
        if depth is not None and modules is None:
            raise ValueError("explore: depth= closes modules; pass modules=model as well")
        nodes = walk(output)
        options = dict(
            modules=modules,
            params=params,
            names=names,
            view=view,
            show=show,
            color=color,
            rankdir=rankdir,
            max_nodes=max_nodes,
            compute_grads=show in ("grad", "both") or color == "grad",
        )
        graph, full = _layout(output, options, expand, depth)
    if len(nodes) > 20 * max_nodes:  # a guard on the data too (boxes hide many tensors)
        raise ValueError(
            f"explore: the graph has {len(nodes)} tensors, too many for one page "
            f"(max_nodes={max_nodes}); draw a smaller batch or a part of the model"
        )
    steps = _trace_backward(output)
    svg = _svg(graph)
    args = dict(
        modules=modules,
        params=params,
        names=names,
        expand=expand,
        depth=depth,
        view=view,
        color=color,
        max_nodes=max_nodes,
        gradcheck=gradcheck,
    )
    data = _page_data(output, nodes, graph, steps, full, args)
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
    if output.data.size != 1:
        raise ValueError(
            f"explore: the output must be a single number (a loss), got shape {output.shape}; "
            "reduce it first (y.sum() or y.mean())"
        )
    return False


def _layout(output: Tensor, options: dict, expand: Any, depth: int | None) -> tuple[Any, bool]:
    """(graph, everything open?): every composite open if that fits max_nodes, else the
    picture `draw` makes with the requested expand/depth (a ValueError if that is too big)."""
    try:
        return draw(output, expand=True, **options), True
    except ValueError:
        pass  # too many nodes opened (or a bad option, which the next call reports)
    try:
        return draw(output, expand=expand, depth=depth, **options), False
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

    seed = 1.0 if isinstance(output, Value) else Tensor(np.ones_like(output.data))
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
    return float(g) if isinstance(g, (int, float)) else np.array(g.data, copy=True)


def _svg(graph: Any) -> str:
    """The SVG Graphviz draws, without the XML prologue (it is embedded in HTML)."""
    text = graph.pipe(format="svg").decode("utf-8")
    return re.sub(r"<!--.*?-->\s*", "", text[text.index("<svg") :], flags=re.S)


# --------------------------------------------------------------------------------------------
# The facts the page shows


def _page_data(output, nodes, graph, steps, full, args) -> dict:
    scalar = isinstance(output, Value)
    index = {id(n): i for i, n in enumerate(nodes)}
    grads = {id(node): grad for node, grad, _ in steps}
    unit_key, units, clusters = _units(nodes, graph, scalar, args)
    names, param_ids = ({}, set()) if scalar else _leaf_names(args)
    want_check = not scalar and (args["gradcheck"] or args["color"] == "gradcheck")

    out_nodes = []
    for i, n in enumerate(nodes):
        record = _node_record(n, i, index, names, param_ids, scalar)
        record["unit"] = unit_key.get(id(n))
        record["grad"] = None if id(n) not in grads else _stats(grads[id(n)])
        if not scalar:
            record["value_img"] = _image(n.data)
            record["grad_img"] = None if id(n) not in grads else _image(grads[id(n)])
        if want_check and not scalar and n._fn is not None:
            record["gradcheck"] = _number(op_error(n))
        out_nodes.append(record)

    arrivals: dict[int, int] = {}
    for _, _, sent in steps:
        for parent, _, _ in sent:
            arrivals[id(parent)] = arrivals.get(id(parent), 0) + 1
    seen: dict[int, int] = {}
    backward = []
    for node, grad, sent in steps:
        sends = []
        for parent, g, total in sent:
            seen[id(parent)] = seen.get(id(parent), 0) + 1
            sends.append(
                {
                    "to": index[id(parent)],
                    "g": _brief(g),
                    "sum": _brief(total),
                    "k": seen[id(parent)],
                    "n": arrivals[id(parent)],
                }
            )
        backward.append({"node": index[id(node)], "grad": _brief(grad), "sends": sends})

    order = [index[id(n)] for n in backward_order([output]) if id(n) in index]
    return {
        "engine": "scalar" if scalar else "tensor",
        "view": args["view"],
        "max_nodes": args["max_nodes"],
        "all_open": full,
        "nodes": out_nodes,
        "units": units,
        "clusters": clusters,
        "forward": _forward_order(nodes),
        "backward": backward,
        "walk_order": order,
        "gradcheck": want_check,
    }


def _forward_order(nodes: list) -> list[int]:
    """An order to replay the forward pass in: every node after its inputs, the main data
    path first and side branches (a weight and its reshape) just before they are used.

    A graph does not record when each op ran; any order with parents first is one the
    forward pass could have taken. Visiting the deepest input first reads like the code
    (x -> conv -> tanh -> pool ...), where `nodes` (a plain depth-first walk) may start
    with the reshape of the last layer's weight.
    """
    index = {id(n): i for i, n in enumerate(nodes)}
    parents = [[index[id(p)] for p in n._parents if id(p) in index] for n in nodes]
    depth = [0] * len(nodes)
    for i in range(len(nodes)):  # `nodes` lists parents first
        depth[i] = 1 + max((depth[p] for p in parents[i]), default=-1)
    order: list[int] = []
    done = [False] * len(nodes)
    stack = [(len(nodes) - 1, False)]
    while stack:
        i, ready = stack.pop()
        if ready:
            order.append(i)
            continue
        if done[i]:
            continue
        done[i] = True
        stack.append((i, True))
        # pushed last = visited first: the deepest input, ties in the op's argument order
        for p in sorted(parents[i], key=lambda p: (depth[p], -parents[i].index(p))):
            if not done[p]:
                stack.append((p, False))
    return order


def _leaf_names(args: dict) -> tuple[dict[int, str], set[int]]:
    """({id(tensor): name} from params=, modules= and names=, the ids of the parameters)."""
    out: dict[int, str] = {}
    params, modules, names = args["params"], args["modules"], args["names"]
    if params is None and modules is not None:
        params = dict(modules.named_parameters())
    for name, t in (params or {}).items():
        out[id(t)] = name
    for k, v in (names or {}).items():
        key, name = (k, v) if isinstance(k, Tensor) else (v, k)
        out[id(key)] = str(name)
    return out, {id(t) for t in (params or {}).values()}


def _node_record(n: Any, i: int, index: dict, names: dict, param_ids: set, scalar: bool) -> dict:
    parents = [index[id(p)] for p in n._parents if id(p) in index]
    if scalar:
        op = n._op or None
        return {
            "id": i,
            "title": n.label or (op or "leaf"),
            "op": op,
            "kind": "op" if op else "input",
            "shape": [],
            "dtype": "float (Python)",
            "parents": parents,
            "value": _stats(n.data),
            "rule": _value_rule(n),
            "local": [_number(d) for d in n._local],
            "gradcheck": None,
        }
    fn = n._fn
    name = names.get(id(n)) or n.name
    if fn is None:
        kind = "param" if id(n) in param_ids else "input" if n.requires_grad else "constant"
        title = name or ("leaf" if n.requires_grad else "constant")
        rule = (
            "a leaf: no backward of its own; its gradient is the sum of what arrives"
            if n.requires_grad
            else "a constant: no gradient flows to it"
        )
    else:
        kind, title = "op", fn.name
        rule = _tensor_rule(fn)
    return {
        "id": i,
        "title": title,
        "name": name,
        "op": fn.name if fn is not None else None,
        "kind": kind,
        "shape": list(n.shape),
        "dtype": str(n.dtype),
        "requires_grad": bool(n.requires_grad),
        "parents": parents,
        "value": _stats(n.data),
        "rule": rule,
        "gradcheck": None,
    }


def _tensor_rule(fn: Any) -> str:
    """The op's name and the first line of its docstring: its forward and local derivatives."""
    doc = (type(fn).__doc__ or "").strip().splitlines()
    line = doc[0].strip() if doc else "(no rule written in its docstring)"
    return f"{fn.name}: {line}"


def _value_rule(v: Value) -> str:
    op = v._op
    if not op:
        return "a leaf: no backward of its own; its gradient is the sum of what arrives"
    if op.startswith("**"):
        rule = f"z = x^{op[2:]};   dz/dx = {op[2:]} x^({op[2:]} - 1)"
    elif op.endswith("**"):
        rule = f"z = {op[:-2]}^x;   dz/dx = z ln {op[:-2]}"
    else:
        rule = VALUE_RULES.get(op, "z = f(x)")
    here = ", ".join(f"{d:.6g}" for d in v._local)
    return f"{op}: {rule}   (here: {here})"


def _units(nodes, graph, scalar, args) -> tuple[dict[int, str], list[dict], list[dict]]:
    """(tensor id -> SVG node name, the drawn units, the clusters), from the layout."""
    if scalar:  # draw's Value picture: records v0, v1, ... and op circles vN_op
        keys = {id(v): f"v{i}" for i, v in enumerate(nodes)}
        units = [
            {"key": f"v{i}", "aliases": [f"v{i}_op"] if v._op else [], "nodes": [i], "path": []}
            for i, v in enumerate(nodes)
        ]
        return keys, units, []
    index = {id(n): i for i, n in enumerate(nodes)}
    keys: dict[int, str] = {}
    units = []
    for u in graph.units:
        members = [index[id(t)] for t in u.members]
        for t in u.members:
            keys[id(t)] = u.key
        units.append(
            {"key": u.key, "kind": u.kind, "aliases": [], "nodes": members, "path": list(u.path)}
        )
    for n in nodes:  # leaves a closed box hides are shown by the box that uses them
        if id(n) not in keys:
            for child in nodes:
                if id(child) in keys and any(p is n for p in child._parents):
                    keys[id(n)] = keys[id(child)]
                    break
    by_key = {u["key"]: u for u in units}
    for n in nodes:
        key = keys.get(id(n))
        if key is not None and index[id(n)] not in by_key[key]["nodes"]:
            by_key[key]["nodes"].append(index[id(n)])
    return keys, units, _clusters(graph, units, args)


def _clusters(graph, units: list[dict], args: dict) -> list[dict]:
    expand, depth = args["expand"], args["depth"]
    opened = True if expand is True else {expand} if isinstance(expand, str) else set(expand)
    parent: dict[int, int | None] = {}
    level: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    for u in units:
        modules_before = 0
        for j, c in enumerate(u["path"]):
            parent.setdefault(c, u["path"][j - 1] if j else None)
            if graph.frames[c].kind == "module":
                level.setdefault(c, modules_before)
                modules_before += 1
            members.setdefault(c, []).extend(u["nodes"])
    out = []
    for c in sorted(parent):
        frame = graph.frames[c]
        if frame.kind == "module":
            start_open = depth is None or level[c] != depth
        else:
            start_open = opened is True or frame.name in opened
        out.append(
            {
                "id": c,
                "kind": frame.kind,
                "name": frame.name,
                "parent": parent[c],
                "nodes": sorted(set(members[c])),
                "open": bool(start_open),
            }
        )
    return out


def _number(x: Any) -> float | str | None:
    """A JSON number, or 'nan' / 'inf' / '-inf' as text (JSON has no such numbers)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else str(x)


def _stats(a: Any) -> dict:
    """min, max, mean, std, L2 norm, and how many elements are zero / not finite."""
    a = np.asarray(a)
    if a.dtype.kind == "b":
        a = a.astype(np.int64)
    a64 = a.astype(np.float64).reshape(-1)
    out: dict[str, Any] = {"numel": int(a64.size)}
    if a64.size == 0:
        return out
    if a64.size == 1:
        out["v"] = _number(a64[0])
    finite = a64[np.isfinite(a64)]
    out["nonfinite"] = int(a64.size - finite.size)
    out["zeros"] = int((a64 == 0).sum())
    if finite.size:
        out.update(
            min=_number(finite.min()),
            max=_number(finite.max()),
            mean=_number(finite.mean()),
            std=_number(finite.std()),
            norm=_number(np.linalg.norm(a64)),
        )
    return out


def _brief(a: Any) -> dict:
    """What a stepper shows of one gradient: its norm, and the number itself if it is one."""
    a64 = np.asarray(a, dtype=np.float64).reshape(-1)
    out = {"norm": _number(np.linalg.norm(a64))}
    if a64.size == 1:
        out["v"] = _number(a64[0])
    return out


def _image(a: Any) -> dict | None:
    h = heatmap(np.asarray(a))
    if h is None:
        return None
    return {
        "src": h.data_uri(),
        "scale": _number(h.scale),
        "layout": h.layout,
        "width": h.width,
        "height": h.height,
    }


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
        ("/*SCRIPT*/", _asset("explore.js")),
        ("<!--TITLE-->", html.escape(title)),
        ("<!--SVG-->", svg),
        ("<!--DATA-->", facts),
    ):
        page = page.replace(marker, text, 1)
    return page
