//! Optimizers and schedules: exact update arithmetic, validation before any change, state
//! handling, and learning-rate schedules.

use rand::{SeedableRng, rngs::StdRng};
use tapegrad::Error;
use tapegrad::nn::{Activation, Init, Mlp, Module, Neuron};
use tapegrad::optim::{
    Adam, Constant, LinearDecay, Optimizer, Schedule, Sgd, check_loss, validate_gradients,
};

#[path = "common/numeric.rs"]
mod numeric;
#[path = "common/panics.rs"]
mod panics;
use numeric::bits;
use panics::panic_message;

fn neuron(params: &[f64]) -> Neuron {
    let (w, b) = params.split_at(params.len() - 1);
    Neuron::from_parts(w.to_vec(), b[0], Activation::Linear)
}

// ---------------------------------------------------------------------------------------------
// SGD
// ---------------------------------------------------------------------------------------------

#[test]
fn one_sgd_step_matches_hand_math_exactly() {
    let p0 = [0.5, -1.25, 2.0, 0.1];
    let g = [0.25, -0.5, 4.0, 1e-3];
    let lr = 0.1;
    let mut n = neuron(&p0);
    let mut opt = Sgd::new(lr);
    opt.step(&mut n, &g).unwrap();
    let expected: Vec<f64> = p0.iter().zip(g).map(|(p, g)| p - lr * g).collect();
    assert_eq!(bits(&n.parameters()), bits(&expected));
    assert_eq!(n.parameters()[..3], [0.475, -1.2, 1.6]);
    assert_eq!(opt.step_count(), 1);
}

#[test]
fn sgd_momentum_accumulates_velocity() {
    let (lr, mu) = (0.1, 0.9);
    let mut n = neuron(&[1.0, 0.0]);
    let mut opt = Sgd::new(lr).with_momentum(mu);
    let grads = [[1.0, -2.0], [0.5, 0.0], [-1.0, 1.0]];
    let (mut p, mut v) = ([1.0f64, 0.0], [0.0f64, 0.0]);
    for g in grads {
        opt.step(&mut n, &g).unwrap();
        for i in 0..2 {
            v[i] = mu * v[i] + g[i];
            p[i] -= lr * v[i];
        }
        assert_eq!(bits(&n.parameters()), bits(&p));
    }
    // By hand: v = 1, 1.4, 0.26 for w; w = 1 - 0.1 - 0.14 - 0.026.
    assert!((n.weights()[0] - 0.734).abs() < 1e-15);
    // Without momentum the same gradients give plain SGD.
    let mut plain = neuron(&[1.0, 0.0]);
    let mut sgd = Sgd::new(lr);
    for g in grads {
        sgd.step(&mut plain, &g).unwrap();
    }
    assert!((plain.weights()[0] - 0.95).abs() < 1e-15);
}

#[test]
fn sgd_learning_rate_can_change() {
    let mut n = neuron(&[1.0, 1.0]);
    let mut opt = Sgd::new(1.0);
    opt.set_learning_rate(0.25);
    assert_eq!(opt.learning_rate(), 0.25);
    opt.step(&mut n, &[2.0, -4.0]).unwrap();
    assert_eq!(n.parameters(), vec![0.5, 2.0]);
}

#[test]
#[should_panic(
    expected = "Sgd::set_learning_rate: the learning rate must be a finite number ≥ 0, got NaN"
)]
fn sgd_rejects_a_nan_learning_rate() {
    Sgd::new(0.1).set_learning_rate(f64::NAN);
}

#[test]
#[should_panic(expected = "momentum must be in [0, 1), got 1")]
fn sgd_rejects_momentum_of_one() {
    let _ = Sgd::new(0.1).with_momentum(1.0);
}

// ---------------------------------------------------------------------------------------------
// Adam
// ---------------------------------------------------------------------------------------------

#[test]
fn adams_first_step_moves_each_parameter_by_about_lr() {
    let lr = 0.01;
    let p0 = [0.5, -0.3, 2.0, 1.0, 0.0];
    let g = [1e-3, -5.0, 100.0, -1e-6, 0.0];
    let mut n = neuron(&p0);
    let mut opt = Adam::new(lr);
    opt.step(&mut n, &g).unwrap();
    let p = n.parameters();
    for i in 0..4 {
        let moved = p[i] - p0[i];
        let want = -lr * g[i].signum();
        // |g|/(|g| + 1e-8): 1e-5 relative for |g| = 1e-3, 1% for |g| = 1e-6.
        let tol = lr * 1e-8 / (g[i].abs() + 1e-8) + 1e-15;
        assert!(
            (moved - want).abs() <= tol,
            "param {i}: moved {moved}, want {want}"
        );
    }
    assert_eq!(p[4], 0.0, "zero gradient, no move");
    // Exactly the formula: m̂ = g, v̂ = g² after one step.
    for i in 0..5 {
        let want = p0[i] - lr * g[i] / (g[i].abs() + 1e-8);
        assert!(
            (p[i] - want).abs() <= 1e-16 * (1.0 + want.abs()),
            "param {i}"
        );
    }
}

#[test]
fn adam_refuses_a_gradient_whose_corrected_second_moment_overflows() {
    // At step 1, v = 0.001·g² stays finite up to |g| ≈ 4e155, but the corrected
    // v / (1 - 0.999) = g² overflows above |g| ≈ 1.3e154: the step would be exactly 0, and
    // the parameter would stay frozen.
    let mut n = neuron(&[0.5, 0.0]);
    let mut opt = Adam::new(0.1);
    let err = opt.step(&mut n, &[1e155, 0.0]).unwrap_err();
    assert!(
        err.to_string()
            .contains("the update would make w0's second moment inf"),
        "{err}"
    );
    assert_eq!((n.parameters(), opt.step_count()), (vec![0.5, 0.0], 0));
    // Just below the line the step is taken, and moves w0 by lr.
    opt.step(&mut n, &[1e154, 0.0]).unwrap();
    assert_eq!(n.parameters(), vec![0.4, 0.0]);
}

#[test]
fn adams_second_step_matches_the_formula() {
    let (lr, b1, b2, eps) = (0.05, 0.8, 0.99, 1e-6);
    let mut n = neuron(&[1.0]);
    let mut opt = Adam::new(lr).with_betas(b1, b2).with_eps(eps);
    let gs = [2.0, -0.5];
    let (mut p, mut m, mut v) = (1.0f64, 0.0f64, 0.0f64);
    for (t, g) in gs.into_iter().enumerate() {
        opt.step(&mut n, &[g]).unwrap();
        let t = t as i32 + 1;
        m = b1 * m + (1.0 - b1) * g;
        v = b2 * v + (1.0 - b2) * g * g;
        let mhat = m / (1.0 - b1.powi(t));
        let vhat = v / (1.0 - b2.powi(t));
        p -= lr * mhat / (vhat.sqrt() + eps);
        assert!(
            (n.bias() - p).abs() < 1e-15,
            "step {t}: {} vs {p}",
            n.bias()
        );
    }
    assert_eq!(opt.step_count(), 2);
}

#[test]
fn adam_refuses_an_eps_under_which_an_underflowing_gradient_would_leap() {
    for eps in [0.0, 1e-300, 1e-101, f64::NAN, f64::INFINITY] {
        assert_eq!(
            panic_message(|| {
                let _ = Adam::new(0.1).with_eps(eps);
            }),
            format!("Adam::with_eps: eps must be a finite number ≥ 1e-100, got {eps}")
        );
    }
    // At the smallest eps allowed, a gradient whose square underflows moves the parameter by
    // lr·g/eps = 0.1·1e-162/1e-100, not by 1e137 as eps = 1e-300 would.
    let mut n = neuron(&[0.0, 0.0]);
    Adam::new(0.1)
        .with_eps(Adam::MIN_EPS)
        .step(&mut n, &[1e-162, 0.0])
        .unwrap();
    assert!(n.parameters()[0].abs() < 1e-60, "{:?}", n.parameters());
}

#[test]
#[should_panic(expected = "Adam::with_betas: both betas must be in [0, 1), got 0.9 and 1")]
fn adam_rejects_beta_of_one() {
    let _ = Adam::new(0.1).with_betas(0.9, 1.0);
}

// ---------------------------------------------------------------------------------------------
// Validation: nothing changes on error
// ---------------------------------------------------------------------------------------------

fn mlp() -> Mlp {
    Mlp::new(
        2,
        &[3, 1],
        Activation::Tanh,
        Activation::Linear,
        Init::Micrograd,
        &mut StdRng::seed_from_u64(4),
    )
    .unwrap()
}

/// Runs `bad` grads through `opt` after one good step; the model and optimizer state must be
/// bit-for-bit unchanged.
fn assert_rejected<O: Optimizer + Clone + PartialEq + std::fmt::Debug>(
    mut opt: O,
    bad: &[f64],
) -> Error {
    let mut model = mlp();
    let good = vec![0.1; model.parameter_count()];
    opt.step(&mut model, &good).unwrap();
    let (params_before, opt_before) = (model.parameters(), opt.clone());
    let err = opt.step(&mut model, bad).unwrap_err();
    assert_eq!(bits(&model.parameters()), bits(&params_before));
    assert_eq!(opt, opt_before);
    assert_eq!(opt.step_count(), 1);
    err
}

#[test]
fn non_finite_gradients_are_rejected_before_any_change() {
    let n = mlp().parameter_count();
    assert_eq!(n, 13);
    for bad_value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        // The bad gradient is the last of layer 0's: every earlier parameter would have been
        // updated by a check-as-you-go loop.
        let mut bad = vec![0.5; n];
        bad[8] = bad_value;
        for err in [
            assert_rejected(Sgd::new(0.1), &bad),
            assert_rejected(Sgd::new(0.1).with_momentum(0.9), &bad),
            assert_rejected(Adam::new(0.1), &bad),
        ] {
            let Error::NonFinite { step, loss, hint } = &err else {
                panic!("expected NonFinite, got {err:?}");
            };
            assert_eq!(*step, 1);
            assert_eq!(loss.to_bits(), bad_value.to_bits());
            assert!(
                hint.starts_with(&format!(
                    "the gradient of layer0.neuron2.b (parameter 8 of 13) is {bad_value}"
                )),
                "{hint}"
            );
            assert!(hint.contains("learning rate") && hint.contains("left unchanged"));
        }
    }
}

#[test]
fn updates_that_would_overflow_are_rejected_before_any_change() {
    // Finite gradients, non-finite updates: the model and the whole optimizer state (moments,
    // velocity, β^t, step count) stay bit for bit as they were.
    let n = mlp().parameter_count();
    let mut huge = vec![0.5; n];
    huge[8] = 1e200; // its square overflows Adam's second moment
    let mut max = vec![0.5; n];
    max[8] = f64::MAX; // lr·g overflows for lr > 1
    for (err, what) in [
        (
            assert_rejected(Adam::new(0.1), &huge),
            "b's second moment inf",
        ),
        (assert_rejected(Sgd::new(10.0), &max), "b -inf"),
        (
            assert_rejected(Sgd::new(10.0).with_momentum(0.9), &max),
            "b -inf",
        ),
    ] {
        assert!(
            err.to_string().contains(&format!(
                "the update would make layer0.neuron2.{what} (parameter 8 of 13)"
            )),
            "{err}"
        );
    }
}

#[test]
fn wrong_gradient_length_is_rejected_before_any_change() {
    for bad in [vec![0.5; 12], vec![0.5; 14], vec![]] {
        let got = bad.len();
        for err in [
            assert_rejected(Sgd::new(0.1), &bad),
            assert_rejected(Sgd::new(0.1).with_momentum(0.5), &bad),
            assert_rejected(Adam::new(0.1), &bad),
        ] {
            assert_eq!(err, Error::ParameterCount { expected: 13, got });
        }
    }
}

#[test]
fn state_for_another_model_is_an_error_until_reset() {
    let mut small = neuron(&[1.0, 1.0]);
    let mut big = mlp();
    let g_big = vec![0.1; big.parameter_count()];
    for mut opt in [
        Box::new(Adam::new(0.1)) as Box<dyn Optimizer>,
        Box::new(Sgd::new(0.1).with_momentum(0.9)),
    ] {
        opt.step(&mut small, &[1.0, 1.0]).unwrap();
        let before = big.parameters();
        let err = opt.step(&mut big, &g_big).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument(m)
                if m.contains("2 parameters") && m.contains("reset()")),
            "{err}"
        );
        assert_eq!(big.parameters(), before);
        opt.reset();
        assert_eq!(opt.step_count(), 0);
        opt.step(&mut big, &g_big).unwrap();
        assert_ne!(big.parameters(), before);
    }
    // Plain SGD keeps no state: any model goes.
    let mut sgd = Sgd::new(0.1);
    sgd.step(&mut small, &[1.0, 1.0]).unwrap();
    sgd.step(&mut big, &g_big).unwrap();
}

#[test]
fn validate_gradients_and_check_loss() {
    let n = neuron(&[1.0, 2.0]);
    assert_eq!(validate_gradients(&n, &[0.0, 1e300], 0), Ok(()));
    assert_eq!(
        validate_gradients(&n, &[0.0], 3),
        Err(Error::ParameterCount {
            expected: 2,
            got: 1
        })
    );
    assert!(matches!(
        validate_gradients(&n, &[0.0, f64::INFINITY], 3),
        Err(Error::NonFinite { step: 3, .. })
    ));

    assert_eq!(check_loss(0, 0.0), Ok(()));
    assert_eq!(check_loss(0, 1e308), Ok(()));
    let err = check_loss(41, f64::NAN).unwrap_err();
    let Error::NonFinite { step, loss, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*step, 41);
    assert!(loss.is_nan());
    assert_eq!(
        err.to_string(),
        "non-finite value NaN at step 41: the loss is NaN; the learning rate is probably too \
         high (try a smaller one), or the data holds NaN or infinite values"
    );
    assert!(matches!(
        check_loss(2, f64::NEG_INFINITY),
        Err(Error::NonFinite { step: 2, .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------

#[test]
fn linear_decay_matches_micrograd_bit_for_bit() {
    let s = LinearDecay::micrograd();
    for k in 0..100 {
        let micrograd = 1.0 - 0.9 * k as f64 / 100.0;
        assert_eq!(s.rate(k).to_bits(), micrograd.to_bits(), "step {k}");
    }
    assert_eq!(s.rate(100), 0.1);
    assert_eq!(s.rate(10_000), 0.1);
}

#[test]
fn linear_decay_edges_and_constant() {
    let up = LinearDecay {
        start: 0.0,
        end: 1.0,
        steps: 4,
    };
    assert_eq!(
        (0..6).map(|k| up.rate(k)).collect::<Vec<_>>(),
        [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    );
    let instant = LinearDecay {
        start: 5.0,
        end: 0.5,
        steps: 0,
    };
    assert_eq!(instant.rate(0), 0.5);
    assert_eq!(Constant(0.3).rate(0), 0.3);
    assert_eq!(Constant(0.3).rate(usize::MAX), 0.3);
    // Schedules are usable as trait objects.
    let schedules: [&dyn Schedule; 2] = [&Constant(0.1), &LinearDecay::micrograd()];
    assert_eq!(schedules.map(|s| s.rate(0)), [0.1, 1.0]);
}

#[test]
fn debug_is_short() {
    let mut adam = Adam::new(0.1);
    let mut model = mlp();
    adam.step(&mut model, &[0.1; 13]).unwrap();
    assert_eq!(
        format!("{adam:?}"),
        "Adam { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, steps: 1 }"
    );
    let mut sgd = Sgd::new(0.1).with_momentum(0.9);
    sgd.step(&mut model, &[0.1; 13]).unwrap();
    assert_eq!(
        format!("{sgd:?}"),
        "Sgd { lr: 0.1, momentum: 0.9, steps: 1 }"
    );
}

/// `reset` forgets the bias correction too: the next step is a first step again, moving by
/// lr · g / (|g| + eps) (m̂ = g and v̂ = g² on a first step), not by what a fourth step would.
#[test]
fn adam_after_reset_takes_a_first_step_again() {
    let mut used = neuron(&[1.0]);
    let mut opt = Adam::new(0.1);
    for _ in 0..3 {
        opt.step(&mut used, &[2.0]).unwrap();
    }
    opt.reset();
    let mut fresh = neuron(&[1.0]);
    opt.step(&mut fresh, &[2.0]).unwrap();
    let want = 1.0 - 0.1 * 2.0 / (2.0 + 1e-8);
    assert_eq!(fresh.bias(), want);
    // The same as a new optimizer's first step, bit for bit.
    let mut again = neuron(&[1.0]);
    Adam::new(0.1).step(&mut again, &[2.0]).unwrap();
    assert_eq!(bits(&fresh.parameters()), bits(&again.parameters()));
}

/// Momentum SGD's `reset` forgets the velocity: the next step on a model of the same size is
/// plain `p − lr·g`.
#[test]
fn momentum_sgd_after_reset_forgets_its_velocity() {
    let mut model = neuron(&[1.0, 1.0]);
    let mut opt = Sgd::new(0.5).with_momentum(0.9);
    opt.step(&mut model, &[1.0, 1.0]).unwrap();
    opt.step(&mut model, &[1.0, 1.0]).unwrap();
    opt.reset();
    let mut fresh = neuron(&[1.0, 1.0]);
    opt.step(&mut fresh, &[2.0, -2.0]).unwrap();
    assert_eq!(fresh.parameters(), vec![0.0, 2.0]);
}

/// Adam's check that an update stays finite tests the update it will apply: a huge parameter
/// moved toward 0 is accepted, one pushed past f64::MAX is refused and left untouched.
#[test]
fn adam_refuses_exactly_the_updates_that_overflow() {
    let mut toward_zero = neuron(&[1e308]);
    Adam::new(1e308).step(&mut toward_zero, &[1.0]).unwrap();
    // 1e308 − 1e308 · 1 / (1 + 1e-8): about 1e300, far from the start and finite.
    assert!(toward_zero.bias().abs() < 1e301, "{}", toward_zero.bias());
    let mut past_max = neuron(&[1e308]);
    let err = Adam::new(1e308).step(&mut past_max, &[-1.0]).unwrap_err();
    assert!(
        matches!(&err, Error::NonFinite { loss, hint, .. }
            if loss.is_infinite() && hint.contains("parameters were left unchanged")),
        "{err}"
    );
    assert_eq!(past_max.bias().to_bits(), 1e308f64.to_bits());
}
