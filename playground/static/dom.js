// Two small helpers for making elements: the page builds its DOM by hand, without a framework.

const SVG = "http://www.w3.org/2000/svg";

/** An HTML element with a class and text, appended to `parent` when one is given. */
export function html(tag, className, parent, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

/** An SVG element with its attributes, appended to `parent` when one is given. */
export function svgNode(tag, attributes = {}, parent = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (parent) parent.appendChild(node);
  return node;
}
