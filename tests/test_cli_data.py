"""Where the commands look for data and write pictures: MINIGRAD_DATA and --data-dir, the
MNIST-missing message (exact files, the folder searched and why, the --download flag), and
`minigrad graph` writing into out/ by default."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from minigrad import data
from minigrad.cli import main
from minigrad.viz import plots

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
TEST_FILES = ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def _idx(arr):
    header = bytes([0, 0, 8, arr.ndim]) + np.array(arr.shape, ">u4").tobytes()
    return gzip.compress(header + arr.tobytes())


def _tiny_mnist(folder, rng, n_train=24, n_test=12):
    folder.mkdir(parents=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        (folder / f"{prefix}-images-idx3-ubyte.gz").write_bytes(_idx(images))
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        (folder / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(_idx(labels))


@pytest.fixture
def no_data_env(monkeypatch):
    monkeypatch.delenv(data.DATA_ENV, raising=False)


@pytest.fixture
def no_pictures(monkeypatch):
    """Training runs that are about where the data comes from skip drawing their curves and
    confusion matrix (test_cli_train.py checks those pictures, on MNIST too)."""
    for picture in ("plot_history", "plot_confusion_matrix"):
        monkeypatch.setattr(plots, picture, lambda *args, **kwargs: None)


def test_data_dir_is_the_argument_else_the_environment_else_data(tmp_path, monkeypatch):
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    assert data.data_dir() == Path("data")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "env"))
    assert data.data_dir() == tmp_path / "env"
    assert data.data_dir(tmp_path / "given") == tmp_path / "given"
    monkeypatch.setenv(data.DATA_ENV, "")  # set but empty: the default
    assert data.data_dir() == Path("data")


def test_mnist_without_root_reads_the_mnist_folder_of_minigrad_data(tmp_path, monkeypatch, rng):
    _tiny_mnist(tmp_path / "store" / "mnist", rng)
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "store"))
    ds = data.MNIST(train=False)
    assert len(ds) == 12 and ds.root == tmp_path / "store" / "mnist"


def test_missing_mnist_raises_mnistnotfound_naming_files_folder_and_argument(tmp_path):
    with pytest.raises(data.MNISTNotFound) as info:
        data.MNIST(tmp_path / "none", train=False)
    e = info.value
    assert isinstance(e, FileNotFoundError)
    assert (e.root, e.missing, e.split) == (tmp_path / "none", list(TEST_FILES), "test")
    msg = str(e)
    assert f"{(tmp_path / 'none').resolve()} (the folder does not exist)" in msg
    assert all(str((tmp_path / "none").resolve() / f"{n}.gz") in msg for n in TEST_FILES)
    assert "download=True" in msg  # the library's argument (the command says --download)


def test_train_reads_mnist_from_data_dir(tmp_path, rng, capsys, no_data_env, no_pictures):
    _tiny_mnist(tmp_path / "datasets" / "mnist", rng)
    args = ["train", "lenet", "--data", "mnist", "--data-dir", str(tmp_path / "datasets")]
    assert main(args + ["--quick", "--out", str(tmp_path / "out")]) == 0
    assert "24 training and 12 test images" in capsys.readouterr().out


def test_train_reads_mnist_from_minigrad_data(tmp_path, rng, capsys, monkeypatch, no_pictures):
    _tiny_mnist(tmp_path / "env" / "mnist", rng, n_train=20)
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "env"))
    args = ["train", "lenet", "--data", "mnist", "--quick", "--out", str(tmp_path / "out")]
    assert main(args) == 0
    assert "20 training and 12 test images" in capsys.readouterr().out


def test_data_dir_wins_over_the_environment_and_the_message_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "env"))
    with pytest.raises(SystemExit) as info:
        main(["train", "lenet", "--data", "mnist", "--data-dir", str(tmp_path / "flag")])
    msg = str(info.value.code)
    assert f"{(tmp_path / 'flag' / 'mnist').resolve()} (the folder does not exist)" in msg
    assert "the mnist/ folder of --data-dir" in msg
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["train", "lenet", "--data", "mnist"])
    msg = str(info.value.code)
    assert f"not in {(tmp_path / 'env' / 'mnist').resolve()}" in msg
    assert "the mnist/ folder of $MINIGRAD_DATA" in msg


def test_missing_test_set_only_names_its_files(tmp_path, rng, no_data_env):
    root = tmp_path / "mnist"
    _tiny_mnist(root, rng)
    for name in TEST_FILES:
        (root / f"{name}.gz").unlink()
    with pytest.raises(SystemExit) as info:
        main(["train", "lenet", "--data", "mnist", "--mnist-root", str(root)])
    msg = str(info.value.code)
    assert msg.startswith(f"minigrad train: MNIST's test set is not in {root.resolve()}:")
    assert "does not exist" not in msg
    assert all(str(root.resolve() / f"{n}.gz") in msg for n in TEST_FILES)
    assert not any(n in msg for n in FILES)
    assert "Add --download to the command" in msg


def test_default_data_folder_is_named_with_how_to_change_it(tmp_path, monkeypatch, no_data_env):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["train", "lenet", "--data", "mnist"])
    msg = str(info.value.code)
    assert str(tmp_path.resolve() / "data" / "mnist") in msg
    assert "set --data-dir or $MINIGRAD_DATA" in msg


def test_train_help_documents_the_data_folder(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--data-dir DATA_DIR" in text and "MINIGRAD_DATA" in text
    assert "train-images-idx3-ubyte" in text and "--download" in text


def test_graph_without_out_writes_into_out_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["graph", "lenet", "--depth", "1", "--batch-size", "2"])
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written in (["out/lenet.svg"], ["out/lenet.dot"])  # .dot when Graphviz is missing
    assert code == (0 if written == ["out/lenet.svg"] else 1)
    assert "out/lenet" in capsys.readouterr().out
