//! What the HTTP tests share: the app, one request at a time through `oneshot`, sessions.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tapegrad_playground::{Config, app};
use tower::ServiceExt;

/// The app with the default limits.
pub fn server() -> Router {
    app(Config::default())
}

/// One request; the status and the body (JSON, or the text as a JSON string, or null).
pub async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let (status, bytes) = send_bytes(app, method, uri, body).await;
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    (status, json)
}

/// One request; the status and the raw body.
pub async fn send_bytes(
    app: &Router,
    method: &str,
    uri: &str,
    body: impl Into<Body>,
) -> (StatusCode, Vec<u8>) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(body.into())
        .expect("a valid request");
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router answers");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (status, bytes.to_vec())
}

/// POSTs JSON text.
pub async fn post(app: &Router, uri: &str, json: &str) -> (StatusCode, Value) {
    send(app, "POST", uri, json.to_string()).await
}

/// GETs a route.
pub async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    send(app, "GET", uri, Body::empty()).await
}

/// A new session with these settings; its id.
pub async fn session(app: &Router, settings: &str) -> String {
    let (status, body) = post(app, "/api/sessions", settings).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().expect("an id").to_string()
}

/// The route `rest` of session `id`.
pub fn at(id: &str, rest: &str) -> String {
    format!("/api/sessions/{id}/{rest}")
}

/// Sends a control action; the status it answers.
pub async fn control(app: &Router, id: &str, action: &str) -> Value {
    let (status, body) = post(
        app,
        &at(id, "control"),
        &format!("{{\"action\":\"{action}\"}}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["status"].clone()
}

/// The latest frame.
pub async fn frame(app: &Router, id: &str) -> Value {
    let (status, body) = get(app, &at(id, "frame")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Polls the frame until `done` holds, for at most `limit`; the last frame.
pub async fn wait_for(
    app: &Router,
    id: &str,
    limit: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let f = frame(app, id).await;
        if done(&f) || start.elapsed() > limit {
            return f;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The refusal body API.md describes.
pub fn refusal(error: &str, field: &str, allowed: &str) -> Value {
    serde_json::json!({ "error": error, "field": field, "allowed": allowed })
}

/// A refusal that names no field.
pub fn plain(error: &str) -> Value {
    serde_json::json!({ "error": error })
}

/// A vector of numbers from JSON.
pub fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

/// The network's parameters a frame shows, in the library's order: each neuron's `weights`,
/// then its `bias`.
pub fn shown_parameters(frame: &Value) -> Vec<f64> {
    let mut shown = Vec::new();
    for layer in frame["layers"].as_array().expect("layers") {
        for n in layer["neurons"].as_array().expect("neurons") {
            shown.extend(numbers(&n["weights"]));
            shown.push(n["bias"].as_f64().expect("a bias"));
        }
    }
    shown
}
