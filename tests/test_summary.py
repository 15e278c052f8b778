"""nn.summary: the layer table and the parameter counts a Keras or torchinfo user expects."""

from __future__ import annotations

import time

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def _keras_style_model() -> nn.Sequential:
    """Conv2D(16, 2) / pool / Conv2D(32, 2) / pool / Conv2D(64, 2) / pool / GAP / Dense(133)."""
    return nn.Sequential(
        nn.Conv2d(3, 16, 2),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 2),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 2),
        nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(64, 133),
    )


def test_lenet5_counts():
    s = nn.summary(mg.models.LeNet5(), (1, 32, 32), verbose=False)
    assert s.total_params == 61_706 and s.trainable_params == 61_706
    assert s.non_trainable_params == 0
    counts = {r.name: r.num_params for r in s.rows}
    assert counts["features.c1"] == 156
    assert counts["features.c3"] == 2_416
    assert counts["features.c5"] == 48_120
    assert counts["classifier.f6"] == 10_164
    assert counts["classifier.output"] == 850
    shapes = {r.name: r.output_shape for r in s.rows}
    assert shapes["features.c1"] == (1, 6, 28, 28)
    assert shapes["features.s4"] == (1, 16, 5, 5)
    assert shapes["classifier.output"] == (1, 10)
    assert s.param_bytes == 61_706 * 4


def test_keras_style_model_counts_and_runs_quickly():
    model = _keras_style_model()
    start = time.perf_counter()
    s = nn.summary(model, (3, 224, 224), verbose=False)
    elapsed = time.perf_counter() - start
    convs = [r.num_params for r in s.rows if r.type in ("Conv2d", "Linear")]
    assert convs == [208, 2_080, 8_256, 8_645]
    assert s.total_params == 19_189
    shapes = [r.output_shape for r in s.rows]
    assert shapes[:6] == [
        (1, 16, 223, 223),
        (1, 16, 111, 111),
        (1, 32, 110, 110),
        (1, 32, 55, 55),
        (1, 64, 54, 54),
        (1, 64, 27, 27),
    ]
    assert shapes[-1] == (1, 133)
    assert elapsed < 10, f"summary took {elapsed:.1f} s"


def test_table_text_lists_layers_and_totals(capsys):
    s = nn.summary(_keras_style_model(), (3, 32, 32))
    printed = capsys.readouterr().out
    text = str(s)
    assert printed.strip() == text.strip()
    assert "Total params: 19,189" in text
    assert "Trainable params: 19,189" in text
    assert "Non-trainable params: 0" in text
    assert "Params size (MB): 0.07" in text
    assert "[1, 16, 31, 31]" in text and "8,645" in text
    assert text.index("Conv2d") < text.index("MaxPool2d") < text.index("Linear")


def test_frozen_parameters_are_non_trainable_and_buffers_are_reported():
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())
    model[0].requires_grad_(False)
    s = nn.summary(model, (3, 8, 8), verbose=False)
    assert s.total_params == 224 + 16
    assert s.trainable_params == 16 and s.non_trainable_params == 224
    assert "Buffers" in str(s)


def test_summary_restores_training_mode_and_adds_no_gradients():
    model = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout())
    model[2].eval()
    nn.summary(model, (4,), verbose=False)
    assert model.training and model[1].training and not model[2].training
    assert int(model[1].num_batches_tracked.item()) == 0  # ran in eval mode: stats untouched
    assert all(p.grad is None for p in model.parameters())
    assert not model[0]._forward_hooks and not model[0]._forward_pre_hooks


def test_summary_leaves_the_global_seed_alone():
    model = nn.Linear(3, 2)
    mg.manual_seed(4)
    expected = mg.randn(3).numpy()
    mg.manual_seed(4)
    nn.summary(model, (3,), verbose=False)
    np.testing.assert_array_equal(mg.randn(3).numpy(), expected)


def test_nested_blocks_show_containers_and_depth():
    block = mg.models.BasicBlock(8, 16, stride=2)
    s = nn.summary(block, (8, 16, 16), verbose=False)
    names = [r.name for r in s.rows]
    assert "downsample" in names and "downsample.0" in names
    assert s.total_params == sum(p.numel() for p in block.parameters())
    assert s.total_params == sum(r.num_params or 0 for r in s.rows)
    shallow = nn.summary(block, (8, 16, 16), depth=1, verbose=False)
    assert "downsample.0" not in [r.name for r in shallow.rows]
    folded = {r.name: r.num_params for r in shallow.rows}
    assert folded["downsample"] == 8 * 16 + 2 * 16  # the 1x1 conv and its batch norm, summed
    assert sum(r.num_params or 0 for r in shallow.rows) == s.total_params
    lenet = nn.summary(mg.models.LeNet5(), (1, 32, 32), depth=1, verbose=False)
    assert [(r.name, r.num_params) for r in lenet.rows] == [
        ("features", 50_692),
        ("classifier", 11_014),
    ]


def test_shared_layer_is_counted_once():
    lin = nn.Linear(4, 4)
    model = nn.Sequential(lin, nn.ReLU(), lin)
    s = nn.summary(model, (4,), verbose=False)
    assert s.total_params == 20
    assert sum(r.num_params or 0 for r in s.rows) == 20


def test_summary_errors_name_the_problem():
    with pytest.raises(TypeError, match="nn.Module"):
        nn.summary(lambda x: x, (3,))
    with pytest.raises(TypeError, match="input_shape"):
        nn.summary(nn.Linear(2, 2))
    with pytest.raises(ValueError, match=r"expected 3"):
        nn.summary(nn.Conv2d(3, 4, 3), (1, 8, 8), verbose=False)


def test_input_data_is_used_as_given():
    s = nn.summary(nn.Linear(3, 2), input_data=mg.randn(5, 3), verbose=False)
    assert s.rows[0].output_shape == (5, 2)
