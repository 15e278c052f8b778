// The explorer's layout, as pure geometry (no DOM; explore.js measures the SVG and moves it).
//
// Graphviz lays the graph out once, with every composite open, so that each can be opened in
// the page. A closed composite is drawn as a box its label fits, and the picture closes up
// around it: each axis (the flow's first) is warped by an increasing, piecewise linear map that
// shrinks the stretches lying inside closed boxes and keeps every other distance. Rows and
// columns stay aligned as Graphviz drew them, nodes keep their size, frames keep their margins,
// and nothing that did not touch comes to overlap. With nothing closed the maps are the
// identity: the page shows Graphviz's own picture.
"use strict";
const Layout = (() => {
  // Pieces (what compact() lays out) are {lo: [x, y], hi: [x, y], kind, parent, want, least}:
  //   kind "rigid": a node, moved but never resized;
  //   kind "box": a closed composite, drawn want = [w, h] large inside the span it keeps,
  //     with ROOM before and after it along the flow for the edges that reach it;
  //   kind "frame": an open cluster, as large as its contents and margins need (and
  //     at least least = [w, h], its label);
  //   parent: the index of the open frame a piece sits in directly, or -1.
  const NEAR = 10; // pieces closer than this across an axis may not touch along it
  const GAP = 24; // the least distance a closing box leaves between such neighbours
  const ROOM = 10; // along the flow, on each side of a closed box

  const overlapAcross = (p, q, b) => p.lo[b] < q.hi[b] + NEAR && q.lo[b] < p.hi[b] + NEAR;

  // An increasing map of axis a that closes up what the closed boxes no longer need.
  function compact(pieces, a, flow) {
    const b = 1 - a;
    const ks = [...new Set(pieces.flatMap((p) => [p.lo[a], p.hi[a]]))].sort((u, v) => u - v);
    const at = new Map(ks.map((k, i) => [k, i]));
    const n = ks.length - 1; // gaps between consecutive keypoints
    const old = Array.from({ length: n }, (_, i) => ks[i + 1] - ks[i]);
    // A gap may shrink if it lies inside a closed box and no node spans it.
    const free = new Array(n).fill(false);
    for (const p of pieces) if (p.kind === "box") for (let i = at.get(p.lo[a]); i < at.get(p.hi[a]); i++) free[i] = true;
    for (const p of pieces) if (p.kind === "rigid") for (let i = at.get(p.lo[a]); i < at.get(p.hi[a]); i++) free[i] = false;
    const freeBefore = [0];
    for (let i = 0; i < n; i++) freeBefore.push(freeBefore[i] + (free[i] ? 1 : 0));
    const len = old.map((o, i) => (free[i] ? 0 : o));

    // What must stay at least how long: [first gap, past the last gap, length].
    const rules = [];
    const need = (from, to, least) => { // from, to: keypoints
      const i = at.get(from), j = at.get(to);
      if (freeBefore[j] > freeBefore[i]) rules.push([i, j, least]);
    };
    const children = pieces.map(() => []);
    pieces.forEach((p, i) => { if (p.parent >= 0) children[p.parent].push(i); });
    pieces.forEach((p, i) => {
      if (p.kind === "box") need(p.lo[a], p.hi[a], p.want[a] + (a === flow ? 2 * ROOM : 0));
      if (p.kind !== "frame" || !children[i].length) return;
      // A frame keeps its label band and margins around what it holds, and its label's room.
      const kids = children[i].map((j) => pieces[j]);
      const before = Math.min(...kids.map((q) => q.lo[a] - p.lo[a]));
      const after = Math.min(...kids.map((q) => p.hi[a] - q.hi[a]));
      for (const q of kids) {
        need(p.lo[a], q.lo[a], before);
        need(q.hi[a], p.hi[a], after);
      }
      need(p.lo[a], p.hi[a], Math.min(p.least[a], p.hi[a] - p.lo[a]));
    });
    // Neighbours along a (overlapping across it, nothing between them) keep their distance,
    // or at least GAP of it where it ran beside a box that closed.
    const order = pieces.map((_, i) => i).sort((i, j) => pieces[i].lo[a] - pieces[j].lo[a]);
    for (const i of order) {
      const p = pieces[i], seen = []; // pieces after p (in order) that overlap it across a
      for (const j of order) {
        const q = pieces[j];
        if (q.lo[a] < p.hi[a] || !overlapAcross(p, q, b)) continue;
        // q is p's neighbour unless a piece met before it lies between them, across both
        const between = seen.some((r) => r.hi[a] <= q.lo[a] && overlapAcross(r, q, b));
        seen.push(q);
        if (between || freeBefore[at.get(q.lo[a])] === freeBefore[at.get(p.hi[a])]) continue;
        need(p.hi[a], q.lo[a], Math.min(q.lo[a] - p.hi[a], GAP));
      }
    }
    // Shortest first, each lengthening only gaps that may shrink: the later (longer) rules
    // find the shorter ones' lengths already in place, and no rule undoes another.
    rules.sort((r, s) => ks[r[1]] - ks[r[0]] - (ks[s[1]] - ks[s[0]]));
    for (const [from, to, least] of rules) {
      let sum = 0, weight = 0;
      for (let i = from; i < to; i++) {
        sum += len[i];
        if (free[i]) weight += old[i];
      }
      if (sum >= least || weight === 0) continue;
      for (let i = from; i < to; i++) if (free[i]) len[i] += ((least - sum) * old[i]) / weight;
    }
    const pos = [ks[0]];
    for (let i = 0; i < n; i++) pos.push(pos[i] + len[i]);
    return (v) => {
      if (v <= ks[0]) return v;
      if (v >= ks[n]) return v - ks[n] + pos[n];
      let lo = 0, hi = n; // the gap holding v: ks[lo] <= v < ks[lo + 1]
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (ks[mid] <= v) lo = mid;
        else hi = mid;
      }
      return pos[lo] + ((v - ks[lo]) * len[lo]) / old[lo];
    };
  }

  const identity = (v) => v;

  // Both axes: {fx, fy, rects, still}, rects[i] = [x0, y0, x1, y1] where piece i is drawn
  // now; still: nothing is closed, so nothing moved.
  // flow: the axis the graph flows along (1: top to bottom). A box lines up with the node it
  // stands for (align = [x, y]: its output's centre), inside its span and ROOM from its ends.
  function place(pieces, flow) {
    if (!pieces.some((p) => p.kind === "box")) {
      return { fx: identity, fy: identity, rects: pieces.map((p) => [...p.lo, ...p.hi]), still: true };
    }
    const maps = [identity, identity];
    let current = pieces;
    const spans = pieces.map((p) => [[...p.lo], [...p.hi]]);
    for (const a of [flow, 1 - flow]) {
      const f = compact(current, a, flow);
      maps[a] = f;
      current = current.map((p, i) => {
        const lo = [...p.lo], hi = [...p.hi];
        spans[i][0][a] = f(p.lo[a]);
        spans[i][1][a] = f(p.hi[a]);
        if (p.kind === "rigid") {
          lo[a] = f(p.lo[a]);
          hi[a] = lo[a] + (p.hi[a] - p.lo[a]);
        } else if (p.kind === "frame") {
          lo[a] = spans[i][0][a];
          hi[a] = spans[i][1][a];
        } else {
          const [s0, s1] = [spans[i][0][a], spans[i][1][a]];
          const room = a === flow ? Math.min(ROOM, Math.max(0, (s1 - s0 - p.want[a]) / 2)) : 0;
          [lo[a], hi[a]] = boxSide(s0 + room, s1 - room, p.want[a], f(p.align[a]));
        }
        return { ...p, lo, hi };
      });
    }
    return { fx: maps[0], fy: maps[1], rects: current.map((p) => [...p.lo, ...p.hi]), still: false };
  }

  function boxSide(lo, hi, want, centre) {
    const size = Math.max(0, Math.min(want, hi - lo));
    const c = Math.max(lo + size / 2, Math.min(hi - size / 2, centre));
    return [c - size / 2, c + size / 2];
  }

  // ---- edges -------------------------------------------------------------------------------
  // Where a line from the centre of rect r towards point q leaves r, and the side's outward
  // normal.
  function attach(r, q) {
    const cx = (r[0] + r[2]) / 2, cy = (r[1] + r[3]) / 2;
    const hw = (r[2] - r[0]) / 2, hh = (r[3] - r[1]) / 2;
    const vx = q[0] - cx, vy = q[1] - cy;
    if (Math.abs(vx) * hh > Math.abs(vy) * hw) {
      const s = Math.sign(vx) || 1;
      return { p: [cx + s * hw, cy + (vy * hw) / Math.abs(vx || 1)], n: [s, 0] };
    }
    const s = Math.sign(vy) || -1;
    return { p: [cx + (vx * hh) / Math.abs(vy || 1), cy + s * hh], n: [0, s] };
  }

  const unit = (v) => {
    const l = Math.hypot(v[0], v[1]) || 1;
    return [v[0] / l, v[1] / l];
  };

  // A smooth curve from s leaving along ds to e arriving against de (de points back out of e).
  function curve(s, ds, e, de) {
    const k = Math.hypot(e[0] - s[0], e[1] - s[1]) / 3;
    const pt = (p) => `${p[0].toFixed(2)},${p[1].toFixed(2)}`;
    return `M${pt(s)}C${pt([s[0] + ds[0] * k, s[1] + ds[1] * k])} ` +
      `${pt([e[0] + de[0] * k, e[1] + de[1] * k])} ${pt(e)}`;
  }

  // An arrowhead drawn for (base b0, tip t0) moved to end at tip t1 coming along direction u1.
  function moveArrow(points, b0, t0, t1, u1) {
    const u0 = unit([t0[0] - b0[0], t0[1] - b0[1]]), w0 = [-u0[1], u0[0]], w1 = [-u1[1], u1[0]];
    const length = Math.hypot(t0[0] - b0[0], t0[1] - b0[1]);
    const b1 = [t1[0] - u1[0] * length, t1[1] - u1[1] * length];
    return points.map((q) => {
      const along = (q[0] - b0[0]) * u0[0] + (q[1] - b0[1]) * u0[1];
      const side = (q[0] - b0[0]) * w0[0] + (q[1] - b0[1]) * w0[1];
      return [b1[0] + along * u1[0] + side * w1[0], b1[1] + along * u1[1] + side * w1[1]];
    });
  }

  return { place, attach, curve, moveArrow, unit };
})();
