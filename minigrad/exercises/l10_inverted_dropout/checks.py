"""Checks of inverted-dropout: training against F.dropout (the usual slips named), eval
mode, the expected value over many masks, and inputs left unchanged."""

import numpy as np

from ... import functional as F
from ...factory import manual_seed, tensor
from ..helpers import Wrong, array, check, diagnose, need


def signed_values(shape, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).uniform(0.5, 2.0, size=shape)
    return x * np.where(np.random.default_rng(seed + 1).random(shape) < 0.5, -1.0, 1.0)


def call(fn, x: np.ndarray, mask: np.ndarray, p: float, training: bool) -> np.ndarray:
    got = array(fn(x.copy(), mask.copy(), p, training), f"dropout_forward(training={training})")
    expect = x.shape
    if got.shape != expect:
        raise Wrong(
            f"dropout_forward(training={training}) returned shape {got.shape}, expected "
            f"{expect}, the shape of x"
        )
    return got


@check("training: kept values scaled by 1/(1-p), as F.dropout does")
def training(m) -> None:
    fn = need(m, "dropout_forward")
    for p, seed in ((0.5, 1), (0.2, 2), (0.75, 3)):
        # no zeros in x: F.dropout's zeros are exactly its dropped values
        x = signed_values((6, 8), seed)
        manual_seed(seed)
        reference = F.dropout(tensor(x, dtype=np.float64), p, training=True).numpy()
        mask = reference != 0
        got = call(fn, x, mask, p, True)
        diagnose(
            got,
            reference,
            f"dropout_forward(x, mask, p={p}, training=True)",
            [
                (
                    x * mask,
                    "you forgot to scale by 1/(1-p): the survivors must be divided by the keep "
                    "probability 1 - p so that each output keeps its expected value",
                ),
                (x * mask / p, "divide by the keep probability 1 - p, not by p"),
                (x * mask * (1 - p), "divide by (1 - p); you multiplied by it"),
                (
                    x * ~mask / (1 - p),
                    "the mask is True where a value is KEPT: you kept the dropped ones",
                ),
                (x, "nothing was dropped: in training mode zero the values where mask is False"),
            ],
        )


@check("eval mode: the identity (nothing dropped, nothing scaled)")
def evaluation(m) -> None:
    fn = need(m, "dropout_forward")
    x = signed_values((5, 7), 7)
    p = 0.5
    mask = np.random.default_rng(8).random(x.shape) >= p
    got = call(fn, x, mask, p, False)
    diagnose(
        got,
        x,
        "dropout_forward(x, mask, p=0.5, training=False)",
        [
            (
                x * mask / (1 - p),
                "you dropped at eval time: in eval mode dropout is the identity (ignore the "
                "mask and return x)",
            ),
            (x * mask, "you dropped at eval time: in eval mode return x, ignoring the mask"),
            (
                x * (1 - p),
                "you scaled at eval time by (1 - p): that is the original, non-inverted "
                "dropout; inverted dropout scales while training, so eval is the identity",
            ),
            (x / (1 - p), "you scaled at eval time: in eval mode return x unchanged"),
        ],
    )


@check("the expected value: the mean over 4,000 random masks is x")
def expected_value(m) -> None:
    fn = need(m, "dropout_forward")
    rng = np.random.default_rng(11)
    x = np.array([1.0, -2.0, 0.5, 3.0])
    draws = 4000
    for p in (0.2, 0.5, 0.8):
        xs = np.tile(x, (draws, 1))
        mask = rng.random(xs.shape) >= p  # each value kept with probability 1 - p
        mean = call(fn, xs, mask, p, True).mean(axis=0)
        # the standard error is |x| sqrt(p / (1 - p) / draws) <= 0.032 |x|: allow 5 of them
        if np.all(np.abs(mean - x) <= 0.16 * np.abs(x)):
            continue
        if np.all(np.abs(mean - (1 - p) * x) <= 0.16 * np.abs(x)):
            raise Wrong(
                f"with p={p} your outputs average {np.round(mean, 2).tolist()}, which is "
                f"(1 - p) = {1 - p:g} times x = {x.tolist()}: you forgot to scale by 1/(1-p)"
            )
        raise Wrong(
            f"with p={p} your outputs average {np.round(mean, 2).tolist()} over {draws} masks; "
            f"inverted dropout keeps the expected value, x = {x.tolist()}"
        )


@check("x and mask are left unchanged (a new array is returned)")
def inputs_unchanged(m) -> None:
    fn = need(m, "dropout_forward")
    x = signed_values((4, 6), 13)
    mask = np.random.default_rng(14).random(x.shape) >= 0.5
    for training in (True, False):
        x_in, mask_in = x.copy(), mask.copy()
        got = fn(x_in, mask_in, 0.5, training)
        if not np.array_equal(x_in, x):
            raise Wrong(
                f"dropout_forward(training={training}) changed x in place (x *= ... or "
                "x[...] = ...): the caller still needs x; compute a new array instead"
            )
        if not np.array_equal(mask_in, mask):
            raise Wrong(f"dropout_forward(training={training}) changed the mask in place")
        if got is x_in and training:
            raise Wrong("in training mode return a new array, not x itself")
