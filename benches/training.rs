//! One full-batch training step of a small MLP, three ways: tapegrad's plain loop (the one the
//! `nn` docs and every example write), a hand-written forward/backward over `f64` slices (the
//! floor), and the `reverse` crate (a peer).
//!
//! A step is: forward for every point, the mean hinge loss (labels ±1), backward, one SGD
//! update. Every implementation starts each timed step from the same initial parameters on
//! the same seeded data, so all three do exactly the same work every iteration (training
//! would otherwise change how many margins are violated, and with it the work).
//!
//! Workloads: `demo` is micrograd's demo shape (2 → [16, 16, 1], 337 parameters, 100 points),
//! `large` is 2 → [64, 64, 1] on 500 points; hidden layers tanh or relu, linear output.
//!
//! Run: `cargo bench --bench training` (figures in `PERFORMANCE.md`). At the end it prints
//! the comparisons from criterion's medians: tapegrad against the hand-written step and
//! against `reverse`.
//!
//! Criterion times each implementation for seconds on end, one after the other, and this
//! machine's speed changes in phases (`PERFORMANCE.md`): a slow phase that falls on one of
//! them moves its median alone. So the summary also gives, for demo,
//! tapegrad ÷ hand-written and `reverse` ÷ tapegrad measured **paired**: [`PAIRS`] rounds,
//! each timing a few steps of each implementation one right after the other (the order
//! alternates), and the median of the rounds' ratios with its 10th-90th percentile range.
//! All three see the same moment of the machine in each round.

#[path = "../tests/common/handwritten.rs"]
mod handwritten;
#[path = "common/summary.rs"]
mod summary;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group};
use tapegrad::rand::{SeedableRng, rngs::StdRng};

use handwritten::{HandMlp, Hidden};
use tapegrad::nn::{Activation, Init, Mlp, Module};
use tapegrad::optim::{Optimizer, Sgd};
use tapegrad::{Gradients, Tape, datasets, loss};

const LR: f64 = 0.05;

/// One benchmark workload: data, labels and the initial model.
struct Workload {
    xs: Vec<[f64; 2]>,
    ys: Vec<f64>,
    model: Mlp,
    hidden: Hidden,
}

impl Workload {
    fn new(widths: &[usize], points: usize, hidden: Hidden) -> Self {
        let mut rng = StdRng::seed_from_u64(2024);
        let data = datasets::moons(points, 0.1, &mut rng).expect("moons");
        let act = match hidden {
            Hidden::Tanh => Activation::Tanh,
            Hidden::Relu => Activation::Relu,
        };
        let model = Mlp::new(
            2,
            widths,
            act,
            Activation::Linear,
            Init::Micrograd,
            &mut rng,
        )
        .expect("mlp");
        Workload {
            xs: data.iter().map(|p| p.inputs()).collect(),
            ys: data.iter().map(|p| p.label).collect(),
            model,
            hidden,
        }
    }

    fn sizes(&self) -> Vec<usize> {
        self.model.sizes()
    }
}

/// What tapegrad's step keeps from one step to the next: the tape and the gradient store,
/// whose memory is reused.
#[derive(Default)]
struct Buffers {
    tape: Tape,
    grads: Gradients,
}

/// tapegrad's plain loop, as the `nn` docs write it.
fn tapegrad_step(b: &mut Buffers, model: &mut Mlp, opt: &mut Sgd, w: &Workload) -> f64 {
    b.tape.clear();
    let net = model.record(&b.tape);
    let mut losses = Vec::with_capacity(w.xs.len());
    for (x, &y) in w.xs.iter().zip(&w.ys) {
        losses.push(loss::hinge(net.forward_f64(x).expect("forward")[0], y));
    }
    let loss = loss::mean(&losses).expect("mean");
    b.tape.backward_into(loss, &mut b.grads);
    let grads = net.gradients(&b.grads);
    opt.step(model, &grads).expect("sgd");
    loss.data()
}

/// The same step with the `reverse` crate, reusing its tape (`clear` keeps the memory).
fn reverse_step(tape: &reverse::Tape, params: &mut [f64], w: &Workload) -> f64 {
    use reverse::{Gradient, Var};

    fn act<'a>(v: Var<'a>, hidden: Hidden) -> Var<'a> {
        match hidden {
            Hidden::Tanh => v.tanh(),
            // reverse has no relu: pass the value through, or record one zero-weight node.
            Hidden::Relu => {
                if v.val > 0.0 {
                    v
                } else {
                    v * 0.0
                }
            }
        }
    }

    tape.clear();
    let p = tape.add_vars(params);
    let sizes = w.sizes();
    let layers = sizes.len() - 1;
    let n = w.xs.len() as f64;
    let mut losses = Vec::with_capacity(w.xs.len());
    let mut acts: Vec<Var<'_>> = Vec::new();
    let mut next: Vec<Var<'_>> = Vec::new();
    for (x, &y) in w.xs.iter().zip(&w.ys) {
        let mut offset = 0;
        // Layer 0 reads plain inputs.
        let (nin, nout) = (sizes[0], sizes[1]);
        acts.clear();
        for j in 0..nout {
            let ws = &p[offset + j * (nin + 1)..offset + (j + 1) * (nin + 1)];
            let mut z = ws[0] * x[0];
            for k in 1..nin {
                z = z + ws[k] * x[k];
            }
            z = z + ws[nin];
            acts.push(if layers == 1 { z } else { act(z, w.hidden) });
        }
        offset += nout * (nin + 1);
        for l in 1..layers {
            let (nin, nout) = (sizes[l], sizes[l + 1]);
            next.clear();
            for j in 0..nout {
                let ws = &p[offset + j * (nin + 1)..offset + (j + 1) * (nin + 1)];
                let mut z = ws[0] * acts[0];
                for k in 1..nin {
                    z = z + ws[k] * acts[k];
                }
                z = z + ws[nin];
                next.push(if l + 1 == layers { z } else { act(z, w.hidden) });
            }
            offset += nout * (nin + 1);
            std::mem::swap(&mut acts, &mut next);
        }
        let margin = 1.0 - y * acts[0];
        losses.push(if margin.val > 0.0 {
            margin
        } else {
            margin * 0.0
        });
    }
    let loss = losses.iter().copied().sum::<Var<'_>>() / n;
    let grads = loss.grad().wrt(&p);
    for (q, g) in params.iter_mut().zip(&grads) {
        *q -= LR * g;
    }
    loss.val
}

/// Rounds of the paired comparison, and steps of each implementation in a round.
const PAIRS: usize = 101;
const STEPS_PER_ROUND: usize = 10;

/// Paired (see the module docs): tapegrad ÷ hand-written and `reverse` ÷ tapegrad, each as the
/// 10th percentile, the median and the 90th percentile of [`PAIRS`] rounds' ratios. A round
/// times tapegrad, the hand-written step and `reverse` one after the other, in that order or
/// the reverse one, alternately.
fn paired_ratios(w: &Workload) -> [[f64; 3]; 2] {
    let initial = w.model.parameters();
    let mut hand = HandMlp::new(&w.sizes(), w.hidden);
    let mut grads = vec![0.0; initial.len()];
    let mut buffers = Buffers::default();
    let mut opt = Sgd::new(LR);
    let rev_tape = reverse::Tape::new();
    // Each step starts from the same parameters, as in criterion's runs.
    let mut time_tapegrad = || {
        time_steps(
            || w.model.clone(),
            |model| tapegrad_step(&mut buffers, model, &mut opt, w),
        )
    };
    let mut time_hand = || {
        time_steps(
            || initial.clone(),
            |params| hand.step(params, &w.xs, &w.ys, &mut grads, LR),
        )
    };
    let time_reverse = || {
        time_steps(
            || initial.clone(),
            |params| reverse_step(&rev_tape, params, w),
        )
    };
    // Warm all three up.
    time_tapegrad();
    time_hand();
    time_reverse();
    let (mut over_hand, mut reverse_over): (Vec<f64>, Vec<f64>) = (0..PAIRS)
        .map(|round| {
            let (tg, hand, rev) = if round % 2 == 0 {
                let tg = time_tapegrad();
                let hand = time_hand();
                (tg, hand, time_reverse())
            } else {
                let rev = time_reverse();
                let hand = time_hand();
                (time_tapegrad(), hand, rev)
            };
            (tg / hand, rev / tg)
        })
        .unzip();
    [&mut over_hand, &mut reverse_over].map(|ratios| {
        ratios.sort_by(f64::total_cmp);
        [
            ratios[PAIRS / 10],
            ratios[PAIRS / 2],
            ratios[PAIRS - 1 - PAIRS / 10],
        ]
    })
}

/// Seconds taken by [`STEPS_PER_ROUND`] calls of `step`, each on a fresh `setup()` made
/// outside the timing (as criterion's `iter_batched_ref` does).
fn time_steps<T>(setup: impl Fn() -> T, mut step: impl FnMut(&mut T) -> f64) -> f64 {
    let mut total = Duration::ZERO;
    for _ in 0..STEPS_PER_ROUND {
        let mut input = setup();
        let t = Instant::now();
        black_box(step(&mut input));
        total += t.elapsed();
    }
    total.as_secs_f64()
}

/// micrograd's demo workload: 2 → [16, 16, 1] on 100 points.
fn demo_workload(hidden: Hidden) -> Workload {
    Workload::new(&[16, 16, 1], 100, hidden)
}

fn group(c: &mut Criterion, name: &str, w: &Workload) {
    let initial = w.model.parameters();
    let hidden = w.hidden;

    // The three implementations compute the same loss from the same start.
    let mut hand = HandMlp::new(&w.sizes(), hidden);
    let mut grads = vec![0.0; initial.len()];
    let hand_loss = hand.step(&mut initial.clone(), &w.xs, &w.ys, &mut grads, LR);
    let mut buffers = Buffers::default();
    let tg_loss = tapegrad_step(&mut buffers, &mut w.model.clone(), &mut Sgd::new(LR), w);
    let rev_tape = reverse::Tape::new();
    let rev_loss = reverse_step(&rev_tape, &mut initial.clone(), w);
    assert!(
        (hand_loss - tg_loss).abs() < 1e-12,
        "{hand_loss} vs {tg_loss}"
    );
    assert!(
        (hand_loss - rev_loss).abs() < 1e-9,
        "{hand_loss} vs {rev_loss}"
    );

    let mut g = c.benchmark_group(name);
    g.bench_function("tapegrad", |b| {
        let mut opt = Sgd::new(LR);
        b.iter_batched_ref(
            || w.model.clone(),
            |model| black_box(tapegrad_step(&mut buffers, model, &mut opt, w)),
            BatchSize::SmallInput,
        );
    });
    g.bench_function("handwritten", |b| {
        b.iter_batched_ref(
            || initial.clone(),
            |params| black_box(hand.step(params, &w.xs, &w.ys, &mut grads, LR)),
            BatchSize::SmallInput,
        );
    });
    g.bench_function("reverse", |b| {
        b.iter_batched_ref(
            || initial.clone(),
            |params| black_box(reverse_step(&rev_tape, params, w)),
            BatchSize::SmallInput,
        );
    });
    g.finish();
}

fn demo(c: &mut Criterion) {
    group(c, "demo_tanh", &demo_workload(Hidden::Tanh));
    group(c, "demo_relu", &demo_workload(Hidden::Relu));
}

fn large(c: &mut Criterion) {
    group(
        c,
        "large_tanh",
        &Workload::new(&[64, 64, 1], 500, Hidden::Tanh),
    );
    group(
        c,
        "large_relu",
        &Workload::new(&[64, 64, 1], 500, Hidden::Relu),
    );
}

criterion_group! {
    name = demo_benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = demo
}
criterion_group! {
    name = large_benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    targets = large
}
/// The comparisons, from the medians criterion wrote during this run.
fn print_summary(results: &summary::Results, paired: &[(&str, [[f64; 3]; 2])]) {
    use summary::{time, verdict};
    let mut lines = Vec::new();
    // The target for the plain loop is on demo; large is measured to show where it stands.
    for (group, limit) in [
        ("demo_tanh", Some(2.5)),
        ("demo_relu", Some(2.5)),
        ("large_tanh", None),
        ("large_relu", None),
    ] {
        let m = |f: &str| results.median(group, f);
        let Some(tg) = m("tapegrad") else { continue };
        let mut line = format!("{group:<11} tapegrad {:>9}", time(tg));
        if let Some(hand) = m("handwritten") {
            let r = tg / hand;
            let target = match limit {
                Some(limit) => format!(" (≤ {limit}: {})", verdict(r <= limit)),
                None => String::new(),
            };
            line += &format!(
                " | hand-written {:>9}, tapegrad ÷ hand-written {r:.2}×{target}",
                time(hand)
            );
        }
        if let Some(rev) = m("reverse") {
            let r = rev / tg;
            let v = verdict(r >= 3.0);
            line += &format!(
                " | reverse {:>9}, reverse ÷ tapegrad {r:.1}× (≥ 3: {v})",
                time(rev)
            );
        }
        lines.push(line);
    }
    if !lines.is_empty() {
        println!("\nSummary (criterion medians, this run):");
        for l in lines {
            println!("  {l}");
        }
    }
    if !paired.is_empty() {
        println!(
            "Paired, {PAIRS} rounds of {STEPS_PER_ROUND} steps each, interleaved: median \
             (10th-90th percentile)"
        );
        for (group, [[low, mid, high], [r_low, r_mid, r_high]]) in paired {
            println!(
                "  {group:<11} tapegrad ÷ hand-written {mid:.2}× ({low:.2}-{high:.2}) (≤ 2.5: {}) \
                 | reverse ÷ tapegrad {r_mid:.1}× ({r_low:.1}-{r_high:.1}) (≥ 3: {})",
                summary::verdict(*mid <= 2.5),
                summary::verdict(*r_mid >= 3.0)
            );
        }
    }
}

fn main() {
    let results = summary::Results::start();
    demo_benches();
    large_benches();
    Criterion::default().configure_from_args().final_summary();
    // Only in a full run (`cargo bench`), not when criterion runs the bench as a test or
    // with a filter.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench") && args.iter().all(|a| a == "--bench");
    let paired: Vec<(&str, [[f64; 3]; 2])> = if full {
        [("demo_tanh", Hidden::Tanh), ("demo_relu", Hidden::Relu)]
            .into_iter()
            .map(|(name, hidden)| (name, paired_ratios(&demo_workload(hidden))))
            .collect()
    } else {
        Vec::new()
    };
    print_summary(&results, &paired);
}
