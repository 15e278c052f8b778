"""Checks of value-backward: gradients of each operation and of random expressions with
reused nodes against mg.Value's (the usual wrong walks named), a chain of 10,000
operations, and gradients that accumulate across calls."""

from ...scalar import Value as Engine
from ..helpers import Wrong, check, diagnose, need
from ..scalars import build, leaves, recipe, text, walk

SMALL = [
    ("a * b", lambda a, b: a * b),
    ("a + a (a used twice)", lambda a, b: a + a),
    ("a * a * b", lambda a, b: a * a * b),
    ("(a * b).tanh() + a", lambda a, b: (a * b).tanh() + a),
    ("(a ** 3 + b).relu()", lambda a, b: (a**3 + b).relu()),
    ("(a - b).exp() / b", lambda a, b: (a - b).exp() / b),
]

# the usual wrong walks (flags of scalars.walk), with what each one is
SLIPS = [
    (
        dict(accumulate=False),
        "a Value used more than once kept only the last contribution: accumulate with += "
        "(parent.grad += local * node.grad), not =",
    ),
    (
        dict(reverse=False),
        "the walk went from the leaves to the root: visit the order REVERSED (the root "
        "first), so that a node's grad is complete before it is passed on",
    ),
    (
        dict(dedupe=False),
        "a Value used twice was walked twice, its gradient passed on twice: keep a set of "
        "visited nodes so that each appears in the order once",
    ),
    (
        dict(chain=False),
        "the chain rule multiplies: each parent receives local * node.grad, not local alone",
    ),
]


def run_backward(root) -> None:
    try:
        root.backward()
    except RecursionError:
        raise Wrong(
            "RecursionError: your walk is recursive, and Python stops near 1,000 nested calls. "
            "Use an explicit stack (a list you push to and pop from) instead"
        ) from None


def compare(root, got: list, engine_build, what: str) -> None:
    """The learner's gradients `got` (root already walked) against mg.Value's, naming the
    usual slips: each is run on a fresh mg.Value graph, engine_build() -> (root, leaves)."""
    if root.grad != 1.0:
        raise Wrong(
            f"for {what}, the output's own grad is {root.grad:g}: start with self.grad = 1.0 "
            "(d self / d self = 1)"
        )
    want_root, want_leaves = engine_build()
    want_root.backward()
    slips = []
    for flags, hint in SLIPS:
        wrong_root, wrong_leaves = engine_build()
        walk(wrong_root, **flags)
        slips.append(([v.grad for v in wrong_leaves], hint))
    want = [v.grad for v in want_leaves]
    diagnose(got, want, f"the leaves' gradients for {what}", slips, rtol=1e-9)


@check("each operation's gradients, and a Value used twice, equal mg.Value's")
def small_graphs(m) -> None:
    cls = need(m, "Value")
    if not callable(getattr(cls, "backward", None)):
        raise Wrong("your Value has no backward() method")
    for what, fn in SMALL:

        def engine_build(fn=fn):
            a, b = Engine(1.3), Engine(-0.7)
            return fn(a, b), [a, b]

        a, b = cls(1.3), cls(-0.7)
        out = fn(a, b)
        run_backward(out)
        compare(out, [a.grad, b.grad], engine_build, what)


@check("random expressions with reused Values: the leaves' gradients equal mg.Value's")
def expressions(m) -> None:
    cls = need(m, "Value")
    for seed in range(10):
        steps = recipe(seed)
        mine = build(cls, steps)
        run_backward(mine[-1])

        def engine_build(steps=steps):
            nodes = build(Engine, steps)
            return nodes[-1], leaves(steps, nodes)

        got = [v.grad for v in leaves(steps, mine)]
        compare(mine[-1], got, engine_build, text(steps, len(steps) - 1))


@check("a chain of 10,000 operations: no recursion limit, the right gradient")
def deep_chain(m) -> None:
    cls = need(m, "Value")
    x = cls(0.5)
    y = x
    for _ in range(10_000):
        y = y + x  # x is used 10,001 times: dy/dx = 10,001
    run_backward(y)
    diagnose(x.grad, 10_001.0, "dy/dx for y = x + x + ... + x (10,001 terms)")


@check("gradients accumulate: a second backward adds to .grad (as in PyTorch)")
def accumulates(m) -> None:
    cls = need(m, "Value")
    a, b = cls(2.0), cls(-3.0)
    run_backward(a * b)  # a.grad = b = -3, b.grad = a = 2
    run_backward(a + b)  # then + 1 each
    if (a.grad, b.grad) == (1.0, 1.0):
        raise Wrong(
            "after a second backward the leaves hold only its gradients: backward must add "
            "to .grad, never reset it (zeroing between steps is the training loop's job)"
        )
    diagnose(
        [a.grad, b.grad],
        [-2.0, 3.0],
        "(a.grad, b.grad) after (a*b).backward() and (a+b).backward()",
    )
