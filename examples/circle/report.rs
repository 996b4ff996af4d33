//! What the circle example prints and draws: the setup, the Playground's table of losses, the
//! accuracies and the boundary, the pictures, and the saved or loaded network.

use std::error::Error;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tapegrad::Value;
use tapegrad::datasets::{Point, Split};
use tapegrad::diagnose::Diagnosis;
use tapegrad::loss;
use tapegrad::nn::{Forward, Mlp, Module, accuracy_with};
use tapegrad::plot::{self, BoundaryOptions, CurveOptions, MapOptions, NetworkMapOptions};
use tapegrad::save::{self, Format, Metadata};

use crate::flags::Message;
use crate::output::{Picture, shown};
use crate::settings::{self, Config, Feature, encode};

/// What a training run leaves besides the network: the loss per epoch, the table it printed,
/// the time it took, and the diagnosis of what went wrong, if anything.
#[derive(Debug, Default)]
pub struct Run {
    pub train_curve: Vec<f64>,
    pub test_curve: Vec<f64>,
    /// The Playground's table, as printed: a header, then a row every few epochs.
    pub table: String,
    pub elapsed: Duration,
    pub diagnosis: Diagnosis,
}

impl Run {
    /// Measures the training and test loss after `epoch` epochs, and every few epochs prints
    /// them with the test accuracy as a row of the Playground's table.
    pub fn measure(
        &mut self,
        model: &Mlp,
        cfg: &Config,
        data: &Split,
        epoch: usize,
    ) -> Result<(), tapegrad::Error> {
        self.train_curve
            .push(mean_loss(model, &cfg.features, &data.train)?);
        self.test_curve
            .push(mean_loss(model, &cfg.features, &data.test)?);
        if epoch == 0 {
            self.table = String::from(" epoch   Test loss   Training loss   test accuracy\n");
            print!("{}", self.table);
        }
        if epoch % print_interval(cfg.epochs) == 0 || epoch == cfg.epochs {
            let (test, train) = (self.test_curve[epoch], self.train_curve[epoch]);
            let acc = percent(
                accuracy_with(model, &data.test, |p| encode(&cfg.features, p.x, p.y))?,
                data.test.len(),
            );
            let row = format!("{epoch:>6}   {test:>9.3}   {train:>13.3}   {acc:>12.1}%\n");
            print!("{row}");
            self.table += &row;
        }
        Ok(())
    }
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

/// How many of `n` points an accuracy of `share` puts right.
fn right(share: f64, n: usize) -> usize {
    (share * n as f64).round() as usize
}

/// An accuracy in percent, computed from the count as `100 · right / n`: 203 of 400 is 50.75%,
/// printed 50.8, where `100 × 0.5075` is a hair below and would print 50.7.
fn percent(share: f64, n: usize) -> f64 {
    100.0 * right(share, n) as f64 / n as f64
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

/// Prints what is about to be trained: the data, the network, the inputs, SGD and the loss.
pub fn print_setup(cfg: &Config, model: &Mlp, data: &Split) {
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

/// What the accuracies are of: `after 300 epochs`, or `the network from PATH`.
pub fn what_ran(cfg: &Config) -> String {
    match &cfg.load {
        Some(path) => format!("the network from {}", path.display()),
        None => format!("after {}", count(cfg.epochs, "epoch")),
    }
}

/// The line after training: how many epochs, examples and SGD steps on `train_points` took
/// how long.
pub fn timing(cfg: &Config, train_points: usize, elapsed: Duration) -> String {
    format!(
        "trained {} ({}, {}) in {:.3} s, loss evaluation included",
        count(cfg.epochs, "epoch"),
        count(cfg.epochs * train_points, "example"),
        count(cfg.epochs * train_points.div_ceil(cfg.batch), "SGD step"),
        elapsed.as_secs_f64()
    )
}

/// `n` and `noun`, which takes an `s` unless `n` is 1: `1 epoch`, `300 epochs`.
pub fn count(n: usize, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{n} {noun}{s}")
}

/// Prints what the network learned (the accuracies, a diagnosis if something went wrong, the
/// boundary over [-6, 6]², the loss curve) and writes the pictures.
pub fn show(
    cfg: &Config,
    model: &Mlp,
    data: &Split,
    run: Option<&Run>,
) -> Result<(), Box<dyn Error>> {
    let (train_acc, test_acc) = (
        accuracy_with(model, &data.train, |p| encode(&cfg.features, p.x, p.y))?,
        accuracy_with(model, &data.test, |p| encode(&cfg.features, p.x, p.y))?,
    );
    let which = what_ran(cfg);
    let (train_n, test_n) = (data.train.len(), data.test.len());
    println!(
        "\n{which}: training accuracy {:5.1}% ({}/{train_n}), test accuracy {:5.1}% ({}/{test_n})",
        percent(train_acc, train_n),
        right(train_acc, train_n),
        percent(test_acc, test_n),
        right(test_acc, test_n),
    );
    if let Some(run) = run.filter(|run| !run.diagnosis.is_empty()) {
        // Only when something is wrong: a healthy run prints nothing here.
        print!("\n{}", run.diagnosis);
    }

    let score = |x: f64, y: f64| {
        model
            .predict(&encode(&cfg.features, x, y))
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
    if let Some(run) = run {
        let log_curve: Vec<f64> = run.train_curve.iter().map(|l| l.log10()).collect();
        println!(
            "\ntraining loss, epoch 0 to {} (log scale)  {}  {:.3} → {:.3}",
            cfg.epochs,
            plot::sparkline_fit(&log_curve, 40),
            run.train_curve[0],
            run.train_curve[cfg.epochs]
        );
    }
    crate::output::write_pictures(&pictures(cfg, model, data, run, test_acc)?)?;
    Ok(())
}

/// The run's pictures, named after its settings: the boundary with the training and test
/// points, the loss curves (after training) and what every input and neuron computes.
pub fn pictures(
    cfg: &Config,
    model: &Mlp,
    data: &Split,
    run: Option<&Run>,
    test_accuracy: f64,
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
    let test_percent = percent(test_accuracy, data.test.len());
    let title = format!("{what}, test accuracy {test_percent:.1}%");
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

/// A network `--load` read: its file, the model, the file's metadata (which `--save` keeps),
/// the settings taken from it and those given instead, as flags.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub model: Mlp,
    pub metadata: Metadata,
    pub taken: Vec<String>,
    pub overridden: Vec<String>,
}

/// The network saved at `path`, with the settings it records taken into `cfg` (see
/// [`Config::take_saved`]); it must take the configured features and give 1 score.
pub fn load_network(path: &Path, cfg: &mut Config) -> Result<Loaded, Box<dyn Error>> {
    // As a Message, so the error prints as its text (`main` shows errors with `Debug`).
    let (model, metadata) = save::load_with_metadata(path).map_err(|e| Message(e.to_string()))?;
    let (taken, overridden) = cfg.take_saved(path, &metadata)?;
    let inputs = cfg.features.len();
    if model.nin() != inputs || model.nout() != 1 {
        let names: Vec<&str> = cfg.features.iter().map(|f| f.name()).collect();
        let (path, shape, inputs) = (path.display(), shape(&model), count(inputs, "input"));
        // Features the file records were taken, and no others are let in: say so, rather than
        // send the learner to a --features that would be refused.
        let message = match settings::recorded_features(&metadata) {
            Some((key, value)) => format!(
                "{path} holds a {shape} network, but records {key} = `{value}`, for networks \
                 with {inputs} and 1 output: the file contradicts itself, and no --features \
                 can draw it"
            ),
            None => format!(
                "{path} holds a {shape} network; with --features {} this example draws \
                 networks with {inputs} and 1 output (pass the --features it was trained with)",
                names.join(",")
            ),
        };
        return Err(Box::new(Message(message)));
    }
    Ok(Loaded {
        path: path.to_path_buf(),
        model,
        metadata,
        taken,
        overridden,
    })
}

/// Prints what was loaded and the data it is drawn on, and the settings taken from the file.
pub fn print_loaded(cfg: &Config, loaded: &Loaded, data: &Split) {
    let (path, model) = (&loaded.path, &loaded.model);
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
        shape(model),
        model.parameter_count(),
        path.display()
    );
    if !loaded.taken.is_empty() {
        let taken = loaded.taken.join(" ");
        println!(
            "from {}, the settings it was trained with: {taken}",
            path.display()
        );
    }
    if !loaded.overridden.is_empty() {
        let given = loaded.overridden.join(", ");
        println!("given instead: {given}");
    }
    println!("{model}");
}

/// Refuses a `--save` path whose directory does not exist, before anything is trained: the
/// run would otherwise train, draw, and only then fail to save.
pub fn check_save_dir(path: &Path) -> Result<(), Message> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."), // a bare file name: the current directory
    };
    if dir.is_dir() {
        Ok(())
    } else {
        Err(Message(format!(
            "--save {}: there is no directory {} to save into; create it first",
            path.display(),
            dir.display()
        )))
    }
}

/// Saves the network with `metadata` in the format `path`'s extension asks for, and says how
/// to use the file.
pub fn save_network(model: &Mlp, path: &Path, metadata: &Metadata) -> Result<(), Box<dyn Error>> {
    let format = Format::from_path(path);
    save::save_with_metadata(model, path, format, metadata).map_err(|e| Message(e.to_string()))?;
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
