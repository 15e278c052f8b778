"""Checks of value-mlp: the network's structure and parameter counts, its scores and the
hinge loss against mg.Value's on the same weights, the training steps, and training to
separate 12 XOR-like points."""

import numpy as np

from ...scalar import Value as Engine
from ..helpers import Wrong, check, diagnose, need

SIZES = [2, 4, 4, 1]


def xor_points():
    """12 points around (1, 1), (-1, -1) (label +1) and (1, -1), (-1, 1) (label -1): no
    straight line separates them."""
    rng = np.random.default_rng(3)
    centers = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=np.float64)
    which = np.arange(12) % 4
    points = centers[which] + 0.25 * rng.standard_normal((12, 2))
    labels = np.array([1.0, 1.0, -1.0, -1.0])[which]
    return [[float(a), float(b)] for a, b in points], [float(v) for v in labels]


def model_with_weights(m, sizes=SIZES, seed=0, scale=1.0):
    """The learner's MLP, its parameters set to uniform(-scale, scale) numbers of our own."""
    model = need(m, "MLP")(sizes)
    params = model.parameters()
    rng = np.random.default_rng(seed)
    for p in params:
        p.data = float(rng.uniform(-scale, scale))
    return model


def weights(model):
    """[(W (n_out, n_in), b (n_out,)) per layer], read from the learner's neurons."""
    try:
        return [
            (
                np.array([[w.data for w in n.w] for n in layer.neurons]),
                np.array([n.b.data for n in layer.neurons]),
            )
            for layer in model.layers
        ]
    except AttributeError as e:
        raise Wrong(
            f"the checks read the weights as model.layers[i].neurons[j].w (a list) and "
            f".b, as the task names them ({e})"
        ) from None


def scores(ws, points, relu_last=False, relu_hidden=True):
    h = np.array(points)
    for i, (w, b) in enumerate(ws):
        h = h @ w.T + b
        last = i == len(ws) - 1
        if relu_last if last else relu_hidden:
            h = np.maximum(h, 0)
    return h[:, 0]


def engine_loss(ws, points, labels):
    """The hinge loss with mg.Value on the same weights: (loss, the weights as Values)."""
    vw = [([[Engine(v) for v in row] for row in w], [Engine(v) for v in b]) for w, b in ws]
    total = Engine(0.0)
    for x, y in zip(points, labels):
        h = [Engine(v) for v in x]
        for i, (w, b) in enumerate(vw):
            h = [sum((wi * hi for wi, hi in zip(row, h)), bi) for row, bi in zip(w, b)]
            if i < len(vw) - 1:
                h = [v.relu() for v in h]
        total = total + (1 - y * h[0]).relu()
    return total * (1.0 / len(points)), vw


def engine_steps(ws, points, labels, steps, lr, zero=True):
    """The weights after `steps` steps of gradient descent (zero=False: gradients never reset)."""
    ws = [(w.copy(), b.copy()) for w, b in ws]
    grads = [(np.zeros_like(w), np.zeros_like(b)) for w, b in ws]
    for _ in range(steps):
        loss, vw = engine_loss(ws, points, labels)
        loss.backward()
        for (w, b), (gw, gb), (vws, vbs) in zip(ws, grads, vw):
            new_gw = np.array([[v.grad for v in row] for row in vws])
            new_gb = np.array([v.grad for v in vbs])
            gw[...] = new_gw if zero else gw + new_gw
            gb[...] = new_gb if zero else gb + new_gb
            w -= lr * gw
            b -= lr * gb
    return ws


def flat(ws):
    return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in ws])


@check("the MLP's structure: 37 parameters for [2, 4, 4, 1], 26 for [3, 5, 1]")
def structure(m) -> None:
    cls = need(m, "MLP")
    for sizes, want in (([2, 4, 4, 1], 37), ([3, 5, 1], 26)):
        params = cls(sizes).parameters()
        if not isinstance(params, list) or not all(hasattr(p, "grad") for p in params):
            raise Wrong(f"MLP({sizes}).parameters() should be a list of Values")
        n = len(params)
        if n == want:
            continue
        neurons = sum(sizes[1:])
        if n == want - neurons:
            raise Wrong(f"MLP({sizes}) has {n} parameters: the biases are missing (one per neuron)")
        if len({id(p) for p in params}) != n:
            raise Wrong(f"MLP({sizes}).parameters() lists some Values twice")
        diagnose(n, want, f"the parameter count of MLP({sizes})")


@check("the scores equal mg.Value's on the same weights (ReLU in the hidden layers only)")
def forward(m) -> None:
    model = model_with_weights(m)
    ws = weights(model)
    points, _ = xor_points()
    got = [model(x) for x in points[:6]]
    if not all(hasattr(s, "data") for s in got):
        raise Wrong("model(x) should return one Value (the score), not a list")
    diagnose(
        [s.data for s in got],
        scores(ws, points[:6]),
        "the scores",
        [
            (
                scores(ws, points[:6], relu_last=True),
                "the last layer has a ReLU: a score must be able to go negative (the class is "
                "its sign), so the output layer has none",
            ),
            (
                scores(ws, points[:6], relu_hidden=False),
                "the hidden layers have no ReLU: without it the network is one linear map, "
                "which cannot separate these points",
            ),
        ],
    )


@check("hinge_loss: the mean of relu(1 - y * score), a Value")
def loss(m) -> None:
    model = model_with_weights(m, scale=2.0)  # large weights: some points beyond the margin
    ws = weights(model)
    points, labels = xor_points()
    got = need(m, "hinge_loss")(model, points, labels)
    if not hasattr(got, "backward"):
        raise Wrong(
            f"hinge_loss returned a {type(got).__name__}: return the Value itself (not .data), "
            "so that loss.backward() reaches the weights"
        )
    s = scores(ws, points)
    y = np.array(labels)
    diagnose(
        got.data,
        np.maximum(0, 1 - y * s).mean(),
        "the hinge loss",
        [
            (
                (1 - y * s).mean(),
                "the relu is missing: a point beyond the margin (y * score > 1) adds 0, not a "
                "negative loss",
            ),
            (np.maximum(0, 1 + y * s).mean(), "1 - y * score, not 1 + y * score"),
        ],
        sizes={"the number of points N": len(points)},
    )


@check("train: one step, then three, match gradient descent on mg.Value")
def steps(m) -> None:
    train = need(m, "train")
    points, labels = xor_points()
    for n_steps in (1, 3):
        model = model_with_weights(m)
        before = weights(model)
        losses = train(model, points, labels, n_steps, 0.1)
        got = flat(weights(model))
        if np.allclose(got, flat(before)):
            raise Wrong(
                "the weights did not change: update p.data in place (p.data -= lr * p.grad), "
                "after loss.backward()"
            )
        want = flat(engine_steps(before, points, labels, n_steps, 0.1))
        if n_steps == 1:
            diagnose(
                got - flat(before),
                want - flat(before),
                "one step's change of the weights",
                sizes={"the number of points N": len(points)},
            )
        diagnose(
            got,
            want,
            f"the weights after {n_steps} steps",
            [
                (
                    flat(engine_steps(before, points, labels, n_steps, 0.1, zero=False)),
                    "the first step is right but later ones drift: the gradients are never "
                    "reset, so each step adds the new gradient to the old ones. Set every "
                    "p.grad = 0.0 before backward",
                ),
            ],
            rtol=1e-7,
        )
        if not isinstance(losses, list) or len(losses) != n_steps:
            raise Wrong(f"train(..., steps={n_steps}) should return a list of {n_steps} losses")
        if not all(isinstance(v, float) for v in losses):
            raise Wrong("train should return the losses as floats: append loss.data")


@check("your MLP [2, 4, 4, 1] learns to separate 12 XOR-like points in 40 steps")
def learns(m) -> None:
    model = model_with_weights(m)
    points, labels = xor_points()
    losses = need(m, "train")(model, points, labels, 40, 0.3)
    right = sum((model(x).data > 0) == (y > 0) for x, y in zip(points, labels))
    if right < 12 or not losses[-1] < 0.1 * losses[0]:
        raise Wrong(
            f"after 40 steps (lr 0.3) {right} of 12 points are on the right side and the loss "
            f"went from {losses[0]:.3f} to {losses[-1]:.3f}; a correct MLP gets all 12, with "
            "the loss below a tenth of where it started"
        )
