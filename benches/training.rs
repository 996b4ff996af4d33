//! One full-batch training step of a small MLP, three ways: tapegrad's taught loop (the one
//! the README, the `nn` docs and the examples write: `nn::batch_loss`, `check_loss`, the
//! step), a hand-written forward/backward over `f64` slices (the floor), and the `reverse`
//! crate (a peer).
//!
//! A step is: forward for every point, the mean hinge loss (labels ±1; the mean squared
//! error in the paired comparisons named `mse`), backward, one SGD update. Every
//! implementation starts each timed step from the same initial parameters on the same seeded
//! data, so all three do exactly the same work every iteration (training
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
//!
//! A full run then measures the other targets the same way, paired, two implementations a
//! round: first what two threads give on this machine at that moment (a busy loop that touches
//! no memory, on one thread ÷ on two); on large, the taught loop on one thread ÷ on two; on large and demo, the taught
//! loop on one thread ÷ the hand-written step, with each hidden activation and each loss; on
//! demo, a custom activation (`tanh` and `relu` written as your own functions, with `Value`'s
//! operations or as their value and derivative) ÷ the built-in one, and the loop written with
//! `Module::record` (a vector of recorded parameters and two vectors a point, every step) ÷
//! the taught loop. `cargo bench --bench training -- paired [WORD]` measures only these
//! (those whose name contains WORD, such as `large`, `mse`, `threads` or `custom`).

#[path = "../tests/common/handwritten.rs"]
mod handwritten;
#[path = "common/summary.rs"]
mod summary;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group};
use tapegrad::rand::{SeedableRng, rngs::StdRng};

use handwritten::{HandMlp, Hidden, Loss};
use tapegrad::nn::{Activation, BatchGradients, CustomActivation, Init, Mlp, Module, batch_loss};
use tapegrad::optim::{Optimizer, Sgd, check_loss};
use tapegrad::{Gradients, Tape, Value, datasets, loss};

const LR: f64 = 0.05;

/// One benchmark workload: data, labels and the initial model.
struct Workload {
    xs: Vec<[f64; 2]>,
    ys: Vec<f64>,
    /// The same data as `(inputs, label)` samples, for `batch_loss`.
    samples: Vec<([f64; 2], f64)>,
    model: Mlp,
    hidden: Hidden,
    /// The loss of a sample: the hinge loss, unless [`with_loss`](Workload::with_loss) says.
    loss: Loss,
}

impl Workload {
    fn new(widths: &[usize], points: usize, hidden: Hidden) -> Self {
        let act = match hidden {
            Hidden::Tanh => Activation::Tanh,
            Hidden::Relu => Activation::Relu,
        };
        Workload::with_activation(widths, points, hidden, act)
    }

    /// The workload with `act` in the hidden layers in place of `hidden`'s built-in (the
    /// hand-written step still uses `hidden`).
    fn with_activation(widths: &[usize], points: usize, hidden: Hidden, act: Activation) -> Self {
        let mut rng = StdRng::seed_from_u64(2024);
        let data = datasets::moons(points, 0.1, &mut rng).expect("moons");
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
            samples: data.iter().map(|p| (p.inputs(), p.label)).collect(),
            model,
            hidden,
            loss: Loss::Hinge,
        }
    }

    /// The workload with `loss` in place of the hinge loss, in both steps.
    fn with_loss(self, loss: Loss) -> Self {
        Workload { loss, ..self }
    }

    /// The hand-written step for this workload.
    fn hand(&self) -> HandMlp {
        HandMlp::with_loss(&self.sizes(), self.hidden, self.loss)
    }

    fn sizes(&self) -> Vec<usize> {
        self.model.sizes()
    }
}

/// tapegrad's step: the taught loop (`README.md`, the `nn` docs, the examples), on `threads`
/// threads. `grads` keeps each thread's tape and buffers from one step to the next.
fn tapegrad_step(
    grads: &mut BatchGradients,
    threads: usize,
    model: &mut Mlp,
    opt: &mut Sgd,
    w: &Workload,
) -> f64 {
    let samples = &w.samples;
    let l = match w.loss {
        Loss::Hinge => batch_loss(
            model,
            samples,
            |o, p| loss::hinge(o[0], p.1),
            threads,
            grads,
        ),
        Loss::Mse => batch_loss(model, samples, |o, p| loss::mse(o[0], p.1), threads, grads),
    }
    .expect("batch_loss");
    check_loss(0, l).expect("a finite loss");
    opt.step(model, grads).expect("sgd");
    l
}

/// The loop written with `Module::record` (a vector of recorded parameters, vectors per pass,
/// a vector of gradients), reusing its tape and gradient store: the taught loop before
/// `batch_loss`.
fn recorded_step(
    tape: &mut Tape,
    grads: &mut Gradients,
    model: &mut Mlp,
    opt: &mut Sgd,
    w: &Workload,
) -> f64 {
    tape.clear();
    let net = model.record(tape);
    let mut losses = Vec::with_capacity(w.xs.len());
    for (x, &y) in w.xs.iter().zip(&w.ys) {
        losses.push(loss::hinge(net.forward_f64(x).expect("forward")[0], y));
    }
    let loss = loss::mean(&losses).expect("mean");
    tape.backward_into(loss, grads);
    let grads = net.gradients(grads);
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
    let mut hand = w.hand();
    let mut grads = vec![0.0; initial.len()];
    let mut buffers = BatchGradients::new();
    let mut opt = Sgd::new(LR);
    let rev_tape = reverse::Tape::new();
    // Each step starts from the same parameters, as in criterion's runs.
    let mut time_tapegrad = || {
        time_steps(
            || w.model.clone(),
            |model| tapegrad_step(&mut buffers, 1, model, &mut opt, w),
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
    [&mut over_hand, &mut reverse_over].map(|ratios| percentiles(ratios))
}

/// The 10th percentile, the median and the 90th percentile of `ratios`.
fn percentiles(ratios: &mut [f64]) -> [f64; 3] {
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    [ratios[n / 10], ratios[n / 2], ratios[n - 1 - n / 10]]
}

/// Paired `a` ÷ `b` (see the module docs): [`PAIRS`] rounds, each timing `a` and `b` one
/// right after the other, in alternating order; the [`percentiles`] of the rounds' ratios.
fn paired(mut a: impl FnMut() -> f64, mut b: impl FnMut() -> f64) -> [f64; 3] {
    a();
    b();
    let mut ratios: Vec<f64> = (0..PAIRS)
        .map(|round| {
            if round % 2 == 0 {
                let ta = a();
                ta / b()
            } else {
                let tb = b();
                a() / tb
            }
        })
        .collect();
    percentiles(&mut ratios)
}

/// [`STEPS_PER_ROUND`] steps of the hand-written step, each from `w`'s initial parameters,
/// timed.
fn hand_steps(w: &Workload) -> impl FnMut() -> f64 + '_ {
    let initial = w.model.parameters();
    let mut grads = vec![0.0; initial.len()];
    let mut hand = w.hand();
    move || {
        time_steps(
            || initial.clone(),
            |params| hand.step(params, &w.xs, &w.ys, &mut grads, LR),
        )
    }
}

/// [`STEPS_PER_ROUND`] steps of the taught loop on `threads` threads, each from `w`'s
/// initial model, timed.
fn taught_steps<'a>(w: &'a Workload, threads: usize) -> impl FnMut() -> f64 + 'a {
    let (mut grads, mut opt) = (BatchGradients::new(), Sgd::new(LR));
    move || {
        time_steps(
            || w.model.clone(),
            |model| tapegrad_step(&mut grads, threads, model, &mut opt, w),
        )
    }
}

/// Iterations of [`busy_steps`]' loop a step, about a large step's time on one thread.
const BUSY: usize = 1_000_000;

/// [`STEPS_PER_ROUND`] steps of a loop that touches no memory, [`BUSY`] iterations split over
/// `threads` threads started for each step as `batch_loss` starts them, timed: the speed-up two
/// threads can give here, whatever the engine does.
fn busy_steps(threads: usize) -> impl FnMut() -> f64 {
    move || {
        time_steps(
            || (),
            |()| {
                std::thread::scope(|scope| {
                    let each = BUSY / threads;
                    let others: Vec<_> = (1..threads)
                        .map(|_| scope.spawn(move || busy(each)))
                        .collect();
                    let mine = busy(each);
                    others
                        .into_iter()
                        .fold(mine, |sum, h| sum + h.join().expect("busy"))
                })
            },
        )
    }
}

/// `n` turns of a multiply-add chain.
fn busy(n: usize) -> f64 {
    let mut x = black_box(1.0_f64);
    for _ in 0..n {
        x = x * 1.000_000_1 + 1e-9;
    }
    x
}

fn tanh_written_by_hand(x: Value<'_>) -> Value<'_> {
    x.tanh()
}

fn relu_written_by_hand(x: Value<'_>) -> Value<'_> {
    x.relu()
}

/// tanh as its value and derivative.
fn tanh_local(x: f64) -> (f64, f64) {
    let t = x.tanh();
    (t, 1.0 - t * t)
}

/// relu as its value and derivative.
fn relu_local(x: f64) -> (f64, f64) {
    if x > 0.0 { (x, 1.0) } else { (0.0, 0.0) }
}

/// A paired comparison: what it compares, the [`percentiles`] of the ratio, the target (or
/// nothing) and whether a ratio meets it.
struct Comparison {
    name: String,
    ratio: [f64; 3],
    target: &'static str,
    met: fn(f64) -> bool,
}

/// The comparisons of the other targets, each paired; only those whose name contains
/// `filter` are measured.
fn paired_targets(filter: &str) -> Vec<Comparison> {
    let mut out = Vec::new();
    let mut add = |name: String, target, met, measure: &mut dyn FnMut() -> [f64; 3]| {
        if name.contains(filter) {
            let ratio = measure();
            out.push(Comparison {
                name,
                ratio,
                target,
                met,
            });
        }
    };
    // What two threads can give on this machine at this moment: the same spawn and join,
    // around work that shares nothing.
    add(
        "machine: busy loop 1 thread ÷ 2 threads".into(),
        "",
        |_| true,
        &mut || paired(busy_steps(1), busy_steps(2)),
    );
    for (name, hidden) in [("large_relu", Hidden::Relu), ("large_tanh", Hidden::Tanh)] {
        let w = Workload::new(&[64, 64, 1], 500, hidden);
        add(
            format!("{name} 1 thread ÷ 2 threads"),
            "≥ 1.7",
            |r| r >= 1.7,
            &mut || paired(taught_steps(&w, 1), taught_steps(&w, 2)),
        );
    }
    let shapes = [
        ("large", &[64, 64, 1][..], 500),
        ("demo", &[16, 16, 1], 100),
    ];
    for (shape, widths, points) in shapes {
        for (act, hidden) in [("relu", Hidden::Relu), ("tanh", Hidden::Tanh)] {
            for (loss, l) in [("hinge", Loss::Hinge), ("mse", Loss::Mse)] {
                add(
                    format!("{shape}_{act} {loss} 1 thread ÷ hand-written"),
                    "≤ 2.0",
                    |r| r <= 2.0,
                    &mut || {
                        let w = Workload::new(widths, points, hidden).with_loss(l);
                        paired(taught_steps(&w, 1), hand_steps(&w))
                    },
                );
            }
        }
    }
    let custom = [
        (
            "tanh",
            Hidden::Tanh,
            CustomActivation::new("tanh", tanh_written_by_hand),
            CustomActivation::with_derivative("tanh", tanh_local),
        ),
        (
            "relu",
            Hidden::Relu,
            CustomActivation::new("relu", relu_written_by_hand),
            CustomActivation::with_derivative("relu", relu_local),
        ),
    ];
    for (name, hidden, with_values, with_derivative) in custom {
        for (kind, custom) in [("Value ops", with_values), ("f, f'", with_derivative)] {
            add(
                format!("demo_{name} custom ({kind}) ÷ built-in"),
                "≤ 1.03",
                |r| r <= 1.03,
                &mut || {
                    let built_in = demo_workload(hidden);
                    let act = Activation::Custom(custom);
                    let own = Workload::with_activation(&[16, 16, 1], 100, hidden, act);
                    paired(taught_steps(&own, 1), taught_steps(&built_in, 1))
                },
            );
        }
    }
    for (name, hidden) in [("demo_relu", Hidden::Relu), ("demo_tanh", Hidden::Tanh)] {
        add(
            format!("{name} record loop ÷ taught loop"),
            "",
            |_| true,
            &mut || {
                let w = demo_workload(hidden);
                let (mut tape, mut store, mut opt) = (Tape::new(), Gradients::new(), Sgd::new(LR));
                let recorded = || {
                    time_steps(
                        || w.model.clone(),
                        |model| recorded_step(&mut tape, &mut store, model, &mut opt, &w),
                    )
                };
                paired(recorded, taught_steps(&w, 1))
            },
        );
    }
    out
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

    // The three implementations compute the same loss from the same start.
    let mut hand = w.hand();
    let mut grads = vec![0.0; initial.len()];
    let hand_loss = hand.step(&mut initial.clone(), &w.xs, &w.ys, &mut grads, LR);
    let mut buffers = BatchGradients::new();
    let tg_loss = tapegrad_step(&mut buffers, 1, &mut w.model.clone(), &mut Sgd::new(LR), w);
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
            |model| black_box(tapegrad_step(&mut buffers, 1, model, &mut opt, w)),
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
    // `cargo bench --bench training -- paired [WORD]`: the paired measurements alone (those
    // whose name contains WORD).
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "paired") {
        let filter = args.get(at + 1).filter(|a| !a.starts_with("--"));
        print_paired_targets(filter.map_or("", String::as_str));
        return;
    }
    let results = summary::Results::start();
    demo_benches();
    large_benches();
    Criterion::default().configure_from_args().final_summary();
    // Only in a full run (`cargo bench`), not when criterion runs the bench as a test or
    // with a filter.
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
    if full {
        print_paired_targets("");
    }
}

/// Measures and prints the [`paired_targets`] whose name contains `filter`.
fn print_paired_targets(filter: &str) {
    println!(
        "Paired, {PAIRS} rounds of {STEPS_PER_ROUND} steps each: median (10th-90th percentile)"
    );
    for Comparison {
        name,
        ratio: [low, mid, high],
        target,
        met,
    } in paired_targets(filter)
    {
        let verdict = if target.is_empty() {
            String::new()
        } else {
            format!(" ({target}: {})", summary::verdict(met(mid)))
        };
        println!("  {name:<44} {mid:.3}× ({low:.3}-{high:.3}){verdict}");
    }
}
