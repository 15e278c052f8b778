"""Exercise graph-walk (lesson 1): write backpropagation for mg.Value yourself.

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
    # BEGIN SOLUTION
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
    # END SOLUTION


def backward(root) -> None:
    # BEGIN SOLUTION
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node._parents, node._local):
            parent.grad += local * node.grad
    # END SOLUTION
