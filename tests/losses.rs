//! Loss functions: values and gradients against finite differences, the edges (huge logits,
//! probabilities of exactly 0 and 1, the hinge margin), label checks, and node counts.

use tapegrad::loss::{self, BCE_EPS, Loss};
use tapegrad::{Error, GradCheckConfig, Op, Tape, Value, check_gradients, check_gradients_with};

#[path = "common/numeric.rs"]
mod numeric;

use numeric::{close, sigmoid};

/// The textbook BCE of a logit, for moderate z where it is accurate.
fn naive_bce_with_logits(z: f64, y: f64) -> f64 {
    let p = 1.0 / (1.0 + (-z).exp());
    -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
}

// ---------------------------------------------------------------------------------------------
// mse, half_squared_error, sum_of_squares, mean
// ---------------------------------------------------------------------------------------------

#[test]
fn mse_is_pytorchs_squared_error_and_its_mean_is_mse_loss() {
    let tape = Tape::new();
    for (p, t) in [(3.0, 1.0), (-0.5, 0.25), (2.0, 2.0), (1e3, -1e3)] {
        let x = tape.var(p);
        let l = loss::mse(x, t);
        assert_eq!(l.data(), (p - t) * (p - t));
        assert_eq!(l.backward().wrt(x), 2.0 * (p - t));
        let r = check_gradients(|v| loss::mse(v[0], t), &[p]);
        assert!(r.passed(), "{r}");
        // Exactly twice the Playground's form.
        assert_eq!(l.data(), 2.0 * loss::half_squared_error(x, t).data());
    }
    // nn.MSELoss()(tensor([3., -1.]), tensor([1., 1.])) = mean(4, 4) = 4.
    let preds = tape.vars(&[3.0, -1.0]);
    let mean = loss::mean(&[loss::mse(preds[0], 1.0), loss::mse(preds[1], 1.0)]).unwrap();
    assert_eq!(mean.data(), 4.0);
    assert_eq!(mean.backward().wrt_all(&preds), vec![2.0, -2.0]);
    assert!(loss::mse(tape.var(1.0), f64::NAN).data().is_nan());
    assert_eq!(Loss::Mse.apply(tape.var(0.5), 1.5).data(), 1.0);
    assert_eq!("mse".parse::<Loss>().unwrap(), Loss::Mse);
    assert_eq!(
        "half_squared_error".parse::<Loss>().unwrap(),
        Loss::HalfSquaredError
    );
}

#[test]
fn half_squared_error_values_and_gradients() {
    let tape = Tape::new();
    for (p, t) in [(3.0, 1.0), (-0.5, 0.25), (2.0, 2.0), (1e3, -1e3)] {
        let x = tape.var(p);
        let l = loss::half_squared_error(x, t);
        assert_eq!(l.data(), 0.5 * (p - t) * (p - t));
        assert_eq!(l.backward().wrt(x), p - t);
        assert_eq!(l.op(), Some(Op::HalfSquaredError));
        let r = check_gradients(|v| loss::half_squared_error(v[0], t), &[p]);
        assert!(r.passed(), "{r}");
    }
    // A non-finite target is not hidden.
    assert!(
        loss::half_squared_error(tape.var(1.0), f64::NAN)
            .data()
            .is_nan()
    );
}

#[test]
fn sum_of_squares_is_micrograds_loss() {
    let tape = Tape::new();
    let preds = tape.vars(&[0.9, -0.4, 0.1, 0.7]);
    let targets = [1.0, -1.0, -1.0, 1.0];
    let before = tape.len();
    let l = loss::sum_of_squares(&preds, &targets).unwrap();
    assert_eq!(tape.len(), before + 1, "one fused node");
    let expected: f64 = preds
        .iter()
        .zip(targets)
        .map(|(p, t)| (p.data() - t).powi(2))
        .sum();
    assert!(close(l.data(), expected, 1e-15));
    let g = l.backward();
    for (p, t) in preds.iter().zip(targets) {
        assert_eq!(g.wrt(*p), 2.0 * (p.data() - t));
    }
    let r = check_gradients(
        |v| loss::sum_of_squares(v, &targets).unwrap(),
        &[0.9, -0.4, 0.1, 0.7],
    );
    assert!(r.passed(), "{r}");
}

#[test]
fn sum_of_squares_length_mismatch_and_empty() {
    let tape = Tape::new();
    let preds = tape.vars(&[1.0, 2.0]);
    assert_eq!(
        loss::sum_of_squares(&preds, &[1.0, 2.0, 3.0]).unwrap_err(),
        Error::InvalidArgument("sum_of_squares: 2 predictions but 3 targets".into())
    );
    let empty = loss::sum_of_squares(&[], &[]).unwrap();
    assert_eq!((empty.data(), empty.index()), (0.0, None));
    // Constants only: a constant, no node.
    let c = loss::sum_of_squares(&[Value::constant(3.0)], &[1.0]).unwrap();
    assert_eq!((c.data(), c.index()), (4.0, None));
}

#[test]
fn mean_values_gradients_and_empty() {
    let tape = Tape::new();
    let xs = tape.vars(&[1.0, 2.0, 4.0, 5.0]);
    let m = loss::mean(&xs).unwrap();
    assert_eq!(m.data(), 3.0);
    assert_eq!(m.backward().wrt_all(&xs), vec![0.25; 4]);
    assert_eq!(
        loss::mean(&[]).unwrap_err(),
        Error::InvalidArgument("mean of no values: give at least one loss to average".into())
    );
    let r = check_gradients(|v| loss::mean(v).unwrap(), &[0.3, -2.0, 7.5]);
    assert!(r.passed(), "{r}");
}

// ---------------------------------------------------------------------------------------------
// bce_with_logits
// ---------------------------------------------------------------------------------------------

#[test]
fn bce_with_logits_at_huge_logits_is_finite_and_exact() {
    let tape = Tape::new();
    for (z, y, loss_v, grad) in [
        (1000.0, 0.0, 1000.0, 1.0),
        (-1000.0, 1.0, 1000.0, -1.0),
        (1000.0, 1.0, 0.0, 0.0),
        (-1000.0, 0.0, 0.0, 0.0),
    ] {
        let x = tape.var(z);
        let l = loss::bce_with_logits(x, y);
        assert_eq!(l.data(), loss_v, "z = {z}, y = {y}");
        assert_eq!(l.backward().wrt(x), grad, "z = {z}, y = {y}");
    }
    // And far beyond where exp overflows.
    let x = tape.var(1e300);
    let l = loss::bce_with_logits(x, 0.0);
    assert_eq!((l.data(), l.backward().wrt(x)), (1e300, 1.0));
}

#[test]
fn bce_with_logits_matches_the_textbook_formula() {
    let tape = Tape::new();
    for z in [-6.0, -2.5, -0.3, 0.0, 0.4, 1.0, 3.0, 8.0] {
        for y in [0.0, 1.0, 0.3] {
            let x = tape.var(z);
            let l = loss::bce_with_logits(x, y);
            assert!(
                close(l.data(), naive_bce_with_logits(z, y), 1e-13),
                "z {z} y {y}: {} vs {}",
                l.data(),
                naive_bce_with_logits(z, y)
            );
            assert!(close(l.backward().wrt(x), sigmoid(z) - y, 1e-15));
            let r = check_gradients(|v| loss::bce_with_logits(v[0], y), &[z]);
            assert!(r.passed(), "z {z} y {y}:\n{r}");
        }
    }
    let x = tape.var(0.0);
    let l = loss::bce_with_logits(x, 1.0);
    assert_eq!(l.data(), 2f64.ln());
    assert_eq!(l.backward().wrt(x), -0.5);
}

#[test]
fn bce_with_logits_keeps_small_gradients_in_the_tails() {
    // sigmoid(40) - 1 rounds to 0 in f64; the true gradient is -sigmoid(-40) ≈ -4.25e-18.
    let tape = Tape::new();
    let x = tape.var(40.0);
    let g = loss::bce_with_logits(x, 1.0).backward().wrt(x);
    assert_eq!(g, -sigmoid(-40.0));
    assert!(close(g, -4.248354255291589e-18, 1e-14), "{g}");
    // And the loss itself: ln(1 + e^-40) ≈ e^-40, not 0.
    let l = loss::bce_with_logits(tape.var(40.0), 1.0).data();
    assert!(close(l, (-40f64).exp(), 1e-14), "{l}");
}

#[test]
fn bce_with_logits_passes_nan_through() {
    let tape = Tape::new();
    let x = tape.var(f64::NAN);
    let l = loss::bce_with_logits(x, 1.0);
    assert!(l.data().is_nan());
    assert!(l.backward().wrt(x).is_nan());
}

// ---------------------------------------------------------------------------------------------
// bce
// ---------------------------------------------------------------------------------------------

#[test]
fn bce_at_zero_and_one_is_finite() {
    let tape = Tape::new();
    let max_loss = -BCE_EPS.ln();
    assert!(close(max_loss, 27.631021115928547, 1e-15));
    for (p, y, loss_v, grad) in [
        (0.0, 0.0, 0.0, 1.0),        // right: y·ln(p) with y = 0 contributes 0, not NaN
        (1.0, 1.0, 0.0, -1.0),       // right
        (0.0, 1.0, max_loss, -1e12), // wrong: clamped
        (1.0, 0.0, max_loss, 1e12),  // wrong: clamped
    ] {
        let x = tape.var(p);
        let l = loss::bce(x, y);
        let g = l.backward().wrt(x);
        assert_eq!(l.data(), loss_v, "p {p} y {y}");
        assert!(close(g, grad, 1e-15), "p {p} y {y}: grad {g}");
        assert!(l.data().is_finite() && g.is_finite());
    }
    // Soft label at the edges: still finite.
    let l = loss::bce(tape.var(0.0), 0.5);
    assert!(close(l.data(), 0.5 * max_loss, 1e-15));
}

#[test]
fn bce_matches_bce_with_logits_inside_the_clamp() {
    let tape = Tape::new();
    for z in [-8.0, -1.5, 0.0, 0.2, 2.0, 6.0] {
        for y in [0.0, 1.0, 0.75] {
            let p = sigmoid(z);
            let a = loss::bce(tape.var(p), y).data();
            let b = loss::bce_with_logits(tape.var(z), y).data();
            assert!(close(a, b, 1e-12), "z {z} y {y}: {a} vs {b}");
            // Its own gradient: -y/p + (1-y)/(1-p).
            let x = tape.var(p);
            let g = loss::bce(x, y).backward().wrt(x);
            assert!(close(g, -y / p + (1.0 - y) / (1.0 - p), 1e-12));
            // Finite differences need a step well inside (0, 1).
            let cfg = GradCheckConfig {
                eps: 1e-7 * p.min(1.0 - p),
                ..Default::default()
            };
            let r = check_gradients_with(|v| loss::bce(v[0], y), &[p], cfg);
            assert!(r.passed(), "z {z} y {y}:\n{r}");
        }
    }
    // Through a sigmoid node the chain rule gives sigmoid(z) - y, like bce_with_logits.
    let z = tape.var(0.8);
    let g = loss::bce(z.sigmoid(), 1.0).backward().wrt(z);
    assert!(close(g, sigmoid(0.8) - 1.0, 1e-15));
}

#[test]
fn bce_passes_nan_through() {
    let tape = Tape::new();
    let x = tape.var(f64::NAN);
    let l = loss::bce(x, 0.0);
    assert!(l.data().is_nan());
    assert!(l.backward().wrt(x).is_nan());
}

#[test]
#[should_panic(expected = "bce: p = 1.5 is not a probability in [0, 1]")]
fn bce_rejects_a_raw_score() {
    let tape = Tape::new();
    let _ = loss::bce(tape.var(1.5), 1.0);
}

#[test]
#[should_panic(expected = "bce: label y = 2 is outside [0, 1]")]
fn bce_rejects_a_label_outside_0_1() {
    let tape = Tape::new();
    let _ = loss::bce(tape.var(0.5), 2.0);
}

#[test]
#[should_panic(expected = "bce_with_logits: label y = -1 is outside [0, 1]")]
fn bce_with_logits_rejects_pm1_labels() {
    let tape = Tape::new();
    let _ = loss::bce_with_logits(tape.var(0.5), -1.0);
}

#[test]
#[should_panic(expected = "label y = NaN")]
fn bce_with_logits_rejects_a_nan_label() {
    let tape = Tape::new();
    let _ = loss::bce_with_logits(tape.var(0.5), f64::NAN);
}

// ---------------------------------------------------------------------------------------------
// hinge, l2_penalty, l1_penalty
// ---------------------------------------------------------------------------------------------

#[test]
fn hinge_values_gradients_and_the_margin() {
    let tape = Tape::new();
    for (s, y, loss_v, grad) in [
        (0.25, 1.0, 0.75, -1.0),
        (-2.0, 1.0, 3.0, -1.0),
        (0.5, -1.0, 1.5, 1.0),
        (3.0, 1.0, 0.0, 0.0),
        (-3.0, -1.0, 0.0, 0.0),
        (1.0, 1.0, 0.0, 0.0),   // exactly at the margin: relu'(0) = 0
        (-1.0, -1.0, 0.0, 0.0), // same on the other side
    ] {
        let x = tape.var(s);
        let l = loss::hinge(x, y);
        assert_eq!(
            (l.data(), l.backward().wrt(x)),
            (loss_v, grad),
            "s {s} y {y}"
        );
    }
    // Just inside the margin the gradient is the full -y.
    let x = tape.var(0.999);
    let l = loss::hinge(x, 1.0);
    assert!(close(l.data(), 0.001, 1e-12));
    assert_eq!(l.backward().wrt(x), -1.0);
    // Finite differences away from the kink.
    for (s, y) in [(0.3, 1.0), (2.0, -1.0), (-0.7, -1.0), (4.0, 1.0)] {
        let r = check_gradients(|v| loss::hinge(v[0], y), &[s]);
        assert!(r.passed(), "{r}");
    }
    // NaN passes through.
    let n = tape.var(f64::NAN);
    assert!(loss::hinge(n, 1.0).data().is_nan());
}

#[test]
#[should_panic(expected = "hinge: label y = 0 is not ±1")]
fn hinge_rejects_0_1_labels() {
    let tape = Tape::new();
    let _ = loss::hinge(tape.var(0.5), 0.0);
}

#[test]
fn l2_penalty_values_and_gradients() {
    let tape = Tape::new();
    let ps = tape.vars(&[1.0, -2.0, 0.5]);
    let before = tape.len();
    let l = loss::l2_penalty(&ps, 0.1);
    assert_eq!(tape.len(), before + 1);
    assert!(close(l.data(), 0.1 * 5.25, 1e-15));
    assert_eq!(l.backward().wrt_all(&ps), vec![0.2, -0.4, 0.1]);
    let r = check_gradients(|v| loss::l2_penalty(v, 1e-2), &[1.0, -2.0, 0.5]);
    assert!(r.passed(), "{r}");
    let zero = loss::l2_penalty(&[], 1.0);
    assert_eq!((zero.data(), zero.index()), (0.0, None));
    assert_eq!(loss::l2_penalty(&ps, 0.0).data(), 0.0);
}

#[test]
#[should_panic(expected = "l2_penalty: alpha must be a finite number ≥ 0, got -0.1")]
fn l2_penalty_rejects_negative_alpha() {
    let tape = Tape::new();
    let _ = loss::l2_penalty(&tape.vars(&[1.0]), -0.1);
}

#[test]
fn l1_penalty_values_and_gradients_agree_with_central_differences() {
    let tape = Tape::new();
    let ps = tape.vars(&[1.0, -2.0, 0.5, 0.0, -0.0]);
    let before = tape.len();
    let l = loss::l1_penalty(&ps, 0.1);
    assert_eq!(tape.len(), before + 1);
    assert!(close(l.data(), 0.35, 1e-15), "{}", l.data());
    // sign(p)·alpha, and 0 at the kink, for +0.0 and -0.0 alike.
    assert_eq!(l.backward().wrt_all(&ps), vec![0.1, -0.1, 0.1, 0.0, 0.0]);

    let f = |v: &[f64]| 0.01 * v.iter().map(|p| p.abs()).sum::<f64>();
    for point in [[1.0, -2.0, 0.5], [-3e-3, 7.0, -1e3], [0.0, 2.0, -0.25]] {
        let vs = tape.vars(&point);
        let grads = loss::l1_penalty(&vs, 0.01).backward().wrt_all(&vs);
        for (i, g) in grads.into_iter().enumerate() {
            let fd = numeric::central_difference(&f, &point, i);
            assert!(close(g, fd, 1e-8), "{point:?}: input {i}: {g} against {fd}");
        }
        let r = check_gradients(|v| loss::l1_penalty(v, 0.01), &point);
        assert!(r.passed(), "{r}");
    }
    // At 0 the check sees the kink, slopes -alpha and +alpha, and the recorded 0 between.
    let r = check_gradients(|v| loss::l1_penalty(v, 0.5), &[0.0, 2.0]);
    assert!(r.passed(), "{r}");
    let at_zero = r.inputs[0];
    let kink = at_zero.kink.expect("|p| has a kink at 0");
    assert!(
        close(kink.left, -0.5, 1e-9) && close(kink.right, 0.5, 1e-9),
        "{kink:?}"
    );
    assert_eq!((at_zero.analytic, at_zero.numeric), (0.0, 0.0));
    assert!(r.inputs[1].kink.is_none());

    let zero = loss::l1_penalty(&[], 1.0);
    assert_eq!((zero.data(), zero.index()), (0.0, None));
    assert_eq!(loss::l1_penalty(&ps, 0.0).data(), 0.0);
    // Constants add no parent; NaN makes every partial NaN.
    let c = loss::l1_penalty(&[Value::constant(-4.0), ps[0]], 0.5);
    assert_eq!((c.data(), c.backward().wrt(ps[0])), (2.5, 0.5));
    let n = tape.var(f64::NAN);
    let l = loss::l1_penalty(&[n, ps[1]], 0.5);
    assert!(l.data().is_nan());
    let g = l.backward();
    assert!(g.wrt(n).is_nan() && g.wrt(ps[1]).is_nan());
}

#[test]
#[should_panic(expected = "l1_penalty: alpha must be a finite number ≥ 0, got NaN")]
fn l1_penalty_rejects_nan_alpha() {
    let tape = Tape::new();
    let _ = loss::l1_penalty(&tape.vars(&[1.0]), f64::NAN);
}

#[test]
#[should_panic(expected = "l1_penalty: alpha must be a finite number ≥ 0, got -0.1")]
fn l1_penalty_rejects_negative_alpha() {
    let tape = Tape::new();
    let _ = loss::l1_penalty(&tape.vars(&[1.0]), -0.1);
}

// ---------------------------------------------------------------------------------------------
// Loss by name; one node each
// ---------------------------------------------------------------------------------------------

#[test]
fn loss_enum_dispatches_and_parses() {
    let tape = Tape::new();
    let x = tape.var(0.3);
    assert_eq!(
        Loss::HalfSquaredError.apply(x, 1.0).data(),
        loss::half_squared_error(x, 1.0).data()
    );
    assert_eq!(Loss::Bce.apply(x, 1.0).data(), loss::bce(x, 1.0).data());
    assert_eq!(
        Loss::BceWithLogits.apply(x, 1.0).data(),
        loss::bce_with_logits(x, 1.0).data()
    );
    assert_eq!(Loss::Hinge.apply(x, 1.0).data(), loss::hinge(x, 1.0).data());
    for l in Loss::ALL {
        assert_eq!(l.to_string().parse::<Loss>().unwrap(), l);
    }
    assert_eq!(" LOGISTIC ".parse::<Loss>().unwrap(), Loss::BceWithLogits);
    assert_eq!(
        "mae".parse::<Loss>().unwrap_err().to_string(),
        "invalid argument: unknown loss `mae`; expected one of mse, half_squared_error, bce, \
         bce_with_logits, hinge"
    );
}

#[test]
fn every_scalar_loss_is_one_node() {
    let tape = Tape::new();
    let x = tape.var(0.4);
    for l in Loss::ALL {
        let before = tape.len();
        let v = l.apply(x, 1.0);
        assert_eq!(tape.len(), before + 1, "{l}");
        let op = match l {
            Loss::Mse => Op::Mse,
            Loss::HalfSquaredError => Op::HalfSquaredError,
            Loss::Bce => Op::Bce,
            Loss::BceWithLogits => Op::BceWithLogits,
            Loss::Hinge => Op::Hinge,
        };
        assert_eq!(v.op(), Some(op), "{l}");
        assert_eq!(op.symbol(), l.name()); // its own op, named as the loss
    }
}

// ---------------------------------------------------------------------------------------------
// Every loss over an edge sweep
// ---------------------------------------------------------------------------------------------

/// Finite scores where naive formulas overflow, underflow or cancel.
const SCORES: &[f64] = &[
    0.0,
    -0.0,
    5e-324,
    -1e-300,
    1e-8,
    1.0,
    -1.0,
    37.0,
    -37.0,
    40.0,
    710.0,
    -710.0,
    1000.0,
    -1000.0,
    1e20,
    -1e20,
    1e300,
    -1e300,
    f64::MAX,
    f64::MIN,
];

#[test]
fn bce_with_logits_is_finite_and_bounded_at_every_finite_logit() {
    let tape = Tape::new();
    for &z in SCORES {
        for y in [0.0, 1.0, 0.5, 0.3] {
            let x = tape.var(z);
            let l = loss::bce_with_logits(x, y);
            let g = l.backward().wrt(x);
            // 0 ≤ loss ≤ |z| + ln 2, and the gradient sigmoid(z) − y lies in [−1, 1].
            assert!(
                l.data() >= 0.0 && l.data() <= z.abs() + 2f64.ln(),
                "z {z:e} y {y}: loss {}",
                l.data()
            );
            assert!((-1.0..=1.0).contains(&g), "z {z:e} y {y}: gradient {g}");
        }
    }
    // The right label costs nothing in the far tail, the wrong one costs |z| exactly.
    for z in [1e20, f64::MAX] {
        let x = tape.var(z);
        assert_eq!(loss::bce_with_logits(x, 1.0).data(), 0.0);
        let wrong = loss::bce_with_logits(x, 0.0);
        assert_eq!((wrong.data(), wrong.backward().wrt(x)), (z, 1.0));
    }
}

#[test]
fn bce_with_logits_is_exact_at_infinite_logits() {
    // The loss tends to (1 − y)·z at z = +∞ and to −y·z at z = −∞: 0 where that weight is 0,
    // +∞ (which check_loss stops) for every other label; the gradient is sigmoid(z) − y.
    // Before, max(z, 0) − z·y computed ∞ − ∞ = NaN for the right label.
    let tape = Tape::new();
    let inf = f64::INFINITY;
    for (z, y, want_loss, want_grad) in [
        (inf, 1.0, 0.0, 0.0),
        (-inf, 0.0, 0.0, 0.0),
        (inf, 0.0, inf, 1.0),
        (-inf, 1.0, inf, -1.0),
        (inf, 0.5, inf, 0.5),
        (-inf, 0.5, inf, -0.5),
        (inf, 0.25, inf, 0.75),
        (-inf, 0.25, inf, -0.25),
    ] {
        let x = tape.var(z);
        let l = loss::bce_with_logits(x, y);
        let g = l.backward().wrt(x);
        assert_eq!(
            (l.data().to_bits(), g),
            (want_loss.to_bits(), want_grad),
            "z {z} y {y}: loss {}, gradient {g}",
            l.data()
        );
    }
}

#[test]
fn bce_is_finite_and_clamped_at_every_probability() {
    let tape = Tape::new();
    let max_loss = -BCE_EPS.ln();
    let ps = [
        0.0,
        -0.0,
        5e-324,
        1e-300,
        1e-13,
        BCE_EPS,
        1e-6,
        0.5,
        1.0 - 1e-6,
        1.0 - 1e-12,
        1.0 - f64::EPSILON / 2.0, // the largest f64 below 1
        1.0,
    ];
    for p in ps {
        for y in [0.0, 1.0, 0.5, 0.3] {
            let x = tape.var(p);
            let l = loss::bce(x, y);
            let g = l.backward().wrt(x);
            assert!(
                (0.0..=max_loss).contains(&l.data()),
                "p {p:e} y {y}: loss {}",
                l.data()
            );
            assert!(
                g.is_finite() && g.abs() <= 1.0 / BCE_EPS,
                "p {p:e} y {y}: {g}"
            );
        }
        // y·ln(p) with y = 0 contributes exactly 0 at every p, p = 0 included, and
        // (1 − y)·ln(1 − p) with y = 1 likewise: a right answer at the edge costs 0.
        if p == 0.0 {
            assert_eq!(loss::bce(tape.var(p), 0.0).data(), 0.0);
        }
        if p == 1.0 {
            assert_eq!(loss::bce(tape.var(p), 1.0).data(), 0.0);
        }
    }
    // Through a saturated sigmoid: finite all the way back to the logit, and pointing the
    // right way (the wrong label pushes z towards it; the right one at most leaves it).
    for z in [40.0, -40.0, 1000.0, -1000.0] {
        for y in [0.0, 1.0] {
            let x = tape.var(z);
            let l = loss::bce(x.sigmoid(), y);
            let g = l.backward().wrt(x);
            assert!(
                l.data().is_finite() && g.is_finite(),
                "z {z} y {y}: {l} {g}"
            );
            let wrong = (z > 0.0) != (y > 0.5);
            if z.abs() >= 1000.0 {
                // The sigmoid is exactly 0 or 1 there, and its derivative exactly 0: the
                // clamped maximum for the wrong label, 0 for the right one, no gradient.
                let loss_v = if wrong { -BCE_EPS.ln() } else { 0.0 };
                assert_eq!((l.data(), g), (loss_v, 0.0), "z {z} y {y}");
            } else if wrong {
                assert!(g * z > 0.0, "z {z} y {y}: gradient {g}");
            } else {
                assert!(g * z <= 0.0, "z {z} y {y}: gradient {g}");
            }
        }
    }
}

#[test]
fn hinge_and_mse_are_finite_wherever_their_values_are() {
    let tape = Tape::new();
    for &s in SCORES {
        for y in [1.0, -1.0] {
            let x = tape.var(s);
            let l = loss::hinge(x, y);
            let g = l.backward().wrt(x);
            let margin = 1.0 - y * s;
            assert_eq!(l.data(), margin.max(0.0), "s {s:e} y {y}");
            assert_eq!(g, if margin > 0.0 { -y } else { 0.0 }, "s {s:e} y {y}");
        }
        // ½·(s − t)² is finite while |s − t| ≤ 1e154 or so; its gradient s − t always is.
        let x = tape.var(s);
        let l = loss::half_squared_error(x, 0.5);
        let g = l.backward().wrt(x);
        assert_eq!(g, s - 0.5);
        assert_eq!(l.data().is_finite(), (s - 0.5).abs() < 1e154, "s {s:e}");
    }
}
