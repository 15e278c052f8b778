"""`minigrad demo`: the main job of the README's first command."""

from __future__ import annotations

import argparse

from ..scalar import Value
from ..viz import GraphvizNotFound, draw, save
from .common import out_dir


def neuron() -> Value:
    """A neuron with two inputs: o = tanh(x1*w1 + x2*w2 + b), with gradients filled in."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")  # chosen so that n is about 0.8814, o about 0.7071
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def run_demo(args: argparse.Namespace) -> int:
    out = out_dir(args.out)
    o = neuron()
    graph = draw(o)
    dot_path = save(graph, out / "neuron.dot")
    print(f"neuron: o = tanh(x1*w1 + x2*w2 + b) = {o.data:.4f}; graph source: {dot_path}")
    try:
        print(f"picture: {save(graph, out / 'neuron.svg')}")
    except GraphvizNotFound as e:
        print(f"picture not rendered: {e}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="draw a neuron's graph (make demo then trains LeNet-5)")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.set_defaults(func=run_demo)
