"""Pictures of attribution maps (plot_attribution and its companions, plot_explanation) and
the `minigrad explain` command."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.cli import explain as explain_command
from minigrad.cli import main
from minigrad.data import TensorDataset
from minigrad.models import LeNet5
from minigrad.viz import attribution as A
from minigrad.viz import plots


def test_plot_attribution_one_row_per_image_one_colour_scale_per_column(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((3, 1, 8, 8))
    maps = {"saliency": rng.random((3, 8, 8)), "occlusion": rng.normal(size=(3, 8, 8))}
    fig = plots.plot_attribution(x, maps, path=tmp_path / "a.png", row_labels=["a", "b", "c"])
    assert (tmp_path / "a.png").stat().st_size > 1000
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["input", "saliency", "occlusion"]
    bars = [ax for ax in fig.axes if ax.get_xlabel()]  # colour bars carry the units
    assert [b.get_xlabel() for b in bars] == ["|d score / d pixel|", "score drop when hidden"]
    assert [fig.axes[3 * r].get_ylabel() for r in range(3)] == ["a", "b", "c"]
    signed = fig.axes[2].images[-1].get_array()  # occlusion: both signs, blue and red
    assert signed.shape == (8, 8, 4)


@pytest.mark.parametrize("plot", ["plot_saliency", "plot_grad_cam", "plot_occlusion"])
def test_companions_draw_one_map_over_one_image(tmp_path, plot):
    rng = np.random.default_rng(1)
    fig = getattr(plots, plot)(rng.random((1, 6, 6)), rng.random((6, 6)), path=tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 500
    assert len([ax for ax in fig.axes if ax.get_title()]) == 2


def test_plot_guided_backprop_sums_the_channels_of_the_gradient():
    rng = np.random.default_rng(2)
    grad = rng.normal(size=(3, 6, 6))
    fig = plots.plot_guided_backprop(rng.random((3, 6, 6)), grad)
    assert fig.axes[1].get_title() == "guided backprop"


def test_plot_attribution_refuses_mismatched_maps():
    with pytest.raises(
        ValueError, match=r"maps\['saliency'\] has shape \(8, 7\), expected \(1, 8, 8\)"
    ):
        plots.plot_attribution(np.zeros((1, 8, 8)), {"saliency": np.zeros((8, 7))})
    with pytest.raises(ValueError, match="maps must be a dict"):
        plots.plot_attribution(np.zeros((1, 8, 8)), np.zeros((8, 8)))
    with pytest.raises(ValueError, match=r"images must be \(N, C, H, W\)"):
        plots.plot_attribution(np.zeros(8), {"a": np.zeros(8)})


def test_plot_explanation_has_the_input_the_probabilities_and_six_maps():
    mg.manual_seed(0)
    model = LeNet5(activation="relu", pool="max")
    x = np.random.default_rng(0).random((1, 32, 32)).astype(np.float32)
    e = A.explain(model, x, layer="features.c3", label=5, smooth=2)
    fig = plots.plot_explanation(e)  # the command's tests below write it to a file
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[0] == f"input (true class 5, explained: {e.target})"
    assert "predicted probabilities" in titles and "Grad-CAM on features.c3" in titles
    assert len(titles) == 8
    with pytest.raises(TypeError, match="what mg.viz.explain returns"):
        plots.plot_explanation({"maps": {}})


def test_explain_command_trains_once_then_reuses_its_lenet(tmp_path, capsys, monkeypatch):
    digits = explain_command.load_digits

    def fewer_training_digits(*args, **kwargs):  # an epoch of 4 steps instead of 45
        train, test = digits(*args, **kwargs)
        return TensorDataset(*(t.numpy()[:128] for t in train.tensors)), test

    monkeypatch.setattr(explain_command, "load_digits", fewer_training_digits)
    out = tmp_path / "o"
    assert main(["explain", "lenet", "--image", "3", "--out", str(out), "--epochs", "1"]) == 0
    text = capsys.readouterr().out
    assert "training LeNet-5 (ReLU, max pooling)" in text and "epoch 1/1" in text
    picture = out / "explain_lenet_image3.png"
    assert picture.stat().st_size > 10_000
    assert "six maps for class" in text and str(picture) in text
    cached = out / "lenet5_relu_digits_seed0_epochs1.npz"
    assert cached.exists()
    # the next run takes the kept network (and then refuses a test image that does not exist)
    with pytest.raises(SystemExit, match="--image must be a test image number from 0 to 358"):
        main(["explain", "lenet", "--image", "359", "--out", str(out), "--epochs", "1"])
    assert f"from {cached}, trained by an earlier run" in capsys.readouterr().out


def test_explain_command_explains_the_main_jobs_tanh_checkpoint(tmp_path, capsys):
    mg.manual_seed(0)
    checkpoint = tmp_path / "lenet5_digits.npz"
    mg.save(LeNet5().state_dict(), checkpoint)  # the main job's architecture: tanh, avg
    args = ["explain", "lenet", "--image", "0", "--out", str(tmp_path), "--checkpoint"]
    assert main(args + [str(checkpoint), "--activation", "tanh", "--pool", "avg"]) == 0
    text = capsys.readouterr().out
    assert "no ReLU in this network" in text
    assert (tmp_path / "explain_lenet_image0.png").exists()
    with pytest.raises(SystemExit, match="cannot use .*missing.npz"):
        main(args + [str(tmp_path / "missing.npz")])


def test_explain_command_refuses_a_test_image_that_does_not_exist(tmp_path):
    mg.manual_seed(0)
    checkpoint = tmp_path / "relu.npz"
    mg.save(LeNet5(activation="relu", pool="max").state_dict(), checkpoint)
    with pytest.raises(SystemExit, match="--image must be a test image number from 0 to 358"):
        main(
            [
                "explain",
                "lenet",
                "--image",
                "359",
                "--out",
                str(tmp_path),
                "--checkpoint",
                str(checkpoint),
            ]
        )
