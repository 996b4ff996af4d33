//! The hand_vs_auto example's own claims, run through its own code: the engine's gradients pass
//! the gradient check; the hand gradients with all four bugs differ from them; each fix, in the
//! example's order, shrinks the worst gradient error; the fully fixed hand code matches the
//! engine to 1e-10 (at the start and anywhere else); trained side by side, the buggy hand
//! code's loss climbs to 18 while the engine's falls; and `tapegrad::diagnose` finds the hand
//! run's gradients wrong and its loss rising. `cargo test` runs them (`test = true` in
//! Cargo.toml).

use super::*;
use tapegrad::datasets::six_points;
use tapegrad::diagnose::Finding;

#[path = "../../tests/common/numeric.rs"]
mod numeric;

use numeric::{assert_within, within};

#[test]
fn the_engines_gradients_pass_the_gradient_check() {
    let points = six_points();
    let model = initial_network();
    let (loss, engine) = engine_gradients(&model, &points);
    assert!(within(loss, 1.4893, 5e-5), "loss {loss}");
    let report = check_gradients(|p| sse_on_tape(&model, p, &points), &model.parameters());
    assert!(report.passed(), "{report}");
    assert!(report.worst_abs_error() < 1e-8);
    for (c, e) in report.inputs.iter().zip(&engine) {
        assert_eq!(c.analytic, *e);
    }
}

#[test]
fn the_hand_network_starts_where_the_engine_does() {
    let points = six_points();
    let model = initial_network();
    for per_sample in [true, false] {
        let net = HandNet::from_mlp(&model, per_sample, points.len());
        let (_, preds) = net.forward(&points);
        for (p, pt) in preds.iter().zip(&points) {
            let engine = model.predict(&pt.inputs()).unwrap()[0];
            assert!(within(*p, engine, 1e-15), "{p} vs {engine}");
        }
        assert!(within(net.sse(&points), 1.4893, 5e-5));
    }
}

#[test]
fn every_buggy_hand_gradient_is_wrong() {
    let points = six_points();
    let model = initial_network();
    let (_, engine) = engine_gradients(&model, &points);
    let hand = HandNet::from_mlp(&model, true, points.len()).gradients(&points, Bugs::ALL);
    let per_param = hand_per_parameter(&hand);
    assert_eq!(per_param.len(), 13);
    for (k, (e, hs)) in engine.iter().zip(&per_param).enumerate() {
        assert!(
            hs.iter().any(|&h| !agrees(*e, h)),
            "parameter {k}: {e} vs {hs:?}"
        );
    }
    // Biases come in six per-sample copies; weights one each.
    let copies: Vec<usize> = per_param.iter().map(Vec::len).collect();
    assert_eq!(copies, [1, 1, 6, 1, 1, 6, 1, 1, 6, 1, 1, 1, 6]);
    // The worst: layer0.neuron1.w1, engine 0.6966, hand -5.0873.
    assert!(within(engine[4], 0.6966, 5e-5));
    assert!(within(per_param[4][0], -5.0873, 5e-5));
    assert!(within(worst_error(&engine, &hand), 5.7839, 5e-5));
}

#[test]
fn each_fix_shrinks_the_gradient_error_and_all_four_remove_it() {
    let points = six_points();
    let model = initial_network();
    let (_, engine) = engine_gradients(&model, &points);
    let error = |bugs: Bugs| {
        let net = HandNet::from_mlp(&model, bugs.bias_per_sample, points.len());
        worst_error(&engine, &net.gradients(&points, bugs))
    };
    let mut errors = vec![error(Bugs::ALL)];
    errors.extend(fixes().iter().map(|(_, bugs)| error(*bugs)));
    for (got, want) in errors.iter().zip([5.7839, 1.5680, 1.3688, 0.4590]) {
        assert!(within(*got, want, 5e-5), "{errors:?}");
    }
    for pair in errors.windows(2) {
        assert!(pair[1] < pair[0], "a fix made the error bigger: {errors:?}");
    }
    assert!(errors[4] <= 1e-12, "{errors:?}");
    // The order fixes one bug at a time and ends with none.
    let fixed: Vec<Bugs> = fixes().iter().map(|(_, b)| *b).collect();
    assert_eq!(fixed.last(), Some(&Bugs::NONE));
    let count = |b: &Bugs| [b.sign, b.early_sum, b.bias_per_sample, b.pairwise_error];
    for (k, b) in fixed.iter().enumerate() {
        assert_eq!(count(b).iter().filter(|x| **x).count(), 3 - k);
    }
}

#[test]
fn the_fixed_hand_code_matches_the_engine_anywhere() {
    // Not only at the example's start: at other seeds and with nonzero biases too.
    let points = six_points();
    for seed in 0..8 {
        let mut rng = StdRng::seed_from_u64(seed);
        let model = Mlp::new(
            2,
            &[3, 1],
            Activation::Sigmoid,
            Activation::Sigmoid,
            Init::Playground,
            &mut rng,
        )
        .unwrap();
        let (_, engine) = engine_gradients(&model, &points);
        let hand = HandNet::from_mlp(&model, false, points.len()).gradients(&points, Bugs::NONE);
        let err = worst_error(&engine, &hand);
        assert!(err <= 1e-10, "seed {seed}: {err}");
    }
}

#[test]
fn the_buggy_loss_climbs_to_18_while_the_engines_falls() {
    let points = six_points();
    let model = initial_network();
    let (engine, _) = train_engine(model.clone(), &points).unwrap();
    let hand = train_hand(&model, &points, Bugs::ALL);
    assert_eq!((engine.len(), hand.printed.len()), (STEPS + 1, STEPS + 1));

    // The hand code's printed loss (the 6×6 sum): 9.27 → 18.00, rising from the first step.
    assert!(within(hand.printed[0], 9.2718, 5e-5));
    assert!(within(hand.printed[STEPS], 17.9968, 5e-5));
    assert!(hand.printed[1] > hand.printed[0]);
    // Its true sum of squares climbs too, to 3: every prediction pinned at 1.
    assert!(within(hand.sse[0], 1.4893, 5e-5));
    assert!(within(hand.sse[STEPS], 2.9995, 5e-5));
    let (_, preds) = hand.net.forward(&points);
    assert!(preds.iter().all(|&p| p > 0.999), "{preds:?}");

    // The engine's falls at every step: 1.49 → 0.11.
    assert!(within(engine[0], 1.4893, 5e-5));
    assert!(within(engine[STEPS], 0.1093, 5e-5));
    assert!(engine.windows(2).all(|w| w[1] < w[0]), "{engine:?}");
}

#[test]
fn the_fixed_hand_code_trains_exactly_like_the_engine() {
    let points = six_points();
    let model = initial_network();
    let (engine, _) = train_engine(model.clone(), &points).unwrap();
    let hand = train_hand(&model, &points, Bugs::NONE);
    for (step, (e, h)) in engine.iter().zip(&hand.sse).enumerate() {
        assert!(within(*e, *h, 1e-10), "step {step}: {e} vs {h}");
    }
    assert_eq!(hand.printed, hand.sse); // no 6×6 loss once (d) is fixed
}

#[test]
fn the_fixes_change_the_trained_loss_as_printed() {
    // The example's fix table: the loss after 40 steps for each stage.
    let points = six_points();
    let model = initial_network();
    let losses: Vec<f64> = fixes()
        .iter()
        .map(|(_, bugs)| train_hand(&model, &points, *bugs).sse[STEPS])
        .collect();
    for (got, want) in losses.iter().zip([2.9935, 0.1151, 0.0718, 0.1093]) {
        assert!(within(*got, want, 5e-5), "{losses:?}");
    }
    // With the sign fixed the loss falls, even with the other bugs left in.
    assert!(losses[1] < 1.4893);
    // Per-sample biases (bug (c)) fit the six points better than the engine does: they
    // memorise them.
    assert!(losses[2] < losses[3]);
}

// ---------------------------------------------------------------------------------------------
// What tapegrad::diagnose says about the hand run
// ---------------------------------------------------------------------------------------------

#[test]
fn the_hand_derived_six_points_gradients_are_found_wrong_and_the_loss_rising() {
    let start = initial_network();
    let points = datasets::six_points();
    let diagnosis = diagnose_hand(&start, &points).unwrap();
    let findings = diagnosis.findings();
    assert_eq!(findings.len(), 2, "{diagnosis}");
    let Finding::WrongGradients {
        wrong,
        of,
        name,
        given,
        numeric,
    } = &findings[0]
    else {
        panic!("{diagnosis}");
    };
    // All 13 wrong, the worst as the example's table shows it.
    assert_eq!((*wrong, *of), (13, 13));
    let names: Vec<String> = start
        .named_parameters()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let k = names.iter().position(|n| n == name).unwrap();
    let (_, engine) = engine_gradients(&start, &points);
    assert_within(*numeric, engine[k], 1e-6);
    let hand = HandGradients::at_start(&start, &points);
    assert_eq!(*given, hand[k]);
    let worst = (0..13)
        .max_by(|&a, &b| {
            (hand[a] - engine[a])
                .abs()
                .total_cmp(&(hand[b] - engine[b]).abs())
        })
        .unwrap();
    assert_eq!(k, worst);
    // The printed loss went from 9.27 up to 18.00, with updates the size of the weights.
    let Finding::LossRising {
        best_epoch,
        best,
        now,
        update_ratios,
        ..
    } = &findings[1]
    else {
        panic!("{diagnosis}");
    };
    let run = train_hand(&start, &points, Bugs::ALL);
    assert_eq!(
        (*best_epoch, *best, *now),
        (0, run.printed[0], run.printed[STEPS])
    );
    assert_within(*best, 9.2718, 5e-5);
    assert_within(*now, 17.9968, 5e-5);
    assert_eq!(update_ratios.len(), 2);
    assert!(update_ratios.iter().all(|&r| r > 1.0), "{update_ratios:?}");
}

/// The hand code's first gradients in parameter order, as `diagnose_hand` passes them.
struct HandGradients;

impl HandGradients {
    fn at_start(start: &Mlp, points: &[datasets::Point]) -> Vec<f64> {
        let net = HandNet::from_mlp(start, true, points.len());
        let g = net.gradients(points, Bugs::ALL);
        hand_as_parameters(&g)
    }
}
