"""Lesson 1 exercises: derivatives by hand, and the graph walk of the scalar engine."""

from __future__ import annotations

import math

from ..scalar import Value
from .core import Exercise, Mistake, Wrong
from .helpers import answer_dict, diagnose, filled, need, number

# --------------------------------------------------------------------------------------------

chain_rule = Exercise(
    id="chain-rule",
    lesson=1,
    title="The chain rule by hand (a variable used twice)",
    stub='''"""Exercise chain-rule (lesson 1): derivatives by hand.

    u = x * y + z
    f = u ** 2 + x          at  x = 3, y = -2, z = 0.5

Work out df/dx, df/dy and df/dz on paper (chain rule), then fill them in below as
numbers or as Python expressions of the numbers. The checker compares them with what
mg.Value computes. Careful: x is used twice.
"""


def answers() -> dict:
    raise NotImplementedError("not implemented yet")
    return {"df_dx": ..., "df_dy": ..., "df_dz": ...}
''',
    solution='''"""Exercise chain-rule (lesson 1): a reference solution."""

x, y, z = 3.0, -2.0, 0.5
u = x * y + z  # -5.5


def answers() -> dict:
    df_du = 2 * u  # d(u**2)/du
    return {
        "df_dx": df_du * y + 1,  # two paths: through u (du/dx = y) and the direct "+ x"
        "df_dy": df_du * x,
        "df_dz": df_du * 1,
    }
''',
    hints=(
        "Name the pieces: f = g(u) + x with g(u) = u**2. Then df/du = 2u, and du/dx = y, "
        "du/dy = x, du/dz = 1.",
        "x reaches f along two paths: through u, and directly through '+ x'. The chain rule "
        "adds the contributions of all paths: df/dx = df/du * du/dx + 1.",
        "Numbers: u = 3 * (-2) + 0.5 = -5.5, so df/du = -11.",
    ),
    mistakes=(
        Mistake('"df_dx": df_du * y + 1,', '"df_dx": df_du * y,', "x is used twice"),
        Mistake("df_du = 2 * u", "df_du = u", "dropped the factor 2"),
    ),
)

_X, _Y, _Z = 3.0, -2.0, 0.5


def _engine_grads() -> dict:
    x, y, z = Value(_X), Value(_Y), Value(_Z)
    f = (x * y + z) ** 2 + x
    f.backward()
    return {"df_dx": x.grad, "df_dy": y.grad, "df_dz": z.grad}


def _answer(m, key: str) -> float:
    return number(filled(answer_dict(m), key), key)


def _chain_check(key: str):
    def run(m) -> None:
        want = _engine_grads()[key]
        u = _X * _Y + _Z
        local = {"df_dx": _Y, "df_dy": _X, "df_dz": 1.0}[key]
        mistakes = [
            (u * local, "you dropped the factor 2: d(u**2)/du = 2u, not u"),
            (2 * local, "you used d(u**2)/du = 2 instead of 2u (u = -5.5 here)"),
        ]
        if key == "df_dx":
            mistakes.insert(
                0,
                (
                    want - 1,
                    "x is used twice: you have the path through u, but not the direct '+ x' "
                    "(which adds 1); the chain rule sums over all paths",
                ),
            )
            mistakes.append((1.0, "you have only the direct '+ x' path; x also enters u"))
        diagnose(_answer(m, key), want, key.replace("_", "/"), mistakes)

    return run


for _key in ("df_dx", "df_dy", "df_dz"):
    chain_rule.check(f"{_key.replace('_', '/')} equals the engine's")(_chain_check(_key))

# --------------------------------------------------------------------------------------------

neuron = Exercise(
    id="neuron-grads",
    lesson=1,
    title="Gradients of a tanh neuron by hand",
    stub='''"""Exercise neuron-grads (lesson 1): the gradients of one neuron.

    n = x1 * w1 + x2 * w2 + b
    o = tanh(n)              at  x1 = 1, w1 = -0.5, x2 = 2, w2 = 0.25, b = 0.3

Give do/dw1, do/dw2, do/db and do/dx1 as numbers or Python expressions (math.tanh is
allowed). The checker compares them with mg.Value.
"""

import math


def answers() -> dict:
    raise NotImplementedError("not implemented yet")
    return {"do_dw1": ..., "do_dw2": ..., "do_db": ..., "do_dx1": ...}
''',
    solution='''"""Exercise neuron-grads (lesson 1): a reference solution."""

import math

x1, w1, x2, w2, b = 1.0, -0.5, 2.0, 0.25, 0.3


def answers() -> dict:
    n = x1 * w1 + x2 * w2 + b
    o = math.tanh(n)
    do_dn = 1 - o**2  # d tanh(n)/dn = 1 - tanh(n)^2
    return {"do_dw1": do_dn * x1, "do_dw2": do_dn * x2, "do_db": do_dn, "do_dx1": do_dn * w1}
''',
    hints=(
        "Split it: o = tanh(n), so do/dw1 = do/dn * dn/dw1. What is dn/dw1?",
        "d tanh(n)/dn = 1 - tanh(n)**2 = 1 - o**2 (the output squared, not n squared).",
        "dn/dw1 = x1 and dn/dx1 = w1: the derivative of a product with respect to one "
        "factor is the other factor.",
    ),
    mistakes=(
        Mistake("do_dn = 1 - o**2", "do_dn = 1 - n**2", "1 - n**2"),
        Mistake('"do_dw1": do_dn * x1', '"do_dw1": do_dn * w1', "swapped"),
    ),
)

_N = dict(x1=1.0, w1=-0.5, x2=2.0, w2=0.25, b=0.3)


def _neuron_check(key: str, var: str, other: str | None):
    def run(m) -> None:
        vals = {k: Value(v) for k, v in _N.items()}
        o = (vals["x1"] * vals["w1"] + vals["x2"] * vals["w2"] + vals["b"]).tanh()
        o.backward()
        want = vals[var].grad
        n = _N["x1"] * _N["w1"] + _N["x2"] * _N["w2"] + _N["b"]
        local = 1.0 if other is None else _N[other]
        mistakes = [
            (
                (1 - n**2) * local,
                "you used 1 - n**2; the derivative of tanh is 1 - tanh(n)**2 = 1 - o**2",
            ),
            (local, "you forgot the tanh: multiply by do/dn = 1 - o**2"),
            (math.tanh(n) * local, "you multiplied by o = tanh(n); do/dn is 1 - o**2"),
        ]
        if other is not None:
            swapped = {"x1": "w1", "w1": "x1"}.get(other, other)
            if swapped != other:
                mistakes.append(
                    (
                        (1 - math.tanh(n) ** 2) * _N[swapped],
                        f"swapped: dn/d{var} is {other} (the other factor), not {swapped}",
                    )
                )
        got = _answer(m, key)
        diagnose(got, want, key.replace("_", "/"), mistakes)

    return run


for _key, _var, _other in (
    ("do_dw1", "w1", "x1"),
    ("do_dw2", "w2", "x2"),
    ("do_db", "b", None),
    ("do_dx1", "x1", "w1"),
):
    neuron.check(f"{_key.replace('_', '/')} equals the engine's")(_neuron_check(_key, _var, _other))

# --------------------------------------------------------------------------------------------

walk = Exercise(
    id="graph-walk",
    lesson=1,
    title="Write the graph walk: topological order and backward",
    stub='''"""Exercise graph-walk (lesson 1): write backpropagation for mg.Value yourself.

Every Value v made by an operation has
    v._parents   the Values it was computed from (a tuple)
    v._local     d(v)/d(parent), one number per parent (same order)
Leaves have v._parents == ().

1. topological_order(root): every Value root depends on (root included), each exactly
   once, every Value after all of its parents. It must work on a chain of 5,000
   operations (Python's recursion limit is about 1,000).
2. backward(root): set root.grad = 1.0 and, walking the order from the root back,
   add local * grad into each parent's .grad (do not call root.backward()).
"""


def topological_order(root) -> list:
    raise NotImplementedError("not implemented yet: topological_order")


def backward(root) -> None:
    raise NotImplementedError("not implemented yet: backward")
''',
    solution='''"""Exercise graph-walk (lesson 1): a reference solution."""


def topological_order(root) -> list:
    order, visited = [], set()
    stack = [(root, False)]  # (node, parents already placed?)
    while stack:
        node, ready = stack.pop()
        if ready:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in node._parents:
            if id(parent) not in visited:
                stack.append((parent, False))
    return order


def backward(root) -> None:
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node._parents, node._local):
            parent.grad += local * node.grad


def _rec(node, order, seen):  # a recursive walk, kept for comparison (not used above)
    if id(node) not in seen:
        seen.add(id(node))
        for parent in node._parents:
            _rec(parent, order, seen)
        order.append(node)
    return order
''',
    hints=(
        "Think of a depth-first search with an explicit stack of (node, done) pairs: push a "
        "node with done=False, and when you pop it, push it again with done=True and then "
        "its parents. A node popped with done=True goes into the order.",
        "Keep a set of visited nodes so that a Value used twice (b = a + a) appears once.",
        "In backward, use += : a Value used twice receives a gradient from each use.",
    ),
    mistakes=(
        Mistake("    root.grad = 1.0\n", "    root.grad = 0.0\n", "root.grad = 1.0"),
        Mistake(
            "            parent.grad += local * node.grad",
            "            parent.grad = local * node.grad",
            "accumulate",
        ),
        Mistake(
            "    order, visited = [], set()\n    stack",
            "    order, visited = [], set()\n    return _rec(root, [], set())\n    stack",
            "recursive",
        ),
        Mistake(
            "        if id(node) in visited:\n            continue\n",
            "",
            "more than once",
        ),
    ),
)


def _graphs():
    a, b = Value(1.5), Value(-2.0)
    used_twice = a + a
    used_twice = used_twice * used_twice + b  # (a + a)^2 + b
    x = Value(0.7)
    h = x * 2.0
    diamond = (h.tanh() * h.exp() + h) * x  # a diamond with a reused leaf
    return {"(a + a)**2 + b": (used_twice, [a, b]), "a diamond graph": (diamond, [x])}


def _check_order(order, root, what: str) -> None:
    if not isinstance(order, list):
        raise Wrong(f"topological_order must return a list, got {type(order).__name__}")
    ids = [id(v) for v in order]
    if len(ids) != len(set(ids)):
        raise Wrong(
            f"for {what}, some Values appear more than once: keep a set of visited nodes "
            "so that a Value used twice is placed once"
        )
    position = {id(v): i for i, v in enumerate(order)}
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if id(v) not in position:
            raise Wrong(f"for {what}, a Value the root depends on is missing from the order")
        for p in v._parents:
            if id(p) in position and position[id(p)] > position[id(v)]:
                raise Wrong(
                    f"for {what}, a Value comes before one of its parents: its gradient would "
                    "be used before all contributions reached it. Place a node after its parents"
                )
            stack.append(p)
    if len(seen) != len(order):
        raise Wrong(f"for {what}, the order holds Values the root does not depend on")


@walk.check("topological_order: each Value once, after its parents")
def _order(m) -> None:
    topo = need(m, "topological_order")
    for what, (root, _) in _graphs().items():
        _check_order(topo(root), root, what)


@walk.check("topological_order works on a chain of 5,000 operations")
def _deep(m) -> None:
    topo = need(m, "topological_order")
    x = Value(1.0)
    y = x
    for _ in range(5000):
        y = y.tanh()  # one parent per node: 5,001 Values in all
    try:
        order = topo(y)
    except RecursionError:
        raise Wrong(
            "RecursionError on a chain of 5,000 Values: your walk is recursive, and Python "
            "stops near 1,000 nested calls. Use an explicit stack (a list) instead"
        ) from None
    if not isinstance(order, list) or len(order) != 5001:
        raise Wrong("on the chain of 5,000 operations the order should hold 5,001 Values")


def _assigning_backward(root) -> None:
    """The classic slip, for comparison: `=` where the chain rule needs `+=`."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node._parents)
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node._parents, node._local):
            parent.grad = local * node.grad


@walk.check("backward gives the engine's gradients")
def _backward(m) -> None:
    bw = need(m, "backward")
    for what, (root, leaves) in _graphs().items():
        bw(root)
        got = [v.grad for v in leaves]
        fresh_root, fresh_leaves = _graphs()[what]
        fresh_root.backward()
        want = [v.grad for v in fresh_leaves]
        assign_root, assign_leaves = _graphs()[what]
        _assigning_backward(assign_root)
        mistakes = [
            (
                [v.grad for v in assign_leaves],
                "a Value used more than once keeps only the last gradient that reached it: "
                "accumulate the contributions with += (not =)",
            )
        ]
        if all(g == 0 for g in got):
            raise Wrong(
                f"for {what} every gradient is 0: start the walk with root.grad = 1.0 "
                "(d root / d root = 1)"
            )
        diagnose(got, want, f"the leaves' gradients for {what}", mistakes)


EXERCISES = [chain_rule, neuron, walk]
