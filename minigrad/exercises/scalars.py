"""The checks' toolbox for the build-Value-yourself track (value-ops, value-backward,
value-mlp): random expressions built twice, with mg.Value and with the learner's Value, node
for node, and the usual wrong graph walks, run on mg.Value to know what they give.

A recipe is a list of steps; step k makes node k from earlier nodes:

    ("leaf", 0.7)            a Value holding 0.7
    ("add", i, j)            node i + node j          ("mul", i, j) likewise
    ("add_number", i, 2.0)   node i + 2.0             ("mul_number", i, c) likewise
    ("pow", i, 3)            node i ** 3
    ("tanh", i)  ("relu", i)  ("exp", i)

Nodes are reused (an operand drawn twice), so gradients must add up over several uses.
"""

from __future__ import annotations

import random
from operator import add, mul
from typing import Any

from ..scalar import Value as EngineValue

UNARY = ("tanh", "relu", "exp")
BINARY = ("add", "mul")
WITH_NUMBER = ("add_number", "mul_number", "pow")
OPERATOR = {"add": add, "mul": mul, "add_number": add, "mul_number": mul, "pow": pow}
SYMBOL = {"add": "+", "mul": "*", "add_number": "+", "mul_number": "*"}


def recipe(seed: int, leaves: int = 4, ops: int = 12) -> list[tuple]:
    """A random expression whose values stay moderate (no overflow in exp or pow)."""
    rng = random.Random(seed)
    steps: list[tuple] = [("leaf", round(rng.uniform(-1.5, 1.5), 3)) for _ in range(leaves)]
    while len(steps) < leaves + ops:
        kind = rng.choice(UNARY + BINARY + WITH_NUMBER)
        i, j = rng.randrange(len(steps)), rng.randrange(len(steps))  # i == j now and then
        if kind in BINARY:
            step = (kind, i, j)
        elif kind == "pow":
            step = (kind, i, rng.choice((2, 3)))
        elif kind in WITH_NUMBER:
            step = (kind, i, rng.choice((-1.5, 0.5, 2.0)))
        else:
            step = (kind, i)
        value = build(EngineValue, [*steps, step])[-1].data
        if abs(value) < 20 and abs(value) > 1e-3:
            steps.append(step)
    return steps


def build(cls: type, steps: list[tuple]) -> list[Any]:
    """The nodes of the recipe, made with `cls` (mg.Value or the learner's Value)."""
    nodes: list[Any] = []
    for kind, *args in steps:
        if kind == "leaf":
            nodes.append(cls(args[0]))
        elif kind in BINARY:
            nodes.append(OPERATOR[kind](nodes[args[0]], nodes[args[1]]))
        elif kind in WITH_NUMBER:
            nodes.append(OPERATOR[kind](nodes[args[0]], args[1]))
        else:
            nodes.append(getattr(nodes[args[0]], kind)())
    return nodes


def text(steps: list[tuple], k: int) -> str:
    """Node k written as an expression of the leaves a, b, c, ..."""
    kind, *args = steps[k]
    if kind == "leaf":
        return "abcdefghij"[k] if k < 10 else f"x{k}"
    if kind in BINARY:
        return f"({text(steps, args[0])} {SYMBOL[kind]} {text(steps, args[1])})"
    if kind == "pow":
        return f"{text(steps, args[0])}**{args[1]}"
    if kind in WITH_NUMBER:
        return f"({text(steps, args[0])} {SYMBOL[kind]} {args[1]:g})"
    return f"{text(steps, args[0])}.{kind}()"


def leaves(steps: list[tuple], nodes: list[Any]) -> list[Any]:
    return [node for step, node in zip(steps, nodes) if step[0] == "leaf"]


# --------------------------------------------------------------------------------------------
# The graph walk, right and wrong (on any object with _parents, _local and grad)


def order(root: Any, dedupe: bool = True) -> list[Any]:
    """Parents before children (iteratively); dedupe=False places a reused node once per use."""
    out, seen, stack = [], set(), [(root, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            out.append(node)
        elif not dedupe or id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node._parents)
    return out


def walk(
    root: Any,
    seed: float = 1.0,
    reverse: bool = True,
    accumulate: bool = True,
    dedupe: bool = True,
    chain: bool = True,
) -> None:
    """Backpropagate from root; each flag off gives one usual slip: the order not reversed,
    = instead of +=, a node visited once per use, the chain rule without node.grad."""
    nodes = order(root, dedupe)
    root.grad = seed
    for node in reversed(nodes) if reverse else nodes:
        for parent, local in zip(node._parents, node._local):
            contribution = local * node.grad if chain else local
            parent.grad = parent.grad + contribution if accumulate else contribution
