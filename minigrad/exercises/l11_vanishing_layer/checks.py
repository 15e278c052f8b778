"""Checks of vanishing-layer: the flow of a plain deep sigmoid network, then tables made to
catch the usual readings (the last layer, the largest gradient, the smallest weights, the
last step, the mean, the update ratio), and the orders of magnitude."""

import math

import numpy as np

from ... import data, nn, optim, train
from ... import functional as F
from ...factory import manual_seed
from ...recording import no_grad
from ..helpers import Wrong, check, diagnose, need, number


class DeepSigmoidNet(nn.Module):
    """`depth` sigmoid layers (hidden.0 ... on the input side), then a linear output `out`."""

    def __init__(self, depth=6, width=16):
        super().__init__()
        manual_seed(0)
        self.hidden = nn.ModuleList(
            [nn.Linear(8 if i == 0 else width, width) for i in range(depth)]
        )
        self.out = nn.Linear(width, 4)

    def forward(self, x):
        for layer in self.hidden:
            x = F.sigmoid(layer(x))
        return self.out(x)


def recorded_flow():
    """Two epochs of plain SGD on 64 random points: (flow, model)."""
    net = DeepSigmoidNet()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    y = rng.integers(0, 4, 64)
    history = train.fit(
        net,
        data.DataLoader(data.TensorDataset(x, y), batch_size=16),
        F.cross_entropy,
        optim.SGD(net.parameters(), lr=0.1),
        epochs=2,
        progress=False,
        record_gradient_flow=True,
    )
    return history["gradient_flow"], net


def made_up_flow():
    """A table (9 steps, 7 layers) on which every usual reading picks another layer: the
    median says hidden.1; the mean (one odd step) hidden.0; the last step hidden.2; the
    weights' norms hidden.3 (made tiny); the largest gradient hidden.4; the update ratio
    hidden.5; the last layer is out. (flow, model)"""
    net = DeepSigmoidNet(depth=6)
    with no_grad():
        for p in net.hidden[3].parameters():
            p.mul_(1e-3)
    flow = train.GradientFlow(net)
    grads = np.array([[3e-5, 2e-5, 4e-3, 1e-2, 2.0, 5e-2, 0.5]] * 9)
    grads[2, 1] = 50.0  # one odd step: hidden.1's mean jumps, its median does not
    grads[-1, 2] = 1e-8  # the last step alone would say hidden.2
    ratios = np.full((9, 7), 1e-3)
    ratios[:, 5] = 1e-8
    flow.grad_norm, flow.update_ratio = grads.tolist(), ratios.tolist()
    flow.steps, flow.epochs = list(range(1, 10)), [1] * 9
    return flow, net


def readings(flow, model) -> list:
    """(the layer each usual reading of the table picks, the hint that names it), in order."""
    g, u = flow.grad_norms(), flow.update_ratios()
    modules = dict(model.named_modules())
    norms = [
        math.sqrt(
            sum(
                float((p.numpy().astype(np.float64) ** 2).sum())
                for p in modules[name].parameters(recurse=False)
            )
        )
        for name in flow.layers
    ]
    return [
        (
            flow.layers[-1],
            "that is the last layer, next to the loss, whose gradient is usually the "
            "largest: find the SMALLEST median gradient norm",
        ),
        (
            flow.layers[int(np.argmax(np.median(g, axis=0)))],
            "that layer has the LARGEST gradient: the vanishing one has the smallest median "
            "gradient norm",
        ),
        (
            flow.layers[int(np.argmin(norms))],
            "you compared the weights' sizes; small weights say nothing about the gradient: "
            "compare the gradient norms, flow.grad_norms()",
        ),
        (
            flow.layers[int(np.argmin(g[-1]))],
            "you read the last step only; one step can be odd: take the median over all the steps",
        ),
        (
            flow.layers[int(np.argmin(g.mean(axis=0)))],
            "you took the mean over the steps, which one odd step can drag up; take the median",
        ),
        (
            flow.layers[int(np.argmin(np.median(u, axis=0)))],
            "you compared the update ratios (update / weight); the question is the gradient "
            "norm: flow.grad_norms()",
        ),
    ]


def check_answer(m, flow, model, what: str) -> None:
    got = need(m, "vanishing_layer")(flow, model)
    want = flow.layers[int(np.argmin(np.median(flow.grad_norms(), axis=0)))]
    if got == want:
        return
    if got not in flow.layers:
        raise Wrong(f"for {what} you returned {got!r}, which is not a layer name: {flow.layers}")
    hint = next((h for layer, h in readings(flow, model) if layer == got), None)
    tail = f": {hint}" if hint else ""
    raise Wrong(f"for {what} you returned {got!r}, expected {want!r}{tail}")


@check("a plain deep sigmoid network: the first layer's gradient vanishes")
def recorded(m) -> None:
    flow, model = recorded_flow()
    check_answer(m, flow, model, "the plain network of 6 sigmoid layers")


@check("a made-up table: one odd step, tiny weights, a middle layer that vanishes")
def made_up(m) -> None:
    flow, model = made_up_flow()
    check_answer(m, flow, model, "the made-up table")


@check("orders_of_magnitude: log10(largest / smallest) of the medians")
def magnitude(m) -> None:
    fn = need(m, "orders_of_magnitude")
    for what, (flow, _) in (
        ("the plain network", recorded_flow()),
        ("the made-up table", made_up_flow()),
    ):
        medians = np.median(flow.grad_norms(), axis=0)
        got = number(fn(flow), f"orders_of_magnitude for {what}")
        means = flow.grad_norms().mean(axis=0)
        diagnose(
            got,
            math.log10(medians.max() / medians.min()),
            f"orders_of_magnitude for {what}",
            [
                (math.log(medians.max() / medians.min()), "that is the natural log: use log10"),
                (medians.max() / medians.min(), "that is the ratio itself: take its log10"),
                (math.log10(means.max() / means.min()), "use the medians, not the means"),
            ],
            rtol=1e-6,
        )
