//! The six_points example's own claims, run through its own code: the tape's gradients pass the
//! gradient check, the loss falls at every step, every point ends on its side and (1, 5) is
//! class 0; and `tapegrad::diagnose` finds nothing wrong with the run. `cargo test` runs them
//! (`test = true` in Cargo.toml).

use super::*;

#[test]
fn six_points_gradients_are_right() {
    let report = six_gradient_check(&six_net().unwrap());
    assert!(report.passed(), "{report}");
}

#[test]
fn six_points_loss_falls_at_every_step_and_1_5_is_class_0() {
    let start = six_net().unwrap();
    let (model, history) = train_six(&start).unwrap();
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
    for p in six_points() {
        let prob = model.predict(&p.inputs()).unwrap()[0];
        assert_eq!(prob > 0.5, p.label == 1.0, "{p:?}: {prob}");
    }
    let prob = model.predict(&NEW_POINT).unwrap()[0];
    assert!(prob < 0.5, "(1, 5): p(class 1) = {prob}");
}

#[test]
fn the_six_points_run_on_the_tape_is_told_nothing() {
    let (model, history) = train_six(&six_net().unwrap()).unwrap();
    let diagnosis = six_diagnosis(&model, &history).unwrap();
    assert!(diagnosis.is_empty(), "{diagnosis}");
}
