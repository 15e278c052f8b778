"""The package's import graph: no cycles, and every import points down the layer table of
docs/architecture.md (a module imports its own layer or one listed before it).

The graph is read from the source (tests/import_graph.py), deferred imports inside
functions included: an import that only runs later is still a dependency.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_graph  # noqa: E402

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


def layer_table() -> list[tuple[str, list[str]]]:
    """[(layer, [file or folder named in its row])] in the order the doc lists them."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("layer", "") or set(cells[0]) <= {"-"}:
            continue
        places = re.findall(r"`([\w/]+(?:\.py|/))`", cells[1])
        rows.append((cells[0], places))
    return rows


def place_to_module(place: str) -> str:
    """'tensor.py' -> 'minigrad.tensor', 'ops/' -> 'minigrad.ops', '__init__.py' -> 'minigrad'."""
    parts = place.removesuffix("/").removesuffix(".py").split("/")
    if parts == ["__init__"]:
        return "minigrad"
    return ".".join(["minigrad", *parts])


def layer_of(module: str, table: list[tuple[str, list[str]]]) -> int | None:
    """The index of the row naming `module` or the package that holds it (longest match)."""
    best, best_len = None, -1
    for rank, (_, places) in enumerate(table):
        for place in places:
            prefix = place_to_module(place)
            root_only = prefix == "minigrad"
            hit = module == prefix or (not root_only and module.startswith(prefix + "."))
            if hit and len(prefix) > best_len:
                best, best_len = rank, len(prefix)
    return best


@pytest.fixture(scope="module")
def graph(package_source):
    return import_graph.graph()  # from the trees package_source parsed


def test_the_import_graph_has_no_cycles(graph):
    assert import_graph.cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    made_up = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_graph.cycles(made_up) == [["a", "b", "c"]]


def test_every_module_has_a_row_in_the_layer_table(graph):
    table = layer_table()
    assert [name for name, _ in table][:2] == ["helpers", "graph"]
    unplaced = sorted(m for m in graph if layer_of(m, table) is None)
    assert unplaced == [], f"add these to the table in docs/architecture.md: {unplaced}"


def upward_imports(graph: dict[str, set[str]], table: list) -> list[str]:
    upward = []
    for module, imported in sorted(graph.items()):
        here = layer_of(module, table)
        for target in sorted(imported):
            there = layer_of(target, table)
            if there is not None and here is not None and there > here:
                upward.append(f"{module} ({table[here][0]}) imports {target} ({table[there][0]})")
    return upward


def test_imports_point_down_the_layer_table(graph):
    assert upward_imports(graph, layer_table()) == []


def test_an_upward_import_is_reported():
    made_up = {
        "minigrad.tensor": {"minigrad.nn.module", "minigrad.autograd"},
        "minigrad.nn.module": {"minigrad.tensor"},
    }
    assert upward_imports(made_up, layer_table()) == [
        "minigrad.tensor (tensor engine) imports minigrad.nn.module (layers)"
    ]


def test_the_engine_imports_nothing_above_it(graph):
    """The rule stated in words in the doc, checked on its own: the graph layer imports
    nothing from minigrad, and no engine module imports nn, viz, data or the checks."""
    assert graph["minigrad.recording"] == set()
    assert graph["minigrad.autograd"] == {"minigrad.recording"}
    engine = ("minigrad.autograd", "minigrad.scalar", "minigrad.tensor", "minigrad.ops")
    above = ("minigrad.nn", "minigrad.viz", "minigrad.data", "minigrad.gradcheck")
    for module, imported in graph.items():
        if module.startswith(engine):
            assert not [t for t in imported if t.startswith(above)], module
