// One sample, step by step: the picked point's forward pass, its loss, the backward sweep one
// tape node at a time (each chain-rule product and the running total it leaves), the SGD
// update each weight would get, and the graph of one neuron. The numbers are the server's
// (the library's `backward_traced`); the page only lays them out and steps through them.

import { drawGraph } from "./graph.js";
import { minusSigns, neuronName, num, signed } from "./format.js";
import { html } from "./dom.js";

/** What each loss computes for one point, as the learner can check it by hand ("mse" is the
 * Playground's squared error, with its ½). */
const LOSS_FORMULAS = {
  mse: "½·(output − label)²",
  bce: "binary cross-entropy",
  hinge: "max(0, 1 − label·output)",
};

/** A table row: a name, then numbers already formatted (right-aligned). */
function row(table, cells, className = "") {
  const tr = html("tr", className, table);
  cells.forEach((cell, i) => html("td", i > 0 ? "number" : "", tr, cell));
  return tr;
}

/**
 * The neuron a tape node belongs to, read from its parameter-style name ("layer1.neuron0.w2",
 * "layers.1.neurons.0.out"), or null when the name names none.
 */
function neuronNamed(name) {
  const match = /layers?\.?(\d+)\.neurons?\.?(\d+)/.exec(name);
  return match ? { layer: Number(match[1]), neuron: Number(match[2]) } : null;
}

export class SamplePanel {
  constructor(root) {
    this.root = root;
    this.step = 0;
    this.steps = [];
    root.querySelector("#sample-prev").onclick = () => this.show(this.step - 1);
    root.querySelector("#sample-next").onclick = () => this.show(this.step + 1);
    root.querySelector("#sample-all").onclick = () => this.show(this.steps.length - 1);
    root.querySelector("#sample-first").onclick = () => this.show(0);
    root.querySelector("#sample-close").onclick = () => this.hide();
  }

  hide() {
    this.root.hidden = true;
    this.onStep?.(null);
    this.onClose?.();
  }

  /** Lays out a sample answer (API.md, "One sample"). */
  render(sample) {
    const point = sample.point ?? {};
    this.root.hidden = false;
    this.root.querySelector("#sample-point").textContent =
      `Point (${num(point.x)}, ${num(point.y)}), label ${num(point.label)}: the training point nearest to where you clicked.`;

    // 1. Forward: the inputs, then each layer's neurons (pre-activation z and output a).
    const forward = this.root.querySelector("#sample-forward");
    forward.replaceChildren();
    const inputs = html("div", "forward-column", forward);
    html("div", "forward-title", inputs, "Inputs");
    for (const input of sample.inputs ?? []) {
      const cell = html("div", "forward-cell input-cell", inputs);
      html("span", "name", cell, input.name);
      html("span", "number", cell, num(input.value, 4));
    }
    const layers = sample.forward ?? [];
    layers.forEach((layer, l) => {
      const column = html("div", "forward-column", forward);
      html("div", "forward-title", column, l === layers.length - 1 ? `Layer ${l} (output)` : `Layer ${l}`);
      layer.forEach((neuron, n) => {
        const cell = html("div", "forward-cell", column);
        cell.dataset.layer = l;
        cell.dataset.neuron = n;
        cell.dataset.pre = neuron.pre;
        cell.dataset.out = neuron.out;
        html("span", "name", cell, `z = ${num(neuron.pre, 4)}`);
        html("span", "number", cell, `a = ${num(neuron.out, 4)}`);
      });
    });

    // 2. Loss.
    const loss = sample.loss ?? {};
    const lossBox = this.root.querySelector("#sample-loss");
    lossBox.textContent = `${LOSS_FORMULAS[loss.name] ?? loss.name ?? "loss"} = ${num(loss.value, 6)}`;
    lossBox.dataset.value = loss.value;

    // 3. Backward, one tape node per step.
    const table = this.root.querySelector("#sample-backward");
    table.replaceChildren();
    const head = html("tr", "", html("thead", "", table));
    for (const title of ["node", "its value", "its gradient", "passes to", "local \u2202", "\u00d7 upstream", "= contribution", "running total"]) {
      html("th", "", head, title);
    }
    this.steps = [];
    this.names = (sample.backward ?? []).map((step) => step.name ?? "");
    (sample.backward ?? []).forEach((step, s) => {
      const body = html("tbody", "step", table);
      body.dataset.step = s;
      const passes = step.passes ?? [];
      const first = html("tr", "step-row", body);
      first.dataset.node = step.node;
      first.dataset.grad = step.grad;
      const name = html("td", "node-name", first);
      html("div", "", name, step.name || `#${step.node}`);
      if (step.expression) html("div", "expression", name, minusSigns(step.expression));
      html("td", "number", first, num(step.data, 4));
      html("td", "number grad", first, signed(step.grad, 4));
      if (passes.length === 0) {
        const td = html("td", "leaf", first, "a leaf: nothing to pass on");
        td.colSpan = 5;
      }
      passes.forEach((pass, p) => {
        const tr = p === 0 ? first : html("tr", "", body);
        if (p > 0) tr.append(html("td"), html("td"), html("td"));
        tr.classList.add("pass-row");
        tr.dataset.parent = pass.parent;
        tr.dataset.local = pass.local;
        tr.dataset.upstream = pass.upstream;
        tr.dataset.contribution = pass.contribution;
        tr.dataset.total = pass.total;
        html("td", "", tr, pass.parent_name || `#${pass.parent}`);
        html("td", "number", tr, num(pass.local, 4));
        html("td", "number", tr, num(pass.upstream, 4));
        html("td", "number", tr, signed(pass.contribution, 4));
        html("td", "number total", tr, signed(pass.total, 4));
      });
      this.steps.push(body);
    });

    // 4. The SGD update this one sample would make.
    const updates = this.root.querySelector("#sample-updates");
    updates.replaceChildren();
    const updateHead = html("tr", "", html("thead", "", updates));
    for (const title of ["parameter", "weight", "gradient", "update = \u2212lr \u00d7 gradient", "new weight"]) html("th", "", updateHead, title);
    const updateBody = html("tbody", "", updates);
    for (const update of sample.updates ?? []) {
      // Six digits for the weights: one sample's step is small, four would hide it.
      const tr = row(updateBody, [update.name, num(update.weight, 6), num(update.grad, 4), num(update.update, 4), num(update.new, 6)], "update-row");
      tr.dataset.name = update.name;
      tr.dataset.grad = update.grad;
      tr.dataset.update = update.update;
      tr.dataset.new = update.new;
    }

    // 5. The graph of one neuron.
    const neuron = sample.neuron ?? {};
    const output = layers.length > 0 && neuron.layer === layers.length - 1;
    this.root.querySelector("#sample-graph-title").textContent = output
      ? "The output neuron as a graph, for this point"
      : `${neuronName(neuron.layer ?? 0, neuron.neuron ?? 0)} as a graph, for this point`;
    drawGraph(this.root.querySelector("#sample-graph"), neuron);

    this.show(0);
  }

  /**
   * Scrolls the table's box so that the step is in full view below the sticky header, and so
   * that no row peeks out half hidden under that header: the top row shown is whole, or not
   * shown at all. The box itself is brought into the window first (the least scroll that does).
   */
  reveal(body) {
    const box = body?.closest(".scroll");
    if (!box) return;
    box.scrollIntoView({ block: "nearest" });
    const header = body.parentElement.querySelector("thead")?.getBoundingClientRect().height ?? 0;
    const inside = () => box.getBoundingClientRect().top + box.clientTop;
    const top = () => inside() + header;
    const bottom = () => inside() + box.clientHeight;
    const step = body.getBoundingClientRect();
    if (step.top < top()) box.scrollTop -= top() - step.top;
    else if (step.bottom > bottom()) box.scrollTop += Math.min(step.bottom - bottom(), step.top - top());
    // The row cut by the header's edge, if any: show it whole when the step still fits
    // below, else scroll it away (the box's bottom padding leaves room to).
    const edge = top();
    const cut = [...body.parentElement.querySelectorAll("tbody:not([hidden]) tr")].find((row) => {
      const r = row.getBoundingClientRect();
      return r.top < edge - 0.5 && r.bottom > edge + 0.5;
    });
    if (!cut) return;
    const r = cut.getBoundingClientRect();
    const now = body.getBoundingClientRect();
    if (now.bottom + (edge - r.top) <= bottom()) box.scrollTop -= edge - r.top;
    else box.scrollTop += r.bottom - edge;
  }

  /** Shows the backward sweep up to step `s` (the later ones stay hidden until Next). */
  show(s) {
    const last = this.steps.length - 1;
    this.step = Math.max(0, Math.min(last, s));
    this.steps.forEach((body, i) => {
      body.hidden = i > this.step;
      body.classList.toggle("current", i === this.step);
    });
    this.root.querySelector("#sample-step").textContent = this.steps.length
      ? `step ${this.step + 1} of ${this.steps.length}`
      : "no steps";
    this.root.querySelector("#sample-prev").disabled = this.step <= 0;
    this.root.querySelector("#sample-next").disabled = this.step >= last;
    this.reveal(this.steps[this.step]);
    this.onStep?.(neuronNamed(this.names[this.step] ?? ""));
  }
}
