//! What each route does when the request is good: the page, sessions, settings and their
//! effects, controls, weight edits, CSV upload, the model download and the event stream.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use serde_json::json;
use tapegrad::nn::Module;
use tower::ServiceExt;

#[tokio::test]
async fn the_page_and_a_new_session_with_the_playgrounds_defaults() {
    let app = server();
    let (status, page) = send_bytes(&app, "GET", "/", Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        String::from_utf8(page)
            .unwrap()
            .contains("<title>Backprop Playground · tapegrad</title>")
    );
    let (status, body) = post(&app, "/api/sessions", "").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        body["settings"],
        json!({"dataset": "circle", "noise": 0, "train_pct": 50, "batch": 10,
               "features": ["x1", "x2"], "hidden": [4, 2], "activation": "tanh", "lr": 0.03,
               "reg": "none", "reg_rate": 0.0, "loss": "mse", "optimizer": "sgd", "seed": 1})
    );
    let id = body["id"].as_str().unwrap();
    let (_, data) = get(&app, &at(id, "data")).await;
    assert_eq!(data["train"].as_array().unwrap().len(), 250);
    assert_eq!(data["test"].as_array().unwrap().len(), 250);
    assert_eq!(data["problem"], "classification");
    let f = frame(&app, id).await;
    assert_eq!(
        (f["epoch"].as_u64(), f["status"].as_str()),
        (Some(0), Some("paused"))
    );
    let widths: Vec<usize> = f["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["neurons"].as_array().unwrap().len())
        .collect();
    assert_eq!(widths, [4, 2, 1]);
    // 24 × 24 signed bytes in base64 per neuron, 100 × 100 for the output.
    assert_eq!(
        f["layers"][0]["neurons"][0]["map"].as_str().unwrap().len(),
        768
    );
    assert_eq!(f["output"]["map"].as_str().unwrap().len(), 13336);
    assert_eq!(f["inputs"][1]["name"], "x2");
}

#[tokio::test]
async fn settings_apply_from_the_next_step_or_reset_as_api_md_says() {
    let app = server();
    let id = session(&app, r#"{"hidden": [3], "seed": 7}"#).await;
    control(&app, &id, "step").await;
    let (status, settings) = post(
        &app,
        &at(&id, "settings"),
        r#"{"lr": 0.1, "optimizer": "adam"}"#,
    )
    .await;
    assert_eq!(
        (status, &settings["lr"], &settings["optimizer"]),
        (StatusCode::OK, &json!(0.1), &json!("adam"))
    );
    assert_eq!(
        frame(&app, &id).await["epoch"],
        1,
        "lr and optimizer keep the run"
    );
    post(
        &app,
        &at(&id, "settings"),
        r#"{"hidden": [2, 2], "features": ["x1sq"]}"#,
    )
    .await;
    let f = frame(&app, &id).await;
    assert_eq!(f["epoch"], 0, "a new shape is a new network");
    assert_eq!(
        f["layers"][0]["neurons"][0]["weights"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (_, before) = get(&app, &at(&id, "data")).await;
    assert_eq!(control(&app, &id, "regenerate").await, "paused");
    let (_, settings) = get(&app, &at(&id, "settings")).await;
    assert_eq!(settings["seed"], 8);
    let (_, after) = get(&app, &at(&id, "data")).await;
    assert_ne!(before, after);
    let (_, plane) = post(&app, &at(&id, "settings"), r#"{"dataset": "plane"}"#).await;
    assert_eq!(plane["dataset"], "plane");
    let (_, data) = get(&app, &at(&id, "data")).await;
    assert_eq!(data["problem"], "regression");
    assert_eq!(data["train"].as_array().unwrap().len(), 600);
    let (status, body) = post(&app, &at(&id, "settings"), r#"{"loss": "hinge"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        refusal(
            "loss hinge is for two classes; plane is a regression set: use mse",
            "loss",
            "mse for the regression sets (plane, multigauss)"
        )
    );
}

#[tokio::test]
async fn step_reset_and_a_weight_edit_show_in_the_frame() {
    let app = server();
    let id = session(&app, "{}").await;
    let first = frame(&app, &id).await;
    assert_eq!(control(&app, &id, "step").await, "paused");
    let stepped = frame(&app, &id).await;
    assert_eq!(stepped["epoch"], 1);
    let w = stepped["layers"][0]["neurons"][0]["weights"][0]
        .as_f64()
        .unwrap();
    let u = stepped["layers"][0]["neurons"][0]["updates"][0]
        .as_f64()
        .unwrap();
    let w0 = first["layers"][0]["neurons"][0]["weights"][0]
        .as_f64()
        .unwrap();
    assert_ne!(w, w0);
    assert_ne!(u, 0.0);
    let (status, _) = post(
        &app,
        &at(&id, "weight"),
        r#"{"layer": 1, "neuron": 1, "input": null, "value": -2.5}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        frame(&app, &id).await["layers"][1]["neurons"][1]["bias"],
        -2.5
    );
    assert_eq!(control(&app, &id, "reset").await, "paused");
    let reset = frame(&app, &id).await;
    assert_eq!(
        reset["layers"], first["layers"],
        "the same seed, the same network"
    );
}

#[tokio::test]
async fn a_csv_upload_becomes_the_data_and_the_model_downloads() {
    let app = server();
    let id = session(&app, "{}").await;
    let mut csv = String::from("x,y,label\n");
    for i in 0..40 {
        let x = f64::from(i) / 10.0 - 2.0;
        csv.push_str(&format!("{x},{},{}\n", -x, i % 2));
    }
    let (status, body) = post(&app, &at(&id, "data"), &csv).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"points": 40})));
    let (_, settings) = get(&app, &at(&id, "settings")).await;
    assert_eq!(settings["dataset"], "csv");
    let (_, data) = get(&app, &at(&id, "data")).await;
    assert_eq!(data["train"].as_array().unwrap().len(), 20);
    let labels: Vec<f64> = data["train"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[2].as_f64().unwrap())
        .collect();
    assert!(
        labels.iter().all(|&l| l == 1.0 || l == -1.0),
        "0 becomes -1: {labels:?}"
    );
    // Switching away and back keeps the upload.
    post(&app, &at(&id, "settings"), r#"{"dataset": "xor"}"#).await;
    let (status, _) = post(&app, &at(&id, "settings"), r#"{"dataset": "csv"}"#).await;
    assert_eq!(status, StatusCode::OK);
    control(&app, &id, "step").await;
    let (status, bytes) =
        send_bytes(&app, "GET", &at(&id, "model.safetensors"), Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    let model = tapegrad::save::from_bytes(&bytes).unwrap();
    let f = frame(&app, &id).await;
    let mut shown = Vec::new();
    for layer in f["layers"].as_array().unwrap() {
        for n in layer["neurons"].as_array().unwrap() {
            shown.extend(numbers(&n["weights"]));
            shown.push(n["bias"].as_f64().unwrap());
        }
    }
    assert_eq!(model.parameters(), shown);
}

#[tokio::test]
async fn the_event_stream_sends_settings_data_then_frames() {
    let app = server();
    let id = session(&app, "{}").await;
    let request = Request::get(at(&id, "events")).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    let mut text = String::new();
    let mut names = Vec::new();
    for wanted in [3, 4] {
        if wanted == 4 {
            control(&app, &id, "step").await;
        }
        while names.len() < wanted {
            let chunk = body.frame().await.unwrap().unwrap().into_data().unwrap();
            text.push_str(std::str::from_utf8(&chunk).unwrap());
            names = text
                .lines()
                .filter_map(|l| l.strip_prefix("event: "))
                .map(str::to_string)
                .collect();
        }
    }
    assert_eq!(names[..3], ["settings", "data", "frame"]);
    assert_eq!(names[3], "frame");
    let last = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .nth(3)
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(last).unwrap()["epoch"],
        1
    );
}
