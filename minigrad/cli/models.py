"""`minigrad summary NAME`: the layer table of a ready-made network (as Keras or torchinfo print).

minigrad summary resnet18                       ImageNet layout, 3 x 224 x 224
minigrad summary lenet                          1 x 32 x 32 (lenet and lenet5 are one model)
minigrad summary vgg16 --input-shape 3 64 64    a smaller image (same parameter count)
minigrad summary resnet50 --num-classes 10 --depth 2
minigrad summary vgg19 resnet34 --compare       side by side: params, MACs, activations

The table has a MACs column (multiply-accumulates of each convolution and linear layer) and
the totals; `nn.summary`'s docstring states what is counted.
"""

from __future__ import annotations

import argparse

from .. import models
from ..models import ALIASES, NAMES
from ..nn.summary import compare_summaries, summary


def _summarise(name: str, args: argparse.Namespace, verbose: bool):
    shape = tuple(args.input_shape) if args.input_shape else None
    in_channels = shape[0] if shape else None
    model = models.create(name, num_classes=args.num_classes, in_channels=in_channels)
    shape = shape or models.default_input_shape(name)
    try:
        return summary(model, shape, batch_size=args.batch_size, depth=args.depth, verbose=verbose)
    except ValueError as e:  # e.g. an input too small for the network
        raise SystemExit(f"minigrad summary: {e}") from None


def run_summary(args: argparse.Namespace) -> int:
    try:
        names = [models.resolve_name(name, "minigrad summary") for name in args.names]
    except ValueError as e:
        raise SystemExit(str(e)) from None
    if args.num_classes is not None and args.num_classes < 1:
        raise SystemExit(f"minigrad summary: --num-classes must be >= 1, got {args.num_classes}")
    if args.batch_size < 1:
        raise SystemExit(f"minigrad summary: --batch-size must be >= 1, got {args.batch_size}")
    if args.depth is not None and args.depth < 1:
        raise SystemExit(f"minigrad summary: --depth must be >= 1, got {args.depth}")
    shape = tuple(args.input_shape) if args.input_shape else None
    if shape is not None and any(n < 1 for n in shape):
        raise SystemExit(f"minigrad summary: --input-shape must be 3 positive ints, got {shape}")
    if args.compare:
        # one model at a time: each is freed once summarised (VGG-19's weights are 0.6 GB)
        summaries = {name: _summarise(name, args, verbose=False) for name in names}
        print(compare_summaries(summaries))
        return 0
    for i, name in enumerate(names):
        if i:
            print()
        _summarise(name, args, verbose=True)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    aliases = ", ".join(f"{a} = {n}" for a, n in ALIASES.items())
    p = sub.add_parser(
        "summary",
        help="print a model's layers, output shapes, parameters and compute (MACs)",
        description="Print the layer table of a ready-made network (output shapes, parameters, "
        "multiply-accumulates, activation memory), or with --compare several networks side by "
        f"side. Models: {', '.join(NAMES)} (also {aliases}).",
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="model name(s): " + ", ".join(NAMES))
    p.add_argument(
        "--compare",
        action="store_true",
        help="one line per model: input, parameters, MACs, FLOPs, activation memory",
    )
    p.add_argument(
        "--input-shape",
        type=int,
        nargs=3,
        metavar=("C", "H", "W"),
        help="shape of one input image (default: the model's design size, e.g. 3 224 224); "
        "C also sets the model's in_channels",
    )
    p.add_argument(
        "--num-classes",
        type=int,
        default=None,
        metavar="K",
        help="output classes (default: the model's; 1000 for ImageNet models)",
    )
    p.add_argument(
        "--batch-size", type=int, default=1, metavar="N", help="batch size of the traced input"
    )
    p.add_argument(
        "--depth", type=int, default=None, metavar="D", help="show nested layers down to depth D"
    )
    p.set_defaults(func=run_summary)
