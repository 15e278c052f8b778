"""`minigrad train lenet`: the main job. Train LeNet-5 on handwritten digits, show what happened.

By default it runs offline on scikit-learn's bundled digits (upsampled to 32x32) and
finishes in seconds; `--data mnist` trains on the real MNIST files instead, read from
DATA_DIR/mnist (DATA_DIR: --data-dir, else $MINIGRAD_DATA, else ./data) or --mnist-root.
Into `--out` it writes the trained weights (`mg.save` of the state_dict), the training
curves and the confusion matrix of the test set.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from .. import data, optim
from .. import functional as F
from ..data import DATA_ENV, MNIST, DataLoader, data_dir
from ..factory import manual_seed
from ..models import LeNet5
from ..serialization import save
from ..train import fit, format_epoch, predict
from ..transforms import augmentation
from .common import out_dir, positive_float, positive_int
from .process import tuned

# Defaults per data set: digits is small (1,438 training images), MNIST is 60,000.
DEFAULTS = {
    "digits": {"epochs": 10, "batch_size": 32},
    "mnist": {"epochs": 2, "batch_size": 64},
}
LEARNING_RATES = {"sgd": 0.05, "adam": 2e-3}
QUICK = {"epochs": 1, "train": 256, "test": 128}  # --quick: a smoke test in a second or two


def _augment_spec(text: str) -> str:
    """--augment: checked now (a clear message for a typo), built in run_train."""

    try:
        augmentation(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix("augmentation: ")) from None
    return text


class _Augmented:
    """The training images with `transform` applied to each, drawn anew every time it is read
    (so every epoch sees other variants); the labels unchanged."""

    def __init__(self, dataset, transform) -> None:
        self.dataset, self.transform = dataset, transform

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, i: int):
        x, y = self.dataset[i]
        return self.transform(x), y

    def get_batch(self, indices: np.ndarray):
        if hasattr(self.dataset, "get_batch"):
            x, y = self.dataset.get_batch(indices)
        else:
            x, y = zip(*(self.dataset[int(i)] for i in indices))
        x = np.stack([self.transform(image) for image in x]).astype(np.float32, copy=False)
        return x, np.asarray(y)


class _PaddedMNIST:
    """MNIST's 28x28 digits padded to 32x32 (as in the LeNet-5 paper), converted per batch."""

    def __init__(self, mnist) -> None:
        self.images, self.targets = mnist.data, mnist.targets

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, i: int):
        x, y = self.get_batch(np.array([i]))
        return x[0], y[0]

    def get_batch(self, indices: np.ndarray):
        x = np.pad(self.images[indices], ((0, 0), (2, 2), (2, 2)))
        return (x[:, None] / np.float32(255.0)).astype(np.float32), self.targets[indices]


def _datasets(args: argparse.Namespace):
    """(train, test, description) for --data; a missing MNIST folder ends the command."""

    if args.data == "digits":
        train, test = data.load_digits(size=32)
        what = "scikit-learn's digits (8x8, upsampled to 32x32)"
    else:
        root = Path(args.mnist_root) if args.mnist_root else data_dir(args.data_dir) / "mnist"
        splits, missing = [], []
        for split in (True, False):  # both, so that one message names every missing file
            try:
                splits.append(_PaddedMNIST(data.MNIST(root, split, download=args.download)))
            except data.MNISTNotFound as e:
                missing.append(e)
            except (FileNotFoundError, ValueError) as e:
                raise SystemExit(f"minigrad train: {e}") from None
        if missing:
            raise SystemExit(_mnist_missing(missing, args))
        train, test = splits
        what = "MNIST (28x28, padded to 32x32)"
    if args.quick:
        train = data.Subset(train, np.arange(min(QUICK["train"], len(train))))
        test = data.Subset(test, np.arange(min(QUICK["test"], len(test))))
    return train, test, what


def _why_this_folder(args: argparse.Namespace) -> str:
    if args.mnist_root:
        return "given by --mnist-root"
    if args.data_dir:
        return "the mnist/ folder of --data-dir"
    if os.environ.get(DATA_ENV):
        return f"the mnist/ folder of ${DATA_ENV}"
    return f"the default: data/mnist in the current folder (set --data-dir or ${DATA_ENV})"


def _mnist_missing(errors: list, args: argparse.Namespace) -> str:
    """What the command says when MNIST's files are not where it looked (MNISTNotFound of
    one split or both)."""

    root = errors[0].root.resolve()
    where = str(root) if root.is_dir() else f"{root} (the folder does not exist)"
    wanted = "\n".join(f"  {root / n}.gz" for e in errors for n in e.missing)
    sets = " and ".join(e.split for e in errors) + (" sets are" if len(errors) > 1 else " set is")
    return (
        f"minigrad train: MNIST's {sets} not in {where}: {_why_this_folder(args)}.\n"
        f"Expected these files (gzip-compressed as named, or without .gz):\n{wanted}\n"
        "Add --download to the command to download them (it needs the network), or download "
        f"{MNIST.mirrors[0]}<name>.gz yourself and put the files there. The bundled digits "
        "(--data digits, the default) need no download."
    )


def run_train(args: argparse.Namespace) -> int:
    epochs = args.epochs or (QUICK["epochs"] if args.quick else DEFAULTS[args.data]["epochs"])
    batch_size = args.batch_size or DEFAULTS[args.data]["batch_size"]
    lr = args.lr or LEARNING_RATES[args.optimizer]
    train_set, test_set, what = _datasets(args)
    if args.augment:
        train_set = _Augmented(train_set, augmentation(args.augment))
    out = out_dir(args.out)

    manual_seed(args.seed)  # one seed for the initial weights and the shuffling
    model = LeNet5()
    params = list(model.parameters())
    if args.optimizer == "sgd":
        optimizer = optim.SGD(params, lr=lr, momentum=0.9)
    else:
        optimizer = optim.Adam(params, lr=lr)
    scheduler = optim.CosineAnnealingLR(optimizer, T_max=epochs)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=args.seed)
    test_loader = DataLoader(test_set, batch_size=256)

    n_params = sum(p.numel() for p in params)
    print(f"LeNet-5 ({n_params:,} parameters) on {what}")
    if args.augment:
        print(f"training images augmented: {train_set.transform}")
    plural = "" if epochs == 1 else "s"
    print(
        f"{len(train_set):,} training and {len(test_set):,} test images; {epochs} epoch{plural} of "
        f"{len(train_loader)} steps (batch {batch_size}), {type(optimizer).__name__} lr {lr:g} "
        f"with cosine decay, seed {args.seed}"
    )

    def report(epoch: int, logs: dict) -> None:
        print(format_epoch(logs, epochs, val_name="test"), flush=True)

    start = time.perf_counter()
    with tuned(args.threads):  # BLAS threads and malloc (cli/process.py)
        try:
            history = fit(
                model,
                train_loader,
                F.cross_entropy,
                optimizer,
                epochs,
                val_loader=test_loader,
                callbacks=[report],
                scheduler=scheduler,
            )
        except FloatingPointError as e:
            raise SystemExit(f"minigrad train: {e}") from None
        seconds = time.perf_counter() - start
        y_true, y_pred = predict(model, test_loader)
    correct = int((y_true == y_pred).sum())
    print(
        f"test accuracy: {correct / len(y_true):.2%} ({correct}/{len(y_true)}) "
        f"after {seconds:.1f} s of training"
    )

    stem = f"lenet5_{args.data}"
    checkpoint = out / f"{stem}.npz"
    save(model.state_dict(), checkpoint)
    print(f"checkpoint: {checkpoint}  (load with model.load_state_dict(mg.load(path)))")
    _pictures(out, stem, history, y_true, y_pred)
    return 0


def _pictures(out: Path, stem: str, history: dict, y_true, y_pred) -> None:
    from ..viz.plots import plot_confusion_matrix, plot_history

    curves = out / f"{stem}_history.png"
    plot_history(history, path=curves, val_label="test")  # the held-out split is the test set
    print(f"training curves: {curves}")
    confusion = out / f"{stem}_confusion.png"
    plot_confusion_matrix(y_true, y_pred, class_names=[str(k) for k in range(10)], path=confusion)
    print(f"confusion matrix: {confusion}")


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="the main job: train LeNet-5 on handwritten digits",
        description="Train LeNet-5 on handwritten digits (offline by default) and write the "
        "checkpoint, the training curves and the confusion matrix into --out.",
        epilog="Where datasets live: --data-dir DIR, else the folder in the environment "
        "variable MINIGRAD_DATA, else ./data. MNIST is read from its mnist/ subfolder (or "
        "from --mnist-root): the four files train-images-idx3-ubyte, train-labels-idx1-ubyte, "
        "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each gzip-compressed (.gz) or "
        "not; --download fetches the missing ones.",
    )
    p.add_argument(
        "model",
        choices=["lenet", "lenet5"],  # the names `minigrad summary` and `minigrad graph` use
        help="the network to train (lenet or lenet5: LeNet-5)",
    )
    p.add_argument(
        "--data",
        choices=["digits", "mnist"],
        default="digits",
        help="digits: scikit-learn's 1,797 bundled digits, no download (default); "
        "mnist: the 70,000 MNIST digits, from DATA_DIR/mnist",
    )
    p.add_argument(
        "--data-dir",
        default=None,
        metavar="DATA_DIR",
        help="folder where datasets live (default: $MINIGRAD_DATA if set, else ./data); "
        "MNIST is read from its mnist/ subfolder",
    )
    p.add_argument(
        "--mnist-root",
        default=None,
        metavar="DIR",
        help="the folder holding MNIST's four IDX files itself, .gz or not (default: "
        "DATA_DIR/mnist)",
    )
    p.add_argument(
        "--download",
        action="store_true",
        help="download MNIST's missing files into its folder (needs the network)",
    )
    p.add_argument(
        "--epochs",
        type=positive_int,
        metavar="N",
        help=f"passes over the training set (default: {DEFAULTS['digits']['epochs']} for "
        f"digits, {DEFAULTS['mnist']['epochs']} for mnist)",
    )
    p.add_argument(
        "--batch-size",
        type=positive_int,
        metavar="B",
        help="images per step (default: 32 for digits, 64 for mnist)",
    )
    p.add_argument(
        "--lr",
        type=positive_float,
        metavar="LR",
        help="learning rate (default: 0.05 for sgd, 0.002 for adam)",
    )
    p.add_argument(
        "--optimizer",
        choices=["sgd", "adam"],
        default="sgd",
        help="sgd (with momentum 0.9, the default) or adam",
    )
    p.add_argument(
        "--augment",
        type=_augment_spec,
        metavar="LIST",
        help="augment the training images, drawn anew each epoch: a comma-separated list of "
        "shift, rotate, scale, brightness, each optionally with its amount (shift=2 pixels, "
        "rotate=10 degrees, scale=0.1, brightness=0.2 are the defaults), e.g. rotate,scale",
    )
    p.add_argument("--out", default="out", metavar="DIR", help="output folder (default: out)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    p.add_argument(
        "--threads",
        type=positive_int,
        default=1,
        metavar="T",
        help="threads for numpy's matrix products (default: 1, fastest at this size and on "
        "a busy machine)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help=f"a smoke test: {QUICK['train']} training and {QUICK['test']} test images, "
        f"{QUICK['epochs']} epoch unless --epochs says",
    )
    p.set_defaults(func=run_train)
