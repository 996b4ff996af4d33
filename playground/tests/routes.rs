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
    // Parameters 12 + 5 + 4 (layer1.neuron1.b) and 12 + 10 + 1 (layer2.neuron0.w1) of the
    // 2-4-2-1 network: those two change, and nothing else.
    let mut want = shown_parameters(&stepped);
    for (edit, index, value) in [
        (
            r#"{"layer": 1, "neuron": 1, "input": null, "value": -2.5}"#,
            21,
            -2.5,
        ),
        (
            r#"{"layer": 2, "neuron": 0, "input": 1, "value": 3.25}"#,
            23,
            3.25,
        ),
    ] {
        let (status, body) = post(&app, &at(&id, "weight"), edit).await;
        assert_eq!((status, body), (StatusCode::OK, json!({})));
        want[index] = value;
        assert_eq!(shown_parameters(&frame(&app, &id).await), want, "{edit}");
    }
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
    let (model, metadata) = tapegrad::save::from_bytes_with_metadata(&bytes).unwrap();
    assert_eq!(
        model.parameters(),
        shown_parameters(&frame(&app, &id).await)
    );
    let entries: Vec<(&str, &str)> = metadata
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            ("playground.dataset", "csv"),
            ("playground.features", "x1,x2")
        ]
    );
}

#[tokio::test]
async fn an_upload_keeps_a_two_class_loss_from_a_regression_set() {
    // A regression set trains with mse; the upload is two-class, so bce may follow.
    let app = server();
    let id = session(&app, r#"{"dataset": "plane"}"#).await;
    let csv = "x,y,label\n1,1,1\n-1,-1,0\n2,2,1\n-2,-2,0\n3,3,1\n-3,-3,0\n";
    let (status, body) = post(&app, &at(&id, "data"), csv).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"points": 6})));
    let (_, data) = get(&app, &at(&id, "data")).await;
    assert_eq!(data["problem"], "classification");
    let (status, settings) = post(&app, &at(&id, "settings"), r#"{"loss": "bce"}"#).await;
    assert_eq!((status, &settings["loss"]), (StatusCode::OK, &json!("bce")));
    assert_eq!(control(&app, &id, "step").await, "paused");
    assert_eq!(frame(&app, &id).await["epoch"], 1);
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
