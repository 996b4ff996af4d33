// The page's wiring: one session per tab, the stream's events drawn once per animation frame,
// and every control turned into an intent for the server. The server owns the truth; after a
// refusal the page shows the server's words and puts the controls back as the server has them.

import { Session } from "./api.js";
import { DATASETS, DEFAULTS, FEATURES, LEARNING_RATES, REG_RATES, fromUrl, problemOf, writeUrl } from "./state.js";
import { OutputMap } from "./heatmap.js";
import { NetworkView } from "./network.js";
import { LossChart } from "./linechart.js";
import { SamplePanel } from "./sample.js";
import { FindingsView } from "./findings.js";
import { renderGradcheck } from "./gradcheck.js";
import { drawThumbnail } from "./thumbnails.js";
import { epoch as formatEpoch, grouped, minusSigns, neuronName, num } from "./format.js";

const $ = (selector) => document.querySelector(selector);

/** The largest CSV the server takes (API.md): 1 MiB. */
const CSV_LIMIT = 1024 * 1024;

const VIEW_CAPTIONS = {
  weights:
    "Edges by weight: blue positive, orange negative, thicker is larger. Each neuron shows its output over the whole plane. Hover an edge to read it, click to change it.",
  gradients:
    "Edges by ∂L/∂w, the gradient of the last batch's loss: thicker is larger (relative to the largest now), blue positive, orange negative. Gradient descent moves each weight against its gradient: a blue edge's weight goes down. Neurons are ringed by ∂L/∂(their output).",
};

// Read once, before anything rewrites the address bar.
const fromLink = fromUrl(location.search);
const page = fromLink.page;
let settings = { ...DEFAULTS };
let session = null;
let status = "paused";
let latest = null;
let drawPending = false;
let problem = "classification";
let pickedPoint = null;
let divergedShown = false;
let previewing = null;
let reconnecting = false;

// ---------------------------------------------------------------- messages

function showMessage(text, kind = "error") {
  const box = $("#message");
  $("#message-text").textContent = minusSigns(text);
  box.className = `message ${kind}`;
  box.hidden = false;
}

function hideMessage() {
  $("#message").hidden = true;
}

function refused(error) {
  showMessage(error.message || String(error));
  if (session) applySettings(settings);
}

// ---------------------------------------------------------------- views

const outputMap = new OutputMap($("#heatmap-box"), pick);
const network = new NetworkView($("#network"), $("#tooltip"), {
  toggleFeature(id) {
    const features = settings.features.includes(id)
      ? settings.features.filter((f) => f !== id)
      : FEATURES.map((f) => f.id).filter((f) => f === id || settings.features.includes(f));
    change({ features });
  },
  setHidden(hidden) {
    change({ hidden });
  },
  preview(where) {
    previewing = where;
    $("#heatmap-caption").textContent = where
      ? where.layer === (latest?.layers?.length ?? 0) - 1
        ? "The output neuron"
        : `${neuronName(where.layer, where.neuron)}: its output over the plane`
      : "";
    if (latest) draw();
  },
  editWeight(layer, neuron, input, value) {
    if (!session) return;
    session
      .setWeight(layer, neuron, input, value)
      .then(() => hideMessage())
      .catch(refused);
  },
});
const chart = new LossChart($("#loss-chart"));
const sample = new SamplePanel($("#sample-panel"));
sample.onClose = () => {
  pickedPoint = null;
  outputMap.setPicked(null);
};
sample.onStep = (where) => network.setTracing(where);
const findings = new FindingsView($("#findings"), $("#findings-count"), $("#findings-notice"), network);

// ---------------------------------------------------------------- controls

function fillSelect(select, values) {
  for (const value of values) {
    const option = document.createElement("option");
    option.value = String(value);
    option.textContent = String(value);
    select.appendChild(option);
  }
}
fillSelect($("#lr"), LEARNING_RATES);
fillSelect($("#reg-rate"), REG_RATES);

for (const dataset of DATASETS) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "dataset";
  button.id = `dataset-${dataset.id}`;
  button.dataset.dataset = dataset.id;
  button.title = `${dataset.label} (${dataset.problem})`;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 40;
  drawThumbnail(canvas, dataset.id);
  const label = document.createElement("span");
  label.textContent = dataset.label;
  button.append(canvas, label);
  // Regression takes squared error only, so picking a regression set brings it along.
  button.onclick = () =>
    change(dataset.problem === "regression" && settings.loss !== "mse" ? { dataset: dataset.id, loss: "mse" } : { dataset: dataset.id });
  $("#datasets").appendChild(button);
}

/** Puts a select on `value`, adding it as an option if the server chose one the list lacks. */
function selectValue(select, value) {
  const text = String(value);
  if (![...select.options].some((o) => o.value === text)) {
    const option = document.createElement("option");
    option.value = option.textContent = text;
    select.appendChild(option);
  }
  select.value = text;
}

/** Shows the server's settings on every control, and in the URL. */
function applySettings(next) {
  settings = { ...DEFAULTS, ...next };
  selectValue($("#lr"), settings.lr);
  selectValue($("#reg-rate"), settings.reg_rate);
  for (const field of ["activation", "reg", "loss", "optimizer"]) selectValue($(`#${field}`), settings[field]);
  for (const [field, id] of [["train_pct", "train-pct"], ["noise", "noise"], ["batch", "batch"]]) {
    $(`#${id}`).value = settings[field];
  }
  $("#train-pct-value").textContent = `${settings.train_pct}%`;
  $("#noise-value").textContent = settings.noise;
  $("#batch-value").textContent = settings.batch;
  for (const button of document.querySelectorAll(".dataset")) {
    button.classList.toggle("selected", button.dataset.dataset === settings.dataset);
  }
  const known = problemOf(settings.dataset);
  if (known) problem = known;
  $("#problem").textContent = problem === "regression" ? "Regression" : "Classification";
  for (const option of $("#loss").options) {
    option.disabled = problem === "regression" && option.value !== "mse";
  }
  network.setSettings(settings);
  writeUrl(settings, page);
}

/** Sends a partial settings change; the answer (or a refusal) decides what the controls show. */
function change(partial) {
  if (!session) return;
  session
    .settingsChange(partial)
    .then((full) => {
      hideMessage();
      applySettings(full);
    })
    .catch(refused);
}

for (const [id, field, parse] of [
  ["lr", "lr", Number],
  ["reg-rate", "reg_rate", Number],
  ["activation", "activation", String],
  ["reg", "reg", String],
  ["loss", "loss", String],
  ["optimizer", "optimizer", String],
  ["train-pct", "train_pct", Number],
  ["noise", "noise", Number],
  ["batch", "batch", Number],
]) {
  $(`#${id}`).addEventListener("change", (event) => change({ [field]: parse(event.target.value) }));
}
// Sliders show their value while dragging; the change goes out when they are let go.
$("#train-pct").addEventListener("input", (e) => ($("#train-pct-value").textContent = `${e.target.value}%`));
$("#noise").addEventListener("input", (e) => ($("#noise-value").textContent = e.target.value));
$("#batch").addEventListener("input", (e) => ($("#batch-value").textContent = e.target.value));

function control(action) {
  if (!session) return;
  session
    .control(action)
    .then((answer) => {
      if (action === "reset" || action === "regenerate") {
        chart.reset();
        divergedShown = false;
        hideMessage();
      }
      setStatus(answer?.status ?? status);
    })
    .catch(refused);
}

$("#play").onclick = () => control(status === "running" ? "pause" : "play");
$("#step").onclick = () => control("step");
$("#reset").onclick = () => control("reset");
$("#regenerate").onclick = () => control("regenerate");
$("#message-close").onclick = hideMessage;

function setStatus(next) {
  status = next;
  const play = $("#play");
  play.setAttribute("aria-label", status === "running" ? "Pause" : "Play");
  play.classList.toggle("running", status === "running");
  play.dataset.status = status;
}

$("#view-gradients").checked = page.view === "gradients";
$("#show-test").checked = page.show_test;
$("#discretize").checked = page.discretize;
$("#log-scale").checked = page.log_scale;
function applyPage() {
  network.setView(page.view);
  $("#view-caption").textContent = VIEW_CAPTIONS[page.view];
  outputMap.setShowTest(page.show_test);
  outputMap.setDiscretize(page.discretize);
  chart.setLog(page.log_scale);
  if (session) writeUrl(settings, page);
}
$("#view-gradients").onchange = (e) => {
  page.view = e.target.checked ? "gradients" : "weights";
  applyPage();
};
$("#show-test").onchange = (e) => {
  page.show_test = e.target.checked;
  applyPage();
};
$("#discretize").onchange = (e) => {
  page.discretize = e.target.checked;
  applyPage();
};
$("#log-scale").onchange = (e) => {
  page.log_scale = e.target.checked;
  applyPage();
};
applyPage();

function pick(x, y) {
  if (!session) return;
  session
    .sample(x, y)
    .then((answer) => {
      hideMessage();
      const first = $("#sample-panel").hidden;
      sample.render(answer);
      if (first) $("#sample-panel").scrollIntoView({ behavior: "smooth", block: "start" });
      pickedPoint = answer.point ?? null;
      outputMap.setPicked(pickedPoint);
    })
    .catch(refused);
}

$("#gradcheck").onclick = () => {
  if (!session) return;
  $("#gradcheck").disabled = true;
  session
    .gradcheck()
    .then((report) => {
      hideMessage();
      renderGradcheck($("#gradcheck-panel"), report);
      $("#gradcheck-panel").scrollIntoView({ block: "nearest" });
    })
    .catch(refused)
    .finally(() => ($("#gradcheck").disabled = false));
};
$("#gradcheck-close").onclick = () => ($("#gradcheck-panel").hidden = true);

$("#csv-file").addEventListener("change", async (event) => {
  const file = event.target.files?.[0];
  event.target.value = "";
  if (!file || !session) return;
  if (file.size > CSV_LIMIT) {
    // In bytes: rounded to MiB, a file just over the limit would read as one at it.
    const over = file.size - CSV_LIMIT;
    showMessage(
      `That file is ${grouped(file.size)} bytes, ${grouped(over)} byte${over === 1 ? "" : "s"} over the limit: the playground takes CSV files up to 1 MiB (${grouped(CSV_LIMIT)} bytes).`,
    );
    return;
  }
  try {
    const answer = await session.upload(await file.text());
    chart.reset();
    showMessage(`Loaded ${answer?.points ?? "the"} points from ${file.name}.`, "info");
  } catch (error) {
    refused(error);
  }
});

// ---------------------------------------------------------------- the stream

// Frames a second, the last frame's size, and the slowest recent draw (decaying), for the
// footer and for browser tests.
const stats = { frames: 0, since: performance.now(), rate: 0, bytes: 0, drawMs: 0 };
window.playgroundStats = stats;

function onFrame(frame) {
  stats.frames++;
  stats.bytes = session?.frameBytes ?? 0;
  if (Number.isFinite(frame.epoch)) chart.add(frame.epoch, frame.train_loss, frame.test_loss);
  latest = frame;
  if (!drawPending) {
    drawPending = true;
    requestAnimationFrame(draw);
  }
}

/** Draws the newest frame only: frames that arrive between two paints are skipped. */
function draw() {
  drawPending = false;
  const frame = latest;
  if (!frame) return;
  const started = performance.now();
  const output = frame.output ?? {};
  // Hovering a neuron shows its own map in the big square, as the Playground does.
  const shown = previewing && frame.layers?.[previewing.layer]?.neurons?.[previewing.neuron];
  const map = typeof shown?.map === "string" && shown.map.length > 0 ? shown.map : output.map;
  outputMap.drawMap(map, map === output.map ? output.n : undefined);
  network.update(frame);
  // While running the batch changes every step; paused, it is the one the gradients are of.
  outputMap.setBatch(frame.status === "running" ? null : frame.batch);
  const epochBox = $("#epoch");
  epochBox.textContent = formatEpoch(frame.epoch);
  epochBox.dataset.epoch = frame.epoch;
  for (const [id, value] of [["#train-loss", frame.train_loss], ["#test-loss", frame.test_loss]]) {
    const box = $(id);
    box.textContent = num(value, 3);
    box.dataset.value = value;
  }
  chart.draw();
  findings.update(frame.findings, (frame.layers ?? []).length);
  if (frame.status && frame.status !== status) setStatus(frame.status);
  if (frame.status === "diverged" && !divergedShown) {
    divergedShown = true;
    const reason = String(frame.reason ?? "the loss stopped being a finite number").trim();
    showMessage(`Training stopped: ${reason}${/[.!?]$/.test(reason) ? "" : "."} Press reset to start again.`, "error");
  } else if (frame.status !== "diverged") {
    divergedShown = false;
  }
  const now = performance.now();
  stats.drawMs = Math.max(stats.drawMs * 0.9, now - started);
  if (now - stats.since >= 1000) {
    stats.rate = (stats.frames * 1000) / (now - stats.since);
    stats.frames = 0;
    stats.since = now;
  }
  const eps = Number.isFinite(frame.epochs_per_second) ? `${Math.round(frame.epochs_per_second)} epochs/s · ` : "";
  $("#stats").textContent = `${eps}${stats.rate.toFixed(0)} frames/s · ${(stats.bytes / 1024).toFixed(1)} KiB a frame · session ${session?.id ?? ""}`;
}

function onData(data) {
  if (data.problem === "classification" || data.problem === "regression") problem = data.problem;
  outputMap.regression = problem === "regression";
  $("#problem").textContent = problem === "regression" ? "Regression" : "Classification";
  outputMap.setData(Array.isArray(data.train) ? data.train : [], Array.isArray(data.test) ? data.test : []);
  pickedPoint = null;
  $("#sample-panel").hidden = true;
  chart.reset();
}

async function start(requested) {
  const handlers = {
    settings: applySettings,
    data: onData,
    frame: onFrame,
    lost() {
      showMessage("Lost the connection to the server; starting a new session…");
      reconnecting = true;
      session?.close();
      session = null;
      setTimeout(() => start(settingsForNewSession()), 1500);
    },
  };
  try {
    session = await Session.create(requested, handlers);
  } catch (error) {
    if (error.status === 400 && Object.keys(requested).length > 0) {
      // A link with a bad setting: say which, then drop that one (or all, if none is named).
      const rest = { ...requested };
      if (error.field && error.field in rest) delete rest[error.field];
      const next = Object.keys(rest).length < Object.keys(requested).length ? rest : {};
      showMessage(`This link's settings were refused: ${error.message}. Using the defaults for ${next === rest ? error.field : "all of them"}.`);
      return start(next);
    }
    showMessage(error.message);
    setTimeout(() => start(requested), 3000);
    return;
  }
  if (reconnecting) {
    reconnecting = false;
    showMessage("The server lost this run (it restarted, or the tab slept); a new run started with the same settings.", "info");
  }
  applySettings(session.settings ?? requested);
  $("#download").href = session.modelUrl;
  session.listen();
}

function settingsForNewSession() {
  return { ...settings };
}

// The diagnosis sits under the network it names. Where the window has room for its list below
// the network (with the page scrolled to its top), the list reaches down to the window's bottom
// edge at most and scrolls beyond. Where it has not (a 1024 × 768 window), the diagnosis lies
// below the fold, its list framed and of a fixed height (style.css's `.below`), and the notice
// at the top of the output column (findings.js) counts the findings and brings them into view:
// the room above the fold is the output map's, in the column beside, under the loss chart.
// Either way nothing on the page moves as findings come and go, the map least of all.
/** The least height the list takes above the fold, in CSS pixels (about five lines): with less
 *  room than that, it goes below. */
const LIST_MIN_HEIGHT = 96;
/** The gap left between the list and the window's bottom edge. */
const LIST_BOTTOM_GAP = 12;
function fitFindings() {
  const list = $("#findings");
  const top = list.getBoundingClientRect().top + scrollY;
  const room = Math.floor(innerHeight - top - LIST_BOTTOM_GAP);
  const below = room < LIST_MIN_HEIGHT;
  $("#diagnosis").classList.toggle("below", below);
  list.style.maxHeight = below ? "" : `${room}px`;
}
fitFindings();
// What lies above the list moves its top: a message over the page, the controls wrapping, the
// view's caption, the network's shape. (Not the page itself: the list's own height would
// come back round.)
const aboveFindings = new ResizeObserver(fitFindings);
for (const above of [".top", "#message", ".controls", ".view-toggle", ".network-wrap"]) aboveFindings.observe($(above));
window.addEventListener("resize", fitFindings);

window.addEventListener("pagehide", () => session?.close());
// The network picture is laid out for its box's width: lay it out again when that changes.
let resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => network.setSettings(settings), 150);
});
start(fromLink.settings);
