// The settings the page shows and the URL that carries them (playground/API.md, "Settings").
//
// The server owns the training settings: the page keeps the last full object it received and
// sends only the fields the learner changes. Four settings belong to the page alone and are
// kept in the URL beside them, never sent.

export const DATASETS = [
  { id: "circle", label: "Circle", problem: "classification" },
  { id: "xor", label: "Exclusive or", problem: "classification" },
  { id: "gauss", label: "Gaussian", problem: "classification" },
  { id: "spiral", label: "Spiral", problem: "classification" },
  { id: "plane", label: "Plane", problem: "regression" },
  { id: "multigauss", label: "Multi Gaussian", problem: "regression" },
];

export const FEATURES = [
  { id: "x1", label: "X\u2081" },
  { id: "x2", label: "X\u2082" },
  { id: "x1sq", label: "X\u2081\u00b2" },
  { id: "x2sq", label: "X\u2082\u00b2" },
  { id: "x1x2", label: "X\u2081X\u2082" },
  { id: "sinx1", label: "sin(X\u2081)" },
  { id: "sinx2", label: "sin(X\u2082)" },
];

export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;

/** The server's defaults, used until it answers (and to keep URLs short). */
export const DEFAULTS = {
  dataset: "circle",
  noise: 0,
  train_pct: 50,
  batch: 10,
  features: ["x1", "x2"],
  hidden: [4, 2],
  activation: "tanh",
  lr: 0.03,
  reg: "none",
  reg_rate: 0,
  loss: "mse",
  optimizer: "sgd",
  seed: 1,
};

/** Page-only settings and their defaults. */
export const PAGE_DEFAULTS = { show_test: false, discretize: false, view: "weights", log_scale: true };

const LIST_FIELDS = new Set(["features", "hidden"]);
const NUMBER_FIELDS = new Set(["noise", "train_pct", "batch", "lr", "reg_rate", "seed"]);

/**
 * Reads the URL's query into `{settings, page}`: `settings` holds only the training fields the
 * URL names (the server validates them and says what is wrong), `page` all page-only ones.
 */
export function fromUrl(search) {
  const query = new URLSearchParams(search);
  const settings = {};
  for (const field of Object.keys(DEFAULTS)) {
    if (!query.has(field)) continue;
    const raw = query.get(field);
    if (LIST_FIELDS.has(field)) {
      const parts = raw === "" ? [] : raw.split(",");
      settings[field] = field === "hidden" ? parts.map(Number) : parts;
    } else if (NUMBER_FIELDS.has(field)) {
      settings[field] = Number(raw);
    } else {
      settings[field] = raw;
    }
  }
  const page = { ...PAGE_DEFAULTS };
  if (query.has("show_test")) page.show_test = query.get("show_test") === "1";
  if (query.has("discretize")) page.discretize = query.get("discretize") === "1";
  if (query.get("view") === "gradients") page.view = "gradients";
  if (query.has("log_scale")) page.log_scale = query.get("log_scale") !== "0";
  return { settings, page };
}

/** The query string for these settings: every field that differs from its default. */
export function toQuery(settings, page) {
  const query = new URLSearchParams();
  for (const [field, fallback] of Object.entries(DEFAULTS)) {
    const value = settings[field];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(",") : String(value);
    const defaultText = Array.isArray(fallback) ? fallback.join(",") : String(fallback);
    if (text !== defaultText) query.set(field, text);
  }
  if (page.show_test) query.set("show_test", "1");
  if (page.discretize) query.set("discretize", "1");
  if (page.view !== "weights") query.set("view", page.view);
  if (!page.log_scale) query.set("log_scale", "0");
  // Commas separate list items and need no escaping in a query: keep links readable.
  return query.toString().replaceAll("%2C", ",");
}

/** Writes the settings into the address bar without adding a history entry. */
export function writeUrl(settings, page) {
  const query = toQuery(settings, page);
  const url = location.pathname + (query ? "?" + query : "");
  history.replaceState(null, "", url);
}

/** Whether a data set is a regression problem (CSV data decides by its own labels). */
export function problemOf(dataset) {
  const known = DATASETS.find((d) => d.id === dataset);
  return known ? known.problem : null;
}
