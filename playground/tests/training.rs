//! Training through the API: the circle learns, the frame's gradients are the library's, one
//! sample's trace is the library's, a diverging run stops with its reason.

mod common;

use std::time::Duration;

use common::*;
use serde_json::Value;
use tapegrad::loss;
use tapegrad::nn::{Activation, Forward, Layer, Mlp, Module, Neuron};
use tapegrad::{Tape, Value as TapeValue};

/// The network a frame shows, every neuron tanh (the defaults: tanh hidden layers, a tanh
/// output for two classes with mse).
fn network(frame: &Value) -> Mlp {
    let layers = frame["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let neurons = l["neurons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    Neuron::from_parts(
                        numbers(&n["weights"]),
                        n["bias"].as_f64().unwrap(),
                        Activation::Tanh,
                    )
                })
                .collect();
            Layer::from_neurons(neurons).unwrap()
        })
        .collect();
    Mlp::from_layers(layers).unwrap()
}

/// The frame's gradients in parameter order: each neuron's `grads`, then its `bias_grad`.
fn frame_gradients(frame: &Value) -> Vec<f64> {
    let mut out = Vec::new();
    for layer in frame["layers"].as_array().unwrap() {
        for n in layer["neurons"].as_array().unwrap() {
            out.extend(numbers(&n["grads"]));
            out.push(n["bias_grad"].as_f64().unwrap());
        }
    }
    out
}

#[tokio::test]
async fn the_circle_with_the_playgrounds_defaults_learns() {
    let app = server();
    let id = session(&app, "{}").await;
    let before = frame(&app, &id).await;
    assert!(
        before["test_loss"].as_f64().unwrap() > 0.4,
        "{}",
        before["test_loss"]
    );
    assert_eq!(control(&app, &id, "play").await, "running");
    let learned = wait_for(&app, &id, Duration::from_secs(60), |f| {
        f["test_loss"].as_f64().is_some_and(|l| l < 0.05)
    })
    .await;
    assert_eq!(control(&app, &id, "pause").await, "paused");
    let loss = learned["test_loss"].as_f64().unwrap();
    assert!(
        loss < 0.05,
        "test loss {loss} after {} epochs",
        learned["epoch"]
    );
    assert!(learned["epochs_per_second"].as_f64().unwrap() > 0.0);
    assert_ne!(learned["output"]["map"], before["output"]["map"]);
}

#[tokio::test]
async fn the_frames_gradient_is_the_librarys_for_the_same_weights_and_batch() {
    let app = server();
    for (settings, l2) in [("{}", 0.0), (r#"{"reg": "l2", "reg_rate": 0.3}"#, 0.3)] {
        let id = session(&app, settings).await;
        control(&app, &id, "step").await;
        let f = frame(&app, &id).await;
        let (_, data) = get(&app, &at(&id, "data")).await;
        let model = network(&f);
        let tape = Tape::new();
        let net = model.record(&tape);
        let mut losses = Vec::new();
        for i in f["batch"].as_array().unwrap() {
            let p = numbers(&data["train"][i.as_u64().unwrap() as usize]);
            let out = net.forward_f64(&p[..2]).unwrap()[0];
            losses.push(loss::half_squared_error(out, p[2]));
        }
        let mut total = loss::mean(&losses).unwrap();
        if l2 > 0.0 {
            // The weights, not the biases: each neuron's last parameter is its bias.
            let mut weights: Vec<TapeValue<'_>> = Vec::new();
            let mut k = 0;
            for layer in model.layers() {
                for n in layer.neurons() {
                    weights.extend_from_slice(&net.params()[k..k + n.nin()]);
                    k += n.nin() + 1;
                }
            }
            total += loss::l2_penalty(&weights, l2 / 2.0);
        }
        let library = net.gradients(&total.backward());
        assert_eq!(frame_gradients(&f), library, "{settings}");
        // And the gradient check's backward column is the same numbers.
        let (_, check) = post(&app, &at(&id, "gradcheck"), "").await;
        let analytic: Vec<f64> = check["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["analytic"].as_f64().unwrap())
            .collect();
        assert_eq!(analytic, library);
        assert_eq!(check["passed"], true, "{check}");
        assert_eq!(check["rows"][0]["name"], "layer0.neuron0.w0");
        assert_eq!(check["rows"][2]["name"], "layer0.neuron0.b");
    }
}

#[tokio::test]
async fn one_samples_trace_is_the_librarys_backward() {
    let app = server();
    let id = session(&app, "{}").await;
    control(&app, &id, "step").await;
    let f = frame(&app, &id).await;
    let (status, s) = post(&app, &at(&id, "sample"), r#"{"x": 0.5, "y": -0.5}"#).await;
    assert_eq!(status, 200, "{s}");
    let (_, data) = get(&app, &at(&id, "data")).await;
    // The nearest training point.
    let nearest = data["train"]
        .as_array()
        .unwrap()
        .iter()
        .map(numbers)
        .min_by(|a, b| {
            let d = |p: &[f64]| (p[0] - 0.5).hypot(p[1] + 0.5);
            d(a).total_cmp(&d(b))
        })
        .unwrap();
    assert_eq!(
        numbers(&Value::from(vec![
            s["point"]["x"].clone(),
            s["point"]["y"].clone(),
            s["point"]["label"].clone()
        ])),
        nearest
    );
    // The library's gradient of this one sample's loss, in parameter order.
    let model = network(&f);
    let tape = Tape::new();
    let net = model.record(&tape);
    let out = net.forward_f64(&nearest[..2]).unwrap()[0];
    let l = loss::half_squared_error(out, nearest[2]);
    let library = net.gradients(&l.backward());
    let updates = s["updates"].as_array().unwrap();
    let grads: Vec<f64> = updates
        .iter()
        .map(|u| u["grad"].as_f64().unwrap())
        .collect();
    assert_eq!(grads, library);
    assert_eq!(s["loss"]["value"].as_f64().unwrap(), l.data());
    assert_eq!(s["forward"][2][0]["out"].as_f64().unwrap(), out.data());
    for u in updates {
        let (w, g) = (u["weight"].as_f64().unwrap(), u["grad"].as_f64().unwrap());
        assert_eq!(u["new"].as_f64().unwrap(), w - 0.03 * g, "{u}");
    }
    // The sweep starts at the loss; each parameter's last running total is its gradient.
    let steps = s["backward"].as_array().unwrap();
    assert_eq!(
        (steps[0]["name"].as_str(), steps[0]["grad"].as_f64()),
        (Some("loss"), Some(1.0))
    );
    for u in updates {
        let name = u["name"].as_str().unwrap();
        let last_total = steps
            .iter()
            .flat_map(|st| st["passes"].as_array().unwrap())
            .rfind(|p| p["parent_name"] == name)
            .map(|p| p["total"].as_f64().unwrap());
        let grad = u["grad"].as_f64().unwrap();
        if grad != 0.0 {
            assert_eq!(last_total, Some(grad), "{name}");
        }
    }
    // The first neuron's graph: 2 inputs, 2 weights, a bias, the sum and the tanh.
    let nodes = s["neuron"]["nodes"].as_array().unwrap();
    let labels: Vec<&str> = nodes.iter().map(|n| n["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        [
            "x1",
            "x2",
            "layer0.neuron0.w0",
            "layer0.neuron0.w1",
            "layer0.neuron0.b",
            "layer0.neuron0.sum",
            "layer0.neuron0"
        ]
    );
    assert_eq!(s["neuron"]["edges"].as_array().unwrap().len(), 6);
    assert_eq!(nodes[2]["grad"].as_f64().unwrap(), library[0]);
}

#[tokio::test]
async fn a_diverging_run_stops_with_its_reason_and_no_nan() {
    let app = server();
    let id = session(
        &app,
        r#"{"dataset": "plane", "activation": "linear", "lr": 10, "features": ["x1sq", "x2sq", "x1x2"]}"#,
    )
    .await;
    assert_eq!(control(&app, &id, "step").await, "diverged");
    let (_, text) = send_bytes(&app, "GET", &at(&id, "frame"), axum::body::Body::empty()).await;
    let text = String::from_utf8(text).unwrap();
    // JSON has no NaN or infinity: the frame parses.
    let f: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(f["status"], "diverged");
    let reason = f["reason"].as_str().unwrap();
    assert!(reason.starts_with("non-finite value"), "{reason}");
    assert!(
        reason.contains("the learning rate is probably too high"),
        "{reason}"
    );
    // A smaller learning rate and a reset bring it back.
    let (status, _) = post(&app, &at(&id, "settings"), r#"{"lr": 0.001}"#).await;
    assert_eq!(status, 200);
    control(&app, &id, "reset").await;
    assert_eq!(control(&app, &id, "step").await, "paused");
    assert!(frame(&app, &id).await["train_loss"].as_f64().is_some());
}
