//! The allocation-free training step, counted, and its gradients checked against two
//! oracles: tapegrad's plain training loop (bit for bit) and a hand-written forward/backward
//! pass over `f64` slices (`tests/common/handwritten.rs`, within 1e-10).

#[path = "common/handwritten.rs"]
mod handwritten;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use rand::{SeedableRng, rngs::StdRng};

use handwritten::{HandMlp, Hidden};
use tapegrad::datasets;
use tapegrad::loss::{self, Loss};
use tapegrad::nn::{Activation, Init, Mlp, Module};
use tapegrad::optim::{Adam, Optimizer, Sgd};
use tapegrad::train::Trainer;
use tapegrad::{Error, Tape};

// ---------------------------------------------------------------------------------------------
// A counting allocator
// ---------------------------------------------------------------------------------------------

/// The system allocator, counting the allocations (and reallocations) made by each thread,
/// so tests running in parallel do not see each other's.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: a thread being torn down has no counter left; its allocations are not ours.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so it
// upholds `GlobalAlloc`'s contract exactly as `System` does. The counter is a
// const-initialised thread-local `Cell<u64>` with no destructor: touching it never
// allocates or re-enters the allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded with the caller's guarantees (non-zero-size layout).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: `ptr` was allocated by `System` (through us) with `layout`; forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through us) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations this thread makes while running `f`.
fn allocations_during<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (out, ALLOCATIONS.with(Cell::get) - before)
}

// ---------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------

/// Seeded two-class data (labels ±1) and an initial model, like the benches'.
fn workload(widths: &[usize], points: usize, hidden: Activation) -> (Vec<[f64; 2]>, Vec<f64>, Mlp) {
    let mut rng = StdRng::seed_from_u64(2024);
    let data = datasets::moons(points, 0.1, &mut rng).unwrap();
    let model = Mlp::new(
        2,
        widths,
        hidden,
        Activation::Linear,
        Init::Micrograd,
        &mut rng,
    )
    .unwrap();
    (
        data.iter().map(|p| p.inputs()).collect(),
        data.iter().map(|p| p.label).collect(),
        model,
    )
}

/// The mean loss and its gradient by the plain public loop of the `nn` docs.
fn plain<X: AsRef<[f64]>>(
    model: &Mlp,
    xs: &[X],
    ys: &[f64],
    l: Loss,
) -> Result<(f64, Vec<f64>), Error> {
    let tape = Tape::new();
    let net = model.record(&tape);
    let nout = model.nout();
    let mut losses = Vec::new();
    for (x, ys) in xs.iter().zip(ys.chunks_exact(nout)) {
        let out = net.forward_f64(x.as_ref())?;
        for (&o, &y) in out.iter().zip(ys) {
            losses.push(l.apply(o, y));
        }
    }
    let mean = loss::mean(&losses)?;
    Ok((mean.data(), net.gradients(&mean.backward())))
}

// ---------------------------------------------------------------------------------------------
// Zero allocations
// ---------------------------------------------------------------------------------------------

/// Warm up, then count the allocations of `steps` further steps.
fn steady_state_allocations(
    widths: &[usize],
    points: usize,
    hidden: Activation,
    opt: &mut dyn Optimizer,
) -> u64 {
    let (xs, ys, mut model) = workload(widths, points, hidden);
    let mut trainer = Trainer::new(Loss::Hinge);
    for _ in 0..3 {
        trainer.step(&mut model, &xs, &ys, opt).unwrap();
    }
    let ((), count) = allocations_during(|| {
        for _ in 0..10 {
            let loss = trainer.step(&mut model, &xs, &ys, opt).unwrap();
            assert!(loss.is_finite());
        }
    });
    count
}

#[test]
fn a_training_step_allocates_nothing_after_the_first() {
    let demo = [16, 16, 1];
    for hidden in [Activation::Tanh, Activation::Relu] {
        assert_eq!(
            steady_state_allocations(&demo, 100, hidden, &mut Sgd::new(0.05)),
            0
        );
    }
    let mut momentum = Sgd::new(0.05).with_momentum(0.9);
    assert_eq!(
        steady_state_allocations(&demo, 100, Activation::Tanh, &mut momentum),
        0
    );
    let mut adam = Adam::new(1e-3);
    assert_eq!(
        steady_state_allocations(&demo, 100, Activation::Relu, &mut adam),
        0
    );
    // Recorded in many chunks.
    let large = [64, 64, 1];
    assert_eq!(
        steady_state_allocations(&large, 40, Activation::Tanh, &mut Sgd::new(0.01)),
        0
    );
}

/// One step of a hand-written loop: fit `w·x + b` to `2x + 1` on 50 points by squared error,
/// taking the gradient with `Tape::gradient_into`. Returns the loss before the update.
fn fit_line_step(tape: &mut Tape, params: &mut [f64; 2], g: &mut [f64; 2]) -> f64 {
    tape.clear();
    let (w, b) = (tape.var(params[0]), tape.var(params[1]));
    let loss = (0..50).fold(tapegrad::Value::constant(0.0), |acc, i| {
        let x = f64::from(i) / 50.0;
        acc + (w * x + b - (2.0 * x + 1.0)).powi(2)
    }) / 50.0;
    tape.gradient_into(loss, &[w, b], g);
    for (p, d) in params.iter_mut().zip(g.iter()) {
        *p -= 0.5 * d;
    }
    loss.data()
}

#[test]
fn a_loop_over_gradient_into_allocates_nothing_after_the_first_step() {
    for mut tape in [Tape::new(), Tape::new().without_values()] {
        let (mut params, mut g) = ([0.0; 2], [0.0; 2]);
        let first = fit_line_step(&mut tape, &mut params, &mut g);
        let (last, count) = allocations_during(|| {
            (0..200).fold(first, |_, _| fit_line_step(&mut tape, &mut params, &mut g))
        });
        assert_eq!(count, 0);
        // And it learns: from the mean of (2x + 1)², 4.2536, to nearly nothing.
        assert!(
            (first - 4.2536).abs() < 1e-12 && last < 1e-6,
            "{first} → {last}"
        );
        assert!(
            (params[0] - 2.0).abs() < 1e-2 && (params[1] - 1.0).abs() < 1e-2,
            "{params:?}"
        );
    }
}

#[test]
fn the_counter_counts() {
    let (v, count) = allocations_during(|| vec![1.0_f64; 100]);
    assert_eq!((v.len(), count), (100, 1));
    // And the plain loop does allocate: that is what the trainer is for.
    let (xs, ys, model) = workload(&[16, 16, 1], 10, Activation::Tanh);
    let (result, count) = allocations_during(|| plain(&model, &xs, &ys, Loss::Hinge));
    assert!(result.is_ok());
    assert!(count > 10, "{count}");
}

// ---------------------------------------------------------------------------------------------
// Oracles
// ---------------------------------------------------------------------------------------------

#[test]
fn trainer_gradients_equal_the_plain_loop_bit_for_bit() {
    let cases: [(&[usize], usize, Activation); 5] = [
        (&[16, 16, 1], 100, Activation::Tanh),
        (&[16, 16, 1], 100, Activation::Relu),
        (&[64, 64, 1], 30, Activation::Tanh), // many chunks
        (&[3, 1], 7, Activation::Sigmoid),
        (&[1], 5, Activation::Linear),
    ];
    for (widths, points, hidden) in cases {
        let (xs, ys, model) = workload(widths, points, hidden);
        let (plain_loss, plain_grads) = plain(&model, &xs, &ys, Loss::Hinge).unwrap();
        let mut trainer = Trainer::new(Loss::Hinge);
        let loss = trainer.loss_and_gradients(&model, &xs, &ys).unwrap();
        assert_eq!(loss.to_bits(), plain_loss.to_bits(), "{widths:?} {hidden}");
        assert_eq!(trainer.gradients(), &plain_grads[..], "{widths:?} {hidden}");
    }
}

#[test]
fn trainer_matches_the_plain_loop_for_every_loss_and_several_outputs() {
    let mut rng = StdRng::seed_from_u64(5);
    let model = Mlp::new(
        3,
        &[5, 4, 2],
        Activation::Tanh,
        Activation::Sigmoid,
        Init::Xavier,
        &mut rng,
    )
    .unwrap();
    let xs: Vec<Vec<f64>> = (0..9)
        .map(|i| vec![f64::from(i).sin(), f64::from(i).cos(), 0.1 * f64::from(i)])
        .collect();
    let ys: Vec<f64> = (0..18).map(|i| f64::from(i % 2)).collect();
    let signs: Vec<f64> = ys.iter().map(|y| 2.0 * y - 1.0).collect();
    for l in Loss::ALL {
        let ys = if l == Loss::Hinge { &signs } else { &ys };
        let (plain_loss, plain_grads) = plain(&model, &xs, ys, l).unwrap();
        let mut trainer = Trainer::new(l);
        let loss = trainer.loss_and_gradients(&model, &xs, ys).unwrap();
        assert_eq!(loss.to_bits(), plain_loss.to_bits(), "{l}");
        assert_eq!(trainer.gradients(), &plain_grads[..], "{l}");
    }
}

#[test]
fn trainer_steps_equal_plain_steps_bit_for_bit() {
    let (xs, ys, start) = workload(&[16, 16, 1], 100, Activation::Tanh);
    let (mut fast, mut slow) = (start.clone(), start);
    let (mut fast_opt, mut slow_opt) = (Adam::new(0.01), Adam::new(0.01));
    let mut trainer = Trainer::new(Loss::Hinge);
    for _ in 0..20 {
        let loss = trainer.step(&mut fast, &xs, &ys, &mut fast_opt).unwrap();
        let (plain_loss, grads) = plain(&slow, &xs, &ys, Loss::Hinge).unwrap();
        slow_opt.step(&mut slow, &grads).unwrap();
        assert_eq!(loss.to_bits(), plain_loss.to_bits());
    }
    assert_eq!(fast.parameters(), slow.parameters());
}

#[test]
fn trainer_gradients_match_the_hand_written_baseline() {
    for (widths, points) in [(&[16, 16, 1][..], 100), (&[64, 64, 1][..], 50)] {
        for (act, hidden) in [
            (Activation::Tanh, Hidden::Tanh),
            (Activation::Relu, Hidden::Relu),
        ] {
            let (xs, ys, mut model) = workload(widths, points, act);
            let mut hand = HandMlp::new(&model.sizes(), hidden);
            let mut params = model.parameters();
            let mut hand_grads = vec![0.0; params.len()];
            let mut trainer = Trainer::new(Loss::Hinge);
            let mut opt = Sgd::new(0.05);
            // Five SGD steps side by side: losses, gradients and parameters agree throughout.
            for step in 0..5 {
                let hand_loss = hand.step(&mut params, &xs, &ys, &mut hand_grads, 0.05);
                let loss = trainer.step(&mut model, &xs, &ys, &mut opt).unwrap();
                let what = format!("{widths:?} {act} step {step}");
                assert!(
                    (loss - hand_loss).abs() < 1e-10,
                    "{what}: {loss} vs {hand_loss}"
                );
                for (i, (g, h)) in trainer.gradients().iter().zip(&hand_grads).enumerate() {
                    assert!((g - h).abs() < 1e-10, "{what}: gradient {i}: {g} vs {h}");
                }
            }
            for (p, q) in model.parameters().iter().zip(&params) {
                assert!((p - q).abs() < 1e-10, "{p} vs {q}");
            }
        }
    }
}

#[test]
fn bad_batches_are_errors_that_change_nothing() {
    let (xs, ys, mut model) = workload(&[4, 1], 6, Activation::Tanh);
    let before = model.parameters();
    let mut trainer = Trainer::new(Loss::Hinge);
    let mut opt = Sgd::new(0.1);
    let empty: [[f64; 2]; 0] = [];
    assert!(matches!(
        trainer.step(&mut model, &empty, &[], &mut opt),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        trainer.step(&mut model, &xs, &ys[1..], &mut opt),
        Err(Error::InvalidArgument(_))
    ));
    let wide = vec![vec![0.0; 3]; 6];
    assert_eq!(
        trainer.step(&mut model, &wide, &ys, &mut opt),
        Err(Error::InputSize {
            expected: 2,
            got: 3
        })
    );
    let nan = vec![[f64::NAN, 0.0]; 6];
    assert!(matches!(
        trainer.step(&mut model, &nan, &ys, &mut opt),
        Err(Error::NonFinite { .. })
    ));
    assert_eq!(model.parameters(), before);
    assert_eq!(opt.step_count(), 0);
}

#[test]
fn threads_give_the_same_losses_and_gradients_to_rounding() {
    for (widths, points, hidden) in [
        (&[16, 16, 1][..], 100, Activation::Relu),
        (&[64, 64, 1][..], 30, Activation::Tanh),
        (&[4, 1][..], 3, Activation::Tanh), // fewer samples than threads
    ] {
        let (xs, ys, model) = workload(widths, points, hidden);
        let (plain_loss, plain_grads) = plain(&model, &xs, &ys, Loss::Hinge).unwrap();
        for threads in [2, 3, 4] {
            let mut trainer = Trainer::new(Loss::Hinge).with_threads(threads);
            let loss = trainer.loss_and_gradients(&model, &xs, &ys).unwrap();
            assert_eq!(
                loss.to_bits(),
                plain_loss.to_bits(),
                "{widths:?} × {threads}"
            );
            assert_eq!(trainer.gradients().len(), plain_grads.len());
            for (g, p) in trainer.gradients().iter().zip(&plain_grads) {
                assert!((g - p).abs() <= 1e-12 * p.abs().max(1.0), "{g} vs {p}");
            }
        }
    }
    // Training on two threads follows the same path as on one, to rounding.
    let (xs, ys, start) = workload(&[16, 16, 1], 100, Activation::Tanh);
    let (mut one, mut two) = (start.clone(), start);
    let (mut opt1, mut opt2) = (Sgd::new(0.05), Sgd::new(0.05));
    let mut t1 = Trainer::new(Loss::Hinge);
    let mut t2 = Trainer::new(Loss::Hinge).with_threads(2);
    for _ in 0..10 {
        let l1 = t1.step(&mut one, &xs, &ys, &mut opt1).unwrap();
        let l2 = t2.step(&mut two, &xs, &ys, &mut opt2).unwrap();
        assert!((l1 - l2).abs() < 1e-12);
    }
    for (p, q) in one.parameters().iter().zip(&two.parameters()) {
        assert!((p - q).abs() < 1e-12);
    }
}

/// A sample whose losses all have derivative 0 is skipped; one where only some do is not.
/// Output 0 meets the hinge margin (score 2, derivative 0), output 1 does not (score 0.5,
/// derivative −1), so only output 1's neuron gets a gradient: −0.5 each for its weight and
/// bias (the mean over two losses).
#[test]
fn a_sample_with_some_zero_loss_derivatives_still_passes_the_others_back() {
    use tapegrad::nn::{Layer, Neuron};
    let layer = Mlp::from_layers(vec![
        Layer::from_neurons(vec![
            Neuron::from_parts(vec![2.0], 0.0, Activation::Linear),
            Neuron::from_parts(vec![0.5], 0.0, Activation::Linear),
        ])
        .unwrap(),
    ])
    .unwrap();
    let (xs, ys) = ([[1.0]], [1.0, 1.0]);
    let mut trainer = Trainer::new(Loss::Hinge);
    assert_eq!(trainer.loss_and_gradients(&layer, &xs, &ys).unwrap(), 0.25);
    assert_eq!(trainer.gradients(), &[0.0, 0.0, -0.5, -0.5]);
    let (plain_loss, plain_grads) = plain(&layer, &xs, &ys, Loss::Hinge).unwrap();
    assert_eq!((plain_loss, &plain_grads[..]), (0.25, trainer.gradients()));
}
