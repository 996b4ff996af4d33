//! The reports behind the examples, as seeded runs that must reach their targets.
//!
//! The tests run the examples' own functions (the example files are included as modules), so
//! the numbers an example prints are the numbers checked here.

// Both examples bring their own copy of `examples/common/no_args.rs`, which only their
// `main` uses.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../examples/odd_even.rs"]
mod odd_even;

#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../examples/six_points.rs"]
mod six_points;

use odd_even::{BITS, LEARNING_RATES, numbers, score};
use tapegrad::datasets::odd_even_bits;
use tapegrad::nn::{Forward, Module};

/// The best mean cross-entropy of sigmoid(a·x + b) on 1..10, by Newton's method in plain f64
/// (an independent check of the example's fitted value).
const BEST_SIGMOID_LOSS: f64 = 0.677_857_129_893;

// ---------------------------------------------------------------------------------------------
// Odd/even, act 1: the reported 1 → 1 → 1 network
// ---------------------------------------------------------------------------------------------

#[test]
fn act1_gradients_are_right() {
    let start = odd_even::tiny_net().unwrap();
    let report = odd_even::tiny_gradient_check(&start);
    assert!(report.passed(), "{report}");
    assert_eq!(report.inputs.len(), 4);
    // The relu unit starts alive, so every parameter has a nonzero gradient to check.
    assert!(report.inputs.iter().all(|c| c.analytic != 0.0), "{report}");
}

#[test]
fn act1_cannot_fit_at_any_learning_rate() {
    let start = odd_even::tiny_net().unwrap();
    let data = numbers(1..=10, 1.0);
    for lr in LEARNING_RATES {
        let (model, history) = odd_even::train_tiny(&start, lr).unwrap();
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
        assert_eq!(odd_even::relu_is_dead(&model), lr == 1.2, "lr {lr}");
    }
}

#[test]
fn act1_stalls_where_the_story_says() {
    let start = odd_even::tiny_net().unwrap();
    // lr 0.03 to 0.3 end at the best sigmoid(a·x + b)…
    for lr in [0.03, 0.1, 0.3] {
        let (_, history) = odd_even::train_tiny(&start, lr).unwrap();
        let last = history.losses()[odd_even::ACT1_EPOCHS];
        assert!((last - BEST_SIGMOID_LOSS).abs() < 1e-3, "lr {lr}: {last}");
    }
    // …and lr 1.2 kills the relu unit: a constant 0.5, loss ln 2.
    let (model, history) = odd_even::train_tiny(&start, 1.2).unwrap();
    let last = history.losses()[odd_even::ACT1_EPOCHS];
    assert!((last - std::f64::consts::LN_2).abs() < 1e-6, "{last}");
    assert!(odd_even::relu_is_dead(&model));
}

#[test]
fn act1_bounds_are_right() {
    let fitted = odd_even::best_sigmoid_loss().unwrap();
    assert!((fitted - BEST_SIGMOID_LOSS).abs() < 1e-6, "{fitted}");
    let monotone = odd_even::best_monotone_loss();
    assert!((monotone - 0.554_517_744).abs() < 1e-9, "{monotone}");
    assert!(monotone < fitted && fitted < std::f64::consts::LN_2);
    // The network's own best turns its relu off up to 9: p = 5/9 there, p ≈ 0 at 10, so
    // the loss is 0.9 · H(5/9), between the two bounds and still 6 of 10 right.
    let best = odd_even::relu_off_below_ten().unwrap();
    let loss = odd_even::mean_bce(&best).unwrap();
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
    let (model, history) = odd_even::train_wide().unwrap();
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
    let start = odd_even::bits_net().unwrap();
    let (model, history) = odd_even::train_bits(&start).unwrap();
    assert!(history[history.len() - 1] < 0.05, "{:?}", history.last());
    let train = odd_even_bits(1..=10, BITS).unwrap();
    let test = odd_even_bits(11..=255, BITS).unwrap();
    assert_eq!(score(&model, &train, 0.0).unwrap(), (10, 10));
    assert_eq!(score(&model, &test, 0.0).unwrap(), (245, 245));
    // Bits 4-7 are never 1 in training: their weights never moved.
    assert_eq!(start.parameters()[4..8], model.parameters()[4..8]);
    // And the margin argument holds for every 8-bit number.
    let (lowest_odd, highest_even) = odd_even::score_bounds(&model.parameters());
    assert!(lowest_odd > 0.0 && highest_even < 0.0);
}

// ---------------------------------------------------------------------------------------------
// Six points
// ---------------------------------------------------------------------------------------------

#[test]
fn six_points_gradients_are_right() {
    let report = six_points::six_gradient_check(&six_points::six_net().unwrap());
    assert!(report.passed(), "{report}");
}

#[test]
fn six_points_loss_falls_at_every_step_and_1_5_is_class_0() {
    let start = six_points::six_net().unwrap();
    let (model, history) = six_points::train_six(&start).unwrap();
    let history = history.losses();
    assert!(
        history[0] < 6.0,
        "six squared errors below 1 each: {}",
        history[0]
    );
    for (step, w) in history.windows(2).enumerate() {
        assert!(w[1] < w[0], "loss rose at step {step}: {} → {}", w[0], w[1]);
    }
    assert!(history[history.len() - 1] < 0.01, "{:?}", history.last());
    for p in tapegrad::datasets::six_points() {
        let prob = model.predict(&p.inputs()).unwrap()[0];
        assert_eq!(prob > 0.5, p.label == 1.0, "{p:?}: {prob}");
    }
    let prob = model.predict(&six_points::NEW_POINT).unwrap()[0];
    assert!(prob < 0.5, "(1, 5): p(class 1) = {prob}");
}
