// Why it fails, live: the library's `diagnose` findings as they come and go, each pointing at
// the layer or neuron it names on the network picture (hover one to light it up).

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
  constructor(list, network) {
    this.list = list;
    this.network = network;
    this.key = "";
  }

  /** Redraws the list only when the findings changed (frames repeat them). */
  update(findings, layers) {
    const list = Array.isArray(findings) ? findings : [];
    const key = JSON.stringify(list);
    if (key === this.key) return;
    this.key = key;
    this.list.replaceChildren();
    this.network.setFlags(list);
    if (list.length === 0) {
      const item = document.createElement("li");
      item.className = "none";
      item.textContent = "Nothing to report: training looks healthy.";
      this.list.appendChild(item);
      return;
    }
    for (const finding of list) {
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
      this.list.appendChild(item);
    }
  }
}
