"""Realistic wrong answers to graph-walk, each with the words its diagnostic must contain."""

from ..exercise import mistake
from ..scalars import order, walk


@mistake("backward", hint="root.grad = 1.0")
def walk_starts_from_zero(root) -> None:
    walk(root, seed=0.0)  # the usual slips, as scalars.walk makes them for the checks


@mistake("backward", hint="accumulate")
def assigns_instead_of_adding(root) -> None:
    walk(root, accumulate=False)


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
    return order(root, dedupe=False)
