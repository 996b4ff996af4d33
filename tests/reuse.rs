//! A reused `Gradients` store holds the previous sweep's numbers, and `Tape::backward_into`
//! must replace them, never add to them or leave one behind. These tests fill the store with
//! NaN, then differentiate long graphs of every shape into it (smaller and bigger than the
//! store, from the last node and from one in the middle), and demand the very bits of a fresh
//! store.

use tapegrad::{Gradients, Tape, Value, sum};

#[path = "common/numeric.rs"]
mod numeric;
use numeric::bits;

/// Fills `store` with NaN for `n` nodes (every gradient of a chain whose derivatives are NaN),
/// then clears `tape` for the graph under test.
fn poison(tape: &mut Tape, store: &mut Gradients, n: usize) {
    tape.clear();
    let mut v = tape.var(1.0);
    for _ in 1..n {
        v = v.custom(1.0, f64::NAN);
    }
    tape.backward_into(v, store);
    let slice = store.as_slice();
    assert_eq!(slice.len(), n);
    assert!(slice[..n - 1].iter().all(|g| g.is_nan()));
    tape.clear();
}

/// Differentiates `out` into the poisoned `store` and into a fresh one; they must agree bit
/// for bit, and no NaN may be left.
fn assert_like_fresh(tape: &Tape, out: Value<'_>, store: &mut Gradients) {
    tape.backward_into(out, store);
    let fresh = out.backward();
    assert_eq!(store.as_slice().len(), fresh.as_slice().len());
    assert!(store.as_slice().iter().all(|g| !g.is_nan()));
    assert_eq!(bits(store.as_slice()), bits(fresh.as_slice()));
}

/// A chain with edges reaching far back (50,000 nodes), a little way back (7 nodes) and to
/// the first leaf.
fn far_and_near<'t>(tape: &'t Tape, n: usize) -> (Value<'t>, Vec<Value<'t>>) {
    let x = tape.var(0.75);
    let mut nodes = vec![x];
    let mut v = x;
    while nodes.len() < n {
        let i = nodes.len();
        v = if i % 997 == 0 && i > 50_000 {
            v + nodes[i - 50_000] * 1e-3
        } else if i % 13 == 0 {
            v * 0.5 + nodes[i - 7] * 0.25
        } else if i % 4_099 == 0 {
            v + x
        } else {
            v * 1.000_001 + 1e-7
        };
        nodes.push(v);
    }
    (v, nodes)
}

/// A chain of 100,000 steps `v * 1.000001 + 1e-7` from a leaf at 0.5: (leaf, output).
fn chain(tape: &Tape) -> (Value<'_>, Value<'_>) {
    let x = tape.var(0.5);
    let mut v = x;
    for _ in 0..100_000 {
        v = v * 1.000_001 + 1e-7;
    }
    (x, v)
}

/// a(k) = a(k−1)·0.6 + a(k−2)·0.4 from two leaves, 0.3 and 0.4, for 100,000 steps: every
/// node reaches two back. Returns (leaves, output).
fn two_back(tape: &Tape) -> (Vec<Value<'_>>, Value<'_>) {
    let ab = tape.vars(&[0.3, 0.4]);
    let (mut prev, mut cur) = (ab[0], ab[1]);
    for _ in 0..100_000 {
        let next = cur * 0.6 + prev * 0.4;
        prev = cur;
        cur = next;
    }
    (ab, cur)
}

#[test]
fn a_chain_into_a_poisoned_store_equals_a_fresh_one() {
    let mut tape = Tape::new();
    let mut store = Gradients::new();
    poison(&mut tape, &mut store, 300_000);
    let (x, v) = chain(&tape);
    assert_like_fresh(&tape, v, &mut store);
    // d/dx of 100,000 steps of v·1.000001: 1.000001^100000.
    let want = 1.000_001_f64.powi(100_000);
    assert!((store.wrt(x) - want).abs() < 1e-9 * want);
}

#[test]
fn far_near_and_leaf_edges_into_a_poisoned_store_equal_a_fresh_one() {
    let mut tape = Tape::new();
    let mut store = Gradients::new();
    poison(&mut tape, &mut store, 300_000);
    let (out, nodes) = far_and_near(&tape, 200_000);
    assert_like_fresh(&tape, out, &mut store);
    // From an output in the middle: the slots after it are cut off, the rest match.
    let mid = nodes[120_345];
    assert_like_fresh(&tape, mid, &mut store);
    let cut = mid.index().expect("recorded") + 1;
    assert!(cut < tape.len());
    assert_eq!(store.as_slice().len(), cut);
    // A bigger graph than the store holds.
    poison(&mut tape, &mut store, 60_000);
    let (out, _) = far_and_near(&tape, 150_000);
    assert_like_fresh(&tape, out, &mut store);
}

#[test]
fn edges_two_back_into_a_poisoned_store_equal_a_fresh_one() {
    // Every node reaches two back.
    let mut tape = Tape::new();
    let mut store = Gradients::new();
    poison(&mut tape, &mut store, 250_000);
    let (ab, cur) = two_back(&tape);
    let (a, b) = (ab[0], ab[1]);
    assert_like_fresh(&tape, cur, &mut store);
    // The map (prev, cur) ↦ (cur, 0.6·cur + 0.4·prev) has eigenvalues 1 and −0.4, so after
    // many steps cur → (0.4·a + b) / 1.4 whatever the start: d/da = 0.4/1.4, d/db = 1/1.4.
    assert!((store.wrt(a) - 0.4 / 1.4).abs() < 1e-12);
    assert!((store.wrt(b) - 1.0 / 1.4).abs() < 1e-12);
}

#[test]
fn a_fused_sum_over_everything_into_a_poisoned_store_equals_a_fresh_one() {
    // The wide graph of the benchmarks: the output reads every node.
    let mut tape = Tape::new();
    let mut store = Gradients::new();
    poison(&mut tape, &mut store, 100_000);
    let mut nodes: Vec<Value<'_>> = (0..32)
        .map(|k| tape.var(1.0 + f64::from(k) / 32.0))
        .collect();
    let mut state = 12_345_u64;
    let mut pick = |below: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) as usize % below
    };
    for k in 32..50_000 {
        let (i, j) = (pick(k), pick(k));
        let node = if k % 2 == 0 {
            nodes[i] + nodes[j]
        } else {
            nodes[i] * nodes[j] * 0.5
        };
        nodes.push(node);
    }
    let out = sum(&nodes);
    assert_like_fresh(&tape, out, &mut store);
}

#[test]
fn an_output_that_reaches_nothing_leaves_every_other_gradient_zero() {
    let mut tape = Tape::new();
    let mut store = Gradients::new();
    poison(&mut tape, &mut store, 1_000);
    let xs = tape.vars(&[1.0; 500]);
    let y = tape.var(2.0);
    tape.backward_into(y, &mut store);
    let mut want = vec![0.0; 501];
    want[500] = 1.0;
    assert_eq!(bits(store.as_slice()), bits(&want));
    assert_eq!(store.wrt(xs[0]), 0.0);
}

/// Leaves recorded in the middle and at the end of a long chain (one read alone by the node
/// right after it), and a leaf as the output.
#[test]
fn leaves_mid_chain_and_a_leaf_output_into_a_poisoned_store_equal_a_fresh_one() {
    let mut tape = Tape::new();
    let mut store = Gradients::new();
    poison(&mut tape, &mut store, 100_000);
    let a = tape.var(1.5);
    let mut v = a;
    for _ in 0..40_000 {
        v = v * 0.999_99 + 1e-7;
    }
    let b = tape.var(-2.0);
    let mut w = b.sin() * v; // the leaf's one reader right after it
    for _ in 0..40_000 {
        w = (w * 1.000_01).tanh() + 1e-7;
    }
    let c = tape.var(0.25);
    assert_like_fresh(&tape, w * c, &mut store);
    assert!(store.wrt_all(&[a, b, c]).iter().all(|g| *g != 0.0));
    assert_like_fresh(&tape, c, &mut store);
    assert_eq!(store.wrt_all(&[a, b, c]), [0.0, 0.0, 1.0]);
}
