"""Checks of bug-softmax-twice: logits out of the model, a low loss, probabilities."""

import numpy as np

from ...factory import manual_seed, tensor
from ..helpers import Wrong, array, check, need


def blobs():
    """Three well-separated classes of 20 points each in the plane."""
    rng = np.random.default_rng(5)
    centers = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    y = np.repeat(np.arange(3), 20)
    x = centers[y] + 0.4 * rng.standard_normal((60, 2))
    return tensor(x, dtype=np.float32), tensor(y)


@check("the model outputs raw scores for cross_entropy")
def logits(m) -> None:
    manual_seed(0)
    model = need(m, "make_model")()
    x, _ = blobs()
    out = array(model(x), "model(x)")
    if out.shape != (60, 3):
        raise Wrong(f"model(x) has shape {out.shape}, expected (60, 3)")
    if np.allclose(out.sum(1), 1.0, atol=1e-5) and (out >= 0).all():
        raise Wrong(
            "softmax is applied twice: the model ends in a softmax, and F.cross_entropy "
            "applies log_softmax again. Its input must be the raw scores (logits)"
        )


@check("training reaches a low loss on three separated classes")
def low_loss(m) -> None:
    manual_seed(0)
    model = need(m, "make_model")()
    x, y = blobs()
    loss = need(m, "train")(model, x, y, steps=100, lr=0.5)
    if not isinstance(loss, float) or not loss < 0.2:
        raise Wrong(f"after 100 steps the loss is {loss}; on these data it should be below 0.2")


@check("predict_proba returns probabilities (rows sum to 1)")
def probabilities(m) -> None:
    manual_seed(0)
    model = need(m, "make_model")()
    x, _ = blobs()
    p = array(need(m, "predict_proba")(model, x), "predict_proba(model, x)")
    if p.shape != (60, 3):
        raise Wrong(f"predict_proba(model, x) has shape {p.shape}, expected (60, 3)")
    if not (np.allclose(p.sum(1), 1.0, atol=1e-5) and (p >= 0).all()):
        raise Wrong(
            "predict_proba should return probabilities (each row sums to 1): apply "
            "F.softmax(model(x), dim=1) there, now that the model returns logits"
        )
