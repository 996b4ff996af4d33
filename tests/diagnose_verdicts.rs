//! What `tapegrad::diagnose` says after real training runs, as a table: runs that went well are
//! told nothing, runs that went wrong are told their cause (the finding that comes first, and
//! what its text blames). Every run is trained here, through the public API, and diagnosed with
//! the one-call `Diagnosis::of` (or, where the loop's own gradients are judged, a `Checkup`).

#[path = "common/runs.rs"]
mod runs;

use runs::{Data, network, playground_run, train};
use tapegrad::datasets::{self, Playground};
use tapegrad::diagnose::{Checkup, Diagnosis, Finding, History};
use tapegrad::loss::Loss;
use tapegrad::nn::Activation::{Linear, Relu, Sigmoid, Tanh};
use tapegrad::nn::{Activation, Forward, Init, Layer, Mlp, Module, Neuron};
use tapegrad::rand::{SeedableRng, rngs::StdRng};

/// The diagnosis of a run, in one call, with its losses as the run recorded them.
fn diagnose(model: &Mlp, data: &Data, loss: Loss, losses: &[f64]) -> Diagnosis {
    Diagnosis::of(model, &data.samples(), loss, losses).expect("a valid diagnosis")
}

/// A Playground run with the circle example's flags, and its diagnosis.
fn playground(
    kind: Playground,
    hidden: &[usize],
    activation: Activation,
    lr: f64,
    batch: usize,
    epochs: usize,
) -> (Diagnosis, Vec<f64>) {
    let (model, data, losses) = playground_run(kind, hidden, activation, lr, batch, epochs);
    let d = diagnose(&model, &data, Loss::HalfSquaredError, &losses);
    (d, losses)
}

/// A run of the circle example: its name, data, hidden widths and activation, learning rate,
/// batch size, epochs, and the loss it must end below.
type Setting = (
    &'static str,
    Playground,
    &'static [usize],
    Activation,
    f64,
    usize,
    usize,
    f64,
);

#[test]
fn runs_that_learned_are_told_nothing() {
    let runs: [Setting; 7] = [
        (
            "circle (README)",
            Playground::Circle,
            &[4, 2],
            Tanh,
            0.03,
            10,
            300,
            0.01,
        ),
        (
            "xor (README)",
            Playground::Xor,
            &[4, 2],
            Tanh,
            0.03,
            10,
            300,
            0.01,
        ),
        (
            "gauss (README)",
            Playground::Gauss,
            &[4, 2],
            Tanh,
            0.03,
            10,
            300,
            0.01,
        ),
        (
            "spiral (README)",
            Playground::Spiral,
            &[8, 8, 8],
            Tanh,
            0.03,
            10,
            1000,
            0.05,
        ),
        (
            "deep relu",
            Playground::Circle,
            &[8, 8, 8, 8, 8, 8],
            Relu,
            0.03,
            10,
            60,
            0.01,
        ),
        (
            "batch 125",
            Playground::Circle,
            &[4, 2],
            Tanh,
            0.3,
            125,
            1000,
            0.05,
        ),
        (
            "batch 250",
            Playground::Circle,
            &[4, 2],
            Tanh,
            1.0,
            250,
            1000,
            0.05,
        ),
    ];
    for (name, kind, hidden, activation, lr, batch, epochs, below) in runs {
        let (d, losses) = playground(kind, hidden, activation, lr, batch, epochs);
        let last = losses[losses.len() - 1];
        assert!(last < below, "{name}: the run did not learn: loss {last}");
        assert!(d.is_empty(), "{name}, loss {last}: {d}");
    }
}

#[test]
fn a_deep_relu_net_that_fits_is_not_told_about_its_idle_units() {
    // It has dead units (so the old verdict listed them, layer by layer), and fits anyway.
    let (model, data, losses) = playground_run(Playground::Circle, &[8; 6], Relu, 0.03, 10, 60);
    let dead: usize = model.layers()[..6]
        .iter()
        .map(|layer| {
            let alive = |u: usize| {
                data.xs
                    .iter()
                    .any(|x| layer_output(&model, layer, x, u) > 0.0)
            };
            (0..layer.nout()).filter(|&u| !alive(u)).count()
        })
        .sum();
    assert!(dead >= 3, "{dead} dead units");
    let d = diagnose(&model, &data, Loss::HalfSquaredError, &losses);
    assert!(d.is_empty(), "{d}");
}

/// Unit `u` of `layer` (a layer of `model`) on input `x`.
fn layer_output(model: &Mlp, layer: &Layer, x: &[f64], u: usize) -> f64 {
    let mut a = x.to_vec();
    for l in model.layers() {
        a = l.predict(&a).unwrap();
        if std::ptr::eq(l, layer) {
            return a[u];
        }
    }
    unreachable!("the layer is the model's")
}

#[test]
fn moons_with_micrograds_network_is_told_nothing() {
    let mut rng = StdRng::seed_from_u64(1);
    let data = Data::from_points(&datasets::moons(100, 0.1, &mut rng).unwrap());
    let mut model = network(2, &[16, 16], Relu, Linear, Init::Micrograd, 1);
    let losses = train(&mut model, &data, Loss::Hinge, 0.05, 10, 60, &mut rng);
    assert!(losses[60] < 0.05, "{}", losses[60]);
    let d = diagnose(&model, &data, Loss::Hinge, &losses);
    assert!(d.is_empty(), "{d}");
}

#[test]
fn full_batches_at_the_default_rate_are_told_to_take_more_steps_not_to_change_the_network() {
    // The same network reaches 100% at batch 10; at batch 250 its 300 steps barely move it.
    let (d, losses) = playground(Playground::Circle, &[4, 2], Tanh, 0.03, 250, 300);
    let [
        Finding::SlowProgress {
            mean_loss,
            constant,
            probe_loss,
            ..
        },
    ] = d.findings()
    else {
        panic!("{d}");
    };
    assert!((0.4957..0.4959).contains(mean_loss), "{mean_loss}");
    assert!((0.4983..0.4985).contains(constant), "{constant}");
    assert!(*probe_loss < 0.9 * mean_loss, "{probe_loss}");
    assert_eq!(losses[300], *mean_loss);
    let text = d.to_string();
    assert!(!text.contains("may not be able to represent"), "{text}");
    assert!(
        text.contains("raise the learning rate, train for more epochs"),
        "{text}"
    );
}

#[test]
fn a_learning_rate_too_high_is_named() {
    let (d, losses) = playground(Playground::Circle, &[4, 2], Tanh, 3.0, 10, 30);
    let Finding::LossRising { best, now, .. } = d.findings()[0] else {
        panic!("{d}");
    };
    let lowest = losses.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!((best, now), (lowest, losses[30]));
    assert!(now > 1.1 * best, "{best} → {now}");
    assert!(
        d.to_string().contains("Is the learning rate too high?"),
        "{d}"
    );
}

#[test]
fn dead_relus_are_named() {
    // Big steps knock out relu units: 0 on every point, they never recover.
    let (d, _) = playground(Playground::Circle, &[4], Relu, 30.0, 250, 20);
    let [
        Finding::DeadUnits {
            layer: 0,
            dead,
            units: 4,
        },
    ] = d.findings()
    else {
        panic!("{d}");
    };
    assert_eq!(*dead, 2, "{d}");
    assert!(d.to_string().contains("a learning rate too high"), "{d}");
}

#[test]
fn saturated_units_are_named() {
    // The circle's inputs, unscaled by 100: every tanh unit sits at ±1.
    let mut data = Data::playground(Playground::Circle, 1);
    for x in &mut data.xs {
        x.iter_mut().for_each(|v| *v *= 100.0);
    }
    let mut model = network(2, &[4, 2], Tanh, Tanh, Init::Playground, 1);
    let losses = train(
        &mut model,
        &data,
        Loss::HalfSquaredError,
        0.03,
        10,
        10,
        &mut StdRng::seed_from_u64(1),
    );
    let d = diagnose(&model, &data, Loss::HalfSquaredError, &losses);
    let Finding::SaturatedUnits {
        layer: 0,
        activation: Tanh,
        saturated,
        units: 4,
        ..
    } = d.findings()[0]
    else {
        panic!("{d}");
    };
    assert!(saturated >= 3, "{d}");
    assert!(
        d.to_string().contains("inputs scaled to about [-1, 1]"),
        "{d}"
    );
}

#[test]
fn a_1_1_1_net_on_odd_even_is_told_it_cannot_represent_the_data() {
    let data = Data::from_pairs(&datasets::odd_even());
    let mut model = network(1, &[1], Tanh, Sigmoid, Init::Xavier, 1);
    let losses = train(
        &mut model,
        &data,
        Loss::Bce,
        0.3,
        10,
        1000,
        &mut StdRng::seed_from_u64(1),
    );
    let d = diagnose(&model, &data, Loss::Bce, &losses);
    // The inputs 1 to 10 also saturate its tanh unit, which the diagnosis names first.
    let Some(Finding::Plateau {
        mean_loss,
        constant,
        ..
    }) = d.findings().last()
    else {
        panic!("{d}");
    };
    assert!(*mean_loss > 0.5 * constant, "{mean_loss} {constant}");
    assert!(
        d.to_string()
            .contains("may not be able to represent this data"),
        "{d}"
    );
}

#[test]
fn wrong_hand_gradients_are_the_cause_not_the_learning_rate() {
    // y = w·x + b fitted to y = 2x by hand, with the gradient's sign flipped: it climbs.
    let data = Data::from_pairs(&[(0.0, 0.0), (0.5, 1.0), (1.0, 2.0)]);
    let mut model = Mlp::from_layers(vec![
        Layer::from_neurons(vec![Neuron::from_parts(vec![0.5], 0.0, Linear)]).unwrap(),
    ])
    .unwrap();
    let hand = |m: &Mlp| -> Vec<f64> {
        let (w, b) = (m.parameters()[0], m.parameters()[1]);
        let n = data.ys.len() as f64;
        let (mut gw, mut gb) = (0.0, 0.0);
        for (x, y) in data.xs.iter().zip(&data.ys) {
            let err = y - (w * x[0] + b); // bug: d/dp ½(p − y)² is p − y
            gw += err * x[0] / n;
            gb += err / n;
        }
        vec![gw, gb]
    };
    let mut history = History::new();
    for _ in 0..10 {
        history.push_loss(runs::mean_loss(&model, &data, Loss::HalfSquaredError).unwrap());
        let before = model.parameters();
        let g = hand(&model);
        let stepped: Vec<f64> = before.iter().zip(&g).map(|(p, g)| p - 0.5 * g).collect();
        model.set_parameters(&stepped).unwrap();
        history.push_update(&model, &before);
    }
    history.push_loss(runs::mean_loss(&model, &data, Loss::HalfSquaredError).unwrap());
    let given = hand(&model);
    let d = Checkup::new(&model, &data.xs, &data.ys, Loss::HalfSquaredError)
        .history(&history)
        .gradients(&given)
        .run()
        .unwrap();
    assert!(
        matches!(
            d.findings()[0],
            Finding::WrongGradients {
                wrong: 2,
                of: 2,
                ..
            }
        ),
        "{d}"
    );
    assert!(
        matches!(d.findings()[1], Finding::LossRising { best_epoch: 0, .. }),
        "{d}"
    );
    let text = d.to_string();
    assert!(
        text.contains("The wrong gradients above are the cause"),
        "{text}"
    );
    assert!(!text.contains("learning rate too high"), "{text}");
    // The rise alone, without the gradients, still asks about the learning rate.
    assert!(
        d.findings()[1]
            .to_string()
            .contains("Is the learning rate too high?")
    );
}

#[test]
fn a_loss_that_is_not_a_number_from_the_start_is_never_healthy() {
    // Labels of 1e200: every squared error overflows to inf, and SGD refuses the first step.
    let data = Data::from_pairs(&[(0.0, 1e200), (1.0, -1e200)]);
    let mut model = network(1, &[2], Tanh, Linear, Init::Xavier, 1);
    let losses = train(
        &mut model,
        &data,
        Loss::HalfSquaredError,
        0.1,
        2,
        10,
        &mut StdRng::seed_from_u64(1),
    );
    assert!(losses.iter().all(|l| l.is_infinite()), "{losses:?}");
    let d = diagnose(&model, &data, Loss::HalfSquaredError, &losses);
    let Finding::SampleLossNotFinite {
        row: 0,
        label,
        count: 2,
        ..
    } = d.findings()[0]
    else {
        panic!("{d}");
    };
    assert_eq!(label, 1e200);
    let epochs = losses.len();
    assert!(
        d.findings().contains(&Finding::LossNotFinite {
            epoch: 0,
            value: f64::INFINITY,
            count: epochs,
            epochs
        }),
        "{d}"
    );
    // A loop whose own loss is NaN every epoch, on a model and data that are fine.
    let data = Data::from_pairs(&[(0.0, 1.0), (1.0, -1.0)]);
    let model = network(1, &[2], Tanh, Linear, Init::Xavier, 1);
    for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let d = diagnose(&model, &data, Loss::HalfSquaredError, &[value; 20]);
        let [
            Finding::LossNotFinite {
                epoch: 0,
                count: 20,
                epochs: 20,
                ..
            },
        ] = d.findings()
        else {
            panic!("{value}: {d}");
        };
        assert!(
            d.findings()[0]
                .to_string()
                .contains("the loop never computed a number"),
            "{d}"
        );
    }
}

#[test]
fn losses_near_f64_max_are_named_not_called_a_plateau() {
    // A linear neuron on an input of 1.2e154: half the squared error is 7.2e307, and a learning
    // rate of 2 / x² flips its weight every step, so the loss stays there.
    let x = 1.2e154;
    let data = Data::from_pairs(&[(x, 0.0)]);
    let mut model = Mlp::from_layers(vec![
        Layer::from_neurons(vec![Neuron::from_parts(vec![1.0], 0.0, Linear)]).unwrap(),
    ])
    .unwrap();
    let losses = train(
        &mut model,
        &data,
        Loss::HalfSquaredError,
        2.0 / (x * x),
        1,
        30,
        &mut StdRng::seed_from_u64(1),
    );
    assert!(
        losses.iter().all(|&l| l > 1e307 && l.is_finite()),
        "{losses:?}"
    );
    let d = diagnose(&model, &data, Loss::HalfSquaredError, &losses);
    let [
        Finding::HugeLoss {
            epoch: 0,
            loss,
            input,
            label,
            ..
        },
    ] = d.findings()
    else {
        panic!("{d}");
    };
    assert_eq!((*loss, *input, *label), (losses[0], x, 0.0));
    let text = d.findings()[0].to_string();
    assert!(
        text.contains("The largest input is 1.2e154, the largest label 0"),
        "{text}"
    );
}
