// The explorer page: reads the facts from the JSON element #graph-data, maps the Graphviz SVG
// onto them (node titles are the DOT names), and runs the steppers, panels, pan and zoom.
// No library: plain DOM and SVG. How closed boxes shrink the picture: layout.js (Layout).
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
  const flow = DATA.rankdir === "LR" || DATA.rankdir === "RL" ? 0 : 1; // the axis data flows along
  let drag = null; // a pan in progress
  let dragged = false; // the pointer moved since it went down: not a click

  // Rectangles are [x0, y0, x1, y1] in the coordinates of the drawing (Graphviz's g.graph).
  const rectOf = (b) => [b.x, b.y, b.x + b.width, b.y + b.height];
  const NUMBER_PAIR = /(-?\d*\.?\d+(?:e[-+]?\d+)?),(-?\d*\.?\d+(?:e[-+]?\d+)?)/gi;
  const pointsOf = (text) => [...text.matchAll(NUMBER_PAIR)].map((m) => [Number(m[1]), Number(m[2])]);
  const pt = (p) => `${p[0].toFixed(2)},${p[1].toFixed(2)}`;
  // A node's outline: its shapes, not its text (whose box may reach beyond them).
  function outlineOf(g) {
    const shapes = [...g.querySelectorAll(":scope > :is(path, polygon, polyline, ellipse, rect)")];
    if (!shapes.length) return rectOf(g.getBBox());
    const rs = shapes.map((s) => rectOf(s.getBBox()));
    return [0, 1, 2, 3].map((k) => (k < 2 ? Math.min : Math.max)(...rs.map((r) => r[k])));
  }

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
  const unitOfEl = (g) => (g.dataset.unit ? units.get(g.dataset.unit) : null);

  // Where Graphviz drew everything, read in one go: a box read after a change to the page
  // makes the browser lay the page out again.
  const nodeEls = [...svg.querySelectorAll("g.node")];
  const nodeBoxes = nodeEls.map(outlineOf);
  const frameEls = [...svg.querySelectorAll("g.cluster")].map((g) => [g, g.querySelector(":scope > path, :scope > polygon")]);
  const frameBoxes = frameEls.map(([g, shape]) => shape && {
    box: rectOf(shape.getBBox()), labels: [...g.querySelectorAll(":scope > text")].map((t) => rectOf(t.getBBox())),
  });

  const nodeByName = new Map(); // DOT name -> its g.node
  const shapes = new Map(); // g.node -> {box: where Graphviz drew it, at: where it is now}
  nodeEls.forEach((g, k) => {
    const title = g.querySelector(":scope > title");
    const name = title ? title.textContent : "";
    if (title) title.remove(); // no browser tooltip with the DOT name
    nodeByName.set(name, g);
    const box = nodeBoxes[k];
    shapes.set(g, { box, at: box });
    const u = nameToUnit.get(name);
    if (!u) return; // the legend
    if (name === u.key) u.els.unshift(g); // the node itself first (a Value's record, not its op)
    else u.els.push(g);
    g.classList.add("unit");
    g.dataset.unit = u.key;
    g.addEventListener("click", (ev) => {
      if (dragged) return;
      ev.stopPropagation();
      select(u.nodes[u.nodes.length - 1]);
    });
  });
  const edges = [];
  for (const g of svg.querySelectorAll("g.edge")) {
    const title = g.querySelector(":scope > title");
    const [x, y] = (title ? title.textContent : "").split("->");
    if (title) title.remove();
    if (x && y) Object.assign(g.dataset, { tail: x, head: y }); // DOT names of its two ends
    let a = nameToUnit.get(x), b = nameToUnit.get(y);
    if (DATA.view === "backward") [a, b] = [b, a];
    const e = { el: g, a, b, line: edgeLine(g, nodeByName.get(x), nodeByName.get(y)) };
    e.rep = e; // the edge drawn for it (several edges into one closed box are drawn as one)
    if (a && b) edges.push(e);
  }

  // What moving an edge needs: its curve's points (tail end first), its ends, its arrowheads.
  function edgeLine(g, tail, head) {
    const path = g.querySelector("path");
    if (!path || !tail || !head) return null;
    const d = path.getAttribute("d");
    const points = pointsOf(d);
    if (points.length < 2) return null;
    const ends = [points[0], points[points.length - 1]];
    const boxes = [tail, head].map((n) => shapes.get(n).box);
    const arrows = [...g.querySelectorAll("polygon")].map((el) => {
      const pts = pointsOf(el.getAttribute("points"));
      // The node it points into: the one its tip touches (on a short edge, its base may be
      // nearer the other end of the curve than its own).
      const dist = (r) => Math.min(...pts.map((p) => Math.hypot(Math.max(r[0] - p[0], 0, p[0] - r[2]), Math.max(r[1] - p[1], 0, p[1] - r[3]))));
      const end = dist(boxes[1]) <= dist(boxes[0]) ? 1 : 0;
      const base = ends[end];
      const tip = pts.reduce((f, p) => (Math.hypot(p[0] - base[0], p[1] - base[1]) >
        Math.hypot(f[0] - base[0], f[1] - base[1]) ? p : f));
      return { el, points: pts, text: el.getAttribute("points"), end, base, tip };
    });
    const texts = [...g.querySelectorAll("text")].map((el) => ({ el, x: +el.getAttribute("x"), y: +el.getAttribute("y") }));
    return { path, d, points, ends: [tail, head], arrows, texts };
  }

  function svgEl(tag, attrs, parent) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (parent) parent.appendChild(e);
    return e;
  }
  const paper = layer.querySelector(":scope > polygon"); // Graphviz's white background
  const overlays = svgEl("g", { class: "overlays" }, layer);
  const toggles = svgEl("g", { class: "toggles" }, layer);
  const badges = svgEl("g", { class: "badges" }, layer);

  // Clusters: frames of layers (modules) and composite ops. An open one has a small "-"
  // button at its top-right corner; a closed one is a box sized to its name and output shape
  // (with a "+"), and the drawing closes up around it (relayout).
  const clusters = new Map();
  for (const c of DATA.clusters) clusters.set(c.id, c);
  const otherFrames = []; // frames that are not clusters of the graph (the legend's)
  const PAD = [10, 6], LINE = 14, PLUS = 12; // a closed box's padding, line height, "+" room
  frameEls.forEach(([g, shape], k) => {
    const title = g.querySelector(":scope > title");
    const m = title && /^cluster_(\d+)$/.exec(title.textContent);
    if (title) title.remove();
    if (!shape) return;
    const b = frameBoxes[k].box;
    const frame = { el: g, shape, box: b, d: shape.getAttribute("d"), labels: [...g.querySelectorAll(":scope > text")] };
    // Room for the frame's label: as far from the right edge as it is from the left one.
    frame.least = [0, 0];
    for (const r of frameBoxes[k].labels) {
      frame.least = [Math.max(frame.least[0], r[2] - b[0] + (r[0] - b[0])), Math.max(frame.least[1], r[3] - b[1] + 4)];
    }
    const c = m && clusters.get(Number(m[1]));
    if (!c) {
      otherFrames.push(frame);
      return;
    }
    c.el = g;
    c.frame = frame;
    g.dataset.cluster = c.id;
    const text = frame.labels[0];
    c.label = text ? text.textContent.replace(/ \(expanded\)$/, "") : c.name;
    const out = nodes[c.nodes[c.nodes.length - 1]];
    const o = svgEl("g", { class: `overlay ${c.kind}` }, overlays);
    svgEl("title", {}, o).textContent = `${c.label}: ${c.kind === "op" ? "a composite op" : "a layer"}` +
      ` of ${c.nodes.length} nodes, closed; click to open it`;
    c.rect = svgEl("rect", { rx: 6 }, o);
    c.lines = [svgEl("text", { class: "name" }, o), svgEl("text", { class: "note" }, o)];
    c.lines[0].textContent = c.label;
    c.lines[1].textContent = scalar ? "" : shapeText(out.shape);
    c.plus = svgEl("text", { class: "plus" }, o);
    c.plus.textContent = "+";
    // Across the flow a closed box lines up with the node whose value leaves it.
    const u = unitOf(c.nodes[c.nodes.length - 1]);
    const s = u && u.els.length ? shapes.get(u.els[0]).box : b;
    c.align = [(s[0] + s[2]) / 2, (s[1] + s[3]) / 2];
    c.at = b;
    o.addEventListener("click", (ev) => {
      if (dragged) return;
      ev.stopPropagation();
      setOpen(c, true);
    });
    c.overlay = o;
    o.dataset.cluster = c.id;
    const tg = svgEl("g", { class: "toggle" }, toggles);
    svgEl("title", {}, tg).textContent = `close ${c.label}`;
    c.toggleRect = svgEl("rect", { width: 14, height: 14, rx: 3 }, tg);
    c.toggleText = svgEl("text", {}, tg);
    c.toggleText.textContent = "\u2212";
    tg.addEventListener("click", (ev) => {
      if (dragged) return;
      ev.stopPropagation();
      setOpen(c, false);
    });
    c.toggle = tg;
    tg.dataset.cluster = c.id;
  });
  // A closed box's size: its label's (measured once every box is made, in one layout).
  const widths = [...clusters.values()].map((c) => c.lines && Math.max(...c.lines.map((t) => t.getComputedTextLength())));
  [...clusters.values()].forEach((c, k) => {
    if (!c.el) return;
    const b = c.frame.box;
    c.want = [Math.min(b[2] - b[0], widths[k] + 2 * PAD[0] + PLUS), 2 * LINE + 2 * PAD[1]];
  });
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
      c.hiddenBy = closedAround(c.ancestors.map((a) => a.id));
      c.el.classList.toggle("hidden", !!c.hiddenBy || !c.open);
      c.overlay.classList.toggle("hidden", !!c.hiddenBy || c.open);
      c.toggle.classList.toggle("hidden", !!c.hiddenBy || !c.open);
    }
    for (const e of edges) {
      const inside = e.a.hiddenBy && e.a.hiddenBy === e.b.hiddenBy;
      e.el.classList.toggle("hidden", !!inside);
    }
    relayout();
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

  // ---- layout: where everything is drawn, given what is open --------------------------------
  let bounds = [0, 0, 0, 0]; // the drawing's extent now
  const translate = (from, to) => {
    const dx = to[0] - from[0], dy = to[1] - from[1];
    return Math.abs(dx) < 0.005 && Math.abs(dy) < 0.005 ? null : `translate(${dx.toFixed(2)} ${dy.toFixed(2)})`;
  };
  const moveTo = (el, from, to) => {
    const t = translate(from, to);
    if (t) el.setAttribute("transform", t);
    else el.removeAttribute("transform");
  };
  function relayout() {
    const pieces = [], owners = [];
    const pieceOf = new Map(); // cluster id -> index of its piece
    const shown = [...clusters.values()].filter((c) => c.el && !c.hiddenBy);
    shown.sort((p, q) => p.ancestors.length - q.ancestors.length); // parents first
    for (const c of shown) {
      pieceOf.set(c.id, pieces.length);
      const f = c.frame, parent = c.parent == null ? -1 : pieceOf.get(c.parent) ?? -1;
      const lo = f.box.slice(0, 2), hi = f.box.slice(2);
      pieces.push(c.open ? { kind: "frame", lo, hi, parent, least: f.least }
        : { kind: "box", lo, hi, parent, want: c.want, align: c.align });
      owners.push({ cluster: c });
    }
    for (const [g, s] of shapes) {
      const u = unitOfEl(g);
      if (u && u.hiddenBy) continue;
      const inner = u && u.path.length ? pieceOf.get(u.path[u.path.length - 1]) : undefined;
      pieces.push({ kind: "rigid", lo: s.box.slice(0, 2), hi: s.box.slice(2), parent: inner ?? -1 });
      owners.push({ el: g, shape: s });
    }
    for (const f of otherFrames) {
      pieces.push({ kind: "rigid", lo: f.box.slice(0, 2), hi: f.box.slice(2), parent: -1 });
      owners.push({ el: f.el, shape: f });
    }
    const { fx, fy, rects, still } = Layout.place(pieces, flow);
    bounds = [Infinity, Infinity, -Infinity, -Infinity];
    rects.forEach((r, i) => {
      bounds = [Math.min(bounds[0], r[0]), Math.min(bounds[1], r[1]), Math.max(bounds[2], r[2]), Math.max(bounds[3], r[3])];
      const o = owners[i];
      if (o.cluster) placeCluster(o.cluster, r);
      else {
        o.shape.at = r;
        moveTo(o.el, o.shape.box, r);
      }
    });
    if (paper) {
      const [x0, y0, x1, y1] = [bounds[0] - 4, bounds[1] - 4, bounds[2] + 4, bounds[3] + 4];
      paper.setAttribute("points", [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]].map(pt).join(" "));
    }
    const merged = new Map(); // "tail>head" -> the edge drawn for every edge between the two
    for (const e of edges) routeEdge(e, fx, fy, still, merged);
  }

  function placeCluster(c, r) {
    c.at = r;
    if (c.open) {
      const f = c.frame, b = f.box;
      const same = r.every((v, k) => Math.abs(v - b[k]) < 0.005);
      if (f.shape.tagName === "path") f.shape.setAttribute("d", same ? f.d : roundedRect(r, 12));
      else f.shape.setAttribute("points", [[r[0], r[1]], [r[2], r[1]], [r[2], r[3]], [r[0], r[3]], [r[0], r[1]]].map(pt).join(" "));
      for (const t of f.labels) moveTo(t, b, r);
      c.toggleRect.setAttribute("x", r[2] - 17);
      c.toggleRect.setAttribute("y", r[1] + 3);
      c.toggleText.setAttribute("x", r[2] - 10);
      c.toggleText.setAttribute("y", r[1] + 14);
      return;
    }
    const [x0, y0, x1, y1] = r;
    Object.entries({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }).forEach(([k, v]) => c.rect.setAttribute(k, v));
    const mid = (x0 + x1 - PLUS) / 2, top = (y0 + y1) / 2 - LINE;
    c.lines.forEach((t, k) => {
      t.setAttribute("x", mid);
      t.setAttribute("y", top + LINE * k + 10.5);
    });
    c.plus.setAttribute("x", x1 - 8);
    c.plus.setAttribute("y", y0 + 12);
  }

  function roundedRect([x0, y0, x1, y1], radius) {
    const r = Math.min(radius, (x1 - x0) / 2, (y1 - y0) / 2), h = r / 2;
    return `M${pt([x0 + r, y0])}L${pt([x1 - r, y0])}C${pt([x1 - h, y0])} ${pt([x1, y0 + h])} ${pt([x1, y0 + r])}` +
      `L${pt([x1, y1 - r])}C${pt([x1, y1 - h])} ${pt([x1 - h, y1])} ${pt([x1 - r, y1])}` +
      `L${pt([x0 + r, y1])}C${pt([x0 + h, y1])} ${pt([x0, y1 - h])} ${pt([x0, y1 - r])}` +
      `L${pt([x0, y0 + r])}C${pt([x0, y0 + h])} ${pt([x0 + h, y0])} ${pt([x0 + r, y0])}Z`;
  }

  // An edge keeps Graphviz's curve, warped with the drawing; its ends move with their nodes.
  // At a closed box the curve is cut where it left the box's old frame (inside it there was
  // only what the box now hides) and joined to the box's border; several edges between the
  // same two things are drawn as one.
  function routeEdge(e, fx, fy, still, merged) {
    e.rep = e;
    e.el.classList.remove("merged");
    const line = e.line;
    if (!line || e.el.classList.contains("hidden")) return;
    const ends = line.ends.map((g) => {
      const u = unitOfEl(g);
      if (u && u.hiddenBy) return { box: u.hiddenBy, key: `c${u.hiddenBy.id}` };
      const s = shapes.get(g);
      return { move: [s.at[0] - s.box[0], s.at[1] - s.box[1]], key: g.dataset.unit || "" };
    });
    const P = line.points, n = P.length;
    const plus = (p, v) => [p[0] + v[0], p[1] + v[1]];
    const boxes = ends.some((x) => x.box);
    if (still) { // nothing closed: Graphviz's own curve
      line.path.setAttribute("d", line.d);
      for (const a of line.arrows) a.el.setAttribute("points", a.text);
      for (const t of line.texts) {
        t.el.removeAttribute("transform");
        t.el.removeAttribute("display");
      }
      return;
    }
    // Every point warped with the drawing, the two at each end moved with its node.
    const W = P.map((p, j) => (j <= 1 && !ends[0].box ? plus(p, ends[0].move)
      : j >= n - 2 && !ends[1].box ? plus(p, ends[1].move) : [fx(p[0]), fy(p[1])]));
    const shiftArrow = (a) => a.el.setAttribute("points", a.points.map((p) => pt(plus(p, ends[a.end].move || [0, 0]))).join(" "));
    if (!boxes) {
      let k = 0;
      line.path.setAttribute("d", line.d.replace(NUMBER_PAIR, () => pt(W[k++])));
      for (const a of line.arrows) shiftArrow(a);
      for (const t of line.texts) {
        moveTo(t.el, [t.x, t.y], [fx(t.x), fy(t.y)]);
        t.el.removeAttribute("display");
      }
      return;
    }
    const key = `${ends[0].key}>${ends[1].key}`;
    if (merged.has(key)) {
      e.rep = merged.get(key);
      e.el.classList.add("merged");
      return;
    }
    merged.set(key, e);
    for (const t of line.texts) t.el.setAttribute("display", "none");
    // The curve's on-curve points are P[0], P[3], ...: keep those from the first outside the
    // tail's box (t) to the last outside the head's box (h). With no piece of the curve left
    // between them, a new curve joins the two borders.
    const last = (n - 1) / 3;
    const within = (p, r) => p[0] >= r[0] && p[0] <= r[2] && p[1] >= r[1] && p[1] <= r[3];
    const inside = (p, x) => !!x.box && within(p, x.box.frame.box);
    let t = 0, h = last;
    if (Number.isInteger(last)) {
      while (t <= last && inside(P[3 * t], ends[0])) t++;
      while (h >= 0 && inside(P[3 * h], ends[1])) h--;
    }
    const kept = Number.isInteger(last) && t < h;
    const rectAt = (k) => (ends[k].box ? ends[k].box.at : shapes.get(line.ends[k]).at);
    const centre = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];
    // Each end: where the curve starts or stops, the direction it leaves from there.
    const at = ends.map((x, k) => {
      if (kept && !x.box) {
        const own = k ? W[n - 1] : W[0], next = k ? W[n - 2] : W[1];
        return { p: own, dir: Layout.unit([next[0] - own[0], next[1] - own[1]]) };
      }
      const a = Layout.attach(rectAt(k), kept ? W[3 * (k ? h : t)] : centre(rectAt(1 - k)));
      return { p: a.p, dir: a.n, placed: true };
    });
    for (const a of line.arrows) {
      const end = at[a.end];
      if (!end.placed) {
        shiftArrow(a);
        continue;
      }
      // The arrow's tip on the border; the curve stops at its base.
      const moved = Layout.moveArrow(a.points, a.base, a.tip, end.p, [-end.dir[0], -end.dir[1]]);
      a.el.setAttribute("points", moved.map(pt).join(" "));
      const length = Math.hypot(a.tip[0] - a.base[0], a.tip[1] - a.base[1]);
      end.p = [end.p[0] + end.dir[0] * length, end.p[1] + end.dir[1] * length];
    }
    if (!kept) {
      line.path.setAttribute("d", Layout.curve(at[0].p, at[0].dir, at[1].p, at[1].dir));
      return;
    }
    const reach = (p, q, dir) => { // a control point a third of the way, along dir
      const k = Math.hypot(q[0] - p[0], q[1] - p[1]) / 3;
      return [p[0] + dir[0] * k, p[1] + dir[1] * k];
    };
    let d = `M${pt(at[0].p)}`;
    if (ends[0].box) d += `C${pt(reach(at[0].p, W[3 * t], at[0].dir))} ${pt(W[Math.max(0, 3 * t - 1)])} ${pt(W[3 * t])}`;
    for (let i = t + 1; i <= h; i++) d += `C${pt(W[3 * i - 2])} ${pt(W[3 * i - 1])} ${pt(W[3 * i])}`;
    if (ends[1].box) d += `C${pt(W[Math.min(n - 1, 3 * h + 1)])} ${pt(reach(at[1].p, W[3 * h], at[1].dir))} ${pt(at[1].p)}`;
    line.path.setAttribute("d", d);
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
            e.rep.el.classList.add("flow");
            if (DATA.view === "backward") e.rep.el.classList.add("rev");
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
    const [, y0, x1] = shapes.get(el).at; // where the node is drawn now
    const g = svgEl("g", { class: complete ? "badge complete" : "badge" }, badges);
    const w = 8 + 6.5 * text.length;
    svgEl("rect", { x: x1 - w + 6, y: y0 - 9, width: w, height: 16, rx: 8 }, g);
    svgEl("text", { x: x1 - w / 2 + 6, y: y0 + 3 }, g).textContent = text;
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
    for (const e of edges) if (e.b.nodes.every((j) => future.has(j))) e.rep.el.classList.add("future");
    const cur = k > 0 ? DATA.forward[k - 1] : null;
    if (cur != null) {
      const u = unitOf(cur);
      for (const p of nodes[cur].parents) for (const el of shownEls(p)) el.classList.add("feeding");
      for (const e of edges) if (e.b === u && e.a !== u) e.rep.el.classList.add("feed");
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
      focus(shownEl(Number(link.dataset.node)), true);
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
      focus(shownEl(i), false);
    } else if ($("follow").checked) fit(); // back at the start: the whole graph again
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
  $("open-all").onclick = () => { for (const c of clusters.values()) c.open = true; layoutVisibility(); fit(); render(); };
  $("close-all").onclick = () => { for (const c of clusters.values()) if (c.kind === "op") c.open = false; layoutVisibility(); fit(); render(); };
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
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
  // The drawing's coordinates (g.graph's) -> the SVG's (Graphviz translates the drawing).
  const into = layer.transform.baseVal.consolidate();
  const M = into ? into.matrix : { a: 1, d: 1, e: 0, f: 0 };
  const toSvg = (p) => [M.a * p[0] + M.e, M.d * p[1] + M.f];
  const cam = { x: 0, y: 0, s: 1 };
  const MIN_S = () => Math.min(0.1, fitScale() * 0.8), MAX_S = 4;
  const READABLE = 0.8; // the scale "follow" zooms in to, to read a node's label
  const MARGIN = 16; // around the whole graph when it is fitted to the window
  // The view's size, read once and on resizing (reading it after a change lays the page out).
  let viewW = view.clientWidth, viewH = view.clientHeight;
  function fitScale() {
    const [x0, y0] = toSvg(bounds), [x1, y1] = toSvg(bounds.slice(2));
    return Math.min(viewW / (x1 - x0 + 2 * MARGIN), viewH / (y1 - y0 + 2 * MARGIN));
  }
  function apply() {
    svg.setAttribute("viewBox", `${cam.x} ${cam.y} ${viewW / cam.s} ${viewH / cam.s}`);
  }
  // Where an element (a node or a closed box) is on the screen, from the view's top left.
  function screenRect(el) {
    const r = shapes.has(el) ? shapes.get(el).at : clusters.get(Number(el.dataset.cluster)).at;
    const [x0, y0] = toSvg(r), [x1, y1] = toSvg(r.slice(2));
    return [(x0 - cam.x) * cam.s, (y0 - cam.y) * cam.s, (x1 - cam.x) * cam.s, (y1 - cam.y) * cam.s];
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
    zoomAt(f, viewW / 2, viewH / 2);
  }
  // The whole graph, centred (a small graph is not blown up).
  function fit() {
    if (!viewW || !viewH) return; // not shown yet (a hidden frame): fit when it is
    const [x0, y0] = toSvg(bounds), [x1, y1] = toSvg(bounds.slice(2));
    cam.s = Math.min(1.25, fitScale());
    cam.x = (x0 + x1) / 2 - viewW / cam.s / 2;
    cam.y = (y0 + y1) / 2 - viewH / cam.s / 2;
    apply();
  }
  // Bring an element into view (centre it) if it is outside, or always when asked.
  function reveal(el, always) {
    if (!el) return;
    const [x0, y0, x1, y1] = screenRect(el), margin = 40;
    const inside = x0 >= margin && x1 <= viewW - margin && y0 >= margin && y1 <= viewH - margin;
    if (inside && !always) return;
    cam.x += ((x0 + x1) / 2 - viewW / 2) / cam.s;
    cam.y += ((y0 + y1) / 2 - viewH / 2) / cam.s;
    apply();
  }
  // Follow a step (or a link in the panel): zoom in until labels can be read, then reveal.
  function focus(el, always) {
    if (!el) return;
    if (cam.s < READABLE) {
      const [x0, y0, x1, y1] = screenRect(el);
      zoomAt(READABLE / cam.s, (x0 + x1) / 2, (y0 + y1) / 2);
      always = true;
    }
    reveal(el, always);
  }
  // Open or close a cluster; the new layout keeps its top edge where it was on the screen.
  function setOpen(c, open) {
    const top = (r) => toSvg([(r[0] + r[2]) / 2, r[1]]);
    const [bx, by] = top(c.at);
    c.open = open;
    layoutVisibility();
    const [ax, ay] = top(c.at);
    cam.x += ax - bx;
    cam.y += ay - by;
    apply();
    render();
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
  window.addEventListener("resize", () => {
    const unseen = !viewW || !viewH;
    viewW = view.clientWidth;
    viewH = view.clientHeight;
    if (unseen) fit();
    else apply();
  });

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
  fit(); // the whole graph first; the stepper's "follow" zooms in to each step's node
  render();
  document.body.dataset.ready = "1";
})();
