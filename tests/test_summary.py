"""nn.summary: the layer table and the parameter counts a Keras or torchinfo user expects."""

from __future__ import annotations

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


def test_keras_style_model_counts():
    model = _keras_style_model()
    s = nn.summary(model, (3, 224, 224), verbose=False)
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


# --- compute: multiply-accumulates ------------------------------------------------------------


def test_lenet5_macs_layer_by_layer():
    """conv: output elements x C_in x KH x KW; linear: outputs x in_features; nothing else."""
    s = nn.summary(mg.models.LeNet5(), (1, 32, 32), verbose=False)
    macs = {r.name: r.macs for r in s.rows}
    assert macs["features.c1"] == 6 * 28 * 28 * (1 * 5 * 5) == 117_600
    assert macs["features.c3"] == 16 * 10 * 10 * (6 * 5 * 5) == 240_000
    assert macs["features.c5"] == 120 * (16 * 5 * 5) == 48_000
    assert macs["classifier.f6"] == 84 * 120 and macs["classifier.output"] == 10 * 84
    assert macs["features.s2"] is None and macs["features.act1"] is None  # not counted
    assert s.total_macs == 416_520 and s.total_flops == 833_040
    text = str(s)
    assert "MACs" in text.splitlines()[2] and "117,600" in text
    assert "MACs (multiply-accumulates): 0.42 M (416,520), batch of 1" in text
    assert "FLOPs (2 x MACs): 0.83 M" in text


def test_macs_of_grouped_strided_convolutions_and_batched_linear_layers():
    conv = nn.Conv2d(8, 12, 3, stride=2, padding=1, groups=4)
    s = nn.summary(conv, (8, 9, 9), batch_size=3, verbose=False)
    assert s.total_macs == 3 * 12 * 5 * 5 * (8 // 4) * 9  # each output sees C/groups channels
    lin = nn.Linear(7, 5)
    s = nn.summary(lin, (4, 7), batch_size=2, verbose=False)  # (N, L, in): 2 x 4 rows
    assert s.total_macs == 2 * 4 * 5 * 7 and s.batch_size == 2


def test_macs_fold_with_depth_count_every_call_and_take_a_layers_own_rule():
    class Scale(nn.Module):  # a layer that declares its own work: one multiply per element
        def forward(self, x):
            return x * 2.0

        def count_macs(self, inputs, output):
            return output.numel()

    lin = nn.Linear(4, 4)
    shared = nn.Sequential(lin, nn.ReLU(), lin, Scale())
    s = nn.summary(shared, (4,), verbose=False)
    assert s.total_macs == 16 + 16 + 4  # the shared layer runs twice: its work counts twice
    assert s.total_params == 20  # but its parameters once
    model = nn.Sequential(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)), Scale())
    full = nn.summary(model, (4,), verbose=False)
    folded = nn.summary(model, (4,), depth=1, verbose=False)
    assert [r.macs for r in folded.rows] == [12 + 6, 2]
    assert folded.total_macs == full.total_macs == 20


def macs_at_224_from_32(model) -> int:
    """A model's MACs at 224 x 224 from a pass at 32 x 32: every map side is 7 times larger
    at 224 (each stride halves both exactly), so every convolution does 49 times the work,
    while the classifier after global (or adaptive) pooling does the same."""
    s = nn.summary(model, (3, 32, 32), verbose=False)
    conv = sum(r.macs for r in s.rows if r.type == "Conv2d")
    linear = sum(r.macs for r in s.rows if r.type == "Linear")
    assert s.total_macs == conv + linear  # nothing else is counted
    return 49 * conv + linear


def test_resnet_macs_agree_with_the_published_numbers():
    """He et al. (2016), Table 1: ResNet-34 3.6 G and ResNet-50 3.8 G "FLOPs" (multiply-adds);
    torchvision's 3.66 G and 4.09 G count the same layers (within 2% of 3.6 and of 4.1). At
    32 x 32, scaled (the slow test runs 224 x 224); the weights' values do not matter."""
    r34 = macs_at_224_from_32(nn.utils.skip_init(mg.models.resnet34))
    assert abs(r34 / 3.6e9 - 1) < 0.02 and r34 == 3_663_761_408
    r50 = macs_at_224_from_32(nn.utils.skip_init(mg.models.resnet50))
    assert abs(r50 / 4.1e9 - 1) < 0.02 and r50 == 4_089_184_256


@pytest.mark.slow
def test_resnet_macs_at_224_are_the_published_numbers():
    r34 = nn.summary(nn.utils.skip_init(mg.models.resnet34), (3, 224, 224), verbose=False)
    assert r34.total_macs == 3_663_761_408
    r50 = nn.summary(nn.utils.skip_init(mg.models.resnet50), (3, 224, 224), verbose=False)
    assert r50.total_macs == 4_089_184_256


def test_vgg19_macs_from_a_small_image_scale_to_the_published_196_g():
    """A 32 x 32 image shows the rule without a 224 x 224 forward pass (the slow test runs it):
    every convolution's output area grows by (224 / 32)^2 = 49, while the classifier sees
    512 x 7 x 7 either way (adaptive pooling)."""
    vgg19 = nn.utils.skip_init(mg.models.vgg19)  # 143M weights whose values do not matter
    s = nn.summary(vgg19, (3, 32, 32), verbose=False)
    linear = sum(r.macs for r in s.rows if r.type == "Linear")
    assert linear == 25_088 * 4096 + 4096 * 4096 + 4096 * 1000
    at_224 = macs_at_224_from_32(vgg19)
    assert abs(at_224 / 19.6e9 - 1) < 0.02 and at_224 == 19_632_062_464


@pytest.mark.slow
def test_vgg19_macs_at_224_are_the_published_196_g():
    s = nn.summary(nn.utils.skip_init(mg.models.vgg19), (3, 224, 224), verbose=False)
    assert s.total_macs == 19_632_062_464 and abs(s.total_macs / 19.6e9 - 1) < 0.02


def test_compare_summaries_puts_models_side_by_side():
    a = nn.summary(mg.models.LeNet5(), (1, 32, 32), verbose=False)
    b = nn.summary(mg.models.resnet_small(), (1, 32, 32), verbose=False)
    text = nn.compare_summaries({"lenet5": a, "resnet_small": b})
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Model"))
    assert ["Params", "MACs", "FLOPs", "Activations (MB)"] == [
        h for h in ("Params", "MACs", "FLOPs", "Activations (MB)") if h in header
    ]
    row = next(line for line in lines if line.startswith("resnet_small"))
    assert "174,970" in row and f"{b.total_macs / 1e6:.2f} M" in row
    assert f"{b.total_params / a.total_params:.2f}" in row
    with pytest.raises(ValueError, match="at least one"):
        nn.compare_summaries({})


def test_cli_summary_compare_and_several_tables(capsys):
    from minigrad.cli import main

    assert main(["summary", "lenet", "resnet_small", "--compare"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()}
    assert "61,706" in rows["lenet5"] and "0.42 M" in rows["lenet5"]  # lenet is lenet5
    assert "174,970" in rows["resnet_small"] and "Activations (MB)" in out
    assert main(["summary", "lenet5", "vgg_small", "--depth", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("Total params:") == 2 and "278,602" in out


@pytest.mark.slow
def test_cli_compare_vgg19_and_resnet34(capsys):
    from minigrad.cli import main

    assert main(["summary", "vgg19", "resnet34", "--compare"]) == 0
    out = capsys.readouterr().out
    assert "19.63 G" in out and "3.66 G" in out and "143,667,240" in out
