//! The TensorFlow Playground's default run, for real: a small network learns to tell a disc of
//! blue points from the ring of orange points around it.
//!
//! You will see the setup (500 points split 250 train / 250 test, a 2 → 4 → 2 → 1 tanh network,
//! SGD with learning rate 0.03 on batches of 10), then the test and training loss every few
//! epochs as the Playground shows them, falling from about 0.5 towards 0; then the final
//! accuracies (at least 99% on the test points), the learned decision boundary drawn in the
//! terminal (`+` where the network says blue, `-` where it says orange, `o`/`x` for the blue and
//! orange training points), a sparkline of the loss, and the time the training took. Two SVG
//! pictures, the boundary and the loss curves, are written under `target/tapegrad/`.
//!
//! Every training step is the plain loop of backprop: put the parameters on a tape, run the
//! network forward on a batch, average the losses, run backward, step against the gradient.
//! Everything is seeded, so a run is repeatable. Try `--help`, then for instance
//! `--data spiral --hidden 8,8,8 --epochs 1000` or `--noise 0.3`.
//!
//! When training goes wrong, a diagnosis after the accuracies says what, with the numbers
//! (`tapegrad::diagnose`): try `--lr 1e6`, whose loss goes up. A healthy run prints none.
//!
//! `--save PATH` keeps the trained network (a `.safetensors` name gives the file PyTorch
//! loads; see the guide's chapter 7), and `--load PATH` draws a saved network's boundary
//! without training.

use std::error::Error;
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{SeedableRng, rngs::StdRng};
use tapegrad::datasets::{self, PLAYGROUND_SAMPLES, Playground, Point};
use tapegrad::diagnose::{Checkup, Diagnosis, History};
use tapegrad::loss::Loss;
use tapegrad::nn::{Activation, Init, Mlp, Module};
use tapegrad::optim::{Optimizer, Sgd, check_loss};
use tapegrad::plot::{self, BoundaryOptions, CurveOptions, MapOptions};
use tapegrad::save::{self, Format};
use tapegrad::{Tape, Value, loss};

const USAGE: &str = "\
Trains a small network on one of the TensorFlow Playground's data sets, as the Playground does.

usage: cargo run --release --example circle -- [flags]

  --data NAME        circle, xor, gauss or spiral                       default circle
  --noise FRACTION   0 to 0.5: the Playground's noise slider / 100      default 0
  --hidden SIZES     hidden layer widths, comma separated, or none      default 4,2
  --activation NAME  of the hidden layers: tanh, relu, sigmoid, linear  default tanh
  --lr RATE          SGD learning rate, > 0                             default 0.03
  --batch N          points per SGD step, >= 1                          default 10
  --epochs N         passes over the training set, >= 1                 default 300
  --seed N           seeds the data, the initial weights, the shuffles  default 1
  --save PATH        after training, saves the network to PATH: in safetensors (f64, the
                     layout PyTorch's nn.Sequential loads) if PATH ends in .safetensors,
                     else in tapegrad's own text format
  --load PATH        skips training: loads the network saved at PATH (either format) and
                     draws its boundary on the data --data, --noise and --seed make
  --help             prints this

The output neuron is always tanh (the Playground's choice for classification), the loss is
0.5*(output - label)^2 with labels +1 (blue) and -1 (orange), and the 500 points are split
250 for training and 250 for testing. Noise is a fraction, as tapegrad::datasets takes it:
--noise 0.25 is the Playground's 25% (values above 0.5 are refused). With --load, the
training flags (--hidden, --activation, --lr, --batch, --epochs) are refused: the file holds
the network. --load and --save together convert a saved network from one format to the
other. Flags take their value after a space or '=': --lr 0.1 or --lr=0.1.
";

/// Everything the run depends on: the Playground's defaults, changed by flags.
#[derive(Debug)]
pub struct Config {
    data: Playground,
    /// The noise as a fraction, 0 to 0.5: the Playground's slider divided by 100.
    noise: f64,
    hidden: Vec<usize>,
    activation: Activation,
    lr: f64,
    batch: usize,
    epochs: usize,
    seed: u64,
    /// Where to save the network, if anywhere.
    save: Option<PathBuf>,
    /// Where to load the network from instead of training one.
    load: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data: Playground::Circle,
            noise: 0.0,
            hidden: vec![4, 2],
            activation: Activation::Tanh,
            lr: 0.03,
            batch: 10,
            // Twice what it takes: over seeds 0 to 49, 48 reach >= 99% test accuracy by epoch
            // 150. Seeds 7 and 9 settle in a poor local minimum (80-84%), as the Playground's
            // 4-2 network sometimes does; seed 7 gets out by epoch 1000.
            epochs: 300,
            seed: 1,
            save: None,
            load: None,
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let Some(cfg) = Config::from_args(std::env::args().skip(1))? else {
        print!("{USAGE}");
        return Ok(());
    };

    // The data: 500 points, shuffled, half to train on and half to test with.
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let data = datasets::playground(cfg.data, PLAYGROUND_SAMPLES, cfg.noise, &mut rng)?;

    // The network: trained here, or as a file holds it.
    let (model, run) = match &cfg.load {
        Some(path) => (load_network(path, &cfg, &data)?, None),
        None => {
            let (model, run) = train(&cfg, &data, &mut rng)?;
            (model, Some(run))
        }
    };

    let (train_ok, test_ok) = (correct(&model, &data.train)?, correct(&model, &data.test)?);
    let which = match &cfg.load {
        Some(path) => format!("the network from {}", path.display()),
        None => format!("after {} epochs", cfg.epochs),
    };
    println!(
        "\n{which}: training accuracy {:5.1}% ({train_ok}/{}), test accuracy {:5.1}% ({test_ok}/{})",
        percent(train_ok, data.train.len()),
        data.train.len(),
        percent(test_ok, data.test.len()),
        data.test.len(),
    );
    if let Some(run) = run.as_ref().filter(|run| !run.diagnosis.is_empty()) {
        // Only when something is wrong: a healthy run prints nothing here.
        print!("\n{}", run.diagnosis);
    }

    // What the network learned, over the Playground's view [-6, 6]².
    let score = |x: f64, y: f64| model.predict(&[x, y]).map_or(f64::NAN, |out| out[0]);
    let map = MapOptions {
        color: std::io::stdout().is_terminal(),
        ..MapOptions::default()
    };
    println!("\nThe decision boundary over [-6, 6]²: + the network says blue (+1), - orange (-1);");
    println!("o and x are the blue and orange training points, * a cell holding both.\n");
    print!("{}", plot::decision_map_terminal(score, &data.train, &map));
    if let Some(run) = &run {
        let log_curve: Vec<f64> = run.train_curve.iter().map(|l| l.log10()).collect();
        println!(
            "\ntraining loss, epoch 0 to {} (log scale)  {}  {:.3} → {:.3}",
            cfg.epochs,
            plot::sparkline_fit(&log_curve, 40),
            run.train_curve[0],
            run.train_curve[cfg.epochs]
        );
    }

    let dir = output_dir()?;
    let boundary = dir.join(format!("{}-boundary.svg", cfg.data));
    let title = match &cfg.load {
        Some(_) => format!("{}, loaded network", cfg.data),
        None => format!("{}, epoch {}", cfg.data, cfg.epochs),
    };
    let title = format!(
        "{title}, test accuracy {:.1}%",
        percent(test_ok, data.test.len())
    );
    let svg = plot::decision_boundary_svg(score, &data.train, &title, &BoundaryOptions::default());
    std::fs::write(&boundary, svg)?;
    println!(
        "\nwrote {}  (the boundary, with the training points)",
        shown(&boundary)
    );
    if let Some(run) = &run {
        let curves = dir.join(format!("{}-loss.svg", cfg.data));
        let series = [
            ("training", &run.train_curve[..]),
            ("test", &run.test_curve[..]),
        ];
        let log = CurveOptions {
            log_y: true,
            ..CurveOptions::default()
        };
        let svg = plot::loss_curves_svg(&series, &format!("{}: loss per epoch", cfg.data), &log);
        std::fs::write(&curves, svg)?;
        println!(
            "wrote {}  (training and test loss, log scale)",
            shown(&curves)
        );
    }
    println!(
        "open them in a web browser, e.g. `xdg-open {}` (macOS: `open`)",
        shown(&boundary)
    );
    if let Some(path) = &cfg.save {
        save_network(&model, path)?;
    }

    // On stderr: the one line that differs from run to run, so stdout stays reproducible.
    if let Some(run) = &run {
        let examples = cfg.epochs * data.train.len();
        eprintln!(
            "\ntrained {} epochs ({examples} examples, {} SGD steps) in {:.3} s, loss evaluation included",
            cfg.epochs,
            cfg.epochs * data.train.len().div_ceil(cfg.batch),
            run.elapsed.as_secs_f64()
        );
    }
    Ok(())
}

/// What a training run leaves besides the network: the loss per epoch, the time it took, and
/// the diagnosis of what went wrong, if anything.
pub struct Run {
    pub train_curve: Vec<f64>,
    test_curve: Vec<f64>,
    elapsed: Duration,
    pub diagnosis: Diagnosis,
}

/// Builds the network (2 inputs, the hidden layers, one tanh output; Playground init) and
/// trains it, printing the Playground's table of losses as it goes.
pub fn train(
    cfg: &Config,
    data: &datasets::Split,
    rng: &mut StdRng,
) -> Result<(Mlp, Run), Box<dyn Error>> {
    let mut sizes = cfg.hidden.clone();
    sizes.push(1);
    let mut model = Mlp::new(
        2,
        &sizes,
        cfg.activation,
        Activation::Tanh,
        Init::Playground,
        rng,
    )?;
    print_setup(cfg, &model, data);

    let mut opt = Sgd::new(cfg.lr);
    let mut tape = Tape::new();
    let mut train = data.train.clone();
    let mut train_curve = vec![mean_loss(&model, &data.train)?];
    let mut history = History::new(); // the losses and updates, for the diagnosis
    history.record_loss(train_curve[0]);
    let mut test_curve = vec![mean_loss(&model, &data.test)?];
    let every = print_interval(cfg.epochs);
    println!(" epoch   Test loss   Training loss   test accuracy");
    print_row(0, &model, &data.test, test_curve[0], train_curve[0])?;

    let start = Instant::now();
    for epoch in 1..=cfg.epochs {
        train.shuffle(rng);
        train_epoch(
            &mut model,
            &mut opt,
            &mut tape,
            &train,
            cfg.batch,
            epoch,
            &mut history,
        )?;
        train_curve.push(mean_loss(&model, &data.train)?);
        history.record_loss(train_curve[epoch]);
        test_curve.push(mean_loss(&model, &data.test)?);
        if epoch % every == 0 || epoch == cfg.epochs {
            print_row(
                epoch,
                &model,
                &data.test,
                test_curve[epoch],
                train_curve[epoch],
            )?;
        }
    }
    let elapsed = start.elapsed();
    let inputs: Vec<[f64; 2]> = data.train.iter().map(Point::inputs).collect();
    let labels: Vec<f64> = data.train.iter().map(|p| p.label).collect();
    let diagnosis = Checkup::new(&model, &inputs, &labels, Loss::Mse)
        .history(&history)
        .run()?;
    let run = Run {
        train_curve,
        test_curve,
        elapsed,
        diagnosis,
    };
    Ok((model, run))
}

/// The network saved at `path`, which must take the points' 2 coordinates and give 1 score.
fn load_network(path: &Path, cfg: &Config, data: &datasets::Split) -> Result<Mlp, Box<dyn Error>> {
    // As a Message, so the error prints as its text (`main` shows errors with `Debug`).
    let model = save::load(path).map_err(|e| Message(e.to_string()))?;
    if model.nin() != 2 || model.nout() != 1 {
        return Err(Box::new(Message(format!(
            "{} holds a {} network; this example draws networks with 2 inputs (x, y) and 1 \
             output",
            path.display(),
            shape(&model)
        ))));
    }
    println!(
        "TensorFlow Playground: {} data, noise {}, {} training / {} test points (seed {})",
        cfg.data,
        cfg.noise,
        data.train.len(),
        data.test.len(),
        cfg.seed
    );
    println!(
        "network {} ({} parameters), loaded from {}, not trained",
        shape(&model),
        model.parameter_count(),
        path.display()
    );
    println!("{model}");
    Ok(model)
}

/// Saves the network in the format `path`'s extension asks for, and says how to use the file.
fn save_network(model: &Mlp, path: &Path) -> Result<(), Box<dyn Error>> {
    let format = Format::from_path(path);
    save::save(model, path, format).map_err(|e| Message(e.to_string()))?;
    let size = std::fs::metadata(path)?.len();
    println!("saved the network to {} ({size} bytes)", shown(path));
    match format {
        Format::Native => println!(
            "draw it again with `cargo run --release --example circle -- --load {}`",
            shown(path)
        ),
        Format::Safetensors(_) => {
            println!("load it in PyTorch (the guide's chapter 7 shows how):");
            println!("    model = {}.double()", save::pytorch_sequential(model)?);
            println!(
                "    model.load_state_dict(safetensors.torch.load_file(\"{}\"))",
                shown(path)
            );
        }
    }
    Ok(())
}

/// One pass over `train` in batches (the last may be smaller): the plain loop of backprop, one
/// SGD step per batch, each recorded in `history`.
fn train_epoch(
    model: &mut Mlp,
    opt: &mut Sgd,
    tape: &mut Tape,
    train: &[Point],
    batch_size: usize,
    epoch: usize,
    history: &mut History,
) -> Result<(), Box<dyn Error>> {
    for batch in train.chunks(batch_size) {
        tape.clear(); // reuses the tape's memory from the last step
        let net = model.record(tape); // the parameters, as values on the tape
        let mut losses = Vec::with_capacity(batch.len());
        for p in batch {
            let output = net.forward_f64(&p.inputs())?[0]; // forward
            losses.push(loss::mse(output, p.label)); // ½·(output − label)²
        }
        // The mean over the batch, so its gradient is the batch's mean gradient.
        let batch_loss = loss::mean(&losses)?;
        check_loss(epoch, batch_loss.data())?;
        let grads = net.gradients(&batch_loss.backward()); // backward
        let before = model.parameters();
        opt.step(model, &grads)?; // update: each parameter -= lr · its gradient
        history.record_update(model, &before);
    }
    Ok(())
}

/// The Playground's loss: ½·(output − label)² averaged over the points.
fn mean_loss(model: &Mlp, points: &[Point]) -> Result<f64, tapegrad::Error> {
    let mut total = 0.0;
    for p in points {
        let output = model.predict(&p.inputs())?[0];
        total += loss::mse(Value::constant(output), p.label).data();
    }
    Ok(total / points.len() as f64)
}

/// How many points the network puts on the right side (output above 0 means +1).
fn correct(model: &Mlp, points: &[Point]) -> Result<usize, tapegrad::Error> {
    let mut n = 0;
    for p in points {
        let output = model.predict(&p.inputs())?[0];
        n += usize::from((output > 0.0) == (p.label > 0.0));
    }
    Ok(n)
}

fn percent(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole as f64
}

fn print_row(
    epoch: usize,
    model: &Mlp,
    test: &[Point],
    test_loss: f64,
    train_loss: f64,
) -> Result<(), tapegrad::Error> {
    let acc = percent(correct(model, test)?, test.len());
    println!("{epoch:>6}   {test_loss:>9.3}   {train_loss:>13.3}   {acc:>12.1}%");
    Ok(())
}

/// About 20 rows: a row every 1, 2, 5, 10, 20, 50, … epochs.
fn print_interval(epochs: usize) -> usize {
    let (mut step, mut k) = (1, 0);
    while epochs > 20 * step {
        step = [2, 5, 10][k % 3] * 10usize.pow(k as u32 / 3);
        k += 1;
    }
    step
}

/// `2 → 4 → 2 → 1`.
fn shape(model: &Mlp) -> String {
    let sizes: Vec<String> = model.sizes().iter().map(usize::to_string).collect();
    sizes.join(" → ")
}

fn print_setup(cfg: &Config, model: &Mlp, data: &datasets::Split) {
    println!(
        "TensorFlow Playground, run for real: {} data, noise {}, {} training / {} test points",
        cfg.data,
        cfg.noise,
        data.train.len(),
        data.test.len()
    );
    let hidden = if cfg.hidden.is_empty() {
        "no hidden layer".to_string()
    } else {
        format!("{} hidden", cfg.activation)
    };
    println!(
        "network {} ({hidden}, tanh output, {} parameters), Playground init (seed {})",
        shape(model),
        model.parameter_count(),
        cfg.seed
    );
    println!(
        "SGD, learning rate {}, batch size {} (one step per batch, on its mean gradient)",
        cfg.lr, cfg.batch
    );
    println!("loss ½·(output − label)², averaged over the points; labels +1 blue, -1 orange\n");
}

/// `target/tapegrad/` in the crate's directory, created if missing.
fn output_dir() -> std::io::Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tapegrad");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A path relative to the current directory when it lies below it, else as it is.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&here)
        .unwrap_or(path)
        .display()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Flags, parsed by hand
// ---------------------------------------------------------------------------------------------

/// An error printed as its message alone (`main` shows a returned error with `Debug`).
pub struct Message(String);

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for Message {}

/// The flags that only shape training, which `--load` skips.
const TRAINING_FLAGS: [&str; 5] = ["--hidden", "--activation", "--lr", "--batch", "--epochs"];

impl Config {
    /// The configuration the flags ask for, or `None` for `--help`.
    pub fn from_args(mut args: impl Iterator<Item = String>) -> Result<Option<Config>, Message> {
        let mut cfg = Config::default();
        let mut training_flag = None; // the first flag given that shapes training
        while let Some(arg) = args.next() {
            if arg == "--help" || arg == "-h" {
                return Ok(None);
            }
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f.to_string(), Some(v.to_string())),
                None => (arg.clone(), None),
            };
            let expected = match flag.as_str() {
                "--data" => "circle, xor, gauss or spiral",
                "--noise" => "a fraction from 0 to 0.5, the Playground's slider / 100 (e.g. 0.25)",
                "--hidden" => "layer widths >= 1 separated by commas (e.g. --hidden 4,2), or none",
                "--activation" => "tanh, relu, sigmoid or linear",
                "--lr" => "a learning rate > 0 (e.g. --lr 0.03)",
                "--batch" => "a whole number >= 1 (e.g. --batch 10)",
                "--epochs" => "a whole number >= 1 (e.g. --epochs 300)",
                "--seed" => "a whole number >= 0 (e.g. --seed 7)",
                "--save" => "a file to save the network to (e.g. --save circle.safetensors)",
                "--load" => "a saved network's file (e.g. --load circle.tapegrad)",
                _ => {
                    return Err(Message(format!(
                        "unknown argument `{arg}`; run with --help to see the flags"
                    )));
                }
            };
            let Some(value) = inline.or_else(|| args.next()) else {
                return Err(Message(format!("{flag} needs a value: {expected}")));
            };
            let bad = || Message(format!("{flag} expects {expected}; got `{value}`"));
            let v = value.trim();
            match flag.as_str() {
                "--data" => cfg.data = v.parse().map_err(|_| bad())?,
                "--noise" => {
                    let (number, percent) = match v.strip_suffix('%') {
                        Some(p) => (p.trim(), true),
                        None => (v, false),
                    };
                    let n: f64 = number.parse().map_err(|_| bad())?;
                    if percent || (1.0..=50.0).contains(&n) {
                        // Most likely a percentage: refuse rather than silently run at 100·n%.
                        return Err(Message(format!(
                            "--noise is a fraction, the Playground's slider / 100 (0 to 0.5); \
                             for {n}% write --noise {}",
                            n / 100.0
                        )));
                    }
                    if !(0.0..=0.5).contains(&n) {
                        return Err(bad());
                    }
                    cfg.noise = n;
                }
                "--hidden" => {
                    cfg.hidden = if v.eq_ignore_ascii_case("none") {
                        Vec::new()
                    } else {
                        let sizes: Result<Vec<usize>, _> =
                            v.split(',').map(|s| s.trim().parse::<usize>()).collect();
                        sizes
                            .ok()
                            .filter(|s| s.iter().all(|&w| w >= 1))
                            .ok_or_else(bad)?
                    };
                }
                "--activation" => cfg.activation = v.parse().map_err(|_| bad())?,
                "--lr" => {
                    let lr: f64 = v.parse().map_err(|_| bad())?;
                    if !(lr.is_finite() && lr > 0.0) {
                        return Err(bad());
                    }
                    cfg.lr = lr;
                }
                "--batch" => cfg.batch = positive(v).ok_or_else(bad)?,
                "--epochs" => cfg.epochs = positive(v).ok_or_else(bad)?,
                "--seed" => cfg.seed = v.parse().map_err(|_| bad())?,
                "--save" | "--load" if v.is_empty() => return Err(bad()),
                "--save" => cfg.save = Some(PathBuf::from(v)),
                "--load" => cfg.load = Some(PathBuf::from(v)),
                _ => unreachable!("every flag was matched above"),
            }
            if TRAINING_FLAGS.contains(&flag.as_str()) {
                training_flag.get_or_insert(flag);
            }
        }
        if let (Some(path), Some(flag)) = (&cfg.load, training_flag) {
            return Err(Message(format!(
                "{flag} has no effect with --load: the network comes from {} as it was trained",
                path.display()
            )));
        }
        Ok(Some(cfg))
    }
}

fn positive(s: &str) -> Option<usize> {
    s.parse().ok().filter(|&n| n >= 1)
}
