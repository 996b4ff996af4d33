// The loss chart: train and test loss against epochs, appended as frames arrive. On a log scale
// (the default) with a label at each power of ten, so a loss falling from 0.7 to 0.001 keeps
// moving on the picture instead of lying flat after the first second; on a linear scale from 0,
// labelled at round steps, to see how much of the loss is already gone. Only the last
// `capacity` points are kept at full resolution; older ones are thinned by halves, so the chart
// stays cheap however long the run.

import { svgNode } from "./dom.js";
import { minusSigns, num } from "./format.js";

/** Room on the left for the tick labels, and above and below the lines. */
const GUTTER = 34;
const PAD = 7;
/** A loss of zero (hinge can reach it) is drawn at this fraction of the largest. */
const FLOOR = 1e-6;
/** More powers of ten than this, and only every other one is labelled. */
const MAX_LABELS = 5;
/** A linear axis is cut into at most this many round steps (1, 2 or 5 times a power of ten). */
const MAX_STEPS = 4;

const SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074", 5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

/** 10^k as a reader writes it: 100, 1, 0.01, then 10⁻⁴ and 10⁵ beyond. */
export function powerOfTen(k) {
  if (k >= -3 && k <= 4) return num(10 ** k, 1);
  return `10${[...String(k)].map((c) => SUPERSCRIPT[c]).join("")}`;
}

/**
 * A label of the linear axis, whose step is a multiple of 10^k: the value as a reader writes it
 * (0.25, 1500), or beyond that range as 4e6 or 2e−6, short enough for the gutter.
 */
export function linearLabel(value, k) {
  if (value === 0 || (k >= -3 && k <= 3)) return num(value, 3);
  return minusSigns(Number(value.toPrecision(3)).toExponential().replace("e+", "e"));
}

/** The round step (1, 2 or 5 × 10^k) that cuts 0 to `top` into at most `MAX_STEPS` parts. */
export function linearStep(top) {
  const rough = top / MAX_STEPS;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough * (1 - 1e-9));
  // m × 10^k can miss its round value in the last bit (3 × 0.1 is 0.30000000000000004): one
  // significant digit puts it back, and the ticks below round away the same error.
  return Number(step.toPrecision(1));
}

export class LossChart {
  constructor(svg, capacity = 600) {
    this.svg = svg;
    this.log = true;
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

  /** Switches between the log scale (`true`) and the linear one; frames keep the choice. */
  setLog(log) {
    this.log = log;
    this.svg.dataset.scale = log ? "log" : "linear";
    this.svg.setAttribute("aria-label", `train and test loss over epochs, on a ${log ? "log" : "linear"} scale`);
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
      this.drawAxis("", [], null);
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
    const { y, ticks, key, floor } = this.log ? logAxis(top, bottom, this.height) : linearAxis(top, this.height);
    this.drawAxis(key, ticks, y);
    const plot = this.width - GUTTER;
    for (let k = 0; k < 2; k++) {
      const text = points
        .map((p) => `${(GUTTER + ((p[0] - first) / span) * plot).toFixed(1)},${y(Math.max(p[k + 1], floor)).toFixed(1)}`)
        .join(" ");
      this.lines[k].setAttribute("points", text);
    }
  }

  /**
   * A grid line at each of `ticks` (`{value, label}`, top first; `label` null for a line
   * without one); redrawn only when the axis (its `key`) changes.
   */
  drawAxis(key, ticks, y) {
    if (key === this.axisKey) return;
    this.axisKey = key;
    this.axis.replaceChildren();
    for (const { value, label } of ticks ?? []) {
      const at = y(value).toFixed(1);
      svgNode("line", { class: "grid", x1: GUTTER, x2: this.width, y1: at, y2: at }, this.axis);
      if (label === null) continue;
      const text = svgNode("text", { class: "tick", x: GUTTER - 4, y: at, "text-anchor": "end", "dominant-baseline": "middle" }, this.axis);
      text.textContent = label;
      text.dataset.value = value;
    }
  }
}

/**
 * The log axis from 10^lo to 10^hi, whole powers of ten at both ends so that the labels land on
 * the edges and read at a glance; a loss of 0 is drawn at `floor`.
 */
function logAxis(top, bottom, height) {
  const floor = Math.max(bottom, top * FLOOR);
  const hi = Math.ceil(Math.log10(top));
  const lo = Math.min(hi - 1, Math.floor(Math.log10(floor)));
  const h = height - 2 * PAD;
  const y = (v) => PAD + ((hi - Math.log10(v)) / (hi - lo)) * h;
  const every = hi - lo + 1 > MAX_LABELS ? 2 : 1;
  const ticks = [];
  for (let k = hi; k >= lo; k--) ticks.push({ value: 10 ** k, label: (hi - k) % every === 0 ? powerOfTen(k) : null });
  return { y, ticks, key: `log/${lo}/${hi}`, floor };
}

/** The linear axis from 0 to the first round step at or above `top`, a label at each step. */
function linearAxis(top, height) {
  const step = linearStep(top);
  const count = Math.ceil(top / step - 1e-9);
  const end = count * step;
  const h = height - 2 * PAD;
  const y = (v) => PAD + (1 - v / end) * h;
  const ticks = [];
  for (let i = count; i >= 0; i--) {
    const value = Number((i * step).toPrecision(12));
    ticks.push({ value, label: linearLabel(value, Math.floor(Math.log10(step))) });
  }
  return { y, ticks, key: `linear/${step}/${count}`, floor: 0 };
}
