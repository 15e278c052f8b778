"""What a graph is made of: the Functions recorded in it, and the engine's primitive ops.

The tests that prove a composed op (convolution, its transpose, pooling, depthwise) has no
hand-written backward ask for both: every Function in its graph must be a primitive.
"""

from __future__ import annotations

import inspect

from minigrad.autograd import Function, every_node, topological_order
from minigrad.ops import elementwise, matmul, movement, reduce, window, write


def graph_functions(root) -> list[Function]:
    """The Function of every node `root` depends on (constants included in the walk)."""
    return [t.grad_fn for t in topological_order(root, keep=every_node) if t.grad_fn is not None]


def primitive_classes() -> set[type]:
    """Every Function subclass defined in the engine's op modules (minigrad/ops)."""
    found = set()
    for module in (elementwise, reduce, movement, matmul, window, write):
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, Function)
                and obj is not Function
                and obj.__module__ == module.__name__
            ):
                found.add(obj)
    return found
