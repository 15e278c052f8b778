"""The explorer page in a real browser: Debian's Chromium, driven by selenium through Debian's
chromedriver (never a downloaded browser). `make test` installs both where it can (root with
apt-get, .ci/ensure-chromium.sh); elsewhere these tests skip with one line saying why.

On a LeNet-5 step page: no console errors, the node count is the Python graph's, clicking
C1's weight shows its gradient norm, the backward stepper visits the nodes in the engine's
order and ends with every node marked, a composite opens and closes, the forward stepper
runs. A 271-node page (a small ResNet, every composite open) loads and steps. Screenshots go
to out/ (the README shows two of them).
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
# A LeNet-5 step page


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


def test_lenet_page_loads_without_errors_and_counts_the_pythons_nodes(chromium, lenet):
    assert load(chromium, lenet) == []
    counts = chromium.find_element("id", "counts")
    assert int(counts.get_attribute("data-nodes")) == len(lenet["nodes"]) == 71
    assert f"{len(lenet['nodes'])} tensors" in counts.text
    drawn = chromium.execute_script("return document.querySelectorAll('svg g.unit').length")
    assert drawn == int(counts.get_attribute("data-drawn")) == 71


def test_clicking_conv1_weight_shows_the_gradient_norm_python_computes(chromium, lenet):
    load(chromium, lenet)
    model, nodes = lenet["model"], lenet["nodes"]
    weight = model.features.c1.weight
    node_id = next(i for i, n in enumerate(nodes) if n is weight)
    chromium.find_element("id", "zoom-fit").click()
    click(chromium, find_unit(chromium, node_id))
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
    for k in range(10):  # the button and the key, as a reader steps
        if k < 5:
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
        len(lenet["order"]) - 10,
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
    screenshot(chromium, "explore_lenet_end.png")
    assert console_errors(chromium) == []


def test_a_composite_opens_and_closes(chromium, lenet):
    load(chromium, lenet)
    info = chromium.execute_script(
        "const d = JSON.parse(document.getElementById('graph-data').textContent);"
        "const c = d.clusters.find(c => c.name === 'conv2d' && !c.open);"
        "return [c.id, c.nodes.map(i => d.nodes[i].unit)];"
    )
    cluster, units = info
    overlay = chromium.find_element("css selector", f'g.overlay[data-cluster="{cluster}"]')
    toggle = chromium.find_element("css selector", f'g.toggle[data-cluster="{cluster}"]')

    def members_visible() -> list[bool]:
        return chromium.execute_script(
            "return arguments[0].map(k => getComputedStyle("
            "document.querySelector(`g.unit[data-unit='${k}']`)).display !== 'none')",
            units,
        )

    assert not any(members_visible()) and shown(chromium, overlay)
    assert not shown(chromium, toggle)
    chromium.find_element("id", "zoom-fit").click()
    click(chromium, overlay)
    assert all(members_visible()) and not shown(chromium, overlay) and shown(chromium, toggle)
    click(chromium, toggle)
    assert not any(members_visible()) and shown(chromium, overlay)
    assert console_errors(chromium) == []


def test_forward_stepper_computes_each_node_after_its_inputs(chromium, lenet):
    from selenium.webdriver.common.keys import Keys

    load(chromium, lenet)
    body = chromium.find_element("tag name", "body")
    body.send_keys("f")
    assert "on" in chromium.find_element("id", "mode-forward").get_attribute("class")
    step = chromium.find_element("id", "step")
    seen = []
    for _ in range(5):
        body.send_keys(Keys.ARROW_RIGHT)
        seen.append(int(step.get_attribute("data-node")))
    seen += chromium.execute_script(
        "const seen = [];"
        "for (let k = 0; k < arguments[0]; k++) {"
        "  document.getElementById('next').click();"
        "  seen.push(Number(document.getElementById('step').dataset.node));"
        "}"
        "return seen;",
        len(lenet["nodes"]) - 5,
    )
    position = {i: k for k, i in enumerate(seen)}
    index = {id(n): i for i, n in enumerate(lenet["nodes"])}
    for i, n in enumerate(lenet["nodes"]):
        assert all(position[index[id(p)]] < position[i] for p in n._parents)
    chromium.find_element("id", "open-all").click()
    computed = chromium.execute_script("return document.querySelectorAll('g.unit.computed').length")
    assert computed == len(lenet["nodes"]) - 1  # all, the last one being the current step
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


def test_a_271_node_page_loads_steps_and_stays_readable(chromium, tmp_path):
    mg.manual_seed(0)
    model = mg.models.resnet_small(layers=(1, 1, 1))
    x, y = mg.randn(2, 1, 32, 32), mg.tensor([1, 2])
    loss = mg.functional.cross_entropy(model(x), y)
    path = mg.viz.explore(loss, tmp_path / "resnet.html", modules=model, expand=True)
    assert open_page(chromium, path) == []
    assert chromium.execute_script("return document.querySelectorAll('g.unit').length") == 271
    steps = int(chromium.find_element("id", "counts").get_attribute("data-steps"))
    chromium.find_element("id", "end").click()
    assert chromium.find_element("id", "counter").text == f"step {steps} / {steps}"
    done = chromium.execute_script("return document.querySelectorAll('g.unit.done').length")
    assert done == steps == sum(t.requires_grad for t in topological_order(loss, keep=every_node))
    chromium.find_element("id", "reset").click()
    chromium.execute_script("for (let i = 0; i < 80; i++) document.getElementById('next').click()")
    for _ in range(3):
        chromium.find_element("id", "next").click()
    assert chromium.find_element("id", "counter").text == f"step 83 / {steps}"
    screenshot(chromium, "explore_resnet.png")
    assert console_errors(chromium) == []
