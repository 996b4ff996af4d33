//! Engine throughput: record a graph of n nodes and run the backward sweep, for a long chain
//! (n = 10³ … 10⁷) and for a wide random graph (n = 10³ … 10⁶). Criterion reports nodes per
//! second ("elem/s").
//!
//! Each iteration clears one reused `Tape` (which keeps its memory) and sweeps into one reused
//! `Gradients`, so what is measured is recording and differentiating, not allocation.
//!
//! The chain runs on the tape, with every node's gradient (`Tape::backward_into`), and beside
//! it as plain loops over slices with no autodiff at all, which compute the same numbers and
//! move the bytes a minimal record of the chain needs: a floor for the engine, measured right
//! after the tape at each size so that a slow moment of the machine shows in both.
//!
//! Run with `cargo bench --bench engine`. At the end it prints the chain's time and
//! throughput per size and its cost per node at 10⁷ against 10⁴, from criterion's medians,
//! and the tape's time against the plain loops'.

#[path = "common/summary.rs"]
mod summary;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group};
use tapegrad::rand::rngs::StdRng;
use tapegrad::rand::{RngExt, SeedableRng};
use tapegrad::{Gradients, Tape, Value, sum};

/// Sizes of the wide graph.
const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// Sizes of the chain: the wide graph's and 10⁷.
const CHAIN_SIZES: [usize; 5] = [1_000, 10_000, 100_000, 1_000_000, 10_000_000];

/// The chain's multiplier and addend, shared by the engine's chain and the plain loops.
const FACTOR: f64 = 1.000_000_1;
const ADDEND: f64 = 1e-7;

/// Few samples and short runs, so the whole bench takes about three minutes on two cores.
fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
}

/// Long enough for ten samples of one size: a 10⁶-node wide graph takes ~0.3 s an iteration.
fn measurement_time(n: usize) -> Duration {
    Duration::from_secs(if n >= 1_000_000 { 6 } else { 3 })
}

/// A chain of n nodes: one leaf, then alternately `v * 1.0000001` and `v + 1e-7`. Every node
/// depends on the one before it: the deepest graph there is. Sizes 10³ … 10⁷.
///
/// Each size is measured two ways one after the other, so that both see the machine in
/// about the same moment: on the tape (`tape`) and with no engine at all ([`plain_loops`]).
fn chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("chain");
    configure(&mut group);
    for n in CHAIN_SIZES {
        // Twenty samples where they fit in the time: the machine's speed drifts within a
        // run, and the median of more samples drifts less.
        group
            .throughput(Throughput::Elements(n as u64))
            .measurement_time(measurement_time(n))
            .sample_size(if n >= 10_000_000 { 10 } else { 20 });
        chain_on(&mut group, Tape::with_capacity(n, n), n);
        plain_loops(&mut group, n);
    }
    group.finish();
}

/// The chain on `tape`, differentiated with `backward_into` (every node's gradient).
fn chain_on(group: &mut BenchmarkGroup<'_, WallTime>, mut tape: Tape, n: usize) {
    let mut grads = Gradients::new();
    group.bench_with_input(BenchmarkId::new(TAPE, n), &n, |b, &n| {
        b.iter(|| {
            tape.clear();
            let x = tape.var(black_box(0.5));
            let mut v = x;
            // One multiply and one add per iteration; no branch in the loop body (an
            // alternating `if` costs ~5 ns a node here, measured, and that is not the
            // engine's cost).
            for _ in 0..(n - 1) / 2 {
                v = v * FACTOR + ADDEND;
            }
            if (n - 1) % 2 == 1 {
                v *= FACTOR;
            }
            tape.backward_into(v, &mut grads);
            grads.wrt(x)
        });
    });
}

/// Tag bytes the plain loops write (any two distinct bytes: the loops only move them).
const MUL: u8 = 1;
const ADD: u8 = 2;

/// The chain with no engine: the same arithmetic, and the bytes a minimal record of it needs
/// written forward (a tag byte and a value per node, a local derivative per multiply) and read
/// and written backward (tags and derivatives read, a gradient written per node), in plain
/// loops over preallocated slices. What the tape costs above this is the engine's own work.
fn plain_loops(group: &mut BenchmarkGroup<'_, WallTime>, n: usize) {
    let pairs = (n - 1) / 2;
    // A last multiply on its own, as in the chain, when n - 1 is odd.
    let last = (n - 1) % 2 == 1;
    let mut tag = vec![0u8; n];
    let mut data = vec![0.0f64; n];
    let mut partial = vec![0.0f64; pairs + usize::from(last)];
    let mut grads = vec![0.0f64; n];
    group.bench_with_input(BenchmarkId::new(PLAIN_LOOPS, n), &n, |b, _| {
        b.iter(|| {
            // Through the bits: `black_box(0.5)` straight into `v` kept `v` in the stack
            // slot `black_box` had seen, a store and a reload on every step (about 9
            // cycles a node where the arithmetic needs 6).
            let mut v = f64::from_bits(black_box(0.5f64.to_bits()));
            data[0] = v;
            tag[0] = 0;
            // `chunks_exact` leaves the last node out when it is a multiply on its own.
            let nodes = tag[1..]
                .chunks_exact_mut(2)
                .zip(data[1..].chunks_exact_mut(2));
            for ((t, d), p) in nodes.zip(&mut partial[..pairs]) {
                v *= FACTOR;
                d[0] = v;
                *p = FACTOR;
                t[0] = MUL;
                v += ADDEND;
                d[1] = v;
                t[1] = ADD;
            }
            if last {
                v *= FACTOR;
                data[n - 1] = v;
                partial[pairs] = FACTOR;
                tag[n - 1] = MUL;
            }
            black_box((&mut tag, &mut data, &mut partial));
            // Backward: every node's gradient written once, the multiplies' derivatives
            // and every tag read.
            let (mut g, mut seen) = (1.0, 0u8);
            if last {
                grads[n - 1] = g;
                seen ^= tag[n - 1];
                g *= partial[pairs];
            }
            let nodes = grads[1..]
                .chunks_exact_mut(2)
                .zip(tag[1..].chunks_exact(2))
                .zip(&partial[..pairs])
                .rev();
            for ((gs, t), &p) in nodes {
                seen ^= t[0] ^ t[1];
                gs[1] = g;
                gs[0] = g;
                g *= p;
            }
            grads[0] = g;
            black_box(seen);
            g
        });
    });
}

/// Leaves of the wide graph.
const LEAVES: usize = 32;

/// A wide random graph of n nodes, pregenerated: `LEAVES` leaves in [1, 2), then nodes that
/// each combine two uniformly random earlier nodes with `+` or `*`. Every value is ≥ 1, so no
/// subnormals appear; about half the products overflow to +inf, which costs the same.
///
/// The output is the fused [`sum`] of every node, so the backward sweep does work at every
/// node: with the last node alone as output, only about 2,000 of 10⁶ nodes would reach it.
struct Wide {
    leaves: Vec<f64>,
    /// `(left, right, multiply)` per combining node.
    picks: Vec<(u32, u32, bool)>,
}

impl Wide {
    fn new(n: usize, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let leaves = (0..LEAVES).map(|_| rng.random_range(1.0..2.0)).collect();
        let picks = (LEAVES..n)
            .map(|k| {
                let k = k as u32;
                (
                    rng.random_range(0..k),
                    rng.random_range(0..k),
                    rng.random_bool(0.5),
                )
            })
            .collect();
        Wide { leaves, picks }
    }
}

/// Empties `v` and returns its allocation as a vector of values of another lifetime, so the
/// node buffer outlives each iteration's tape borrow (`Vec`'s in-place `collect` keeps the
/// allocation; the closure never runs).
fn recycle<'b>(mut v: Vec<Value<'_>>) -> Vec<Value<'b>> {
    v.clear();
    v.into_iter().map(|_| unreachable!()).collect()
}

fn wide(c: &mut Criterion) {
    let mut group = c.benchmark_group("wide");
    configure(&mut group);
    for n in SIZES {
        let graph = Wide::new(n, 42);
        let mut tape = Tape::with_capacity(n + 1, 3 * n);
        let mut grads = Gradients::new();
        let mut buffer: Vec<Value<'static>> = Vec::with_capacity(n);
        group
            .throughput(Throughput::Elements(n as u64))
            .measurement_time(measurement_time(n));
        group.bench_with_input(BenchmarkId::from_parameter(n), &graph, |b, graph| {
            b.iter(|| {
                tape.clear();
                let mut nodes = recycle(std::mem::take(&mut buffer));
                nodes.extend(graph.leaves.iter().map(|&x| tape.var(x)));
                for &(i, j, multiply) in &graph.picks {
                    let (a, b) = (nodes[i as usize], nodes[j as usize]);
                    nodes.push(if multiply { a * b } else { a + b });
                }
                let out = sum(&nodes);
                tape.backward_into(out, &mut grads);
                let g = grads.wrt(nodes[0]);
                buffer = recycle(nodes);
                g
            });
        });
    }
    group.finish();
}

/// The chain's targets, from the medians criterion wrote during this run, for the tape and
/// the plain loops beside it.
fn print_summary(results: &summary::Results) {
    let per_node = |name: &str, n: usize| {
        results
            .median("chain", &format!("{name}/{n}"))
            .map(|s| s / n as f64)
    };
    if CHAIN_SIZES.iter().all(|&n| per_node(TAPE, n).is_none()) {
        return;
    }
    println!(
        "\nSummary (criterion medians, this run): chain, forward + backward, ns a node (M nodes a second)"
    );
    println!(
        "  {:>10}  {:<26} {:<20} tape ÷ plain",
        "nodes", "tape (≥ 150 M/s)", "plain loops"
    );
    let cell = |t: Option<f64>, target: bool| match t {
        Some(t) => {
            let rate = 1e-6 / t;
            let v = if target {
                format!(" {}", summary::verdict(rate >= 150.0))
            } else {
                String::new()
            };
            // Rounded down, so that a figure never reads 150 when it is below.
            format!("{:.2} ({:.0}){v}", t * 1e9, rate.floor())
        }
        None => "-".to_string(),
    };
    for n in CHAIN_SIZES {
        let (tape, plain) = (per_node(TAPE, n), per_node(PLAIN_LOOPS, n));
        let ratio = match (tape, plain) {
            (Some(t), Some(p)) => format!("{:.2}×", t / p),
            _ => "-".to_string(),
        };
        println!(
            "  {n:>10}  {:<26} {:<20} {ratio}",
            cell(tape, true),
            cell(plain, false)
        );
    }
    if let (Some(small), Some(big)) = (per_node(TAPE, 10_000), per_node(TAPE, 10_000_000)) {
        let r = big / small;
        let v = summary::verdict(r <= 1.5);
        println!("  {TAPE}: cost per node at 10⁷ ÷ at 10⁴: {r:.2}× (≤ 1.5: {v})");
    }
    println!(
        "  (tape: Tape::backward_into, every node's gradient. The plain loops move the bytes a \
         minimal record of the chain needs, no engine; measured right after the tape.)"
    );
}

/// The chain's criterion IDs: the tape, then the plain loops.
const TAPE: &str = "tape";
const PLAIN_LOOPS: &str = "plain_loops";

criterion_group!(benches, chain, wide);

fn main() {
    let results = summary::Results::start();
    benches();
    Criterion::default().configure_from_args().final_summary();
    print_summary(&results);
}
