"""`minigrad explain lenet --image N`: what LeNet-5 looks at when it reads test digit N.

Writes one PNG with the digit, the predicted probabilities and six maps: saliency,
SmoothGrad, Grad-CAM on C3, guided backprop, deconvnet and occlusion (`mg.viz.explain`).

Guided backprop and deconvnet change how ReLU passes gradients back, so the model is a
LeNet-5 with ReLU and max pooling. Without --checkpoint, the command trains one on the
digits (a few seconds) and keeps it in --out for the next time; --checkpoint explains
another, e.g. the main job's tanh network:

    minigrad explain lenet --image 3 --checkpoint out/lenet5_digits.npz --activation tanh --pool avg
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .. import functional as F
from .. import optim
from ..data import DataLoader, load_digits
from ..factory import manual_seed
from ..models import LeNet5
from ..serialization import load, save
from ..train import fit, format_epoch
from ..viz.attribution import explain
from .common import out_dir, positive_int

EPOCHS = 6  # enough for about 97% test accuracy on the digits
LAYER = "features.c3"  # Grad-CAM's layer: C3's 16 maps of 10x10 (C5's are 1x1)


def train_lenet(epochs: int = EPOCHS, seed: int = 0, verbose: bool = True) -> Any:
    """LeNet-5 with ReLU and max pooling, trained on the digits with Adam (lr 2e-3)."""

    manual_seed(seed)
    train, test = load_digits()
    model = LeNet5(activation="relu", pool="max")

    def report(epoch: int, logs: dict) -> None:
        if verbose:
            print(format_epoch(logs, epochs, val_name="test"), flush=True)

    fit(
        model,
        DataLoader(train, batch_size=32, shuffle=True, seed=seed),
        F.cross_entropy,
        optim.Adam(model.parameters(), lr=2e-3),
        epochs,
        val_loader=DataLoader(test, batch_size=256),
        callbacks=[report],
        progress=False,
    )
    return model


def explain_digit(model: Any, index: int, path: Path, layer: str = LAYER) -> Any:
    """Explain test digit `index` (the digits' test split) and draw the picture at `path`."""
    from ..viz.plots import plot_explanation

    _, test = load_digits()
    images, labels = test.tensors
    if not 0 <= index < len(labels):
        raise SystemExit(
            f"minigrad explain: --image must be a test image number from 0 to "
            f"{len(labels) - 1}, got {index}"
        )
    label = int(labels.numpy()[index])
    e = explain(model, images.numpy()[index], layer=layer, label=label)
    verdict = "right" if e.target == label else f"wrong, it is a {label}"
    plot_explanation(
        e,
        path=path,
        title=f"LeNet-5 on test digit {index}: it answers {e.target} "
        f"(p = {e.probabilities[e.target]:.2f}, {verdict}). Each map: where the evidence "
        f"for {e.target} is",
    )
    return e


def _model(args: argparse.Namespace, out: Path) -> Any:
    if args.checkpoint:
        model = LeNet5(activation=args.activation, pool=args.pool)
        try:
            model.load_state_dict(load(args.checkpoint))
        except (FileNotFoundError, ValueError, RuntimeError) as e:
            raise SystemExit(f"minigrad explain: cannot use {args.checkpoint}: {e}") from None
        print(f"LeNet-5 ({args.activation}, {args.pool} pooling) from {args.checkpoint}")
        if args.activation != "relu":
            print(
                "  (no ReLU in this network: guided backprop and deconvnet equal the plain "
                "gradient)"
            )
        return model
    cached = out / f"lenet5_relu_digits_seed{args.seed}_epochs{args.epochs}.npz"
    model = LeNet5(activation="relu", pool="max")
    if cached.exists():
        try:
            model.load_state_dict(load(cached))
            print(f"LeNet-5 (ReLU, max pooling) from {cached}, trained by an earlier run")
            return model
        except (ValueError, RuntimeError):
            print(f"{cached} does not fit LeNet-5; training again")
    print(f"training LeNet-5 (ReLU, max pooling) on the digits for {args.epochs} epochs")
    model = train_lenet(args.epochs, args.seed)
    save(model.state_dict(), cached)
    print(f"  kept in {cached} for the next time")
    return model


def run_explain(args: argparse.Namespace) -> int:
    out = out_dir(args.out)
    model = _model(args, out)
    path = out / f"explain_lenet_image{args.image}.png"
    e = explain_digit(model, args.image, path, args.layer)
    p = e.probabilities[e.target]
    print(f"test digit {args.image} (a {e.label}): LeNet-5 answers {e.target} with p = {p:.3f}")
    print(f"six maps for class {e.target}: {path}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explain",
        help="six pictures of what LeNet-5 looks at in one test digit",
        description="Draw saliency, SmoothGrad, Grad-CAM, guided backprop, deconvnet and "
        "occlusion maps of one test digit (scikit-learn's digits, 359 test images) as one "
        "PNG in --out.",
    )
    p.add_argument("model", choices=["lenet"], help="the network to explain (lenet: LeNet-5)")
    p.add_argument(
        "--image", type=int, required=True, metavar="N", help="test image number (0 to 358)"
    )
    p.add_argument("--out", default="out", metavar="DIR", help="output folder (default: out)")
    p.add_argument(
        "--checkpoint",
        metavar="FILE",
        help="explain these weights (mg.save of a LeNet5 state_dict) instead of training one",
    )
    p.add_argument(
        "--activation",
        choices=["relu", "tanh", "sigmoid"],
        default="relu",
        help="the checkpoint's activation (default relu; the main job's is tanh)",
    )
    p.add_argument(
        "--pool",
        choices=["max", "avg"],
        default="max",
        help="the checkpoint's pooling (default max; the main job's is avg)",
    )
    p.add_argument(
        "--epochs",
        type=positive_int,
        default=EPOCHS,
        metavar="E",
        help=f"epochs when training (default {EPOCHS})",
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    p.add_argument(
        "--layer",
        default=LAYER,
        help=f"the layer Grad-CAM weighs (default {LAYER}; features.c1 is the other "
        "with maps larger than 1x1)",
    )
    p.set_defaults(func=run_explain)
