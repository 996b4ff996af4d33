// The graph of one neuron for one point, as the `expression` example draws it: every value a
// box with its label, value and gradient, arrows from each operand to what it feeds. Columns
// by depth (leaves on the left), rows in tape order.

import { num, signed } from "./format.js";
import { svgNode } from "./dom.js";

const BOX_W = 128;
const BOX_H = 50;
const GAP_X = 44;
const GAP_Y = 14;


/** Draws `graph` ({nodes, edges}) into the `svg` element, replacing what it held. */
export function drawGraph(svg, graph) {
  svg.replaceChildren();
  const nodes = Array.isArray(graph?.nodes) ? graph.nodes : [];
  const edges = Array.isArray(graph?.edges) ? graph.edges : [];
  if (nodes.length === 0) {
    svg.setAttribute("width", 0);
    svg.setAttribute("height", 0);
    return;
  }
  const parents = new Map(nodes.map((n) => [n.id, []]));
  for (const [from, to] of edges) parents.get(to)?.push(from);

  // Depth = longest path from a leaf; tape order is topological, so ascending ids suffice.
  const depth = new Map();
  const ordered = [...nodes].sort((a, b) => a.id - b.id);
  for (const node of ordered) {
    const ps = parents.get(node.id);
    depth.set(node.id, ps.length ? 1 + Math.max(...ps.map((p) => depth.get(p) ?? 0)) : 0);
  }
  const columns = [];
  for (const node of ordered) {
    const d = depth.get(node.id);
    (columns[d] ??= []).push(node);
  }
  const place = new Map();
  columns.forEach((column, c) => {
    column.forEach((node, r) => place.set(node.id, [c * (BOX_W + GAP_X) + 4, r * (BOX_H + GAP_Y) + 4]));
  });
  const width = columns.length * (BOX_W + GAP_X) - GAP_X + 8;
  const height = Math.max(...columns.map((c) => c.length)) * (BOX_H + GAP_Y) - GAP_Y + 8;
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);

  const defs = svgNode("defs", {}, svg);
  const marker = svgNode("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" }, defs);
  svgNode("path", { d: "M0,0 L10,5 L0,10 z", fill: "#777" }, marker);

  for (const [from, to] of edges) {
    const a = place.get(from);
    const b = place.get(to);
    if (!a || !b) continue;
    const x1 = a[0] + BOX_W;
    const y1 = a[1] + BOX_H / 2;
    const x2 = b[0];
    const y2 = b[1] + BOX_H / 2;
    const mid = (x1 + x2) / 2;
    svgNode("path", { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, class: "graph-edge", "marker-end": "url(#arrow)" }, svg);
  }
  for (const node of nodes) {
    const [x, y] = place.get(node.id);
    const group = svgNode("g", { class: "graph-node", transform: `translate(${x},${y})` }, svg);
    group.dataset.id = node.id;
    group.dataset.data = node.data;
    group.dataset.grad = node.grad;
    svgNode("rect", { width: BOX_W, height: BOX_H, rx: 5 }, group);
    const title = node.label ? node.label : node.op;
    const op = node.op && node.op !== "var" && node.label ? ` (${node.op})` : "";
    svgNode("text", { x: 6, y: 15, class: "graph-title" }, group).textContent = `${title}${op}`;
    svgNode("text", { x: 6, y: 30 }, group).textContent = `value ${num(node.data, 4)}`;
    svgNode("text", { x: 6, y: 44, class: "graph-grad" }, group).textContent = `grad ${signed(node.grad, 4)}`;
  }
}
