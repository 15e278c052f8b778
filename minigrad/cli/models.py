"""`minigrad summary NAME`: the layer table of a ready-made network (as Keras or torchinfo print).

minigrad summary resnet18                       ImageNet layout, 3 x 224 x 224
minigrad summary lenet5                         1 x 32 x 32
minigrad summary vgg16 --input-shape 3 64 64    a smaller image (same parameter count)
minigrad summary resnet50 --num-classes 10 --depth 2
"""

from __future__ import annotations

import argparse


def run_summary(args: argparse.Namespace) -> int:
    from .. import models
    from ..nn import summary

    if args.name not in models.REGISTRY:
        raise SystemExit(
            f"minigrad summary: unknown model {args.name!r}; choose one of: "
            f"{', '.join(models.NAMES)}"
        )
    if args.num_classes is not None and args.num_classes < 1:
        raise SystemExit(f"minigrad summary: --num-classes must be >= 1, got {args.num_classes}")
    if args.batch_size < 1:
        raise SystemExit(f"minigrad summary: --batch-size must be >= 1, got {args.batch_size}")
    if args.depth is not None and args.depth < 1:
        raise SystemExit(f"minigrad summary: --depth must be >= 1, got {args.depth}")
    shape = tuple(args.input_shape) if args.input_shape else None
    if shape is not None and any(n < 1 for n in shape):
        raise SystemExit(f"minigrad summary: --input-shape must be 3 positive ints, got {shape}")
    in_channels = shape[0] if shape else None
    model = models.create(args.name, num_classes=args.num_classes, in_channels=in_channels)
    shape = shape or models.default_input_shape(args.name)
    try:
        summary(model, shape, batch_size=args.batch_size, depth=args.depth)
    except ValueError as e:  # e.g. an input too small for the network
        raise SystemExit(f"minigrad summary: {e}") from None
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    from ..models import NAMES

    p = sub.add_parser(
        "summary",
        help="print a model's layers, output shapes and parameter counts",
        description="Print the layer table of a ready-made network. Models: " + ", ".join(NAMES),
    )
    p.add_argument("name", metavar="NAME", help="model name: " + ", ".join(NAMES))
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
