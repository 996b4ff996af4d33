// Numbers as the page shows them: short, signed where the sign matters, and never "NaN".
// Every minus sign the page shows is the typographic one (U+2212), in its own numbers and in
// the server's words alike; the hyphen stays for ranges ("1-8") and in names.

const MINUS = "\u2212";

/** A number with `digits` significant digits; a dash for anything not finite. */
export function num(value, digits = 3) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "\u2013";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  const text = magnitude >= 1e5 || magnitude < 1e-4 ? value.toExponential(digits - 1) : Number(value.toPrecision(digits)).toString();
  return text.replaceAll("-", MINUS);
}

/** A signed number: "+0.25" or "\u22120.25". */
export function signed(value, digits = 3) {
  const text = num(value, digits);
  if (text === "\u2013" || value === 0 || value < 0) return text;
  return "+" + text;
}

/**
 * Text from elsewhere (the server's messages and findings, an expression) with each hyphen
 * that is a minus sign, one that starts a number or its exponent, written as U+2212.
 */
export function minusSigns(text) {
  return String(text).replace(/(?<=^|[\s(\[{=,:;<>]|\d[eE])-(?=\.?\d)/g, MINUS);
}

/** A number typed by the learner: either minus sign, surrounding space ignored; NaN if empty. */
export function parseNumber(text) {
  const plain = String(text).trim().replaceAll(MINUS, "-");
  return plain === "" ? NaN : Number(plain);
}

/** A whole number with thousands separators: 1,048,577. */
export function grouped(value) {
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The epoch counter as the Playground shows it: 000,120. */
export function epoch(value) {
  const n = Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;
  const padded = String(n).padStart(6, "0");
  return padded.slice(0, -3) + "," + padded.slice(-3);
}

/** Decodes a base64 map into signed bytes (API.md: a map is an Int8Array, value / 127). */
export function decodeMap(base64) {
  if (typeof base64 !== "string") return new Int8Array(0);
  let binary;
  try {
    binary = atob(base64);
  } catch {
    return new Int8Array(0);
  }
  const bytes = new Int8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i) << 24 >> 24;
  return bytes;
}

/** A neuron as the library names it (layers and neurons count from 0): `layer0.neuron1`. */
export function neuronName(layer, neuron) {
  return `layer${layer}.neuron${neuron}`;
}

/** A parameter as the library names it: `layer0.neuron1.w0`, or `layer0.neuron1.b` (input null). */
export function parameterName(layer, neuron, input) {
  return `${neuronName(layer, neuron)}.${input === null ? "b" : `w${input}`}`;
}
