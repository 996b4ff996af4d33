//! A memory soak: does a long training run stay flat? micrograd's moons network (2 → 16 → 16
//! → 1, relu, 337 parameters) trains for 100,000 full-batch SGD steps on 100 points, with the
//! loop of the `moons` example: `batch_loss` (whose tape is cleared and reused every step),
//! `add_l2_penalty` (the L2 penalty added to the loss and its gradient), `check_loss`, the
//! update.
//!
//! You will see, at steps 1,000, 10,000 and 100,000, the process's resident memory (read from
//! `/proc/self/statm`, so Linux only), the loss and the accuracy; then the change of the
//! resident memory from step 1,000 to the last step. The run fails (exit code 1) if it changed
//! by more than 5%: a tape that is not cleared, or memory kept per step, shows up here long
//! before it would in a test. It is the slowest example: run it with `--release`.
//!
//! ```sh
//! cargo run --release --example soak                      # 100,000 steps, 5% tolerance
//! cargo run --release --example soak -- --steps 20000 --tolerance 2
//! ```

#[path = "common/flags.rs"]
mod flags;
#[path = "common/message.rs"]
mod message;

use std::error::Error;
use std::process::ExitCode;
use std::time::Instant;

use rand::{SeedableRng, rngs::StdRng};
use tapegrad::datasets;
use tapegrad::loss;
use tapegrad::nn::{self, Activation, BatchGradients, Init, Mlp, Module, batch_loss};
use tapegrad::optim::{LinearDecay, Optimizer, Schedule, Sgd, check_loss};

use flags::{Given, Message};

/// The step everything is compared with: after the first allocations have settled.
const BASELINE: usize = 1_000;
const SEED: u64 = 1337;

/// An error prints as `Error: ` and its message, as every example's does; as a [`Message`],
/// so that it shows its text (`main` shows a returned error with `Debug`).
fn main() -> Result<ExitCode, Message> {
    let flat = run().map_err(|e| Message(e.to_string()))?;
    Ok(if flat {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One measurement, taken right after a step.
struct Sample {
    step: usize,
    rss: u64,
    loss: f64,
    accuracy: f64,
}

/// Trains, samples, reports; `Ok(false)` if memory was not flat.
fn run() -> Result<bool, Box<dyn Error>> {
    let Some(args) = Args::parse()? else {
        println!("usage: cargo run --release --example soak -- [--steps N] [--tolerance PCT]");
        println!("  --steps N        training steps, at least {BASELINE} (default 100000)");
        println!("  --tolerance PCT  allowed change from step {BASELINE}, percent (default 5)");
        return Ok(true);
    };
    let page = page_size()?;
    let mut rng = StdRng::seed_from_u64(SEED);
    let points = datasets::moons(100, 0.1, &mut rng)?;
    let mut model = Mlp::new(
        2,
        &[16, 16, 1],
        Activation::Relu,
        Activation::Linear,
        Init::Micrograd,
        &mut rng,
    )?;
    let checkpoints: Vec<usize> = [BASELINE, 10_000, 100_000, args.steps]
        .into_iter()
        .filter(|&s| s <= args.steps)
        .collect();
    println!(
        "soak: {} steps of {:?} ({} parameters) on {} moons points, the moons example's \
         loop (batch_loss, SGD)",
        args.steps,
        model.sizes(),
        model.parameter_count(),
        points.len()
    );
    println!("rss before training: {}", kib(rss(page)?));
    println!();
    println!("     step    resident        loss  accuracy");

    let schedule = LinearDecay::micrograd();
    let mut opt = Sgd::new(schedule.rate(0));
    let mut grads = BatchGradients::new();
    let mut samples: Vec<Sample> = Vec::new();
    let start = Instant::now();
    for step in 1..=args.steps {
        // The mean hinge loss and its gradient, plus the L2 penalty's, 1e-4·Σ p².
        let hinge = batch_loss(
            &model,
            &points,
            |out, p| loss::hinge(out[0], p.label),
            1,
            &mut grads,
        )?;
        let total = hinge + grads.add_l2_penalty(&model, 1e-4)?;
        check_loss(step, total)?;
        // At a checkpoint, the accuracy that goes with this step's loss: before the update.
        let sampled = checkpoints
            .contains(&step)
            .then(|| nn::accuracy(&model, &points))
            .transpose()?;
        opt.set_learning_rate(schedule.rate(step - 1));
        opt.step(&mut model, &grads)?;
        if let Some(accuracy) = sampled {
            let s = Sample {
                step,
                rss: rss(page)?,
                loss: total,
                accuracy: 100.0 * accuracy,
            };
            println!(
                "{:>9} {:>11} {:>11.6} {:>8.1}%",
                s.step,
                kib(s.rss),
                s.loss,
                s.accuracy
            );
            samples.push(s);
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!();
    println!(
        "{} steps in {elapsed:.1} s ({:.0} µs a step)",
        args.steps,
        1e6 * elapsed / args.steps as f64
    );

    let (first, last) = (&samples[0], &samples[samples.len() - 1]);
    let rss_change = percent(first.rss as f64, last.rss as f64);
    println!(
        "from step {} to step {}: resident memory {:+.2}% (tolerance ±{}%)",
        first.step, last.step, rss_change, args.tolerance
    );
    let flat = rss_change.abs() <= args.tolerance;
    if flat {
        println!("memory is flat");
    } else {
        println!("MEMORY GREW: beyond the tolerance");
    }
    Ok(flat)
}

/// `100 · (to − from) / from`.
fn percent(from: f64, to: f64) -> f64 {
    100.0 * (to - from) / from
}

fn kib(bytes: u64) -> String {
    format!("{} KiB", bytes / 1024)
}

/// The resident set size in bytes: the second field of `/proc/self/statm`, in pages.
fn rss(page: u64) -> Result<u64, Box<dyn Error>> {
    let statm = std::fs::read_to_string("/proc/self/statm")
        .map_err(|e| format!("cannot read /proc/self/statm ({e}); the soak needs Linux"))?;
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|f| f.parse().ok())
        .ok_or_else(|| format!("unexpected /proc/self/statm: `{}`", statm.trim()))?;
    Ok(pages * page)
}

/// The page size, from the auxiliary vector (`AT_PAGESZ` in `/proc/self/auxv`): no libc
/// call needed.
fn page_size() -> Result<u64, Box<dyn Error>> {
    const AT_PAGESZ: u64 = 6;
    let auxv = std::fs::read("/proc/self/auxv")
        .map_err(|e| format!("cannot read /proc/self/auxv ({e}); the soak needs Linux"))?;
    let word = size_of::<usize>();
    let read = |b: &[u8]| -> u64 {
        let mut buf = [0u8; 8];
        buf[..word].copy_from_slice(b);
        u64::from_ne_bytes(buf)
    };
    auxv.chunks_exact(2 * word)
        .map(|pair| (read(&pair[..word]), read(&pair[word..])))
        .find(|&(key, _)| key == AT_PAGESZ)
        .map(|(_, value)| value)
        .ok_or_else(|| "no AT_PAGESZ in /proc/self/auxv".into())
}

struct Args {
    steps: usize,
    tolerance: f64,
}

impl Args {
    /// The flags, or `None` for `--help`; `--steps 20000` and `--steps=20000` alike.
    fn parse() -> Result<Option<Args>, Message> {
        use lexopt::Arg::{Long, Short};
        let mut args = Args {
            steps: 100_000,
            tolerance: 5.0,
        };
        let mut given = Given::default();
        let mut parser = lexopt::Parser::from_env();
        while let Some(arg) = parser.next().map_err(|e| Message(e.to_string()))? {
            if let Long(name @ ("steps" | "tolerance")) = arg {
                given.once(&format!("--{name}"))?;
            }
            match arg {
                Long("help") | Short('h') => return Ok(None),
                Long("steps") => {
                    let expects = format!("a whole number ≥ {BASELINE}");
                    args.steps = flags::value(&mut parser, "--steps", &expects, |v| {
                        v.parse().ok().filter(|&s| s >= BASELINE)
                    })?;
                }
                Long("tolerance") => {
                    let expects = "a percentage ≥ 0 (e.g. 5)";
                    args.tolerance = flags::value(&mut parser, "--tolerance", expects, |v| {
                        v.parse().ok().filter(|t: &f64| t.is_finite() && *t >= 0.0)
                    })?;
                }
                other => return Err(flags::unknown(other, &["--steps", "--tolerance"])),
            }
        }
        Ok(Some(args))
    }
}
