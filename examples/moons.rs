//! micrograd's demo notebook (`demo.ipynb`), reproduced: a 2 → 16 → 16 → 1 network learns to
//! separate two interleaved half-moons.
//!
//! You will see the setup (100 points from scikit-learn's `make_moons` with noise 0.1, labels
//! ±1; relu hidden layers, a linear output, 337 parameters), then the loss and accuracy as
//! micrograd prints them, every 5 of the 100 full-batch SGD steps: the loss is the mean
//! max-margin (hinge) loss plus 1e-4 times the sum of the squared parameters, and the learning
//! rate falls from 1.0 to 0.1 (`1.0 - 0.9·k/100`). The accuracy climbs from about 50% to 100%,
//! as it does in micrograd. Then the learned boundary is drawn in the terminal and written as
//! an SVG under `tapegrad/` in the Cargo target directory. `--seed N` picks another data set and initialisation.

#[path = "common/flags.rs"]
mod flags;
#[path = "common/message.rs"]
mod message;
#[path = "common/output.rs"]
mod output;
#[cfg(test)]
#[path = "moons/tests.rs"]
mod tests;

use std::error::Error;
use std::io::IsTerminal;

use flags::{Given, Message};
use output::{output_dir, shown, write_file};
use std::time::Instant;

use rand::{SeedableRng, rngs::StdRng};
use tapegrad::datasets::{self, Point};
use tapegrad::loss;
use tapegrad::nn::{self, Activation, BatchGradients, Forward, Init, Mlp, Module, batch_loss};
use tapegrad::optim::{LinearDecay, Optimizer, Schedule, Sgd, check_loss};
use tapegrad::plot::{self, BoundaryOptions, Bounds, MapOptions};

/// The seed of the data and the initial weights, micrograd's own number (its generators are
/// not ours, so the points differ). Over seeds 0 to 19 this recipe ends at 100% accuracy on 18:
/// seed 16 stops at 99% and seed 17 at 90% (with learning rate 1.0 some relu units die).
const DEFAULT_SEED: u64 = 1337;
const STEPS: usize = 100;

fn main() -> Result<(), Box<dyn Error>> {
    let Some(seed) = seed_from_args(std::env::args().skip(1))? else {
        println!("usage: cargo run --release --example moons -- [--seed N]");
        println!("  --seed N   seeds the data and the initial weights (default {DEFAULT_SEED})");
        return Ok(());
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let points = datasets::moons(100, 0.1, &mut rng)?;
    let mut model = Mlp::new(
        2,
        &[16, 16, 1],
        Activation::Relu,
        Activation::Linear,
        Init::Micrograd,
        &mut rng,
    )?;
    println!("micrograd's demo: 100 moons points (noise 0.1, labels ±1), seed {seed}");
    println!(
        "network {:?}: relu hidden layers, linear output",
        model.sizes()
    );
    println!("number of parameters {}", model.parameter_count());
    println!("loss: mean hinge loss relu(1 − label·score) + 1e-4 · Σ parameter²");
    println!("SGD on all 100 points at once, learning rate 1.0 − 0.9·step/100\n");

    let schedule = LinearDecay::micrograd();
    let mut opt = Sgd::new(schedule.rate(0));
    let mut grads = BatchGradients::new(); // its tape, kept from step to step
    let start = Instant::now();
    for step in 0..STEPS {
        // Forward and backward: a score for every point, the mean of their hinge losses, and
        // its gradient; then the L2 penalty, 1e-4·Σ p², and its gradient, 2·1e-4·p.
        let hinge = batch_loss(
            &model,
            &points,
            |out, p| loss::hinge(out[0], p.label),
            1,
            &mut grads,
        )?;
        let total = hinge + grads.add_l2_penalty(&model, 1e-4)?;
        check_loss(step, total)?;
        if step % 5 == 0 || step == STEPS - 1 {
            // As micrograd: the loss and accuracy of the model before this step's update.
            let accuracy = 100.0 * nn::accuracy(&model, &points)?;
            println!("step {step:>2} loss {total:.4}, accuracy {accuracy:5.1}%");
        }
        // The update with this step's learning rate.
        opt.set_learning_rate(schedule.rate(step));
        opt.step(&mut model, &grads)?;
    }
    let elapsed = start.elapsed();

    let score = |x: f64, y: f64| model.predict(&[x, y]).map_or(f64::NAN, |out| out[0]);
    let accuracy = nn::accuracy(&model, &points)?;
    let right = (accuracy * points.len() as f64).round() as usize;
    println!(
        "\nafter {STEPS} steps: accuracy {:.1}% ({right}/{})",
        100.0 * accuracy,
        points.len(),
    );
    // On stderr: the one line that differs from run to run, so stdout stays reproducible.
    eprintln!("trained in {:.3} s", elapsed.as_secs_f64());

    let bounds = square_around(&points, 1.0);
    let map = MapOptions {
        width: 60,
        height: 30,
        bounds,
        color: std::io::stdout().is_terminal(),
    };
    println!(
        "\nThe decision boundary: + score above 0 (label +1), - at or below (label -1);\n\
         o and x are the points labelled +1 and -1, * a cell holding both.\n"
    );
    print!("{}", plot::decision_map_terminal(score, &points, &map));

    // Named after the seed when it is not the default, so another run keeps this one's.
    let name = match seed {
        DEFAULT_SEED => "moons-boundary.svg".to_string(),
        seed => format!("moons_seed={seed}-boundary.svg"),
    };
    let path = output_dir()?.join(name);
    let options = BoundaryOptions {
        bounds,
        ..BoundaryOptions::default()
    };
    let title = format!(
        "moons after {STEPS} steps, accuracy {right}/{}",
        points.len()
    );
    write_file(
        &path,
        plot::decision_boundary_svg(score, &points, &title, &options),
    )?;
    println!("\nwrote {}; open it in a web browser", shown(&path));
    Ok(())
}

/// The smallest square holding every point with `margin` to spare, so that the pictures keep
/// the plane's proportions.
fn square_around(points: &[Point], margin: f64) -> Bounds {
    let b = Bounds::around(points, margin);
    let half = 0.5 * (b.x_max - b.x_min).max(b.y_max - b.y_min);
    let (cx, cy) = (0.5 * (b.x_min + b.x_max), 0.5 * (b.y_min + b.y_max));
    Bounds::new(cx - half, cx + half, cy - half, cy + half)
}

/// The seed from `--seed N` or `--seed=N` (default [`DEFAULT_SEED`]), or `None` for `--help`.
fn seed_from_args(args: impl Iterator<Item = String>) -> Result<Option<u64>, Message> {
    use lexopt::Arg::{Long, Short};
    const EXPECTED: &str = "a whole number >= 0 (e.g. --seed 7)";
    let mut seed = DEFAULT_SEED;
    let mut given = Given::default();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(|e| Message(e.to_string()))? {
        match arg {
            Long("help") | Short('h') => return Ok(None),
            Long("seed") => {
                given.once("--seed")?;
                seed = flags::value(&mut parser, "--seed", EXPECTED, |v| v.parse().ok())?;
            }
            other => return Err(flags::unknown(other, &["--seed"])),
        }
    }
    Ok(Some(seed))
}
