//! Short training runs through the public API, for the tests that judge what a run left
//! behind (`tests/diagnose_verdicts.rs`). Include it with
//! `#[path = "common/runs.rs"] mod runs;`.

#![allow(dead_code)]

use rand::seq::SliceRandom;
use rand::{SeedableRng, rngs::StdRng};
use tapegrad::datasets::{self, Playground, Point};
use tapegrad::loss::{self, Loss};
use tapegrad::nn::{Activation, Init, Mlp, Module};
use tapegrad::optim::{Optimizer, Sgd};
use tapegrad::{Error, Tape};

/// A training set: one input slice and one label per sample.
#[derive(Clone, Debug)]
pub struct Data {
    /// The inputs, one `Vec` per sample.
    pub xs: Vec<Vec<f64>>,
    /// The labels, one per sample.
    pub ys: Vec<f64>,
}

impl Data {
    /// The training half of a seeded Playground set of 500 points (labels ±1), as the circle
    /// example draws it.
    pub fn playground(kind: Playground, seed: u64) -> Data {
        let mut rng = StdRng::seed_from_u64(seed);
        let split = datasets::playground(kind, datasets::PLAYGROUND_SAMPLES, 0.0, &mut rng)
            .expect("a valid Playground set");
        Data::from_points(&split.train)
    }

    /// Points as two-input samples.
    pub fn from_points(points: &[Point]) -> Data {
        Data {
            xs: points.iter().map(|p| p.inputs().to_vec()).collect(),
            ys: points.iter().map(|p| p.label).collect(),
        }
    }

    /// The samples as `(inputs, label)` pairs, the shape `Diagnosis::of` takes.
    pub fn samples(&self) -> Vec<(Vec<f64>, f64)> {
        self.xs
            .iter()
            .cloned()
            .zip(self.ys.iter().copied())
            .collect()
    }

    /// `(input, label)` pairs as one-input samples.
    pub fn from_pairs(pairs: &[(f64, f64)]) -> Data {
        Data {
            xs: pairs.iter().map(|&(x, _)| vec![x]).collect(),
            ys: pairs.iter().map(|&(_, y)| y).collect(),
        }
    }
}

/// The circle example's run (`cargo run --example circle -- ...`) with these settings and
/// the default seed, 1, step for step: one generator draws the Playground's 500 points, then
/// the Playground-initialised network (tanh output), then each epoch's shuffle. Returns the
/// trained network, the 250 training points and the losses.
pub fn playground_run(
    kind: Playground,
    hidden: &[usize],
    activation: Activation,
    lr: f64,
    batch: usize,
    epochs: usize,
) -> (Mlp, Data, Vec<f64>) {
    let mut rng = StdRng::seed_from_u64(1);
    let split = datasets::playground(kind, datasets::PLAYGROUND_SAMPLES, 0.0, &mut rng)
        .expect("a valid Playground set");
    let data = Data::from_points(&split.train);
    let mut sizes = hidden.to_vec();
    sizes.push(1);
    let mut model = Mlp::new(
        2,
        &sizes,
        activation,
        Activation::Tanh,
        Init::Playground,
        &mut rng,
    )
    .expect("a valid network");
    let losses = train(
        &mut model,
        &data,
        Loss::HalfSquaredError,
        lr,
        batch,
        epochs,
        &mut rng,
    );
    (model, data, losses)
}

/// A network of `nin` inputs, these hidden widths and one output, seeded.
pub fn network(
    nin: usize,
    hidden: &[usize],
    activation: Activation,
    output: Activation,
    init: Init,
    seed: u64,
) -> Mlp {
    let mut sizes = hidden.to_vec();
    sizes.push(1);
    let mut rng = StdRng::seed_from_u64(seed);
    Mlp::new(nin, &sizes, activation, output, init, &mut rng).expect("a valid network")
}

/// The mean of `l` over every sample, at the model's parameters.
pub fn mean_loss(model: &Mlp, data: &Data, l: Loss) -> Result<f64, Error> {
    let tape = Tape::new();
    let net = model.record(&tape);
    let mut losses = Vec::with_capacity(data.ys.len());
    for (x, &y) in data.xs.iter().zip(&data.ys) {
        losses.push(l.apply(net.forward_f64(x)?[0], y));
    }
    Ok(loss::mean(&losses)?.data())
}

/// Trains `model` with SGD at `lr` for `epochs` passes over `data` in batches of `batch`,
/// shuffled by `rng` every epoch, and returns the mean training loss before the first epoch and after each (the
/// losses a learner would hand to the diagnosis). A step that fails (a non-finite gradient)
/// ends the run; the loss after it is still recorded.
pub fn train(
    model: &mut Mlp,
    data: &Data,
    l: Loss,
    lr: f64,
    batch: usize,
    epochs: usize,
    rng: &mut StdRng,
) -> Vec<f64> {
    let mut opt = Sgd::new(lr);
    let mut order: Vec<usize> = (0..data.ys.len()).collect();
    let mut tape = Tape::new();
    let mut losses = vec![mean_loss(model, data, l).unwrap_or(f64::NAN)];
    for _ in 0..epochs {
        order.shuffle(rng);
        let mut failed = false;
        for chunk in order.chunks(batch) {
            tape.clear();
            let net = model.record(&tape);
            let mut batch_losses = Vec::with_capacity(chunk.len());
            for &i in chunk {
                let out = net.forward_f64(&data.xs[i]).expect("finite inputs")[0];
                batch_losses.push(l.apply(out, data.ys[i]));
            }
            let mean = loss::mean(&batch_losses).expect("a non-empty batch");
            let grads = net.gradients(&mean.backward());
            if opt.step(model, &grads).is_err() {
                failed = true;
                break;
            }
        }
        losses.push(mean_loss(model, data, l).unwrap_or(f64::NAN));
        if failed {
            break;
        }
    }
    losses
}
