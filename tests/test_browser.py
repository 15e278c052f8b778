"""The explorer page in a real browser: Debian's Chromium, driven by selenium through Debian's
chromedriver (never a downloaded browser). `make test` installs both where it can (root with
apt-get, .ci/ensure-chromium.sh); elsewhere these tests skip with one line saying why.

On a LeNet-5 step page: no console errors, the node count is the Python graph's, the first
view shows the whole graph, clicking C1's weight shows its gradient norm, the backward
stepper visits the nodes in the engine's order and ends with every node marked, a closed
composite is a box the size of its label that opens into its frame and closes again, the
forward stepper runs, and no layout of open and closed boxes makes two things overlap. A
271-node page (a small ResNet, every composite open) loads whole, steps with the view
following, and closes its composites cleanly. Screenshots go to out/ (the README shows the
LeNet-5 one).

Each page is written once per module and loaded once per test; a test reads many facts in
one round trip to the browser (a script) where a reader would click many times.
"""

from __future__ import annotations

import numpy as np
import pytest
from browser import console_errors, open_page, screenshot

import minigrad as mg
from minigrad import autograd
from minigrad.autograd import every_node, topological_order
from minigrad.cli.graph import lenet_step

# The browser: one for the whole session, the `chromium` fixture in conftest.py (browser.py).


# --------------------------------------------------------------------------------------------
# The pages, written once per module


@pytest.fixture(scope="module")
def lenet(chromium, tmp_path_factory):
    mg.manual_seed(0)
    model, x, y, loss = lenet_step(8, retain_graph=True)
    path = tmp_path_factory.mktemp("browser") / "lenet.html"
    mg.viz.explore(loss, path, modules=model, names={x: "images", y: "labels"})
    nodes = topological_order(loss, keep=every_node)
    index = {id(n): i for i, n in enumerate(nodes)}
    order = [index[id(n)] for n in autograd.backward_order([loss]) if n.requires_grad]
    return {"model": model, "loss": loss, "path": path, "nodes": nodes, "order": order}


@pytest.fixture(scope="module")
def resnet(chromium, tmp_path_factory):
    """A small ResNet's step, every composite open: 271 drawn nodes. (16 x 16 images: the
    same graph as at 32 x 32, its statistics and heatmaps computed in a third of the time.)"""
    mg.manual_seed(0)
    model = mg.models.resnet_small(layers=(1, 1, 1))
    x, y = mg.randn(2, 1, 16, 16), mg.tensor([1, 2])
    loss = mg.functional.cross_entropy(model(x), y)
    path = tmp_path_factory.mktemp("browser") / "resnet.html"
    mg.viz.explore(loss, path, modules=model, expand=True)
    steps = sum(t.requires_grad for t in topological_order(loss, keep=every_node))
    return {"path": path, "steps": steps}


def load(chromium, page):
    errors = open_page(chromium, page["path"])
    assert chromium.execute_script("return document.body.dataset.ready") == "1"
    return errors


def click(driver, element):
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).move_to_element(element).click().perform()


def shown(driver, element) -> bool:
    """Rendered (not display: none), whether or not it is inside the panned view."""
    return driver.execute_script(
        "return getComputedStyle(arguments[0]).display !== 'none'", element
    )


def find_unit(driver, node_id: int):
    from selenium.webdriver.common.by import By

    key = driver.execute_script(
        "const d = JSON.parse(document.getElementById('graph-data').textContent);"
        "return d.nodes[arguments[0]].unit",
        node_id,
    )
    return driver.find_element(By.CSS_SELECTOR, f'g.unit[data-unit="{key}"]')


# Scripts run in the page. Rectangles are on the screen, in CSS pixels.
SCRIPT_HELPERS = """
const data = JSON.parse(document.getElementById('graph-data').textContent);
const drawn = (el) => !!el && getComputedStyle(el).display !== 'none'
  && !el.closest('.hidden, .merged');
const box = (el) => { const r = el.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom]; };
const outline = (g) => box(g.querySelector(':scope > rect, :scope > path, :scope > polygon'));
const things = () => [...document.querySelectorAll('g.unit, g.overlay')].filter(drawn);
const name = (el) => el.dataset.unit || `box ${el.dataset.cluster}`;
const overlay = (id) => document.querySelector(`g.overlay[data-cluster="${id}"]`);
const toggle = (id) => document.querySelector(`g.toggle[data-cluster="${id}"]`);
const press = (el) => el.dispatchEvent(new MouseEvent('click', {bubbles: true}));
const scale = () => document.getElementById('view').clientWidth
  / document.querySelector('#view > svg').viewBox.baseVal.width;
"""

# Everything drawn lies inside the window's view of the graph: [names outside].
OUTSIDE_THE_VIEW = (
    SCRIPT_HELPERS
    + """
const v = box(document.getElementById('view'));
return things().filter((el) => { const r = box(el);
  return r[0] < v[0] || r[1] < v[1] || r[2] > v[2] || r[3] > v[3]; }).map(name);
"""
)

# What is wrong with the layout now: two nodes or boxes that overlap, a node or box that
# straddles a frame's border, two frames that cross, an edge that does not start at the thing
# it comes from or does not end (its arrowhead's tip) at the thing it goes to.
LAYOUT_PROBLEMS = (
    SCRIPT_HELPERS
    + """
const problems = [];
const cut = (a, b) => a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5
  && b[1] < a[3] - 0.5;
const within = (a, b) => a[0] >= b[0] - 0.5 && a[1] >= b[1] - 0.5 && a[2] <= b[2] + 0.5
  && a[3] <= b[3] + 0.5;
const items = things(), boxes = items.map(outline);
const frames = [...document.querySelectorAll('g.cluster')].filter(drawn).map(outline);
boxes.forEach((a, i) => boxes.forEach((b, j) => {
  if (i < j && cut(a, b)) problems.push(`${name(items[i])} overlaps ${name(items[j])}`);
}));
boxes.forEach((a, i) => frames.forEach((f) => {
  if (cut(a, f) && !within(a, f)) problems.push(`${name(items[i])} straddles a frame`);
}));
frames.forEach((a, i) => frames.forEach((b, j) => {
  if (i < j && cut(a, b) && !within(a, b) && !within(b, a)) problems.push('two frames cross');
}));
// Where an end of an edge is shown: its node, or the closed box that hides it.
const units = new Map(data.units.map((u) => [u.key, u]));
const shownAs = (key) => {
  const g = document.querySelector(`g.unit[data-unit="${key}"]`);
  if (drawn(g)) return g;
  return units.get(key).path.map(overlay).find(drawn);
};
const gap = (p, r) => Math.hypot(Math.max(r[0] - p[0], 0, p[0] - r[2]),
  Math.max(r[1] - p[1], 0, p[1] - r[3]));
for (const e of document.querySelectorAll('g.edge')) {
  if (!drawn(e) || !e.dataset.tail) continue;
  const path = e.querySelector('path'), m = path.getScreenCTM();
  const onScreen = (p) => {
    const q = new DOMPoint(p.x, p.y).matrixTransform(m);
    return [q.x, q.y];
  };
  const start = onScreen(path.getPointAtLength(0));
  const tail = outline(shownAs(e.dataset.tail)), head = outline(shownAs(e.dataset.head));
  const tips = [...e.querySelectorAll('polygon')].flatMap((a) => a.points.length
    ? [...a.points].map(onScreen) : []);
  const near = 2 * m.a; // two units of the drawing
  if (gap(start, tail) > near) problems.push(`an edge starts off ${e.dataset.tail}`);
  if (!tips.some((p) => gap(p, head) <= near)) problems.push(`an edge misses ${e.dataset.head}`);
}
return problems;
"""
)


# --------------------------------------------------------------------------------------------
# The layout's geometry (explore_page/layout.js), on pieces small enough to work out by hand


def test_a_closed_box_shrinks_to_its_label_and_what_follows_moves_up_by_the_difference(
    chromium,
):
    from importlib import resources

    layout = resources.files("minigrad.viz").joinpath("explore_page", "layout.js").read_text()
    result = chromium.execute_script(
        layout.replace('"use strict";', "")
        + """
const rigid = (x0, y0, x1, y1) => ({kind: 'rigid', lo: [x0, y0], hi: [x1, y1], parent: -1});
const box = {kind: 'box', lo: [0, 50], hi: [200, 450], parent: -1, want: [80, 40],
             align: [100, 440]};
// a node above, a composite 200 x 400 closed into an 80 x 40 box (its output at x 100),
// a node below, and a node beside the box's top
const pieces = [rigid(70, 0, 130, 36), box, rigid(70, 464, 130, 500), rigid(220, 60, 300, 96)];
const open = Layout.place(pieces.filter((p) => p !== box), 1);
const closed = Layout.place(pieces, 1);
return [open.still, open.rects, closed.still, closed.rects, closed.fy(500)];
"""
    )
    still, rects, closed_still, closed, bottom = result

    def size(r):
        return r[2] - r[0], r[3] - r[1]

    assert still and rects == [[70, 0, 130, 36], [70, 464, 130, 500], [220, 60, 300, 96]]
    assert not closed_still
    above, b, below, beside = closed
    assert size(b) == (80, 40)  # the label's size, not 200 x 400
    assert size(above) == size(below) == (60, 36) and size(beside) == (80, 36)
    # Along the flow: 14 units from the node above, then 10 of room, the box, 10 of room,
    # 14 units to the node below, which moved up by all the box gave back.
    assert above[1] == 0 and b[1] == pytest.approx(36 + 14 + 10)
    assert below[1] == pytest.approx(b[3] + 10 + 14) and bottom == pytest.approx(below[3])
    # Across it: the box stays under the nodes above and below (its output's column), the
    # empty columns on either side of them close up, the node beside keeps its 20 units.
    assert (b[0] + b[2]) / 2 == pytest.approx((above[0] + above[2]) / 2)
    assert above[0] == below[0] and beside[0] - b[2] == pytest.approx(20)
    assert b[1] < beside[3] and beside[1] < b[3]  # still side by side


# --------------------------------------------------------------------------------------------
# A LeNet-5 step page


def test_lenet_page_loads_whole_without_errors_and_counts_the_pythons_nodes(chromium, lenet):
    assert load(chromium, lenet) == []
    counts = chromium.find_element("id", "counts")
    assert int(counts.get_attribute("data-nodes")) == len(lenet["nodes"]) == 71
    assert f"{len(lenet['nodes'])} tensors" in counts.text
    drawn = chromium.execute_script("return document.querySelectorAll('svg g.unit').length")
    assert drawn == int(counts.get_attribute("data-drawn")) == 71
    # The first view is the whole graph (not the output, zoomed in): every box in the window.
    assert chromium.execute_script(OUTSIDE_THE_VIEW) == []
    assert chromium.execute_script(LAYOUT_PROBLEMS) == []


def test_clicking_conv1_weight_shows_the_gradient_norm_python_computes(chromium, lenet):
    load(chromium, lenet)
    model, nodes = lenet["model"], lenet["nodes"]
    weight = model.features.c1.weight
    node_id = next(i for i, n in enumerate(nodes) if n is weight)
    click(chromium, find_unit(chromium, node_id))  # in the first view, as it opens
    details = chromium.find_element("id", "details")
    assert details.get_attribute("data-node") == str(node_id)
    assert "features.c1.weight" in details.text and "(6, 1, 5, 5)" in details.text
    shown = float(details.find_element("css selector", '[data-stat="grad.norm"]').text)
    # lenet_step ran loss.backward() in Python; the page ran the engine's walk on its own
    expected = float(np.linalg.norm(weight.grad.numpy().astype(np.float64)))
    assert f"{shown:.4g}" == f"{expected:.4g}"
    images = details.find_elements("css selector", "img[data-heatmap]")
    assert [i.get_attribute("data-heatmap") for i in images] == ["value", "gradient"]
    for image in images:  # six 5x5 filters in a row, 1-pixel gaps
        assert chromium.execute_script("return arguments[0].naturalWidth", image) == 35
    assert console_errors(chromium) == []


def test_backward_stepper_visits_the_engines_order_and_marks_every_node(chromium, lenet):
    from selenium.webdriver.common.keys import Keys

    load(chromium, lenet)
    step = chromium.find_element("id", "step")
    body = chromium.find_element("tag name", "body")
    visited = []
    for k in range(4):  # the button and the key, as a reader steps
        if k < 2:
            chromium.find_element("id", "next").click()
        else:
            body.send_keys(Keys.ARROW_RIGHT)
        visited.append(int(step.get_attribute("data-node")))
    visited += chromium.execute_script(  # the rest in one round trip
        "const seen = [];"
        "for (let k = 0; k < arguments[0]; k++) {"
        "  document.getElementById('next').click();"
        "  seen.push(Number(document.getElementById('step').dataset.node));"
        "}"
        "return seen;",
        len(lenet["order"]) - 4,
    )
    assert visited == lenet["order"]
    assert chromium.find_element("id", "next").get_attribute("disabled") is not None
    assert chromium.find_element("id", "counter").text == f"step {len(visited)} / {len(visited)}"
    # Composites start closed: each closed box is marked done as a whole.
    boxes = chromium.find_elements("css selector", "g.overlay:not(.hidden)")
    assert len(boxes) == 8  # conv2d x3, avg_pool2d x2, linear x2, cross_entropy
    assert all("done" in b.get_attribute("class") for b in boxes)
    chromium.find_element("id", "open-all").click()  # every node visible, every one marked
    marked = chromium.execute_script(
        "return [...document.querySelectorAll('g.unit.done')].map(g => g.dataset.unit)"
    )
    with_grad = {lenet["nodes"][i] for i in lenet["order"]}
    assert len(marked) == len(with_grad) == 65
    badges = chromium.execute_script(
        "return [...document.querySelectorAll('g.badge text')].map(t => t.textContent)"
    )
    assert "\u03a3 2/2" in badges  # a node used twice got both contributions
    body.send_keys(Keys.ARROW_LEFT)
    assert int(step.get_attribute("data-node")) == lenet["order"][-2]
    assert console_errors(chromium) == []


def test_a_closed_composite_is_a_box_its_label_fits_and_opens_into_its_frame(chromium, lenet):
    load(chromium, lenet)
    # cross_entropy: 13 nodes inside; a plain node (an op, drawn) is the measure of a box.
    cluster, units, plain = chromium.execute_script(
        SCRIPT_HELPERS + "const c = data.clusters.find(c => c.name === 'cross_entropy');"
        "const op = data.units.find(u => u.kind === 'op'"
        "  && drawn(document.querySelector(`g.unit[data-unit='${u.key}']`)));"
        "return [c.id, c.nodes.map(i => data.nodes[i].unit), op.key];"
    )
    overlay = chromium.find_element("css selector", f'g.overlay[data-cluster="{cluster}"]')
    toggle = chromium.find_element("css selector", f'g.toggle[data-cluster="{cluster}"]')
    measure = (
        SCRIPT_HELPERS
        + """
const [id, units, plain] = arguments;
const o = overlay(id), frame = document.querySelector(`g.cluster[data-cluster='${id}']`);
return {
  inside: units.map((k) => drawn(document.querySelector(`g.unit[data-unit='${k}']`))),
  box: drawn(o) ? outline(o) : null, frame: drawn(frame) ? outline(frame) : null,
  toggle: drawn(toggle(id)), lines: [...o.querySelectorAll('text')].map((t) => t.textContent),
  label: [...o.querySelectorAll('text.name, text.note')].map(box),
  node: outline(document.querySelector(`g.unit[data-unit='${plain}']`)),
  drawing: document.querySelector('#view > svg g.graph').getBBox().height,
};
"""
    )
    closed = chromium.execute_script(measure, cluster, units, plain)
    assert not any(closed["inside"]) and closed["box"] and not closed["frame"]
    b, node = closed["box"], closed["node"]
    # As tall as a node and as wide as its label, not as large as its 13 nodes opened.
    assert b[3] - b[1] < 1.5 * (node[3] - node[1])
    assert not closed["toggle"] and closed["lines"][:2] == ["cross_entropy", "scalar"]
    for t in closed["label"]:
        assert b[0] <= t[0] and t[2] <= b[2] and b[1] <= t[1] and t[3] <= b[3]
    assert b[2] - b[0] < max(t[2] - t[0] for t in closed["label"]) + 40
    click(chromium, overlay)
    opened = chromium.execute_script(measure, cluster, units, plain)
    assert all(opened["inside"]) and opened["box"] is None and opened["toggle"]
    f = opened["frame"]
    assert f[3] - f[1] > 5 * (node[3] - node[1])  # its 13 nodes, laid out again
    assert opened["drawing"] > closed["drawing"]  # the drawing made room for them
    # The frame opens where the box was: its top centre stays put on the screen.
    assert (f[0] + f[2]) / 2 == pytest.approx((b[0] + b[2]) / 2, abs=1)
    assert f[1] == pytest.approx(b[1], abs=1)
    assert chromium.execute_script(LAYOUT_PROBLEMS) == []
    click(chromium, toggle)
    again = chromium.execute_script(measure, cluster, units, plain)
    assert not any(again["inside"]) and again["frame"] is None
    assert again["drawing"] == pytest.approx(closed["drawing"])
    assert again["box"][3] - again["box"][1] == pytest.approx(b[3] - b[1])
    assert console_errors(chromium) == []


def test_forward_stepper_computes_each_node_after_its_inputs(chromium, lenet):
    from selenium.webdriver.common.keys import Keys

    load(chromium, lenet)
    body = chromium.find_element("tag name", "body")
    body.send_keys("f")
    assert "on" in chromium.find_element("id", "mode-forward").get_attribute("class")
    step = chromium.find_element("id", "step")
    seen = []
    for _ in range(2):
        body.send_keys(Keys.ARROW_RIGHT)
        seen.append(int(step.get_attribute("data-node")))
    seen += chromium.execute_script(
        "const seen = [];"
        "for (let k = 0; k < arguments[0]; k++) {"
        "  document.getElementById('next').click();"
        "  seen.push(Number(document.getElementById('step').dataset.node));"
        "}"
        "return seen;",
        len(lenet["nodes"]) - 2,
    )
    position = {i: k for k, i in enumerate(seen)}
    index = {id(n): i for i, n in enumerate(lenet["nodes"])}
    for i, n in enumerate(lenet["nodes"]):
        assert all(position[index[id(p)]] < position[i] for p in n._parents)
    chromium.find_element("id", "open-all").click()
    computed = chromium.execute_script("return document.querySelectorAll('g.unit.computed').length")
    assert computed == len(lenet["nodes"]) - 1  # all, the last one being the current step
    assert console_errors(chromium) == []


# Open each composite alone, then all, then close the ops, then every frame: after each
# change, [(what was done, the layout's problems, how many nodes were moved)].
EVERY_LAYOUT = (
    SCRIPT_HELPERS
    + """
const check = new Function(arguments[0]);
const moved = () => document.querySelectorAll('g.unit[transform]').length;
const out = [['first view', check(), moved()]];
for (const c of data.clusters.filter((c) => !c.open)) {
  press(overlay(c.id));
  out.push([`${c.name} ${c.id} opened`, check(), moved()]);
  press(toggle(c.id));
}
document.getElementById('open-all').click();
out.push(['all open', check(), moved()]);
document.getElementById('close-all').click();
out.push(['ops closed', check(), moved()]);
for (const c of [...data.clusters].reverse()) if (drawn(toggle(c.id))) press(toggle(c.id));
out.push(['all closed', check(), moved()]);
return out;
"""
)


def test_no_layout_of_open_and_closed_boxes_makes_two_things_overlap(chromium, lenet):
    load(chromium, lenet)
    first = chromium.execute_script(
        "return [...document.querySelectorAll('g.unit')].map(g => g.getAttribute('transform'))"
    )
    layouts = chromium.execute_script(EVERY_LAYOUT, LAYOUT_PROBLEMS)
    assert len(layouts) == 1 + 8 + 3
    for what, problems, _ in layouts:
        assert problems == [], what
    moved = dict((what, n) for what, _, n in layouts)
    assert moved["all open"] == 0  # nothing closed: Graphviz's own picture
    assert moved["first view"] > 10 and moved["ops closed"] == moved["first view"]
    # Closing the ops again puts every node back where the first view had it.
    again = chromium.execute_script(
        "document.getElementById('open-all').click();"
        "document.getElementById('close-all').click();"
        "return [...document.querySelectorAll('g.unit')].map(g => g.getAttribute('transform'))"
    )
    assert again == first
    assert console_errors(chromium) == []


def test_readme_screenshot_of_the_lenet_page(chromium, lenet):
    load(chromium, lenet)
    chromium.execute_script(
        "const d = JSON.parse(document.getElementById('graph-data').textContent);"
        "for (const c of d.clusters) if (c.name === 'cross_entropy' || c.name === 'linear')"
        "  document.querySelector(`g.overlay[data-cluster='${c.id}']`)"
        "    .dispatchEvent(new MouseEvent('click', {bubbles: true}));"
        "for (let i = 0; i < 16; i++) document.getElementById('next').click();"
    )
    weight = lenet["model"].classifier.f6.weight
    node_id = next(i for i, n in enumerate(lenet["nodes"]) if n is weight)
    click(chromium, find_unit(chromium, node_id))
    path = screenshot(chromium, "explore_lenet.png")
    assert path.stat().st_size > 20_000
    assert console_errors(chromium) == []


# --------------------------------------------------------------------------------------------
# A larger page: 271 nodes, every composite open


def test_a_271_node_page_loads_whole_steps_with_the_view_following_and_closes(chromium, resnet):
    assert open_page(chromium, resnet["path"]) == []
    assert chromium.execute_script("return document.querySelectorAll('g.unit').length") == 271
    steps = int(chromium.find_element("id", "counts").get_attribute("data-steps"))
    assert steps == resnet["steps"]
    # The first view holds the whole graph, small; following the first step zooms in on it.
    first = chromium.execute_script(SCRIPT_HELPERS + "return scale()")
    assert chromium.execute_script(OUTSIDE_THE_VIEW) == []
    assert first < 0.5
    chromium.find_element("id", "next").click()
    follow = chromium.execute_script(
        SCRIPT_HELPERS
        + """
const current = [...document.querySelectorAll('g.unit.current')].filter(drawn);
const v = box(document.getElementById('view')), r = box(current[0]);
return [current.length, scale(), r[0] >= v[0] && r[2] <= v[2] && r[1] >= v[1] && r[3] <= v[3]];
"""
    )
    assert follow[0] == 1 and follow[1] >= 0.8 > first and follow[2]
    chromium.find_element("id", "end").click()
    assert chromium.find_element("id", "counter").text == f"step {steps} / {steps}"
    done = chromium.execute_script("return document.querySelectorAll('g.unit.done').length")
    assert done == steps
    chromium.find_element("id", "reset").click()  # back to the start: the whole graph again
    assert chromium.execute_script(SCRIPT_HELPERS + "return scale()") == pytest.approx(first)
    chromium.execute_script("for (let i = 0; i < 82; i++) document.getElementById('next').click()")
    chromium.find_element("id", "next").click()
    assert chromium.find_element("id", "counter").text == f"step 83 / {steps}"
    screenshot(chromium, "explore_resnet.png")
    # Closing every composite op shrinks the drawing, cleanly, and fits it to the window again.
    opened, closed, problems, outside = chromium.execute_script(
        SCRIPT_HELPERS
        + """
const size = () => { const b = document.querySelector('#view > svg g.graph').getBBox();
  return b.width * b.height; };
const open = size();
document.getElementById('close-all').click();
return [open, size(), new Function(arguments[0])(), new Function(arguments[1])()];
""",
        LAYOUT_PROBLEMS,
        OUTSIDE_THE_VIEW,
    )
    assert problems == [] and outside == []
    assert closed < 0.5 * opened
    assert console_errors(chromium) == []
