//! One session's run: the data, the network, the optimizer, and training step by step; what
//! the frames report (gradients, updates, maps, losses) is read from here.

use std::collections::VecDeque;
use std::time::Instant;

use serde::Serialize;
use tapegrad::datasets::Point;
use tapegrad::diagnose::update_ratio;
use tapegrad::nn::{Mlp, Module};
use tapegrad::optim::{Adam, Optimizer, Sgd, check_loss};
use tapegrad::rand::seq::SliceRandom;
use tapegrad::rand::{SeedableRng, rngs::StdRng};
use tapegrad::{Gradients, Tape};

use crate::data::Data;
use crate::error::ApiError;
use crate::frame::FindingJson;
use crate::network::{self, Encoded, Objective, Spec};
use crate::settings::{Effect, OptimizerKind, Settings};

/// How many epochs of losses and update ratios the diagnosis looks back over.
pub const HISTORY_EPOCHS: usize = 2000;

/// Whether the run trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Running,
    Paused,
    Diverged,
}

/// One epoch as the diagnosis sees it: the mean batch loss and, per layer, the largest
/// update/weight ratio of its steps.
#[derive(Clone, Debug)]
pub struct EpochRecord {
    pub loss: f64,
    pub ratios: Vec<f64>,
}

/// A session's run.
pub struct Trainer {
    pub settings: Settings,
    pub csv: Option<Vec<Point>>,
    pub data: Data,
    pub spec: Spec,
    pub encoded: Encoded,
    pub model: Mlp,
    pub mask: Vec<bool>,
    optimizer: Box<dyn Optimizer + Send>,
    rng: StdRng,
    order: Vec<usize>,
    position: usize,
    tape: Tape,
    grads: Gradients,
    pub epoch: u64,
    steps: usize,
    pub status: Status,
    pub reason: Option<String>,
    /// The training points (indices into `data.train`) of the last step's batch.
    pub last_batch: Vec<usize>,
    /// What the last step added to each parameter.
    pub last_update: Vec<f64>,
    epoch_loss: (f64, usize),
    epoch_ratios: Vec<f64>,
    /// The last [`HISTORY_EPOCHS`] epochs, the first being epoch `history_start`.
    pub history: VecDeque<EpochRecord>,
    pub history_start: u64,
    pub findings: Vec<FindingJson>,
    /// Whether a checkup is under way, whose findings may replace [`findings`]
    /// (Trainer::findings) in a later frame; the session keeps it.
    pub checking: bool,
    /// Whether a paused run changed while a checkup was under way: the session checks it
    /// again when that one ends.
    pub recheck: bool,
    /// How many times the network was made: a diagnosis of an older one is dropped.
    pub generation: u64,
    /// Epochs per second while running, measured over the last second or so.
    pub epochs_per_second: f64,
    rate_mark: (Instant, u64),
}

impl std::fmt::Debug for Trainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trainer")
            .field("settings", &self.settings)
            .field("epoch", &self.epoch)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

fn optimizer(kind: OptimizerKind, lr: f64) -> Box<dyn Optimizer + Send> {
    match kind {
        OptimizerKind::Sgd => Box::new(Sgd::new(lr)),
        OptimizerKind::Momentum => Box::new(Sgd::new(lr).with_momentum(0.9)),
        OptimizerKind::Adam => Box::new(Adam::new(lr)),
    }
}

impl Trainer {
    /// A paused run with these settings, at epoch 0.
    pub fn new(settings: Settings, csv: Option<Vec<Point>>) -> Result<Trainer, ApiError> {
        let data = Data::new(&settings, csv.as_deref())?;
        let spec = Spec::new(&settings, data.regression);
        let mut t = Trainer {
            optimizer: optimizer(settings.optimizer, settings.lr),
            rng: StdRng::seed_from_u64(u64::from(settings.seed)),
            encoded: Encoded::default(),
            model: network::build(&settings, &spec).map_err(internal)?,
            mask: Vec::new(),
            settings,
            csv,
            data,
            spec,
            order: Vec::new(),
            position: 0,
            tape: Tape::new(),
            grads: Gradients::new(),
            epoch: 0,
            steps: 0,
            status: Status::Paused,
            reason: None,
            last_batch: Vec::new(),
            last_update: Vec::new(),
            epoch_loss: (0.0, 0),
            epoch_ratios: Vec::new(),
            history: VecDeque::new(),
            history_start: 0,
            findings: Vec::new(),
            checking: false,
            recheck: false,
            generation: 0,
            epochs_per_second: 0.0,
            rate_mark: (Instant::now(), 0),
        };
        t.reset_network()?;
        Ok(t)
    }

    /// A new network from the seed, at epoch 0, paused: after a reset or a change of shape.
    pub fn reset_network(&mut self) -> Result<(), ApiError> {
        self.spec = Spec::new(&self.settings, self.data.regression);
        self.encoded = Encoded::new(&self.data, &self.settings.features, &self.spec);
        self.model = network::build(&self.settings, &self.spec).map_err(internal)?;
        self.mask = network::weight_mask(&self.model);
        self.optimizer = optimizer(self.settings.optimizer, self.settings.lr);
        self.rng = StdRng::seed_from_u64(u64::from(self.settings.seed));
        let n = self.data.train.len();
        self.order = (0..n).collect();
        self.position = 0;
        self.epoch = 0;
        self.steps = 0;
        self.status = Status::Paused;
        self.reason = None;
        self.last_batch = (0..n.min(self.settings.batch as usize)).collect();
        self.last_update = vec![0.0; self.model.parameter_count()];
        self.epoch_loss = (0.0, 0);
        self.epoch_ratios = vec![0.0; self.model.layers().len()];
        self.history.clear();
        self.history_start = 0;
        let (train, _) = self.losses();
        self.history.push_back(EpochRecord {
            loss: train.unwrap_or(f64::NAN),
            ratios: Vec::new(),
        });
        self.findings.clear();
        self.generation += 1;
        self.epochs_per_second = 0.0;
        Ok(())
    }

    /// Changes the settings as `next` says; `effect` is what [`Settings::with`] found.
    pub fn apply(&mut self, next: Settings, effect: Effect) -> Result<(), ApiError> {
        if effect == Effect::Regenerate {
            self.data = Data::new(&next, self.csv.as_deref())?;
        }
        let old = std::mem::replace(&mut self.settings, next);
        if effect >= Effect::ResetNetwork {
            return self.reset_network();
        }
        let s = &self.settings;
        self.spec = Spec::new(s, self.data.regression);
        if s.optimizer != old.optimizer {
            self.optimizer = optimizer(s.optimizer, s.lr);
        } else if s.lr != old.lr {
            self.optimizer.set_learning_rate(s.lr);
        }
        Ok(())
    }

    /// Starts or resumes training (also after a divergence: a smaller learning rate may
    /// rescue the run).
    pub fn play(&mut self) {
        self.status = Status::Running;
        self.reason = None;
        self.rate_mark = (Instant::now(), self.epoch);
    }

    pub fn pause(&mut self) {
        if self.status == Status::Running {
            self.status = Status::Paused;
        }
        self.epochs_per_second = 0.0;
    }

    /// Stops the run for `error`, the library's sentence saying why.
    pub fn diverge(&mut self, error: &tapegrad::Error) {
        self.status = Status::Diverged;
        self.reason = Some(error.to_string());
        self.epochs_per_second = 0.0;
    }

    /// Trains until the current epoch is complete (one whole epoch from a fresh start).
    pub fn step_epoch(&mut self) -> Result<(), tapegrad::Error> {
        while !self.step()? {}
        Ok(())
    }

    /// One optimizer step on the next batch; `Ok(true)` when it completed an epoch.
    pub fn step(&mut self) -> Result<bool, tapegrad::Error> {
        let n = self.order.len();
        if self.position == 0 {
            self.order.shuffle(&mut self.rng);
        }
        let end = (self.position + self.settings.batch as usize).min(n);
        self.last_batch.clear();
        self.last_batch
            .extend_from_slice(&self.order[self.position..end]);
        self.tape.clear();
        let before = self.model.parameters();
        let params = self.tape.vars(&before);
        let loss = self.objective().value(&params, None)?;
        check_loss(self.steps, loss.data())?;
        self.tape.backward_into(loss, &mut self.grads);
        let grads = self.grads.wrt_all(&params);
        self.optimizer.step(&mut self.model, &grads)?;
        self.steps += 1;
        let after = self.model.parameters();
        for ((u, a), b) in self.last_update.iter_mut().zip(&after).zip(&before) {
            *u = a - b;
        }
        let mut start = 0;
        for (layer, worst) in self.model.layers().iter().zip(&mut self.epoch_ratios) {
            let end = start + layer.parameter_count();
            *worst = worst.max(update_ratio(&before[start..end], &after[start..end]));
            start = end;
        }
        self.epoch_loss.0 += loss.data();
        self.epoch_loss.1 += 1;
        self.position = end;
        if end < n {
            return Ok(false);
        }
        self.position = 0;
        self.epoch += 1;
        let ratios =
            std::mem::replace(&mut self.epoch_ratios, vec![0.0; self.model.layers().len()]);
        self.history.push_back(EpochRecord {
            loss: self.epoch_loss.0 / self.epoch_loss.1 as f64,
            ratios,
        });
        self.epoch_loss = (0.0, 0);
        if self.history.len() > HISTORY_EPOCHS {
            self.history.pop_front();
            self.history_start += 1;
        }
        Ok(true)
    }

    /// The last batch's loss with the penalty, as a function of the parameters: what the
    /// last step descended, the frames' gradients and the gradient check.
    pub fn objective(&self) -> Objective<'_> {
        Objective {
            model: &self.model,
            spec: &self.spec,
            mask: &self.mask,
            xs: &self.encoded.train_x,
            ys: &self.encoded.train_y,
            batch: &self.last_batch,
        }
    }

    /// Refreshes [`epochs_per_second`](Trainer::epochs_per_second): the epochs trained since
    /// the mark over the time since, once a tenth of a second has passed; the mark moves on
    /// every second.
    pub fn measure_rate(&mut self) {
        let (at, epoch) = self.rate_mark;
        let elapsed = at.elapsed().as_secs_f64();
        if elapsed >= 0.1 {
            self.epochs_per_second = (self.epoch - epoch) as f64 / elapsed;
        }
        if elapsed >= 1.0 {
            self.rate_mark = (Instant::now(), self.epoch);
        }
    }

    /// The mean data loss (no penalty) on the training and test points, in plain `f64`;
    /// `None` where it is not finite or there are no points.
    pub fn losses(&self) -> (Option<f64>, Option<f64>) {
        let mut all = Vec::new();
        let mut scratch = [Vec::new(), Vec::new()];
        let mut mean = |xs: &[Vec<f64>], ys: &[f64]| {
            let mut total = 0.0;
            for (x, &y) in xs.iter().zip(ys) {
                all.clear();
                let out = network::eval(&self.model, x, &mut all, &mut scratch);
                total += self.spec.loss_of(out, y);
            }
            let mean = total / xs.len() as f64;
            mean.is_finite().then_some(mean)
        };
        (
            mean(&self.encoded.train_x, &self.encoded.train_y),
            mean(&self.encoded.test_x, &self.encoded.test_y),
        )
    }

    /// The gradient of the last batch's loss at the current parameters, and ∂L/∂(output)
    /// of every neuron summed over the batch's samples (layer by layer).
    pub fn probe(&mut self) -> (Vec<f64>, Vec<f64>) {
        self.tape.clear();
        let params = self.tape.vars(&self.model.parameters());
        let mut outputs = Vec::new();
        let neurons: usize = self.model.layers().iter().map(|l| l.nout()).sum();
        let Ok(loss) = self.objective().value(&params, Some(&mut outputs)) else {
            return (vec![0.0; params.len()], vec![0.0; neurons]);
        };
        self.tape.backward_into(loss, &mut self.grads);
        let grads = self.grads.wrt_all(&params);
        let mut per_neuron = vec![0.0; neurons];
        for (k, v) in outputs.iter().enumerate() {
            per_neuron[k % neurons] += self.grads.wrt(*v);
        }
        (grads, per_neuron)
    }

    /// Sets one weight (`input` is `Some(i)`) or bias (`None`) of neuron `neuron` of layer
    /// `layer`, found by the library's name for it (`layer1.neuron0.w2`, `layer1.neuron0.b`).
    ///
    /// # Errors
    /// 500 if the network has no such parameter (the caller checks the shape first) or
    /// refuses the value.
    pub fn set_weight(
        &mut self,
        layer: usize,
        neuron: usize,
        input: Option<usize>,
        value: f64,
    ) -> Result<(), ApiError> {
        let name = match input {
            Some(i) => format!("layer{layer}.neuron{neuron}.w{i}"),
            None => format!("layer{layer}.neuron{neuron}.b"),
        };
        let index = self
            .model
            .named_parameters()
            .get_index_of(&name)
            .ok_or_else(|| {
                ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    format!("internal error: the network has no parameter `{name}`"),
                )
            })?;
        let mut params = self.model.parameters();
        params[index] = value;
        self.model.set_parameters(&params).map_err(internal)
    }
}

/// A library error that valid settings cannot cause, as a 500.
fn internal(e: tapegrad::Error) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        format!("internal error: {e}"),
    )
}
