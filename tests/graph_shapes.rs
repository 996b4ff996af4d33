//! Graph shapes that break naive engines: very deep chains (recursion in backward, in the
//! `to_dot` export and in the backward trace; run on a small stack), exponential path counts
//! (visiting per path instead of per node), very wide fan-in and fan-out.

use tapegrad::{Gradients, Tape, Value, sum};

#[path = "common/numeric.rs"]
mod numeric;
use numeric::assert_close;

/// Runs `f` on a thread with a 256 KiB stack, re-raising its panic: any recursion
/// proportional to graph depth would overflow it.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn a small-stack thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn million_multiplications_chain_on_a_small_stack() {
    on_small_stack(|| {
        let tape = Tape::new();
        let x = tape.var(1.0);
        let mut v = x;
        for _ in 0..1_000_000 {
            v *= x; // v = x^(n+1), d/dx = (n+1) x^n = 1_000_001 at x = 1
        }
        assert_eq!(tape.len(), 1_000_001);
        let g = v.backward();
        assert_eq!(v.data(), 1.0);
        assert_eq!(g.wrt(x), 1_000_001.0);
        drop(g);
        drop(tape);
    });
}

#[test]
fn million_additions_chain_on_a_small_stack() {
    on_small_stack(|| {
        let tape = Tape::new();
        let x = tape.var(0.5);
        let mut v = tape.var(0.0);
        for _ in 0..1_000_000 {
            v += x;
        }
        let g = v.backward();
        assert_eq!(v.data(), 500_000.0);
        assert_eq!(g.wrt(x), 1_000_000.0);
    });
}

#[test]
fn million_op_affine_chain_on_a_small_stack() {
    on_small_stack(|| {
        const STEPS: i32 = 500_000; // two ops each
        let (a, b, x0): (f64, f64, f64) = (1.000_000_1, 1e-7, 0.5);
        let tape = Tape::new();
        let (value, grad) = {
            let x = tape.var(x0);
            let mut v = x;
            for _ in 0..STEPS {
                v = v * a + b;
            }
            assert_eq!(tape.len(), 1_000_001);
            (v.data(), v.backward().wrt(x))
        };
        drop(tape);
        let an = a.powi(STEPS);
        assert_close(grad, an, 1e-9);
        assert_close(value, an * x0 + b * (an - 1.0) / (a - 1.0), 1e-9);
    });
}

#[test]
fn million_node_product_chain_on_a_small_stack() {
    on_small_stack(|| {
        const N: i32 = 1_000_000;
        let x0: f64 = 1.000_000_1;
        let tape = Tape::new();
        let (value, grad) = {
            let x = tape.var(x0);
            let mut v = x;
            for _ in 1..N {
                v *= x;
            }
            assert_eq!(tape.len(), 1_000_000);
            (v.data(), v.backward().wrt(x))
        };
        drop(tape);
        assert_close(value, x0.powi(N), 1e-9);
        assert_close(grad, f64::from(N) * x0.powi(N - 1), 1e-9);
    });
}

#[test]
fn doubling_diamond_sixty_levels_deep_is_exact_and_linear() {
    // v = v + v sixty times: 2^60 paths from the output to x, but 61 nodes. An engine that
    // walks paths would never finish; the tape visits each node once.
    let tape = Tape::new();
    let x = tape.var(1.0);
    let mut v = x;
    for _ in 0..60 {
        v += v;
    }
    assert_eq!(tape.len(), 61);
    assert_eq!(v.data(), 2f64.powi(60));
    assert_eq!(v.backward().wrt(x), 2f64.powi(60));
}

#[test]
fn a_hundred_thousand_uses_of_one_value() {
    let tape = Tape::new();
    let x = tape.var(3.0);
    let uses: Vec<Value> = (0..100_000).map(|_| x * 1.0).collect();
    let fused = sum(&uses);
    assert_eq!(fused.backward().wrt(x), 100_000.0);
    let folded: Value = uses.iter().sum();
    assert_eq!(folded.backward().wrt(x), 100_000.0);
    // Directly, with no intermediate nodes: one node with 100 000 edges to x.
    let direct = sum(&vec![x; 100_000]);
    assert_eq!(direct.data(), 300_000.0);
    assert_eq!(direct.backward().wrt(x), 100_000.0);
}

#[test]
fn a_million_separate_leaves_each_get_exactly_one() {
    on_small_stack(|| {
        let tape = Tape::new();
        let data: Vec<f64> = (0..1_000_000).map(|i| i as f64).collect();
        let xs = tape.vars(&data);
        let total = sum(&xs);
        let mut grads = Gradients::new();
        tape.backward_into(total, &mut grads);
        assert!(xs.iter().all(|&x| grads.wrt(x) == 1.0));
        assert_eq!(total.data(), 499_999_500_000.0);
    });
}

#[test]
fn deep_graph_teaching_tools_do_not_recurse() {
    on_small_stack(|| {
        let tape = Tape::new();
        let x = tape.var(0.1);
        let mut v = x;
        for _ in 0..100_000 {
            v = v * 0.99999 + 0.001; // gradient 0.99999^100000 ≈ 0.37, never 0
        }
        let (grads, trace) = v.backward_traced();
        assert_eq!(trace.steps().len(), tape.len());
        let dot = v.to_dot(Some(&grads));
        assert_eq!(dot.matches("shape=record").count(), tape.len());
    });
}

#[test]
fn dot_export_and_trace_of_a_long_chain_on_a_small_stack() {
    on_small_stack(|| {
        const N: usize = 100_000;
        let tape = Tape::new();
        let x = tape.var(1.0);
        let mut v = x;
        for i in 1..N {
            v = if i % 2 == 0 { v * 1.0 } else { v + 1.0 };
        }
        let dot = v.to_dot(None);
        assert_eq!(dot.matches("[shape=record").count(), N);
        // Per op node: the op → value arrow and one parent arrow.
        assert_eq!(dot.matches(" -> ").count(), 2 * (N - 1));
        assert!(dot.contains(&format!("\"n{}\" -> \"op{}\"", N - 2, N - 1)));

        let (grads, trace) = v.backward_traced();
        assert_eq!(trace.steps().len(), N);
        assert_eq!(trace.steps()[0].node, N - 1);
        assert_eq!(trace.steps()[N - 1].node, 0);
        assert_eq!(grads.wrt(x), 1.0);
        assert_eq!(v.data(), 1.0 + (N / 2) as f64);
    });
}
