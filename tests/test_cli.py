"""The `minigrad` command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import minigrad
from minigrad.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"minigrad {minigrad.__version__}"


def test_console_script_is_installed():
    exe = Path(sys.executable).parent / "minigrad"  # installed beside this Python
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("minigrad ")


def test_demo_writes_the_neuron_graph(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert "digraph" in (tmp_path / "neuron.dot").read_text()
    if shutil.which("dot"):
        assert (tmp_path / "neuron.svg").read_text().lstrip().startswith("<?xml")
    assert "o = tanh(x1*w1 + x2*w2 + b) = 0.7071" in capsys.readouterr().out


def test_out_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(SystemExit, match="exists and is not a folder"):
        main(["demo", "--out", str(f)])


def test_output_piped_into_a_reader_that_stops_early_is_not_a_traceback():
    exe = Path(sys.executable).parent / "minigrad"
    out = subprocess.run(
        f"'{exe}' summary resnet18 | head -1", shell=True, capture_output=True, text=True
    )
    assert out.stdout.strip()  # the first line arrived
    assert "Traceback" not in out.stderr and "BrokenPipeError" not in out.stderr
