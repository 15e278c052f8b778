"""Pictures of scalar graphs: exact DOT text, rendering, and the missing-`dot` message."""

from __future__ import annotations

import math
import re
import shutil

import graphviz
import pytest

import minigrad as mg
from minigrad import Value
from minigrad.cli.demo import neuron


def small_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c.tanh()
    d.backward()
    return d


def test_dot_text_has_one_record_per_value_and_one_node_per_op():
    g = mg.viz.draw(small_graph())
    labels = re.findall(r'label=("[^"]*"|\S+)', g.source)
    labels = [lbl.strip('"') for lbl in labels]
    records = [lbl for lbl in labels if lbl.startswith("{")]
    dc = 1 - math.tanh(-6.0) ** 2  # d tanh(c)/dc at c = a*b = -6
    assert records == [
        f"{{ a | data 2 | grad {-3 * dc:.4g} }}",  # dd/da = b * dc
        f"{{ b | data -3 | grad {2 * dc:.4g} }}",  # dd/db = a * dc
        f"{{ c | data -6 | grad {dc:.4g} }}",
        f"{{ data {math.tanh(-6.0):.4g} | grad 1 }}",
    ]
    assert [lbl for lbl in labels if not lbl.startswith("{")] == ["*", "tanh"]
    assert g.source.count("->") == 5  # a, b -> *; * -> c; c -> tanh; tanh -> d


def test_picture_is_the_same_on_every_run():
    assert mg.viz.draw(small_graph()).source == mg.viz.draw(small_graph()).source


def test_shared_value_appears_once():
    a = Value(3.0, label="a")
    b = a + a
    b.backward()
    g = mg.viz.draw(b)
    assert g.source.count("{ a |") == 1
    assert g.source.count("v0 -> v1_op") == 2  # two edges, one per use


def test_record_label_special_characters_are_escaped():
    v = Value(1.0, label="x|{y}")
    assert "x\\|\\{y\\}" in mg.viz.draw(v * 2.0).source


def test_rankdir_option_and_bad_value():
    assert "rankdir=TB" in mg.viz.draw(small_graph(), rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir must be"):
        mg.viz.draw(small_graph(), rankdir="sideways")


def test_neuron_values_and_gradients():
    o = neuron()
    assert o.data == pytest.approx(0.7071, abs=1e-4)
    inputs = {v.label: v for v in mg.autograd.topological_order(o)}
    assert inputs["x1"].grad == pytest.approx(-1.5, abs=1e-4)  # w1 * (1 - o^2)
    assert inputs["w1"].grad == pytest.approx(1.0, abs=1e-4)  # x1 * (1 - o^2)
    assert inputs["x2"].grad == pytest.approx(0.5, abs=1e-4)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("ext,magic", [("svg", b"<svg"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_render_writes_a_real_picture(tmp_path, ext, magic):
    path = mg.viz.save(mg.viz.draw(small_graph()), tmp_path / f"g.{ext}")
    assert magic in path.read_bytes()[:400]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_dot_source_is_saved_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    g = mg.viz.draw(small_graph())
    assert mg.viz.save(g, tmp_path / "g.dot").read_text() == g.source
    with pytest.raises(mg.viz.GraphvizNotFound, match="apt-get install graphviz"):
        mg.viz.save(g, tmp_path / "g.svg")
    with pytest.raises(mg.viz.GraphvizNotFound):
        g.pipe(format="svg")
    assert not (tmp_path / "g.svg").exists()
    assert issubclass(mg.viz.GraphvizNotFound, RuntimeError)
    assert isinstance(g, graphviz.Digraph)


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown picture format '.jpeg'"):
        mg.viz.save(mg.viz.draw(small_graph()), tmp_path / "g.jpeg")
