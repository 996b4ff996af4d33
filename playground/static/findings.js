// Why it fails, live: the library's `diagnose` findings as they come and go, each pointing at
// the layer or neuron it names on the network picture (hover one to light it up). The list
// scrolls by itself (style.css, main.js): the heading counts the findings, and a redraw keeps
// the learner's place in it.

import { minusSigns, neuronName } from "./format.js";

/** Where a finding points, in the library's numbering (layers from 0, as its text says). */
function describe(finding, layers) {
  if (finding.layer === null || finding.layer === undefined) return "";
  const output = finding.layer === layers - 1;
  const layer = output ? `layer ${finding.layer} (output)` : `layer ${finding.layer}`;
  if (finding.neuron === null || finding.neuron === undefined) return layer;
  return `${neuronName(finding.layer, finding.neuron)}${output ? " (output)" : ""}`;
}

export class FindingsView {
  constructor(list, count, network) {
    this.list = list;
    this.count = count;
    this.network = network;
    this.key = "";
    // The shadow along the list's bottom edge while words lie below it (style.css): more than
    // the last finding's bottom padding and margin, 12 px.
    const mark = () => list.classList.toggle("more", list.scrollHeight - list.scrollTop - list.clientHeight > 12);
    list.addEventListener("scroll", mark);
    new ResizeObserver(mark).observe(list);
    this.mark = mark;
  }

  /** Redraws the list only when the findings changed (frames repeat them). */
  update(findings, layers) {
    const list = Array.isArray(findings) ? findings : [];
    const key = JSON.stringify(list);
    if (key === this.key) return;
    this.key = key;
    this.network.setFlags(list);
    this.count.textContent = list.length === 0 ? "" : list.length === 1 ? "1 finding" : `${list.length} findings`;
    const items = list.length === 0 ? [healthy()] : list.map((finding) => this.item(finding, list, layers));
    // The same findings with new numbers come every checkup while training: stay where the
    // learner scrolled to.
    const scrolled = this.list.scrollTop;
    this.list.replaceChildren(...items);
    this.list.scrollTop = scrolled;
    this.mark();
  }

  item(finding, list, layers) {
    const item = document.createElement("li");
    item.className = "finding";
    item.dataset.kind = finding.kind ?? "";
    if (finding.layer !== null && finding.layer !== undefined) item.dataset.layer = finding.layer;
    if (finding.neuron !== null && finding.neuron !== undefined) item.dataset.neuron = finding.neuron;
    const where = describe(finding, layers);
    if (where) {
      const tag = document.createElement("span");
      tag.className = "where";
      tag.textContent = where;
      item.appendChild(tag);
    }
    item.appendChild(document.createTextNode(minusSigns(finding.text ?? finding.kind ?? "")));
    item.addEventListener("mouseenter", () => this.network.setFlags(list, finding));
    item.addEventListener("mouseleave", () => this.network.setFlags(list));
    return item;
  }
}

/** The line a healthy run shows in place of findings. */
function healthy() {
  const item = document.createElement("li");
  item.className = "none";
  item.textContent = "Nothing to report: training looks healthy.";
  return item;
}
