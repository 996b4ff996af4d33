//! Every route's refusals: the status and the exact message, field and allowed range.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tapegrad_playground::{Config, app};

/// Each setting with a bad value, and what the server says.
const BAD_SETTINGS: &[(&str, &str, &str)] = &[
    (
        r#"{"dataset": "moons"}"#,
        "dataset",
        "one of circle, xor, gauss, spiral, plane, multigauss, csv",
    ),
    (r#"{"noise": 51}"#, "noise", "an integer from 0 to 50"),
    (r#"{"noise": 2.5}"#, "noise", "an integer from 0 to 50"),
    (
        r#"{"train_pct": 5}"#,
        "train_pct",
        "an integer from 10 to 90",
    ),
    (r#"{"batch": 0}"#, "batch", "an integer from 1 to 30"),
    (r#"{"batch": "10"}"#, "batch", "an integer from 1 to 30"),
    (
        r#"{"features": []}"#,
        "features",
        "a non-empty list of distinct names, each one of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2",
    ),
    (
        r#"{"features": ["x1", "x1"]}"#,
        "features",
        "a non-empty list of distinct names, each one of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2",
    ),
    (
        r#"{"hidden": [1, 2, 3, 4, 5, 6, 7]}"#,
        "hidden",
        "a list of 0 to 6 integers, each from 1 to 8",
    ),
    (
        r#"{"hidden": [9]}"#,
        "hidden",
        "a list of 0 to 6 integers, each from 1 to 8",
    ),
    (
        r#"{"activation": "gelu"}"#,
        "activation",
        "one of tanh, relu, sigmoid, linear",
    ),
    (r#"{"lr": 50}"#, "lr", "a number from 0.00001 to 10"),
    (r#"{"lr": 0}"#, "lr", "a number from 0.00001 to 10"),
    (r#"{"reg": "l3"}"#, "reg", "one of none, l1, l2"),
    (r#"{"reg_rate": -1}"#, "reg_rate", "a number from 0 to 10"),
    (r#"{"loss": "mae"}"#, "loss", "one of mse, bce, hinge"),
    (
        r#"{"optimizer": "rmsprop"}"#,
        "optimizer",
        "one of sgd, momentum, adam",
    ),
    (
        r#"{"seed": 4294967296}"#,
        "seed",
        "an integer from 0 to 4294967295",
    ),
    (r#"{"seed": -1}"#, "seed", "an integer from 0 to 4294967295"),
];

#[tokio::test]
async fn every_bad_setting_is_a_400_naming_the_field_and_its_range() {
    let app = server();
    let id = session(&app, "{}").await;
    for &(body, field, allowed) in BAD_SETTINGS {
        let got = serde_json::from_str::<serde_json::Value>(body).unwrap()[field].to_string();
        let want = refusal(
            &format!("{field} must be {allowed}, got {got}"),
            field,
            allowed,
        );
        for uri in ["/api/sessions".to_string(), at(&id, "settings")] {
            let (status, answer) = post(&app, &uri, body).await;
            assert_eq!(
                (status, &answer),
                (StatusCode::BAD_REQUEST, &want),
                "{uri} {body}"
            );
        }
    }
    // Nothing changed.
    let (_, settings) = get(&app, &at(&id, "settings")).await;
    assert_eq!(settings["lr"], json!(0.03));
}

#[tokio::test]
async fn unknown_settings_and_other_shapes_are_refused() {
    let app = server();
    let (status, body) = post(&app, "/api/sessions", r#"{"show_test": 1}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        refusal(
            "unknown setting `show_test`; the settings are dataset, noise, train_pct, batch, \
             features, hidden, activation, lr, reg, reg_rate, loss, optimizer, seed",
            "show_test",
            "one of dataset, noise, train_pct, batch, features, hidden, activation, lr, reg, \
             reg_rate, loss, optimizer, seed",
        )
    );
    let cases = [
        (
            "{\"lr\": ",
            "malformed JSON: EOF while parsing a value at line 1 column 7",
        ),
        (
            "lr=0.1",
            "malformed JSON: expected value at line 1 column 1",
        ),
        ("[1, 2]", "the body must be a JSON object, got an array"),
        ("0.1", "the body must be a JSON object, got a number"),
    ];
    for (body, error) in cases {
        let (status, answer) = post(&app, "/api/sessions", body).await;
        assert_eq!(
            (status, answer),
            (StatusCode::BAD_REQUEST, plain(error)),
            "{body}"
        );
    }
    let (status, body) = post(&app, "/api/sessions", r#"{"dataset": "csv"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "dataset");
    assert_eq!(
        body["error"],
        "a new session has no CSV yet: create it with another dataset, then POST the file to \
         /api/sessions/{id}/data"
    );
    let id = session(&app, "{}").await;
    let (status, body) = post(&app, &at(&id, "settings"), r#"{"dataset": "csv"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        refusal(
            "dataset csv needs an upload first: POST the file to /api/sessions/{id}/data",
            "dataset",
            "csv after an upload (POST /api/sessions/{id}/data)"
        )
    );
}

#[tokio::test]
async fn every_session_route_is_a_404_for_an_unknown_session() {
    let app = server();
    let error =
        plain("no session `nope`: it expired or never existed; create one with POST /api/sessions");
    let routes = [
        ("GET", "events"),
        ("GET", "settings"),
        ("POST", "settings"),
        ("POST", "control"),
        ("POST", "weight"),
        ("POST", "sample"),
        ("POST", "gradcheck"),
        ("GET", "frame"),
        ("GET", "data"),
        ("POST", "data"),
        ("GET", "model.safetensors"),
    ];
    for (method, route) in routes {
        let (status, body) = send(&app, method, &at("nope", route), "{}").await;
        assert_eq!(
            (status, body),
            (StatusCode::NOT_FOUND, error.clone()),
            "{method} {route}"
        );
    }
    let (status, body) = get(&app, "/api/nothing").await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            plain("no route GET /api/nothing; the routes are in API.md")
        )
    );
    let (status, body) = get(&app, "/static/missing.js").await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            plain("no file `missing.js` in the page")
        )
    );
}

#[tokio::test]
async fn bodies_over_their_limits_are_413() {
    let app = server();
    let id = session(&app, "{}").await;
    let big = format!("{{\"lr\": 0.1, \"pad\": \"{}\"}}", "x".repeat(70 * 1024));
    for uri in [
        "/api/sessions".to_string(),
        at(&id, "settings"),
        at(&id, "control"),
    ] {
        let (status, body) = post(&app, &uri, &big).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                plain("the body is over its limit of 64 KiB")
            ),
            "{uri}"
        );
    }
    let mut csv = String::from("x,y,label\n");
    while csv.len() <= 1024 * 1024 {
        csv.push_str("1.0000000000,2.0000000000,1\n");
    }
    let (status, body) = post(&app, &at(&id, "data"), &csv).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            plain("the body is over its limit of 1 MiB")
        )
    );
    let mut csv = String::from("x,y,label\n");
    for i in 0..5001 {
        csv.push_str(&format!("{},0,{}\n", i % 5, i % 2));
    }
    let (status, body) = post(&app, &at(&id, "data"), &csv).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            plain("the CSV holds 5001 points; a session takes at most 5000")
        )
    );
}

#[tokio::test]
async fn bad_csv_files_are_400_with_the_readers_message() {
    let app = server();
    let id = session(&app, "{}").await;
    const ALLOWED: &str = "x,y,label rows with x and y from -6 to 6";
    let cases = [
        (
            "x,y,label\n1,oops,1\n",
            "CSV line 2: cannot parse y `oops` as a number",
        ),
        (
            "x,y,label\n1,2,1\n7,0,-1\n",
            "point 2 of the CSV, (7, 0), lies outside [-6, 6]², the square the page draws; \
             scale the data into it",
        ),
    ];
    for (csv, error) in cases {
        let (status, body) = post(&app, &at(&id, "data"), csv).await;
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, refusal(error, "csv", ALLOWED))
        );
    }
    // One class only: the library's split refuses it.
    let (status, body) = post(&app, &at(&id, "data"), "x,y,label\n1,2,1\n2,1,1\n").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        plain(
            "invalid argument: split_shuffled: the data holds only class 1 (2 points); a \
             two-class split needs both"
        )
    );
    let (_, settings) = get(&app, &at(&id, "settings")).await;
    assert_eq!(settings["dataset"], "circle");
}

#[tokio::test]
async fn control_weight_sample_and_gradcheck_refuse_bad_fields() {
    let app = server();
    let id = session(&app, "{}").await;
    const ACTIONS: &str = "one of play, pause, step, reset, regenerate";
    let cases = [
        (
            "control",
            "{}",
            refusal(
                &format!("action is missing; it must be {ACTIONS}"),
                "action",
                ACTIONS,
            ),
        ),
        (
            "control",
            r#"{"action": "rewind"}"#,
            refusal(
                &format!("action must be {ACTIONS}, got \"rewind\""),
                "action",
                ACTIONS,
            ),
        ),
        (
            "control",
            r#"{"action": "play", "speed": 2}"#,
            refusal(
                "unknown field `speed`; this route takes action",
                "speed",
                "one of action",
            ),
        ),
        (
            "weight",
            r#"{"layer": 3, "neuron": 0, "input": 0, "value": 1}"#,
            refusal(
                "layer must be an integer from 0 to 2, got 3",
                "layer",
                "an integer from 0 to 2",
            ),
        ),
        (
            "weight",
            r#"{"layer": 1, "neuron": 2, "input": 0, "value": 1}"#,
            refusal(
                "neuron must be an integer from 0 to 1, got 2",
                "neuron",
                "an integer from 0 to 1",
            ),
        ),
        (
            "weight",
            r#"{"layer": 1, "neuron": 0, "input": 4, "value": 1}"#,
            refusal(
                "input must be an integer from 0 to 3 or null for the bias, got 4",
                "input",
                "an integer from 0 to 3 or null for the bias",
            ),
        ),
        (
            "weight",
            r#"{"layer": 0, "neuron": 0, "input": null, "value": 1000}"#,
            refusal(
                "value must be a number from -100 to 100, got 1000",
                "value",
                "a number from -100 to 100",
            ),
        ),
        (
            "weight",
            r#"{"layer": 0, "neuron": 0, "value": 1}"#,
            refusal(
                "input is missing; it must be an integer from 0 to 1 or null for the bias",
                "input",
                "an integer from 0 to 1 or null for the bias",
            ),
        ),
        (
            "sample",
            r#"{"x": 7, "y": 0}"#,
            refusal(
                "x must be a number from -6 to 6, got 7",
                "x",
                "a number from -6 to 6",
            ),
        ),
        (
            "sample",
            r#"{"x": 0}"#,
            refusal(
                "y is missing; it must be a number from -6 to 6",
                "y",
                "a number from -6 to 6",
            ),
        ),
        (
            "gradcheck",
            r#"{"batch": 3}"#,
            refusal(
                "unknown field `batch`; this route takes no fields",
                "batch",
                "no fields",
            ),
        ),
        (
            "sample",
            "{",
            plain("malformed JSON: EOF while parsing an object at line 1 column 1"),
        ),
    ];
    for (route, body, want) in cases {
        let (status, answer) = post(&app, &at(&id, route), body).await;
        assert_eq!(
            (status, answer),
            (StatusCode::BAD_REQUEST, want),
            "{route} {body}"
        );
    }
    // The session still works.
    assert_eq!(control(&app, &id, "step").await, "paused");
    assert_eq!(frame(&app, &id).await["epoch"], 1);
}

#[tokio::test]
async fn sessions_are_capped_and_expire_without_a_stream() {
    let app = app(Config {
        max_sessions: 2,
        idle_timeout: Duration::from_millis(50),
    });
    let first = session(&app, "{}").await;
    session(&app, "{}").await;
    let (status, body) = post(&app, "/api/sessions", "{}").await;
    assert_eq!(
        (status, body),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            plain(
                "too many sessions (2 are open): close another tab, or wait for idle ones to expire"
            )
        )
    );
    // The training threads look once a second; then both sessions are gone.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (status, _) = get(&app, &at(&first, "frame")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    session(&app, "{}").await;
}

#[tokio::test]
async fn a_split_that_leaves_the_training_set_empty_is_refused() {
    let app = server();
    const FOUR: &str = "x,y,label\n1,1,1\n-1,-1,0\n2,2,1\n-2,-2,0\n";
    let empty = refusal(
        "train_pct 10 leaves the training set empty: the uploaded data holds 4 points, 0 to \
         train on and 4 to test on; set train_pct from 25 to 90, or upload more points",
        "train_pct",
        "an integer from 25 to 90 for 4 points",
    );
    // Uploading to a session that splits at 10%: refused, and the data stays the circle.
    let id = session(&app, r#"{"train_pct": 10}"#).await;
    let (status, body) = post(&app, &at(&id, "data"), FOUR).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, empty.clone()));
    let (_, data) = get(&app, &at(&id, "data")).await;
    assert_eq!(data["train"].as_array().unwrap().len(), 50);
    assert_eq!(get(&app, &at(&id, "settings")).await.1["dataset"], "circle");
    // Uploading at 50%, then asking for 10%: refused, and the split stays 2 and 2.
    let id = session(&app, "{}").await;
    let (status, body) = post(&app, &at(&id, "data"), FOUR).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "points": 4 })));
    let (status, body) = post(&app, &at(&id, "settings"), r#"{"train_pct": 10}"#).await;
    assert_eq!((status, body), (StatusCode::BAD_REQUEST, empty));
    assert_eq!(get(&app, &at(&id, "settings")).await.1["train_pct"], 50);
    let (_, data) = get(&app, &at(&id, "data")).await;
    assert_eq!(data["train"].as_array().unwrap().len(), 2);
    let (status, sample) = post(&app, &at(&id, "sample"), r#"{"x": 0, "y": 0}"#).await;
    assert_eq!(status, StatusCode::OK, "{sample}");
    assert_eq!(control(&app, &id, "step").await, "paused");
}
