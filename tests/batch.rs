//! A batch's loss and gradient on several threads (`nn::batch_loss`): on one thread bit for
//! bit the plain recording loop; for a given number of threads the same bits every time; from
//! one number of threads to another within 1e-12 relative; with your own loss and activation
//! too; and refusals that say what was wrong.

#[path = "common/numeric.rs"]
mod numeric;
#[path = "common/panics.rs"]
mod panics;
#[path = "common/plain_loop.rs"]
mod plain_loop;

use numeric::bits;
use panics::panic_message;
use plain_loop::{plain, workload};
use tapegrad::loss::{self, Loss};
use tapegrad::nn::{
    Activation, BatchGradients, CustomActivation, MIN_RUN, Mlp, Module, batch_loss,
};
use tapegrad::{Error, Value};

/// The moons workload as `([x, y], label)` samples.
fn samples(widths: &[usize], points: usize, hidden: Activation) -> (Vec<([f64; 2], f64)>, Mlp) {
    let (xs, ys, model) = workload(widths, points, hidden);
    (xs.into_iter().zip(ys).collect(), model)
}

type Sample = ([f64; 2], f64);

fn hinge<'t>(out: &[Value<'t>], sample: &Sample) -> Value<'t> {
    loss::hinge(out[0], sample.1)
}

fn mse<'t>(out: &[Value<'t>], sample: &Sample) -> Value<'t> {
    loss::mse(out[0], sample.1)
}

/// The loss and gradient on `threads` threads, with a fresh store.
fn on(threads: usize, model: &Mlp, batch: &[([f64; 2], f64)]) -> (f64, Vec<f64>) {
    let mut grads = BatchGradients::new();
    let l = batch_loss(model, batch, hinge, threads, &mut grads).unwrap();
    (l, grads.to_vec())
}

/// Also for a network wide enough that a thread records its run in several pieces, sweeping
/// back after each (2 → 64 → 64 → 1, about 110 KB of tape a sample), with either loss.
#[test]
fn one_thread_gives_the_plain_loop_bit_for_bit() {
    for (widths, points, parameters) in [(&[16, 16, 1][..], 100, 337), (&[64, 64, 1], 50, 4417)] {
        for hidden in [Activation::Tanh, Activation::Relu] {
            let (batch, model) = samples(widths, points, hidden);
            let (xs, ys): (Vec<[f64; 2]>, Vec<f64>) = batch.iter().copied().unzip();
            for (l, f) in [
                (
                    Loss::Hinge,
                    hinge as for<'t> fn(&[Value<'t>], &Sample) -> Value<'t>,
                ),
                (Loss::Mse, mse),
            ] {
                let what = format!("{widths:?} {hidden} {l:?}");
                let (want_loss, want_grads) = plain(&model, &xs, &ys, l).unwrap();
                let mut grads = BatchGradients::new();
                let got = batch_loss(&model, &batch, f, 1, &mut grads).unwrap();
                assert_eq!(got.to_bits(), want_loss.to_bits(), "{what}");
                assert_eq!(bits(&grads), bits(&want_grads), "{what}");
                assert_eq!(grads.len(), parameters);
                assert!(grads.iter().any(|&g| g != 0.0), "{what}");
            }
        }
    }
}

#[test]
fn a_given_number_of_threads_gives_the_same_bits_every_time() {
    let (batch, model) = samples(&[16, 16, 1], 301, Activation::Tanh);
    for threads in [2, 3, 4, 7] {
        let (l, grads) = on(threads, &model, &batch);
        // Again with a fresh store, and with one reused after other thread counts.
        let mut reused = BatchGradients::new();
        for other in [1, threads, 5, threads] {
            let again = batch_loss(&model, &batch, hinge, other, &mut reused).unwrap();
            if other == threads {
                assert_eq!(again.to_bits(), l.to_bits(), "{threads} threads");
                assert_eq!(bits(&reused), bits(&grads), "{threads} threads");
            }
        }
        assert_eq!(on(threads, &model, &batch).0.to_bits(), l.to_bits());
    }
}

#[test]
fn thread_counts_agree_within_1e_12_relative() {
    let (batch, model) = samples(&[16, 16, 1], 300, Activation::Tanh);
    let (l1, g1) = on(1, &model, &batch);
    let mut differ = 0;
    for threads in [2, 3, 8, 100, 1000] {
        let (l, g) = on(threads, &model, &batch);
        assert!((l - l1).abs() <= 1e-12 * l1.abs(), "{threads}: {l} vs {l1}");
        let scale = g1.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
        for (i, (a, b)) in g.iter().zip(&g1).enumerate() {
            assert!(
                (a - b).abs() <= 1e-12 * b.abs().max(1e-9 * scale),
                "{threads} threads, parameter {i}: {a} vs {b}"
            );
        }
        differ += usize::from(bits(&g) != bits(&g1));
    }
    // The order of the additions does change the last bits somewhere: the comparison above
    // is a real one.
    assert!(differ > 0);
}

#[test]
fn your_own_loss_and_activation_run_on_threads_too() {
    fn leaky_relu(x: Value<'_>) -> Value<'_> {
        if x.data() > 0.0 { x } else { 0.01 * x }
    }
    fn huber<'t>(out: &[Value<'t>], s: &([f64; 2], f64)) -> Value<'t> {
        let r = out[0] - s.1;
        if r.data().abs() <= 1.0 {
            0.5 * r * r
        } else {
            r.abs() - 0.5
        }
    }
    let leaky = Activation::Custom(CustomActivation::new("leaky_relu", leaky_relu));
    let (batch, model) = samples(&[8, 8, 1], 100, leaky);
    // The same loss recorded by hand, on one tape.
    let tape = tapegrad::Tape::new();
    let net = model.record(&tape);
    let each: Vec<Value<'_>> = batch
        .iter()
        .map(|s| huber(&net.forward_f64(&s.0).unwrap(), s))
        .collect();
    let mean = loss::mean(&each).unwrap();
    let want = net.gradients(&mean.backward());
    for threads in [1, 2, 3] {
        let mut grads = BatchGradients::new();
        let l = batch_loss(&model, &batch, huber, threads, &mut grads).unwrap();
        assert!((l - mean.data()).abs() <= 1e-12 * mean.data());
        for (a, b) in grads.iter().zip(&want) {
            assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
        }
    }
}

#[test]
fn a_small_batch_runs_on_one_thread_and_a_large_one_in_runs_of_at_least_min_run() {
    let (batch, model) = samples(&[4, 1], 200, Activation::Tanh);
    let (l1, g1) = on(1, &model, &batch[..2 * MIN_RUN - 1]);
    let (l8, g8) = on(8, &model, &batch[..2 * MIN_RUN - 1]);
    assert_eq!((l1.to_bits(), bits(&g1)), (l8.to_bits(), bits(&g8)));
    // 200 samples: at most 6 runs of 32 or more, so 6 and 100 threads give the same bits.
    let six = on(6, &model, &batch);
    let hundred = on(100, &model, &batch);
    assert_eq!(
        (six.0.to_bits(), bits(&six.1)),
        (hundred.0.to_bits(), bits(&hundred.1))
    );
    assert_ne!(bits(&six.1), bits(&on(1, &model, &batch).1));
}

#[test]
fn refusals_name_what_was_wrong() {
    let (mut batch, model) = samples(&[4, 1], 70, Activation::Tanh);
    let mut grads = BatchGradients::new();
    let err = |r: Result<f64, Error>| r.unwrap_err().to_string();
    assert_eq!(
        err(batch_loss(&model, &batch[..0], hinge, 2, &mut grads)),
        "invalid argument: batch_loss of no samples: give at least one sample"
    );
    assert_eq!(
        err(batch_loss(&model, &batch, hinge, 0, &mut grads)),
        "invalid argument: batch_loss on 0 threads: give at least 1"
    );
    // The first bad sample in batch order is reported, whichever thread met it, and also
    // when a thread records its run in several pieces (the wide network), the last first.
    batch[3].0[1] = f64::NAN;
    batch[50].0[0] = f64::INFINITY;
    let (_, wide) = samples(&[64, 64, 1], 1, Activation::Tanh);
    for model in [&model, &wide] {
        for threads in [1, 2, 4] {
            let msg = err(batch_loss(model, &batch, hinge, threads, &mut grads));
            assert!(
                msg.starts_with("input 1 is NaN: "),
                "{threads} threads: {msg}"
            );
        }
    }
    // A model reading three inputs is refused two.
    let three = Mlp::builder(3)
        .output(1, Activation::Linear)
        .seed(1)
        .build()
        .unwrap();
    assert_eq!(
        err(batch_loss(&three, &batch[..1], hinge, 1, &mut grads)),
        "expected 3 inputs, got 2"
    );
    // A panic in the loss on another thread is passed on with its message.
    let msg = panic_message(|| {
        let _ = batch_loss(
            &model,
            &batch[..2],
            |out, _| loss::hinge(out[0], 0.5),
            2,
            &mut grads,
        );
    });
    assert!(msg.starts_with("hinge: label y = 0.5 is not ±1"), "{msg}");
    // And the store works again after the refusals.
    batch[3].0[1] = 0.0;
    batch[50].0[0] = 0.0;
    let l = batch_loss(&model, &batch, hinge, 2, &mut grads).unwrap();
    assert!(l.is_finite() && grads.len() == model.parameter_count());
}
