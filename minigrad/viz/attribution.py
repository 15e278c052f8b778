r"""Looking inside a trained network: which pixels of the input does its answer depend on?

Each map below is a few lines on the public engine: one backward pass to the *input*
(`mg.grad`), or to a layer's output caught with a forward hook, or only forward passes.
Each is one answer to "which gradient, to where, with which change":

    map              which gradient     to where             with which change
    saliency         d score_c / d x    the input pixels     none; then |.|, max over channels
    SmoothGrad       d score_c / d x    the input pixels     averaged over noisy copies of x
    grad_cam         d score_c / d A    a conv layer's maps  averaged per map, weighs A, relu
    guided_backprop  d score_c / d x    the input pixels     each ReLU also drops grad < 0
    deconvnet        d score_c / d x    the input pixels     each ReLU passes grad > 0 only,
                                                             whether it was on or not
    occlusion        none: forward passes only               score drop when a square is hidden

score_c is the model's output for class c *before* softmax (the logit), as in the papers:
the probability would mix in every other class. c is the predicted class unless `target`
says otherwise. Maps are computed in eval mode (the model's mode is restored afterwards)
and returned as numpy arrays; parameters' `.grad` are never touched.

One difference from PyTorch shows in these maps: where max pooling meets a tie (a window
of equal values; on a digit's constant black background, a conv's bias makes them), minigrad
shares the gradient evenly among the tied elements and PyTorch gives it to one of them. Both
are valid gradients, but the maps then differ in those windows. Without ties (add noise of
1e-3, or use average pooling) saliency, Grad-CAM and guided backprop equal PyTorch's.

Shape letters: N images, C channels, H x W pixels, K maps of a layer, h x w their size.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..autograd import Function
from ..functional.activation import ReluBackward
from ..recording import no_grad
from ..shapes import as_pair
from ..tensor import Tensor, grad
from ..train import eval_mode

_BATCH = 256  # images per forward pass when a method needs many (SmoothGrad, occlusion)

__all__ = [
    "input_gradient",
    "saliency",
    "grad_cam",
    "upsample",
    "receptive_field_geometry",
    "relu_backward",
    "guided_backprop",
    "deconvnet",
    "occlusion",
    "explain",
    "Explanation",
]


# --------------------------------------------------------------------------------------------
# Shared steps: the input, the target classes, eval mode, the score


def _images(x: Any, fn: str) -> np.ndarray:
    """x as a float array (N, C, H, W); one image (C, H, W) becomes N = 1."""
    arr = x.numpy() if isinstance(x, Tensor) else np.asarray(x)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{fn}: x must hold numbers (images), got dtype {arr.dtype}")
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4:
        raise ValueError(
            f"{fn}: x must be images of shape (N, C, H, W) or one image (C, H, W), got shape "
            f"{arr.shape}; for one 2-D image add the channel: x[None]"
        )
    return arr if arr.dtype.kind == "f" else arr.astype(np.float32)


def _targets(target: Any, n: int, k: int, fn: str) -> np.ndarray | None:
    """The class of each image: None (the predicted class, decided later), one int for all,
    or one int per image."""
    if target is None:
        return None
    t = np.asarray(target.numpy() if isinstance(target, Tensor) else target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"{fn}: target must be class numbers (ints), got {t.dtype}")
    t = np.broadcast_to(t, (n,)) if t.ndim == 0 else t.reshape(-1)
    if len(t) != n:
        raise ValueError(f"{fn}: got {len(t)} targets for {n} images; give one per image")
    if k and ((t < 0) | (t >= k)).any():
        raise IndexError(f"{fn}: target {t.tolist()} out of range: the model has {k} classes")
    return t.astype(np.int64)


def _scores(model: Any, x: Tensor, fn: str) -> Tensor:
    out = model(x)
    if not isinstance(out, Tensor) or out.ndim != 2 or out.shape[0] != x.shape[0]:
        shape = getattr(out, "shape", type(out).__name__)
        raise ValueError(
            f"{fn}: the model must return class scores of shape (N, classes) for N images, "
            f"got {shape} for {x.shape[0]} images"
        )
    return out


def _picked(out: Tensor, targets: np.ndarray | None, fn: str) -> tuple[Tensor, np.ndarray]:
    r"""sum_n out[n, c_n]: one number whose gradient is each image's own d score_c / d x
    (images do not mix in eval mode). c_n is the predicted class when targets is None."""
    n, k = out.shape
    t = out.numpy().argmax(axis=1) if targets is None else _targets(targets, n, k, fn)
    onehot = np.zeros(out.shape, dtype=out.dtype)
    onehot[np.arange(n), t] = 1
    return (out * Tensor(onehot, dtype=out.dtype)).sum(), t


# --------------------------------------------------------------------------------------------
# Gradients to the input: saliency, SmoothGrad


def input_gradient(model: Any, x: Any, target: Any = None) -> np.ndarray:
    r"""d score_c / d x: how much each input value moves the score of class c (N, C, H, W).

    The vanilla gradient, signed. `saliency` takes its size; `guided_backprop` and
    `deconvnet` are this same function with another ReLU rule.
    """
    arr = _images(x, "input_gradient")
    with eval_mode(model):
        xt = Tensor(arr, dtype=arr.dtype, requires_grad=True)  # a fresh leaf: x is untouched
        score, _ = _picked(_scores(model, xt, "input_gradient"), target, "input_gradient")
        (g,) = grad(score, [xt])
    return g.numpy()


def saliency(
    model: Any,
    x: Any,
    target: Any = None,
    *,
    smooth: int = 0,
    noise: float = 0.15,
    seed: int = 0,
) -> np.ndarray:
    r"""Saliency map (Simonyan, Vedaldi & Zisserman, 2013): max_channels |d score_c / d x|.

    Which pixels, changed a little, change the score of class c the most. Returns (N, H, W).

    smooth=n > 0 gives SmoothGrad (Smilkov et al., 2017): the mean of the saliency maps of
    n noisy copies x + e, e ~ Normal(0, sigma^2) with sigma = noise * (max(x) - min(x)) per
    image, for the class predicted on the clean image. The noise is
    `np.random.default_rng(seed).standard_normal((n, N, C, H, W)) * sigma`.
    """
    arr = _images(x, "saliency")
    if isinstance(smooth, bool) or int(smooth) != smooth or smooth < 0:
        raise ValueError(f"saliency: smooth must be a number of samples >= 0, got {smooth}")
    if smooth == 0:
        return np.abs(input_gradient(model, arr, target)).max(axis=1)
    if not noise > 0:
        raise ValueError(f"saliency: noise must be positive (0.1 to 0.2 works), got {noise}")
    if target is None:
        with eval_mode(model), no_grad():
            target = _scores(model, Tensor(arr, dtype=arr.dtype), "saliency").numpy().argmax(1)
    targets = _targets(target, len(arr), 0, "saliency")
    rng = np.random.default_rng(seed)
    sigma = noise * (arr.max(axis=(1, 2, 3)) - arr.min(axis=(1, 2, 3)))  # per image
    e = rng.standard_normal((int(smooth),) + arr.shape) * sigma[:, None, None, None]
    noisy = (arr + e).astype(arr.dtype).reshape(-1, *arr.shape[1:])  # sample-major
    maps = np.concatenate(
        [
            saliency(model, noisy[s : s + _BATCH], np.tile(targets, int(smooth))[s : s + _BATCH])
            for s in range(0, len(noisy), _BATCH)
        ]
    )
    return maps.reshape(int(smooth), *arr.shape[:1], *arr.shape[2:]).mean(axis=0)


# --------------------------------------------------------------------------------------------
# Grad-CAM: the gradient to a layer's maps


def _layer(model: Any, layer: Any, fn: str) -> Any:
    if layer is None or isinstance(layer, str):
        names = [
            name
            for name, m in model.named_modules()
            if getattr(getattr(m, "weight", None), "ndim", 0) == 4
        ]
        if layer is None:
            example = names[-1] if names else "features.conv"
            raise ValueError(
                f"{fn}: name the layer whose maps to weigh, e.g. layer={example!r}; the "
                f"convolution layers of {type(model).__name__}: {', '.join(names) or 'none'}"
            )
        try:
            return model.get_submodule(layer)
        except AttributeError as e:
            raise ValueError(f"{fn}: no layer {layer!r} in {type(model).__name__} ({e})") from None
    if not hasattr(layer, "register_forward_hook"):
        raise TypeError(f"{fn}: layer must be a module name or a Module, got {type(layer)}")
    return layer


def _resample_matrix(n_in: int, n_out: int, offset: float, step: float) -> np.ndarray:
    """(n_out, n_in): output pixel p reads the map at u = (p - offset) / step, clamped to the
    map, mixing its two neighbours linearly."""
    u = np.clip((np.arange(n_out) - offset) / step, 0, n_in - 1)
    lo = np.floor(u).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    M = np.zeros((n_out, n_in))
    np.add.at(M, (np.arange(n_out), lo), 1 - (u - lo))
    np.add.at(M, (np.arange(n_out), hi), u - lo)
    return M


def upsample(maps: np.ndarray, size: tuple[int, int], geometry: Any = None) -> np.ndarray:
    r"""Resize maps (..., h, w) to the input's (..., H, W) bilinearly.

    geometry None stretches the maps over the whole input (PyTorch's
    `F.interpolate(mode="bilinear", align_corners=False)`). geometry ((row offset, row step),
    (column offset, column step)), from `receptive_field_geometry`, puts the value of
    position i at input pixel offset + step * i instead: where that position looks.
    """
    h, w = maps.shape[-2:]
    if geometry is None:  # position i in the middle of its share of the input: pixel centres
        geometry = tuple(((n / m - 1) / 2, n / m) for n, m in zip(size, (h, w)))
    (r0, rs), (c0, cs) = geometry
    rows, cols = _resample_matrix(h, size[0], r0, rs), _resample_matrix(w, size[1], c0, cs)
    return np.einsum("Hh,...hw,Ww->...HW", rows, maps, cols).astype(maps.dtype)


def receptive_field_geometry(model: Any, layer: Any, x: Any, probes: int = 4) -> Any:
    r"""Where each position of a layer's maps looks in the input: ((row offset, row step),
    (column offset, column step)), so that position (i, j) is centred on input pixel
    (row offset + row step * i, column offset + column step * j). None when it cannot tell.

    Found with the engine: the receptive field of position (i, j) is where
    d A[:, :, i, j] / d x is not zero, for a few random inputs (so that every ReLU and
    max-pool path opens for one of them). Its centre is the middle of that region. Fields
    that reach the image border may be cut by it and are left out; a straight line through
    the centres of the others gives offset and step (convolutions and pooling keep it
    straight). With fewer than two such fields (say, each larger than the image) the answer
    is None: then stretching the map over the input is all one can do.
    """
    arr = _images(x, "receptive_field_geometry")
    module = _layer(model, layer, "receptive_field_geometry")
    rng = np.random.default_rng(0)
    probe = Tensor(
        rng.standard_normal((probes,) + arr.shape[1:]), dtype=arr.dtype, requires_grad=True
    )
    caught: list[Tensor] = []
    handle = module.register_forward_hook(lambda m, args, out: caught.append(out))
    try:
        with eval_mode(model):
            model(probe)
    finally:
        handle.remove()
    A = caught[-1]
    (h, w), (H, W) = A.shape[2:], arr.shape[2:]
    found: tuple[list, list] = ([], [])  # (index, centre) along rows, along columns
    for t in np.linspace(0, 1, 5):
        i, j = round(t * (h - 1)), round(t * (w - 1))
        (g,) = grad(A[:, :, i, j].sum(), [probe], retain_graph=True)
        seen = np.abs(g.numpy()).sum(axis=(0, 1)) > 0  # (H, W): the receptive field
        for axis, index, size, hits in ((0, i, H, seen.any(1)), (1, j, W, seen.any(0))):
            where = np.nonzero(hits)[0]
            if len(where) and where[0] > 0 and where[-1] < size - 1:  # not cut by the border
                found[axis].append((index, (where[0] + where[-1]) / 2))
    geometry = []
    for pairs in found:
        indices = sorted({k for k, _ in pairs})
        if len(indices) < 2:
            return None
        step, offset = np.polyfit([k for k, _ in pairs], [c for _, c in pairs], 1)
        geometry.append((round(float(offset), 6), round(float(step), 6)))
    return tuple(geometry)


def grad_cam(
    model: Any, x: Any, target: Any = None, layer: Any = None, *, upsample_to_input: bool = True
) -> np.ndarray:
    r"""Grad-CAM (Selvaraju et al., 2017): where in a conv layer's maps the evidence for c is.

    A = the layer's output (N, K, h, w), caught with a forward hook during the forward pass;
    alpha_k = mean over (i, j) of d score_c / d A[k, i, j] (how much map k matters for c);
    cam = relu(sum_k alpha_k A[k]): the maps that raise the score, where they are active.

    layer: a module name ("features.c3") or the module itself. Returns (N, H, W): each
    position's value placed where it looks in the input (`receptive_field_geometry`; for
    LeNet-5's C3, position i is centred on pixel 6.5 + 2i, not stretched over all 32), or
    (N, h, w) with upsample_to_input=False.
    """
    arr = _images(x, "grad_cam")
    module = _layer(model, layer, "grad_cam")
    caught: list[Tensor] = []
    handle = module.register_forward_hook(lambda m, args, out: caught.append(out))
    try:
        with eval_mode(model):
            xt = Tensor(arr, dtype=arr.dtype, requires_grad=True)
            score, _ = _picked(_scores(model, xt, "grad_cam"), target, "grad_cam")
    finally:
        handle.remove()
    if not caught or not isinstance(caught[-1], Tensor) or caught[-1].ndim != 4:
        got = "was not called" if not caught else f"gave {getattr(caught[-1], 'shape', None)}"
        raise ValueError(
            f"grad_cam: the layer {layer!r} must output maps (N, K, h, w) during forward; it "
            f"{got}. Pick a convolution layer"
        )
    A = caught[-1]  # the layer's last call
    (dA,) = grad(score, [A])
    alpha = dA.numpy().mean(axis=(2, 3), keepdims=True)  # (N, K, 1, 1)
    cam = np.maximum((alpha * A.numpy()).sum(axis=1), 0)  # (N, h, w)
    if not upsample_to_input:
        return cam
    return upsample(cam, arr.shape[2:], receptive_field_geometry(model, module, arr))


# --------------------------------------------------------------------------------------------
# Guided backprop and deconvnet: the same backward pass, another rule at each ReLU


class _PositiveGradient(Function):
    r"""z = x; the gradient passed back is max(grad, 0): only the positive part goes on."""

    def forward(self, x):
        return x.view()

    def backward(self, grad):
        return grad.clip(min=0.0)


def _guided(x: Tensor, y: Tensor) -> Tensor:
    # y = relu(x) already multiplies the gradient by [x > 0]; the gate adds [grad > 0]
    return _PositiveGradient.apply(y)


def _deconvnet(x: Tensor, y: Tensor) -> Tensor:
    # x + (y - x).detach() has relu's value and the identity's gradient: no [x > 0] mask
    return _PositiveGradient.apply(x + (y - x).detach())


RELU_RULES = {"gradient": None, "guided": _guided, "deconvnet": _deconvnet}


@contextlib.contextmanager
def relu_backward(rule: str) -> Iterator[None]:
    r"""Inside the block, every `F.relu` and `nn.ReLU` passes the gradient back by `rule`.

    With g = d(loss)/d relu(x) arriving from above, the gradient sent on to x is:

        "gradient":   g * [x > 0]              the derivative (what backward always does)
        "guided":     g * [x > 0] * [g > 0]    guided backprop (Springenberg et al., 2014)
        "deconvnet":  g * [g > 0]              ZFNet's deconvnet (Zeiler & Fergus, 2013)

    Forward values do not change: only the way back through each ReLU. (A direct call of
    `Tensor.relu()` is not switched.)
    """
    if rule not in RELU_RULES:
        raise ValueError(f"relu_backward: rule must be one of {sorted(RELU_RULES)}, got {rule!r}")
    previous = ReluBackward.rule
    ReluBackward.rule = RELU_RULES[rule]
    try:
        yield
    finally:
        ReluBackward.rule = previous


def guided_backprop(model: Any, x: Any, target: Any = None) -> np.ndarray:
    r"""Guided backprop: d score_c / d x where each ReLU also drops negative gradients.

    Only what raises the score passes, and only through units that were on: sharp, positive
    pictures of the strokes the class responds to. Signed, (N, C, H, W).
    """
    with relu_backward("guided"):
        return input_gradient(model, x, target)


def deconvnet(model: Any, x: Any, target: Any = None) -> np.ndarray:
    r"""ZFNet's deconvnet: d score_c / d x where each ReLU passes back only positive
    gradients, whether or not it was on for this input. Max-pool "switches" and transposed
    filters are what backpropagation does anyway. Signed, (N, C, H, W).

    Deconvnet meets the max-pool tie of the module notes most often: a ReLU that leaves a
    pooling window all zeros makes a tie, and its rule lets the gradient through anyway.
    """
    with relu_backward("deconvnet"):
        return input_gradient(model, x, target)


# --------------------------------------------------------------------------------------------
# Occlusion: no gradient, only forward passes


def occlusion_positions(size: int, window: int, stride: int) -> list[int]:
    """Top (or left) edges of the occluding square: every `stride` pixels, and one flush
    with the far edge, so that every pixel is covered at least once."""
    starts = list(range(0, size - window + 1, stride))
    if starts[-1] != size - window:
        starts.append(size - window)
    return starts


def occlusion(
    model: Any,
    x: Any,
    target: Any = None,
    window: Any = 8,
    stride: Any = 4,
    *,
    fill: float = 0.0,
    probability: bool = False,
    batch_size: int = _BATCH,
) -> np.ndarray:
    r"""Occlusion sensitivity (Zeiler & Fergus, 2013): hide a square, see the score fall.

    For every position p of a window x window square set to `fill` (stride apart):
    drop_p = score_c(x) - score_c(x with the square at p hidden). Each pixel gets the mean
    drop of the squares that cover it: large where the evidence for c is. Returns (N, H, W).
    With probability=True the score is the softmax probability of c (ZFNet's plots).
    """
    arr = _images(x, "occlusion")
    n, _, H, W = arr.shape
    wh, ww = as_pair(window, "occlusion", "window")
    if wh > H or ww > W:
        raise ValueError(f"occlusion: window {(wh, ww)} is larger than the image {(H, W)}")
    sh, sw = as_pair(stride, "occlusion", "stride")
    squares = [
        (i, j) for i in occlusion_positions(H, wh, sh) for j in occlusion_positions(W, ww, sw)
    ]

    def score(images: np.ndarray, t: np.ndarray) -> np.ndarray:
        out = []
        for s in range(0, len(images), batch_size):
            chunk = Tensor(images[s : s + batch_size], dtype=images.dtype)
            logits = _scores(model, chunk, "occlusion").numpy()
            if probability:
                e = np.exp(logits - logits.max(axis=1, keepdims=True))
                logits = e / e.sum(axis=1, keepdims=True)
            out.append(logits[np.arange(len(logits)), t[s : s + batch_size]])
        return np.concatenate(out)

    with eval_mode(model), no_grad():
        if target is None:
            t = _scores(model, Tensor(arr, dtype=arr.dtype), "occlusion").numpy().argmax(axis=1)
        else:
            t = _targets(target, n, 0, "occlusion")
        base = score(arr, t)  # (N,)
        hidden = np.repeat(arr[:, None], len(squares), axis=1)  # (N, P, C, H, W)
        for p, (i, j) in enumerate(squares):
            hidden[:, p, :, i : i + wh, j : j + ww] = fill
        drops = base[:, None] - score(
            hidden.reshape(-1, *arr.shape[1:]), np.repeat(t, len(squares))
        ).reshape(n, len(squares))
    total = np.zeros((n, H, W))
    count = np.zeros((H, W))
    for p, (i, j) in enumerate(squares):
        total[:, i : i + wh, j : j + ww] += drops[:, p, None, None]
        count[i : i + wh, j : j + ww] += 1
    return (total / count).astype(arr.dtype)


# --------------------------------------------------------------------------------------------
# All six maps of one image


@dataclass
class Explanation:
    """One image, what the model says about it, and the six maps (each (H, W))."""

    image: np.ndarray  # (C, H, W)
    target: int  # the class the maps explain
    probabilities: np.ndarray  # (classes,) softmax of the model's scores
    maps: dict[str, np.ndarray] = field(default_factory=dict)
    label: int | None = None  # the true class, when known
    layer: str = ""  # the layer Grad-CAM used


def explain(
    model: Any,
    x: Any,
    target: Any = None,
    layer: Any = None,
    *,
    label: int | None = None,
    smooth: int = 25,
    window: Any = 6,
    stride: Any = 2,
) -> Explanation:
    """The six maps of one image (C, H, W): saliency, SmoothGrad, Grad-CAM on `layer`,
    guided backprop, deconvnet and occlusion, all for the same class (the predicted one
    unless `target` is given). Guided backprop and deconvnet are summed over channels."""
    arr = _images(x, "explain")
    if arr.shape[0] != 1:
        raise ValueError(f"explain: expects one image (C, H, W), got {arr.shape[0]} images")
    with eval_mode(model), no_grad():
        logits = _scores(model, Tensor(arr, dtype=arr.dtype), "explain").numpy()[0]
    logits = logits.astype(np.float64)
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    if target is None:
        c = int(np.argmax(logits))
    else:
        c = int(_targets(target, 1, len(probs), "explain")[0])
    maps = {
        "saliency": saliency(model, arr, c)[0],
        "SmoothGrad": saliency(model, arr, c, smooth=smooth)[0],
        "Grad-CAM": grad_cam(model, arr, c, layer)[0],
        "guided backprop": guided_backprop(model, arr, c)[0].sum(axis=0),
        "deconvnet": deconvnet(model, arr, c)[0].sum(axis=0),
        "occlusion": occlusion(model, arr, c, window, stride)[0],
    }
    name = layer if isinstance(layer, str) else type(layer).__name__
    return Explanation(arr[0], c, probs, maps, label, name)
