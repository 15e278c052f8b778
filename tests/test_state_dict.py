"""Saving and restoring: load_state_dict all or nothing, any checkpoint key, schedules resume.

Checked against PyTorch where it computes the same thing (returned key lists, learning
rates after a resume).
"""

from __future__ import annotations

import json
from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))


def _snapshot(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


# --------------------------------------------------------------------------------------------
# load_state_dict


BAD_VALUES = {
    "wrong shape": np.zeros((4, 4)),
    "strings": np.full((4, 3), "x"),
    "not an array": {"weight": 1},
    "ragged": [[1.0, 2.0], [3.0]],
    "objects": np.array([None] * 12, dtype=object).reshape(4, 3),
}


@pytest.mark.parametrize("name", BAD_VALUES)
def test_one_bad_value_loads_nothing_and_names_the_key(name):
    model = _model(mg)
    before = _snapshot(model)
    donor = {k: v.numpy() + 1.0 for k, v in model.state_dict().items()}  # all good values...
    donor["1.running_mean"] = np.full(4, 7.0)
    donor["0.weight"] = BAD_VALUES[name]  # ...but one, which comes first in the model
    with pytest.raises(RuntimeError, match=r"nothing was loaded[\s\S]*0\.weight") as info:
        model.load_state_dict(donor)
    assert "1.running_mean" not in str(info.value)  # only the bad key is named
    for key, value in _snapshot(model).items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_all_problems_are_reported_together():
    model = _model(mg)
    donor = {k: v for k, v in model.state_dict().items() if k != "2.bias"}
    donor["0.weight"] = np.zeros(3)
    donor["extra.weight"] = np.zeros(1)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(donor)
    message = str(info.value)
    for part in ["size mismatch for 0.weight", "(3,)", "(4, 3)", '"2.bias"', '"extra.weight"']:
        assert part in message, part


def test_non_strict_load_returns_missing_and_unexpected_keys_like_torch(torch):
    def run(lib):
        model = _model(lib)
        donor = OrderedDict((k, v.clone()) for k, v in model.state_dict().items())
        del donor["0.bias"], donor["1.num_batches_tracked"]
        donor["3.weight"] = lib.zeros(2)
        donor["0.weight"] = donor["0.weight"] * 0 + 5
        result = model.load_state_dict(donor, strict=False)
        return list(result.missing_keys), list(result.unexpected_keys), model[0].weight

    missing, unexpected, weight = run(mg)
    t_missing, t_unexpected, t_weight = run(torch)
    assert missing == t_missing and unexpected == t_unexpected
    np.testing.assert_array_equal(weight.numpy(), t_weight.detach().numpy())


def test_non_strict_still_refuses_a_wrong_shape(torch):
    for lib in (mg, torch):
        model = _model(lib)
        with pytest.raises(RuntimeError, match="size mismatch"):
            model.load_state_dict({"0.weight": lib.zeros(2, 2)}, strict=False)


def test_loaded_values_take_the_models_dtype_and_keep_its_tensors():
    model = _model(mg)
    weight, grad_holder = model[0].weight, optim.SGD(model.parameters(), lr=0.1)
    donor = {k: v.numpy().astype(np.float64) * 2 for k, v in model.state_dict().items()}
    donor["1.num_batches_tracked"] = np.array(3)
    model.load_state_dict(donor)
    assert model[0].weight is weight and weight.dtype == mg.float32
    assert grad_holder.param_groups[0]["params"][0] is weight
    np.testing.assert_allclose(weight.numpy(), donor["0.weight"], rtol=1e-6)
    assert model[1].num_batches_tracked.item() == 3


def test_loading_into_a_parameter_a_graph_saved_is_caught_at_backward(torch):
    for lib in (mg, torch):
        model = lib.nn.Linear(3, 2)
        x = lib.ones(1, 3, requires_grad=True)
        loss = model(x).sum()  # the product saved the weight for x's gradient
        model.load_state_dict({k: v * 2 for k, v in model.state_dict().items()})
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            loss.backward()


# --------------------------------------------------------------------------------------------
# mg.save / mg.load: any key


KEYS = [
    "file",
    "allow_pickle",
    "args",
    "__minigrad__",
    "a.b",
    "a/b",
    "../outside",
    "/absolute",
    "back\\slash",
    "",
    "w.npy",
    "spaces and é",
    "nul\x00byte",
    "%41",
    "x~1",
]


def test_any_string_key_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    obj = {key: rng.normal(size=(i + 1,)) for i, key in enumerate(KEYS)}
    obj["a"] = {"b": mg.tensor([1.0, 2.0]), "b~1": 3}  # "a" + "b" spells the dotted "a.b"
    obj["x"] = np.ones(1)  # with "x~1" above: a suffix must not collide with a key
    obj[7] = {"file": "text", 8: [np.zeros(2), None]}
    path = tmp_path / "keys.npz"
    mg.save(obj, path)
    back = mg.load(path)
    assert set(back) == set(obj)
    for key in KEYS + ["x"]:
        np.testing.assert_array_equal(back[key], obj[key], err_msg=repr(key))
    np.testing.assert_array_equal(back["a"]["b"].numpy(), [1.0, 2.0])
    assert back["a"]["b~1"] == 3 and back[7]["file"] == "text" and back[7][8][1] is None
    with np.load(path, allow_pickle=False) as archive:  # nothing escapes the archive's folder
        assert not any("/" in name or "\\" in name for name in archive.files)


def test_a_state_dict_still_reads_with_plain_numpy_under_its_dotted_keys(tmp_path):
    model = _model(mg)
    mg.save(model.state_dict(), tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as archive:
        assert {"0.weight", "1.running_mean", "2.bias"} <= set(archive.files)


def test_checkpoints_in_the_version_1_format_of_dotted_npz_keys_load(tmp_path):
    """The first format stored arrays with np.savez under their dotted paths."""
    weight = np.arange(6.0).reshape(2, 3)
    tree = {
        "dict": [
            ["model", {"dict": [["0.weight", {"tensor": "model.0.weight"}]]}],
            ["epoch", {"value": 4}],
            ["history", {"list": [{"value": 1.5}, {"array": "history.1"}]}],
        ]
    }
    manifest = json.dumps({"format": "minigrad-checkpoint", "version": 1, "tree": tree})
    path = tmp_path / "old.npz"
    np.savez(
        path,
        **{"model.0.weight": weight, "history.1": np.ones(2), "__minigrad__": np.array(manifest)},
    )
    back = mg.load(path)
    np.testing.assert_array_equal(back["model"]["0.weight"].numpy(), weight)
    assert back["epoch"] == 4 and back["history"][0] == 1.5


@pytest.mark.parametrize(
    "value, words",
    [
        ({1, 2}, "cannot store a set"),
        (b"bytes", "cannot store a bytes"),
        (1 + 2j, "cannot store a complex"),
        (lambda: 0, "cannot store a function"),
        (nn.Linear(2, 2), r"model.state_dict\(\)"),
        ({(1, 2): 3}, "dict keys must be strings or ints"),
    ],
)
def test_unsupported_values_are_named_with_their_place(tmp_path, value, words):
    with pytest.raises(TypeError, match=words):
        mg.save({"run": {"thing": value}}, tmp_path / "x.npz")
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------------------------
# Learning-rate schedules resume as in PyTorch


SCHEDULES = {
    "StepLR": lambda lib, o: (
        lib.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5)
        if lib.__name__ == "torch"
        else optim.StepLR(o, step_size=2, gamma=0.5)
    ),
    "CosineAnnealingLR": lambda lib, o: (
        lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=3, eta_min=0.01)
        if lib.__name__ == "torch"
        else optim.CosineAnnealingLR(o, T_max=3, eta_min=0.01)
    ),
}


def _lrs_after_resume(lib, schedule, order):
    """Train 3 epochs, save, rebuild, restore in `order`, train 5 more: every epoch's lr."""

    def build():
        p = lib.ones(2, requires_grad=True)
        opt = (lib.optim.SGD if lib is not mg else optim.SGD)([p], lr=0.2, momentum=0.9)
        return p, opt

    p, opt = build()
    sched = SCHEDULES[schedule](lib, opt)
    lrs = []
    for _ in range(3):
        p.grad = lib.ones(2)
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
    p, opt = build()
    if order == "scheduler first":
        sched = SCHEDULES[schedule](lib, opt)
        opt.load_state_dict(saved_opt)
        sched.load_state_dict(saved_sched)
    elif order == "optimizer first":
        opt.load_state_dict(saved_opt)
        sched = SCHEDULES[schedule](lib, opt)
        sched.load_state_dict(saved_sched)
    else:  # the scheduler's own state is not restored
        opt.load_state_dict(saved_opt)
        sched = SCHEDULES[schedule](lib, opt)
    lrs.append(opt.param_groups[0]["lr"])
    for _ in range(5):
        p.grad = lib.ones(2)
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return lrs, sched.last_epoch


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("order", ["scheduler first", "optimizer first", "optimizer only"])
def test_a_schedule_resumes_like_torchs_whatever_the_order(torch, schedule, order):
    import warnings

    ours = _lrs_after_resume(mg, schedule, order)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's warnings about the order of step() calls
        theirs = _lrs_after_resume(torch, schedule, order)
    assert ours[1] == theirs[1]
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-15)


def test_a_schedule_survives_a_checkpoint_file_and_continues_like_one_run(tmp_path):
    def build():
        p = mg.ones(2, requires_grad=True)
        opt = optim.SGD([p], lr=0.3)
        return p, opt, optim.StepLR(opt, step_size=2, gamma=0.1)

    p, opt, sched = build()
    straight = []
    for i in range(6):
        if i == 3:
            mg.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "c.npz")
        opt.step()
        sched.step()
        straight.append(opt.param_groups[0]["lr"])
    p, opt, sched = build()
    saved = mg.load(tmp_path / "c.npz")
    opt.load_state_dict(saved["opt"])
    sched.load_state_dict(saved["sched"])
    resumed = []
    for _ in range(3):
        opt.step()
        sched.step()
        resumed.append(opt.param_groups[0]["lr"])
    assert resumed == straight[3:]
