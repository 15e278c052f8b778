"""Run one program twice, under PyTorch and under minigrad, and compare what it prints.

The programs in `programs/` are written the way PyTorch teaching texts write code (d2l, the
PyTorch tutorials, CS231n), with PyTorch's imports. `as_minigrad` changes the import lines
and nothing else:

    import torch                      ->  import minigrad as torch
    import torch.nn as nn             ->  import minigrad.nn as nn
    from torch.utils.data import X    ->  from minigrad.utils.data import X

Both runs print their results; `compare` checks that the printed numbers agree (words may
differ: PyTorch prints `torch.Size([2, 3])` where minigrad prints `(2, 3)`).
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path

PROGRAMS = Path(__file__).parent / "programs"

_IMPORT = re.compile(r"^(\s*)(import torch\b|from torch\b)(.*)$")
# numbers, not digits inside names (conv1, float64, MulBackward0)
_NUMBER = re.compile(
    r"(?<![A-Za-z_\d.])(?:nan|-?inf|True|False|[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)"
)


def as_minigrad(source: str) -> str:
    """The same program with its torch imports pointed at minigrad (no other change)."""
    out = []
    for line in source.split("\n"):
        m = _IMPORT.match(line)
        if m:
            indent, head, rest = m.groups()
            if head == "import torch" and rest == "":
                line = f"{indent}import minigrad as torch"
            else:
                line = indent + head.replace("torch", "minigrad") + rest
        out.append(line)
    return "\n".join(out)


def run(source: str, name: str) -> str:
    """Execute a program's text and return what it printed."""
    buffer = io.StringIO()
    namespace = {"__name__": "__main__", "__file__": name}
    with contextlib.redirect_stdout(buffer):
        exec(compile(source, name, "exec"), namespace)
    return buffer.getvalue()


def run_under_torch(source: str, name: str) -> str:
    import torch

    dtype, threads = torch.get_default_dtype(), torch.get_num_threads()
    torch.set_default_dtype(torch.float32)  # the texts assume PyTorch's defaults
    torch.set_num_threads(1)
    try:
        return run(source, name)
    finally:
        torch.set_default_dtype(dtype)
        torch.set_num_threads(threads)


def tokens(text: str) -> list[tuple[int, str]]:
    """(line number, token) for every number, nan, inf, True and False in the output."""
    found = []
    for k, line in enumerate(text.splitlines(), 1):
        found += [(k, m.group()) for m in _NUMBER.finditer(line)]
    return found


def _close(a: str, b: str, rtol: float, atol: float) -> bool:
    if a == b:
        return True
    if a in ("True", "False") or b in ("True", "False"):
        return False
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y) or math.isinf(x) or math.isinf(y):
        return False
    if "." not in a + b and "e" not in (a + b).lower():  # integers (shapes, counts): exact
        return x == y
    # one unit in the last printed digit may flip when the last digit is rounded
    decimals = min(
        len(t.split(".")[1].split("e")[0].split("E")[0]) if "." in t else 0 for t in (a, b)
    )
    exponent = 0
    for t in (a, b):
        if "e" in t.lower():
            exponent = max(exponent, int(t.lower().split("e")[1]))
    rounding = 1.5 * 10.0 ** (exponent - decimals)
    return abs(x - y) <= atol + rtol * max(abs(x), abs(y)) + rounding


def compare(ours: str, theirs: str, rtol: float = 1e-4, atol: float = 1e-6) -> list[str]:
    """The disagreements between two outputs, as readable lines (empty when they agree)."""
    a, b = tokens(ours), tokens(theirs)
    problems = []
    if len(a) != len(b):
        problems.append(f"minigrad printed {len(a)} numbers, PyTorch {len(b)}")
    for (line_a, x), (line_b, y) in zip(a, b):
        if not _close(x, y, rtol, atol):
            problems.append(f"line {line_a}: minigrad {x}, PyTorch {y} (line {line_b})")
    return problems
