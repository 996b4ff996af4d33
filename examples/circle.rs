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
//! loads; see the guide's chapter 9) with the features and data settings it was trained with,
//! and `--load PATH` draws a saved network's boundary without training, with those features
//! and on that data.

#[path = "common/flags.rs"]
mod flags;
#[path = "common/message.rs"]
mod message;
#[path = "common/output.rs"]
mod output;
#[path = "circle/report.rs"]
mod report;
#[path = "circle/settings.rs"]
mod settings;
#[cfg(test)]
#[path = "circle/tests.rs"]
mod tests;

use std::error::Error;
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::{SeedableRng, rngs::StdRng};
use tapegrad::datasets::{self, PLAYGROUND_SAMPLES, Split};
use tapegrad::diagnose::{Checkup, History};
use tapegrad::loss::{self, Loss};
use tapegrad::nn::{Activation, BatchGradients, Forward, Init, Mlp, Module, batch_loss};
use tapegrad::optim::{Optimizer, Sgd, check_loss};

use flags::Message;
use report::Run;
use settings::{Config, encode};

fn main() -> Result<(), Box<dyn Error>> {
    let Some(mut cfg) = Config::from_args(std::env::args().skip(1))? else {
        print!("{}", settings::usage());
        return Ok(());
    };

    if let Some(path) = &cfg.save {
        report::check_save_dir(path)?;
    }

    // A saved network first: the features and data it records are the run's, unless given.
    let loaded = match cfg.load.clone() {
        Some(path) => Some(report::load_network(&path, &mut cfg)?),
        None => None,
    };

    // The data: 500 points, shuffled, half (or --train-percent) to train on, the rest to test
    // with, as datasets::playground does.
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let data = playground_data(&cfg, &mut rng)?;

    // The network: trained here, or as a file holds it (whose metadata --save keeps).
    let (model, run, file) = match loaded {
        Some(loaded) => {
            report::print_loaded(&cfg, &loaded, &data);
            (loaded.model, None, Some(loaded.metadata))
        }
        None => {
            let (model, run) = train(&cfg, &data, &mut rng)?;
            (model, Some(run), None)
        }
    };

    // What it learned: the accuracies, the boundary, the loss curve and the pictures.
    report::show(&cfg, &model, &data, run.as_ref())?;
    if let Some(path) = &cfg.save {
        report::save_network(&model, path, &cfg.to_save(file.as_ref()))?;
    }

    // On stderr: the one line that differs from run to run, so stdout stays reproducible.
    if let Some(run) = &run {
        eprintln!("\n{}", report::timing(&cfg, data.train.len(), run.elapsed));
    }
    Ok(())
}

/// The Playground's points for `cfg`: 500 of them, shuffled, and split into training and test
/// points as `--train-percent` says (half and half by default, as `datasets::playground`).
fn playground_data(cfg: &Config, rng: &mut StdRng) -> Result<Split, tapegrad::Error> {
    let mut points = cfg.data.generate(PLAYGROUND_SAMPLES, cfg.noise, rng)?;
    points.shuffle(rng);
    datasets::split(points, cfg.train_percent / 100.0)
}

/// Builds the network (the features in, the hidden layers, one tanh output; Playground init)
/// and trains it, printing the Playground's table of losses as it goes.
fn train(cfg: &Config, data: &Split, rng: &mut StdRng) -> Result<(Mlp, Run), Box<dyn Error>> {
    if cfg.batch > data.train.len() {
        let n = data.train.len();
        return Err(Box::new(Message(format!(
            "--batch {} is more than the {n} training points; give at most {n} (one batch of \
             all of them is full-batch training)",
            cfg.batch
        ))));
    }
    let sizes = [&cfg.hidden[..], &[1]].concat();
    let (hidden, output) = (cfg.activation, Activation::Tanh);
    let mut model = Mlp::new(
        cfg.features.len(),
        &sizes,
        hidden,
        output,
        Init::Playground,
        rng,
    )?;
    report::print_setup(cfg, &model, data);

    let mut opt = Sgd::new(cfg.lr);
    let mut grads = BatchGradients::new(); // each thread's tape, kept from step to step
    // Each training point as the network reads it: its features, and its label.
    let mut train: Vec<(Vec<f64>, f64)> = data
        .train
        .iter()
        .map(|p| (encode(&cfg.features, p.x, p.y), p.label))
        .collect();
    let mut history = History::new(); // the losses and updates, for the diagnosis
    let mut run = Run::default();
    run.measure(&model, cfg, data, 0)?;
    history.push_loss(run.train_curve[0]);

    let start = Instant::now();
    for epoch in 1..=cfg.epochs {
        train.shuffle(rng);
        train_epoch(&mut model, &mut opt, &mut grads, &train, cfg, &mut history)?;
        run.measure(&model, cfg, data, epoch)?;
        history.push_loss(run.train_curve[epoch]);
    }
    run.elapsed = start.elapsed();

    // The diagnosis sees what the network sees: the encoded features of each training point.
    let inputs: Vec<Vec<f64>> = data
        .train
        .iter()
        .map(|p| encode(&cfg.features, p.x, p.y))
        .collect();
    let labels: Vec<f64> = data.train.iter().map(|p| p.label).collect();
    run.diagnosis = Checkup::new(&model, &inputs, &labels, Loss::HalfSquaredError)
        .history(&history)
        .run()?;
    Ok((model, run))
}

/// One pass over `train` in batches of `cfg.batch` (the last may be smaller): the plain loop
/// of backprop, one SGD step per batch, each recorded in `history`.
fn train_epoch(
    model: &mut Mlp,
    opt: &mut Sgd,
    grads: &mut BatchGradients,
    train: &[(Vec<f64>, f64)],
    cfg: &Config,
    history: &mut History,
) -> Result<(), Box<dyn Error>> {
    let is_weight = weight_mask(model);
    for batch in train.chunks(cfg.batch) {
        // On each of cfg.threads threads: the parameters onto its tape, forward, the loss
        // ½·(output − label)², backward. The mean over the batch, so its gradient is the
        // batch's mean gradient.
        let mut loss = batch_loss(
            model,
            batch,
            |out, p| loss::half_squared_error(out[0], p.1),
            cfg.threads,
            grads,
        )?;
        let mut gradients = grads.to_vec();
        if cfg.l2 > 0.0 {
            // rate/2 · Σ w², whose gradient rate · w is the Playground's L2 step.
            let (mut k, mut squares) = (0, 0.0);
            model.visit_parameters(&mut |w| {
                if is_weight[k] {
                    squares += w * w;
                    gradients[k] += cfg.l2 * w;
                }
                k += 1;
            });
            loss += cfg.l2 / 2.0 * squares;
        }
        check_loss(opt.step_count(), loss)?;
        let before = model.parameters();
        opt.step(model, &gradients)?; // update: each parameter -= lr · its gradient
        history.push_update(model, &before);
    }
    Ok(())
}

/// Which of the model's parameters, in their documented order (each neuron's weights, then
/// its bias), are weights: L2 leaves the biases alone, as the Playground does.
fn weight_mask(model: &Mlp) -> Vec<bool> {
    let mut mask = Vec::with_capacity(model.parameter_count());
    for layer in model.layers() {
        for neuron in layer.neurons() {
            mask.extend(std::iter::repeat_n(true, neuron.nin()));
            mask.push(false);
        }
    }
    mask
}
