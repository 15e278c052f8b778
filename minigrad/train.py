r"""The training loop, written once: `fit` runs the epochs, `evaluate` measures, `predict` lists.

One training step is the four lines every deep-learning course shows:

    optimizer.zero_grad()            # forget the last step's gradients
    loss = loss_fn(model(x), y)      # forward: build the graph
    loss.backward()                  # backward: d(loss)/d(parameter) for every parameter
    optimizer.step()                 # move each parameter against its gradient

`fit` adds what makes it usable: epochs, a progress bar, loss and accuracy per epoch for the
training and validation sets (the returned history), and a clear stop when the loss is no
longer a number. With `record_gradient_flow=True` it also measures, at every step, how big
each layer's gradient and update were (a `GradientFlow` in the history): the numbers behind
"the first layers get no gradient".
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

from .recording import no_grad
from .tensor import Tensor

__all__ = ["fit", "evaluate", "predict", "Predictions", "format_epoch", "GradientFlow"]


def _correct(out: Tensor, y: Tensor) -> int | None:
    """How many rows of class scores `out` (N, K) pick the label in `y` (N,); None otherwise."""
    if out.ndim != 2 or y.ndim != 1 or y.dtype.kind not in "iu" or len(out) != len(y):
        return None
    return int((out.numpy().argmax(axis=1) == np.asarray(y)).sum())


def _set_mode(model: Any, training: bool) -> None:
    if hasattr(model, "train"):
        model.train(training)


@contextlib.contextmanager
def eval_mode(model: Any) -> Iterator[None]:
    """Eval mode inside the block (dropout off, batch norm's running statistics), the
    model's own mode again after it. A model without train() is left alone."""
    was_training = getattr(model, "training", True)
    _set_mode(model, False)
    try:
        yield
    finally:
        _set_mode(model, was_training)


def _check_loss(loss: Any, where: str, lr: Any) -> float:
    if not isinstance(loss, Tensor) or loss.numel() != 1:
        shape = getattr(loss, "shape", type(loss).__name__)
        raise ValueError(
            f"fit: loss_fn must return one number (a Tensor with one element), got {shape} "
            f"{where}; use a loss with reduction='mean', such as F.cross_entropy"
        )
    value = float(loss.item())
    if not math.isfinite(value):
        raise FloatingPointError(
            f"fit: the loss became {value} {where} (learning rate {lr}). The parameters "
            "diverged or the data holds nan/inf: lower the learning rate, check the inputs "
            "(np.isfinite), or clip the gradients (nn.utils.clip_grad_norm_)."
        )
    return value


def _inputs_targets(batch: Any, fn: str) -> tuple[Any, Any]:
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        got = f"a {type(batch).__name__}" + (
            f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else ""
        )
        raise TypeError(
            f"{fn}: each batch must be a pair (inputs, targets), got {got}; build the loader "
            "from a dataset whose samples are (x, y), e.g. TensorDataset(x, y)"
        )
    return batch[0], batch[1]


def _bar(iterable: Iterable, total: int, desc: str, enabled: bool):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False, unit="batch", file=sys.stdout)


def _fmt(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.4f}"


class GradientFlow:
    r"""How big each layer's gradient and update were, step by step (one row per step).

    A *layer* is a module that holds parameters itself ("features.c1", "classifier.f6"),
    listed from the input side (the order the model registers them). For layer l at step t,
    with theta_l all its trainable parameters taken together:

        grad_norm[t][l]    = || d loss / d theta_l ||            (before the optimizer step)
        update_ratio[t][l] = || theta_l(after) - theta_l(before) || / || theta_l(before) ||

    A layer whose gradient norm is orders of magnitude below the others' is hardly learning
    (vanishing gradients); an update ratio near 1e-3 per step is the usual rule of thumb for
    a healthy learning rate. `train.fit(..., record_gradient_flow=True)` fills one and
    returns it as `history["gradient_flow"]`; `mg.viz.plot_gradient_flow` draws it.

    >>> flow.layers                     # doctest: +SKIP
    ['features.c1', 'features.c3', 'features.c5', 'classifier.f6', 'classifier.output']
    >>> flow.grad_norms().shape         # doctest: +SKIP   (steps, layers)
    (450, 5)
    """

    def __init__(self, model: Any) -> None:
        self._groups = _layer_parameters(model)
        self.layers: list[str] = list(self._groups)
        self.steps: list[int] = []  # 1, 2, 3, ... over the whole training
        self.epochs: list[int] = []  # the epoch of each step
        self.grad_norm: list[list[float]] = []
        self.update_ratio: list[list[float]] = []
        self._before: list[list[np.ndarray]] = []

    def before_step(self) -> None:
        """Measure the gradients (call after backward, before optimizer.step())."""
        norms = []
        for params in self._groups.values():
            total = sum(_squared(p.grad.numpy()) for p in params if p.grad is not None)
            norms.append(math.sqrt(total))
        self.grad_norm.append(norms)
        self._before = [[p.numpy().copy() for p in params] for params in self._groups.values()]

    def after_step(self, epoch: int) -> None:
        """Measure how far each layer moved (call after optimizer.step())."""
        ratios = []
        for params, before in zip(self._groups.values(), self._before):
            moved = sum(_squared(p.numpy() - b) for p, b in zip(params, before))
            size = sum(_squared(b) for b in before)
            ratios.append(math.sqrt(moved / size) if size > 0 else math.nan)
        self._before = []
        self.update_ratio.append(ratios)
        self.steps.append(len(self.steps) + 1)
        self.epochs.append(epoch)

    def grad_norms(self) -> np.ndarray:
        """Gradient norms as an array (steps, layers)."""
        return np.array(self.grad_norm, dtype=np.float64).reshape(-1, len(self.layers))

    def update_ratios(self) -> np.ndarray:
        """Update / weight ratios as an array (steps, layers)."""
        return np.array(self.update_ratio, dtype=np.float64).reshape(-1, len(self.layers))

    def medians(self) -> dict[str, tuple[float, float]]:
        """{layer: (median gradient norm, median update ratio)} over all recorded steps."""
        g, u = self.grad_norms(), self.update_ratios()
        if not len(g):
            return {name: (math.nan, math.nan) for name in self.layers}
        return {
            name: (float(np.median(g[:, i])), float(np.nanmedian(u[:, i])))
            for i, name in enumerate(self.layers)
        }

    def table(self) -> str:
        """One line per layer, input side first: the medians over the steps."""
        width = max([len(name) for name in self.layers] + [5])
        lines = [f"{'layer':<{width}}  median |grad|  median update/weight"]
        for name, (g, u) in self.medians().items():
            lines.append(f"{name:<{width}}  {g:>12.2e}  {u:>20.2e}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"GradientFlow({len(self.layers)} layers, {len(self.steps)} steps)"


def _squared(a: np.ndarray) -> float:
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    return float(a @ a)


def _layer_parameters(model: Any) -> dict[str, list]:
    """{layer name: its trainable parameters}: modules that hold parameters themselves."""
    if hasattr(model, "named_modules"):
        groups = {
            (name or type(model).__name__): [
                p for p in module.parameters(recurse=False) if p.requires_grad
            ]
            for name, module in model.named_modules()
        }
        groups = {name: params for name, params in groups.items() if params}
    elif hasattr(model, "parameters"):
        groups = {f"parameter {i}": [p] for i, p in enumerate(model.parameters())}
    else:
        groups = {}
    if not groups:
        raise TypeError(
            f"fit: record_gradient_flow needs a model with trainable parameters (an "
            f"nn.Module), got {type(model).__name__} with none"
        )
    return groups


def fit(
    model: Callable,
    train_loader: Iterable,
    loss_fn: Callable,
    optimizer: Any,
    epochs: int,
    val_loader: Iterable | None = None,
    callbacks: Sequence[Callable] = (),
    progress: bool | None = None,
    scheduler: Any = None,
    record_gradient_flow: bool = False,
) -> dict[str, Any]:
    r"""Train `model` for `epochs` passes over `train_loader`; return the history per epoch.

    Each batch `(x, y)`: zero the gradients, loss = loss_fn(model(x), y), backward, step.
    After each epoch: evaluate on `val_loader` (if given, in eval mode, without a graph),
    step the `scheduler` (if given), then call each callback as `callback(epoch, logs)`
    with that epoch's numbers; a callback that returns True stops training early.

    `progress`: a tqdm bar per epoch; by default only when stdout is a terminal.

    Returns {"epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"}: one
    entry per epoch (val_* stay empty without a val_loader; accuracies are nan when the
    outputs are not class scores (N, K) with integer labels (N,)). Training loss and
    accuracy are averaged over the epoch's batches, weighted by batch size, as the model
    changes (as Keras reports them).

    `record_gradient_flow=True` adds history["gradient_flow"], a `GradientFlow`: every
    layer's gradient norm and update / weight ratio at every step (a copy of the weights
    per step: cheap for the models here).

    Raises FloatingPointError naming the epoch and step when the loss is nan or infinite.
    """
    if isinstance(epochs, bool) or int(epochs) != epochs or epochs < 0:
        raise ValueError(f"fit: epochs must be a non-negative integer, got {epochs}")
    if progress is None:
        progress = sys.stdout.isatty()
    history: dict[str, list] = {
        k: [] for k in ("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds")
    }
    flow = GradientFlow(model) if record_gradient_flow else None
    if flow is not None:
        history["gradient_flow"] = flow
    steps = len(train_loader) if hasattr(train_loader, "__len__") else None
    for epoch in range(1, int(epochs) + 1):
        start = time.perf_counter()
        lr = optimizer.param_groups[0]["lr"] if hasattr(optimizer, "param_groups") else None
        _set_mode(model, True)
        total_loss, total_correct, seen, acc_ok = 0.0, 0, 0, True
        bar = _bar(train_loader, steps, f"epoch {epoch}/{epochs}", progress)
        for step, batch in enumerate(bar, start=1):
            x, y = _inputs_targets(batch, "fit")
            optimizer.zero_grad()
            out = model(x)
            loss = loss_fn(out, y)
            of = f" of {steps}" if steps else ""
            value = _check_loss(loss, f"at epoch {epoch}, step {step}{of}", lr)
            loss.backward()
            if flow is not None:
                flow.before_step()
            optimizer.step()
            if flow is not None:
                flow.after_step(epoch)
            n = len(x)
            total_loss += value * n
            seen += n
            correct = _correct(out, y)
            acc_ok = acc_ok and correct is not None
            total_correct += correct or 0
            if progress and step % 5 == 0:
                bar.set_postfix(loss=f"{total_loss / seen:.4f}")
        if progress:
            bar.close()
        if seen == 0:
            raise ValueError(
                "fit: the training loader gave no batches; is the dataset empty, or is "
                "drop_last=True with a batch_size larger than the dataset?"
            )
        logs = {
            "epoch": epoch,
            "train_loss": total_loss / seen,
            "train_acc": total_correct / seen if acc_ok else math.nan,
        }
        if val_loader is not None:
            logs["val_loss"], logs["val_acc"] = evaluate(model, val_loader, loss_fn)
        if scheduler is not None:
            scheduler.step()
        logs["lr"] = lr
        logs["seconds"] = time.perf_counter() - start
        for key, value in logs.items():
            history[key].append(value)
        stop = False
        for callback in callbacks:
            stop = bool(callback(epoch, dict(logs))) or stop
        if stop:
            break
    return history


def evaluate(model: Callable, loader: Iterable, loss_fn: Callable) -> tuple[float, float]:
    """(mean loss, accuracy) over all batches of `loader`, in eval mode and without a graph.

    The model's previous mode (train or eval) is restored afterwards. Accuracy is nan when
    the outputs are not class scores (N, K) with integer labels (N,).
    """
    total_loss, total_correct, seen, acc_ok = 0.0, 0, 0, True
    with eval_mode(model), no_grad():
        for batch in loader:
            x, y = _inputs_targets(batch, "evaluate")
            out = model(x)
            n = len(x)
            total_loss += float(loss_fn(out, y).item()) * n
            correct = _correct(out, y)
            acc_ok = acc_ok and correct is not None
            total_correct += correct or 0
            seen += n
    if seen == 0:
        raise ValueError("evaluate: the loader gave no batches (is the dataset empty?)")
    return total_loss / seen, (total_correct / seen if acc_ok else math.nan)


class Predictions(NamedTuple):
    """Every label and every predicted class of a loader, in order (for a confusion matrix)."""

    y_true: np.ndarray
    y_pred: np.ndarray


def predict(model: Callable, loader: Iterable) -> Predictions:
    """Run the model over `loader` in eval mode; return (y_true, y_pred) as int64 arrays.

    The predicted class is the argmax of the model's output (N, K) over K.
    """
    y_true, y_pred = [], []
    with eval_mode(model), no_grad():
        for batch in loader:
            x, y = _inputs_targets(batch, "predict")
            out = model(x)
            if out.ndim != 2:
                raise ValueError(
                    f"predict: expected class scores of shape (N, K) from the model, got "
                    f"{out.shape}"
                )
            y_pred.append(out.numpy().argmax(axis=1))
            y_true.append(np.asarray(y.numpy() if isinstance(y, Tensor) else y))
    if not y_true:
        return Predictions(np.zeros(0, np.int64), np.zeros(0, np.int64))
    return Predictions(
        np.concatenate(y_true).astype(np.int64), np.concatenate(y_pred).astype(np.int64)
    )


def format_epoch(logs: dict[str, Any], epochs: int, val_name: str = "test") -> str:
    """One line per epoch, as the CLI prints it. `val_name` labels the held-out numbers:
    "test" by default, as everywhere in minigrad (its held-out split is the test set)."""
    parts = [
        f"epoch {logs['epoch']:>{len(str(epochs))}}/{epochs}",
        f"train loss {_fmt(logs['train_loss'])}",
        f"acc {_fmt(logs['train_acc'])}",
    ]
    if logs.get("val_loss") is not None:
        parts += [f"{val_name} loss {_fmt(logs['val_loss'])}", f"acc {_fmt(logs['val_acc'])}"]
    parts.append(f"{logs['seconds']:.1f}s")
    return " | ".join(parts)
