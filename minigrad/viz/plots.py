"""Training plots with matplotlib: curves, filters, feature maps, gradient norms, histograms,
confusion matrices, decision boundaries, attribution maps (saliency, Grad-CAM, ...) over the
input image, and gradient flow over training.

Every function builds a `matplotlib.figure.Figure` directly (the Agg canvas, never pyplot),
so it works on machines without a display. Each returns the Figure (a notebook shows it) and,
given `path=`, also writes it there (PNG, SVG or PDF from the extension). Pixel sizes are
`figsize * DPI` exactly: no tight cropping.

Figures of many panels (attribution maps, explanations, gradient flow, activation
histograms) are laid out by hand (`_grid_in_inches`) to fit their canvas: constrained layout
would measure every label again at each save, which costs as much as drawing them.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, MaxNLocator

from ..fileio import atomic_write
from ..recording import no_grad
from ..tensor import Tensor
from ..train import eval_mode

DPI = 100


def _figure(width: float, height: float, layout: str | None = "constrained") -> Figure:
    """A figure on the Agg canvas; layout=None for one laid out by hand (`_grid_in_inches`)."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def _grid_in_inches(
    fig: Figure,
    rows: int,
    cols: int,
    margins: tuple[float, float, float, float],
    gaps: tuple[float, float],
) -> np.ndarray:
    """rows x cols axes laid out by hand (see the module doc): margins (left, right, top,
    bottom) and gaps (between columns, between rows) in inches."""
    width, height = fig.get_size_inches()
    left, right, top, bottom = margins
    col_gap, row_gap = gaps
    w = (width - left - right - (cols - 1) * col_gap) / cols
    h = (height - top - bottom - (rows - 1) * row_gap) / rows
    grid = fig.add_gridspec(
        rows, cols, left=left / width, right=1 - right / width, top=1 - top / height,
        bottom=bottom / height, wspace=col_gap / w, hspace=row_gap / h,
    )  # fmt: skip
    return np.array([[fig.add_subplot(grid[r, c]) for c in range(cols)] for r in range(rows)])


def _finish(fig: Figure, path: str | os.PathLike | None) -> Figure:
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path) as f:  # the file appears complete or not at all
            fig.savefig(f, dpi=DPI, format=path.suffix.lstrip(".") or "png")
    return fig


def _array(x: Any, name: str, fn: str) -> np.ndarray:
    if hasattr(x, "detach") and hasattr(x, "numpy"):
        x = x.detach().numpy()
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: {name} must be numbers, got {type(x).__name__}") from None


# --------------------------------------------------------------------------------------------


def plot_history(
    history: Mapping[str, Sequence[float]],
    path: str | None = None,
    val_label: str = "test",
) -> Figure:
    """Loss and accuracy per epoch, on the training set and the held-out set, from
    `train.fit`'s history.

    history: {'epoch': [...], 'train_loss': [...], 'train_acc': [...], 'val_loss': [...],
    'val_acc': [...]}; missing or empty series are left out (accuracies may be fractions
    or percentages). val_label names the held-out curves: "test" (the default) as in the
    lessons and `minigrad train`, whose held-out split is the test set; pass "validation"
    when it is a validation split.
    """
    if not isinstance(history, Mapping) or not any(
        len(history.get(k) or []) for k in ("train_loss", "val_loss", "train_acc", "val_acc")
    ):
        raise ValueError(
            "plot_history: expected a dict with at least one of 'train_loss', 'val_loss', "
            f"'train_acc', 'val_acc' (the history train.fit returns), got {history!r:.80}"
        )
    fig = _figure(10, 4)
    ax_loss, ax_acc = fig.subplots(1, 2)
    for ax, what, label in ((ax_loss, "loss", "loss"), (ax_acc, "acc", "accuracy")):
        for split, style in (("train", "-o"), ("val", "--s")):
            ys = list(history.get(f"{split}_{what}") or [])
            if not ys:
                continue
            xs = list(history.get("epoch") or range(1, len(ys) + 1))[: len(ys)]
            name = "training" if split == "train" else val_label
            ax.plot(xs, ys, style, label=name, markersize=4)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(label)
        ax.set_title(f"{label} per epoch")
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend()
    return _finish(fig, path)


def plot_filters(weight: Any, path: str | None = None, title: str | None = None) -> Figure:
    """A grid of convolution filters, weight shape (C_out, C_in, KH, KW): one image each.

    Multi-channel filters show their first input channel; colours are shared across filters
    (blue negative, red positive, white zero) so their strengths can be compared.
    """
    w = _array(weight, "weight", "plot_filters")
    if w.ndim != 4:
        raise ValueError(
            f"plot_filters: weight must have shape (C_out, C_in, KH, KW), got {w.shape}; "
            "pass a conv layer's weight such as model.conv1.weight"
        )
    n = w.shape[0]
    cols = min(n, 8)
    rows = math.ceil(n / cols)
    fig = _figure(1.3 * cols + 1.2, 1.4 * rows + 0.6)
    lim = float(np.abs(w).max()) or 1.0
    axes = np.atleast_1d(fig.subplots(rows, cols)).reshape(-1)
    image = None
    for i, ax in enumerate(axes):
        ax.set(xticks=[], yticks=[])
        if i >= n:
            ax.set_axis_off()
            continue
        image = ax.imshow(w[i, 0], cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        ax.set_title(f"filter {i}", fontsize=9)
    fig.colorbar(image, ax=axes.tolist(), shrink=0.8, label="weight")
    extra = f" (input channel 0 of {w.shape[1]})" if w.shape[1] > 1 else ""
    heading = title or f"{n} learned {w.shape[2]}x{w.shape[3]} filters{extra}"
    fig.suptitle(f"{heading}\nred: positive weight, blue: negative, white: zero", fontsize=11)
    return _finish(fig, path)


def plot_feature_maps(model: Any, x: Any, path: str | None = None, max_maps: int = 8) -> Figure:
    """The input image and what each conv layer of `model` makes of it (one row per layer;
    layers whose maps are 1x1 are left out).

    x: one input, shape (C, H, W) or (1, C, H, W). Conv layers are found by their `weight`
    having 4 dimensions; their outputs are recorded with forward hooks during one forward pass.
    """

    xt = x if isinstance(x, Tensor) else Tensor(np.asarray(x, dtype=np.float32))
    if xt.ndim == 3:
        xt = xt.reshape(1, *xt.shape)
    if xt.ndim != 4 or xt.shape[0] != 1:
        raise ValueError(
            f"plot_feature_maps: x must be one image of shape (C, H, W) or (1, C, H, W), got "
            f"{tuple(xt.shape)}; pick one example, e.g. images[0]"
        )
    convs = [
        (name, m)
        for name, m in model.named_modules()
        if getattr(getattr(m, "weight", None), "ndim", 0) == 4
    ]
    if not convs:
        raise ValueError(
            f"plot_feature_maps: {type(model).__name__} has no convolution layer "
            "(a module whose weight has shape (C_out, C_in, KH, KW))"
        )
    maps: dict[str, np.ndarray] = {}
    handles = [
        m.register_forward_hook(
            lambda mod, inp, out, name=name: maps.__setitem__(name, out.numpy())
        )
        for name, m in convs
    ]
    try:
        with eval_mode(model), no_grad():
            model(xt)
    finally:
        for h in handles:
            h.remove()
    pictured = [(n, m) for n, m in convs if maps[n].shape[2] * maps[n].shape[3] > 1]
    convs = pictured or convs  # a 1x1 map (LeNet's C5) is a single number: nothing to see
    cols = 1 + min(max_maps, max(maps[n].shape[1] for n, _ in convs))
    rows = len(convs)
    fig = _figure(1.4 * cols, 1.6 * rows + 0.5)
    axes = np.array(fig.subplots(rows, cols)).reshape(rows, cols)
    for r, (name, _) in enumerate(convs):
        fmap = maps[name][0]
        for c in range(cols):
            ax = axes[r, c]
            ax.set(xticks=[], yticks=[])
            if c == 0:
                if r == 0:
                    ax.imshow(xt.numpy()[0, 0], cmap="gray")
                    ax.set_title("input image", fontsize=9)
                else:
                    ax.set_axis_off()
                continue
            if c - 1 >= fmap.shape[0]:
                ax.set_axis_off()
                continue
            ax.imshow(fmap[c - 1], cmap="viridis")
            if c == 1:
                shown = min(fmap.shape[0], cols - 1)
                count = f"{fmap.shape[0]} maps" + (
                    f", {shown} shown" if shown < fmap.shape[0] else ""
                )
                ax.set_ylabel(f"{name}\n{count}\n{fmap.shape[1]}x{fmap.shape[2]}", fontsize=9)
            ax.set_title(f"channel {c - 1}", fontsize=8)
    fig.suptitle(
        "feature maps: the output of each convolution layer for this input (bright = large value)"
    )
    return _finish(fig, path)


def plot_grad_norms(norms: Mapping[str, Any], path: str | None = None) -> Figure:
    """Per-layer gradient norms: bars on a log scale (vanishing gradients are short bars).

    norms: {layer name: a number, or a list of norms over training steps}. With lists, the
    left panel shows each layer's norm over steps and the bars show the last step.
    """
    if not isinstance(norms, Mapping) or not norms:
        raise ValueError(
            "plot_grad_norms: expected a dict {layer name: gradient norm or list of norms}, "
            f"got {norms!r:.80}"
        )
    series = {
        k: np.atleast_1d(_array(v, f"norms[{k!r}]", "plot_grad_norms")) for k, v in norms.items()
    }
    over_time = any(s.size > 1 for s in series.values())
    fig = _figure(11 if over_time else 7, 4.5)
    if over_time:
        ax_t, ax = fig.subplots(1, 2)
        for name, s in series.items():
            ax_t.plot(np.arange(1, s.size + 1), np.maximum(s, 1e-12), label=name)
        ax_t.set_yscale("log")
        ax_t.set_xlabel("training step")
        ax_t.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax_t.set_ylabel("gradient norm (log scale)")
        ax_t.set_title("gradient norm per layer over training")
        ax_t.grid(alpha=0.3)
        ax_t.legend(fontsize=8)
    else:
        ax = fig.subplots()
    last = np.array([max(float(s[-1]), 1e-12) for s in series.values()])
    names = list(series)
    colours = ["#2171b5" if v < 1e-4 else "#d7191c" if v > 1e2 else "#74c476" for v in last]
    ax.barh(names[::-1], last[::-1], color=colours[::-1])
    ax.set_xscale("log")
    ax.set_xlim(left=min(last.min(), 1e-5) / 10, right=max(last.max(), 1e3) * 10)
    ax.set_xlabel("gradient norm (log scale)")
    when = "at the last step" if over_time else "per layer"
    ax.set_title(f"gradient norm {when}\nblue: vanishing (< 1e-4), red: exploding (> 100)")
    ax.grid(alpha=0.3, axis="x")
    return _finish(fig, path)


def plot_activation_histograms(
    activations: Mapping[str, Any], path: str | None = None, bins: int = 50
) -> Figure:
    """One histogram per layer of the values it output (e.g. with and without batch norm)."""
    if not isinstance(activations, Mapping) or not activations:
        raise ValueError(
            "plot_activation_histograms: expected a dict {layer name: array of activations}, "
            f"got {activations!r:.80}"
        )
    n = len(activations)
    cols = min(n, 4)
    rows = math.ceil(n / cols)
    fig = _figure(3 * cols, 2.6 * rows + 0.4, layout=None)
    # by hand (constrained layout cost 0.65 s instead of 0.4 s per save of eight panels): on
    # the left the counts and their label, above each panel its two-line title (the top one
    # also under the figure's title), below it the values and their label
    axes = _grid_in_inches(fig, rows, cols, margins=(0.6, 0.15, 0.85, 0.5), gaps=(0.6, 0.95))
    axes = axes.reshape(-1)
    for ax, (name, a) in zip(axes, activations.items()):
        a = _array(a, f"activations[{name!r}]", "plot_activation_histograms").reshape(-1)
        ax.hist(a, bins=bins, color="#6baed6", edgecolor="#2171b5", linewidth=0.3)
        ax.set_title(f"{name}\nmean {a.mean():.2g}, std {a.std():.2g}", fontsize=9)
        ax.set_xlabel("activation value", fontsize=8)
        ax.set_ylabel("count", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[n:]:
        ax.set_axis_off()
    fig.suptitle(
        "distribution of each layer's outputs", y=1 - 0.08 / fig.get_size_inches()[1], va="top"
    )
    return _finish(fig, path)


def plot_confusion_matrix(
    y_true: Any, y_pred: Any, class_names: Sequence[str] | None = None, path: str | None = None
) -> Figure:
    """Counts of (true class, predicted class): the diagonal is right, the rest are mistakes."""
    t = _array(y_true, "y_true", "plot_confusion_matrix").astype(np.int64).reshape(-1)
    p = _array(y_pred, "y_pred", "plot_confusion_matrix").astype(np.int64).reshape(-1)
    if t.shape != p.shape:
        raise ValueError(
            f"plot_confusion_matrix: y_true has {t.size} labels but y_pred has {p.size}; "
            "pass one prediction per example"
        )
    k = int(max(t.max(initial=0), p.max(initial=0)) + 1)
    if class_names is not None:
        if len(class_names) < k:
            raise ValueError(
                f"plot_confusion_matrix: labels go up to {k - 1} but only {len(class_names)} "
                "class_names were given"
            )
        k = len(class_names)
    names = list(class_names) if class_names is not None else [str(i) for i in range(k)]
    m = np.zeros((k, k), dtype=np.int64)
    np.add.at(m, (t, p), 1)
    fig = _figure(1.0 + 0.5 * k + 1.5, 1.0 + 0.5 * k)
    ax = fig.subplots()
    image = ax.imshow(m, cmap="Blues")
    for i in range(k):
        for j in range(k):
            if m[i, j]:
                colour = "white" if m[i, j] > m.max() / 2 else "black"
                ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    acc = np.trace(m) / max(m.sum(), 1)
    ax.set_title(f"confusion matrix (accuracy {acc:.1%})")
    fig.colorbar(image, ax=ax, shrink=0.8, label="examples")
    return _finish(fig, path)


def plot_decision_boundary(
    predict: Callable[[np.ndarray], Any], X: Any, y: Any, path: str | None = None, steps: int = 200
) -> Figure:
    """The regions a 2-D classifier assigns to each class, with the training points on top.

    predict: maps an array of points, shape (M, 2), to class labels (M,) or scores (M, K).
    """
    X = _array(X, "X", "plot_decision_boundary")
    y = _array(y, "y", "plot_decision_boundary").reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(y):
        raise ValueError(
            f"plot_decision_boundary: expected points X of shape (N, 2) and labels y of shape "
            f"(N,), got {X.shape} and {y.shape}"
        )
    pad = 0.1 * (X.max(0) - X.min(0)) + 1e-9
    lo, hi = X.min(0) - pad, X.max(0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    out = _array(predict(grid), "predict(points)", "plot_decision_boundary")
    if out.ndim == 2 and out.shape[1] > 1:
        out = out.argmax(1)
    elif out.ndim == 2:
        out = out[:, 0]
    labels = np.unique(y)
    if len(labels) == 2 and not np.array_equal(np.unique(out), np.unique(out).round()):
        out = (out > (0.0 if out.min() < 0 else 0.5)).astype(np.float64)  # a score: threshold
    fig = _figure(6, 5)
    ax = fig.subplots()
    if len(labels) <= 2:
        ax.contourf(gx, gy, out.reshape(gx.shape), levels=len(labels), cmap="coolwarm", alpha=0.35)
        scatter = ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=22)
    else:  # one distinct colour per class: a diverging map would paint a middle class white
        k = len(labels)
        cmap = ListedColormap(
            colormaps["tab10"].colors[:k] if k <= 10 else colormaps["tab20"].colors[:k]
        )
        region = np.searchsorted(labels, out).reshape(gx.shape)
        ax.contourf(gx, gy, region, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.35)
        scatter = ax.scatter(
            X[:, 0],
            X[:, 1],
            c=np.searchsorted(labels, y),
            cmap=cmap,
            vmin=-0.5,
            vmax=k - 0.5,
            edgecolors="k",
            s=22,
        )
    handles, names = scatter.legend_elements()
    if len(labels) > 2:  # the colours index the sorted labels: name them by label
        names = [f"{label:g}" for label in labels]
    ax.legend(handles, names, title="class", loc="best", fontsize=8)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("decision boundary: shaded = predicted class, dots = data")
    return _finish(fig, path)


# --------------------------------------------------------------------------------------------
# Attribution maps over the input image (the maps come from viz/attribution.py)

# What the colour of each known map means (the colour bar's label)
MAP_UNITS = {
    "saliency": "|d score / d pixel|",
    "SmoothGrad": "mean |d score / d pixel|",
    "Grad-CAM": "relu(sum_k alpha_k A_k)",
    "guided backprop": "d score / d pixel, guided",
    "deconvnet": "deconvnet signal",
    "occlusion": "score drop when hidden",
}


def _units(name: str) -> str:
    """The colour bar's label of a map named `name` ("saliency, untrained" -> saliency's)."""
    return next((units for key, units in MAP_UNITS.items() if name.startswith(key)), "")


def _image2d(image: np.ndarray) -> np.ndarray:
    """(H, W) from (H, W), (1, H, W) or (C, H, W) (the mean over channels)."""
    return image if image.ndim == 2 else image.mean(axis=0)


def _draw_map(
    fig: Figure, ax: Any, image: np.ndarray, heat: np.ndarray, name: str, scale: Any = None
) -> ScalarMappable:
    """One map laid over the input image; with `scale` None, also its own colour bar.

    The colour is opaque where the map is strong and fades to the image where it is weak.
    Maps with both signs are blue (negative) or red (positive), centred on 0; maps >= 0 run
    through dark red to yellow (most). scale: (signed, limit) shared with other panels.
    """
    signed, lim = scale if scale is not None else _scale([heat])
    cmap = colormaps["RdBu_r" if signed else "hot"]
    norm = Normalize(-lim if signed else 0.0, lim)
    rgba = cmap(norm(heat))
    rgba[..., 3] = np.clip(np.abs(heat) / lim, 0, 1) ** 0.6  # weak values let the image through
    picture = _image2d(image)
    if picture.shape == heat.shape:
        ax.imshow(picture, cmap="gray", interpolation="nearest", alpha=0.55)
    ax.imshow(rgba, interpolation="nearest")
    ax.set(xticks=[], yticks=[])
    shown = ScalarMappable(norm, cmap)
    if scale is None:
        _colour_bar(fig, shown, ax, name)
    return shown


def _scale(maps: Sequence[np.ndarray]) -> tuple[bool, float]:
    """(has both signs, largest |value|) over maps that share one colour scale."""
    signed = any(m.min() < 0 for m in maps)
    return signed, max(float(np.abs(m).max()) for m in maps) or 1.0


def _colour_bar(fig: Figure, shown: ScalarMappable, ax: Any, name: str, **where: Any) -> None:
    bar = fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.03, **where)
    bar.ax.tick_params(labelsize=8)
    bar.formatter = FormatStrFormatter("%.2g")  # short labels, no offset text on top
    bar.update_ticks()
    bar.set_label(_units(name), fontsize=9)


def _draw_image(ax: Any, image: np.ndarray, title: str) -> None:
    if image.ndim == 3 and image.shape[0] == 3:
        lo, hi = image.min(), image.max()
        ax.imshow(((image - lo) / ((hi - lo) or 1.0)).transpose(1, 2, 0))
    else:
        ax.imshow(_image2d(image), cmap="gray", interpolation="nearest")
    ax.set(xticks=[], yticks=[])
    ax.set_title(title, fontsize=11)


def plot_attribution(
    images: Any,
    maps: Mapping[str, Any],
    path: str | None = None,
    title: str | None = None,
    row_labels: Sequence[str] | None = None,
) -> Figure:
    """Each input image beside its attribution maps, one row per image.

    images: (N, C, H, W), one image (C, H, W) or (H, W). maps: {name: (N, H, W) or (H, W)},
    e.g. {"saliency": mg.viz.saliency(model, x), "Grad-CAM": mg.viz.grad_cam(...)}. Each map
    is drawn over its image, so you see where on the digit it points; each column has one
    colour scale (and bar), so the rows can be compared.
    """
    x = _array(images, "images", "plot_attribution")
    if x.ndim == 2:
        x = x[None, None]
    elif x.ndim == 3:
        x = x[None]
    if x.ndim != 4:
        raise ValueError(
            f"plot_attribution: images must be (N, C, H, W), (C, H, W) or (H, W), got {x.shape}"
        )
    if not isinstance(maps, Mapping) or not maps:
        raise ValueError(
            "plot_attribution: maps must be a dict {name: map of shape (N, H, W)}, e.g. "
            "{'saliency': mg.viz.saliency(model, x)}"
        )
    n, (H, W) = len(x), x.shape[2:]
    arrays = {}
    for name, m in maps.items():
        given = _array(m, f"maps[{name!r}]", "plot_attribution")
        a = given[None] if given.ndim == 2 else given
        if a.shape != (n, H, W):
            raise ValueError(
                f"plot_attribution: maps[{name!r}] has shape {given.shape}, expected ({n}, {H}, "
                f"{W}): one (H, W) map per image, at the images' size"
            )
        arrays[name] = a
    cols = 1 + len(arrays)
    # A fixed grid, not constrained layout: with dozens of panels it costs seconds per save.
    # The last, thin row holds one colour bar per column.
    top = 0.4 + (0.45 if title else 0)
    fig = _figure(2.0 * cols, 2.0 * n + 0.9 + top, layout=None)
    height = fig.get_size_inches()[1]
    grid = fig.add_gridspec(
        n + 1,
        cols,
        height_ratios=[1.0] * n + [0.07],
        left=0.02,
        right=0.98,
        top=1 - top / height,
        bottom=0.75 / height,
        hspace=0.15,
        wspace=0.08,
    )
    axes = np.array([[fig.add_subplot(grid[r, c]) for c in range(cols)] for r in range(n)])
    for r in range(n):
        label = row_labels[r] if row_labels is not None and r < len(row_labels) else "input"
        _draw_image(axes[r, 0], x[r], "")
        axes[r, 0].set_ylabel(label, fontsize=9)
    axes[0, 0].set_title("input", fontsize=10)
    for c, (name, a) in enumerate(arrays.items(), start=1):
        scale = _scale(list(a))  # one scale per column: the rows can be compared
        for r in range(n):
            shown = _draw_map(fig, axes[r, c], x[r], a[r], name, scale)
        axes[0, c].set_title(name, fontsize=10)
        bar = fig.colorbar(shown, cax=fig.add_subplot(grid[n, c]), orientation="horizontal")
        bar.ax.tick_params(labelsize=8)
        bar.ax.xaxis.set_major_formatter(FormatStrFormatter("%.2g"))
        bar.ax.xaxis.set_major_locator(MaxNLocator(4))
        bar.set_label(_units(name), fontsize=8)
    if title:
        fig.suptitle(title, y=1 - 0.12 / height, va="top")
    return _finish(fig, path)


def plot_saliency(image: Any, saliency_map: Any, path: str | None = None) -> Figure:
    """The image and its saliency map (`mg.viz.saliency`), the image's outline drawn over it."""
    return plot_attribution(image, {"saliency": saliency_map}, path)


def plot_grad_cam(image: Any, cam: Any, path: str | None = None) -> Figure:
    """The image and its Grad-CAM map (`mg.viz.grad_cam`, resized to the image)."""
    return plot_attribution(image, {"Grad-CAM": cam}, path)


def plot_guided_backprop(image: Any, gradient: Any, path: str | None = None) -> Figure:
    """The image and its guided-backprop gradient (`mg.viz.guided_backprop`; channels are
    summed), red where brighter pixels would raise the score."""
    g = _array(gradient, "gradient", "plot_guided_backprop")
    return plot_attribution(image, {"guided backprop": g.sum(axis=-3) if g.ndim >= 3 else g}, path)


def plot_occlusion(image: Any, drops: Any, path: str | None = None) -> Figure:
    """The image and its occlusion map (`mg.viz.occlusion`): red where hiding the pixels
    lowers the score (evidence for the class), blue where it raises it."""
    return plot_attribution(image, {"occlusion": drops}, path)


def plot_explanation(explanation: Any, path: str | None = None, title: str | None = None) -> Figure:
    """One image, the model's class probabilities and the six maps of `mg.viz.explain`."""
    e = explanation
    if not hasattr(e, "maps") or not hasattr(e, "probabilities"):
        raise TypeError(
            f"plot_explanation: expected what mg.viz.explain returns, got {type(e).__name__}"
        )
    fig = _figure(13, 6.6, layout=None)
    # each map's colour bar and its label sit in the gap on the panel's right
    axes = _grid_in_inches(fig, 2, 4, margins=(0.45, 0.7, 0.75, 0.45), gaps=(0.7, 0.55))
    label = "" if e.label is None else f"true class {e.label}, "
    _draw_image(axes[0, 0], e.image, f"input ({label}explained: {e.target})")
    ax = axes[1, 0]
    k = len(e.probabilities)
    colours = ["#d7191c" if i == e.target else "#9ecae1" for i in range(k)]
    ax.bar(range(k), e.probabilities, color=colours)
    ax.set_xticks(range(k))
    ax.set_ylim(0, 1)
    ax.set_xlabel("class", fontsize=9)
    ax.set_title("predicted probabilities", fontsize=11)
    ax.tick_params(labelsize=9)
    panels = [axes[0, 1], axes[0, 2], axes[0, 3], axes[1, 1], axes[1, 2], axes[1, 3]]
    for ax, (name, heat) in zip(panels, e.maps.items()):
        _draw_map(fig, ax, e.image, np.asarray(heat, dtype=np.float64), name)
        where = f" on {e.layer}" if name == "Grad-CAM" and e.layer else ""
        ax.set_title(name + where, fontsize=11)
    for ax in panels[len(e.maps) :]:
        ax.set_axis_off()
    fig.suptitle(
        title or f"what the network looks at when it answers {e.target}",
        fontsize=13,
        y=1 - 0.1 / fig.get_size_inches()[1],
        va="top",
    )
    return _finish(fig, path)


# --------------------------------------------------------------------------------------------
# Gradient flow over training (recorded by train.fit(..., record_gradient_flow=True))


def _flow(item: Any, fn: str) -> Any:
    flow = item.get("gradient_flow") if isinstance(item, Mapping) else item
    if not (hasattr(flow, "grad_norms") and hasattr(flow, "layers")):
        raise ValueError(
            f"{fn}: expected a history from train.fit(..., record_gradient_flow=True) (it "
            f"holds 'gradient_flow'), a GradientFlow, or a dict {{name: either}}; got "
            f"{type(item).__name__}"
        )
    if not len(flow.grad_norms()):
        raise ValueError(f"{fn}: the gradient flow has no steps recorded yet")
    return flow


def plot_gradient_flow(history: Any, path: str | None = None, title: str | None = None) -> Figure:
    """Each layer's gradient norm and update / weight ratio over the training steps.

    history: what `train.fit(..., record_gradient_flow=True)` returned (or its
    "gradient_flow"), or {name: history} to compare models, one row each. Columns: the
    gradient norm per layer over steps; the update / weight ratio over steps (the dashed
    line is the 1e-3 rule of thumb); the median of both per layer, input side on the left.
    Colours run from the input side (dark) to the output side (yellow).
    """
    fn = "plot_gradient_flow"
    single = not isinstance(history, Mapping) or "gradient_flow" in history
    flows = {"": _flow(history, fn)} if single else {k: _flow(v, fn) for k, v in history.items()}
    if not flows:
        raise ValueError(f"{fn}: got an empty dict; give {{name: history}}")
    rows = len(flows)
    top = 0.4 + (0.4 if title else 0.0)  # the panels' titles, and the figure's
    fig = _figure(15, 3.4 * rows + top + 0.5, layout=None)
    # below each row its x labels (on the right, the layer names, slanted); between the
    # columns the next panel's y labels
    axes = _grid_in_inches(fig, rows, 3, margins=(0.85, 0.2, top, 0.9), gaps=(0.95, 1.25))
    g_all = np.concatenate([f.grad_norms().ravel() for f in flows.values()])
    u_all = np.concatenate([f.update_ratios().ravel() for f in flows.values()])

    def limits(v: np.ndarray) -> tuple[float, float]:
        v = v[np.isfinite(v) & (v > 0)]
        return (v.min() / 2, v.max() * 2) if len(v) else (1e-8, 1.0)

    for r, (name, flow) in enumerate(flows.items()):
        g, u = flow.grad_norms(), flow.update_ratios()
        steps = np.asarray(flow.steps)
        colours = colormaps["viridis"](np.linspace(0, 0.9, len(flow.layers)))
        ax_g, ax_u, ax_m = axes[r]
        g_shown = np.where(g > 0, g, np.nan)  # a log scale has no 0: leave a gap there
        u_shown = np.where(u > 0, u, np.nan)  # (a float32 update can round to exactly 0)
        for i, layer in enumerate(flow.layers):
            ax_g.plot(steps, g_shown[:, i], color=colours[i], lw=1, label=layer)
            ax_u.plot(steps, u_shown[:, i], color=colours[i], lw=1)
        ax_u.axhline(1e-3, color="gray", ls="--", lw=1)
        depth = np.arange(1, len(flow.layers) + 1)
        ax_m.plot(depth, np.median(g, axis=0), "-o", color="#2171b5", label="|grad|")
        ax_m.plot(depth, np.nanmedian(u, axis=0), "-s", color="#d9531e", label="update/weight")
        for ax, ylabel, lim in (
            (ax_g, "gradient norm", limits(g_all)),
            (ax_u, "update / weight", limits(u_all)),
        ):
            ax.set_yscale("log")
            ax.set_ylim(*lim)
            ax.set_xlabel("training step")
            ax.set_ylabel(ylabel)
            ax.grid(alpha=0.3, which="both")
        ax_m.set_yscale("log")
        ax_m.set_xticks(depth, flow.layers, rotation=45, ha="right", fontsize=7)
        ax_m.set_ylabel("median over steps")
        ax_m.grid(alpha=0.3, which="both")
        # room above the points for the legend, in one row: "best" found no free corner
        # when the two curves zigzag across the whole panel (batch norm's layers)
        lo, hi = limits(np.concatenate([np.median(g, axis=0), np.nanmedian(u, axis=0)]))
        decades = np.log10(hi / lo)
        ax_m.set_ylim(lo, hi * 10 ** (0.25 * decades))
        ax_m.legend(fontsize=8, loc="upper center", ncol=2)
        prefix = f"{name}: " if name else ""
        ax_g.set_title(f"{prefix}gradient norm per layer", fontsize=10)
        ax_u.set_title(f"{prefix}update / weight per step (dashed: 1e-3)", fontsize=10)
        ax_m.set_title(f"{prefix}per layer, input side first", fontsize=10)
        if len(flow.layers) <= 10:
            ax_g.legend(fontsize=7, ncol=2)
    if title:
        fig.suptitle(title, y=1 - 0.12 / fig.get_size_inches()[1], va="top")
    return _finish(fig, path)


__all__ = [name for name in dir() if name.startswith("plot_")]  # mg.viz lists them too
