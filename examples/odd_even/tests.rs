//! The odd_even example's own claims, run through its own code: act 1's network has the right
//! gradients yet cannot fit at any learning rate, stalls where the story says, and the bounds
//! it prints are right; act 2 memorises 1..10 without generalising; act 3's binary inputs
//! classify every byte. And what `tapegrad::diagnose` says of act 1's runs: at lr 1.2 a dead
//! relu and a loss stuck at ln 2, at the smaller rates a loss stuck where the network cannot do
//! better. `cargo test` runs them (`test = true` in Cargo.toml).

use std::f64::consts::LN_2;

use super::*;
use tapegrad::diagnose::Finding;

#[path = "../../tests/common/numeric.rs"]
mod numeric;

use numeric::assert_within;

/// The best mean cross-entropy of sigmoid(a·x + b) on 1..10, by Newton's method in plain f64
/// (an independent check of the example's fitted value).
const BEST_SIGMOID_LOSS: f64 = 0.677_857_129_893;

// ---------------------------------------------------------------------------------------------
// Odd/even, act 1: the reported 1 → 1 → 1 network
// ---------------------------------------------------------------------------------------------

#[test]
fn act1_gradients_are_right() {
    let start = tiny_net().unwrap();
    let report = tiny_gradient_check(&start);
    assert!(report.passed(), "{report}");
    assert_eq!(report.inputs.len(), 4);
    // The relu unit starts alive, so every parameter has a nonzero gradient to check.
    assert!(report.inputs.iter().all(|c| c.analytic != 0.0), "{report}");
}

#[test]
fn act1_cannot_fit_at_any_learning_rate() {
    let start = tiny_net().unwrap();
    let data = numbers(1..=10, 1.0);
    for lr in LEARNING_RATES {
        let (model, history) = train_tiny(&start, lr).unwrap();
        let lowest = history
            .losses()
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        assert!(lowest >= 0.67, "lr {lr}: loss reached {lowest}");
        // Never below the best sigmoid(a·x + b) (up to float noise).
        assert!(lowest > BEST_SIGMOID_LOSS - 1e-9, "lr {lr}: {lowest}");
        let (right, _) = score(&model, &data, 0.5).unwrap();
        assert!(right <= 6, "lr {lr}: {right}/10 right");
        // The trained network is monotone in x.
        let p: Vec<f64> = data
            .iter()
            .map(|(x, _)| model.predict(x).unwrap()[0])
            .collect();
        let rising = p.windows(2).all(|w| w[1] >= w[0]);
        let falling = p.windows(2).all(|w| w[1] <= w[0]);
        assert!(rising || falling, "lr {lr}: {p:?}");
        assert_eq!(relu_is_dead(&model), lr == 1.2, "lr {lr}");
    }
}

#[test]
fn act1_stalls_where_the_story_says() {
    let start = tiny_net().unwrap();
    // lr 0.03 to 0.3 end at the best sigmoid(a·x + b)…
    for lr in [0.03, 0.1, 0.3] {
        let (_, history) = train_tiny(&start, lr).unwrap();
        let last = history.losses()[ACT1_EPOCHS];
        assert!((last - BEST_SIGMOID_LOSS).abs() < 1e-3, "lr {lr}: {last}");
    }
    // …and lr 1.2 kills the relu unit: a constant 0.5, loss ln 2.
    let (model, history) = train_tiny(&start, 1.2).unwrap();
    let last = history.losses()[ACT1_EPOCHS];
    assert!((last - std::f64::consts::LN_2).abs() < 1e-6, "{last}");
    assert!(relu_is_dead(&model));
}

#[test]
fn act1_bounds_are_right() {
    let fitted = best_sigmoid_loss().unwrap();
    assert!((fitted - BEST_SIGMOID_LOSS).abs() < 1e-6, "{fitted}");
    let monotone = best_monotone_loss();
    assert!((monotone - 0.554_517_744).abs() < 1e-9, "{monotone}");
    assert!(monotone < fitted && fitted < std::f64::consts::LN_2);
    // The network's own best turns its relu off up to 9: p = 5/9 there, p ≈ 0 at 10, so
    // the loss is 0.9 · H(5/9), between the two bounds and still 6 of 10 right.
    let best = relu_off_below_ten().unwrap();
    let loss = mean_bce(&best).unwrap();
    let h = -(5.0 / 9.0 * (5.0f64 / 9.0).ln() + 4.0 / 9.0 * (4.0f64 / 9.0).ln());
    assert!((loss - 0.9 * h).abs() < 1e-12, "{loss}");
    assert!((loss - 0.618_265).abs() < 1e-6, "{loss}");
    assert!(monotone < loss && loss < fitted);
    assert_eq!(score(&best, &numbers(1..=10, 1.0), 0.5).unwrap(), (6, 10));
}

// ---------------------------------------------------------------------------------------------
// Odd/even, acts 2 and 3
// ---------------------------------------------------------------------------------------------

#[test]
fn act2_memorises_1_to_10_but_does_not_generalise() {
    let (model, history) = train_wide().unwrap();
    assert_eq!(
        score(&model, &numbers(1..=10, 10.0), 0.0).unwrap(),
        (10, 10)
    );
    assert!(history[history.len() - 1] < 0.05, "{:?}", history.last());
    // Chance level on 11..20: it calls them all the same.
    assert_eq!(
        score(&model, &numbers(11..=20, 10.0), 0.0).unwrap(),
        (5, 10)
    );
}

#[test]
fn act3_binary_inputs_generalise_to_every_byte() {
    let start = bits_net().unwrap();
    let (model, history) = train_bits(&start).unwrap();
    assert!(history[history.len() - 1] < 0.05, "{:?}", history.last());
    let train = odd_even_bits(1..=10, BITS).unwrap();
    let test = odd_even_bits(11..=255, BITS).unwrap();
    assert_eq!(score(&model, &train, 0.0).unwrap(), (10, 10));
    assert_eq!(score(&model, &test, 0.0).unwrap(), (245, 245));
    // Bits 4-7 are never 1 in training: their weights never moved.
    assert_eq!(start.parameters()[4..8], model.parameters()[4..8]);
    // And the margin argument holds for every 8-bit number.
    let (lowest_odd, highest_even) = score_bounds(&model.parameters());
    assert!(lowest_odd > 0.0 && highest_even < 0.0);
}

// ---------------------------------------------------------------------------------------------
// What tapegrad::diagnose says about act 1
// ---------------------------------------------------------------------------------------------

#[test]
fn odd_even_at_lr_1_2_has_a_dead_relu_and_a_loss_stuck_at_ln_2() {
    let start = tiny_net().unwrap();
    let data = numbers(1..=10, 1.0);
    let (model, history) = train_tiny(&start, 1.2).unwrap();
    let diagnosis = diagnosis(&model, &data, Loss::Bce, &history).unwrap();
    let findings = diagnosis.findings();
    assert_eq!(findings.len(), 2, "{diagnosis}");
    assert_eq!(
        findings[0],
        Finding::DeadUnits {
            layer: 0,
            dead: 1,
            units: 1
        }
    );
    let Finding::Plateau {
        since,
        last_epoch,
        loss,
        mean_loss,
        constant,
        gradient_norm,
        checked,
        stuck_units,
    } = findings[1]
    else {
        panic!("{diagnosis}");
    };
    // The second half of the 5001 losses (before each epoch and after the last).
    assert_eq!((since, last_epoch), (2501, 5000));
    // A constant 0.5 for every x: ln 2, exactly what one constant answer costs.
    assert_within(loss, LN_2, 1e-9);
    assert_within(mean_loss, LN_2, 1e-9);
    assert_within(constant, LN_2, 1e-15);
    assert_eq!((gradient_norm, checked, stuck_units), (0.0, 4, true));
    assert!(relu_is_dead(&model));
}

#[test]
fn odd_even_at_smaller_learning_rates_is_stuck_where_the_network_cannot_do_better() {
    let start = tiny_net().unwrap();
    let data = numbers(1..=10, 1.0);
    for lr in [0.003, 0.03, 0.1, 0.3] {
        let (model, history) = train_tiny(&start, lr).unwrap();
        let diagnosis = diagnosis(&model, &data, Loss::Bce, &history).unwrap();
        let [
            Finding::Plateau {
                mean_loss,
                constant,
                checked: 4,
                stuck_units: false,
                ..
            },
        ] = diagnosis.findings()
        else {
            panic!("lr {lr}: {diagnosis}");
        };
        // Above the best any sigmoid(a·x + b) can do, and barely below ln 2.
        assert!((0.6778..0.6810).contains(mean_loss), "lr {lr}: {mean_loss}");
        assert_within(*constant, LN_2, 1e-15);
        let text = diagnosis.findings()[0].to_string();
        assert!(
            text.contains("may not be able to represent this data"),
            "{text}"
        );
    }
}
