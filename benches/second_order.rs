//! Second derivatives on micrograd's demo network (2 → 16 → 16 → 1, relu hidden layers,
//! linear output, 337 parameters) over 100 moons points, mean squared error: one
//! Hessian-vector product (the gradient recorded on the tape with
//! `Value::backward_on_tape`, then one backward of `gradient · direction`) against one
//! gradient (forward and backward), and the full Hessian (one backward per parameter of the
//! recorded gradient).
//!
//! Each timed iteration records the network afresh on a cleared tape, as a training step
//! does, so both include the forward pass. The target: a Hessian-vector product at most 5×
//! a gradient, measured **paired** ([`PAIRS`] rounds, each timing ten gradients and two
//! products, about as long, one right after the other, the order alternating; the median of
//! the rounds' ratios and its 10th-90th percentile range), because this machine's speed moves
//! in phases that criterion's back-to-back runs see apart.
//!
//! Run: `cargo bench --bench second_order`. At the end it prints criterion's medians, and in
//! a full run (no filter) the paired ratio.

#[path = "common/summary.rs"]
mod summary;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use tapegrad::nn::{Activation, Init, Mlp, Module};
use tapegrad::rand::{SeedableRng, rngs::StdRng};
use tapegrad::{Gradients, Tape, Value, datasets, dot, loss};

/// The demo network at its seeded initial parameters, its data and a direction.
#[derive(Clone)]
struct Workload {
    model: Mlp,
    xs: Vec<[f64; 2]>,
    ys: Vec<f64>,
    direction: Vec<f64>,
}

impl Workload {
    fn demo() -> Self {
        let mut rng = StdRng::seed_from_u64(2024);
        let data = datasets::moons(100, 0.1, &mut rng).expect("moons");
        let model = Mlp::builder(2)
            .hidden(&[16, 16], Activation::Relu)
            .output(1, Activation::Linear)
            .init(Init::Micrograd)
            .build_with_rng(&mut rng)
            .expect("mlp");
        let n = model.parameters().len();
        Workload {
            direction: (0..n).map(|i| (i as f64 * 0.618).sin()).collect(),
            xs: data.iter().map(|p| p.inputs()).collect(),
            ys: data.iter().map(|p| p.label).collect(),
            model,
        }
    }
}

/// What each evaluation reuses: the tape and the gradient store.
#[derive(Default)]
struct Buffers {
    tape: Tape,
    grads: Gradients,
}

/// The network's mean squared error over the workload's points, recorded on `net`'s tape.
fn mean_loss<'t>(net: &tapegrad::nn::Recorded<'t, '_, Mlp>, w: &Workload) -> Value<'t> {
    let losses: Vec<Value<'t>> =
        w.xs.iter()
            .zip(&w.ys)
            .map(|(x, &y)| loss::mse(net.forward_f64(x).expect("forward")[0], y))
            .collect();
    loss::mean(&losses).expect("points")
}

/// One gradient: forward, backward.
fn gradient(b: &mut Buffers, w: &Workload) -> Vec<f64> {
    b.tape.clear();
    let net = w.model.record(&b.tape);
    let loss = mean_loss(&net, w);
    b.tape.backward_into(loss, &mut b.grads);
    net.gradients(&b.grads)
}

/// One Hessian-vector product: forward, the gradient recorded on the tape, one backward of
/// `gradient · direction`.
fn hvp(b: &mut Buffers, w: &Workload) -> Vec<f64> {
    b.tape.clear();
    let net = w.model.record(&b.tape);
    let loss = mean_loss(&net, w);
    let gradient = loss.backward_on_tape(net.params()).expect("no custom node");
    let direction: Vec<Value<'_>> = w.direction.iter().map(|&d| d.into()).collect();
    b.tape
        .backward_into(dot(&gradient, &direction), &mut b.grads);
    net.gradients(&b.grads)
}

/// The full Hessian, row by row: the gradient recorded once, then one backward per entry.
fn hessian(b: &mut Buffers, w: &Workload) -> Vec<Vec<f64>> {
    b.tape.clear();
    let net = w.model.record(&b.tape);
    let loss = mean_loss(&net, w);
    let gradient = loss.backward_on_tape(net.params()).expect("no custom node");
    gradient
        .iter()
        .map(|&g| {
            b.tape.backward_into(g, &mut b.grads);
            net.gradients(&b.grads)
        })
        .collect()
}

/// The product agrees with central differences of gradients along the direction, and with
/// the Hessian times the direction.
fn check(w: &Workload) {
    let mut b = Buffers::default();
    let hv = hvp(&mut b, w);
    let h = hessian(&mut b, w);
    assert_eq!(h.len(), 337);
    let params = w.model.parameters();
    let mut at = |t: f64| {
        let mut shifted = w.clone();
        let p: Vec<f64> = params
            .iter()
            .zip(&w.direction)
            .map(|(p, d)| p + t * d)
            .collect();
        shifted.model.set_parameters(&p).expect("parameters");
        gradient(&mut b, &shifted)
    };
    let eps = 1e-6;
    let (hi, lo) = (at(eps), at(-eps));
    let norm = hv.iter().map(|x| x * x).sum::<f64>().sqrt();
    for (i, &x) in hv.iter().enumerate() {
        let fd = (hi[i] - lo[i]) / (2.0 * eps);
        let row: f64 = h[i].iter().zip(&w.direction).map(|(a, d)| a * d).sum();
        assert!((x - fd).abs() <= 1e-5 * norm, "entry {i}: {x} vs {fd}");
        assert!((x - row).abs() <= 1e-12 * norm, "entry {i}: {x} vs {row}");
    }
}

/// Rounds of the paired comparison, and calls of each in a round: about as long for one as
/// for the other, so that both see the same moment of the machine.
const PAIRS: usize = 101;
const GRADIENTS_PER_ROUND: usize = 10;
const PRODUCTS_PER_ROUND: usize = 2;

/// Seconds per call of `f`, over `calls` calls.
fn time_calls<T>(calls: usize, mut f: impl FnMut() -> T) -> f64 {
    let t = Instant::now();
    for _ in 0..calls {
        black_box(f());
    }
    t.elapsed().as_secs_f64() / calls as f64
}

/// A Hessian-vector product ÷ a gradient, paired: the 10th percentile, the median and the
/// 90th percentile of [`PAIRS`] rounds' ratios.
fn paired_ratio(w: &Workload) -> [f64; 3] {
    let (mut gb, mut hb) = (Buffers::default(), Buffers::default());
    let mut gradients = || time_calls(GRADIENTS_PER_ROUND, || gradient(&mut gb, w));
    let mut products = || time_calls(PRODUCTS_PER_ROUND, || hvp(&mut hb, w));
    gradients();
    products();
    let mut ratios: Vec<f64> = (0..PAIRS)
        .map(|round| {
            let (g, h) = if round % 2 == 0 {
                let g = gradients();
                (g, products())
            } else {
                let h = products();
                (gradients(), h)
            };
            h / g
        })
        .collect();
    summary::percentiles(&mut ratios)
}

fn bench(c: &mut Criterion) {
    let w = Workload::demo();
    check(&w);
    let mut g = c.benchmark_group("second_order_demo_relu");
    let mut b = Buffers::default();
    g.bench_function("gradient", |bench| {
        bench.iter(|| black_box(gradient(&mut b, &w)))
    });
    g.bench_function("hvp", |bench| bench.iter(|| black_box(hvp(&mut b, &w))));
    g.bench_function("hessian", |bench| {
        bench.iter(|| black_box(hessian(&mut b, &w)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = bench
}

fn main() {
    let results = summary::Results::start();
    benches();
    Criterion::default().configure_from_args().final_summary();
    let group = "second_order_demo_relu";
    let m = |f: &str| results.median(group, f);
    if let (Some(grad), Some(hvp), Some(hess)) = (m("gradient"), m("hvp"), m("hessian")) {
        println!("\nSummary (criterion medians, this run):");
        println!(
            "  demo relu, 337 parameters: gradient {}, Hessian-vector product {} ({:.2}×), \
             full Hessian {} ({:.0}×)",
            summary::time(grad),
            summary::time(hvp),
            hvp / grad,
            summary::time(hess),
            hess / grad
        );
    }
    // Only in a full run (`cargo bench`), not with a filter or as a test.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--bench") && args.iter().all(|a| a == "--bench") {
        let [low, mid, high] = paired_ratio(&Workload::demo());
        println!(
            "Paired, {PAIRS} rounds of {GRADIENTS_PER_ROUND} gradients and \
             {PRODUCTS_PER_ROUND} products, interleaved: Hessian-vector product ÷ gradient \
             {mid:.2}× ({low:.2}-{high:.2}) (≤ 5: {})",
            summary::verdict(mid <= 5.0)
        );
    }
}
