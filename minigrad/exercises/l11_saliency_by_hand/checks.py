"""Checks of saliency-by-hand: the map against mg.viz.saliency on a small CNN with batch
norm, naming a missing abs or channel max, the probability's gradient instead of the
score's, all classes instead of the target, train mode; and no .grad filled."""

import numpy as np

from ... import functional as F
from ... import nn
from ...factory import manual_seed, tensor
from ...recording import no_grad
from ...tensor import grad
from ...viz import input_gradient
from ...viz import saliency as reference
from ..helpers import Wrong, array, check, diagnose, need

TARGET = np.array([0, 1, 2, 3])


def small_cnn():
    """3 colour channels -> conv -> batch norm (running statistics set) -> ReLU -> max pool
    -> linear to 4 classes; the same weights on every call."""
    manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1),
        nn.BatchNorm2d(6),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(6 * 4 * 4, 4),
    )
    rng = np.random.default_rng(1)
    bn = model[1]
    with no_grad():  # statistics unlike any one batch's: eval and train mode differ
        bn.running_mean.add_(tensor(rng.normal(0, 0.5, 6), dtype=np.float32))
        bn.running_var.mul_(tensor(rng.uniform(0.5, 2.0, 6), dtype=np.float32))
    return model


def images():
    return np.random.default_rng(2).standard_normal((4, 3, 8, 8)).astype(np.float32)


def gradient_of(pick, mode="eval") -> np.ndarray:
    """d pick(scores) / d x on a fresh model, as the usual slips compute it."""
    model = small_cnn()
    model.train(mode == "train")
    xt = tensor(images(), dtype=np.float32, requires_grad=True)
    (g,) = grad(pick(model(xt)), [xt])
    return g.numpy()


def onehot_sum(scores):
    return scores[np.arange(4), TARGET].sum()


@check("the map equals mg.viz.saliency's: max over channels of |d score / d x|, eval mode")
def saliency_map(m) -> None:
    fn = need(m, "saliency")
    model = small_cnn()
    got = array(fn(model, images(), TARGET.copy()), "saliency(model, x, target)")
    want = reference(small_cnn(), images(), TARGET)
    if got.shape == (4, 3, 8, 8):
        raise Wrong(
            f"the map has shape {got.shape}, one value per channel: a saliency map has one "
            "per pixel, (N, H, W): take the max over the channels (axis 1)"
        )
    g = input_gradient(small_cnn(), images(), TARGET)
    probability = gradient_of(lambda s: F.softmax(s, dim=1)[np.arange(4), TARGET].sum())
    log_probability = gradient_of(lambda s: F.log_softmax(s, dim=1)[np.arange(4), TARGET].sum())
    predicted = input_gradient(small_cnn(), images())  # the class the model picks
    not_the_score = (
        "you took the gradient of the probability (after softmax); take the raw score, the "
        "logit, before softmax: the probability mixes in every other class's score"
    )
    diagnose(
        got,
        want,
        "the saliency map",
        [
            (
                g.max(axis=1),
                "the sign is kept: the size of the gradient is what counts (a pixel that "
                "would lower the score matters as much), so take abs before the max",
            ),
            (np.abs(g).mean(axis=1), "take the max over the channels, not the mean"),
            (np.abs(g).sum(axis=1), "take the max over the channels, not the sum"),
            (np.abs(probability).max(axis=1), not_the_score),
            (np.abs(log_probability).max(axis=1), not_the_score),
            (
                np.abs(gradient_of(lambda s: s.sum())).max(axis=1),
                "you took the gradient of the sum of all the scores; take only each image's "
                "target class: scores[np.arange(N), target].sum()",
            ),
            (
                np.abs(predicted).max(axis=1),
                "that is the map of the class the model predicts; compute the class asked "
                "for, target[n] for image n",
            ),
            (
                np.abs(gradient_of(onehot_sum, mode="train")).max(axis=1),
                "the model was in train mode: batch norm then uses this batch's statistics, "
                "so one image's map depends on the others; call model.eval() first",
            ),
        ],
        rtol=1e-4,
        atol=1e-6,
    )


@check("no parameter's .grad is filled (mg.grad, not backward), and x is unchanged")
def side_effects(m) -> None:
    fn = need(m, "saliency")
    model = small_cnn()
    x = images()
    fn(model, x, TARGET.copy())
    if any(p.grad is not None for p in model.parameters()):
        raise Wrong(
            "your function filled the parameters' .grad (backward does that): use "
            "mg.grad(score, [x_tensor]), which returns the input's gradient and touches no "
            ".grad, so that a training step is not disturbed"
        )
    if not np.array_equal(x, images()):
        raise Wrong("your function changed x: make a tensor of your own from it")
