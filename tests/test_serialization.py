"""mg.save / mg.load: round trips, atomic writes, and clear errors for damaged files."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.serialization import CheckpointError


def _model() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))


def test_state_dict_round_trip_through_a_file(tmp_path):
    mg.manual_seed(0)
    a = _model()
    a(mg.randn(4, 1, 4, 4))  # moves the batch-norm running statistics
    path = tmp_path / "model.npz"
    mg.save(a.state_dict(), path)
    b = _model()
    b.load_state_dict(mg.load(path))
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert ka == kb and va.dtype == vb.dtype
        np.testing.assert_array_equal(va.numpy(), vb.numpy())
    assert int(b[1].num_batches_tracked.item()) == 1
    x = mg.randn(2, 1, 4, 4)
    a.eval(), b.eval()
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())


def test_nested_checkpoint_keeps_structure_and_types(tmp_path):
    lin = nn.Linear(2, 2)
    obj = {
        "model": lin.state_dict(),
        "epoch": 3,
        "lr": 0.05,
        "name": "lenet",
        "best": None,
        "history": {"loss": [1.5, 0.7], "acc": np.array([0.5, 0.9])},
        "optimizer": {"state": {0: {"step": np.int64(4)}}, "param_groups": [{"params": [0, 1]}]},
        "shape": (2, 2),
    }
    path = tmp_path / "ckpt.npz"
    mg.save(obj, path)
    back = mg.load(path)
    assert back["epoch"] == 3 and isinstance(back["epoch"], int)
    assert back["lr"] == 0.05 and back["name"] == "lenet" and back["best"] is None
    assert back["history"]["loss"] == [1.5, 0.7]
    np.testing.assert_array_equal(back["history"]["acc"], [0.5, 0.9])
    assert back["optimizer"]["state"][0]["step"] == 4  # int keys survive
    assert back["optimizer"]["param_groups"] == [{"params": [0, 1]}]
    assert back["shape"] == (2, 2)
    assert isinstance(back["model"]["weight"], mg.Tensor)
    np.testing.assert_array_equal(back["model"]["weight"].numpy(), lin.weight.numpy())


def test_archive_uses_flattened_dotted_keys_readable_by_numpy(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2))
    path = tmp_path / "ckpt.npz"
    mg.save({"model": model.state_dict()}, path)
    with np.load(path, allow_pickle=False) as archive:
        assert "model.0.weight" in archive.files and "model.0.bias" in archive.files


def test_plain_npz_loads_as_a_dict_of_arrays(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, a=np.arange(3), b=np.ones((2, 2)))
    back = mg.load(path)
    assert set(back) == {"a", "b"}
    np.testing.assert_array_equal(back["a"], np.arange(3))


def test_missing_file_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file at"):
        mg.load(tmp_path / "nope.npz")


def test_truncated_file_gives_a_clear_error_naming_the_path(tmp_path):
    path = tmp_path / "ckpt.npz"
    mg.save(_model().state_dict(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="truncated") as info:
        mg.load(path)
    assert str(path) in str(info.value)


def test_corrupted_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "ckpt.npz"
    mg.save({"w": np.arange(1000, dtype=np.float32)}, path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:  # flip bytes inside the stored array data
        info = z.getinfo("w.npy")
    start = info.header_offset + 200
    data[start : start + 16] = bytes(16)
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="corrupted") as err:
        mg.load(path)
    assert str(path) in str(err.value)


def test_non_checkpoint_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("hello, this is not a checkpoint")
    with pytest.raises(CheckpointError, match=r"not a checkpoint: .* starts with b'hello,'"):
        mg.load(path)
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    with pytest.raises(CheckpointError):
        mg.load(empty)


def test_load_never_unpickles(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, obj=np.array([{"a": 1}], dtype=object))
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        mg.load(path)


def _write_fails_midway(monkeypatch, exc: BaseException) -> None:
    """Make numpy's array writer write part of an array, then fail (disk full, Ctrl-C)."""
    real = np.lib.format.write_array
    calls = {"n": 0}

    def failing(fp, array, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            fp.write(b"\x93NUMPY partial")
            raise exc
        return real(fp, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", failing)


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_interrupted_save_keeps_the_old_checkpoint_and_leaves_no_temp_file(
    tmp_path, monkeypatch, exc
):
    path = tmp_path / "ckpt.npz"
    old = {"w": np.arange(5.0), "b": np.ones(3)}
    mg.save(old, path)
    before = path.read_bytes()
    _write_fails_midway(monkeypatch, exc)
    with pytest.raises(type(exc)):
        mg.save({"w": np.zeros(5), "b": np.zeros(3), "c": np.zeros(2)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    np.testing.assert_array_equal(mg.load(path)["w"], old["w"])
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_save_replaces_the_old_file_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "ckpt.npz"
    mg.save({"w": np.zeros(2)}, path)
    os.chmod(path, 0o640)
    mg.save({"w": np.ones(2)}, path)
    np.testing.assert_array_equal(mg.load(path)["w"], np.ones(2))
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_new_file_is_not_private(tmp_path):
    path = tmp_path / "ckpt.npz"
    mg.save({"w": np.zeros(2)}, path)
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


def test_unsavable_objects_fail_before_touching_the_file(tmp_path):
    path = tmp_path / "ckpt.npz"
    with pytest.raises(TypeError, match=r"model.state_dict\(\)"):
        mg.save(nn.Linear(2, 2), path)
    with pytest.raises(TypeError, match="key 'opt.fn'"):
        mg.save({"opt": {"fn": print}}, path)
    with pytest.raises(TypeError, match="object arrays"):
        mg.save({"x": np.array([None, 1], dtype=object)}, path)
    assert os.listdir(tmp_path) == []


def test_save_into_missing_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        mg.save({"w": np.zeros(1)}, tmp_path / "missing" / "ckpt.npz")
