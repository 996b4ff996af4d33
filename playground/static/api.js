// Talking to the server (playground/API.md): one session per tab, its event stream, and the
// intents the page sends. Every refusal becomes an `ApiError` carrying the server's own words.

/** A request the server refused, or one that never reached it. */
export class ApiError extends Error {
  constructor(message, status, field) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.field = field ?? null;
  }
}

async function request(method, path, body, contentType = "application/json") {
  let response;
  try {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers["Content-Type"] = contentType;
      init.body = contentType === "application/json" ? JSON.stringify(body) : body;
    }
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(`The server did not answer (${error.message}). Is it still running?`, 0);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    let message = json && json.error ? json.error : text || response.statusText;
    if (json && json.allowed && !message.includes(json.allowed)) {
      message += ` (${json.field ?? "value"}: ${json.allowed})`;
    }
    throw new ApiError(message, response.status, json ? json.field : null);
  }
  return json;
}

/**
 * One training session on the server. `handlers` get the stream's events: `settings`,
 * `data`, `frame` (each with the parsed JSON), and `lost` when the stream ends for good.
 */
export class Session {
  constructor(id, handlers) {
    this.id = id;
    this.handlers = handlers;
    this.source = null;
    this.frameBytes = 0;
  }

  static async create(settings, handlers) {
    const answer = await request("POST", "/api/sessions", settings);
    const session = new Session(answer.id, handlers);
    session.settings = answer.settings;
    return session;
  }

  get base() {
    return `/api/sessions/${encodeURIComponent(this.id)}`;
  }

  /** Opens the event stream; the browser reconnects by itself after a dropped connection. */
  listen() {
    const source = new EventSource(`${this.base}/events`);
    this.source = source;
    for (const name of ["settings", "data", "frame"]) {
      source.addEventListener(name, (event) => {
        if (name === "frame") this.frameBytes = event.data.length;
        let value;
        try {
          value = JSON.parse(event.data);
        } catch {
          return;
        }
        this.handlers[name]?.(value);
      });
    }
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) this.handlers.lost?.();
    };
  }

  close() {
    this.source?.close();
  }

  settingsChange(partial) {
    return request("POST", `${this.base}/settings`, partial);
  }

  control(action) {
    return request("POST", `${this.base}/control`, { action });
  }

  setWeight(layer, neuron, input, value) {
    return request("POST", `${this.base}/weight`, { layer, neuron, input, value });
  }

  sample(x, y) {
    return request("POST", `${this.base}/sample`, { x, y });
  }

  gradcheck() {
    return request("POST", `${this.base}/gradcheck`);
  }

  upload(csvText) {
    return request("POST", `${this.base}/data`, csvText, "text/csv");
  }

  get modelUrl() {
    return `${this.base}/model.safetensors`;
  }
}
