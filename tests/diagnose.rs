//! `tapegrad::diagnose`'s findings, each on a small case built to show it: a non-finite input,
//! labels and outputs outside the loss's domain, one class or class-sorted mini-batches,
//! saturated and dead units, uneven gradients, wrong gradients, a rising loss and a plateau;
//! then update ratios and the refusal of bad arguments. (What it tells the examples' runs is
//! checked beside each example: `examples/circle/tests.rs`, `examples/hand_vs_auto/tests.rs`,
//! `examples/odd_even/tests.rs` and `examples/six_points/tests.rs`.)

use tapegrad::diagnose::{
    Checkup, Diagnosis, Finding, History, PLATEAU_EPOCHS, RISE_EPOCHS, update_ratio,
};
use tapegrad::loss::Loss;
use tapegrad::nn::Activation::{Linear, Relu, Sigmoid, Tanh};
use tapegrad::nn::{Forward, Layer, Mlp, Module, Neuron};
use tapegrad::{Error, Tape, check_gradients};

#[path = "common/numeric.rs"]
mod numeric;

use numeric::assert_within;

/// A network of one layer of `neurons`, then one linear output summing them.
fn two_layers(neurons: Vec<Neuron>) -> Mlp {
    let width = neurons.len();
    let out = Neuron::from_parts(vec![1.0; width], 0.0, Linear);
    Mlp::from_layers(vec![
        Layer::from_neurons(neurons).unwrap(),
        Layer::from_neurons(vec![out]).unwrap(),
    ])
    .unwrap()
}

/// A history of these losses, no updates.
fn losses(ls: &[f64]) -> History {
    let mut h = History::new();
    for &l in ls {
        h.push_loss(l);
    }
    h
}

/// The diagnosis of `model` on one-input samples with mean squared error, given a history.
fn with_history(model: &Mlp, xs: &[[f64; 1]], ys: &[f64], history: &History) -> Diagnosis {
    Checkup::new(model, xs, ys, Loss::HalfSquaredError)
        .history(history)
        .run()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Each finding on its own
// ---------------------------------------------------------------------------------------------

#[test]
fn a_non_finite_input_is_named_by_row_and_stops_the_other_checks() {
    let model = two_layers(vec![Neuron::from_parts(vec![1.0, 1.0], 0.0, Tanh)]);
    let xs = [
        [0.0, 1.0],
        [2.0, 3.0],
        [4.0, f64::NEG_INFINITY],
        [f64::NAN, 0.0],
    ];
    let d = Checkup::new(&model, &xs, &[1.0, 2.0, 3.0, 4.0], Loss::HalfSquaredError)
        .run()
        .unwrap();
    assert_eq!(
        d.findings(),
        &[Finding::NonFiniteInput {
            row: 2,
            input: 1,
            value: f64::NEG_INFINITY
        }]
    );
    assert_eq!(
        d.findings()[0].to_string(),
        "Sample 2, input 1, is -inf: a network takes finite numbers only, and every forward \
         pass refuses it. Fix or drop that sample."
    );
}

#[test]
fn labels_outside_the_losss_domain_are_counted_and_the_first_named() {
    let model = two_layers(vec![Neuron::from_parts(vec![1.0], 0.0, Tanh)]);
    let xs = [[0.0], [1.0], [2.0], [3.0]];
    let cases = [
        (Loss::Bce, [1.0, -1.0, 1.0, -1.0], 1, -1.0, 2),
        (Loss::BceWithLogits, [0.0, 1.0, 2.0, 0.5], 2, 2.0, 1),
        (Loss::Hinge, [1.0, 0.0, -1.0, 0.0], 1, 0.0, 2),
        (
            Loss::HalfSquaredError,
            [0.0, f64::INFINITY, 1.0, 1.0],
            1,
            f64::INFINITY,
            1,
        ),
    ];
    for (loss, ys, row, label, count) in cases {
        let d = Checkup::new(&model, &xs, &ys, loss).run().unwrap();
        assert_eq!(
            d.findings(),
            &[Finding::LabelsOutsideDomain {
                loss,
                row,
                label,
                count
            }],
            "{loss}"
        );
    }
    let d = Checkup::new(&model, &xs, &[1.0, -1.0, 1.0, -1.0], Loss::Bce)
        .run()
        .unwrap();
    assert_eq!(
        d.findings()[0].to_string(),
        "The label of sample 1 is -1 (and 1 more), which bce cannot take: bce takes labels 0 and \
         1 (or soft labels between): map -1/1 labels with (y + 1) / 2."
    );
}

#[test]
fn outputs_no_loss_can_take_are_named_by_row() {
    // bce on a tanh output, which goes negative.
    let model = two_layers(vec![Neuron::from_parts(vec![1.0], 0.0, Tanh)]);
    let xs = [[1.0], [-1.0], [-2.0]];
    let d = Checkup::new(&model, &xs, &[1.0, 0.0, 0.0], Loss::Bce)
        .run()
        .unwrap();
    assert_eq!(
        d.findings(),
        &[Finding::OutputsOutsideDomain {
            loss: Loss::Bce,
            row: 1,
            output: (-1f64).tanh(),
            count: 2
        }]
    );
    // A network whose weighted sum overflows: f64::MAX · −2 in layer 0, though a tanh after
    // it would have hidden that in the network's output.
    let model = Mlp::from_layers(vec![
        Layer::from_neurons(vec![Neuron::from_parts(vec![f64::MAX], 0.0, Linear)]).unwrap(),
        Layer::from_neurons(vec![Neuron::from_parts(vec![1.0], 0.0, Tanh)]).unwrap(),
    ])
    .unwrap();
    assert_eq!(model.predict(&[-2.0]).unwrap(), [-1.0]);
    let d = Checkup::new(&model, &xs, &[1.0, 0.0, 0.0], Loss::HalfSquaredError)
        .run()
        .unwrap();
    assert_eq!(
        d.findings(),
        &[Finding::NonFiniteOutput {
            layer: 0,
            row: 2,
            value: f64::NEG_INFINITY
        }]
    );
}

#[test]
fn one_class_and_class_sorted_mini_batches_are_found() {
    // A sigmoid output, whose probabilities bce takes.
    let model = Mlp::from_layers(vec![
        Layer::from_neurons(vec![Neuron::from_parts(vec![0.1], 0.0, Sigmoid)]).unwrap(),
    ])
    .unwrap();
    let xs: Vec<[f64; 1]> = (0..6).map(|i| [f64::from(i) / 6.0]).collect();
    let one = Checkup::new(&model, &xs, &[1.0; 6], Loss::HalfSquaredError)
        .run()
        .unwrap();
    assert_eq!(
        one.findings(),
        &[Finding::OneClass {
            label: 1.0,
            rows: 6
        }]
    );

    let sorted = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
    let mixed = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
    let found = |ys: &[f64], batch: Option<usize>| {
        let checkup = Checkup::new(&model, &xs, ys, Loss::Bce);
        let checkup = match batch {
            Some(b) => checkup.batch_size(b),
            None => checkup,
        };
        checkup.run().unwrap().findings().to_vec()
    };
    assert_eq!(
        found(&sorted, Some(2)),
        [Finding::SortedByClass {
            classes: 2,
            batch_size: 2,
            rows: 6
        }]
    );
    // Not for full batches, a batch holding every sample, or shuffled samples.
    assert!(found(&sorted, None).is_empty());
    assert!(found(&sorted, Some(6)).is_empty());
    assert!(found(&mixed, Some(2)).is_empty());
}

#[test]
fn saturated_and_dead_units_are_counted_per_hidden_layer() {
    // Four tanh units on x = 1.0, 1.1, …, 2.0: weight 10 saturates (|tanh| > 0.99 for
    // x > 0.27), weight 0.1 does not, weight 3 saturates for x > 0.88, so on all of them, and
    // tanh(10x − 15) saturates on 6 of the 11 only (|10x − 15| > 2.65), below the 90% bar.
    let xs: Vec<[f64; 1]> = (0..=10).map(|i| [1.0 + f64::from(i) / 10.0]).collect();
    let ys: Vec<f64> = (0..=10).map(|i| f64::from(i % 2)).collect();
    let tanh = |w: f64, b: f64| Neuron::from_parts(vec![w], b, Tanh);
    let model = two_layers(vec![
        tanh(10.0, 0.0),
        tanh(0.1, 0.0),
        tanh(3.0, 0.0),
        tanh(10.0, -15.0),
    ]);
    let d = Checkup::new(&model, &xs, &ys, Loss::HalfSquaredError)
        .run()
        .unwrap();
    let Finding::SaturatedUnits {
        layer: 0,
        activation: Tanh,
        saturated: 2,
        units: 4,
        samples,
    } = d.findings()[0]
    else {
        panic!("{d}");
    };
    assert_eq!(samples, 1.0);
    // Sigmoid: within 0.01 of 0 or of 1; relu: 0 on every sample (not just most). Each kind
    // of unit is counted among its own kind.
    let model = two_layers(vec![
        Neuron::from_parts(vec![-10.0], 0.0, Sigmoid),
        Neuron::from_parts(vec![10.0], 0.0, Sigmoid),
        Neuron::from_parts(vec![-1.0], 0.0, Relu),
        Neuron::from_parts(vec![-1.0], 1.5, Relu),
        Neuron::from_parts(vec![1.0], 0.0, Relu),
    ]);
    let d = Checkup::new(&model, &xs, &ys, Loss::HalfSquaredError)
        .run()
        .unwrap();
    assert_eq!(
        d.findings()[..2],
        [
            Finding::SaturatedUnits {
                layer: 0,
                activation: Sigmoid,
                saturated: 2,
                units: 2,
                samples: 1.0
            },
            Finding::DeadUnits {
                layer: 0,
                dead: 1,
                units: 3
            }
        ]
    );
}

#[test]
fn uneven_gradients_compare_layer_norms_against_finite_differences() {
    // A saturated first layer passes almost nothing back: vanishing gradients.
    let xs: Vec<[f64; 1]> = (1..=8).map(|i| [f64::from(i)]).collect();
    let ys: Vec<f64> = (1..=8).map(|i| f64::from(i % 2)).collect();
    let model = two_layers(vec![Neuron::from_parts(vec![4.0], 0.0, Tanh)]);
    let d = Checkup::new(&model, &xs, &ys, Loss::HalfSquaredError)
        .run()
        .unwrap();
    let Some(Finding::UnevenGradients { norms }) = d
        .findings()
        .iter()
        .find(|f| matches!(f, Finding::UnevenGradients { .. }))
    else {
        panic!("{d}");
    };
    // Each layer's norm, from the central differences of the same loss.
    let report = check_gradients(
        |p| {
            let losses: Vec<_> = xs
                .iter()
                .zip(&ys)
                .map(|(x, &y)| {
                    Loss::HalfSquaredError.apply(model.forward(p, &[x[0].into()]).unwrap()[0], y)
                })
                .collect();
            tapegrad::loss::mean(&losses).unwrap()
        },
        &model.parameters(),
    );
    let numeric: Vec<f64> = report.inputs.iter().map(|c| c.numeric).collect();
    let layer_norm = |g: &[f64]| g.iter().map(|g| g * g).sum::<f64>().sqrt();
    assert_within(norms[0], layer_norm(&numeric[..2]), 1e-9);
    assert_within(norms[1], layer_norm(&numeric[2..]), 1e-6);
    assert!(norms[1] > 100.0 * norms[0], "{norms:?}");
    assert!(d.to_string().contains("vanishing gradients"), "{d}");
    // A finding built by hand with no norms still prints, instead of indexing an empty list.
    assert_eq!(
        Finding::UnevenGradients { norms: vec![] }.to_string(),
        "The gradient's norm per layer differs between layers (no norms given)."
    );
}

#[test]
fn gradients_the_loop_stepped_with_are_checked_against_finite_differences() {
    // Mean of ½(w·x + b − y)² over (x, y) = (1, 0), (2, 1), at w = 1, b = 0.5: both errors are
    // 1.5, so d/dw = (1.5·1 + 1.5·2) / 2 = 2.25 and d/db = 1.5.
    let model = Mlp::from_layers(vec![
        Layer::from_neurons(vec![Neuron::from_parts(vec![1.0], 0.5, Linear)]).unwrap(),
    ])
    .unwrap();
    let (xs, ys) = ([[1.0], [2.0]], [0.0, 1.0]);
    let run = |g: &[f64]| {
        Checkup::new(&model, &xs, &ys, Loss::HalfSquaredError)
            .gradients(g)
            .run()
            .unwrap()
    };
    let d = run(&[2.25, 1.5]);
    assert!(d.is_empty(), "{d}");
    assert!(run(&[2.25 + 1e-6, 1.5]).is_empty()); // within check_gradients' tolerance
    let d = run(&[2.25, -1.5]);
    let [
        Finding::WrongGradients {
            wrong: 1,
            of: 2,
            name,
            given,
            numeric,
        },
    ] = d.findings()
    else {
        panic!("{d}");
    };
    assert_eq!((name.as_str(), *given), ("layer0.neuron0.b", -1.5));
    assert_within(*numeric, 1.5, 1e-8);
    // The worst of several is named.
    let d = run(&[-2.25, -1.5]);
    let [Finding::WrongGradients { wrong: 2, name, .. }] = d.findings() else {
        panic!("{d}");
    };
    assert_eq!(name, "layer0.neuron0.w0");
}

#[test]
fn a_rise_counts_when_it_lasts_and_reports_the_largest_updates_since_the_best() {
    let model = two_layers(vec![Neuron::from_parts(vec![0.5], 0.0, Tanh)]);
    let diagnose = |h: &History| with_history(&model, &[[0.5], [-0.5]], &[0.5, -0.5], h);
    // Falling, then up by more than 10% for RISE_EPOCHS epochs.
    let mut h = History::new();
    for (loss, ratios) in [
        (1.0, [0.5, 0.5]),
        (0.5, [0.01, 0.02]),
        (0.56, [0.3, 0.001]),
        (0.6, [0.2, 0.004]),
        (0.7, [0.0, 0.0]),
    ] {
        h.push_loss(loss);
        h.push_update_ratios(ratios.to_vec());
    }
    assert_eq!(RISE_EPOCHS, 3);
    assert_eq!(
        diagnose(&h).findings(),
        &[Finding::LossRising {
            best_epoch: 1,
            best: 0.5,
            last_epoch: 4,
            now: 0.7,
            update_ratios: vec![0.3, 0.02],
        }]
    );
    // Risen for only two epochs, or by less than 10%: nothing yet.
    assert!(diagnose(&losses(&[1.0, 0.5, 0.54, 0.6, 0.7])).is_empty());
    assert!(diagnose(&losses(&[1.0, 0.5, 0.52, 0.53, 0.54])).is_empty());
    // A spike that came back down is not a rise.
    assert!(diagnose(&losses(&[1.0, 0.5, 3.0, 4.0, 0.45, 0.4])).is_empty());
    // A loss that diverged to inf or NaN is the steepest rise of all, not nothing.
    for last in [f64::INFINITY, f64::NAN] {
        let d = diagnose(&losses(&[0.5, 0.4, 0.9, 5.0, 100.0, last]));
        let [
            Finding::LossRising {
                best_epoch,
                best,
                last_epoch,
                now,
                ..
            },
        ] = d.findings()
        else {
            panic!("{d}");
        };
        assert_eq!((*best_epoch, *best, *last_epoch), (1, 0.4, 5));
        assert_eq!(now.to_bits(), last.to_bits());
    }
    // A loss falling to -inf is not a rise.
    assert!(
        diagnose(&losses(&[
            0.1,
            1.0,
            2.0,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY
        ]))
        .findings()
        .iter()
        .all(|f| !matches!(f, Finding::LossRising { .. }))
    );
    // A NaN update ratio since the best is shown, not dropped as if nothing had moved.
    let mut h = History::new();
    for (loss, ratio) in [
        (1.0, 0.1),
        (0.5, 0.2),
        (0.6, f64::NAN),
        (0.7, 0.0),
        (0.8, 0.0),
    ] {
        h.push_loss(loss);
        h.push_update_ratios(vec![ratio, 0.01]);
    }
    let d = diagnose(&h);
    let [Finding::LossRising { update_ratios, .. }] = d.findings() else {
        panic!("{d}");
    };
    assert!(
        update_ratios[0].is_nan() && update_ratios[1] == 0.01,
        "{update_ratios:?}"
    );
}

/// Update ratios are one per layer of the model: a history with more or fewer is refused, not
/// shown as ratios of layers the model does not have (or silently short).
#[test]
fn a_history_whose_updates_have_the_wrong_number_of_layers_is_refused() {
    let model = two_layers(vec![Neuron::from_parts(vec![0.5], 0.0, Tanh)]);
    for ratios in [vec![0.1], vec![0.1, 0.2, 0.3]] {
        let mut h = losses(&[1.0, 0.5, 0.6, 0.7, 0.8]);
        h.push_update_ratios(vec![0.1, 0.2]);
        h.push_update_ratios(ratios.clone());
        let err = Checkup::new(&model, &[[0.5]], &[0.5], Loss::HalfSquaredError)
            .history(&h)
            .run()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "invalid argument: Checkup: update 1 of the history has {} update/weight \
                 ratios, but the model has 2 layers; push one ratio per layer",
                ratios.len()
            )
        );
    }
}

#[test]
fn a_plateau_needs_a_flat_loss_well_above_zero_and_right_gradients() {
    let model = two_layers(vec![Neuron::from_parts(vec![0.01], 0.0, Tanh)]);
    // Each input comes with both labels: no model beats the constant answer 0, whose loss is
    // 0.5, and the model's answers of about ±0.01 cost a little more.
    let (xs, ys) = ([[1.0], [-1.0], [1.0], [-1.0]], [1.0, -1.0, -1.0, 1.0]);
    let flat = losses(&[0.5; 2 * PLATEAU_EPOCHS]);
    let d = with_history(&model, &xs, &ys, &flat);
    let [
        Finding::Plateau {
            since,
            mean_loss,
            constant,
            stuck_units: false,
            ..
        },
    ] = d.findings()
    else {
        panic!("{d}");
    };
    assert_eq!(*since, PLATEAU_EPOCHS);
    assert_within(*constant, 0.5, 1e-15);
    assert!(*mean_loss > 0.5 && *mean_loss < 0.5001, "{mean_loss}");
    // The same flat loss where a few gradient steps fit the data is slow progress, not a
    // floor: the model answers about 0 for both points, and the checkup's own steps go on.
    let (xs, ys) = ([[1.0], [-1.0]], [1.0, -1.0]);
    let diagnose = |h: &History| with_history(&model, &xs, &ys, h);
    let d = diagnose(&flat);
    let [
        Finding::SlowProgress {
            mean_loss,
            probe_loss,
            ..
        },
    ] = d.findings()
    else {
        panic!("{d}");
    };
    assert!(*mean_loss > 0.49 && *mean_loss < 0.5, "{mean_loss}");
    assert!(*probe_loss < 0.9 * mean_loss, "{probe_loss}");
    // Still falling by more than 1% over the second half, or too short to judge: nothing.
    let falling: Vec<f64> = (0..20).map(|i| 0.6 - 0.002 * f64::from(i)).collect();
    assert!(diagnose(&losses(&falling)).is_empty());
    assert!(diagnose(&losses(&[0.5; PLATEAU_EPOCHS - 1])).is_empty());
    // A model that fits the data is not stuck, however flat its loss.
    let fitted = two_layers(vec![Neuron::from_parts(vec![1.0], 0.0, Linear)]);
    let d = with_history(&fitted, &xs, &ys, &flat);
    assert!(d.is_empty(), "{d}");
}

#[test]
fn update_ratios_are_measured_per_layer() {
    let mut model = two_layers(vec![Neuron::from_parts(vec![3.0], 4.0, Tanh)]);
    let before = model.parameters(); // [3, 4] then [1, 0]
    model.set_parameters(&[3.0, 4.5, 1.0, 0.0]).unwrap();
    let mut h = History::new();
    h.push_update(&model, &before);
    assert_eq!(h.update_ratios(), &[vec![0.1, 0.0]]);
    assert_eq!(update_ratio(&[3.0, 4.0], &[3.0, 4.5]), 0.1);
}

#[test]
fn bad_arguments_are_errors() {
    let model = two_layers(vec![Neuron::from_parts(vec![1.0], 0.0, Tanh)]);
    let no: [[f64; 1]; 0] = [];
    let err = |r: Result<Diagnosis, Error>| r.unwrap_err().to_string();
    assert_eq!(
        err(Checkup::new(&model, &no, &[], Loss::HalfSquaredError).run()),
        "invalid argument: Checkup: no samples to look at"
    );
    assert_eq!(
        err(
            Checkup::new(&model, &[[1.0]], &[1.0], Loss::HalfSquaredError)
                .batch_size(0)
                .run()
        ),
        "invalid argument: Checkup: a batch size of 0; give at least 1"
    );
    assert_eq!(
        err(Checkup::new(&model, &[[1.0, 2.0]], &[1.0], Loss::HalfSquaredError).run()),
        "expected 1 inputs, got 2"
    );
    assert_eq!(
        err(
            Checkup::new(&model, &[[1.0]], &[1.0], Loss::HalfSquaredError)
                .gradients(&[1.0])
                .run()
        ),
        "invalid argument: Checkup: 1 gradients for 4 parameters"
    );
    // The checkup records its own tapes: a loop's tape is untouched.
    let tape = Tape::new();
    let _net = model.record(&tape);
    Checkup::new(&model, &[[1.0]], &[1.0], Loss::HalfSquaredError)
        .run()
        .unwrap();
    assert_eq!(tape.len(), 4);
}
