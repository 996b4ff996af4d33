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
//! and the tape's time against the plain loops'. A full run (no filter) then measures the
//! chain at 10⁴ and 10⁶ **paired**, as the training bench does: criterion times each for
//! seconds on end, one after the other, and this machine's speed changes in phases
//! (`PERFORMANCE.md`), so a slow phase can fall on one of them alone; paired rounds see the
//! same moment. The guard is a paired ratio: record + backward at 10⁶ nodes at most 6× the
//! plain loops, median of the rounds; the summary says whether it is met.

#[path = "common/summary.rs"]
mod summary;

use std::hint::black_box;
use std::time::{Duration, Instant};

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

/// Few samples and short runs, so that the whole bench stays short on two cores.
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
/// about the same moment: on the tape ([`TapeChain`]) and with no engine at all
/// ([`PlainLoops`]).
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
        let mut tape = TapeChain::new(n);
        group.bench_with_input(BenchmarkId::new(TAPE, n), &n, |b, _| b.iter(|| tape.run()));
        let mut plain = PlainLoops::new(n);
        group.bench_with_input(BenchmarkId::new(PLAIN_LOOPS, n), &n, |b, _| {
            b.iter(|| plain.run())
        });
    }
    group.finish();
}

/// The chain on a reused tape, differentiated with `backward_into` (every node's gradient).
struct TapeChain {
    n: usize,
    tape: Tape,
    grads: Gradients,
}

impl TapeChain {
    fn new(n: usize) -> Self {
        TapeChain {
            n,
            tape: Tape::with_capacity(n, n),
            grads: Gradients::new(),
        }
    }

    /// Records the chain on the cleared tape and differentiates it; returns d(out)/d(leaf).
    fn run(&mut self) -> f64 {
        let (n, tape) = (self.n, &mut self.tape);
        tape.clear();
        let x = tape.var(black_box(0.5));
        let mut v = x;
        // One multiply and one add per iteration: no branch in the loop body, whose cost
        // would not be the engine's.
        for _ in 0..(n - 1) / 2 {
            v = v * FACTOR + ADDEND;
        }
        if (n - 1) % 2 == 1 {
            v *= FACTOR;
        }
        tape.backward_into(v, &mut self.grads);
        self.grads.wrt(x)
    }
}

/// Tag bytes the plain loops write (any two distinct bytes: the loops only move them).
const MUL: u8 = 1;
const ADD: u8 = 2;

/// The chain with no engine: the same arithmetic, and the bytes a minimal record of it needs
/// written forward (a tag byte and a value per node, a local derivative per multiply) and read
/// and written backward (tags and derivatives read, a gradient written per node), in plain
/// loops over preallocated slices. What the tape costs above this is the engine's own work.
struct PlainLoops {
    n: usize,
    tag: Vec<u8>,
    data: Vec<f64>,
    partial: Vec<f64>,
    grads: Vec<f64>,
}

impl PlainLoops {
    fn new(n: usize) -> Self {
        // A last multiply on its own, as in the chain, when n - 1 is odd.
        let partials = (n - 1) / 2 + (n - 1) % 2;
        PlainLoops {
            n,
            tag: vec![0; n],
            data: vec![0.0; n],
            partial: vec![0.0; partials],
            grads: vec![0.0; n],
        }
    }

    /// Runs the chain forward and backward; returns d(out)/d(leaf).
    fn run(&mut self) -> f64 {
        let n = self.n;
        let PlainLoops {
            tag,
            data,
            partial,
            grads,
            ..
        } = self;
        let pairs = (n - 1) / 2;
        let last = (n - 1) % 2 == 1;
        // Through the bits: `black_box(0.5)` straight into `v` kept `v` in the stack
        // slot `black_box` had seen, a store and a reload on every step.
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
        black_box((&mut *tag, &mut *data, &mut *partial));
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
    }
}

/// Chain sizes measured paired, and the rounds at each.
const PAIRED_SIZES: [usize; 2] = [10_000, 1_000_000];
const PAIRS: usize = 101;

/// The chain at size n, paired: [`PAIRS`] rounds, each timing the tape right before or right
/// after the plain loops (which goes first alternates), so that both see the same moment of
/// the machine. Returns, each as [10th percentile, median, 90th percentile] over the rounds,
/// tape ÷ plain loops and the tape's seconds a node.
fn paired(n: usize) -> [[f64; 3]; 2] {
    let mut tape = TapeChain::new(n);
    let mut plain = PlainLoops::new(n);
    // Enough runs a round that even at 10⁴ nodes each timing spans many runs, not one.
    let runs = (200_000 / n).max(1);
    let time = |run: &mut dyn FnMut() -> f64| {
        let t = Instant::now();
        for _ in 0..runs {
            black_box(run());
        }
        t.elapsed().as_secs_f64() / runs as f64
    };
    // Warm both up.
    time(&mut || tape.run());
    time(&mut || plain.run());
    let (mut ratios, mut per_node) = (Vec::new(), Vec::new());
    for round in 0..PAIRS {
        let (t, p) = if round % 2 == 0 {
            let t = time(&mut || tape.run());
            (t, time(&mut || plain.run()))
        } else {
            let p = time(&mut || plain.run());
            (time(&mut || tape.run()), p)
        };
        ratios.push(t / p);
        per_node.push(t / n as f64);
    }
    [ratios, per_node].map(|mut v| {
        v.sort_by(f64::total_cmp);
        [v[PAIRS / 10], v[PAIRS / 2], v[PAIRS - 1 - PAIRS / 10]]
    })
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

/// The chain's guard: recording and differentiating 10⁶ nodes takes at most this many times
/// the plain loops, paired median. A ratio, because this machine's speed moves by 30% from
/// one run to the next and the plain loops move with it.
const GUARD_SIZE: usize = 1_000_000;
const GUARD_RATIO: f64 = 6.0;

/// The chain's figures, from the medians criterion wrote during this run, for the tape and
/// the plain loops beside it, then the paired rounds and whether the guard is met.
fn print_summary(results: &summary::Results, paired: &[(usize, [[f64; 3]; 2])]) {
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
        "  {:>10}  {:<20} {:<20} tape ÷ plain",
        "nodes", "tape", "plain loops"
    );
    // Rounded down, so that a figure never reads higher than it is.
    let cell = |t: Option<f64>| match t {
        Some(t) => format!("{:.2} ({:.0})", t * 1e9, (1e-6 / t).floor()),
        None => "-".to_string(),
    };
    for n in CHAIN_SIZES {
        let (tape, plain) = (per_node(TAPE, n), per_node(PLAIN_LOOPS, n));
        let ratio = match (tape, plain) {
            (Some(t), Some(p)) => format!("{:.2}×", t / p),
            _ => "-".to_string(),
        };
        println!("  {n:>10}  {:<20} {:<20} {ratio}", cell(tape), cell(plain));
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
    if paired.is_empty() {
        println!(
            "  Guard (tape ÷ plain loops at 10⁶ ≤ {GUARD_RATIO}×, paired median): not measured; \
             run the bench without a filter."
        );
        return;
    }
    println!(
        "Paired, {PAIRS} rounds, tape and plain loops one right after the other: median \
         (10th-90th percentile)"
    );
    for (n, [[r_low, r_mid, r_high], [t_low, t_mid, t_high]]) in paired {
        let rate = |t: f64| (1e-6 / t).floor();
        println!(
            "  {n:>10}  tape ÷ plain loops {r_mid:.2}× ({r_low:.2}-{r_high:.2}); tape {:.2} ns a \
             node ({:.2}-{:.2}), {} M nodes a second ({}-{})",
            t_mid * 1e9,
            t_low * 1e9,
            t_high * 1e9,
            rate(*t_mid),
            rate(*t_high),
            rate(*t_low),
        );
    }
    if let Some((_, [[_, ratio, _], _])) = paired.iter().find(|(n, _)| *n == GUARD_SIZE) {
        println!(
            "  Guard: record + backward at 10⁶ ≤ {GUARD_RATIO}× the plain loops, paired median: \
             {ratio:.2}×, {}",
            summary::verdict(*ratio <= GUARD_RATIO)
        );
    }
}

/// The chain's criterion IDs: the tape, then the plain loops.
const TAPE: &str = "tape";
const PLAIN_LOOPS: &str = "plain_loops";

criterion_group!(benches, chain, wide);

fn main() {
    let results = summary::Results::start();
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Only in a full run (`cargo bench`), not when criterion runs the bench as a test or
    // with a filter.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench") && args.iter().all(|a| a == "--bench");
    let paired: Vec<_> = if full {
        PAIRED_SIZES.iter().map(|&n| (n, paired(n))).collect()
    } else {
        Vec::new()
    };
    print_summary(&results, &paired);
}
