// The explorer page: reads the facts from the JSON element #graph-data, maps the Graphviz SVG
// onto them (node titles are the DOT names), and runs the steppers, panels, pan and zoom.
// No library: plain DOM and SVG.
"use strict";
(() => {
  const DATA = JSON.parse(document.getElementById("graph-data").textContent);
  const NS = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  const view = $("view");
  const svg = view.querySelector("svg");
  const layer = svg.querySelector("g.graph");
  const nodes = DATA.nodes;
  const scalar = DATA.engine === "scalar";
  let drag = null; // a pan in progress
  let dragged = false; // the pointer moved since it went down: not a click

  // ---- the SVG, mapped to the facts -------------------------------------------------------
  const units = new Map(); // DOT name of a drawn node -> unit {key, nodes, path, els}
  const nameToUnit = new Map(); // any DOT name (op circles of Values too) -> unit
  for (const u of DATA.units) {
    u.els = [];
    units.set(u.key, u);
    nameToUnit.set(u.key, u);
    for (const a of u.aliases) nameToUnit.set(a, u);
  }
  const unitOf = (i) => (nodes[i].unit == null ? null : units.get(nodes[i].unit));

  for (const g of svg.querySelectorAll("g.node")) {
    const title = g.querySelector(":scope > title");
    const name = title ? title.textContent : "";
    if (title) title.remove(); // no browser tooltip with the DOT name
    const u = nameToUnit.get(name);
    if (!u) continue; // the legend
    if (name === u.key) u.els.unshift(g); // the node itself first (a Value's record, not its op)
    else u.els.push(g);
    g.classList.add("unit");
    g.dataset.unit = u.key;
    g.addEventListener("click", (ev) => {
      if (dragged) return;
      ev.stopPropagation();
      select(u.nodes[u.nodes.length - 1]);
    });
  }
  const edges = [];
  for (const g of svg.querySelectorAll("g.edge")) {
    const title = g.querySelector(":scope > title");
    const [x, y] = (title ? title.textContent : "").split("->");
    if (title) title.remove();
    let a = nameToUnit.get(x), b = nameToUnit.get(y);
    if (DATA.view === "backward") [a, b] = [b, a];
    if (a && b) edges.push({ el: g, a, b });
  }

  function svgEl(tag, attrs, parent) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }
  const overlays = svgEl("g", { class: "overlays" }, layer);
  const toggles = svgEl("g", { class: "toggles" }, layer);
  const badges = svgEl("g", { class: "badges" }, layer);

  // Clusters: frames of layers (modules) and composite ops. A closed one is a box painted
  // over its frame; an open one has a small "-" button at its top-right corner.
  const clusters = new Map();
  for (const c of DATA.clusters) clusters.set(c.id, c);
  for (const g of svg.querySelectorAll("g.cluster")) {
    const title = g.querySelector(":scope > title");
    const m = title && /^cluster_(\d+)$/.exec(title.textContent);
    if (title) title.remove();
    const c = m && clusters.get(Number(m[1]));
    if (!c) continue;
    c.el = g;
    const text = g.querySelector("text");
    c.label = text ? text.textContent.replace(/ \(expanded\)$/, "") : c.name;
    const b = g.getBBox();
    c.box = b;
    const o = svgEl("g", { class: `overlay ${c.kind}` }, overlays);
    svgEl("rect", { x: b.x, y: b.y, width: b.width, height: b.height, rx: 6 }, o);
    const out = nodes[c.nodes[c.nodes.length - 1]];
    const lines = [
      [c.label, "name"],
      [`${c.kind === "op" ? "composite op" : "layer"}, closed: ${c.nodes.length} nodes inside`, "note"],
      [scalar ? "" : `output ${shapeText(out.shape)}`, "note"],
      ["click to open", "note"],
    ];
    // A large closed frame gets large words, so it reads at the zoom that shows it whole.
    const size = Math.max(12, Math.min(40, b.width / 16, b.height / 7));
    const cy = b.y + b.height / 2 - 1.5 * 1.35 * size;
    lines.forEach(([s, cls], k) => {
      const attrs = { x: b.x + b.width / 2, y: cy + 1.35 * size * k + size / 3, class: cls };
      const t = svgEl("text", attrs, o);
      t.style.fontSize = `${(k ? 0.85 : 1.05) * size}px`;
      t.textContent = s;
    });
    o.addEventListener("click", (ev) => {
      if (dragged) return;
      ev.stopPropagation();
      setOpen(c, true);
    });
    c.overlay = o;
    o.dataset.cluster = c.id;
    const tg = svgEl("g", { class: "toggle" }, toggles);
    svgEl("rect", { x: b.x + b.width - 17, y: b.y + 3, width: 14, height: 14, rx: 3 }, tg);
    svgEl("text", { x: b.x + b.width - 10, y: b.y + 14 }, tg).textContent = "\u2212";
    tg.addEventListener("click", (ev) => {
      if (dragged) return;
      ev.stopPropagation();
      setOpen(c, false);
    });
    c.toggle = tg;
    tg.dataset.cluster = c.id;
  }
  const ancestors = (c) => {
    const out = [];
    for (let p = c.parent; p != null; p = clusters.get(p).parent) out.unshift(clusters.get(p));
    return out;
  };
  for (const c of clusters.values()) c.ancestors = ancestors(c);

  // The outermost closed frame a unit or cluster sits in (null: it is visible).
  function closedAround(path) {
    for (const id of path) {
      const c = clusters.get(id);
      if (c && c.el && !c.open) return c;
    }
    return null;
  }
  function layoutVisibility() {
    for (const u of units.values()) {
      u.hiddenBy = closedAround(u.path);
      for (const g of u.els) g.classList.toggle("hidden", !!u.hiddenBy);
    }
    for (const c of clusters.values()) {
      if (!c.el) continue;
      const outer = closedAround(c.ancestors.map((a) => a.id));
      c.el.classList.toggle("hidden", !!outer || !c.open);
      c.overlay.classList.toggle("hidden", !!outer || c.open);
      c.toggle.classList.toggle("hidden", !!outer || !c.open);
    }
    for (const e of edges) {
      const inside = e.a.hiddenBy && e.a.hiddenBy === e.b.hiddenBy;
      e.el.classList.toggle("hidden", !!inside);
    }
  }
  function setOpen(c, open) {
    c.open = open;
    layoutVisibility();
    render();
  }
  // The element that shows node i now: its own node, or the closed box around it.
  function shownEl(i) {
    const u = unitOf(i);
    if (!u) return null;
    if (u.hiddenBy) return u.hiddenBy.overlay;
    return u.els[0] || null;
  }
  function shownEls(i) {
    const u = unitOf(i);
    if (!u) return [];
    return u.hiddenBy ? [u.hiddenBy.overlay] : u.els;
  }

  // ---- numbers ----------------------------------------------------------------------------
  function fmt(x) {
    if (x == null) return "\u2013";
    if (typeof x === "string") return x; // nan, inf
    if (x === 0) return "0";
    const a = Math.abs(x);
    if (Number.isInteger(x) && a < 1e9) return String(x);
    if (a >= 1e5 || a < 1e-3) return x.toExponential(5);
    return String(Number(x.toPrecision(6)));
  }
  function shapeText(shape) {
    return shape.length ? `(${shape.join(", ")})` : "scalar";
  }
  function gradText(b) {
    return b.v !== undefined ? `${fmt(b.v)}` : `|g| ${fmt(b.norm)}`;
  }
  function sumText(b) {
    return b.v !== undefined ? `${fmt(b.v)}` : `|\u03a3| ${fmt(b.norm)}`;
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]);
  }
  function nodeName(i) {
    const n = nodes[i];
    const shape = scalar ? `${fmt(n.value.v)}` : shapeText(n.shape);
    return `<a class="node-link" data-node="${i}">${esc(n.title)}</a> <span class="sub">${esc(shape)}</span>`;
  }

  // ---- what each backward step did, and how many contributions each node will receive ----
  const arrivals = new Array(nodes.length).fill(0);
  for (const st of DATA.backward) for (const s of st.sends) arrivals[s.to] += 1;
  const stepOfNode = new Map();
  DATA.backward.forEach((st, k) => stepOfNode.set(st.node, k));
  const root = DATA.backward.length ? DATA.backward[0].node : nodes.length - 1;

  // ---- state and rendering ----------------------------------------------------------------
  const state = { mode: "backward", step: 0, selected: null };
  const total = () => (state.mode === "backward" ? DATA.backward.length : DATA.forward.length);
  const CLASSES = ["current", "done", "receiving", "computed", "feeding", "future", "partial", "selected"];

  function render() {
    for (const u of units.values()) for (const g of u.els) g.classList.remove(...CLASSES);
    for (const c of clusters.values()) if (c.overlay) c.overlay.classList.remove(...CLASSES);
    for (const e of edges) e.el.classList.remove("flow", "feed", "future", "rev");
    badges.replaceChildren();
    if (state.mode === "backward") renderBackward();
    else renderForward();
    if (state.selected != null) for (const el of shownEls(state.selected)) el.classList.add("selected");
    $("counter").textContent = `step ${state.step} / ${total()}`;
    $("prev").disabled = $("reset").disabled = state.step === 0;
    $("next").disabled = $("end").disabled = state.step === total();
    $("mode-backward").classList.toggle("on", state.mode === "backward");
    $("mode-forward").classList.toggle("on", state.mode === "forward");
    document.body.dataset.mode = state.mode;
    document.body.dataset.step = state.step;
    if (state.selected != null) showDetails(state.selected);
  }

  function markUnits(ids, cls) {
    // A closed box is marked done only when all of its nodes are; otherwise "partial".
    const perOverlay = new Map();
    for (const i of ids) {
      const u = unitOf(i);
      if (!u) continue;
      if (u.hiddenBy) {
        const c = u.hiddenBy;
        perOverlay.set(c, (perOverlay.get(c) || 0) + 1);
      } else for (const g of u.els) g.classList.add(cls);
    }
    return perOverlay;
  }

  function renderBackward() {
    const k = state.step;
    const done = new Set();
    const got = new Map(); // node -> the last contribution it received (k, n, running sum)
    for (let s = 0; s < k; s++) {
      const st = DATA.backward[s];
      done.add(st.node);
      for (const snd of st.sends) got.set(snd.to, snd);
    }
    const boxes = markUnits(done, "done");
    const inBackward = (c) => c.nodes.filter((i) => stepOfNode.has(i)).length;
    for (const [c, count] of boxes) c.overlay.classList.add(count >= inBackward(c) ? "done" : "partial");
    const cur = k > 0 ? DATA.backward[k - 1] : null;
    if (cur) {
      const from = unitOf(cur.node);
      for (const snd of cur.sends) {
        const to = unitOf(snd.to);
        for (const el of shownEls(snd.to)) if (!el.classList.contains("current")) el.classList.add("receiving");
        for (const e of edges) {
          if ((e.a === to && e.b === from) || (scalar && e.a === from && e.b === from)) {
            e.el.classList.add("flow");
            if (DATA.view === "backward") e.el.classList.add("rev");
          }
        }
      }
      for (const el of shownEls(cur.node)) {
        el.classList.remove("receiving");
        el.classList.add("current");
      }
    }
    // Badges: at a node used more than once, how many contributions have arrived.
    for (const [i, snd] of got) {
      if (snd.n < 2) continue;
      const el = shownEl(i);
      if (!el || (unitOf(i) && unitOf(i).hiddenBy)) continue;
      badge(el, `\u03a3 ${snd.k}/${snd.n}`, snd.k === snd.n);
    }
    if (scalar) showRunningGrads(got, k);
    stepPanelBackward(cur, k);
  }

  function badge(el, text, complete) {
    const b = el.getBBox();
    const g = svgEl("g", { class: complete ? "badge complete" : "badge" }, badges);
    const w = 8 + 6.5 * text.length;
    svgEl("rect", { x: b.x + b.width - w + 6, y: b.y - 9, width: w, height: 16, rx: 8 }, g);
    svgEl("text", { x: b.x + b.width - w / 2 + 6, y: b.y + 3 }, g).textContent = text;
  }

  // Values: the "grad" line of each record shows the running sum as the walk proceeds.
  const gradTexts = new Map();
  if (scalar) {
    for (const u of units.values()) {
      for (const g of u.els) {
        for (const t of g.querySelectorAll("text")) {
          if (t.textContent.startsWith("grad ")) {
            gradTexts.set(u.nodes[0], t);
            t.dataset.drawn = t.textContent;
          }
        }
      }
    }
  }
  function showRunningGrads(got, k) {
    for (const [i, t] of gradTexts) {
      let v = 0;
      if (i === root) v = 1; // the seed: d output / d output
      else if (got.has(i)) v = got.get(i).sum.v;
      t.textContent = `grad ${fmt(v)}`;
    }
  }

  function renderForward() {
    const k = state.step;
    const computed = new Set(DATA.forward.slice(0, k));
    markUnits(computed, "computed");
    const future = new Set(DATA.forward.slice(k));
    for (const i of future) {
      const u = unitOf(i);
      if (u && !u.hiddenBy && !u.nodes.some((j) => computed.has(j))) for (const g of u.els) g.classList.add("future");
    }
    for (const c of clusters.values()) {
      if (!c.overlay) continue;
      const n = c.nodes.filter((i) => computed.has(i)).length;
      if (n === c.nodes.length) c.overlay.classList.add("computed");
      else if (n === 0) c.overlay.classList.add("future");
    }
    for (const e of edges) if (e.b.nodes.every((j) => future.has(j))) e.el.classList.add("future");
    const cur = k > 0 ? DATA.forward[k - 1] : null;
    if (cur != null) {
      const u = unitOf(cur);
      for (const p of nodes[cur].parents) for (const el of shownEls(p)) el.classList.add("feeding");
      for (const e of edges) if (e.b === u && e.a !== u) e.el.classList.add("feed");
      for (const el of shownEls(cur)) {
        el.classList.remove("computed", "feeding");
        el.classList.add("current");
      }
    }
    if (scalar) for (const t of gradTexts.values()) t.textContent = t.dataset.drawn;
    stepPanelForward(cur, k);
  }

  // ---- the panels --------------------------------------------------------------------------
  function stepPanelBackward(cur, k) {
    const panel = $("step");
    panel.dataset.step = k;
    panel.dataset.node = cur ? cur.node : "";
    const n = DATA.backward.length;
    if (!cur) {
      panel.innerHTML =
        `<h3>Backward pass</h3><p>${n} steps, in the engine's own order (reverse topological: ` +
        `every node before its inputs). The output's gradient starts as 1 (d out / d out).</p>` +
        `<p class="hint">Press <b>next</b> or &rarr;. A red outline marks each node whose backward ` +
        `has run; red dashed edges carry its gradient back to its inputs.</p>`;
      return;
    }
    const node = nodes[cur.node];
    const via = node.op ? `backward of <b>${esc(node.op)}</b>` : "a leaf";
    let html = `<h3>Backward, step ${k} of ${n}</h3><p>${via}: ${nodeName(cur.node)}</p>`;
    const received = arrivals[cur.node];
    const whole = cur.node === root ? "the seed" : `${received} contribution${received === 1 ? "" : "s"}`;
    html += `<p>Its gradient (${whole}): <span class="num">${gradText(cur.grad)}</span></p>`;
    if (cur.sends.length) {
      html += `<p>The chain rule sends:</p><ul>`;
      for (const s of cur.sends) {
        let note = "";
        if (s.n > 1) {
          note = ` &mdash; contribution ${s.k} of ${s.n}; running sum <span class="num">${sumText(s.sum)}</span>`;
          if (s.k === s.n) note += " (complete)";
        }
        html += `<li>to ${nodeName(s.to)}: <span class="num">${gradText(s.g)}</span>${note}</li>`;
      }
      html += `</ul>`;
    } else if (node.op) {
      html += `<p>No input of this op needs a gradient.</p>`;
    } else {
      html += `<p>Nothing to send: a leaf keeps its gradient${node.kind === "param" ? " (the optimizer reads it)" : ""}.</p>`;
    }
    if (node.rule) html += `<p class="rule">${esc(node.rule)}</p>`;
    panel.innerHTML = html;
  }

  function stepPanelForward(cur, k) {
    const panel = $("step");
    panel.dataset.step = k;
    panel.dataset.node = cur == null ? "" : cur;
    const n = DATA.forward.length;
    if (cur == null) {
      panel.innerHTML =
        `<h3>Forward pass</h3><p>${n} nodes, each after its inputs (the order the graph ` +
        `was drawn in). Faded nodes are not computed yet.</p><p class="hint">Press <b>next</b> or &rarr;.</p>`;
      return;
    }
    const node = nodes[cur];
    let html = `<h3>Forward, step ${k} of ${n}</h3>`;
    if (node.op) {
      html += `<p><b>${esc(node.op)}</b> computes ${nodeName(cur)}</p>`;
      if (node.parents.length) html += `<p>from ${node.parents.map(nodeName).join(", ")}</p>`;
    } else {
      html += `<p>${node.kind === "constant" ? "a constant" : "a leaf"}: ${nodeName(cur)}</p>`;
    }
    html += `<p class="num">${valueLine(node)}</p>`;
    panel.innerHTML = html;
  }

  function valueLine(node) {
    const v = node.value;
    if (v.v !== undefined) return `value ${fmt(v.v)}`;
    return `value: min ${fmt(v.min)}, mean ${fmt(v.mean)}, max ${fmt(v.max)}`;
  }

  function select(i) {
    state.selected = i;
    render();
  }

  function showDetails(i) {
    const n = nodes[i];
    const panel = $("details");
    panel.dataset.node = i;
    const kind = { op: "op", param: "parameter", input: "input (leaf)", constant: "constant" }[n.kind] || n.kind;
    let html = `<h2>${esc(n.title)}</h2>`;
    html += `<p class="sub">${esc(kind)}${n.op ? ` &middot; op <b>${esc(n.op)}</b>` : ""} &middot; shape ` +
      `<span data-stat="shape">${esc(shapeText(n.shape))}</span> &middot; <span data-stat="dtype">${esc(n.dtype)}</span></p>`;
    const u = unitOf(i);
    if (u && u.path.length) {
      const where = u.path.map((id) => (clusters.get(id) ? clusters.get(id).label : "")).filter(Boolean);
      if (where.length) html += `<p class="where">in ${where.map(esc).join(" &rsaquo; ")}</p>`;
    }
    if (n.rule) html += `<h3>Local rule</h3><p class="rule">${esc(n.rule)}</p>`;
    html += `<h3>Statistics</h3>` + statsTable(n);
    if (n.value_img) html += figure("value", n.value_img);
    if (n.grad_img) html += figure("gradient", n.grad_img);
    if (n.op && !scalar) {
      html += `<h3>Gradcheck</h3>`;
      if (n.gradcheck == null) {
        html += DATA.gradcheck
          ? `<p>not checked (this op cannot be replayed in float64)</p>`
          : `<p class="hint">not computed: pass gradcheck=True to explore (or --color gradcheck)</p>`;
      } else {
        const e = typeof n.gradcheck === "string" ? Infinity : n.gradcheck;
        const verdict = e < 1e-5 ? ["good", "agrees with finite differences"] : e < 1e-2 ? ["bad", "suspicious"] : ["bad", "wrong backward"];
        html += `<p>relative error <span data-stat="gradcheck" class="num">${fmt(n.gradcheck)}</span>: ` +
          `<span class="${verdict[0]}">${verdict[1]}</span></p>`;
      }
    }
    if (n.local) html += `<p>local derivatives d(this)/d(input): <span class="num">${n.local.map(fmt).join(", ")}</span></p>`;
    if (n.parents.length) html += `<h3>Inputs</h3><p>${n.parents.map(nodeName).join("<br>")}</p>`;
    const users = nodes.filter((m) => m.parents.includes(i)).map((m) => m.id);
    if (users.length) html += `<h3>Used by</h3><p>${users.map(nodeName).join("<br>")}</p>`;
    if (stepOfNode.has(i)) {
      const k = stepOfNode.get(i) + 1;
      html += `<h3>Backward</h3><p>runs at step ${k} of ${DATA.backward.length}` +
        (arrivals[i] > 1 ? `, after ${arrivals[i]} contributions arrived (it is used ${arrivals[i]} times)` : "") +
        ` <button data-goto="${k}">go there</button></p>`;
    }
    panel.innerHTML = html;
  }

  function statsTable(n) {
    const rows = [["numel", "numel"], ["min", "min"], ["mean", "mean"], ["max", "max"], ["std", "std"],
      ["L2 norm", "norm"], ["zeros", "zeros"], ["not finite", "nonfinite"]];
    const v = n.value, g = n.grad;
    if (v.v !== undefined) {
      return `<table class="stats"><tr><th></th><th>value</th><th>gradient</th></tr>` +
        `<tr><td>number</td><td data-stat="value.v">${fmt(v.v)}</td><td data-stat="grad.v">${g ? fmt(g.v) : "none"}</td></tr>` +
        (g ? "" : `<tr><td colspan="3">${n.kind === "constant" ? "a constant: no gradient" : "no gradient reached it"}</td></tr>`) +
        `</table>`;
    }
    let html = `<table class="stats"><tr><th></th><th>value</th><th>gradient</th></tr>`;
    for (const [label, key] of rows) {
      html += `<tr><td>${label}</td><td data-stat="value.${key}">${fmt(v[key])}</td>` +
        `<td data-stat="grad.${key}">${g ? fmt(g[key]) : ""}</td></tr>`;
    }
    if (!g) html += `<tr><td colspan="3">${n.kind === "constant" ? "a constant: no gradient" : "no gradient reached it"}</td></tr>`;
    return html + `</table>`;
  }

  function figure(what, img) {
    // Enlarge small pictures by a whole factor, so every element stays a crisp square.
    const k = Math.max(1, Math.min(12, Math.floor(340 / img.width)));
    return `<figure><img alt="heatmap of the ${what}" src="${img.src}" data-heatmap="${what}" ` +
      `style="width: ${Math.min(340, img.width * k)}px">` +
      `<figcaption>${what}: ${esc(img.layout)}; blue &lt; 0 &lt; red, full colour at &plusmn;${fmt(img.scale)}` +
      `</figcaption></figure>`;
  }

  $("panel").addEventListener("click", (ev) => {
    const link = ev.target.closest("[data-node].node-link");
    if (link) {
      select(Number(link.dataset.node));
      reveal(shownEl(Number(link.dataset.node)), true);
      return;
    }
    const go = ev.target.closest("[data-goto]");
    if (go) {
      state.mode = "backward";
      goTo(Number(go.dataset.goto));
    }
  });

  // ---- stepping ----------------------------------------------------------------------------
  let timer = null;
  function goTo(k) {
    state.step = Math.max(0, Math.min(total(), k));
    render();
    if ($("follow").checked && state.step > 0) {
      const i = state.mode === "backward" ? DATA.backward[state.step - 1].node : DATA.forward[state.step - 1];
      reveal(shownEl(i), false);
    }
    if (state.step === total()) stop();
  }
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    $("play").textContent = "play";
  }
  function play() {
    if (timer) return stop();
    if (state.step === total()) goTo(0);
    $("play").textContent = "pause";
    timer = setInterval(() => goTo(state.step + 1), 650);
  }
  function setMode(mode) {
    if (state.mode === mode) return;
    stop();
    state.mode = mode;
    goTo(0);
  }
  $("next").onclick = () => goTo(state.step + 1);
  $("prev").onclick = () => goTo(state.step - 1);
  $("reset").onclick = () => { stop(); goTo(0); };
  $("end").onclick = () => { stop(); goTo(total()); };
  $("play").onclick = play;
  $("mode-backward").onclick = () => setMode("backward");
  $("mode-forward").onclick = () => setMode("forward");
  $("open-all").onclick = () => { for (const c of clusters.values()) c.open = true; layoutVisibility(); render(); };
  $("close-all").onclick = () => { for (const c of clusters.values()) if (c.kind === "op") c.open = false; layoutVisibility(); render(); };
  $("help-button").onclick = () => { $("help").hidden = !$("help").hidden; };
  $("help-close").onclick = () => { $("help").hidden = true; };

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.target.closest && ev.target.closest("input, select, textarea")) return;
    const keys = {
      ArrowRight: () => goTo(state.step + 1), n: () => goTo(state.step + 1),
      ArrowLeft: () => goTo(state.step - 1), p: () => goTo(state.step - 1),
      " ": play, Home: () => { stop(); goTo(0); }, r: () => { stop(); goTo(0); },
      End: () => { stop(); goTo(total()); },
      b: () => setMode("backward"), f: () => setMode("forward"),
      "+": () => zoomBy(1.25), "=": () => zoomBy(1.25), "-": () => zoomBy(0.8), 0: fit,
      "?": () => { $("help").hidden = !$("help").hidden; },
      Escape: () => { $("help").hidden = true; state.selected = null; $("details").innerHTML = detailsHint; render(); },
    };
    const run = keys[ev.key];
    if (run) {
      ev.preventDefault();
      run();
    }
  });

  // ---- pan and zoom: the SVG's viewBox is the camera ---------------------------------------
  const full = svg.viewBox.baseVal;
  const W = full.width, H = full.height;
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
  const cam = { x: 0, y: 0, s: 1 };
  const MIN_S = () => Math.min(0.1, fitScale() * 0.8), MAX_S = 4;
  function fitScale() {
    return Math.min(view.clientWidth / W, view.clientHeight / H);
  }
  function apply() {
    svg.setAttribute("viewBox", `${cam.x} ${cam.y} ${view.clientWidth / cam.s} ${view.clientHeight / cam.s}`);
  }
  function zoomAt(factor, px, py) {
    const s = Math.max(MIN_S(), Math.min(MAX_S, cam.s * factor));
    const gx = cam.x + px / cam.s, gy = cam.y + py / cam.s;
    cam.s = s;
    cam.x = gx - px / s;
    cam.y = gy - py / s;
    apply();
  }
  function zoomBy(f) {
    zoomAt(f, view.clientWidth / 2, view.clientHeight / 2);
  }
  function fit() {
    cam.s = Math.min(1.25, fitScale()); // a small graph is not blown up
    cam.x = -(view.clientWidth / cam.s - W) / 2;
    cam.y = -(view.clientHeight / cam.s - H) / 2;
    apply();
  }
  // Bring an element into view (centre it) if it is outside, or always when asked.
  function reveal(el, always) {
    if (!el) return;
    const r = el.getBoundingClientRect(), v = view.getBoundingClientRect();
    const margin = 40;
    const inside = r.left >= v.left + margin && r.right <= v.right - margin &&
      r.top >= v.top + margin && r.bottom <= v.bottom - margin;
    if (inside && !always) return;
    cam.x += (r.left + r.width / 2 - (v.left + v.width / 2)) / cam.s;
    cam.y += (r.top + r.height / 2 - (v.top + v.height / 2)) / cam.s;
    apply();
  }
  view.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = view.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  view.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, cx: cam.x, cy: cam.y };
    dragged = false;
  });
  window.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!dragged && Math.hypot(dx, dy) < 4) return;
    dragged = true;
    view.classList.add("dragging");
    cam.x = drag.cx - dx / cam.s;
    cam.y = drag.cy - dy / cam.s;
    apply();
  });
  window.addEventListener("pointerup", () => {
    drag = null;
    view.classList.remove("dragging");
    setTimeout(() => { dragged = false; }, 0);
  });
  view.addEventListener("click", () => {
    if (dragged) return;
    state.selected = null;
    $("details").innerHTML = detailsHint;
    render();
  });
  $("zoom-in").onclick = () => zoomBy(1.25);
  $("zoom-out").onclick = () => zoomBy(0.8);
  $("zoom-fit").onclick = fit;
  window.addEventListener("resize", apply);

  // ---- start -------------------------------------------------------------------------------
  const detailsHint =
    `<p class="hint">Click a node for its op, shape, dtype, statistics, heatmaps of value and ` +
    `gradient, and its local rule. Click a closed box to open it. Keys: &rarr; &larr; space (press ?).</p>` +
    (DATA.all_open ? "" : `<p class="hint">Composite ops outside expand= are drawn closed and cannot be ` +
    `opened here: opening all of them would exceed max_nodes=${DATA.max_nodes}.</p>`);
  $("details").innerHTML = detailsHint;
  const drawn = svg.querySelectorAll("g.unit").length;
  const withGrad = nodes.filter((n) => n.grad).length;
  const counts = $("counts");
  counts.dataset.nodes = nodes.length;
  counts.dataset.drawn = drawn;
  counts.dataset.steps = DATA.backward.length;
  counts.textContent = `${nodes.length} ${scalar ? "values" : "tensors"} (${withGrad} with a gradient)` +
    ` \u00b7 ${drawn} drawn \u00b7 ${clusters.size} frames \u00b7 ${DATA.backward.length} backward steps`;
  layoutVisibility();
  // Start where the backward pass starts: the whole graph if it is legible that way, else
  // the output at a readable scale (the stepper's "follow" moves on from there).
  if (fitScale() >= 0.55) fit();
  else {
    cam.s = 0.8;
    cam.x = cam.y = 0;
    apply();
    reveal(shownEl(root), true);
  }
  render();
  document.body.dataset.ready = "1";
})();
