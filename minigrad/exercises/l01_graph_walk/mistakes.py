"""Realistic wrong answers to graph-walk, each with the words its diagnostic must contain."""

from ..exercise import mistake
from .solution import topological_order


@mistake("backward", hint="root.grad = 1.0")
def walk_starts_from_zero(root) -> None:
    root.grad = 0.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node._parents, node._local):
            parent.grad += local * node.grad


@mistake("backward", hint="accumulate")
def assigns_instead_of_adding(root) -> None:
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node._parents, node._local):
            parent.grad = local * node.grad


@mistake("topological_order", hint="recursive")
def recursive_walk(root) -> list:
    order, seen = [], set()

    def visit(node) -> None:
        if id(node) not in seen:
            seen.add(id(node))
            for parent in node._parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


@mistake("topological_order", hint="more than once")
def no_visited_set(root) -> list:
    order, stack = [], [(root, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            order.append(node)
        else:
            stack.append((node, True))
            stack.extend((parent, False) for parent in node._parents)
    return order
