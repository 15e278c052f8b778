"""One graph walk: `autograd.topological_order(roots, keep=...)` orders the nodes for
backward (the parents a gradient reaches) and for the pictures (every node, constants too)."""

from __future__ import annotations

import ast
import gc
import sys

import numpy as np

import minigrad as mg
from minigrad import autograd
from minigrad.autograd import backward_order, every_node, topological_order


def ids(nodes) -> list[int]:
    return [id(n) for n in nodes]


def small_graph():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    w = mg.tensor([0.5, -1.0], requires_grad=True)
    c = mg.tensor([3.0, 4.0])  # a constant
    h = (x * w + c).tanh()
    return x, w, c, h, (h * h).sum()


def test_parents_come_before_children_and_constants_only_when_asked():
    x, w, c, h, loss = small_graph()
    grads_only = topological_order(loss)
    everything = topological_order(loss, keep=every_node)
    for order in (grads_only, everything):
        place = {id(n): i for i, n in enumerate(order)}
        for n in order:
            assert all(place[id(p)] < place[id(n)] for p in n._parents if id(p) in place)
        assert order[-1] is loss
    assert all(n.requires_grad for n in grads_only)
    assert id(c) not in ids(grads_only) and id(c) in ids(everything)
    assert [id(n) for n in everything if n.requires_grad] == [id(n) for n in grads_only]


def test_the_order_is_the_same_on_every_run():
    *_, loss = small_graph()
    first = [id(n) for n in topological_order(loss, keep=every_node)]
    assert all(first == [id(n) for n in topological_order(loss, keep=every_node)] for _ in range(3))


def test_a_custom_keep_stops_the_walk():
    x, w, c, h, loss = small_graph()
    order = topological_order(loss, keep=lambda node: node is not h)
    assert ids(order) == [id(loss._parents[0]), id(loss)]  # h * h, then the sum; h is not entered


def test_several_roots_are_walked_as_one_graph():
    x, w, c, h, loss = small_graph()
    other = (x * 3.0).sum()
    both = topological_order([loss, other])
    assert both[-1] is other and id(loss) in ids(both)
    assert len(both) == len(set(ids(both)))  # x is shared: placed once
    assert ids(backward_order([loss, other])) == ids(both)[::-1]


def test_backward_visits_nodes_in_backward_order():
    *_, loss = small_graph()
    seen = []
    with autograd.observe_backward(lambda node, grad, sent: seen.append(node)):
        loss.backward()
    *_, loss2 = small_graph()
    expected = backward_order([loss2])
    assert [type(n.grad_fn).__name__ for n in seen] == [type(n.grad_fn).__name__ for n in expected]


def test_a_deep_chain_is_walked_without_recursion():
    # five times Python's recursion limit: a recursive walk fails at the limit already (the
    # engine's long-chain tests in test_tensor_engine.py go to 20,000 ops, and a million)
    depth = 5 * sys.getrecursionlimit()
    x = mg.tensor([0.5], requires_grad=True)
    y = x
    gc.disable()  # the cyclic collector would rescan the growing graph (it has no cycles)
    try:
        for _ in range(depth):
            y = y * 1.0
    finally:
        gc.enable()
    assert len(topological_order(y)) == depth + 1
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0])


def test_pictures_draw_exactly_the_nodes_of_the_walk():
    x, w, c, h, loss = small_graph()
    g = mg.viz.draw(loss)
    drawn = [id(t) for unit in g.units for t in unit.members]
    assert sorted(drawn) == sorted(ids(topological_order(loss, keep=every_node)))


def test_no_second_topological_walk_in_the_package(package_source):
    """A walk of the graph is a `while` loop over nodes' parents (`_parents` or a
    Function's `inputs`). Besides topological_order there is only inplace's bounded search
    that rewires a few recent nodes, and the exercises' walks, which reproduce the
    learner's own algorithm (slips included)."""
    walks = []
    for rel, path in package_source.modules():
        if not any(isinstance(n, ast.While) for n in package_source.nodes(path)):
            continue
        for fn in package_source.nodes(path):
            if not isinstance(fn, ast.FunctionDef):
                continue
            loops = [ast.dump(n) for n in ast.walk(fn) if isinstance(n, ast.While)]
            if any("attr='_parents'" in d or "attr='inputs'" in d for d in loops):
                walks.append(f"{rel}:{fn.name}")
    outside_exercises = [w for w in walks if not w.startswith("exercises/")]
    assert outside_exercises == ["autograd.py:topological_order", "inplace.py:_redirect_history"]
