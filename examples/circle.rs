//! The TensorFlow Playground's default run, for real: a small network learns to tell a disc of
//! blue points from the ring of orange points around it.
//!
//! You will see the setup (500 points split 250 train / 250 test, a 2 → 4 → 2 → 1 tanh network,
//! SGD with learning rate 0.03 on batches of 10), then the test and training loss every few
//! epochs as the Playground shows them, falling from about 0.5 towards 0; then the final
//! accuracies (at least 99% on the test points), the learned decision boundary drawn in the
//! terminal (`+` where the network says blue, `-` where it says orange, `o`/`x` for the blue and
//! orange training points, `O`/`X` for the test points), a sparkline of the loss, and the time
//! the training took. Three SVG pictures go under `tapegrad/` in the Cargo target directory
//! (`target/`, or the one `CARGO_TARGET_DIR` names): the boundary with the training and test
//! points, the loss curves, and the Playground's network view, what every input and every
//! neuron computes over the plane. They are named after the flags that differ from the
//! defaults, so another run does not overwrite the default's; the paths printed are the real
//! ones.
//!
//! Every training step is the plain loop of backprop: put the parameters on a tape, run the
//! network forward on a batch, average the losses, run backward, step against the gradient.
//! Everything is seeded, so a run is repeatable. Try `--help`, then for instance
//! `--data spiral --hidden 8,8,8 --epochs 1000`, `--noise 0.3 --l2 0.01`, or the Playground's
//! extra inputs: `--features x2,y2 --hidden none` learns the circle with no hidden layer.
//!
//! When training goes wrong, a diagnosis after the accuracies says what, with the numbers
//! (`tapegrad::diagnose`): try `--lr 1e6`, whose loss goes up. A healthy run prints none.
//!
//! `--save PATH` keeps the trained network (a `.safetensors` name gives the file PyTorch
//! loads; see the guide's chapter 9), and `--load PATH` draws a saved network's boundary
//! without training.

#[path = "common/flags.rs"]
mod flags;
#[path = "common/output.rs"]
mod output;

use std::error::Error;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use flags::{Given, Message};
use output::{output_dir, shown};
use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{SeedableRng, rngs::StdRng};
use tapegrad::datasets::{self, PLAYGROUND_SAMPLES, Playground, Point, Split};
use tapegrad::diagnose::{Checkup, Diagnosis, History};
use tapegrad::loss::Loss;
use tapegrad::nn::{Activation, Forward, Init, Mlp, Module};
use tapegrad::optim::{Optimizer, Sgd, check_loss};
use tapegrad::plot::{self, BoundaryOptions, CurveOptions, MapOptions, NetworkMapOptions};
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
  --train-percent P  the share of the points to train on, 10 to 90     default 50
  --l2 RATE          L2 regularisation of the weights, >= 0             default 0
  --features LIST    the network's inputs, comma separated: x, y, x2   default x,y
                     (x squared), y2, xy, sinx, siny
  --save PATH        after training, saves the network to PATH: in safetensors (f64, the
                     layout PyTorch's nn.Sequential loads) if PATH ends in .safetensors,
                     else in tapegrad's own text format
  --load PATH        skips training: loads the network saved at PATH (either format) and
                     draws its boundary on the data --data, --noise and --seed make
  --help             prints this

The output neuron is always tanh (the Playground's choice for classification), the loss is
0.5*(output - label)^2 with labels +1 (blue) and -1 (orange), and the 500 points are split
250 for training and 250 for testing (--train-percent changes that). --l2 adds
RATE/2 * (sum of the squared weights) to each batch's loss, so each step also moves every
weight by -lr * RATE * weight, as the Playground's L2 does (biases are not regularised).
Noise is a fraction, as tapegrad::datasets takes it: --noise 0.25 is the Playground's 25%
(values above 0.5 are refused). With --load, the training flags (--hidden, --activation,
--lr, --batch, --epochs, --l2) are refused: the file holds the network; --features must be
the ones it was trained with. --load and --save together convert a saved network from one
format to the other. Flags take their value after a space or '=': --lr 0.1 or --lr=0.1.

The pictures go under tapegrad/ in the Cargo target directory, named after the flags that
differ from the defaults (circle-boundary.svg, circle_noise=0.2-boundary.svg, ...).
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
    pub seed: u64,
    /// The Playground's "ratio of training to test data", in percent.
    train_percent: f64,
    /// The Playground's L2 regularisation rate.
    l2: f64,
    /// The network's inputs, computed from each point's (x, y).
    pub features: Vec<Feature>,
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
            train_percent: 50.0,
            l2: 0.0,
            features: vec![Feature::X, Feature::Y],
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

    // The data: 500 points, shuffled, half (or --train-percent) to train on, the rest to test
    // with, as datasets::playground does.
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let data = playground_data(&cfg, &mut rng)?;

    // The network: trained here, or as a file holds it.
    let (model, run) = match &cfg.load {
        Some(path) => (load_network(path, &cfg, &data)?, None),
        None => {
            let (model, run) = train(&cfg, &data, &mut rng)?;
            (model, Some(run))
        }
    };

    let features = &cfg.features;
    let (train_ok, test_ok) = (
        correct(&model, features, &data.train)?,
        correct(&model, features, &data.test)?,
    );
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
    let score = |x: f64, y: f64| {
        model
            .predict(&encode(features, x, y))
            .map_or(f64::NAN, |out| out[0])
    };
    let map = MapOptions {
        color: std::io::stdout().is_terminal(),
        ..MapOptions::default()
    };
    println!("\nThe decision boundary over [-6, 6]²: + the network says blue (+1), - orange (-1);");
    println!("o and x are the blue and orange training points, O and X the test points,");
    println!("* a cell holding both colours.\n");
    print!(
        "{}",
        plot::decision_map_terminal_with_test(score, &data.train, &data.test, &map)
    );
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

    write_pictures(&cfg, &model, &data, run.as_ref(), test_ok)?;
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

/// The Playground's points for `cfg`: 500 of them, shuffled, and split into training and test
/// points as `--train-percent` says (half and half by default, as `datasets::playground`).
pub fn playground_data(cfg: &Config, rng: &mut StdRng) -> Result<Split, tapegrad::Error> {
    let mut points = cfg.data.generate(PLAYGROUND_SAMPLES, cfg.noise, rng)?;
    points.shuffle(rng);
    datasets::split(points, cfg.train_percent / 100.0)
}

/// Writes the pictures of the run under the output directory and prints their paths.
fn write_pictures(
    cfg: &Config,
    model: &Mlp,
    data: &Split,
    run: Option<&Run>,
    test_ok: usize,
) -> Result<(), Box<dyn Error>> {
    let dir = output_dir()?;
    let mut first = None;
    for (k, picture) in pictures(cfg, model, data, run, test_ok)?.iter().enumerate() {
        let path = dir.join(&picture.name);
        std::fs::write(&path, &picture.svg)?;
        let gap = if k == 0 { "\n" } else { "" };
        println!("{gap}wrote {}  ({})", shown(&path), picture.about);
        first.get_or_insert(path);
    }
    if let Some(path) = first {
        println!(
            "open them in a web browser, e.g. `xdg-open {}` (macOS: `open`)",
            shown(&path)
        );
    }
    Ok(())
}

/// A picture of a run: its file name, what it shows, and the SVG.
pub struct Picture {
    pub name: String,
    pub about: &'static str,
    pub svg: String,
}

/// The run's pictures, named after its settings: the boundary with the training and test
/// points, the loss curves (after training) and what every input and neuron computes.
pub fn pictures(
    cfg: &Config,
    model: &Mlp,
    data: &Split,
    run: Option<&Run>,
    test_ok: usize,
) -> Result<Vec<Picture>, tapegrad::Error> {
    let features = &cfg.features;
    let score = |x: f64, y: f64| {
        model
            .predict(&encode(features, x, y))
            .map_or(f64::NAN, |out| out[0])
    };
    let stem = cfg.picture_stem();
    let what = match &cfg.load {
        Some(_) => format!("{}, loaded network", cfg.data),
        None => format!("{}, epoch {}", cfg.data, cfg.epochs),
    };
    let accuracy = percent(test_ok, data.test.len());
    let title = format!("{what}, test accuracy {accuracy:.1}%");
    let mut out = vec![Picture {
        name: format!("{stem}-boundary.svg"),
        about: "the boundary; dots: training points, rings: test points",
        svg: plot::decision_boundary_svg_with_test(
            score,
            &data.train,
            &data.test,
            &title,
            &BoundaryOptions::default(),
        ),
    }];
    if let Some(run) = run {
        let series = [
            ("training", &run.train_curve[..]),
            ("test", &run.test_curve[..]),
        ];
        let log = CurveOptions {
            log_y: true,
            ..CurveOptions::default()
        };
        out.push(Picture {
            name: format!("{stem}-loss.svg"),
            about: "training and test loss, log scale",
            svg: plot::loss_curves_svg(&series, &format!("{}: loss per epoch", cfg.data), &log),
        });
    }
    let names: Vec<&str> = features.iter().map(|f| f.label()).collect();
    out.push(Picture {
        name: format!("{stem}-neurons.svg"),
        about: "each input and neuron over the plane",
        svg: plot::network_maps_svg(
            model,
            &names,
            |x, y| encode(features, x, y),
            &format!("{}: what every neuron computes", shape(model)),
            &NetworkMapOptions::default(),
        )?,
    });
    Ok(out)
}

/// What a training run leaves besides the network: the loss per epoch, the table it printed,
/// the time it took, and the diagnosis of what went wrong, if anything.
pub struct Run {
    pub train_curve: Vec<f64>,
    /// The Playground's table, as printed: a header, then a row every few epochs.
    pub table: String,
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
    if cfg.batch > data.train.len() {
        let n = data.train.len();
        return Err(Box::new(Message(format!(
            "--batch {} is more than the {n} training points; give at most {n} (one batch of \
             all of them is full-batch training)",
            cfg.batch
        ))));
    }
    let mut sizes = cfg.hidden.clone();
    sizes.push(1);
    let mut model = Mlp::new(
        cfg.features.len(),
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
    let features = &cfg.features;
    let mut train_curve = vec![mean_loss(&model, features, &data.train)?];
    let mut history = History::new(); // the losses and updates, for the diagnosis
    history.push_loss(train_curve[0]);
    let mut test_curve = vec![mean_loss(&model, features, &data.test)?];
    let every = print_interval(cfg.epochs);
    let mut table = String::from(" epoch   Test loss   Training loss   test accuracy\n");
    let test_accuracy = |model: &Mlp| -> Result<f64, tapegrad::Error> {
        Ok(percent(
            correct(model, features, &data.test)?,
            data.test.len(),
        ))
    };
    table += &row(0, test_curve[0], train_curve[0], test_accuracy(&model)?);
    print!("{table}");

    let start = Instant::now();
    for epoch in 1..=cfg.epochs {
        train.shuffle(rng);
        train_epoch(
            &mut model,
            &mut opt,
            &mut tape,
            &train,
            cfg,
            epoch,
            &mut history,
        )?;
        train_curve.push(mean_loss(&model, features, &data.train)?);
        history.push_loss(train_curve[epoch]);
        test_curve.push(mean_loss(&model, features, &data.test)?);
        if epoch % every == 0 || epoch == cfg.epochs {
            let acc = test_accuracy(&model)?;
            let line = row(epoch, test_curve[epoch], train_curve[epoch], acc);
            print!("{line}");
            table += &line;
        }
    }
    let elapsed = start.elapsed();
    // The diagnosis sees what the network sees: the encoded features of each training point.
    let inputs: Vec<Vec<f64>> = data
        .train
        .iter()
        .map(|p| encode(features, p.x, p.y))
        .collect();
    let labels: Vec<f64> = data.train.iter().map(|p| p.label).collect();
    let diagnosis = Checkup::new(&model, &inputs, &labels, Loss::HalfSquaredError)
        .history(&history)
        .run()?;
    let run = Run {
        train_curve,
        test_curve,
        table,
        elapsed,
        diagnosis,
    };
    Ok((model, run))
}

/// The network saved at `path`, which must take the points' 2 coordinates and give 1 score.
fn load_network(path: &Path, cfg: &Config, data: &datasets::Split) -> Result<Mlp, Box<dyn Error>> {
    // As a Message, so the error prints as its text (`main` shows errors with `Debug`).
    let model = save::load(path).map_err(|e| Message(e.to_string()))?;
    let inputs = cfg.features.len();
    if model.nin() != inputs || model.nout() != 1 {
        let names: Vec<&str> = cfg.features.iter().map(|f| f.name()).collect();
        return Err(Box::new(Message(format!(
            "{} holds a {} network; with --features {} this example draws networks with \
             {inputs} inputs and 1 output (pass the --features it was trained with)",
            path.display(),
            shape(&model),
            names.join(",")
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
            println!("load it in PyTorch (the guide's chapter 9 shows how):");
            println!("    model = {}.double()", save::pytorch_sequential(model)?);
            println!(
                "    model.load_state_dict(safetensors.torch.load_file(\"{}\"))",
                shown(path)
            );
        }
    }
    Ok(())
}

/// One pass over `train` in batches of `cfg.batch` (the last may be smaller): the plain loop
/// of backprop, one SGD step per batch, each recorded in `history`.
fn train_epoch(
    model: &mut Mlp,
    opt: &mut Sgd,
    tape: &mut Tape,
    train: &[Point],
    cfg: &Config,
    epoch: usize,
    history: &mut History,
) -> Result<(), Box<dyn Error>> {
    let is_weight = weight_mask(model);
    for batch in train.chunks(cfg.batch) {
        tape.clear(); // reuses the tape's memory from the last step
        let net = model.record(tape); // the parameters, as values on the tape
        let mut losses = Vec::with_capacity(batch.len());
        for p in batch {
            let inputs = encode(&cfg.features, p.x, p.y);
            let output = net.forward_f64(&inputs)?[0]; // forward
            losses.push(loss::half_squared_error(output, p.label)); // ½·(output − label)²
        }
        // The mean over the batch, so its gradient is the batch's mean gradient.
        let mut batch_loss = loss::mean(&losses)?;
        if cfg.l2 > 0.0 {
            // rate/2 · Σ w², whose gradient rate · w is the Playground's L2 step.
            let weights: Vec<Value<'_>> = net
                .params()
                .iter()
                .zip(&is_weight)
                .filter_map(|(&p, &w)| w.then_some(p))
                .collect();
            batch_loss += loss::l2_penalty(&weights, cfg.l2 / 2.0);
        }
        check_loss(epoch, batch_loss.data())?;
        let grads = net.gradients(&batch_loss.backward()); // backward
        let before = model.parameters();
        opt.step(model, &grads)?; // update: each parameter -= lr · its gradient
        history.push_update(model, &before);
    }
    Ok(())
}

/// Which of the model's parameters, in their documented order (each neuron's weights, then
/// its bias), are weights: L2 leaves the biases alone, as the Playground does.
pub fn weight_mask(model: &Mlp) -> Vec<bool> {
    let mut mask = Vec::with_capacity(model.parameter_count());
    for layer in model.layers() {
        for neuron in layer.neurons() {
            mask.extend(std::iter::repeat_n(true, neuron.nin()));
            mask.push(false);
        }
    }
    mask
}

/// The Playground's loss: ½·(output − label)² averaged over the points.
fn mean_loss(model: &Mlp, features: &[Feature], points: &[Point]) -> Result<f64, tapegrad::Error> {
    let mut total = 0.0;
    for p in points {
        let output = model.predict(&encode(features, p.x, p.y))?[0];
        total += loss::half_squared_error(Value::constant(output), p.label).data();
    }
    Ok(total / points.len() as f64)
}

/// How many points the network puts on the right side (output above 0 means +1).
pub fn correct(
    model: &Mlp,
    features: &[Feature],
    points: &[Point],
) -> Result<usize, tapegrad::Error> {
    let mut n = 0;
    for p in points {
        let output = model.predict(&encode(features, p.x, p.y))?[0];
        n += usize::from((output > 0.0) == (p.label > 0.0));
    }
    Ok(n)
}

/// The Playground's input features: what the network sees of a point (x, y).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    X,
    Y,
    XSquared,
    YSquared,
    XTimesY,
    SinX,
    SinY,
}

impl Feature {
    const ALL: [Feature; 7] = [
        Feature::X,
        Feature::Y,
        Feature::XSquared,
        Feature::YSquared,
        Feature::XTimesY,
        Feature::SinX,
        Feature::SinY,
    ];

    /// Its name on the command line.
    fn name(self) -> &'static str {
        match self {
            Feature::X => "x",
            Feature::Y => "y",
            Feature::XSquared => "x2",
            Feature::YSquared => "y2",
            Feature::XTimesY => "xy",
            Feature::SinX => "sinx",
            Feature::SinY => "siny",
        }
    }

    /// Its name in pictures.
    fn label(self) -> &'static str {
        match self {
            Feature::XSquared => "x²",
            Feature::YSquared => "y²",
            Feature::SinX => "sin x",
            Feature::SinY => "sin y",
            other => other.name(),
        }
    }

    fn of(self, x: f64, y: f64) -> f64 {
        match self {
            Feature::X => x,
            Feature::Y => y,
            Feature::XSquared => x * x,
            Feature::YSquared => y * y,
            Feature::XTimesY => x * y,
            Feature::SinX => x.sin(),
            Feature::SinY => y.sin(),
        }
    }
}

/// The network's inputs for the point (x, y): the chosen features, in order.
fn encode(features: &[Feature], x: f64, y: f64) -> Vec<f64> {
    features.iter().map(|f| f.of(x, y)).collect()
}

fn percent(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole as f64
}

/// One row of the Playground's table.
fn row(epoch: usize, test_loss: f64, train_loss: f64, test_accuracy: f64) -> String {
    format!("{epoch:>6}   {test_loss:>9.3}   {train_loss:>13.3}   {test_accuracy:>12.1}%\n")
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
    let names: Vec<&str> = cfg.features.iter().map(|f| f.label()).collect();
    println!("inputs: {}", names.join(", "));
    println!(
        "SGD, learning rate {}, batch size {} (one step per batch, on its mean gradient)",
        cfg.lr, cfg.batch
    );
    if cfg.l2 > 0.0 {
        println!(
            "L2 regularisation {}: the loss adds {}/2 · Σ weight²",
            cfg.l2, cfg.l2
        );
    }
    println!("loss ½·(output − label)², averaged over the points; labels +1 blue, -1 orange\n");
}

// ---------------------------------------------------------------------------------------------
// Flags, split by lexopt, checked here
// ---------------------------------------------------------------------------------------------

/// The flags that only shape training, which `--load` skips.
const TRAINING_FLAGS: [&str; 6] = [
    "--hidden",
    "--activation",
    "--lr",
    "--batch",
    "--epochs",
    "--l2",
];

impl Config {
    /// What the run's pictures are named after: the data set, then every setting that differs
    /// from the default, so that a run with other flags does not overwrite the default's
    /// pictures: `circle`, `circle_noise=0.2_l2=0.01`, `spiral_hidden=8-8_load=spiral`.
    pub fn picture_stem(&self) -> String {
        let default = Config::default();
        let list = |items: Vec<String>| items.join("-");
        let hidden = |c: &Config| match c.hidden.as_slice() {
            [] => "none".to_string(),
            sizes => list(sizes.iter().map(usize::to_string).collect()),
        };
        let features = |c: &Config| list(c.features.iter().map(|f| f.name().to_string()).collect());
        let settings = [
            ("noise", self.noise.to_string(), default.noise.to_string()),
            ("hidden", hidden(self), hidden(&default)),
            (
                "act",
                self.activation.to_string(),
                default.activation.to_string(),
            ),
            ("lr", self.lr.to_string(), default.lr.to_string()),
            ("batch", self.batch.to_string(), default.batch.to_string()),
            (
                "epochs",
                self.epochs.to_string(),
                default.epochs.to_string(),
            ),
            ("seed", self.seed.to_string(), default.seed.to_string()),
            (
                "train",
                self.train_percent.to_string(),
                default.train_percent.to_string(),
            ),
            ("l2", self.l2.to_string(), default.l2.to_string()),
            ("features", features(self), features(&default)),
        ];
        let mut stem = self.data.to_string();
        for (name, value, default) in settings {
            if value != default {
                stem.push_str(&format!("_{name}={value}"));
            }
        }
        if let Some(path) = &self.load {
            let file = path.file_stem().unwrap_or_default().to_string_lossy();
            let safe: String = file
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            stem.push_str(&format!("_load={safe}"));
        }
        stem
    }

    /// The configuration the flags ask for, or `None` for `--help`. `lexopt` splits the command
    /// line (`--lr 0.1` and `--lr=0.1` alike); each flag's value is checked here, and every
    /// refusal is one line naming the flag and what it expects.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Option<Config>, Message> {
        use lexopt::Arg::{Long, Short, Value};
        let mut cfg = Config::default();
        let mut training_flag = None; // the first flag given that shapes training
        let mut given = Given::default();
        let mut parser = lexopt::Parser::from_args(args);
        while let Some(arg) = parser.next().map_err(|e| Message(e.to_string()))? {
            let flag = match arg {
                Long("help") | Short('h') => return Ok(None),
                Long(name) => format!("--{name}"),
                Short(c) => {
                    return Err(Message(format!(
                        "unknown argument `-{c}`; flags start with two dashes: run with --help \
                         to see them"
                    )));
                }
                Value(v) => {
                    return Err(Message(format!(
                        "unknown argument `{}`; run with --help to see the flags",
                        v.to_string_lossy()
                    )));
                }
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
                "--train-percent" => "a percentage from 10 to 90 (e.g. --train-percent 30)",
                "--l2" => "a regularisation rate >= 0 (e.g. --l2 0.01)",
                "--features" => {
                    "some of x, y, x2, y2, xy, sinx, siny, comma separated, each once \
                     (e.g. --features x,y,x2,y2)"
                }
                "--save" => "a file to save the network to (e.g. --save circle.safetensors)",
                "--load" => "a saved network's file (e.g. --load circle.tapegrad)",
                _ => {
                    return Err(Message(format!(
                        "unknown argument `{flag}`; run with --help to see the flags"
                    )));
                }
            };
            given.once(&flag)?;
            let Ok(value) = parser.value() else {
                return Err(Message(format!("{flag} needs a value: {expected}")));
            };
            let value = value.to_string_lossy().into_owned();
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
                "--train-percent" => {
                    let p: f64 = v.trim_end_matches('%').parse().map_err(|_| bad())?;
                    if !(10.0..=90.0).contains(&p) {
                        return Err(bad());
                    }
                    cfg.train_percent = p;
                }
                "--l2" => {
                    let rate: f64 = v.parse().map_err(|_| bad())?;
                    if !(rate.is_finite() && rate >= 0.0) {
                        return Err(bad());
                    }
                    cfg.l2 = rate;
                }
                "--features" => {
                    let mut features = Vec::new();
                    for name in v.split(',').map(str::trim) {
                        let f = Feature::ALL.into_iter().find(|f| f.name() == name);
                        match f {
                            Some(f) if !features.contains(&f) => features.push(f),
                            _ => return Err(bad()),
                        }
                    }
                    cfg.features = features;
                }
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
