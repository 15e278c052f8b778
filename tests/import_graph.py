"""The import graph of the minigrad package: which module imports which.

    python tests/import_graph.py            # one line per module: its minigrad imports
    python tests/import_graph.py --cycles   # the cycles, if any (exit 1 when there are)

Every `import` statement counts, deferred ones inside functions included (a deferred
import that dodges a cycle is still a cycle in the design). `tests/test_layering.py`
asserts there are no cycles and that imports point down the layer table of
docs/architecture.md.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

from package_source import PACKAGE, nodes


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(current: str, is_package: bool, level: int, target: str | None) -> str:
    base = current.split(".")
    base = base if is_package else base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The minigrad modules that `name` imports (a package import counts as its __init__)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in nodes(path):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve(name, is_package, node.level, node.module)
            else:
                base = node.module or ""
            # `from . import x` may name a submodule x or a name inside the package
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `minigrad.nn.Linear` -> `minigrad.nn`
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for start in sorted(g):
        if start in index:
            continue
        work = [(start, iter(sorted(g[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(g[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))
    return result


def main(argv: list[str]) -> int:
    g = graph()
    if "--cycles" in argv:
        found = cycles(g)
        for c in found:
            print("cycle: " + " <-> ".join(c))
        print(f"{len(found)} cycle(s) among {len(g)} modules")
        return 1 if found else 0
    for name in sorted(g):
        deps = ", ".join(sorted(d.removeprefix("minigrad.") for d in g[name])) or "-"
        print(f"{name.removeprefix('minigrad.') or 'minigrad'}: {deps}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # piped into a reader that stopped early (`| head`), as the CLI
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        sys.exit(141)
