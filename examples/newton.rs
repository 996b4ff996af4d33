//! Newton's method beside gradient descent, on Rosenbrock's valley
//! `f(x, y) = (1 - x)² + 100·(y - x²)²`, from its classic start (-1.2, 1) to its minimum (1, 1).
//!
//! You will see both trajectories, a few of their steps and how many each needs: gradient
//! descent follows the slope, with a learning rate small enough for the valley's steep walls,
//! and crawls along its flat floor for tens of thousands of steps; Newton's method divides the
//! slope by the curvature (it solves `H·s = -g`, with the Hessian `H` from the gradient
//! recorded on the tape, `Value::backward_on_tape`) and arrives in a handful, though not
//! straight: trusting the curvature where it is misleading, its second step leaps far out of
//! the valley, and its third lands back on the floor. Two pictures are written under the
//! target directory: both paths over the valley, and `f` along each.
//!
//! Run with `cargo run --release --example newton`.

#[path = "common/message.rs"]
mod message;
#[path = "common/no_args.rs"]
mod no_args;
#[path = "common/output.rs"]
mod output;
#[cfg(test)]
#[path = "newton/tests.rs"]
mod tests;

use std::error::Error;
use std::fmt::Write as _;

use output::Picture;
use tapegrad::plot::{CurveOptions, loss_curves_svg};
use tapegrad::{Tape, Value};

/// Rosenbrock's function: a curved valley along y = x², its minimum 0 at (1, 1).
fn rosenbrock<'t>(v: &[Value<'t>]) -> Value<'t> {
    (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2)
}

const START: [f64; 2] = [-1.2, 1.0];
/// Both methods stop once the gradient is this small.
const TOLERANCE: f64 = 1e-8;
const MAX_STEPS: usize = 100_000;
/// Gradient descent's learning rate. A step settles only below 2 / (the largest curvature
/// along the way), which is about 1000 at the minimum and more on the valley's walls: 0.001
/// keeps clear of that.
const LEARNING_RATE: f64 = 0.001;

/// One step of gradient descent: `p - rate·g`. Returns the new point and `|g|` at `p`.
fn descent_step(p: [f64; 2]) -> ([f64; 2], f64) {
    let tape = Tape::new();
    let xs = tape.vars(&p);
    let g = rosenbrock(&xs).backward().wrt_all(&xs);
    let step = [p[0] - LEARNING_RATE * g[0], p[1] - LEARNING_RATE * g[1]];
    (step, g[0].hypot(g[1]))
}

/// One step of Newton's method: `p + s` with `H·s = -g`. Returns the new point and `|g|` at
/// `p`.
fn newton_step(p: [f64; 2]) -> Result<([f64; 2], f64), tapegrad::Error> {
    let tape = Tape::new();
    let xs = tape.vars(&p);
    let g = rosenbrock(&xs).backward_on_tape(&xs)?; // the gradient, as values on the tape
    // The gradient's own gradients: the Hessian's rows.
    let h: Vec<Vec<f64>> = g.iter().map(|gj| gj.backward().wrt_all(&xs)).collect();
    let (a, b, c, d) = (h[0][0], h[0][1], h[1][0], h[1][1]);
    let (g0, g1) = (g[0].data(), g[1].data());
    // H·s = -g for the 2 × 2 matrix [[a, b], [c, d]], by its inverse.
    let det = a * d - b * c;
    let s = [-(d * g0 - b * g1) / det, -(a * g1 - c * g0) / det];
    Ok(([p[0] + s[0], p[1] + s[1]], g0.hypot(g1)))
}

/// Runs `step` from [`START`] until the gradient is below [`TOLERANCE`] (or [`MAX_STEPS`]),
/// returning every point visited.
fn trajectory(
    mut step: impl FnMut([f64; 2]) -> Result<([f64; 2], f64), tapegrad::Error>,
) -> Result<Vec<[f64; 2]>, tapegrad::Error> {
    let mut path = vec![START];
    while path.len() <= MAX_STEPS {
        let (next, gradient) = step(path[path.len() - 1])?;
        if gradient < TOLERANCE {
            break;
        }
        path.push(next);
    }
    Ok(path)
}

fn f(p: [f64; 2]) -> f64 {
    let tape = Tape::new();
    rosenbrock(&tape.vars(&p)).data()
}

/// Prints the steps of `path` listed in `shown` (those it has), then its length.
fn report(name: &str, path: &[[f64; 2]], shown: &[usize]) {
    println!("{name}");
    for &k in shown.iter().filter(|&&k| k < path.len()) {
        let [x, y] = path[k];
        println!(
            "  step {k:>6}: ({x:>8.4}, {y:>8.4})   f = {:.3e}",
            f(path[k])
        );
    }
    let steps = path.len() - 1;
    println!("  reached |gradient| < {TOLERANCE:e} in {steps} steps\n");
}

fn main() -> Result<(), Box<dyn Error>> {
    no_args::expect_none(
        "newton",
        "Newton's method beside gradient descent on Rosenbrock's valley: step counts and paths.",
    );
    println!("Rosenbrock's valley f(x, y) = (1 - x)² + 100·(y - x²)², from (-1.2, 1) to (1, 1).\n");
    let newton = trajectory(newton_step)?;
    report(
        "Newton's method (solve H·s = -g, H from backward_on_tape):",
        &newton,
        &[0, 1, 2, 3, 4, 5, 6, 7, 8],
    );
    let descent = trajectory(|p| Ok(descent_step(p)))?;
    report(
        &format!("gradient descent (learning rate {LEARNING_RATE}):"),
        &descent,
        &[0, 1, 10, 100, 1000, 10_000, 30_000],
    );
    println!(
        "Newton takes {}× fewer steps: gradient descent's rate must suit the valley's steep\n\
         walls, and then it crawls along its flat floor; Newton's step is long where it is flat.",
        (descent.len() - 1) / (newton.len() - 1)
    );

    // The first 100 steps: Newton is done after a few, gradient descent has barely begun.
    let losses = |path: &[[f64; 2]]| -> Vec<f64> { path.iter().take(101).map(|&p| f(p)).collect() };
    let curves = loss_curves_svg(
        &[
            ("Newton's method", &losses(&newton)),
            ("gradient descent", &losses(&descent)),
        ],
        "f(x, y) over the first 100 steps (log scale)",
        &CurveOptions {
            log_y: true,
            ..CurveOptions::default()
        },
    );
    output::write_pictures(&[
        Picture {
            name: "newton-paths.svg".into(),
            about: "both paths over the valley",
            svg: paths_svg(&[("Newton's method", &newton), ("gradient descent", &descent)]),
        },
        Picture {
            name: "newton-loss.svg".into(),
            about: "f along each path, the first 100 steps",
            svg: curves,
        },
    ])?;
    Ok(())
}

/// Both paths as lines over the plane [-1.5, 1.5] × [-3.5, 1.5], with the valley's floor
/// y = x² dashed, the start and the minimum marked.
fn paths_svg(paths: &[(&str, &[[f64; 2]])]) -> String {
    let (x0, x1, y0, y1, scale) = (-1.5, 1.5, -3.5, 1.5, 120.0);
    let at = |[x, y]: [f64; 2]| {
        let px = 40.0 + (x.clamp(x0, x1) - x0) * scale;
        let py = 40.0 + (y1 - y.clamp(y0, y1)) * scale;
        format!("{px:.1},{py:.1}")
    };
    let (width, height) = (80.0 + (x1 - x0) * scale, 80.0 + (y1 - y0) * scale);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"13\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <rect x=\"40\" y=\"40\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#ccc\"/>\n\
         <text x=\"40\" y=\"24\">Rosenbrock's valley, its floor y = x² dashed</text>\n\
         <text x=\"40\" y=\"{}\" fill=\"#777\">x from -1.5 to 1.5, y from -3.5 to 1.5</text>\n",
        width - 80.0,
        height - 80.0,
        height - 24.0
    );
    // The floor where it is in the picture: |x| ≤ √1.5.
    let floor: Vec<String> = (0..=60)
        .map(|k| {
            let x = 1.5f64.sqrt() * (2.0 * f64::from(k) / 60.0 - 1.0);
            at([x, x * x])
        })
        .collect();
    let _ = writeln!(
        svg,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>",
        floor.join(" ")
    );
    for ((name, path), (colour, k)) in paths.iter().zip([("#0877bd", 0), ("#f59322", 1)]) {
        let points: Vec<String> = path.iter().map(|&p| at(p)).collect();
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n\
             <text x=\"{}\" y=\"{}\" fill=\"{colour}\">{name}: {} steps</text>",
            points.join(" "),
            60.0,
            height - 90.0 + 20.0 * f64::from(k),
            path.len() - 1
        );
    }
    for (p, label) in [(START, "start"), ([1.0, 1.0], "minimum")] {
        let xy = at(p);
        let (px, py) = xy.split_once(',').expect("x,y");
        let _ = writeln!(
            svg,
            "<circle cx=\"{px}\" cy=\"{py}\" r=\"4\"/><text x=\"{px}\" y=\"{py}\" dx=\"6\" \
             dy=\"-6\">{label}</text>"
        );
    }
    svg.push_str("</svg>\n");
    svg
}
