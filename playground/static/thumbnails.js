// Small pictures of the six data sets for the picker: the shape of each problem, drawn from a
// formula (the real points come from the server once one is chosen).

import { css } from "./colors.js";

/** Each data set as a label function on [-1, 1]², returning a value in [-1, 1]. */
const SHAPES = {
  circle: (x, y) => (Math.hypot(x, y) < 0.5 ? 1 : -1),
  xor: (x, y) => (x * y >= 0 ? 1 : -1),
  gauss: (x, y) => (Math.hypot(x - 0.45, y - 0.45) < Math.hypot(x + 0.45, y + 0.45) ? 1 : -1),
  spiral: (x, y) => {
    const r = Math.hypot(x, y);
    const turn = (Math.atan2(y, x) + 4 * Math.PI * r) / Math.PI;
    return Math.cos(turn * Math.PI) >= 0 ? 1 : -1;
  },
  plane: (x, y) => (x + y) / 2,
  multigauss: (x, y) =>
    Math.max(-1, Math.min(1, 1.6 * (Math.exp(-6 * ((x - 0.4) ** 2 + (y - 0.4) ** 2)) - Math.exp(-6 * ((x + 0.4) ** 2 + (y + 0.3) ** 2)) + 0.6 * Math.exp(-8 * ((x - 0.5) ** 2 + (y + 0.5) ** 2)) - 0.6 * Math.exp(-8 * ((x + 0.5) ** 2 + (y - 0.5) ** 2))))),
};

export function drawThumbnail(canvas, dataset) {
  const shape = SHAPES[dataset];
  if (!shape) return;
  const size = canvas.width;
  const context = canvas.getContext("2d");
  const cells = 20;
  const cell = size / cells;
  for (let i = 0; i < cells; i++) {
    for (let j = 0; j < cells; j++) {
      const x = ((i + 0.5) / cells) * 2 - 1;
      const y = 1 - ((j + 0.5) / cells) * 2;
      context.fillStyle = css(shape(x, y) * 0.85);
      context.fillRect(i * cell, j * cell, Math.ceil(cell), Math.ceil(cell));
    }
  }
}
