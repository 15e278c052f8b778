"""Pictures of tensor graphs: exact DOT nodes and edges in each mode, clusters, depth,
composite boxes, gradient colours, the per-node gradcheck, limits and rendering."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

import minigrad as mg
from minigrad import autograd
from minigrad.autograd import Function
from minigrad.nn.module import Module, Parameter
from minigrad.viz.graph import GraphvizNotFound
from minigrad.viz.health import GRAD_BINS, GRADCHECK_BINS
from minigrad.viz.tensor_graph import STYLE

NODE = re.compile(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$')
EDGE = re.compile(r"^\s*(\w+) -> (\w+)")


def parse(source: str):
    """(nodes {id: label}, edges [(a, b)], clusters {node id: [cluster labels, outermost first]},
    attrs {id: rest of the attribute text})."""
    nodes, attrs, edges, where = {}, {}, [], {}
    stack: list[str] = []
    for line in source.splitlines():
        if line.strip().startswith("subgraph cluster_"):
            stack.append("?")
            continue
        if stack and re.match(r"^\s*(color=|fontname=|label=)", line) and stack[-1] == "?":
            m = re.search(r'label=("(?:[^"\\]|\\.)*"|\w+)', line)
            stack[-1] = m.group(1).strip('"') if m else ""
            continue
        if line.strip() == "}":
            if stack:
                stack.pop()
            continue
        m = NODE.match(line)
        if m:
            nodes[m.group(1)] = m.group(2).replace("\\n", " | ")
            attrs[m.group(1)] = m.group(3)
            where[m.group(1)] = list(stack)
            continue
        m = EDGE.match(line)
        if m:
            edges.append((m.group(1), m.group(2)))
    return nodes, edges, where, attrs


def labelled_edges(source: str) -> list[tuple[str, str]]:
    nodes, edges, _, _ = parse(source)
    return [(nodes[a], nodes[b]) for a, b in edges]


def affine_graph():
    """loss = sum(x @ w + b) with x (1, 2), w (2, 2), b (2,)."""
    x = mg.tensor([[1.0, 2.0]])
    w = mg.tensor([[1.0, -1.0], [0.5, 2.0]], requires_grad=True)
    b = mg.tensor([0.0, 1.0], requires_grad=True)
    loss = (x @ w + b).sum()
    return loss, {x: "x", w: "w", b: "b"}


# --- plain graphs, forward and backward ---------------------------------------------------------


def test_forward_graph_nodes_and_edges_are_exact():
    loss, names = affine_graph()
    nodes, edges, _, _ = parse(mg.viz.draw(loss, names=names).source)
    assert sorted(nodes.values()) == sorted(
        [
            "x | (1, 2) float32",
            "w | (2, 2) float32",
            "matmul | (1, 2)",
            "b | (2) float32",
            "add | (1, 2)",
            "sum | scalar",
        ]
    )
    assert sorted(labelled_edges(mg.viz.draw(loss, names=names).source)) == sorted(
        [
            ("x | (1, 2) float32", "matmul | (1, 2)"),
            ("w | (2, 2) float32", "matmul | (1, 2)"),
            ("matmul | (1, 2)", "add | (1, 2)"),
            ("b | (2) float32", "add | (1, 2)"),
            ("add | (1, 2)", "sum | scalar"),
        ]
    )
    assert len(edges) == 5


def test_backward_view_reverses_edges_and_drops_what_gets_no_gradient():
    loss, names = affine_graph()
    src = mg.viz.draw(loss, names=names, view="backward").source
    assert sorted(labelled_edges(src)) == sorted(
        [
            ("sum backward | scalar", "add backward | (1, 2)"),
            ("add backward | (1, 2)", "matmul backward | (1, 2)"),
            ("add backward | (1, 2)", "b | (2) float32"),
            ("matmul backward | (1, 2)", "w | (2, 2) float32"),
        ]
    )
    assert "x |" not in src  # x is a constant: the engine sends it no gradient


def test_picture_is_the_same_text_on_every_run():
    sources = set()
    for _ in range(2):
        loss, names = affine_graph()
        with autograd.retain_grads():
            loss.backward()
        sources.add(mg.viz.draw(loss, names=names, show="both", color="grad").source)
    assert len(sources) == 1


def test_show_data_and_grad_summaries():
    loss, names = affine_graph()
    with autograd.retain_grads():
        loss.backward()
    nodes, _, _, _ = parse(mg.viz.draw(loss, names=names, show="both").source)
    labels = set(nodes.values())
    # x @ w = [2, 3]; + b = [2, 4]; d loss / d w = x^T [1, 1]
    assert "add | (1, 2) | data [2, 4] | grad [1, 1]" in labels
    assert "w | (2, 2) float32 | data [1, -1, 0.5, 2] | grad [1, 1, 2, 2]" in labels
    assert "x | (1, 2) float32 | data [1, 2]" in labels  # a constant has no grad line
    assert "sum | scalar | data 6 | grad 1" in labels


def test_show_summarises_more_than_six_numbers_with_min_mean_max():
    x = mg.arange(8).float().requires_grad_()
    loss = (x * 2.0).sum()
    nodes, _, _, _ = parse(
        mg.viz.draw(loss, names={x: "x"}, show="both", compute_grads=True).source
    )
    assert "x | (8) float32 | data min 0  mean 3.5  max 7 | grad all 2" in nodes.values()


def test_intermediate_grads_need_retain_grads_or_compute_grads():
    loss, names = affine_graph()
    loss.backward()  # without retain_grads only leaves keep .grad
    nodes, _, _, _ = parse(mg.viz.draw(loss, names=names, show="grad").source)
    assert "add | (1, 2) | grad (not kept)" in nodes.values()
    assert "b | (2) float32 | grad [1, 1]" in nodes.values()

    loss, names = affine_graph()
    nodes, _, _, _ = parse(mg.viz.draw(loss, names=names, show="grad", compute_grads=True).source)
    assert "add | (1, 2) | grad [1, 1]" in nodes.values()
    assert all(t.grad is None for t in names)  # draw's own backward touches no .grad


def test_bad_options_say_what_is_expected():
    loss, _ = affine_graph()
    with pytest.raises(ValueError, match="view must be 'forward' or 'backward'"):
        mg.viz.draw(loss, view="sideways")
    with pytest.raises(ValueError, match="show must be"):
        mg.viz.draw(loss, show="values")
    with pytest.raises(ValueError, match="pass modules=model"):
        mg.viz.draw(loss, depth=1)
    with pytest.raises(ValueError, match="color must be"):
        mg.viz.draw(loss, color="rainbow")


# --- composite ops ------------------------------------------------------------------------------


@autograd.composite("affine")
def affine(x, w, b):
    return x @ w + b


def composite_graph():
    x = mg.tensor([[1.0, 2.0]], requires_grad=True)
    w = mg.tensor([[1.0, -1.0], [0.5, 2.0]], requires_grad=True)
    b = mg.tensor([0.0, 1.0], requires_grad=True)
    return affine(x, w, b).tanh().sum(), {x: "x", w: "w", b: "b"}


def test_composite_is_one_box_by_default():
    loss, names = composite_graph()
    src = mg.viz.draw(loss, names=names).source
    assert sorted(labelled_edges(src)) == sorted(
        [
            ("x | (1, 2) float32", "affine | (1, 2)"),
            ("w | (2, 2) float32", "affine | (1, 2)"),
            ("b | (2) float32", "affine | (1, 2)"),
            ("affine | (1, 2)", "tanh | (1, 2)"),
            ("tanh | (1, 2)", "sum | scalar"),
        ]
    )
    assert "box3d" in src


def test_expanded_composite_shows_its_primitives_in_a_dashed_frame():
    loss, names = composite_graph()
    src = mg.viz.draw(loss, names=names, expand={"affine"}).source
    nodes, _, where, _ = parse(src)
    assert sorted(labelled_edges(src)) == sorted(
        [
            ("x | (1, 2) float32", "matmul | (1, 2)"),
            ("w | (2, 2) float32", "matmul | (1, 2)"),
            ("matmul | (1, 2)", "add | (1, 2)"),
            ("b | (2) float32", "add | (1, 2)"),
            ("add | (1, 2)", "tanh | (1, 2)"),
            ("tanh | (1, 2)", "sum | scalar"),
        ]
    )
    inside = {nodes[k] for k, w in where.items() if w == ["affine (expanded)"]}
    assert inside == {"matmul | (1, 2)", "add | (1, 2)"}  # leaves stay outside the frame
    assert mg.viz.draw(loss, names=names, expand=True).source == src


# --- modules: clusters and depth ----------------------------------------------------------------


class Scale(Module):
    def __init__(self, k: float) -> None:
        super().__init__()
        self.weight = Parameter(np.full((2,), k))

    def forward(self, x):
        return x * self.weight

    def extra_repr(self) -> str:
        return f"k={float(self.weight.numpy()[0]):g}"


class Block(Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = Scale(2.0)
        self.second = Scale(3.0)

    def forward(self, x):
        return self.second(self.first(x)).tanh()


class Net(Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.head = Scale(0.5)

    def forward(self, x):
        return self.head(self.block(x))


def module_graph():
    model = Net()
    x = mg.tensor([1.0, -1.0])
    loss = model(x).sum()
    return model, x, loss


def test_clusters_are_labelled_by_module_name_and_repr():
    model, x, loss = module_graph()
    src = mg.viz.draw(loss, params=dict(model.named_parameters()), names={x: "x"}, modules=model)
    nodes, _, where, _ = parse(src.source)
    placed = sorted((nodes[k], tuple(w)) for k, w in where.items())
    first = ("Net", "block: Block", "block.first: Scale(k=2)")
    second = ("Net", "block: Block", "block.second: Scale(k=3)")
    head = ("Net", "head: Scale(k=0.5)")
    assert placed == sorted(
        [
            ("x | (2) float32", ()),
            ("weight | (2) float32", first),  # a parameter is named within its layer's frame
            ("mul | (2)", first),
            ("weight | (2) float32", second),
            ("mul | (2)", second),
            ("tanh | (2)", ("Net", "block: Block")),
            ("weight | (2) float32", head),
            ("mul | (2)", head),
            ("sum | scalar", ()),
        ]
    )
    w, m = "weight | (2) float32", "mul | (2)"
    assert sorted(labelled_edges(src.source)) == sorted(
        [("x | (2) float32", m), (w, m), (w, m), (w, m), (m, m), (m, "tanh | (2)")]
        + [("tanh | (2)", m), (m, "sum | scalar")]
    )
    muls = sorted(tuple(w) for k, w in where.items() if nodes[k] == "mul | (2)")
    assert muls == [
        ("Net", "block: Block", "block.first: Scale(k=2)"),
        ("Net", "block: Block", "block.second: Scale(k=3)"),
        ("Net", "head: Scale(k=0.5)"),
    ]


@pytest.fixture(scope="module")
def lenet_step():
    from minigrad.cli.graph import lenet_step

    return lenet_step(batch_size=2)


def innermost_module(labels: list[str]) -> str | None:
    """The name of the innermost layer cluster ('features.c1'), skipping expanded-op frames."""
    layers = [lbl for lbl in labels if not lbl.endswith("(expanded)")]
    return layers[-1].split(":")[0] if layers else None


def test_lenet_cluster_of_every_node_is_the_module_that_produced_it(lenet_step):
    model, x, y, loss = lenet_step
    name_of = {id(m): (n or type(m).__name__) for n, m in model.named_modules()}
    g = mg.viz.draw(loss, modules=model, expand=True, max_nodes=1000)
    _, _, where, _ = parse(g.source)
    from minigrad.autograd import every_node, topological_order

    checked = 0
    for i, t in enumerate(topological_order(loss, keep=every_node)):
        if t.grad_fn is None:
            continue
        layers = [f.obj for f in t.grad_fn.scope if f.kind == "module"]
        expected = name_of[id(layers[-1])] if layers else None
        assert innermost_module(where[f"t{i}"]) == expected, (t.grad_fn.name(), where[f"t{i}"])
        checked += 1
    assert checked > 50
    nodes, _, _, attrs = parse(g.source)
    drawn = sorted(  # every parameter is drawn inside its own layer, named within it
        innermost_module(where[k]) + "." + nodes[k].split(" | ")[0]
        for k in nodes
        if f'fillcolor="{STYLE["param"]}"' in attrs[k]
    )
    assert drawn == sorted(dict(model.named_parameters()))


@pytest.mark.parametrize("depth,layers", [(0, 1), (1, 2), (2, 12)])
def test_lenet_depth_collapses_into_one_box_per_module(lenet_step, depth, layers):
    model, x, y, loss = lenet_step
    src = mg.viz.draw(loss, modules=model, depth=depth).source
    nodes, edges, _, attrs = parse(src)
    boxes = [k for k in nodes if "peripheries=2" in attrs[k]]
    assert len(boxes) == layers
    assert [nodes[k] for k in nodes if k not in boxes] == ["cross_entropy | scalar"]
    assert len(edges) == layers  # a chain: box -> box -> ... -> loss


@pytest.mark.parametrize(
    "depth,boxes,ops",
    [(0, ["Net"], ["sum"]), (1, ["block: Block", "head: Scale(k=0.5)"], ["sum"])],
)
def test_depth_collapses_modules_below_it_into_one_box_each(depth, boxes, ops):
    model, x, loss = module_graph()
    src = mg.viz.draw(loss, names={x: "x"}, modules=model, depth=depth)
    nodes, edges, _, attrs = parse(src.source)
    drawn_boxes = [lbl.split(" | ")[0] for k, lbl in nodes.items() if "peripheries=2" in attrs[k]]
    assert drawn_boxes == boxes
    assert [lbl.split(" | ")[0] for k, lbl in nodes.items() if k.startswith("t")] == [
        "x"
    ] + ops  # the parameters went into their boxes; the input x stays outside
    assert len(edges) == len(boxes) + 1


def test_depth_two_keeps_the_layers_of_the_block_as_boxes():
    model, _, loss = module_graph()
    nodes, _, _, attrs = parse(mg.viz.draw(loss, modules=model, depth=2).source)
    boxes = sorted(lbl.split(" | ")[0] for k, lbl in nodes.items() if "peripheries" in attrs[k])
    assert boxes == ["block.first: Scale(k=2)", "block.second: Scale(k=3)"]


def test_max_nodes_guard_says_how_to_collapse():
    x = mg.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(30):
        y = y * 1.5
    with pytest.raises(ValueError, match=r"62 nodes \(max_nodes=20\).*depth=k"):
        mg.viz.draw(y.sum(), max_nodes=20)


# --- gradient health ----------------------------------------------------------------------------


def test_grad_colours_follow_the_log_scale_legend():
    u = mg.tensor([1.0, 1.0], requires_grad=True)
    v = mg.tensor([1.0, 1.0], requires_grad=True)
    loss = (u * 1e-5).sum() + (v * 1e3).sum()
    with autograd.retain_grads():
        loss.backward()
    src = mg.viz.draw(loss, names={u: "u", v: "v"}, color="grad").source
    nodes, _, _, attrs = parse(src)
    fill = {nodes[k]: re.search(r'fillcolor="([^"]+)"', attrs[k]).group(1) for k in nodes}
    assert fill["u | (2) float32 | |grad| 1.4e-05"] == GRAD_BINS[1][1]  # 1e-6 .. 1e-4
    assert fill["v | (2) float32 | |grad| 1.4e+03"] == GRAD_BINS[5][1]  # above 100
    assert fill["add | scalar | |grad| 1.0e+00"] == GRAD_BINS[4][1]  # 1 .. 100
    assert fill["constant 1000 | scalar float32"] == "#ffffff"  # constants get no colour
    assert "gradient norm" in src and "legend [label=<<TABLE" in src


def test_gradcheck_colouring_marks_the_broken_function_red_and_no_correct_one():
    class BrokenSquare(Function):
        """z = x^2, with the factor 2 of its derivative forgotten."""

        def forward(self, x):
            return x * x

        def backward(self, grad):
            return grad * self.inputs[0]

    x = mg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    loss = (BrokenSquare.apply(x.tanh()) * 3.0).exp().sum()
    nodes, _, _, attrs = parse(mg.viz.draw(loss, color="gradcheck").source)
    red = GRADCHECK_BINS[2][1]
    reds = [nodes[k].split(" | ")[0] for k in nodes if f'fillcolor="{red}"' in attrs[k]]
    assert reds == ["brokensquare"]
    greens = [nodes[k].split(" | ")[0] for k in nodes if GRADCHECK_BINS[0][1] in attrs[k]]
    assert sorted(greens) == ["exp", "mul", "sum", "tanh"]


# --- files, notebooks, missing Graphviz ---------------------------------------------------------


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("ext,magic", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_tensor_graph_renders_to_svg_and_png(tmp_path, ext, magic):
    loss, names = composite_graph()
    g = mg.viz.draw(loss, names=names, color="gradcheck")
    path = mg.viz.save(g, tmp_path / f"g.{ext}")
    assert magic in path.read_bytes()[:400]
    assert "<svg" in g._repr_svg_()


def test_without_dot_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "")
    loss, names = affine_graph()
    g = mg.viz.draw(loss, names=names)
    with pytest.raises(GraphvizNotFound, match="apt-get install graphviz"):
        mg.viz.save(g, tmp_path / "g.svg")
    assert mg.viz.save(g, tmp_path / "g.dot").read_text() == g.source  # DOT needs no `dot`
    assert "apt-get install graphviz" in g._repr_svg_()


def test_cli_graph_lenet_writes_the_picture(tmp_path, capsys):
    from minigrad.cli import main

    out = tmp_path / "lenet.dot"
    assert main(["graph", "lenet", "--out", str(out), "--depth", "2", "--batch-size", "2"]) == 0
    text = out.read_text()
    assert "features.c1: Conv2d(1, 6, kernel_size=5)" in text
    assert "loss" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="--depth K"):
        main(["graph", "lenet", "--out", str(out), "--expand", "conv2d", "--max-nodes", "10"])


def test_lenet_gradcheck_colouring_finds_every_op_correct(lenet_step):
    model, x, y, loss = lenet_step
    src = mg.viz.draw(loss, modules=model, expand=True, color="gradcheck", max_nodes=1000).source
    nodes, _, _, attrs = parse(src)
    ops = [k for k in nodes if "rel err" in nodes[k] or "not checked" in nodes[k]]
    assert len(ops) > 50
    green = [k for k in ops if GRADCHECK_BINS[0][1] in attrs[k]]
    assert green == ops  # permuted (non-contiguous) inputs too: each element is perturbed alone
