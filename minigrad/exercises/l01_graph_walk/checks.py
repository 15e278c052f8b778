"""Checks of graph-walk: the order on graphs with reuse, a deep chain, and the gradients."""

from ...scalar import Value
from ..helpers import Wrong, check, diagnose, need
from ..scalars import walk


def graphs() -> dict:
    """Two small graphs with reuse, each with its root and leaves: fresh on every call."""
    a, b = Value(1.5), Value(-2.0)
    used_twice = a + a
    used_twice = used_twice * used_twice + b  # (a + a)^2 + b
    x = Value(0.7)
    h = x * 2.0
    diamond = (h.tanh() * h.exp() + h) * x  # a diamond with a reused leaf
    return {"(a + a)**2 + b": (used_twice, [a, b]), "a diamond graph": (diamond, [x])}


def check_order(order, root, what: str) -> None:
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


@check("topological_order: each Value once, after its parents")
def order(m) -> None:
    topo = need(m, "topological_order")
    for what, (root, _) in graphs().items():
        check_order(topo(root), root, what)


@check("topological_order works on a chain of 5,000 operations")
def deep_chain(m) -> None:
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


@check("backward gives the engine's gradients")
def gradients(m) -> None:
    bw = need(m, "backward")
    for what, (root, leaves) in graphs().items():
        bw(root)
        got = [v.grad for v in leaves]
        fresh_root, fresh_leaves = graphs()[what]
        fresh_root.backward()
        want = [v.grad for v in fresh_leaves]
        assign_root, assign_leaves = graphs()[what]
        walk(assign_root, accumulate=False)  # the classic slip: = where += is needed
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
