//! Allocations in a training loop, counted: a loop that reuses its tape and its `Gradients`
//! store allocates nothing after its first step, nor does the taught loop (`nn::batch_loss`
//! on one thread, an L2 penalty added to its gradients, the optimizer's step); recording a
//! model (`Module::record`) allocates one vector, whatever the model's size; and the counter
//! sees the allocations of a loop that does not.

#[path = "common/plain_loop.rs"]
mod plain_loop;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use plain_loop::{plain, workload};
use tapegrad::loss::{self, Loss};
use tapegrad::nn::{Activation, BatchGradients, Mlp, Module, batch_loss};
use tapegrad::optim::{Adam, Optimizer, Sgd, check_loss};
use tapegrad::{Error, Gradients, Tape};

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
// Zero allocations
// ---------------------------------------------------------------------------------------------

/// One step of a hand-written loop: fit `w·x + b` to `2x + 1` on 50 points by squared error,
/// taking the gradient with `Tape::backward_into` into `grads`. Returns the loss before the
/// update.
fn fit_line_step(tape: &mut Tape, params: &mut [f64; 2], grads: &mut Gradients) -> f64 {
    tape.clear();
    let (w, b) = (tape.var(params[0]), tape.var(params[1]));
    let loss = (0..50).fold(tapegrad::Value::constant(0.0), |acc, i| {
        let x = f64::from(i) / 50.0;
        acc + (w * x + b - (2.0 * x + 1.0)).powi(2)
    }) / 50.0;
    tape.backward_into(loss, grads);
    for (p, d) in params.iter_mut().zip([grads.wrt(w), grads.wrt(b)]) {
        *p -= 0.5 * d;
    }
    loss.data()
}

#[test]
fn a_loop_over_backward_into_allocates_nothing_after_the_first_step() {
    let mut tape = Tape::new();
    let (mut params, mut grads) = ([0.0; 2], Gradients::new());
    let first = fit_line_step(&mut tape, &mut params, &mut grads);
    let (last, count) = allocations_during(|| {
        (0..200).fold(first, |_, _| {
            fit_line_step(&mut tape, &mut params, &mut grads)
        })
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

/// One step of the taught loop, as the README writes it, with the moons example's L2 penalty.
fn taught_step(
    model: &mut Mlp,
    batch: &[([f64; 2], f64)],
    opt: &mut dyn Optimizer,
    grads: &mut BatchGradients,
    step: usize,
) -> Result<f64, Error> {
    let l = batch_loss(model, batch, |out, p| loss::hinge(out[0], p.1), 1, grads)?;
    let l = l + grads.add_l2_penalty(model, 1e-4)?;
    check_loss(step, l)?;
    opt.step(model, grads)?;
    Ok(l)
}

#[test]
fn the_taught_loop_allocates_nothing_after_the_first_step() {
    for hidden in [Activation::Relu, Activation::Tanh] {
        let (xs, ys, mut model) = workload(&[16, 16, 1], 100, hidden);
        let data: Vec<([f64; 2], f64)> = xs.into_iter().zip(ys).collect();
        for opt in [
            &mut Sgd::new(0.05) as &mut dyn Optimizer,
            &mut Adam::new(0.01),
        ] {
            let mut grads = BatchGradients::new();
            // The first step, on each batch size the loop meets, sizes every buffer.
            let first = taught_step(&mut model, &data, opt, &mut grads, 0).unwrap();
            taught_step(&mut model, &data[..30], opt, &mut grads, 0).unwrap();
            let (last, count) = allocations_during(|| {
                let mut last = 0.0;
                for step in 1..20 {
                    for batch in [&data[..], &data[..30], &data[70..]] {
                        last = taught_step(&mut model, batch, opt, &mut grads, step).unwrap();
                    }
                }
                last
            });
            assert_eq!(count, 0, "{hidden}");
            assert!(last < first, "{hidden}: {first} → {last}");
        }
    }
}

#[test]
fn recording_a_model_allocates_one_vector_whatever_its_size() {
    for (widths, parameters) in [(&[16, 16, 1][..], 337), (&[64, 64, 1], 4417)] {
        let (_, _, model) = workload(widths, 10, Activation::Relu);
        let mut tape = Tape::new();
        drop(model.record(&tape)); // sizes the tape
        tape.clear();
        let (net, count) = allocations_during(|| model.record(&tape));
        // The vector of recorded parameters; nothing of the model is copied.
        assert_eq!((net.params().len(), count), (parameters, 1), "{widths:?}");
        assert!(std::ptr::eq(net.model(), &model));
    }
}

#[test]
fn the_counter_counts() {
    let (v, count) = allocations_during(|| vec![1.0_f64; 100]);
    assert_eq!((v.len(), count), (100, 1));
    // And the plain loop, on a fresh tape, does allocate: the counter sees the library's
    // allocations too.
    let (xs, ys, model) = workload(&[16, 16, 1], 10, Activation::Tanh);
    let (result, count) = allocations_during(|| plain(&model, &xs, &ys, Loss::Hinge));
    assert!(result.is_ok());
    assert!(count > 10, "{count}");
}
