"""PyTorch teaching code runs under minigrad with only its imports changed, and prints the
same numbers. Each program in `programs/` runs twice: as written (PyTorch), and with
`import torch` turned into `import minigrad as torch` (see harness.py)."""

from __future__ import annotations

import difflib

import pytest
from harness import PROGRAMS, as_minigrad, compare, run, run_under_torch, tokens

PROGRAM_NAMES = sorted(p.name for p in PROGRAMS.glob("*.py"))


def test_there_are_programs_of_every_kind():
    assert len(PROGRAM_NAMES) >= 12, PROGRAM_NAMES


@pytest.mark.parametrize("name", PROGRAM_NAMES)
def test_only_the_import_lines_change(name):
    source = (PROGRAMS / name).read_text()
    changed = [
        line[2:]
        for line in difflib.ndiff(source.split("\n"), as_minigrad(source).split("\n"))
        if line.startswith(("- ", "+ "))
    ]
    assert changed, f"{name} imports nothing from torch"
    assert all(line.lstrip().startswith(("import ", "from ")) for line in changed), changed
    assert "torch" not in "".join(c for c in changed if "minigrad" in c).replace(" as torch", "")


@pytest.mark.parametrize("name", PROGRAM_NAMES)
def test_program_prints_the_same_numbers_under_minigrad_and_pytorch(name):
    pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e .[test])")
    source = (PROGRAMS / name).read_text()
    theirs = run_under_torch(source, name)
    ours = run(as_minigrad(source), name)
    assert len(tokens(theirs)) >= 10, f"{name} prints too few numbers to compare:\n{theirs}"
    problems = compare(ours, theirs)
    assert not problems, (
        f"{name}: minigrad and PyTorch disagree:\n  "
        + "\n  ".join(problems[:20])
        + f"\n--- minigrad printed:\n{ours}\n--- PyTorch printed:\n{theirs}"
    )


def test_the_comparison_can_fail():
    """The harness tells a wrong number, a missing one and a changed shape apart."""
    assert compare("loss 0.5000", "loss 0.5001") == []  # the last printed digit may round
    assert compare("loss 0.5000", "loss 0.5003")
    assert compare("shape (2, 3)", "torch.Size([2, 4])")
    assert compare("1 2", "1 2 3")
    assert compare("True", "False")
    assert compare("grad_fn=<MulBackward0> 1.0", "grad_fn=<Mul> 1.0") == []  # names are not numbers
