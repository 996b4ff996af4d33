// The Playground's colour scale: orange for -1, a light grey for 0, blue for +1. Every map,
// point and edge on the page is drawn with it, so one colour means one sign everywhere.

const NEGATIVE = [245, 147, 34];
const ZERO = [232, 234, 235];
const POSITIVE = [8, 119, 189];

/** The colour of a value in [-1, 1] (clamped) as [r, g, b]. */
export function rgb(value) {
  const v = Math.max(-1, Math.min(1, Number.isFinite(value) ? value : 0));
  const [from, t] = v < 0 ? [NEGATIVE, -v] : [POSITIVE, v];
  return [0, 1, 2].map((i) => Math.round(ZERO[i] + (from[i] - ZERO[i]) * t));
}

/** The colour of a value in [-1, 1] as a CSS string. */
export function css(value) {
  const [r, g, b] = rgb(value);
  return `rgb(${r},${g},${b})`;
}

/**
 * A lookup table from a map's signed byte (-128..127, at index byte + 128) to RGBA, so that a
 * frame's pixels are a table read each. `discretize` shows only the sign, as the Playground does;
 * `wash` (0 to 1) mixes in white, so that points drawn on top stand out.
 */
export function byteTable(discretize, wash = 0) {
  const table = new Uint8ClampedArray(256 * 4);
  for (let b = -128; b < 128; b++) {
    const value = discretize ? (b >= 0 ? 1 : -1) : b / 127;
    const [r, g, bl] = rgb(value).map((c) => c + (255 - c) * wash);
    table.set([r, g, bl, 255], (b + 128) * 4);
  }
  return table;
}
