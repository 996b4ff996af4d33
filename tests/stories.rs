//! The reports behind the examples, as seeded runs that must reach their targets.
//!
//! The tests run the examples' own functions (the example files are included as modules), so
//! the numbers an example prints are the numbers checked here.

// Both examples bring their own copy of `examples/common/no_args.rs`, which only their
// `main` uses.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../examples/six_points.rs"]
mod six_points;

use tapegrad::nn::Forward;

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
