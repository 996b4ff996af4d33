// The network picture: a column of input features, the hidden layers and the output, every
// neuron a small map of what it computes over the plane, every weight an edge. Built once per
// shape; each frame only updates attributes (widths, colours, numbers), never the elements.
//
// Two views of the same edges: by weight (width |w|, colour its sign, as the Playground) or by
// gradient (width |∂L/∂w| relative to the largest one, colour its sign; nodes ringed by
// ∂L/∂output).

import { css } from "./colors.js";
import { paintMap } from "./heatmap.js";
import { FEATURES, MAX_LAYERS, MAX_NEURONS } from "./state.js";
import { decodeMap, neuronName, num, parameterName, parseNumber, signed } from "./format.js";
import { html, svgNode } from "./dom.js";

const NODE = 40;
const ROW = 54;
const TOP = 76;
const LEFT = 78;
const RIGHT = 24;
const BIAS = 7;

/** Width of an edge drawn by weight: |w| from 0 to 5 maps to 1 to 10 pixels (the Playground's). */
function weightWidth(w) {
  return 1 + (9 * Math.min(Math.abs(w), 5)) / 5;
}

/** A feature's own map (fixed: it is a function of the point alone), on the maps' 24 × 24 grid. */
function featureMap(id) {
  const f = {
    x1: (x) => x / 6,
    x2: (x, y) => y / 6,
    x1sq: (x) => (x * x) / 36,
    x2sq: (x, y) => (y * y) / 36,
    x1x2: (x, y) => (x * y) / 36,
    sinx1: (x) => Math.sin(x),
    sinx2: (x, y) => Math.sin(y),
  }[id];
  const bytes = new Int8Array(24 * 24);
  for (let r = 0; r < 24; r++) {
    for (let c = 0; c < 24; c++) {
      const x = -6 + (12 * (c + 0.5)) / 24;
      const y = 6 - (12 * (r + 0.5)) / 24;
      bytes[r * 24 + c] = Math.round(127 * Math.max(-1, Math.min(1, f(x, y))));
    }
  }
  return bytes;
}



/** Sets an attribute only when its text changes (an unchanged write still costs a restyle). */
function setChanged(element, name, value) {
  const key = `_${name}`;
  if (element[key] === value) return;
  element[key] = value;
  element.setAttribute(name, value);
}

/** Sets one style property only when it changes. */
function setStyle(element, name, value) {
  const key = `_style_${name}`;
  if (element[key] === value) return;
  element[key] = value;
  element.style[name] = value;
}

/**
 * What the tooltip's "last update" is: the change the last optimizer step made to the weight.
 * Its gradient was taken at the weight before that step, so it is not quite the ∂L/∂w shown.
 */
function updateCaption(optimizer, lr) {
  const rate = Number.isFinite(lr) ? num(lr) : "lr";
  if (optimizer === "momentum") return `Last update: what the last momentum step changed this weight by (\u2212${rate} \u00d7 its velocity, a decaying sum of its gradients).`;
  if (optimizer === "adam") return `Last update: what the last Adam step changed this weight by (at most about ${rate} either way).`;
  return `Last update: what the last SGD step changed this weight by, \u2212${rate} \u00d7 its gradient then (taken before the step, at the old weight).`;
}

export class NetworkView {
  /**
   * `root` is an empty positioned box. `intents` has `toggleFeature(id)`, `setHidden(list)`,
   * `editWeight(layer, neuron, input, value)` (input null for a bias), `preview(where)` (the
   * neuron under the pointer, or null).
   */
  constructor(root, tooltip, intents) {
    this.root = root;
    this.tooltip = tooltip;
    this.intents = intents;
    this.shape = "";
    this.view = "weights";
    this.features = [];
    this.hidden = [];
    this.flags = [];
    this.editor = null;
  }

  setView(view) {
    this.view = view;
    this.root.classList.toggle("gradient-view", view === "gradients");
    if (this.frame) this.update(this.frame);
  }

  /** The settings the header buttons act on (the frame gives the shape that is drawn). */
  setSettings(settings) {
    this.features = settings.features ?? [];
    this.hidden = settings.hidden ?? [];
    this.optimizer = settings.optimizer;
    this.lr = settings.lr;
    if (this.frame) {
      this.build(this.frame, true);
      this.paint(this.frame);
    }
  }

  /** Draws a frame: rebuilds only if the network's shape changed. */
  update(frame) {
    this.frame = frame;
    if (!Array.isArray(frame.layers) || !Array.isArray(frame.inputs)) return;
    this.build(frame, false);
    this.paint(frame);
  }

  build(frame, force) {
    const inputs = frame.inputs.map((i) => i.name);
    const sizes = frame.layers.map((l) => (l.neurons ?? []).length);
    const shape = `${inputs.join(",")}|${sizes.join(",")}|${this.features.join(",")}|${this.hidden.join(",")}`;
    if (shape === this.shape && !force) return;
    this.shape = shape;
    this.closeEditor();
    this.root.replaceChildren();
    this.edges = [];
    this.biases = [];
    this.nodes = [];
    this.inputNodes = [];

    const columns = sizes.length + 1;
    const width = this.root.clientWidth || 620;
    const step = (width - LEFT - RIGHT - NODE) / Math.max(1, columns - 1);
    const x = (column) => LEFT + column * step;
    const y = (row) => TOP + row * ROW;
    const tallest = Math.max(FEATURES.length, ...sizes);
    const height = y(tallest) + 8;
    this.root.style.height = `${height}px`;

    const links = svgNode("svg", { width, height, class: "links" }, this.root);
    this.columnBoxes = [];

    // Column headers: the layer count, then each hidden layer's neuron count with + and −.
    const header = html("div", "layer-count", this.root);
    header.style.left = `${(x(0) + NODE + x(columns - 1)) / 2 - 90}px`;
    header.style.top = "0px";
    const addLayer = html("button", "round", header, "+");
    addLayer.id = "add-layer";
    addLayer.title = "Add a hidden layer";
    addLayer.disabled = this.hidden.length >= MAX_LAYERS;
    addLayer.onclick = () => this.intents.setHidden([...this.hidden, 2]);
    const removeLayer = html("button", "round", header, "\u2212");
    removeLayer.id = "remove-layer";
    removeLayer.title = "Remove the last hidden layer";
    removeLayer.disabled = this.hidden.length === 0;
    removeLayer.onclick = () => this.intents.setHidden(this.hidden.slice(0, -1));
    const count = html("span", "count", header);
    count.id = "layer-count";
    count.textContent = `${this.hidden.length} hidden layer${this.hidden.length === 1 ? "" : "s"}`;

    const featureTitle = html("div", "column-title", this.root, "Features");
    featureTitle.style.left = `${x(0) - 30}px`;

    for (let l = 0; l < sizes.length; l++) {
      const box = html("div", "column-box", this.root);
      box.style.left = `${x(l + 1) - 8}px`;
      box.style.top = `${TOP - 8}px`;
      box.style.width = `${NODE + 16}px`;
      box.style.height = `${sizes[l] * ROW}px`;
      box.dataset.layer = l;
      this.columnBoxes.push(box);
      const output = l === sizes.length - 1;
      const title = html("div", "column-title", this.root);
      title.style.left = `${x(l + 1) - 20}px`;
      if (output) {
        title.textContent = "Output";
        continue;
      }
      const buttons = html("div", "neuron-buttons", title);
      const more = html("button", "round small", buttons, "+");
      more.title = "Add a neuron to this layer";
      more.dataset.layer = l;
      more.className += " add-neuron";
      more.disabled = (this.hidden[l] ?? sizes[l]) >= MAX_NEURONS;
      more.onclick = () => this.changeNeurons(l, +1);
      const fewer = html("button", "round small", buttons, "\u2212");
      fewer.title = "Remove a neuron from this layer";
      fewer.dataset.layer = l;
      fewer.className += " remove-neuron";
      fewer.disabled = (this.hidden[l] ?? sizes[l]) <= 1;
      fewer.onclick = () => this.changeNeurons(l, -1);
      html("div", "neuron-count", title, `${sizes[l]} neuron${sizes[l] === 1 ? "" : "s"}`);
    }

    // Input features: all seven, the active ones lit; clicking one switches it on or off.
    const active = new Map(inputs.map((name, i) => [name, i]));
    const inputPosition = new Map();
    FEATURES.forEach((feature, row) => {
      const node = html("div", "node input", this.root);
      node.id = `input-${feature.id}`;
      node.dataset.feature = feature.id;
      node.style.left = `${x(0)}px`;
      node.style.top = `${y(row)}px`;
      const on = active.has(feature.id);
      node.classList.toggle("inactive", !on);
      node.title = on ? `${feature.label}: click to switch off` : `${feature.label}: click to use`;
      const canvas = html("canvas", "", node);
      paintMap(canvas, featureMap(feature.id), 24);
      const label = html("div", "input-label", this.root, feature.label);
      label.style.left = `${x(0) - LEFT + 4}px`;
      label.style.top = `${y(row) + NODE / 2 - 9}px`;
      label.style.width = `${LEFT - 12}px`;
      node.onclick = () => this.intents.toggleFeature(feature.id);
      if (on) {
        this.inputNodes[active.get(feature.id)] = { node, canvas };
        inputPosition.set(active.get(feature.id), row);
      }
    });

    // Edges first (under the nodes), then the neurons with their bias squares.
    for (let l = 0; l < sizes.length; l++) {
      const fanIn = l === 0 ? inputs.length : sizes[l - 1];
      const layerEdges = [];
      for (let n = 0; n < sizes[l]; n++) {
        const targetX = x(l + 1);
        const targetY = y(n) + NODE / 2;
        const row = [];
        for (let i = 0; i < fanIn; i++) {
          const sourceX = x(l) + NODE;
          const sourceY = y(l === 0 ? inputPosition.get(i) : i) + NODE / 2;
          const middle = (sourceX + targetX) / 2;
          const d = `M${sourceX},${sourceY} C${middle},${sourceY} ${middle},${targetY} ${targetX},${targetY}`;
          // Both paths carry where the edge runs, so tests and tools can address either.
          const where = {
            layer: l,
            neuron: n,
            input: i,
            from: l === 0 ? inputs[i] : neuronName(l - 1, i),
            to: neuronName(l, n),
            parameter: parameterName(l, n, i),
          };
          const path = svgNode("path", { d, class: "edge" }, links);
          Object.assign(path.dataset, where);
          const hit = svgNode("path", { d, class: "edge-hit" }, links);
          Object.assign(hit.dataset, where);
          this.hook(hit, path, l, n, i);
          row.push(path);
        }
        layerEdges.push(row);
      }
      this.edges.push(layerEdges);
    }

    for (let l = 0; l < sizes.length; l++) {
      const layerNodes = [];
      const layerBiases = [];
      for (let n = 0; n < sizes[l]; n++) {
        const node = html("div", "node neuron", this.root);
        node.id = `node-${l}-${n}`;
        node.dataset.layer = l;
        node.dataset.neuron = n;
        node.style.left = `${x(l + 1)}px`;
        node.style.top = `${y(n)}px`;
        const canvas = html("canvas", "", node);
        canvas.width = canvas.height = 24;
        node.addEventListener("mouseenter", (event) => {
          this.showNodeTip(event, l, n);
          this.intents.preview?.({ layer: l, neuron: n });
        });
        node.addEventListener("mouseleave", () => {
          this.hideTip();
          this.intents.preview?.(null);
        });
        const bias = html("div", "bias", node);
        bias.dataset.layer = l;
        bias.dataset.neuron = n;
        bias.dataset.input = "bias";
        bias.dataset.parameter = parameterName(l, n, null);
        this.hook(bias, bias, l, n, null);
        layerNodes.push({ node, canvas });
        layerBiases.push(bias);
      }
      this.nodes.push(layerNodes);
      this.biases.push(layerBiases);
    }
    this.applyFlags();
  }

  changeNeurons(layer, delta) {
    const hidden = [...this.hidden];
    hidden[layer] = Math.max(1, Math.min(MAX_NEURONS, hidden[layer] + delta));
    this.intents.setHidden(hidden);
  }

  /** Hover shows the numbers of one weight (or bias); a click opens an editor for it. */
  hook(target, shown, layer, neuron, input) {
    target.addEventListener("mouseenter", (event) => {
      shown.classList.add("hover");
      this.showEdgeTip(event, layer, neuron, input);
    });
    target.addEventListener("mousemove", (event) => this.moveTip(event));
    target.addEventListener("mouseleave", () => {
      shown.classList.remove("hover");
      this.hideTip();
    });
    target.addEventListener("click", (event) => {
      event.stopPropagation();
      this.openEditor(event, layer, neuron, input);
    });
  }

  neuronData(layer, neuron) {
    return this.frame?.layers?.[layer]?.neurons?.[neuron];
  }

  showEdgeTip(event, layer, neuron, input) {
    const data = this.neuronData(layer, neuron);
    if (!data) return;
    const isBias = input === null;
    const weight = isBias ? data.bias : data.weights?.[input];
    const grad = isBias ? data.bias_grad : data.grads?.[input];
    const update = isBias ? data.bias_update : data.updates?.[input];
    const what = `${parameterName(layer, neuron, input)}: ${isBias ? "the bias" : `the weight ${this.edgeName(layer, neuron, input)}`}`;
    this.tooltip.innerHTML = "";
    html("div", "tip-title", this.tooltip, what);
    const table = html("table", "", this.tooltip);
    for (const [name, value] of [["weight", weight], ["\u2202L/\u2202w", grad], ["last update", update]]) {
      const tr = html("tr", "", table);
      html("td", "", tr, name);
      html("td", "number", tr, signed(value, 4));
    }
    html("div", "tip-note", this.tooltip, updateCaption(this.optimizer, this.lr));
    html("div", "tip-hint", this.tooltip, "Click to edit.");
    this.moveTip(event);
    this.tooltip.hidden = false;
  }

  showNodeTip(event, layer, neuron) {
    const data = this.neuronData(layer, neuron);
    if (!data) return;
    this.tooltip.innerHTML = "";
    const output = layer === this.frame.layers.length - 1;
    html("div", "tip-title", this.tooltip, `${neuronName(layer, neuron)}${output ? " (the output)" : ""}`);
    const table = html("table", "", this.tooltip);
    const tr = html("tr", "", table);
    html("td", "", tr, "\u2202L/\u2202output");
    html("td", "number", tr, signed(data.output_grad, 4));
    const tr2 = html("tr", "", table);
    html("td", "", tr2, "bias");
    html("td", "number", tr2, signed(data.bias, 4));
    this.moveTip(event);
    this.tooltip.hidden = false;
  }

  edgeName(layer, neuron, input) {
    const from = layer === 0 ? this.frame.inputs[input]?.name ?? `input ${input}` : neuronName(layer - 1, input);
    const to = layer === this.frame.layers.length - 1 ? "the output" : neuronName(layer, neuron);
    return `from ${from} to ${to}`;
  }

  moveTip(event) {
    const box = this.root.getBoundingClientRect();
    this.tooltip.style.left = `${event.clientX - box.left + 14}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 14}px`;
  }

  hideTip() {
    this.tooltip.hidden = true;
  }

  openEditor(event, layer, neuron, input) {
    this.closeEditor();
    const data = this.neuronData(layer, neuron);
    if (!data) return;
    const current = input === null ? data.bias : data.weights?.[input];
    const box = this.root.getBoundingClientRect();
    const editor = html("form", "weight-editor", this.root);
    editor.id = "weight-editor";
    editor.style.left = `${event.clientX - box.left - 40}px`;
    editor.style.top = `${event.clientY - box.top - 16}px`;
    const field = html("input", "", editor);
    field.type = "text";
    field.id = "weight-input";
    field.value = num(current, 4);
    field.setAttribute("aria-label", input === null ? "new bias" : "new weight");
    editor.onsubmit = (submit) => {
      submit.preventDefault();
      const value = parseNumber(field.value);
      this.closeEditor();
      this.intents.editWeight(layer, neuron, input, value);
    };
    field.onkeydown = (key) => {
      if (key.key === "Escape") this.closeEditor();
    };
    // Close this editor on blur, never one opened since (a click on another edge).
    field.onblur = () =>
      setTimeout(() => {
        if (this.editor === editor) this.closeEditor();
      }, 100);
    this.hideTip();
    this.editor = editor;
    field.focus();
    field.select();
  }

  closeEditor() {
    this.editor?.remove();
    this.editor = null;
  }

  /**
   * One frame's numbers onto the existing elements. Only what changed is written: on a large
   * network, rewriting every edge's attributes each frame took most of the page's time. The
   * `data-*` numbers are written once the run stops (training replaces them 25 times a
   * second, and the tooltip reads the frame itself).
   */
  paint(frame) {
    const gradients = this.view === "gradients";
    const exact = frame.status !== "running";
    const layers = frame.layers;
    let largest = 0;
    if (gradients) {
      for (const layer of layers) {
        for (const neuron of layer.neurons) {
          for (const g of neuron.grads ?? []) largest = Math.max(largest, Math.abs(g));
          largest = Math.max(largest, Math.abs(neuron.bias_grad ?? 0));
        }
      }
    }
    this.largestGrad = largest;
    let largestNodeGrad = 0;
    for (const layer of layers) {
      for (const neuron of layer.neurons) largestNodeGrad = Math.max(largestNodeGrad, Math.abs(neuron.output_grad ?? 0));
    }

    for (let l = 0; l < layers.length; l++) {
      const neurons = layers[l].neurons;
      for (let n = 0; n < neurons.length; n++) {
        const data = neurons[n];
        const row = this.edges[l]?.[n];
        const weights = data.weights ?? [];
        if (row) {
          for (let i = 0; i < row.length; i++) {
            const path = row[i];
            const w = weights[i];
            const g = data.grads?.[i];
            if (exact) {
              path.dataset.weight = w;
              path.dataset.grad = g;
              path.dataset.update = data.updates?.[i];
            }
            if (gradients) {
              const share = largest > 0 && Number.isFinite(g) ? Math.abs(g) / largest : 0;
              setChanged(path, "stroke-width", (1 + 9 * share).toFixed(1));
              setChanged(path, "stroke", css(Math.sign(g) * (0.25 + 0.75 * share)));
            } else {
              setChanged(path, "stroke-width", weightWidth(w).toFixed(1));
              setChanged(path, "stroke", css(w));
            }
          }
        }
        const cell = this.nodes[l]?.[n];
        if (cell) {
          // Maps settle as training converges: one that did not change is not painted again.
          if (typeof data.map === "string" && data.map !== cell.map) {
            cell.map = data.map;
            paintMap(cell.canvas, decodeMap(data.map), 24);
          }
          if (exact) cell.node.dataset.outputGrad = data.output_grad;
          if (gradients) {
            const share = largestNodeGrad > 0 ? Math.abs(data.output_grad) / largestNodeGrad : 0;
            setStyle(cell.node, "outlineColor", css(Math.sign(data.output_grad) * (0.3 + 0.7 * share)));
            setStyle(cell.node, "outlineWidth", `${(1 + 5 * share).toFixed(1)}px`);
          } else {
            setStyle(cell.node, "outlineColor", "");
            setStyle(cell.node, "outlineWidth", "");
          }
        }
        const bias = this.biases[l]?.[n];
        if (bias) {
          if (exact) {
            bias.dataset.weight = data.bias;
            bias.dataset.grad = data.bias_grad;
            bias.dataset.update = data.bias_update;
          }
          if (gradients) {
            const share = largest > 0 ? Math.abs(data.bias_grad) / largest : 0;
            setStyle(bias, "background", css(Math.sign(data.bias_grad) * (0.25 + 0.75 * share)));
          } else {
            setStyle(bias, "background", css(data.bias));
          }
        }
      }
    }
  }

  /** Marks the neuron the step-by-step view is at (null for none). */
  setTracing(where) {
    this.root.querySelector(".node.tracing")?.classList.remove("tracing");
    if (where) this.nodes?.[where.layer]?.[where.neuron]?.node.classList.add("tracing");
  }

  /** Marks the layers and neurons the diagnosis names; `focus` is the one under the pointer. */
  setFlags(findings, focus = null) {
    this.flags = findings;
    this.focus = focus;
    this.applyFlags();
  }

  applyFlags() {
    if (!this.nodes) return;
    for (const box of this.columnBoxes ?? []) box.classList.remove("flagged", "focus");
    for (const layer of this.nodes) for (const cell of layer) cell.node.classList.remove("flagged", "focus");
    for (const finding of this.flags) {
      const focus = finding === this.focus;
      const layer = finding.layer;
      if (layer === null || layer === undefined) continue;
      if (finding.neuron === null || finding.neuron === undefined) {
        this.columnBoxes[layer]?.classList.add(focus ? "focus" : "flagged");
      } else {
        this.nodes[layer]?.[finding.neuron]?.node.classList.add(focus ? "focus" : "flagged");
      }
    }
  }
}
