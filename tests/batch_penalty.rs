//! An L2 weight penalty added to a batch's loss and gradient
//! (`BatchGradients::add_l2_penalty`): bit for bit what `loss::l2_penalty` records and backward
//! gives, and what the moons example added by hand; with the batch's loss, the gradient that
//! central differences measure, and the whole loss recorded on one tape to 1e-15 of the
//! largest gradient; and refusals that say what was wrong.

#[path = "common/numeric.rs"]
mod numeric;
#[path = "common/panics.rs"]
mod panics;
#[path = "common/plain_loop.rs"]
mod plain_loop;

use numeric::{assert_close, bits, central_difference};
use panics::panic_message;
use plain_loop::workload;
use tapegrad::nn::{Activation, BatchGradients, Mlp, Module, batch_loss};
use tapegrad::{Error, Tape, Value, loss};

type Sample = ([f64; 2], f64);

/// The moons workload as `([x, y], label)` samples.
fn samples(widths: &[usize], points: usize, hidden: Activation) -> (Vec<Sample>, Mlp) {
    let (xs, ys, model) = workload(widths, points, hidden);
    (xs.into_iter().zip(ys).collect(), model)
}

fn mse<'t>(out: &[Value<'t>], sample: &Sample) -> Value<'t> {
    loss::mse(out[0], sample.1)
}

fn hinge<'t>(out: &[Value<'t>], sample: &Sample) -> Value<'t> {
    loss::hinge(out[0], sample.1)
}

/// The batch's mean loss plus the penalty, and the gradient, as the taught loop computes them.
fn penalised(model: &Mlp, batch: &[Sample], alpha: f64) -> (f64, Vec<f64>) {
    let mut grads = BatchGradients::new();
    let l = batch_loss(model, batch, mse, 1, &mut grads).unwrap();
    let total = l + grads.add_l2_penalty(model, alpha).unwrap();
    (total, grads.to_vec())
}

#[test]
fn the_penalty_is_loss_l2_penalty_recorded_and_swept_back_bit_for_bit() {
    let (batch, model) = samples(&[16, 16, 1], 100, Activation::Relu);
    let params = model.parameters();
    for alpha in [0.0, 1e-4, 0.37, 3.0] {
        let mut grads = BatchGradients::new();
        batch_loss(&model, &batch, hinge, 1, &mut grads).unwrap();
        let before = grads.to_vec();
        let penalty = grads.add_l2_penalty(&model, alpha).unwrap();

        let tape = Tape::new();
        let p = tape.vars(&params);
        let recorded = loss::l2_penalty(&p, alpha);
        let swept = recorded.backward().wrt_all(&p);
        assert_eq!(
            penalty.to_bits(),
            recorded.data().to_bits(),
            "alpha {alpha}"
        );
        let expected: Vec<f64> = before.iter().zip(&swept).map(|(g, d)| g + d).collect();
        assert_eq!(bits(&grads), bits(&expected), "alpha {alpha}");
        // A sum of squares times alpha, not a mean: 337 parameters.
        let squares: f64 = params.iter().map(|p| p * p).sum();
        assert_close(penalty, alpha * squares, 1e-15);
        if alpha == 0.0 {
            assert_eq!((penalty, bits(&grads)), (0.0, bits(&before)));
        }
    }
}

/// The moons example's hand-written form, which the method replaced: the same bits.
#[test]
fn it_gives_the_bits_of_the_penalty_added_by_hand() {
    let (batch, model) = samples(&[16, 16, 1], 100, Activation::Relu);
    let mut grads = BatchGradients::new();
    let hinge_loss = batch_loss(&model, &batch, hinge, 1, &mut grads).unwrap();
    let params = model.parameters();
    let by_hand = hinge_loss + 1e-4 * params.iter().fold(0.0, |sum, p| sum + p * p);
    let by_hand_grads: Vec<f64> = grads
        .iter()
        .zip(&params)
        .map(|(g, p)| g + 2e-4 * p)
        .collect();
    let total = hinge_loss + grads.add_l2_penalty(&model, 1e-4).unwrap();
    assert_eq!(total.to_bits(), by_hand.to_bits());
    assert_eq!(bits(&grads), bits(&by_hand_grads));
}

#[test]
fn the_penalised_gradient_matches_central_differences() {
    // Smooth throughout (tanh, squared error), so the differences have no kink to cross; alpha
    // large enough that the penalty's share of each gradient is far above the tolerance.
    let (batch, model) = samples(&[4, 1], 20, Activation::Tanh);
    let alpha = 0.05;
    let (_, gradient) = penalised(&model, &batch, alpha);
    let f = |ps: &[f64]| {
        let mut m = model.clone();
        m.set_parameters(ps).unwrap();
        penalised(&m, &batch, alpha).0
    };
    let params = model.parameters();
    assert_eq!(params.len(), 17);
    for (i, g) in gradient.iter().enumerate() {
        assert_close(*g, central_difference(&f, &params, i), 1e-8);
    }
}

/// The whole loss, `loss::mean` of the samples' losses plus `loss::l2_penalty`, recorded on one
/// tape and swept back: the same loss, bit for bit, and the same gradient but for the order of
/// the additions (backward adds the penalty's share to each gradient first, the method last).
#[test]
fn it_agrees_with_the_whole_loss_recorded_on_a_tape_to_1e_15_of_the_largest_gradient() {
    let (batch, model) = samples(&[16, 16, 1], 100, Activation::Tanh);
    let alpha = 1e-3;
    let (total, gradient) = penalised(&model, &batch, alpha);

    let tape = Tape::new();
    let net = model.record(&tape);
    let losses: Vec<Value<'_>> = batch
        .iter()
        .map(|(x, y)| loss::mse(net.forward_f64(x).unwrap()[0], *y))
        .collect();
    let recorded = loss::mean(&losses).unwrap() + loss::l2_penalty(net.params(), alpha);
    let expected = net.gradients(&recorded.backward());
    assert_eq!(total.to_bits(), recorded.data().to_bits());
    // Relative to the largest gradient: a small one is the sum of contributions that cancel,
    // so another order of its additions can move it by more than 1e-15 of itself.
    let largest = expected.iter().fold(0.0_f64, |m, e| m.max(e.abs()));
    assert!(largest > 0.1, "{largest}");
    for (i, (g, e)) in gradient.iter().zip(&expected).enumerate() {
        assert!(
            (g - e).abs() <= 1e-15 * largest,
            "parameter {i}: {g} against {e} (largest gradient {largest})"
        );
    }
}

#[test]
fn refusals_name_what_was_wrong() {
    let (batch, model) = samples(&[4, 1], 10, Activation::Tanh);
    let mut grads = BatchGradients::new();
    // Before batch_loss there are no gradients to add to.
    assert_eq!(
        grads.add_l2_penalty(&model, 1e-4),
        Err(Error::InvalidArgument(
            "BatchGradients::add_l2_penalty: the model has 17 parameters, but there are 0 gradients; call \
             batch_loss with this model first, then add the penalty once"
                .into()
        ))
    );
    // Another model than the one batch_loss was given, and the gradients are left unchanged.
    batch_loss(&model, &batch, mse, 1, &mut grads).unwrap();
    let before = grads.to_vec();
    let (_, wider) = samples(&[5, 1], 1, Activation::Tanh);
    let err = grads.add_l2_penalty(&wider, 1e-4).unwrap_err().to_string();
    assert!(
        err.contains("the model has 21 parameters, but there are 17 gradients"),
        "{err}"
    );
    assert_eq!(bits(&grads), bits(&before));
    // A negative, NaN or infinite strength, before anything is looked at.
    for (alpha, shown) in [(-0.1, "-0.1"), (f64::NAN, "NaN"), (f64::INFINITY, "inf")] {
        let msg = panic_message(|| {
            let _ = grads.add_l2_penalty(&model, alpha);
        });
        assert_eq!(
            msg,
            format!(
                "BatchGradients::add_l2_penalty: alpha must be a finite number ≥ 0, got {shown}"
            )
        );
    }
    assert_eq!(bits(&grads), bits(&before));
}
