// The loss chart: train and test loss against epochs, appended as frames arrive, on a log
// scale with a label at each power of ten, so a loss falling from 0.7 to 0.001 keeps moving on
// the picture instead of lying flat after the first second. Only the last `capacity` points are
// kept at full resolution; older ones are thinned by halves, so the chart stays cheap however
// long the run.

import { svgNode } from "./dom.js";
import { num } from "./format.js";

/** Room on the left for the tick labels, and above and below the lines. */
const GUTTER = 34;
const PAD = 7;
/** A loss of zero (hinge can reach it) is drawn at this fraction of the largest. */
const FLOOR = 1e-6;
/** More powers of ten than this, and only every other one is labelled. */
const MAX_LABELS = 5;

const SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074", 5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

/** 10^k as a reader writes it: 100, 1, 0.01, then 10⁻⁴ and 10⁵ beyond. */
export function powerOfTen(k) {
  if (k >= -3 && k <= 4) return num(10 ** k, 1);
  return `10${[...String(k)].map((c) => SUPERSCRIPT[c]).join("")}`;
}

export class LossChart {
  constructor(svg, capacity = 600) {
    this.svg = svg;
    this.capacity = capacity;
    this.points = [];
    this.width = Number(svg.getAttribute("width")) || 300;
    this.height = Number(svg.getAttribute("height")) || 90;
    this.axis = svgNode("g", { class: "axis" }, svg);
    this.axisKey = "";
    this.lines = ["train", "test"].map((name) => {
      return svgNode("polyline", { class: `loss-line ${name}`, fill: "none" }, svg);
    });
  }

  reset() {
    this.points = [];
    this.draw();
  }

  /** Adds one epoch's losses; an epoch that went back (a reset) starts the chart again. */
  add(epoch, train, test) {
    if (!Number.isFinite(train) || !Number.isFinite(test)) return;
    const last = this.points[this.points.length - 1];
    if (last && epoch < last[0]) this.points = [];
    if (last && epoch === last[0]) this.points.pop();
    this.points.push([epoch, train, test]);
    if (this.points.length > this.capacity) {
      this.points = this.points.filter((_, i) => i % 2 === 0 || i === this.points.length - 1);
    }
  }

  draw() {
    const points = this.points;
    if (points.length < 2) {
      for (const line of this.lines) line.setAttribute("points", "");
      this.drawAxis(null);
      return;
    }
    const first = points[0][0];
    const span = Math.max(1, points[points.length - 1][0] - first);
    let top = 0;
    for (const [, a, b] of points) top = Math.max(top, a, b);
    top = top > 0 ? top : 1;
    let bottom = top;
    for (const [, a, b] of points) {
      for (const v of [a, b]) if (v > 0) bottom = Math.min(bottom, v);
    }
    const floor = Math.max(bottom, top * FLOOR);
    // Whole powers of ten at both ends: the labels land on the edges and read at a glance.
    const hi = Math.ceil(Math.log10(top));
    const lo = Math.min(hi - 1, Math.floor(Math.log10(floor)));
    const y = this.scale(lo, hi);
    this.drawAxis({ lo, hi, y });
    const plot = this.width - GUTTER;
    for (let k = 0; k < 2; k++) {
      const text = points
        .map((p) => `${(GUTTER + ((p[0] - first) / span) * plot).toFixed(1)},${y(Math.max(p[k + 1], floor)).toFixed(1)}`)
        .join(" ");
      this.lines[k].setAttribute("points", text);
    }
  }

  /** The y of a loss on the axis from 10^lo (bottom) to 10^hi (top). */
  scale(lo, hi) {
    const h = this.height - 2 * PAD;
    return (v) => PAD + ((hi - Math.log10(v)) / (hi - lo)) * h;
  }

  /** A grid line and a label at each power of ten; redrawn only when the range changes. */
  drawAxis(range) {
    const key = range ? `${range.lo}/${range.hi}` : "";
    if (key === this.axisKey) return;
    this.axisKey = key;
    this.axis.replaceChildren();
    if (!range) return;
    const { lo, hi, y } = range;
    const every = hi - lo + 1 > MAX_LABELS ? 2 : 1;
    for (let k = hi; k >= lo; k--) {
      const at = y(10 ** k).toFixed(1);
      svgNode("line", { class: "grid", x1: GUTTER, x2: this.width, y1: at, y2: at }, this.axis);
      if ((hi - k) % every !== 0) continue;
      const label = svgNode("text", { class: "tick", x: GUTTER - 4, y: at, "text-anchor": "end", "dominant-baseline": "middle" }, this.axis);
      label.textContent = powerOfTen(k);
      label.dataset.value = 10 ** k;
    }
  }
}
