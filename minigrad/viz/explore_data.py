"""The facts an explorer page shows, as one JSON-ready dict (see viz/explore.py).

Nodes (id, op, kind, shape, dtype, statistics of value and gradient, heatmaps, local rule,
gradcheck error), the drawn units and clusters of the Graphviz layout, the forward order,
and the backward steps exactly as the engine's walk reported them.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from ..autograd import backward_order
from ..scalar import Value
from .health import op_error
from .heatmap import heatmap
from .tensor_graph import expand_set, leaf_names

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


def page_data(output, nodes, graph, steps, full, args) -> dict:
    """The page's JSON: `nodes` in drawing order (parents first), `graph` the Graphviz layout,
    `steps` the observed backward [(node, grad, [(parent, g, running sum)])], `full` whether
    every composite was laid out open, `args` explore's options."""
    scalar = isinstance(output, Value)
    index = {id(n): i for i, n in enumerate(nodes)}
    grads = {id(node): grad for node, grad, _ in steps}
    unit_key, units, clusters = _units(nodes, graph, scalar, args)
    names, param_ids = ({}, set()) if scalar else _leaves(args)
    want_check = not scalar and (args["gradcheck"] or args["color"] == "gradcheck")

    out_nodes = []
    for i, n in enumerate(nodes):
        record = _node_record(n, i, index, names, param_ids, scalar)
        record["unit"] = unit_key.get(id(n))
        record["grad"] = None if id(n) not in grads else _stats(grads[id(n)])
        if not scalar:
            record["value_img"] = _image(n.numpy())
            record["grad_img"] = None if id(n) not in grads else _image(grads[id(n)])
        if want_check and not scalar and n.grad_fn is not None:
            record["gradcheck"] = _number(op_error(n))
        out_nodes.append(record)

    arrivals = Counter(id(parent) for _, _, sent in steps for parent, _, _ in sent)
    seen: Counter[int] = Counter()
    backward = []
    for node, grad, sent in steps:
        sends = []
        for parent, g, total in sent:
            seen[id(parent)] += 1
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
        "rankdir": args["rankdir"],
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


def _leaves(args: dict) -> tuple[dict[int, str], set[int]]:
    """({id(tensor): name} from params=, modules= and names=, the ids of the parameters)."""
    params, modules = args["params"], args["modules"]
    if params is None and modules is not None:
        params = dict(modules.named_parameters())
    return leaf_names(params, args["names"]), {id(t) for t in (params or {}).values()}


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
    fn = n.grad_fn
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
        kind, title = "op", fn.name().lower()
        rule = _tensor_rule(fn)
    return {
        "id": i,
        "title": title,
        "name": name,
        "op": fn.name().lower() if fn is not None else None,
        "kind": kind,
        "shape": list(n.shape),
        "dtype": str(n.dtype),
        "requires_grad": bool(n.requires_grad),
        "parents": parents,
        "value": _stats(n.numpy()),
        "rule": rule,
        "gradcheck": None,
    }


def _tensor_rule(fn: Any) -> str:
    """The op's name and the first line of its docstring: its forward and local derivatives."""
    doc = (type(fn).__doc__ or "").strip().splitlines()
    line = doc[0].strip() if doc else "(no rule written in its docstring)"
    return f"{fn.name().lower()}: {line}"


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
    by_key = {u["key"]: u for u in units}
    for n in nodes:  # leaves a closed box hides are shown by the box that uses them
        if id(n) not in keys:
            for child in nodes:
                if id(child) in keys and any(p is n for p in child._parents):
                    keys[id(n)] = keys[id(child)]
                    by_key[keys[id(n)]]["nodes"].append(index[id(n)])
                    break
    return keys, units, _clusters(graph, units, args)


def _clusters(graph, units: list[dict], args: dict) -> list[dict]:
    depth, opened = args["depth"], expand_set(args["expand"])
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
