"""The minigrad package's source, read and parsed once per test process.

Several tests read the code instead of running it: the import graph and its layers
(import_graph.py, test_layering.py), the private names no module above the engine uses
(test_public_names.py), the one graph walk (test_graph_walk.py) and the one finite-difference
loop (test_finite_differences.py). Parsing the package's ~280 modules takes about half a
second; they share one parse here. The trees are shared: read them, never change them.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "minigrad"


@functools.cache
def modules() -> tuple[tuple[str, Path], ...]:
    """(path relative to the package, e.g. 'nn/conv.py', file) of every module, sorted."""
    return tuple((p.relative_to(PACKAGE).as_posix(), p) for p in sorted(PACKAGE.rglob("*.py")))


@functools.cache
def tree(path: Path) -> ast.Module:
    """The syntax tree of one file of the package."""
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


@functools.cache
def nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of a file's tree, in ast.walk's order."""
    return tuple(ast.walk(tree(path)))
