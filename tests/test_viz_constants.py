"""Constants in pictures say what they are: input windows, one-hot targets, window sizes,
masks, running statistics, the maximum subtracted against overflow; each op's description
is checked, and no expanded picture of the models here has an unexplained constant."""

from __future__ import annotations

import re

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import models, nn
from minigrad.cli.graph import lenet_step

NODE = re.compile(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$', re.MULTILINE)


def constants(graph) -> list[str]:
    """The first label line of every constant (dashed) leaf of a picture."""
    found = []
    for _, label, attrs in NODE.findall(graph.source):
        if "dashed" in attrs and "fillcolor" in attrs:
            found.append(label.split("\\n")[0])
    return found


def test_lenet_picture_with_every_op_expanded_names_every_constant():
    model, x, y, loss = lenet_step(batch_size=8)
    graph = mg.viz.draw(loss, modules=model, expand=True, names={x: "images", y: "labels"})
    found = constants(graph)
    assert "c1's input windows (no gradient needed)" in found  # the images, unfolded
    assert found.count("s2's window size = 4") == 1 and "s4's window size = 4" in found
    assert any(c.startswith("one-hot targets") for c in found)  # where picks the targets
    assert "number of targets (for the mean) = 8" in found
    assert "maximum (subtracted against overflow; no gradient needed)" in found
    assert not [c for c in found if c.startswith("constant")], found
    # the input windows are the (C*KH*KW, L*N) matrix conv2d multiplies: 25 x (784 * 8)
    assert "c1's input windows (no gradient needed)\\n(25, 6272) float32" in graph.source


def test_closed_boxes_keep_their_described_constants_inside():
    model, x, y, loss = lenet_step(batch_size=4)
    graph = mg.viz.draw(loss, modules=model)  # nothing expanded: constants hide in boxes
    assert constants(graph) == []


def test_a_name_given_by_the_caller_wins_over_the_description():
    x = mg.tensor(np.ones((1, 1, 4, 4)))
    w = mg.tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    loss = F.conv2d(x, w).sum()
    plain = constants(mg.viz.draw(loss, expand=True))
    assert plain == ["input windows (no gradient needed)"]  # no layer: no "c1's"
    graph = mg.viz.draw(loss, expand={"conv2d"}, names={x: "image"})
    assert "input windows (no gradient needed)" in constants(graph)  # x is not in the graph


def test_described_constants_stay_where_they_are_used():
    """A description is not a name from the caller: the constant sits inside the expanded
    op's frame (a caller-named input stays outside every frame)."""
    x = mg.tensor(np.arange(8.0).reshape(2, 4), requires_grad=True)
    loss = F.cross_entropy(x, [1, 3])
    source = mg.viz.draw(loss, expand=True).source
    inside = source.split("subgraph cluster_0", 1)[1]
    assert "one-hot targets" in inside


@pytest.mark.parametrize(
    "build, description",
    [
        (
            lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
            "pixels counted in each window",
        ),
        (lambda x: F.avg_pool2d(x, 2, divisor_override=3), "divisor (divisor_override) = 3"),
        (lambda x: F.adaptive_avg_pool2d(x, 3), "rows in the cell"),
        (lambda x: F.adaptive_avg_pool2d(x, 3), "columns in the cell"),
        (lambda x: F.dropout(x, 0.25), "dropout mask (0 or 1/(1 - 0.25))"),
        (lambda x: F.nll_loss(x.reshape(2, -1), [0, 1]), "one-hot targets"),
        (lambda x: F.nll_loss(x.reshape(2, -1), [0, 1], weight=[1.0] * 25), "total weight"),
        (lambda x: F.cross_entropy(x.reshape(2, -1), [0, 1], label_smoothing=0.1), "smoothed"),
        (lambda x: F.cross_entropy(x.reshape(2, -1), np.full((2, 25), 0.04)), "target prob"),
        (lambda x: F.batch_norm(x, None, None, training=True), "eps = 1e-05"),
        (lambda x: F.batch_norm(x, np.zeros(1), np.ones(1)), "running mean"),
        (lambda x: F.batch_norm(x, np.zeros(1), np.ones(1)), "1 / sqrt(running variance + eps)"),
        (lambda x: F.softmax(x, 1), "maximum (subtracted against overflow"),
        (lambda x: x.logsumexp(1), "maximum (subtracted against overflow"),
    ],
)
def test_each_composite_describes_the_constants_it_makes(build, description):
    mg.manual_seed(0)
    x = mg.tensor(np.random.default_rng(0).normal(size=(2, 1, 5, 5)), requires_grad=True)
    out = build(x)
    graph = mg.viz.draw(out.sum(), expand=True)
    found = constants(graph)
    assert any(c.startswith(description) for c in found), found


def test_conv_transpose2d_of_data_describes_its_input():
    x = mg.tensor(np.ones((1, 2, 3, 3)))
    w = mg.tensor(np.ones((2, 1, 2, 2)), requires_grad=True)
    graph = mg.viz.draw(F.conv_transpose2d(x, w, stride=2).sum(), expand=True)
    assert constants(graph) == ["input pixels (no gradient needed)"]


def test_expanded_resnet_block_in_eval_mode_has_no_unexplained_constant():
    mg.manual_seed(0)
    block = models.BasicBlock(4, 8, stride=2)
    block.eval()
    x = mg.tensor(np.random.default_rng(1).normal(size=(2, 4, 6, 6)), dtype=mg.float32)
    loss = block(x).mean()
    found = constants(mg.viz.draw(loss, modules=block, expand=True))
    assert "bn1's running mean" in found and "bn1's 1 / sqrt(running variance + eps)" in found
    assert "conv1's input windows (no gradient needed)" in found
    assert "relu's constant 0" not in found and "constant 0" in found  # a number says itself
    assert "constant (no gradient needed)" not in found, found


def test_numbered_layers_get_no_possessive():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())
    loss = model(mg.zeros(1, 1, 5, 5)).sum()
    found = constants(mg.viz.draw(loss, modules=model, expand=True))
    assert found == ["input windows (no gradient needed)", "constant 0"]  # 0: ReLU's floor
