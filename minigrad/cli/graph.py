"""`minigrad graph`: draw the computation graph of one training step of a model.

minigrad graph lenet                                     out/lenet.svg: one box per op, by layer
minigrad graph lenet --depth 1                           features / classifier as two boxes
minigrad graph lenet --out out/conv.svg --expand conv2d  convolutions opened into primitives
minigrad graph lenet --out out/back.svg --view backward --color grad
minigrad graph lenet --html                              out/lenet.html: an interactive page:
                                                         click nodes, step through backward as
                                                         the engine runs it (--html PAGE names it)

Pictures go into out/ unless --out says otherwise, as every command's output does.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .. import factory, recording
from .. import functional as F
from ..data import load_digits
from ..models import LeNet5
from ..tensor import Tensor
from ..viz import GraphvizNotFound, draw, save
from ..viz.explore import explore

MODELS = ("lenet", "lenet5")  # the names `minigrad summary` and `minigrad train` use too


def lenet_step(
    batch_size: int = 8, seed: int = 0, retain_graph: bool = False
) -> tuple[Any, Any, Any, Any]:
    """One LeNet-5 training step on a batch of the default digits: (model, x, y, loss).

    Backward has run inside `retain_grads()`, so every node of the graph has its gradient;
    with `retain_graph=True` the graph can be walked again (the HTML explorer does).
    """

    factory.manual_seed(seed)
    model = LeNet5()
    train, _ = load_digits()
    images, labels = train.tensors[0].numpy()[:batch_size], train.tensors[1].numpy()[:batch_size]
    x, y = Tensor(images), Tensor(labels)
    loss = F.cross_entropy(model(x), y)
    with recording.retain_grads():
        loss.backward(retain_graph=retain_graph)
    return model, x, y, loss


def run_graph(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise SystemExit(f"minigrad graph: --batch-size must be at least 1, got {args.batch_size}")
    # both file names checked before any work
    _check_file_name("--html", args.html, "a page ending in .html", (".html", ".htm"))
    _check_file_name("--out", args.out, "a picture file ending in " + PICTURES, SUFFIXES)
    model, x, y, loss = lenet_step(args.batch_size, args.seed, retain_graph=bool(args.html))
    options = _options(args, model, x, y)
    headline = f"LeNet-5, one training step on {args.batch_size} digits: loss {loss.item():.4f}"
    status = 0
    if args.html:
        status = _explore(args, loss, options, headline)
        if args.out is None:
            return status
    try:
        graph = draw(loss, **options)
    except ValueError as e:
        raise _too_large(e) from None
    out = Path(args.out or Path("out") / "lenet.svg")
    try:
        path = save(graph, out)
    except GraphvizNotFound as e:
        dot = save(graph, out.with_suffix(".dot"))
        print(f"minigrad graph: {e}\nwrote the DOT source instead: {dot}")
        return 1
    except ValueError as e:
        raise SystemExit(f"minigrad graph: {e}") from None
    print(f"{headline}; {args.view} graph written to {path}")
    return status


PICTURES = ".svg, .png, .pdf or .dot"
SUFFIXES = (".svg", ".png", ".pdf", ".dot", ".gv")


def _check_file_name(option: str, value: str | None, what: str, suffixes: tuple) -> None:
    """Stop with a message when `value` (given to `option`) is not a file name with one of
    `suffixes`; a folder gets the file name to add."""
    if value is None or Path(value).suffix.lower() in suffixes:
        return
    hint = ""
    if Path(value).is_dir() or value.endswith(("/", "\\")):
        example = Path(value) / f"lenet{suffixes[0]}"
        hint = f" ({value} is a folder: name a file in it, such as {example})"
    raise SystemExit(f"minigrad graph: {option} names {what}, got {value}{hint}")


def _explore(args: argparse.Namespace, loss: Any, options: dict, headline: str) -> int:
    """Write the interactive page (`--html`); 1 when Graphviz is missing."""

    try:
        path = explore(
            loss, args.html, **options, gradcheck=args.color == "gradcheck", title=headline
        )
    except GraphvizNotFound as e:
        print(f"minigrad graph --html: {e}")
        return 1
    except ValueError as e:
        raise _too_large(e) from None
    print(f"{headline}; interactive page written to {path} (open it in a web browser)")
    return 0


def _options(args: argparse.Namespace, model: Any, x: Any, y: Any) -> dict[str, Any]:
    """What the picture and the page are drawn with: the command's flags."""
    return dict(
        modules=model,
        names={x: "images", y: "labels"},
        depth=args.depth,
        expand=set(args.expand),
        view=args.view,
        color=args.color,
        show=args.show,
        rankdir=args.rankdir,
        max_nodes=args.max_nodes,
    )


def _too_large(e: ValueError) -> SystemExit:
    """Too many nodes, a bad depth: said with the command's flags."""
    return SystemExit(
        f"minigrad graph: {e}\n(on the command line: --depth K, fewer --expand, "
        "--batch-size, --max-nodes N)"
    )


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "graph",
        help="draw the graph of one training step (LeNet-5 on the digits)",
        description="Draw the computation graph of one training step of a model on one batch "
        "of the default digits data: layers as clusters, composite ops as boxes.",
    )
    p.add_argument("model", choices=MODELS, help="the model to draw")
    p.add_argument(
        "--out",
        default=None,
        help="picture file: .svg, .png, .pdf or .dot (default out/lenet.svg; with --html, only "
        "when given)",
    )
    p.add_argument(
        "--html",
        nargs="?",
        const=str(Path("out") / "lenet.html"),
        default=None,
        metavar="PAGE",
        help="write an interactive page instead (default out/lenet.html): click nodes for "
        "statistics and heatmaps, step through forward and backward, open and close composite "
        "ops; every other option applies",
    )
    p.add_argument(
        "--depth",
        type=int,
        default=None,
        help="collapse modules deeper than this into one box each (0: the whole model, "
        "1: features and classifier, 2: every layer)",
    )
    p.add_argument(
        "--expand",
        action="append",
        default=[],
        metavar="OP",
        help="open a composite op into its primitives (conv2d, avg_pool2d, linear, "
        "cross_entropy, ...); repeat for several",
    )
    p.add_argument("--view", choices=("forward", "backward"), default="forward")
    p.add_argument("--color", choices=("grad", "gradcheck"), default=None)
    p.add_argument("--show", choices=("data", "grad", "both"), default=None)
    p.add_argument("--rankdir", choices=("TB", "LR"), default="TB")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-nodes", type=int, default=300, help="refuse larger pictures and pages")
    p.set_defaults(func=run_graph)
