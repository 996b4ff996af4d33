// The loss chart: train and test loss against epochs, appended as frames arrive. Only the
// last `capacity` points are kept at full resolution; older ones are thinned by halves, so the
// chart stays cheap however long the run.

import { svgNode } from "./dom.js";

export class LossChart {
  constructor(svg, capacity = 600) {
    this.svg = svg;
    this.capacity = capacity;
    this.points = [];
    this.width = Number(svg.getAttribute("width")) || 300;
    this.height = Number(svg.getAttribute("height")) || 80;
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
      return;
    }
    const first = points[0][0];
    const span = Math.max(1, points[points.length - 1][0] - first);
    let top = 0;
    for (const [, a, b] of points) top = Math.max(top, a, b);
    top = top > 0 ? top : 1;
    const pad = 3;
    const h = this.height - 2 * pad;
    for (let k = 0; k < 2; k++) {
      const text = points
        .map((p) => `${(((p[0] - first) / span) * this.width).toFixed(1)},${(pad + h - (p[k + 1] / top) * h).toFixed(1)}`)
        .join(" ");
      this.lines[k].setAttribute("points", text);
    }
  }
}
