ID = "graph-walk"
TITLE = "Write the graph walk: topological order and backward"
HINTS = (
    "Think of a depth-first search with an explicit stack of (node, done) pairs: push a "
    "node with done=False, and when you pop it, push it again with done=True and then "
    "its parents. A node popped with done=True goes into the order.",
    "Keep a set of visited nodes so that a Value used twice (b = a + a) appears once.",
    "In backward, use += : a Value used twice receives a gradient from each use.",
)
