//! Every shape of node (a leaf; one input that is the node just before or one further back,
//! with a local derivative of 1 or another; two inputs, likewise; many) is recorded,
//! differentiated, traced and drawn with the right parents and local derivatives. Backward of
//! an intermediate value sees only the nodes before it whatever was recorded after; clearing
//! and recording again reuses the memory with the same results bit for bit; the NaN rule
//! holds for nodes whose derivative would be 1; no gradient is ever −0.0 (it is `+0.0` plus
//! its contributions); and contributions are added in the order the sweep makes them.

use std::collections::BTreeSet;

use tapegrad::loss::{self, Loss};
use tapegrad::nn::{Activation, Module, Neuron};
use tapegrad::{Gradients, Op, Tape, Value, affine, dot, sum};

#[path = "common/numeric.rs"]
mod numeric;
use numeric::{bits, central_difference};

/// One step of a backward trace: `(node, grad, [(parent, local derivative)])`.
type Step = (usize, f64, Vec<(usize, f64)>);

/// Every step of `out`'s backward trace.
fn trace_of(out: Value<'_>) -> Vec<Step> {
    let (_, trace) = out.backward_traced();
    trace
        .steps()
        .iter()
        .map(|s| {
            let passes = s.passes.iter().map(|p| (p.parent, p.local)).collect();
            (s.node, s.grad, passes)
        })
        .collect()
}

/// The `parent -> operation` edges of `out`'s Graphviz picture, as `(parent, node)`.
fn dot_edges(out: Value<'_>) -> BTreeSet<(usize, usize)> {
    out.to_dot(None)
        .lines()
        .filter_map(|l| {
            let (from, to) = l.trim().strip_suffix(';')?.split_once(" -> ")?;
            let from = from.strip_prefix("\"n")?.strip_suffix('"')?;
            let to = to.strip_prefix("\"op")?.strip_suffix('"')?;
            Some((from.parse().ok()?, to.parse().ok()?))
        })
        .collect()
}

/// A graph with one node of every shape, the shape in the comment.
fn every_kind<'t>(tape: &'t Tape, x: f64, y: f64) -> Vec<Value<'t>> {
    let x = tape.var(x); // 0: leaf
    let y = tape.var(y); // 1: leaf
    let a = y * 3.0; // 2: input 1, the node before, derivative 3
    let b = a + 2.0; // 3: input 2, the node before, derivative 1
    let c = x * 4.0; // 4: input 0, further back, derivative 4
    let d = y + 1.0; // 5: input 1, further back, derivative 1
    let e = x * b; // 6: two inputs (0, 3), derivatives b and x
    let f = c + d; // 7: two inputs (4, 5), derivatives 1
    let s = sum(&[e, f, a]); // 8: many (6, 7, 2), derivatives 1
    vec![x, y, a, b, c, d, e, f, s]
}

/// [`every_kind`]'s output in plain `f64`.
fn every_kind_f64(v: &[f64]) -> f64 {
    let (x, y) = (v[0], v[1]);
    let a = y * 3.0;
    x * (a + 2.0) + (x * 4.0 + (y + 1.0)) + a
}

#[test]
fn every_kind_of_node_differentiates_exactly_and_agrees_with_finite_differences() {
    for tape in tapes() {
        let v = every_kind(&tape, 1.5, -0.5);
        let s = v[8];
        assert_eq!(s.data(), 5.75);
        assert_eq!(s.data(), every_kind_f64(&[1.5, -0.5]));
        let g = s.backward();
        // ds/de = ds/df = 1; de/db = x = 1.5; da: 1 from s and 1.5 through b; dx = 4 + b;
        // dy = 3·2.5 + 1.
        let expected = [4.5, 8.5, 2.5, 1.5, 1.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(g.as_slice(), &expected);
        for (i, &v) in v[..2].iter().enumerate() {
            let numeric = central_difference(&every_kind_f64, &[1.5, -0.5], i);
            assert!((g.wrt(v) - numeric).abs() < 1e-6, "d/dx{i}: {numeric}");
        }
        // backward_into into a reused store gives the same.
        let mut into = Gradients::new();
        tape.backward_into(s, &mut into);
        assert_eq!(bits(into.as_slice()), bits(g.as_slice()));
    }
}

#[test]
fn the_trace_shows_every_parent_and_local_derivative() {
    for tape in tapes() {
        let v = every_kind(&tape, 1.5, -0.5);
        let expected: Vec<Step> = vec![
            (8, 1.0, vec![(6, 1.0), (7, 1.0), (2, 1.0)]),
            (7, 1.0, vec![(4, 1.0), (5, 1.0)]),
            (6, 1.0, vec![(0, 0.5), (3, 1.5)]),
            (5, 1.0, vec![(1, 1.0)]),
            (4, 1.0, vec![(0, 4.0)]),
            (3, 1.5, vec![(2, 1.0)]),
            (2, 2.5, vec![(1, 3.0)]),
            (1, 8.5, vec![]),
            (0, 4.5, vec![]),
        ];
        assert_eq!(trace_of(v[8]), expected);
        // Each intermediate output's trace is the tail of what it reaches.
        assert_eq!(
            trace_of(v[3]),
            vec![
                (3, 1.0, vec![(2, 1.0)]),
                (2, 1.0, vec![(1, 3.0)]),
                (1, 3.0, vec![]),
            ]
        );
        assert_eq!(
            trace_of(v[5]),
            vec![(5, 1.0, vec![(1, 1.0)]), (1, 1.0, vec![])]
        );
        let (_, trace) = v[8].backward_traced();
        let ops: Vec<Op> = trace.steps().iter().map(|s| s.op).collect();
        assert_eq!(
            ops,
            [
                Op::Sum,
                Op::Add,
                Op::Mul,
                Op::Add,
                Op::Mul,
                Op::Add,
                Op::Mul,
                Op::Var,
                Op::Var
            ]
        );
    }
}

#[test]
fn to_dot_draws_every_edge() {
    for tape in tapes() {
        let v = every_kind(&tape, 1.5, -0.5);
        let edges: BTreeSet<(usize, usize)> = [
            (6, 8),
            (7, 8),
            (2, 8),
            (4, 7),
            (5, 7),
            (0, 6),
            (3, 6),
            (1, 5),
            (0, 4),
            (2, 3),
            (1, 2),
        ]
        .into_iter()
        .collect();
        assert_eq!(dot_edges(v[8]), edges);
        // Only what reaches the value: b reaches back through a to y, never to x.
        assert_eq!(dot_edges(v[3]), [(2, 3), (1, 2)].into_iter().collect());
        let dot = v[3].to_dot(None);
        assert!(dot.contains("\"n1\""));
        assert!(!dot.contains("\"n0\""));
    }
}

/// `Tape::custom` nodes with one or two edges of derivative 1, on the node just before or
/// further back, differentiate, trace and draw like any other.
#[test]
fn custom_nodes_with_one_or_two_unit_edges_keep_their_parents() {
    for tape in tapes() {
        let x = tape.var(2.0); // 0
        let y = tape.var(3.0); // 1
        let u = tape.custom(10.0, &[(y, 1.0)]); // 2: the node before
        let v = tape.custom(20.0, &[(x, 1.0)]); // 3: further back
        let w = tape.custom(30.0, &[(v, 1.0), (u, 1.0)]); // 4: the node before first
        let k = tape.custom(7.0, &[]); // 5: no edge at all
        let z = tape.custom(1.0, &[(w, 2.0), (Value::constant(5.0), 9.0), (k, 1.0)]); // 6
        assert_eq!(tape.len(), 7);
        let g = z.backward();
        assert_eq!(g.as_slice(), &[2.0, 2.0, 2.0, 2.0, 2.0, 1.0, 1.0]);
        assert_eq!(
            trace_of(z),
            vec![
                (6, 1.0, vec![(4, 2.0), (5, 1.0)]),
                (5, 1.0, vec![]),
                (4, 2.0, vec![(3, 1.0), (2, 1.0)]),
                (3, 2.0, vec![(0, 1.0)]),
                (2, 2.0, vec![(1, 1.0)]),
                (1, 2.0, vec![]),
                (0, 2.0, vec![]),
            ]
        );
        let edges: BTreeSet<_> = [(4, 6), (5, 6), (3, 4), (2, 4), (0, 3), (1, 2)]
            .into_iter()
            .collect();
        assert_eq!(dot_edges(z), edges);
        // The same derivatives through the operators give the same gradients.
        let t2 = Tape::new();
        let (x2, y2) = (t2.var(2.0), t2.var(3.0));
        let u2 = y2 + 7.0;
        let v2 = x2 + 18.0;
        let w2 = v2 + u2;
        let k2 = t2.var(7.0);
        let z2 = w2 * 2.0 + k2;
        assert_eq!(z2.backward().wrt_all(&[x2, y2, k2]), [2.0, 2.0, 1.0]);
    }
}

/// One value's gradients, trace and picture, as bits and text.
fn observe(out: Value<'_>) -> (Vec<u64>, String, String) {
    let (g, trace) = out.backward_traced();
    (
        bits(g.as_slice()),
        format!("{trace}\n{trace:?}"),
        out.to_dot(Some(&g)),
    )
}

/// Records one node of every kind after the nodes in `v`, reaching back to any of them.
fn record_more<'t>(tape: &'t Tape, v: &mut Vec<Value<'t>>, last: usize) {
    type Kind<'a, 't> = &'a dyn Fn(&[Value<'t>]) -> Value<'t>;
    let n = v.len();
    let kinds: [Kind<'_, 't>; 11] = [
        &|v| v[v.len() - 1] * 1.5,                          // the node before
        &|v| v[v.len() - 1] + 0.25,                         // the node before, derivative 1
        &|v| v[0] * -2.0,                                   // further back
        &|v| v[1] - 1.0,                                    // further back, derivative 1
        &|v| v[v.len() - 1] * v[0],                         // two inputs
        &|v| v[2] + v[v.len() - 1],                         // two, derivatives 1
        &|v| sum(&[v[0], v[1], v[v.len() - 1]]),            // many
        &|v| dot(&v[..2], &v[2..4]),                        // many
        &|v| tape.custom(0.5, &[(v[v.len() - 1], 1.0)]),    // custom, one edge
        &|v| tape.custom(0.5, &[(v[1], 1.0), (v[0], 1.0)]), // custom, two edges
        &|_| tape.var(9.0),                                 // a leaf
    ];
    for k in 0..kinds.len() {
        let kind = kinds[(k + last) % kinds.len()];
        let x = kind(&v[..]);
        v.push(x);
    }
    assert_eq!(v.len(), n + kinds.len());
}

/// Backward of a value reads the nodes up to it only: recording more nodes of any kind
/// afterwards changes none of its gradients, traces or pictures, bit for bit.
#[test]
fn backward_of_an_intermediate_value_ignores_every_kind_of_node_recorded_later() {
    let fresh = Tape::new();
    let prefix = every_kind(&fresh, 1.5, -0.5);
    let reference: Vec<_> = prefix.iter().map(|&v| observe(v)).collect();
    for last in 0..11 {
        let tape = Tape::new();
        let mut v = every_kind(&tape, 1.5, -0.5);
        for _ in 0..=last {
            record_more(&tape, &mut v, last);
        }
        for (i, r) in reference.iter().enumerate() {
            assert_eq!(&observe(v[i]), r, "node {i}, suffix {last}");
        }
        // The suffix itself: every node of it differentiates to the end.
        let out = v[v.len() - 1];
        let g = out.backward();
        assert_eq!(g.as_slice().len(), v.len());
        assert_eq!(g.wrt(out), 1.0);
    }
}

/// A long graph of every kind, interleaved so that each array runs out of room at a
/// different node.
fn long_graph(tape: &Tape, seed: usize, len: usize) -> Vec<Value<'_>> {
    let mut v = every_kind(tape, 0.75 + seed as f64 * 0.125, -0.5);
    let mut last = seed;
    while v.len() < len {
        record_more(tape, &mut v, last);
        last += 1;
        // Keep values small: a chain of products would overflow.
        let t = v[v.len() - 1].tanh();
        v.push(t);
    }
    v
}

fn observe_all(v: &[Value<'_>]) -> Vec<(Vec<u64>, String, String)> {
    let picks = [v.len() - 1, v.len() / 2, 8, 3];
    picks.iter().map(|&i| observe(v[i])).collect()
}

#[test]
fn clear_and_record_again_gives_the_same_bits_as_a_fresh_tape() {
    let sizes = [300, 20, 300, 700, 5];
    let expected: Vec<_> = sizes
        .iter()
        .enumerate()
        .map(|(seed, &len)| {
            let t = Tape::new();
            observe_all(&long_graph(&t, seed, len))
        })
        .collect();
    let caps = [
        None,
        Some((0, 0)),
        Some((1, 0)),
        Some((0, 1)),
        Some((3, 1000)),
        Some((1000, 3)),
    ];
    for cap in caps {
        let mut tape = cap.map_or_else(Tape::new, |(n, e)| Tape::with_capacity(n, e));
        for round in 0..2 {
            for (seed, &len) in sizes.iter().enumerate() {
                tape.clear();
                assert!(tape.is_empty());
                let v = long_graph(&tape, seed, len);
                assert_eq!(tape.len(), v.len());
                assert_eq!(
                    observe_all(&v),
                    expected[seed],
                    "{cap:?}, round {round}, {seed}"
                );
            }
        }
    }
}

/// A gradients store reused across cleared tapes of different sizes starts afresh each time.
#[test]
fn backward_into_after_clear_matches_a_fresh_backward() {
    let mut tape = Tape::new();
    let mut grads = Gradients::new();
    for len in [200, 10, 400, 10] {
        tape.clear();
        let v = long_graph(&tape, len, len);
        for &i in &[v.len() - 1, 5, 2] {
            tape.backward_into(v[i], &mut grads);
            assert_eq!(
                bits(grads.as_slice()),
                bits(v[i].backward().as_slice()),
                "{len} {i}"
            );
        }
    }
}

/// A graph on a fresh tape: its output, and the inputs whose gradient is checked.
type Case = for<'t> fn(&'t Tape) -> (Value<'t>, Vec<Value<'t>>);

/// Tapes to record a case on: a new one (which makes room as it records) and ones with room
/// already (made with room, or cleared after a bigger graph).
fn tapes() -> Vec<Tape> {
    let mut warm = Tape::new();
    let _ = long_graph(&warm, 1, 300);
    warm.clear();
    vec![Tape::new(), Tape::with_capacity(100, 100), warm]
}

/// If a node's value is NaN, every local derivative it records is NaN: a NaN node whose
/// derivative would be 1 (an addition, a custom derivative of 1) passes NaN back, to every
/// input, finite ones too.
#[test]
fn a_nan_node_passes_nan_even_where_its_derivative_would_be_1() {
    let cases: [(&str, Case); 9] = [
        ("the node before, + c", |t| {
            let x = t.var(f64::NAN);
            (x + 1.0, vec![x])
        }),
        ("the node before, custom 1", |t| {
            let x = t.var(2.0);
            (x.custom(f64::NAN, 1.0), vec![x])
        }),
        ("further back, + c", |t| {
            let x = t.var(f64::NAN);
            let _ = t.var(2.0);
            (x + 3.0, vec![x])
        }),
        ("two further back, x + y", |t| {
            let x = t.var(f64::NAN);
            let y = t.var(2.0);
            let _ = t.var(0.0);
            (x + y, vec![x, y])
        }),
        ("two, y + x on the node before", |t| {
            let y = t.var(2.0);
            let x = t.var(f64::NAN);
            (y + x, vec![x, y])
        }),
        ("custom, one edge of 1", |t| {
            let x = t.var(2.0);
            let _ = t.var(0.0);
            (t.custom(f64::NAN, &[(x, 1.0)]), vec![x])
        }),
        ("custom, two edges of 1", |t| {
            let x = t.var(2.0);
            let y = t.var(3.0);
            (t.custom(f64::NAN, &[(x, 1.0), (y, 1.0)]), vec![x, y])
        }),
        ("sum", |t| {
            let x = t.var(2.0);
            let n = t.var(f64::NAN);
            (sum(&[x, x, n]), vec![x, n])
        }),
        ("affine", |t| {
            let w = t.var(2.0);
            let n = t.var(f64::NAN);
            let b = t.var(1.0);
            (affine(&[w], &[n], b), vec![w, n, b])
        }),
    ];
    for ((name, case), tape) in cases
        .iter()
        .flat_map(|c| tapes().into_iter().map(move |t| (c, t)))
    {
        let (out, inputs) = case(&tape);
        assert!(out.data().is_nan(), "{name}");
        let g = out.backward();
        for (i, v) in inputs.into_iter().enumerate() {
            assert!(g.wrt(v).is_nan(), "{name}: input {i} got {}", g.wrt(v));
        }
        let (node, grad, passes) = trace_of(out).remove(0);
        assert_eq!((node, grad), (tape.len() - 1, 1.0), "{name}");
        assert!(
            !passes.is_empty() && passes.iter().all(|(_, d)| d.is_nan()),
            "{name}: {passes:?}"
        );
    }
    // A NaN node at the end of a chain of additions: NaN all the way down.
    let t = Tape::new();
    let x = t.var(1.0);
    let mut v = x;
    for _ in 0..5 {
        v += 1.0;
    }
    let n = v.custom(f64::NAN, 1.0);
    let out = n + 1.0;
    let g = out.backward();
    assert_eq!(g.as_slice().len(), 8);
    assert!(
        g.as_slice()[..7].iter().all(|d| d.is_nan()),
        "{:?}",
        g.as_slice()
    );
    // ... but a NaN node whose gradient is exactly 0 passes nothing back.
    let t = Tape::new();
    let x = t.var(f64::NAN);
    let y = x + 1.0;
    let z = t.var(4.0);
    let out = t.custom(1.0, &[(y, 0.0), (z, 1.0)]);
    let g = out.backward();
    assert_eq!(
        bits(g.as_slice()),
        [0, 0, 1.0f64.to_bits(), 1.0f64.to_bits()]
    );
    // A finite node with a NaN derivative passes NaN too.
    let t = Tape::new();
    let x = t.var(1.0);
    let y = x.custom(5.0, f64::NAN) + 1.0;
    assert!(y.backward().wrt(x).is_nan());
}

/// No gradient is ever −0.0: each is `+0.0` plus its contributions, and `+0.0 + −0.0` is
/// `+0.0`, whether the −0.0 comes from the node just after or from further on, through every
/// shape of node.
#[test]
fn no_gradient_is_negative_zero_through_any_kind_of_node() {
    // Each case: an output, and a value whose only contributions are −0.0.
    let cases: [(&str, Case); 9] = [
        ("the node before", |t| {
            let nz = t.var(-0.0);
            (nz * -0.0, vec![nz])
        }),
        ("additions before", |t| {
            let x = t.var(1.5);
            let y = x + 1.0;
            let z = y + 2.0;
            (z * -0.0, vec![z, y, x])
        }),
        ("further back", |t| {
            let x = t.var(1.5);
            let _ = t.var(1.0);
            (x * -0.0, vec![x])
        }),
        ("two, one the node before", |t| {
            let nz = t.var(-0.0);
            let p = t.var(1.5) + 0.5;
            (p * nz, vec![p])
        }),
        ("two further back", |t| {
            let x = t.var(1.5);
            let nz = t.var(-0.0);
            let _ = t.var(1.0);
            (x * nz, vec![x])
        }),
        ("two, both the node before", |t| {
            let q = t.var(1.5) * -0.0; // −0.0
            (q * q, vec![q])
        }),
        ("many", |t| {
            let x = t.var(1.5);
            let nz = t.var(-0.0);
            (dot(&[x, nz], &[nz, x]), vec![x])
        }),
        ("custom, the node before", |t| {
            let y = t.var(1.5) + 1.0;
            (t.custom(1.0, &[(y, -0.0)]), vec![y])
        }),
        ("custom, two", |t| {
            let x = t.var(1.5);
            let nz = t.var(-0.0);
            (t.custom(1.0, &[(x, -0.0), (nz, -0.0)]), vec![x, nz])
        }),
    ];
    for ((name, case), tape) in cases
        .iter()
        .flat_map(|c| tapes().into_iter().map(move |t| (c, t)))
    {
        let (out, zeros) = case(&tape);
        let g = out.backward();
        for (i, d) in g.as_slice().iter().enumerate() {
            assert!(*d != 0.0 || d.to_bits() == 0, "{name}: node {i} got −0.0");
        }
        for v in zeros {
            assert_eq!(g.wrt(v).to_bits(), 0, "{name}");
        }
    }
    // A −0.0 from the node before onto a nonzero gradient leaves it as it is.
    let t = Tape::new();
    let x = t.var(1.0);
    let y = x * -0.0; // the node just after x: contributes −0.0 to it
    let out = t.custom(0.0, &[(x, 2.0), (y, 1.0)]);
    assert_eq!(out.backward().wrt(x).to_bits(), 2.0f64.to_bits());
}

/// A node's gradient is `+0.0` plus each contribution in the order the sweep makes it: the
/// nodes that read it from the last to the first (so the node just after it comes last), and
/// each node's edges in the order they were recorded, one at a time. With a cancellation the
/// order shows: `(−1e16 + 1e16) + 1` is 1, `(1 + 1e16) − 1e16` is 0.
#[test]
fn contributions_are_added_in_the_order_the_sweep_makes_them() {
    for (kind, tape) in (0..4).flat_map(|k| tapes().into_iter().map(move |t| (k, t))) {
        let t = tape.var(0.0); // 0
        let p = match kind {
            0 => t + 0.0,
            1 => t * 1.0,
            2 => t.custom(0.0, 1.0),
            _ => tape.custom(0.0, &[(t, 1.0)]),
        }; // 1
        let q = t * 1e16; // 2
        let r = t * -1e16; // 3
        let out = sum(&[p, q, r]); // visits r, q, then p
        assert_eq!(out.backward().wrt(t), 1.0, "kind {kind}");
    }
    for tape in tapes() {
        // Two edges to the node before, after the cancellation: 0 + 1 + 1.
        let t = tape.var(0.0);
        let p = tape.custom(0.0, &[(t, 1.0), (t, 1.0)]); // 1: both to node 0
        let q = t * 1e16;
        let r = t * -1e16;
        let out = sum(&[p, q, r]);
        assert_eq!(out.backward().wrt(t), 2.0);
        // Two edges to one input, each added in turn to what the input holds (1, from q,
        // visited first): (1 + 1e16) − 1e16 and (1 − 1e16) + 1e16 are both 0, where adding
        // the two edges together first would give 1.
        for (a, b) in [(1e16, -1e16), (-1e16, 1e16)] {
            let t = tape.var(0.0);
            let custom = tape.custom(0.0, &[(t, a), (t, b)]);
            let fused = dot(&[t, t], &[Value::constant(a), Value::constant(b)]);
            for p in [custom, fused] {
                let q = t * 1.0; // recorded after p, so visited before it
                let g = (p + q).backward();
                assert_eq!(g.wrt(t).to_bits(), 0, "{a} then {b}, {:?}", p.op());
            }
        }
    }
}

/// A batch of 3000 samples through a linear neuron under MSE, every loss with derivative
/// exactly 1 or exactly 0 (the last 270 samples, whose nodes then pass nothing back): the
/// parameters' gradients equal the formula's, and repeated backward passes give the same bits.
#[test]
fn a_batch_of_unit_and_zero_loss_derivatives_gives_the_formulas_gradients() {
    let (w, b) = (2.0, 0.5);
    let model = Neuron::from_parts(vec![w], b, Activation::Linear);
    let samples = 3000;
    let xs: Vec<[f64; 1]> = (0..samples)
        .map(|s| [f64::from(s % 97) / 64.0 - 0.5])
        .collect();
    let ys: Vec<f64> = xs
        .iter()
        .enumerate()
        .map(|(s, x)| {
            let pred = (0.0 + w * x[0]) + b;
            if s >= 2730 { pred } else { pred - 1.0 } // derivative 0, or exactly 1
        })
        .collect();
    // The plain loop of the `nn` docs.
    let tape = Tape::new();
    let net = model.record(&tape);
    let losses: Vec<Value<'_>> = xs
        .iter()
        .zip(&ys)
        .map(|(x, &y)| Loss::HalfSquaredError.apply(net.forward_f64(x).unwrap()[0], y))
        .collect();
    let mean = loss::mean(&losses).unwrap();
    let plain = net.gradients(&mean.backward());
    // The formula: dL/dw = Σ x / n over the samples with derivative 1, dL/db = 2730 / n.
    let n = f64::from(samples);
    let dw: f64 = xs[..2730].iter().map(|x| x[0]).sum::<f64>() / n;
    assert!((plain[0] - dw).abs() < 1e-12, "{} vs {dw}", plain[0]);
    assert!((plain[1] - 2730.0 / n).abs() < 1e-12);
    let mut store = Gradients::new();
    for _ in 0..3 {
        tape.backward_into(mean, &mut store);
        assert_eq!(bits(&net.gradients(&store)), bits(&plain));
    }
}
