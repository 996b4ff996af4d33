//! The routes of API.md: the page, its files, and the session API. Every request body is read
//! as bytes and checked here, so each refusal has API.md's JSON shape.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::Stream;
use serde_json::{Map, Value, json};
use tapegrad::nn::Forward;
use tokio::sync::watch;

use crate::Config;
use crate::assets;
use crate::data::{self, Data};
use crate::error::ApiError;
use crate::session::{Registry, Session, StreamGuard};
use crate::settings::{self, Choice, Dataset, Settings};
use crate::trainer::{Status, Trainer};

/// The largest JSON body a control route reads.
const JSON_LIMIT: usize = 64 * 1024;
/// The largest CSV upload.
const CSV_LIMIT: usize = 1024 * 1024;

type Registered = State<Arc<Registry>>;
type Body = Result<Bytes, BytesRejection>;

/// The whole application: the page, its files and the API, with the limits of `config`.
///
/// ```
/// let app = tapegrad_playground::app(tapegrad_playground::Config::default());
/// # drop(app);
/// ```
pub fn app(config: Config) -> Router {
    let json_limit = DefaultBodyLimit::max(JSON_LIMIT);
    Router::new()
        .route("/", get(index))
        .route("/static/{*path}", get(asset))
        .route("/api/sessions", post(create).layer(json_limit))
        .route("/api/sessions/{id}/events", get(events))
        .route(
            "/api/sessions/{id}/settings",
            get(get_settings).post(post_settings).layer(json_limit),
        )
        .route(
            "/api/sessions/{id}/control",
            post(control).layer(json_limit),
        )
        .route("/api/sessions/{id}/weight", post(weight).layer(json_limit))
        .route("/api/sessions/{id}/sample", post(sample).layer(json_limit))
        .route(
            "/api/sessions/{id}/gradcheck",
            post(gradcheck).layer(json_limit),
        )
        .route("/api/sessions/{id}/frame", get(get_frame))
        .route(
            "/api/sessions/{id}/data",
            get(get_data)
                .post(post_data)
                .layer(DefaultBodyLimit::max(CSV_LIMIT)),
        )
        .route("/api/sessions/{id}/model.safetensors", get(model))
        .fallback(not_found)
        .with_state(Registry::new(config))
}

async fn index() -> Response {
    asset(Path("index.html".to_string())).await
}

async fn asset(Path(path): Path<String>) -> Response {
    match assets::find(&path) {
        Some((mime, bytes)) => (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no file `{path}` in the page"),
        )
        .into_response(),
    }
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no route {method} {}; the routes are in API.md", uri.path()),
    )
}

/// The body, or the refusal of one over its limit.
fn body(body: Body, limit: &str) -> Result<Bytes, ApiError> {
    body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over its limit of {limit}"),
        ),
        status => ApiError::new(status, format!("cannot read the body: {e}")),
    })
}

/// The body as a JSON object; an empty body counts as `{}`.
fn object(b: Body) -> Result<Map<String, Value>, ApiError> {
    let bytes = body(b, "64 KiB")?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    settings::parse_object(&bytes)
}

fn session(registry: &Registry, id: &str) -> Result<Arc<Session>, ApiError> {
    registry.get(id).ok_or_else(|| ApiError::no_session(id))
}

/// A control request: its session and its JSON object, which may hold only `fields`.
fn request(
    registry: &Registry,
    id: &str,
    b: Body,
    fields: &[&str],
) -> Result<(Arc<Session>, Map<String, Value>), ApiError> {
    let s = session(registry, id)?;
    let map = object(b)?;
    only(&map, fields)?;
    Ok((s, map))
}

/// Runs `f` on a blocking thread (it takes the session's lock, and may compute for a while);
/// a panic in it becomes a 500, never a crash.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {e}"),
        ))
    })
}

/// Refuses fields other than `known` in a request object.
fn only(map: &Map<String, Value>, known: &[&str]) -> Result<(), ApiError> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => {
            let (takes, allowed) = if known.is_empty() {
                ("no fields".to_string(), "no fields".to_string())
            } else {
                (known.join(", "), format!("one of {}", known.join(", ")))
            };
            Err(ApiError::invalid(
                k,
                &allowed,
                format!("unknown field `{k}`; this route takes {takes}"),
            ))
        }
    }
}

/// A required field.
fn field<'a>(
    map: &'a Map<String, Value>,
    name: &str,
    allowed: &str,
) -> Result<&'a Value, ApiError> {
    map.get(name).ok_or_else(|| {
        ApiError::invalid(
            name,
            allowed,
            format!("{name} is missing; it must be {allowed}"),
        )
    })
}

async fn create(State(registry): Registered, b: Body) -> Result<Response, ApiError> {
    let changes = object(b)?;
    let reg = registry.clone();
    let session = blocking(move || {
        let (settings, _) = Settings::default().with(&changes)?;
        if settings.dataset == Dataset::Csv {
            return Err(ApiError::invalid(
                "dataset",
                &settings::one_of::<Dataset>(),
                "a new session has no CSV yet: create it with another dataset, then POST the \
                 file to /api/sessions/{id}/data"
                    .to_string(),
            ));
        }
        let trainer = Trainer::new(settings, None)?;
        reg.create(trainer).ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "too many sessions ({} are open): close another tab, or wait for idle \
                     ones to expire",
                    reg.config.max_sessions
                ),
            )
        })
    })
    .await?;
    let settings = session.events.settings.borrow().clone();
    let body = format!("{{\"id\":\"{}\",\"settings\":{settings}}}", session.id);
    Ok((StatusCode::CREATED, json_text(body.into())).into_response())
}

/// A JSON text we already have, as a response.
fn json_text(text: Arc<str>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        text.to_string(),
    )
        .into_response()
}

async fn get_settings(State(r): Registered, Path(id): Path<String>) -> Result<Response, ApiError> {
    let s = session(&r, &id)?;
    let text = s.events.settings.borrow().clone();
    Ok(json_text(text))
}

async fn get_data(State(r): Registered, Path(id): Path<String>) -> Result<Response, ApiError> {
    let s = session(&r, &id)?;
    let text = s.events.data.borrow().clone();
    Ok(json_text(text))
}

async fn get_frame(State(r): Registered, Path(id): Path<String>) -> Result<Response, ApiError> {
    let s = session(&r, &id)?;
    let text = s.events.frame.borrow().clone();
    Ok(json_text(text))
}

async fn post_settings(
    State(r): Registered,
    Path(id): Path<String>,
    b: Body,
) -> Result<Response, ApiError> {
    let s = session(&r, &id)?;
    let changes = object(b)?;
    blocking(move || {
        let mut t = s.lock();
        let (next, effect) = t.settings.with(&changes)?;
        if next.dataset == Dataset::Csv && t.csv.is_none() {
            return Err(ApiError::invalid(
                "dataset",
                "csv after an upload (POST /api/sessions/{id}/data)",
                "dataset csv needs an upload first: POST the file to /api/sessions/{id}/data"
                    .to_string(),
            ));
        }
        t.apply(next, effect)?;
        s.publish(&mut t, true, effect == settings::Effect::Regenerate);
        Ok(())
    })
    .await?;
    get_settings(State(r), Path(id)).await
}

async fn control(
    State(r): Registered,
    Path(id): Path<String>,
    b: Body,
) -> Result<Json<Value>, ApiError> {
    let (s, map) = request(&r, &id, b, &["action"])?;
    const ACTIONS: &str = "one of play, pause, step, reset, regenerate";
    let v = field(&map, "action", ACTIONS)?;
    let action = v
        .as_str()
        .filter(|a| ["play", "pause", "step", "reset", "regenerate"].contains(a))
        .ok_or_else(|| ApiError::bad_value("action", ACTIONS, v))?
        .to_string();
    let status = blocking(move || {
        let mut t = s.lock();
        let mut changed = (false, false);
        match action.as_str() {
            "play" => t.play(),
            "pause" => t.pause(),
            "step" => {
                t.pause();
                if t.status == Status::Paused {
                    if let Err(e) = t.step_epoch() {
                        t.diverge(&e);
                    }
                }
            }
            "reset" => t.reset_network()?,
            _ => {
                // New data: the next seed, so that the URL still reproduces the run.
                let seed = json!({ "seed": t.settings.seed.wrapping_add(1) });
                let (next, effect) = t.settings.with(seed.as_object().unwrap_or(&Map::new()))?;
                t.apply(next, effect)?;
                changed = (true, true);
            }
        }
        s.publish(&mut t, changed.0, changed.1);
        Ok(t.status)
    })
    .await?;
    Ok(Json(json!({ "status": status })))
}

async fn weight(
    State(r): Registered,
    Path(id): Path<String>,
    b: Body,
) -> Result<Json<Value>, ApiError> {
    let (s, map) = request(&r, &id, b, &["layer", "neuron", "input", "value"])?;
    blocking(move || {
        let mut t = s.lock();
        let layers = t.model.layers();
        let max = |n: usize| n.saturating_sub(1) as u64;
        let range = |n: usize| format!("an integer from 0 to {}", max(n));
        let allowed = range(layers.len());
        let layer = settings::integer(
            "layer",
            &allowed,
            field(&map, "layer", &allowed)?,
            0,
            max(layers.len()),
        )? as usize;
        let widths = layers[layer].nout();
        let allowed = range(widths);
        let neuron = settings::integer(
            "neuron",
            &allowed,
            field(&map, "neuron", &allowed)?,
            0,
            max(widths),
        )? as usize;
        let nin = layers[layer].nin();
        let allowed = format!("{} or null for the bias", range(nin));
        let input = match field(&map, "input", &allowed)? {
            Value::Null => None,
            v => Some(settings::integer("input", &allowed, v, 0, max(nin))? as usize),
        };
        const VALUE: &str = "a number from -100 to 100";
        let value = settings::number("value", VALUE, field(&map, "value", VALUE)?, -100.0, 100.0)?;
        t.set_weight(layer, neuron, input, value)?;
        s.publish(&mut t, false, false);
        Ok(())
    })
    .await?;
    Ok(Json(json!({})))
}

async fn sample(
    State(r): Registered,
    Path(id): Path<String>,
    b: Body,
) -> Result<Json<crate::inspect::SampleJson>, ApiError> {
    let (s, map) = request(&r, &id, b, &["x", "y"])?;
    const COORD: &str = "a number from -6 to 6";
    let x = settings::number("x", COORD, field(&map, "x", COORD)?, -6.0, 6.0)?;
    let y = settings::number("y", COORD, field(&map, "y", COORD)?, -6.0, 6.0)?;
    let sample = blocking(move || s.lock().sample(x, y)).await?;
    Ok(Json(sample))
}

async fn gradcheck(
    State(r): Registered,
    Path(id): Path<String>,
    b: Body,
) -> Result<Json<crate::inspect::GradCheckJson>, ApiError> {
    let (s, _) = request(&r, &id, b, &[])?;
    let report = blocking(move || s.lock().gradcheck()).await?;
    Ok(Json(report))
}

async fn post_data(
    State(r): Registered,
    Path(id): Path<String>,
    b: Body,
) -> Result<Json<Value>, ApiError> {
    let s = session(&r, &id)?;
    let bytes = body(b, "1 MiB")?;
    let points = blocking(move || {
        let points = data::read_csv(&bytes)?;
        let mut t = s.lock();
        let next = Settings {
            dataset: Dataset::Csv,
            ..t.settings.clone()
        };
        t.data = Data::new(&next, Some(&points))?;
        let n = points.len();
        t.csv = Some(points);
        t.settings = next;
        t.reset_network()?;
        s.publish(&mut t, true, true);
        Ok(n)
    })
    .await?;
    Ok(Json(json!({ "points": points })))
}

async fn model(State(r): Registered, Path(id): Path<String>) -> Result<Response, ApiError> {
    let s = session(&r, &id)?;
    let bytes = blocking(move || {
        let t = s.lock();
        let format = tapegrad::save::Format::Safetensors(tapegrad::save::Dtype::F64);
        // What the network's inputs mean, and the data it learned, beside it.
        let features: Vec<&str> = t.settings.features.iter().map(|f| f.name()).collect();
        let metadata = tapegrad::save::Metadata::from([
            (
                "playground.dataset".to_string(),
                t.settings.dataset.name().to_string(),
            ),
            ("playground.features".to_string(), features.join(",")),
        ]);
        tapegrad::save::to_bytes_with_metadata(&t.model, format, &metadata)
            .map_err(|e| ApiError::new(StatusCode::CONFLICT, e.to_string()))
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tapegrad-playground.safetensors\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// What an event stream holds: its session's receivers, and the guard that counts it.
struct Stream3 {
    _guard: StreamGuard,
    receivers: [(&'static str, watch::Receiver<Arc<str>>); 3],
}

impl Stream3 {
    /// The next event: settings before data before frame when several changed.
    async fn next(&mut self) -> Option<Event> {
        for (name, rx) in &mut self.receivers {
            if rx.has_changed().ok()? {
                return Some(event(name, rx));
            }
        }
        // `changed` marks the value seen: the branch that wins sends it.
        let [(s, a), (d, b), (f, c)] = &mut self.receivers;
        tokio::select! {
            biased;
            r = a.changed() => r.ok().map(|()| event(s, a)),
            r = b.changed() => r.ok().map(|()| event(d, b)),
            r = c.changed() => r.ok().map(|()| event(f, c)),
        }
    }
}

/// The receiver's latest value as the event `name`.
fn event(name: &str, rx: &mut watch::Receiver<Arc<str>>) -> Event {
    let text = rx.borrow_and_update().clone();
    Event::default().event(name).data(&*text)
}

async fn events(
    State(r): Registered,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let s = session(&r, &id)?;
    let mut receivers = [
        ("settings", s.events.settings.subscribe()),
        ("data", s.events.data.subscribe()),
        ("frame", s.events.frame.subscribe()),
    ];
    for (_, rx) in &mut receivers {
        rx.mark_changed();
    }
    let state = Stream3 {
        _guard: s.connect(),
        receivers,
    };
    let stream = futures_util::stream::unfold(state, |mut st| async move {
        let event = st.next().await?;
        Some((Ok(event), st))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
