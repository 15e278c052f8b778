ID = "value-backward"
TITLE = "Build Value yourself (2/3): backward, the topological walk"
HINTS = (
    "First the order: a depth-first search with an explicit stack of (node, done) pairs. "
    "Pop a pair; if done, append the node to the order; if not (and the node is new), push "
    "(node, True) and then (parent, False) for each parent. Keep a set of visited ids.",
    "Then the gradients: self.grad = 1.0, and for node in reversed(order): for each "
    "(parent, local) in zip(node._parents, node._local): parent.grad += local * node.grad.",
    "reversed(order) visits a node only after every node that uses it: its grad is then "
    "complete when it passes it on. Use +=, never =, and never reset grads inside backward.",
)
