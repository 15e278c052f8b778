"""The HTML explorer's facts: the engine's backward order and contributions, the page's JSON,
heatmaps, refusals and the `minigrad graph --html` command. (The page itself, in a browser:
tests/test_browser.py.)"""

from __future__ import annotations

import io
import json
import re
import shutil

import numpy as np
import pytest

import minigrad as mg
from minigrad import autograd
from minigrad.autograd import every_node, topological_order
from minigrad.cli import main
from minigrad.cli.graph import lenet_step
from minigrad.viz.heatmap import GAP, LEVELS, NONFINITE, PALETTE, heatmap, png_indexed

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")


def page_data(path) -> dict:
    text = path.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S)
    assert found, "the page has no graph-data element"
    return json.loads(found.group(1))


def observed(root, seed):
    steps = []

    def observe(node, grad, sent):
        steps.append((node, grad, [(p, g, s) for p, g, s in sent]))

    with autograd.observe_backward(observe):
        autograd.run_backward([root], [seed], retain_graph=True, capture=())
    return steps


# --------------------------------------------------------------------------------------------
# The engine: its order, exported, and its contributions, observed


def test_observer_sees_each_contribution_and_running_sum_at_a_value_used_twice():
    a, b = mg.Value(2.0, label="a"), mg.Value(-3.0, label="b")
    c = a * b + b**2  # b is used twice: dc/db = a + 2b = -4
    steps = observed(c, 1.0)
    to_b = [(g, s) for _, _, sent in steps for p, g, s in sent if p is b]
    # The walk reverses a depth-first order that placed a*b before b**2, so b**2 sends first:
    # 2b = -6, then a*b sends a = 2, and the running sum reaches dc/db = -4.
    assert to_b == [(-6.0, -6.0), (2.0, -4.0)]
    assert [node for node, _, _ in steps][0] is c
    b_step = next(grad for node, grad, _ in steps if node is b)
    assert b_step == -4.0 and b.grad == 0.0  # capture=(): no .grad was touched


def test_observed_order_is_backward_order_minus_nodes_no_gradient_reaches():
    model, x, y, loss = lenet_step(4, retain_graph=True)
    steps = observed(loss, mg.tensor(1.0))
    visited = [node for node, _, _ in steps]
    expected = [n for n in autograd.backward_order([loss]) if n.requires_grad]
    assert visited == expected
    assert len(visited) == len({id(n) for n in visited}) == 65


def test_observer_changes_no_gradient_and_is_removed_after_the_block():
    def grads(observe: bool):
        w = mg.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
        h = (w @ w).tanh()
        loss = (h * w).sum() + h.sum()
        if observe:
            with autograd.observe_backward(lambda *args: None):
                loss.backward()
        else:
            loss.backward()
        return w.grad.numpy()

    np.testing.assert_array_equal(grads(True), grads(False))
    with pytest.raises(ZeroDivisionError), autograd.observe_backward(lambda *a: 1 / 0):
        x = mg.tensor([1.0], requires_grad=True)
        (x * x).sum().backward()
    assert autograd._Watch.observer is None


def test_backward_order_of_several_roots_visits_each_node_once():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y1, y2 = x * 2, x.exp()
    order = autograd.backward_order([y1, y2])
    assert order[-1] is x and {id(y1), id(y2)} <= {id(n) for n in order}
    assert len(order) == len({id(n) for n in order}) == 3


# --------------------------------------------------------------------------------------------
# The page's facts


@pytest.fixture(scope="module")
def lenet_page(tmp_path_factory):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is missing (the page's layout needs it)")
    mg.manual_seed(0)
    model, x, y, loss = lenet_step(8, retain_graph=True)
    path = tmp_path_factory.mktemp("explore") / "lenet.html"
    mg.viz.explore(loss, path, modules=model, names={x: "images", y: "labels"}, gradcheck=True)
    return model, x, y, loss, path, page_data(path)


def test_page_lists_every_tensor_of_the_graph_with_its_gradient(lenet_page):
    model, x, y, loss, path, data = lenet_page
    nodes = topological_order(loss, keep=every_node)
    assert len(data["nodes"]) == len(nodes) == 71
    weight = next(n for n in data["nodes"] if n["name"] == "features.c1.weight")
    assert weight["shape"] == [6, 1, 5, 5] and weight["dtype"] == "float32"
    assert weight["kind"] == "param"
    expected = np.linalg.norm(model.features.c1.weight.grad.numpy().astype(np.float64))
    assert weight["grad"]["norm"] == pytest.approx(expected, rel=1e-6)
    value = model.features.c1.weight.numpy()
    assert weight["value"]["min"] == pytest.approx(float(value.min()))
    assert weight["value"]["numel"] == 150 and weight["value"]["zeros"] == 0
    for record, tensor in zip(data["nodes"], nodes):
        assert record["shape"] == list(tensor.shape)
        assert (record["grad"] is None) == (not tensor.requires_grad)


def test_page_backward_steps_are_the_engines_order_with_every_contribution(lenet_page):
    model, x, y, loss, path, data = lenet_page
    nodes = topological_order(loss, keep=every_node)
    index = {id(n): i for i, n in enumerate(nodes)}
    expected = [index[id(n)] for n in autograd.backward_order([loss]) if n.requires_grad]
    assert [s["node"] for s in data["backward"]] == expected
    assert data["walk_order"][: len(expected)] == expected
    sends = [snd for s in data["backward"] for snd in s["sends"]]
    # every edge to a tensor that requires grad carries one contribution
    edges = sum(p.requires_grad for n in nodes for p in n._parents)
    assert len(sends) == edges
    for snd in sends:  # the k-th of n contributions; the last running sum is the gradient
        assert 1 <= snd["k"] <= snd["n"]
        if snd["k"] == snd["n"]:
            assert snd["sum"]["norm"] == pytest.approx(data["nodes"][snd["to"]]["grad"]["norm"])
    assert any(snd["n"] >= 2 for snd in sends)  # cross_entropy uses its input twice


def test_page_clusters_units_and_rules(lenet_page):
    model, x, y, loss, path, data = lenet_page
    assert data["all_open"] is True
    assert len(data["units"]) == 71  # every composite open: one drawn node per tensor
    names = {c["name"] for c in data["clusters"]}
    assert {"conv2d", "avg_pool2d", "linear", "cross_entropy", "LeNet5", "Conv2d"} <= names
    closed = {c["name"] for c in data["clusters"] if not c["open"]}
    assert closed == {"conv2d", "avg_pool2d", "linear", "cross_entropy"}  # expand=() default
    rules = {n["op"]: n["rule"] for n in data["nodes"] if n["op"]}
    assert rules["matmul"].startswith("matmul: ") and "dz/d" in rules["add"]
    checked = [n["gradcheck"] for n in data["nodes"] if n.get("gradcheck") is not None]
    assert len(checked) > 30 and max(checked) < 1e-5
    weight = next(n for n in data["nodes"] if n["name"] == "features.c1.weight")
    assert weight["grad_img"]["layout"].startswith("1 x 6 tiles of 5x5")


def test_page_forward_order_puts_every_node_after_its_inputs(lenet_page):
    model, x, y, loss, path, data = lenet_page
    order = data["forward"]
    assert sorted(order) == list(range(len(data["nodes"])))
    position = {i: k for k, i in enumerate(order)}
    for n in data["nodes"]:
        assert all(position[p] < position[n["id"]] for p in n["parents"])
    assert order[-1] == len(data["nodes"]) - 1  # the loss comes last


def test_page_is_self_contained(lenet_page):
    text = lenet_page[4].read_text(encoding="utf-8")
    assert "<svg" in text and "<script>" in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)  # nothing fetched
    assert text.count('id="graph-data"') == 1
    assert "const Layout" in text  # the layout of closed boxes (explore_page/layout.js)


@needs_dot
def test_page_of_a_value_graph_shows_running_sums(tmp_path):
    a, b = mg.Value(2.0, label="a"), mg.Value(-3.0, label="b")
    c = (a * b + b**2).relu()
    data = page_data(mg.viz.explore(c, tmp_path / "c.html"))
    assert data["engine"] == "scalar"
    b_id = next(n["id"] for n in data["nodes"] if n["title"] == "b")
    arrivals = [s for step in data["backward"] for s in step["sends"] if s["to"] == b_id]
    assert [(s["g"]["v"], s["sum"]["v"], s["k"], s["n"]) for s in arrivals] == [
        (-6.0, -6.0, 1, 2),
        (2.0, -4.0, 2, 2),
    ]
    assert data["nodes"][b_id]["grad"]["v"] == -4.0
    mul = next(n for n in data["nodes"] if n["op"] == "*" and n["value"]["v"] == -6.0)
    assert mul["rule"].startswith("*: z = x * y") and mul["local"] == [-3.0, 2.0]


@needs_dot
def test_names_cannot_break_out_of_the_json_script(tmp_path):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    path = mg.viz.explore((x * x).sum(), tmp_path / "x.html", names={x: "</script><b>x"})
    text = path.read_text(encoding="utf-8")
    assert "</script><b>x" not in text
    assert page_data(path)["nodes"][0]["name"] == "</script><b>x"


# --------------------------------------------------------------------------------------------
# Refusals


@needs_dot
def test_too_many_nodes_is_refused_and_layout_falls_back_to_closed_composites(tmp_path):
    mg.manual_seed(0)
    model, x, y, loss = lenet_step(2, retain_graph=True)
    with pytest.raises(ValueError, match=r"explore: .*max_nodes=10.*--|explore: .*max_nodes=10"):
        mg.viz.explore(loss, tmp_path / "a.html", modules=model, max_nodes=10)
    assert not (tmp_path / "a.html").exists()
    data = page_data(mg.viz.explore(loss, tmp_path / "b.html", modules=model, max_nodes=40))
    assert data["all_open"] is False and len(data["units"]) <= 40
    assert len(data["nodes"]) == 71  # every tensor is still described


def test_bad_arguments_are_refused_with_what_to_do(tmp_path):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="single number"):
        mg.viz.explore(x * 2, tmp_path / "a.html")
    with pytest.raises(ValueError, match="does not require grad"):
        mg.viz.explore(mg.tensor(1.0) * 2, tmp_path / "a.html")
    with pytest.raises(ValueError, match=r"HTML file.*\.html"):
        mg.viz.explore((x * x).sum(), tmp_path / "a.svg")
    with pytest.raises(TypeError, match="Tensor or a Value"):
        mg.viz.explore([1.0], tmp_path / "a.html")
    with pytest.raises(TypeError, match="apply to tensors"):
        mg.viz.explore(mg.Value(1.0) * 2, tmp_path / "a.html", expand=True)
    with pytest.raises(ValueError, match="max_nodes"):
        mg.viz.explore((x * x).sum(), tmp_path / "a.html", max_nodes=0)
    with pytest.raises(ValueError, match="depth="):
        mg.viz.explore((x * x).sum(), tmp_path / "a.html", depth=1)


@needs_dot
def test_a_freed_graph_is_refused_with_how_to_keep_it(tmp_path):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (x.exp() * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match=r"before loss\.backward\(\).*retain_graph=True"):
        mg.viz.explore(loss, tmp_path / "a.html")


# --------------------------------------------------------------------------------------------
# Heatmaps


def decode(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def colour(index: int) -> list[int]:
    return list(PALETTE[3 * index : 3 * index + 3])


def test_heatmap_colours_read_sign_and_scale():
    a = np.array([[-2.0, 0.0], [1.0, 2.0]])
    h = heatmap(a)
    pixels = decode(h.png)
    assert pixels.shape == (2, 2, 3) and h.scale == 2.0
    assert list(pixels[0, 0]) == colour(0)  # most negative: full blue
    assert list(pixels[0, 1]) == colour(LEVELS // 2) == [247, 247, 247]  # zero: white
    assert list(pixels[1, 1]) == colour(LEVELS - 1)  # most positive: full red
    assert pixels[1, 0, 0] > pixels[1, 0, 2]  # +1: reddish, lighter than +2
    assert pixels[1, 0, 1] > pixels[1, 1, 1]


def test_heatmap_tiles_filters_and_marks_non_finite():
    w = np.random.default_rng(0).standard_normal((6, 1, 5, 5))
    w[2, 0, 1, 1] = np.nan
    h = heatmap(w)
    pixels = decode(h.png)
    assert pixels.shape == (5, 6 * 6 - 1, 3)  # one row of six 5x5 tiles, 1-pixel gaps
    assert h.layout.startswith("1 x 6 tiles of 5x5")
    assert list(pixels[0, 5]) == colour(GAP)
    assert list(pixels[1, 2 * 6 + 1]) == colour(NONFINITE) == [0, 0, 0]
    batch = heatmap(np.ones((8, 6, 28, 28)))
    assert max(batch.width, batch.height) <= 160  # shrunk by averaging
    assert heatmap(np.array(3.0)) is None and heatmap(np.array([1.0])) is None


def test_png_writer_refuses_what_it_cannot_write():
    with pytest.raises(ValueError, match="2-d uint8"):
        png_indexed(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="palette"):
        png_indexed(np.zeros((2, 2), np.uint8), palette=b"\x00\x00")


# --------------------------------------------------------------------------------------------
# The command


@needs_dot
def test_graph_command_writes_the_page_with_the_graph_options(tmp_path, capsys):
    page = tmp_path / "lenet.html"
    args = ["graph", "lenet", "--html", str(page), "--depth", "2", "--batch-size", "4"]
    args += ["--rankdir", "LR"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "interactive page written to" in out and str(page) in out
    data = page_data(page)
    assert len(data["nodes"]) == 71 and not (tmp_path / "lenet.svg").exists()
    closed = {c["name"] for c in data["clusters"] if not c["open"]}
    assert {"Conv2d", "Tanh", "AvgPool2d", "Linear"} <= closed  # depth 2: each layer closed
    assert data["rankdir"] == "LR"  # the page lays closed boxes out along the flow
    assert "<title>LeNet-5, one training step on 4 digits" in page.read_text(encoding="utf-8")


@needs_dot
def test_graph_command_writes_page_and_picture_when_both_are_asked(tmp_path):
    page, picture = tmp_path / "p.html", tmp_path / "p.svg"
    assert main(["graph", "lenet", "--html", str(page), "--out", str(picture)]) == 0
    assert page.stat().st_size > 10_000 and picture.read_text().startswith("<?xml")


@needs_dot
def test_graph_command_html_without_a_name_writes_out_lenet_html(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "lenet", "--html", "--batch-size", "2"]) == 0
    assert len(page_data(tmp_path / "out" / "lenet.html")["nodes"]) == 71
    assert not (tmp_path / "out" / "lenet.svg").exists()


def test_graph_command_refuses_a_page_name_without_html(tmp_path):
    with pytest.raises(SystemExit, match=r"--html names a page ending in \.html"):
        main(["graph", "lenet", "--html", str(tmp_path / "p.svg")])


def test_graph_command_given_a_folder_names_a_file_to_write(tmp_path, capsys):
    """A folder given to --out or --html is refused before any work, with the file name to
    give instead (it used to fail after the drawing with "unknown picture format ''")."""
    with pytest.raises(SystemExit) as stop:
        main(["graph", "lenet", "--html", "--out", str(tmp_path)])
    assert str(stop.value) == (
        f"minigrad graph: --out names a picture file ending in .svg, .png, .pdf or .dot, "
        f"got {tmp_path} ({tmp_path} is a folder: name a file in it, such as "
        f"{tmp_path / 'lenet.svg'})"
    )
    with pytest.raises(SystemExit, match=r"--html names a page ending in \.html, got .*"
                       r"is a folder: name a file in it, such as .*lenet\.html"):  # fmt: skip
        main(["graph", "lenet", "--html", str(tmp_path)])
    with pytest.raises(SystemExit, match=r"--out names a picture file .* got out/lenet\.jpg$"):
        main(["graph", "lenet", "--out", "out/lenet.jpg"])
    assert not list(tmp_path.iterdir())  # nothing was written


def test_graph_command_without_graphviz_says_how_to_install(tmp_path, monkeypatch, capsys):
    from minigrad.viz import graph as graph_module

    def no_dot(self, *args, **kwargs):
        raise graph_module.GraphvizNotFound(graph_module.INSTALL_HINT)

    monkeypatch.setattr(graph_module.Graph, "pipe", no_dot)
    assert main(["graph", "lenet", "--html", str(tmp_path / "p.html")]) == 1
    assert "apt-get install graphviz" in capsys.readouterr().out
    assert not (tmp_path / "p.html").exists()


def test_expand_false_draws_the_default_page_and_true_opens_every_composite(tmp_path):
    """expand=False means no composite starts open, as the default expand=() does (it used to
    fail while building the clusters); expand=True opens them all."""
    mg.manual_seed(0)
    layer = mg.nn.Linear(4, 3)
    loss = mg.nn.functional.cross_entropy(layer(mg.randn(2, 4)), mg.tensor([0, 2]))
    pages = {}
    for expand in ((), False, True):
        path = mg.viz.explore(loss, tmp_path / f"{expand}.html", modules=layer, expand=expand)
        pages[expand] = page_data(path)
    assert pages[False] == pages[()]
    composites = {"linear", "cross_entropy"}
    closed = {c["name"] for c in pages[()]["clusters"] if not c["open"]}
    assert composites <= closed
    assert not any(c["name"] in composites and not c["open"] for c in pages[True]["clusters"])
