// Heat maps: a grid of signed bytes painted through the colour table into a canvas, and the
// big output map with the data points on top, which the learner clicks to pick a sample.

import { byteTable, css } from "./colors.js";
import { decodeMap } from "./format.js";

/** The square the maps cover (API.md: points lie in [-6, 6]²). */
export const DOMAIN = 6;

const tables = new Map();
function table(discretize, wash) {
  const key = `${discretize}/${wash}`;
  if (!tables.has(key)) tables.set(key, byteTable(discretize, wash));
  return tables.get(key);
}

/**
 * Paints an n × n map (row 0 at y = +6) into `canvas`, resizing it to n × n pixels if needed;
 * CSS scales it to its box. A map of the wrong length leaves the canvas as it was.
 */
export function paintMap(canvas, bytes, n, discretize = false, wash = 0) {
  if (!n || bytes.length !== n * n) return;
  if (canvas.width !== n) canvas.width = n;
  if (canvas.height !== n) canvas.height = n;
  const context = canvas.getContext("2d");
  if (!canvas._image || canvas._image.width !== n) canvas._image = context.createImageData(n, n);
  const image = canvas._image;
  const pixels = image.data;
  const colours = table(Boolean(discretize), wash);
  for (let i = 0, p = 0; i < bytes.length; i++, p += 4) {
    const t = (bytes[i] + 128) * 4;
    pixels[p] = colours[t];
    pixels[p + 1] = colours[t + 1];
    pixels[p + 2] = colours[t + 2];
    pixels[p + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** How much white the output map mixes in, so the points on it stand out. */
const MAP_WASH = 0.35;

/** The output map: the network's answer everywhere, the points, and the picked sample. */
export class OutputMap {
  /** `root` holds two stacked canvases: `#heatmap` (the map) and `#heatmap-points`. */
  constructor(root, onPick) {
    this.root = root;
    this.map = root.querySelector("#heatmap");
    this.points = root.querySelector("#heatmap-points");
    this.train = [];
    this.test = [];
    this.showTest = false;
    this.picked = null;
    this.lastBytes = null;
    this.n = 0;
    this.discretize = false;
    this.points.addEventListener("click", (event) => {
      const box = this.points.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * 2 * DOMAIN - DOMAIN;
      const y = DOMAIN - ((event.clientY - box.top) / box.height) * 2 * DOMAIN;
      onPick(x, y);
    });
  }

  /**
   * Paints a base64 map (API.md) of `n` × `n` cells (square, when `n` is not given); a map the
   * same as the last one is not decoded or painted again.
   */
  drawMap(base64, n) {
    if (base64 === this.lastMap) return;
    this.lastMap = base64;
    const bytes = decodeMap(base64);
    this.lastBytes = bytes;
    this.n = n ?? Math.round(Math.sqrt(bytes.length));
    paintMap(this.map, bytes, this.n, this.discretize, MAP_WASH);
  }

  setDiscretize(discretize) {
    this.discretize = discretize;
    if (this.lastBytes) paintMap(this.map, this.lastBytes, this.n, discretize, MAP_WASH);
  }

  setData(train, test) {
    this.train = train;
    this.test = test;
    this.picked = null;
    this.drawPoints();
  }

  setShowTest(showTest) {
    this.showTest = showTest;
    this.drawPoints();
  }

  /** Rings the last mini-batch's training points (indices into the train list), or none. */
  setBatch(indices) {
    const key = Array.isArray(indices) ? indices.join(",") : "";
    if (key === this.batchKey) return;
    this.batchKey = key;
    this.batch = Array.isArray(indices) ? indices : [];
    this.drawPoints();
  }

  setPicked(point) {
    this.picked = point;
    this.drawPoints();
  }

  /** Points change only with the data or the options, so they are not redrawn each frame. */
  drawPoints() {
    const canvas = this.points;
    const scale = window.devicePixelRatio || 1;
    const size = canvas.clientWidth || 300;
    if (canvas.width !== Math.round(size * scale)) {
      canvas.width = Math.round(size * scale);
      canvas.height = Math.round(size * scale);
    }
    const context = canvas.getContext("2d");
    context.setTransform(scale, 0, 0, scale, 0, 0);
    context.clearRect(0, 0, size, size);
    const at = (v) => ((v + DOMAIN) / (2 * DOMAIN)) * size;
    const place = (x, y) => [at(x), size - at(y)];
    const regression = this.regression;
    const fill = (label) => (regression ? regressionColour(label) : css(label >= 0 ? 1 : -1));
    for (const [x, y, label] of this.train) {
      const [px, py] = place(x, y);
      context.beginPath();
      context.arc(px, py, 3.2, 0, 2 * Math.PI);
      context.fillStyle = fill(label);
      context.fill();
      context.lineWidth = 1;
      context.strokeStyle = "#fff";
      context.stroke();
    }
    if (this.showTest) {
      for (const [x, y, label] of this.test) {
        const [px, py] = place(x, y);
        context.beginPath();
        context.arc(px, py, 3.2, 0, 2 * Math.PI);
        context.lineWidth = 1.6;
        context.strokeStyle = fill(label);
        context.stroke();
      }
    }
    for (const i of this.batch ?? []) {
      const point = this.train[i];
      if (!point) continue;
      const [px, py] = place(point[0], point[1]);
      context.beginPath();
      context.arc(px, py, 5.5, 0, 2 * Math.PI);
      context.lineWidth = 1.5;
      context.strokeStyle = "#333";
      context.stroke();
    }
    if (this.picked) {
      const [px, py] = place(this.picked.x, this.picked.y);
      context.beginPath();
      context.arc(px, py, 7, 0, 2 * Math.PI);
      context.lineWidth = 2.5;
      context.strokeStyle = "#222";
      context.stroke();
    }
  }
}

function regressionColour(label) {
  // Stronger than the map's own shade, so a point stays visible on the region it predicts.
  const v = Math.max(-1, Math.min(1, Number.isFinite(label) ? label : 0));
  return css(Math.sign(v) * (0.35 + 0.65 * Math.abs(v)));
}
