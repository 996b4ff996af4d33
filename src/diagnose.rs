//! Training diagnostics: why a loss goes up, or stops going down, in words with the numbers.
//!
//! "My loss goes up and I don't know why" has a handful of usual causes, and each leaves a
//! trace a program can look for. A [`Checkup`] takes plain data (the model, the training
//! samples, the loss, and optionally the [`History`] of the run and the gradients the loop
//! stepped with) and returns a [`Diagnosis`]: a list of [`Finding`]s, each with its numbers,
//! printed in words; a healthy run gets an empty one ([`is_empty`](Diagnosis::is_empty)).
//! What it looks for:
//!
//! - **the loss rising** over several epochs: a learning rate too high? With the epoch it
//!   began and the largest update/weight ratio per layer since (a rule of thumb from Karpathy:
//!   about 1e-3);
//! - **saturated units** (tanh or sigmoid near its limits on most samples,
//!   [`SATURATED_SHARE`]) and **dead relu units** (0 on every sample) in the hidden layers, as
//!   counts and percentages: they pass back (almost) no gradient;
//! - **vanishing or exploding gradients**: the gradient norm per layer, flagged when layers
//!   differ by more than [`UNEVEN_GRADIENTS`]×;
//! - **wrong gradients**: the gradients the loop stepped with, against finite differences of
//!   the loss ([`check_gradients`]);
//! - **a loss stuck at a floor** while the gradients are right (checked with
//!   [`check_gradients`] at the current parameters): the network may not be able to represent
//!   the data;
//! - **the data**: a non-finite input (naming the row), labels or outputs outside the loss's
//!   domain, data of one class only, samples sorted by class and taken in order by
//!   mini-batches.
//!
//! It runs the model forward in plain `f64`, layer by layer
//! ([`Layer::predict`](crate::nn::Layer::predict)), and records its own tapes: it never touches
//! the training loop's tape, so it can run after any epoch or once at the end. Recording a
//! [`History`] costs a few numbers per step.
//!
//! ```
//! use tapegrad::diagnose::{Checkup, Finding, History};
//! use tapegrad::loss::Loss;
//! use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
//!
//! # fn main() -> Result<(), tapegrad::Error> {
//! // A relu unit whose input is negative for every sample: dead.
//! let dead = Neuron::from_parts(vec![-1.0], -0.5, Activation::Relu);
//! let out = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
//! let model = Mlp::from_layers(vec![
//!     Layer::from_neurons(vec![dead])?,
//!     Layer::from_neurons(vec![out])?,
//! ])?;
//! let (xs, ys) = ([[1.0], [2.0], [3.0]], [1.0, 0.0, 1.0]);
//! let mut history = History::new();
//! for _ in 0..20 {
//!     history.record_loss(0.5); // what a training loop would see: no progress
//! }
//! let diagnosis = Checkup::new(&model, &xs, &ys, Loss::Mse).history(&history).run()?;
//! assert!(matches!(
//!     diagnosis.findings()[0],
//!     Finding::DeadUnits { layer: 0, dead: 1, units: 1 }
//! ));
//! println!("{diagnosis}");
//! # Ok(())
//! # }
//! ```

use std::fmt;

use crate::error::Error;
use crate::gradcheck::{GradCheckConfig, GradCheckReport, check_gradients};
use crate::loss::Loss;
use crate::nn::{Activation, Mlp, Module, parameter_name};
use crate::tape::Tape;
use crate::value::Value;

/// A tanh unit is saturated on a sample when `|output| >` this; a sigmoid unit when its
/// output is within `1 −` this of 0 or 1. Its derivative is then below 0.02 (tanh) or 0.01
/// (sigmoid).
///
/// ```
/// assert_eq!(tapegrad::diagnose::SATURATION, 0.99);
/// ```
pub const SATURATION: f64 = 0.99;

/// A tanh or sigmoid unit counts as saturated when it is near its limits (see [`SATURATION`])
/// on at least this share of the samples: it is then nearly a constant, and passes almost no
/// gradient back. (Units saturated on fewer samples still learn from the others; a network
/// drawing a sharp boundary has many.)
///
/// ```
/// assert_eq!(tapegrad::diagnose::SATURATED_SHARE, 0.9);
/// ```
pub const SATURATED_SHARE: f64 = 0.9;

/// Layers' gradient norms are flagged as uneven when the largest is more than this many times
/// the smallest.
///
/// ```
/// assert_eq!(tapegrad::diagnose::UNEVEN_GRADIENTS, 100.0);
/// ```
pub const UNEVEN_GRADIENTS: f64 = 100.0;

/// Karpathy's rule of thumb for the size of an update relative to the weights it changes:
/// about 1e-3 per step. Much larger and the steps overshoot; much smaller and learning crawls.
///
/// ```
/// assert_eq!(tapegrad::diagnose::UPDATE_RATIO_RULE, 1e-3);
/// ```
pub const UPDATE_RATIO_RULE: f64 = 1e-3;

/// The loss counts as risen when it is more than this fraction above the lowest loss of the
/// run, for [`RISE_EPOCHS`] epochs in a row up to the last.
///
/// ```
/// assert_eq!(tapegrad::diagnose::RISE, 0.1);
/// ```
pub const RISE: f64 = 0.1;

/// How many of the last epochs must stay risen (see [`RISE`]).
///
/// ```
/// assert_eq!(tapegrad::diagnose::RISE_EPOCHS, 3);
/// ```
pub const RISE_EPOCHS: usize = 3;

/// The loss counts as stuck when, over the second half of the run (at least
/// [`PLATEAU_EPOCHS`] epochs), it moves by less than this fraction of its size.
///
/// ```
/// assert_eq!(tapegrad::diagnose::PLATEAU, 0.01);
/// ```
pub const PLATEAU: f64 = 0.01;

/// The fewest epochs a plateau is judged over (see [`PLATEAU`]).
///
/// ```
/// assert_eq!(tapegrad::diagnose::PLATEAU_EPOCHS, 10);
/// ```
pub const PLATEAU_EPOCHS: usize = 10;

// ---------------------------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------------------------

/// What a training run leaves for the diagnosis: the loss once per epoch (for full-batch
/// training an epoch is one step) and, per update, how far each layer's parameters moved
/// relative to their size ([`update_ratio`]).
///
/// Record the loss with [`record_loss`](History::record_loss) and each update with
/// [`record_update`](History::record_update) (or, for a network written by hand,
/// [`record_update_ratios`](History::record_update_ratios)).
///
/// ```
/// use tapegrad::diagnose::History;
/// use tapegrad::nn::{Activation, Layer, Mlp, Module, Neuron};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let n = Neuron::from_parts(vec![3.0, 4.0], 0.0, Activation::Linear);
/// let mut model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
/// let mut history = History::new();
/// history.record_loss(1.0);
/// let before = model.parameters();
/// model.set_parameters(&[3.0, 4.05, 0.0])?; // an optimizer step would do this
/// history.record_update(&model, &before);
/// history.record_loss(0.9);
/// assert_eq!(history.losses(), &[1.0, 0.9]);
/// assert!((history.update_ratios()[0][0] - 0.01).abs() < 1e-12); // |Δ| 0.05 over |w| 5
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    losses: Vec<f64>,
    /// For each loss, how many updates had been recorded when it was.
    updates_at: Vec<usize>,
    /// Per update, per layer: ‖Δθ‖ / ‖θ‖.
    ratios: Vec<Vec<f64>>,
}

impl History {
    /// An empty history.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::History::new().losses().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        History::default()
    }

    /// Records the loss of an epoch (the training loss over the data, or the mean of the
    /// epoch's batch losses).
    ///
    /// ```
    /// let mut h = tapegrad::diagnose::History::new();
    /// h.record_loss(0.7);
    /// assert_eq!(h.losses(), &[0.7]);
    /// ```
    pub fn record_loss(&mut self, loss: f64) {
        self.losses.push(loss);
        self.updates_at.push(self.ratios.len());
    }

    /// Records one update of `model`, whose parameters were `before` it: each layer's
    /// [`update_ratio`].
    ///
    /// # Panics
    /// If `before` does not hold one number per parameter of `model`.
    ///
    /// ```
    /// use tapegrad::diagnose::History;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Module, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 1.0, Activation::Tanh);
    /// let layer = Layer::from_neurons(vec![n])?;
    /// let mut model = Mlp::from_layers(vec![layer.clone(), layer])?;
    /// let before = model.parameters();
    /// model.set_parameters(&[2.0, 1.0, 1.0, 1.0])?;
    /// let mut history = History::new();
    /// history.record_update(&model, &before);
    /// assert_eq!(history.update_ratios()[0], vec![1.0 / 2f64.sqrt(), 0.0]);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn record_update(&mut self, model: &Mlp, before: &[f64]) {
        let after = model.parameters();
        assert_eq!(
            before.len(),
            after.len(),
            "History::record_update: `before` holds {} numbers but the model has {} parameters",
            before.len(),
            after.len()
        );
        let mut ratios = Vec::with_capacity(model.layers().len());
        let mut start = 0;
        for layer in model.layers() {
            let end = start + layer.parameter_count();
            ratios.push(update_ratio(&before[start..end], &after[start..end]));
            start = end;
        }
        self.ratios.push(ratios);
    }

    /// Records one update as its update/weight ratio per layer, computed by the caller (for
    /// a network written by hand: [`update_ratio`] of each layer's parameters).
    ///
    /// ```
    /// use tapegrad::diagnose::{History, update_ratio};
    ///
    /// let mut h = History::new();
    /// h.record_update_ratios(vec![update_ratio(&[1.0, 0.0], &[1.0, 0.5]), 0.0]);
    /// assert_eq!(h.update_ratios(), &[vec![0.5, 0.0]]);
    /// ```
    pub fn record_update_ratios(&mut self, per_layer: Vec<f64>) {
        self.ratios.push(per_layer);
    }

    /// The recorded losses, one per epoch.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::History::new().losses().is_empty());
    /// ```
    #[must_use]
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// The recorded updates: for each, the update/weight ratio per layer.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::History::new().update_ratios().is_empty());
    /// ```
    #[must_use]
    pub fn update_ratios(&self) -> &[Vec<f64>] {
        &self.ratios
    }

    /// The largest update/weight ratio per layer over the updates made after the loss of
    /// epoch `epoch` was recorded.
    fn largest_ratios_since(&self, epoch: usize) -> Vec<f64> {
        let first = self
            .updates_at
            .get(epoch)
            .copied()
            .unwrap_or(self.ratios.len());
        let mut largest: Vec<f64> = Vec::new();
        for ratios in &self.ratios[first..] {
            if largest.len() < ratios.len() {
                largest.resize(ratios.len(), 0.0);
            }
            for (l, &r) in largest.iter_mut().zip(ratios) {
                *l = l.max(r);
            }
        }
        largest
    }
}

/// How far an update moved some parameters, relative to their size: `‖after − before‖ /
/// ‖before‖` (Euclidean norms). 0 if nothing moved; infinite if parameters that were all 0
/// moved.
///
/// Karpathy's rule of thumb for a healthy step is about [`UPDATE_RATIO_RULE`] (1e-3).
///
/// # Panics
/// If the slices differ in length.
///
/// ```
/// use tapegrad::diagnose::update_ratio;
///
/// assert_eq!(update_ratio(&[3.0, 4.0], &[3.0, 4.5]), 0.1); // |Δ| 0.5 over |w| 5
/// assert_eq!(update_ratio(&[0.0], &[0.0]), 0.0);
/// assert_eq!(update_ratio(&[0.0], &[1.0]), f64::INFINITY);
/// ```
#[must_use]
#[track_caller]
pub fn update_ratio(before: &[f64], after: &[f64]) -> f64 {
    assert_eq!(
        before.len(),
        after.len(),
        "update_ratio: {} numbers before the update but {} after",
        before.len(),
        after.len()
    );
    let moved = norm(before.iter().zip(after).map(|(b, a)| a - b));
    if moved == 0.0 {
        0.0
    } else {
        moved / norm(before.iter().copied())
    }
}

/// The Euclidean norm.
fn norm(xs: impl Iterator<Item = f64>) -> f64 {
    xs.map(|x| x * x).sum::<f64>().sqrt()
}

// ---------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------

/// One problem a [`Checkup`] found, with its numbers. `Display` explains it to a learner and
/// says what to try.
///
/// Layers are numbered from 0 on the input side, as in parameter names (`layer0.…`); epochs
/// index [`History::losses`].
///
/// ```
/// use tapegrad::diagnose::Finding;
///
/// let f = Finding::OneClass { label: 1.0, rows: 4 };
/// assert_eq!(
///     f.to_string(),
///     "Every one of the 4 labels is 1: there is only one class. The network can score \
///      perfectly by always answering 1, and learns nothing about the inputs."
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Finding {
    /// A sample holds a NaN or infinite input (every forward pass refuses it).
    NonFiniteInput {
        /// The sample's position in the data.
        row: usize,
        /// The input's position in the sample.
        input: usize,
        /// The value.
        value: f64,
    },
    /// Labels the loss does not take: not finite, outside `[0, 1]` for cross-entropy, not ±1
    /// for hinge. (The loss functions panic on them.)
    LabelsOutsideDomain {
        /// The loss.
        loss: Loss,
        /// The first such label's position.
        row: usize,
        /// That label.
        label: f64,
        /// How many labels are outside.
        count: usize,
    },
    /// A layer's output is NaN or infinite on a sample: a weighted sum overflowed.
    NonFiniteOutput {
        /// The layer (the last one is the network's output).
        layer: usize,
        /// The sample's position in the data.
        row: usize,
        /// The output.
        value: f64,
    },
    /// Outputs the loss does not take: [`Loss::Bce`] takes probabilities in `[0, 1]`. (It
    /// panics on others.)
    OutputsOutsideDomain {
        /// The loss.
        loss: Loss,
        /// The first such output's sample.
        row: usize,
        /// That output.
        output: f64,
        /// How many outputs are outside.
        count: usize,
    },
    /// Every label is the same.
    OneClass {
        /// The one label.
        label: f64,
        /// How many samples there are.
        rows: usize,
    },
    /// The samples come in blocks, one class after another, and mini-batches take them in
    /// that order.
    SortedByClass {
        /// How many classes (each in one block).
        classes: usize,
        /// The batch size.
        batch_size: usize,
        /// How many samples there are.
        rows: usize,
    },
    /// The loss rose above the lowest it reached and has stayed up for several epochs.
    LossRising {
        /// The epoch of the lowest loss, after which it rose.
        best_epoch: usize,
        /// The lowest loss.
        best: f64,
        /// The last epoch.
        last_epoch: usize,
        /// The last loss.
        now: f64,
        /// For each layer, the largest update/weight ratio of the updates since `best_epoch`
        /// (empty if the history recorded no updates).
        update_ratios: Vec<f64>,
    },
    /// Tanh or sigmoid units of a hidden layer that sit near their limits (see
    /// [`SATURATION`]) on most samples ([`SATURATED_SHARE`]), where their derivative is
    /// almost 0.
    SaturatedUnits {
        /// The layer.
        layer: usize,
        /// Its activation.
        activation: Activation,
        /// How many of its units are saturated on at least [`SATURATED_SHARE`] of the samples.
        saturated: usize,
        /// How many units it has.
        units: usize,
        /// The share of samples on which those units are saturated, on average (0 to 1).
        samples: f64,
    },
    /// Relu units of a hidden layer that output 0 on every sample: they pass back no gradient
    /// and cannot recover.
    DeadUnits {
        /// The layer.
        layer: usize,
        /// How many of its units are dead.
        dead: usize,
        /// How many units it has.
        units: usize,
    },
    /// The gradient's norm differs by more than [`UNEVEN_GRADIENTS`]× between layers.
    UnevenGradients {
        /// The norm of the loss's gradient with respect to each layer's parameters.
        norms: Vec<f64>,
    },
    /// The gradients the loop stepped with disagree with finite differences of the loss.
    WrongGradients {
        /// How many parameters' gradients are wrong.
        wrong: usize,
        /// How many parameters there are.
        of: usize,
        /// The worst parameter's name.
        name: String,
        /// The gradient given for it.
        given: f64,
        /// The loss's slope along it, by central differences.
        numeric: f64,
    },
    /// The loss has stopped moving, no better than half of what always answering one constant
    /// would cost, while the gradients are right.
    Plateau {
        /// The first epoch of the stretch judged.
        since: usize,
        /// The last epoch.
        last_epoch: usize,
        /// The loss at the last epoch, as recorded.
        loss: f64,
        /// The model's mean loss now, computed with the [`Loss`] on every sample.
        mean_loss: f64,
        /// The mean loss of the best constant answer (the labels' mean, for most losses).
        constant: f64,
        /// The norm of the loss's gradient with respect to all parameters.
        gradient_norm: f64,
        /// How many parameters [`check_gradients`] compared (all passed).
        checked: usize,
        /// Whether dead or saturated units were found too (the likely cause).
        stuck_units: bool,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::NonFiniteInput { row, input, value } => write!(
                f,
                "Sample {row}, input {input}, is {value}: a network takes finite numbers only, and \
                 every forward pass refuses it. Fix or drop that sample."
            ),
            Finding::LabelsOutsideDomain {
                loss,
                row,
                label,
                count,
            } => {
                let advice = match loss {
                    _ if !label.is_finite() => "every label must be a finite number".to_string(),
                    Loss::Hinge => {
                        "hinge takes labels -1 and 1: map 0/1 labels with 2y - 1".to_string()
                    }
                    Loss::Bce | Loss::BceWithLogits => format!(
                        "{loss} takes labels 0 and 1 (or soft labels between): map -1/1 labels \
                         with (y + 1) / 2"
                    ),
                    Loss::Mse => "mse takes any finite label".to_string(),
                };
                write!(
                    f,
                    "The label of sample {row} is {label}{}, which {loss} cannot take: {advice}.",
                    and_more(*count)
                )
            }
            Finding::NonFiniteOutput { layer, row, value } => write!(
                f,
                "Layer {layer}'s output on sample {row} is {value}: a weighted sum overflowed, so \
                 the weights have grown far too large (a learning rate too high?). Nothing can be \
                 learned from it."
            ),
            Finding::OutputsOutsideDomain {
                loss,
                row,
                output,
                count,
            } => write!(
                f,
                "The network's output on sample {row} is {output:.4}{}, which {loss} cannot take: \
                 it takes probabilities in [0, 1]. Give the network a sigmoid output, or give its \
                 raw score to bce_with_logits.",
                and_more(*count)
            ),
            Finding::OneClass { label, rows } => write!(
                f,
                "Every one of the {rows} labels is {label}: there is only one class. The network \
                 can score perfectly by always answering {label}, and learns nothing about the \
                 inputs."
            ),
            Finding::SortedByClass {
                classes,
                batch_size,
                rows,
            } => write!(
                f,
                "The {rows} samples come sorted by class ({classes} blocks, one per label), and \
                 batches of {batch_size} take them in that order: most batches hold one class \
                 only, and each step pulls the network towards it. Shuffle the samples, every \
                 epoch."
            ),
            Finding::LossRising {
                best_epoch,
                best,
                last_epoch,
                now,
                update_ratios,
            } => {
                write!(
                    f,
                    "The loss went up: from {best:.4} at epoch {best_epoch} to {now:.4} at epoch \
                     {last_epoch}, and it has not come back down. Is the learning rate too high?"
                )?;
                if !update_ratios.is_empty() {
                    let per_layer: Vec<String> = update_ratios
                        .iter()
                        .enumerate()
                        .map(|(l, r)| format!("layer {l} {r:.1e}"))
                        .collect();
                    write!(
                        f,
                        " The largest update/weight ratio per layer since epoch {best_epoch}: {}. \
                         A rule of thumb (Karpathy) is about {UPDATE_RATIO_RULE:.0e} per step; \
                         far above it, each step throws the weights around instead of nudging \
                         them.",
                        per_layer.join(", ")
                    )?;
                }
                Ok(())
            }
            Finding::SaturatedUnits {
                layer,
                activation,
                saturated,
                units,
                samples,
            } => {
                let limit = match activation {
                    Activation::Sigmoid => format!("within {:.2} of 0 or 1", 1.0 - SATURATION),
                    _ => format!("|output| > {SATURATION}"),
                };
                write!(
                    f,
                    "Layer {layer} ({activation}): {} saturated, {limit} on {:.0}% of the \
                     samples on average. There a unit's derivative is almost 0, so almost no \
                     gradient passes through it. Smaller weights (a smaller learning rate or \
                     initialisation) or inputs scaled to about [-1, 1] keep units in their \
                     active range.",
                    units_text(*saturated, *units),
                    100.0 * samples
                )
            }
            Finding::DeadUnits { layer, dead, units } => write!(
                f,
                "Layer {layer} (relu): {} dead: {} 0 on every sample, so {} back no gradient \
                 and can never recover. A big step (a learning rate too high) or an unlucky start \
                 does this; try a smaller learning rate or another seed.",
                units_text(*dead, *units),
                if *dead == 1 {
                    "it outputs"
                } else {
                    "they output"
                },
                if *dead == 1 { "it passes" } else { "they pass" },
            ),
            Finding::UnevenGradients { norms } => {
                let (lo, hi) = extremes(norms);
                let per_layer: Vec<String> = norms
                    .iter()
                    .enumerate()
                    .map(|(l, n)| format!("layer {l} {}", norm_text(*n)))
                    .collect();
                let which = if lo < hi {
                    "vanishing gradients: the layers near the input get almost none of it and \
                     barely learn. Saturated units are the usual cause; relu, or smaller \
                     weights, help"
                } else {
                    "exploding gradients: the layers near the input get far more than the others \
                     and their steps overshoot. A smaller learning rate or smaller weights help"
                };
                write!(
                    f,
                    "The gradient's norm per layer differs {} between layers ({}): {which}.",
                    ratio_text(norms[hi], norms[lo]),
                    per_layer.join(", ")
                )
            }
            Finding::WrongGradients {
                wrong,
                of,
                name,
                given,
                numeric,
            } => write!(
                f,
                "The gradients the loop stepped with are wrong: {wrong} of {of} disagree with \
                 finite differences of the loss. The worst, {name}, is {given:.4} where the \
                 loss's slope is {numeric:.4}. With wrong gradients a step can climb the loss \
                 instead of descending it: fix the backward pass (check it with \
                 check_gradients) before tuning the learning rate."
            ),
            Finding::Plateau {
                since,
                last_epoch,
                loss,
                mean_loss,
                constant,
                gradient_norm,
                checked,
                stuck_units,
            } => {
                write!(
                    f,
                    "The loss has stayed at {loss:.4} from epoch {since} to {last_epoch}. The \
                     model's mean loss, {mean_loss:.4}, is still more than half of {constant:.4}, \
                     what giving every sample the same answer costs; the gradient's norm is {}, \
                     and the gradients are right (check_gradients passed on all {checked} \
                     parameters): ",
                    norm_text(*gradient_norm)
                )?;
                if *stuck_units {
                    f.write_str(
                        "the units above that no longer learn are the likely cause. If bringing \
                         them back does not help, the network may not be able to represent this \
                         data.",
                    )
                } else {
                    f.write_str(
                        "training has stalled. The network may not be able to represent this \
                         data (try another architecture, or another way of encoding the \
                         inputs), or this is a plateau that more epochs or a larger learning \
                         rate would leave.",
                    )
                }
            }
        }
    }
}

/// ` (and 2 more)` after the first of `count` things, or nothing.
fn and_more(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    }
}

/// `1 of 1 unit (100%) is` or `3 of 4 units (75%) are`.
fn units_text(part: usize, whole: usize) -> String {
    let verb = if part == 1 { "is" } else { "are" };
    format!(
        "{part} of {whole} unit{} ({:.0}%) {verb}",
        if whole == 1 { "" } else { "s" },
        100.0 * part as f64 / whole as f64
    )
}

/// A norm for the reader: `0`, or `1.6e-5`.
fn norm_text(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x:.1e}")
    }
}

/// The positions of the smallest and the largest number.
fn extremes(xs: &[f64]) -> (usize, usize) {
    let mut lo = 0;
    let mut hi = 0;
    for (i, &x) in xs.iter().enumerate() {
        if x < xs[lo] {
            lo = i;
        }
        if x > xs[hi] {
            hi = i;
        }
    }
    (lo, hi)
}

/// `120×`, or `infinitely (one is 0)`.
fn ratio_text(big: f64, small: f64) -> String {
    if small == 0.0 {
        "without bound (one layer gets none at all)".to_string()
    } else {
        format!("{:.0}×", big / small)
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnosis
// ---------------------------------------------------------------------------------------------

/// What a [`Checkup`] found: its [`Finding`]s, most basic first (the data, then the
/// units, then the loss's course). `Display` prints each as a paragraph, or one line saying
/// nothing was found.
///
/// ```
/// use tapegrad::diagnose::{Diagnosis, Finding};
///
/// let d = Diagnosis::from_findings(vec![Finding::OneClass { label: 0.0, rows: 2 }]);
/// assert_eq!(d.findings().len(), 1);
/// assert!(d.to_string().starts_with("Diagnosis: 1 finding\n- Every one of the 2 labels is 0"));
/// assert_eq!(Diagnosis::default().to_string(), "Diagnosis: nothing found\n");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagnosis {
    findings: Vec<Finding>,
}

impl Diagnosis {
    /// A diagnosis holding `findings`, in order.
    ///
    /// ```
    /// let d = tapegrad::diagnose::Diagnosis::from_findings(vec![]);
    /// assert!(d.is_empty());
    /// ```
    #[must_use]
    pub fn from_findings(findings: Vec<Finding>) -> Self {
        Diagnosis { findings }
    }

    /// The findings, most basic first.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::Diagnosis::default().findings().is_empty());
    /// ```
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Whether nothing was found.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::Diagnosis::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.findings.len() {
            0 => return writeln!(f, "Diagnosis: nothing found"),
            1 => writeln!(f, "Diagnosis: 1 finding")?,
            n => writeln!(f, "Diagnosis: {n} findings")?,
        }
        for finding in &self.findings {
            // Wrapped for a terminal: "- " before the first line, two spaces before the rest.
            let mut line = String::from("-");
            for word in finding.to_string().split(' ') {
                if line.chars().count() + 1 + word.chars().count() > WIDTH && line.len() > 2 {
                    writeln!(f, "{line}")?;
                    line = String::from(" ");
                }
                line.push(' ');
                line.push_str(word);
            }
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// The width [`Diagnosis`] wraps its paragraphs to.
const WIDTH: usize = 88;

// ---------------------------------------------------------------------------------------------
// Checkup
// ---------------------------------------------------------------------------------------------

/// The loss as a function of the model's parameters (recorded on a tape, in parameter order).
type Objective<'a> = dyn for<'t> Fn(&[Value<'t>]) -> Value<'t> + 'a;

/// A diagnosis to run: the model and its training data, the per-sample [`Loss`], and what
/// else is known about the run. [`run`](Checkup::run) looks and returns the [`Diagnosis`].
///
/// Only the model, the data and the loss are needed; each optional part enables more checks:
///
/// | given | enables |
/// |---|---|
/// | [`history`](Checkup::history) | the loss rising (with update/weight ratios if recorded), the loss stuck |
/// | [`gradients`](Checkup::gradients) | wrong gradients |
/// | [`objective`](Checkup::objective) | the checks on your own loss (say `Σ (p − t)²`) instead of the mean [`Loss`] |
/// | [`batch_size`](Checkup::batch_size) | samples sorted by class (only matters for mini-batches) |
///
/// The labels hold one number per output per sample, sample by sample.
///
/// ```
/// use tapegrad::diagnose::{Checkup, Finding};
/// use tapegrad::loss::Loss;
/// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let n = Neuron::from_parts(vec![0.5], 0.0, Activation::Linear);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
/// let xs = [[1.0], [2.0], [3.0], [4.0]];
/// let diagnosis = Checkup::new(&model, &xs, &[0.0, 0.0, 1.0, 1.0], Loss::Hinge).run()?;
/// assert_eq!(
///     diagnosis.findings(),
///     &[Finding::LabelsOutsideDomain { loss: Loss::Hinge, row: 0, label: 0.0, count: 2 }]
/// );
/// assert!(diagnosis.to_string().contains("map 0/1 labels with 2y - 1"));
/// # Ok(())
/// # }
/// ```
pub struct Checkup<'a> {
    model: &'a Mlp,
    inputs: Vec<&'a [f64]>,
    labels: &'a [f64],
    loss: Loss,
    history: Option<&'a History>,
    gradients: Option<&'a [f64]>,
    objective: Option<Box<Objective<'a>>>,
    batch_size: Option<usize>,
}

impl fmt::Debug for Checkup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checkup")
            .field("model", self.model)
            .field("samples", &self.inputs.len())
            .field("loss", &self.loss)
            .field("history", &self.history.map(|h| h.losses.len()))
            .field("gradients", &self.gradients.is_some())
            .field("objective", &self.objective.is_some())
            .field("batch_size", &self.batch_size)
            .finish()
    }
}

impl<'a> Checkup<'a> {
    /// A checkup of `model` on `inputs` (one slice per sample) and `labels` with the mean of
    /// `loss` as the loss.
    ///
    /// ```
    /// use tapegrad::diagnose::Checkup;
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Tanh);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let inputs = vec![vec![0.5], vec![-0.5]];
    /// assert!(Checkup::new(&model, &inputs, &[1.0, -1.0], Loss::Mse).run()?.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn new<X: AsRef<[f64]>>(
        model: &'a Mlp,
        inputs: &'a [X],
        labels: &'a [f64],
        loss: Loss,
    ) -> Self {
        Checkup {
            model,
            inputs: inputs.iter().map(AsRef::as_ref).collect(),
            labels,
            loss,
            history: None,
            gradients: None,
            objective: None,
            batch_size: None,
        }
    }

    /// The run so far: its losses per epoch and its updates.
    ///
    /// ```
    /// use tapegrad::diagnose::{Checkup, Finding, History};
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Tanh);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let mut history = History::new();
    /// for loss in [0.5, 0.4, 0.9, 1.3, 2.0] {
    ///     history.record_loss(loss);
    /// }
    /// let d = Checkup::new(&model, &[[0.5], [-0.5]], &[1.0, -1.0], Loss::Mse)
    ///     .history(&history)
    ///     .run()?;
    /// assert!(matches!(d.findings()[0], Finding::LossRising { best_epoch: 1, .. }));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn history(mut self, history: &'a History) -> Self {
        self.history = Some(history);
        self
    }

    /// The gradients the training loop stepped with at the model's current parameters, in
    /// parameter order: the checkup compares them with finite differences of the loss.
    ///
    /// ```
    /// use tapegrad::diagnose::{Checkup, Finding};
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// // Mean of ½(w·x + b − y)² over one sample x = 2, y = 0: d/dw = 4, d/db = 2.
    /// let sign_error = [-4.0, -2.0];
    /// let d = Checkup::new(&model, &[[2.0]], &[0.0], Loss::Mse).gradients(&sign_error).run()?;
    /// let Finding::WrongGradients { wrong, of, name, .. } = &d.findings()[0] else { panic!() };
    /// assert_eq!((*wrong, *of, name.as_str()), (2, 2, "layer0.neuron0.w0"));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn gradients(mut self, gradients: &'a [f64]) -> Self {
        self.gradients = Some(gradients);
        self
    }

    /// Your own loss, as a function of the model's parameters recorded on a tape, for the
    /// checks that differentiate it (wrong gradients, the gradient per layer, the plateau's
    /// gradient check). Without it they use the mean of the [`Loss`] over the samples. The
    /// label checks still use the [`Loss`].
    ///
    /// ```
    /// use tapegrad::diagnose::Checkup;
    /// use tapegrad::loss::{self, Loss};
    /// use tapegrad::nn::{Activation, Layer, Mlp, Module, Neuron};
    /// use tapegrad::Value;
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Sigmoid);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let (xs, ys) = ([[1.0], [-1.0]], [1.0, 0.0]);
    /// // micrograd's Σ (p − y)², not the mean of ½(p − y)²:
    /// fn sse<'t>(model: &Mlp, params: &[Value<'t>], xs: &[[f64; 1]], ys: &[f64]) -> Value<'t> {
    ///     let p: Vec<Value<'t>> =
    ///         xs.iter().map(|x| model.forward(params, &[x[0].into()]).unwrap()[0]).collect();
    ///     loss::sum_of_squares(&p, ys).unwrap()
    /// }
    /// let tape = tapegrad::Tape::new();
    /// let params = tape.vars(&model.parameters());
    /// let right = sse(&model, &params, &xs, &ys).backward().wrt_all(&params);
    /// let d = Checkup::new(&model, &xs, &ys, Loss::Mse)
    ///     .objective(|params| sse(&model, params, &xs, &ys))
    ///     .gradients(&right)
    ///     .run()?;
    /// assert!(d.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn objective<F>(mut self, objective: F) -> Self
    where
        F: for<'t> Fn(&[Value<'t>]) -> Value<'t> + 'a,
    {
        self.objective = Some(Box::new(objective));
        self
    }

    /// The mini-batch size the loop uses, if it takes the samples in this order: the checkup
    /// then looks for samples sorted by class.
    ///
    /// ```
    /// use tapegrad::diagnose::{Checkup, Finding};
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let (xs, ys) = ([[1.0], [2.0], [3.0], [4.0]], [1.0, 1.0, -1.0, -1.0]);
    /// let full_batch = Checkup::new(&model, &xs, &ys, Loss::Hinge).run()?;
    /// assert!(full_batch.is_empty()); // the order does not matter for full-batch training
    /// let d = Checkup::new(&model, &xs, &ys, Loss::Hinge).batch_size(2).run()?;
    /// assert!(matches!(d.findings()[0], Finding::SortedByClass { classes: 2, .. }));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = Some(batch_size);
        self
    }

    /// Looks for every problem listed in the [module docs](self) and returns what it found.
    /// The checks that need the model's outputs are skipped when an input is not finite or a
    /// label is outside the loss's domain (those findings come first).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if there are no samples, the labels are not one per output
    /// per sample, or the gradients are not one per parameter; [`Error::InputSize`] if a
    /// sample has the wrong number of inputs.
    ///
    /// ```
    /// use tapegrad::diagnose::Checkup;
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Tanh);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let err = Checkup::new(&model, &[[1.0]], &[1.0, 0.0], Loss::Mse).run().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid argument: Checkup: 2 labels for 1 samples of 1 output each"
    /// );
    /// # Ok(())
    /// # }
    /// ```
    pub fn run(&self) -> Result<Diagnosis, Error> {
        self.validate()?;
        let mut findings = Vec::new();
        self.check_inputs(&mut findings);
        self.check_labels(&mut findings);
        let activity = if findings.is_empty() {
            self.run_layers(&mut findings)
        } else {
            None
        };
        let Some(activity) = activity else {
            // The model cannot be run on these samples, or the loss not computed.
            return Ok(Diagnosis { findings });
        };
        self.check_classes(&mut findings);
        // The causes come before what they did: wrong gradients, the rise, then the units.
        let report = check_gradients(|p| self.loss_at(p), &self.model.parameters());
        if let Some(given) = self.gradients {
            findings.extend(self.wrong_gradients(given, &report));
        }
        let rising = self.history.and_then(loss_rising);
        findings.extend(rising.clone());
        let stuck_units = self.check_units(&activity, &mut findings);
        let layer_norms = self.layer_gradient_norms();
        if uneven(&layer_norms) {
            findings.push(Finding::UnevenGradients {
                norms: layer_norms.clone(),
            });
        }
        if let (None, Some(history), true) = (&rising, self.history, report.passed()) {
            let gradient_norm = norm(layer_norms.iter().copied());
            let checked = report.inputs.len();
            findings.extend(self.plateau(history, gradient_norm, checked, stuck_units));
        }
        Ok(Diagnosis { findings })
    }

    fn validate(&self) -> Result<(), Error> {
        let (n, nout) = (self.inputs.len(), self.model.nout());
        if n == 0 {
            return Err(Error::InvalidArgument(
                "Checkup: no samples to look at".into(),
            ));
        }
        if self.labels.len() != n * nout {
            return Err(Error::InvalidArgument(format!(
                "Checkup: {} labels for {n} samples of {nout} output{} each",
                self.labels.len(),
                if nout == 1 { "" } else { "s" }
            )));
        }
        if let Some(x) = self.inputs.iter().find(|x| x.len() != self.model.nin()) {
            return Err(Error::InputSize {
                expected: self.model.nin(),
                got: x.len(),
            });
        }
        if let Some(g) = self.gradients {
            if g.len() != self.model.parameter_count() {
                return Err(Error::InvalidArgument(format!(
                    "Checkup: {} gradients for {} parameters",
                    g.len(),
                    self.model.parameter_count()
                )));
            }
        }
        Ok(())
    }

    fn check_inputs(&self, findings: &mut Vec<Finding>) {
        for (row, x) in self.inputs.iter().enumerate() {
            if let Some(input) = x.iter().position(|v| !v.is_finite()) {
                findings.push(Finding::NonFiniteInput {
                    row,
                    input,
                    value: x[input],
                });
                return; // the first is enough to act on
            }
        }
    }

    fn check_labels(&self, findings: &mut Vec<Finding>) {
        let takes = |y: f64| match self.loss {
            Loss::Mse => y.is_finite(),
            Loss::Bce | Loss::BceWithLogits => (0.0..=1.0).contains(&y),
            Loss::Hinge => y == 1.0 || y == -1.0,
        };
        let mut outside = self.labels.iter().enumerate().filter(|&(_, &y)| !takes(y));
        if let Some((row, &label)) = outside.next() {
            findings.push(Finding::LabelsOutsideDomain {
                loss: self.loss,
                row: row / self.model.nout(),
                label,
                count: 1 + outside.count(),
            });
        }
    }

    /// Runs every sample through the layers in plain `f64`, counting per hidden unit the
    /// samples on which it is saturated or nonzero. `None`, with the finding, if a layer's
    /// output is not finite or (for `bce`) the network's output is not a probability.
    fn run_layers(&self, findings: &mut Vec<Finding>) -> Option<Activity> {
        let layers = self.model.layers();
        let mut activity = Activity {
            saturated: layers.iter().map(|l| vec![0; l.nout()]).collect(),
            alive: layers.iter().map(|l| vec![0; l.nout()]).collect(),
        };
        let mut outside = Vec::new();
        for (row, x) in self.inputs.iter().enumerate() {
            let mut a = x.to_vec();
            for (l, layer) in layers.iter().enumerate() {
                a = layer
                    .predict(&a)
                    .expect("the inputs and every earlier layer's outputs are finite");
                if let Some(&value) = a.iter().find(|v| !v.is_finite()) {
                    findings.push(Finding::NonFiniteOutput {
                        layer: l,
                        row,
                        value,
                    });
                    return None;
                }
                for (u, (&out, unit)) in a.iter().zip(layer.neurons()).enumerate() {
                    activity.saturated[l][u] += usize::from(is_saturated(unit.activation(), out));
                    activity.alive[l][u] += usize::from(out != 0.0);
                }
            }
            let probabilities = |p: &f64| (0.0..=1.0).contains(p);
            if self.loss == Loss::Bce {
                outside.extend(a.iter().filter(|p| !probabilities(p)).map(|&p| (row, p)));
            }
        }
        if let Some(&(row, output)) = outside.first() {
            findings.push(Finding::OutputsOutsideDomain {
                loss: self.loss,
                row,
                output,
                count: outside.len(),
            });
            return None;
        }
        Some(activity)
    }

    /// One class only, or classes in blocks taken in order by mini-batches (for a single
    /// output with at most a few distinct labels).
    fn check_classes(&self, findings: &mut Vec<Finding>) {
        let ys = self.labels;
        if self.model.nout() != 1 || ys.len() < 2 {
            return;
        }
        if ys.iter().all(|&y| y == ys[0]) {
            findings.push(Finding::OneClass {
                label: ys[0],
                rows: ys.len(),
            });
            return;
        }
        let mut classes: Vec<f64> = Vec::new();
        for &y in ys {
            if !classes.contains(&y) {
                classes.push(y);
                if classes.len() > 10 {
                    return; // a regression target, not classes
                }
            }
        }
        let blocks = 1 + ys.windows(2).filter(|w| w[0] != w[1]).count();
        if let Some(batch_size) = self.batch_size {
            if batch_size < ys.len() && blocks == classes.len() {
                findings.push(Finding::SortedByClass {
                    classes: classes.len(),
                    batch_size,
                    rows: ys.len(),
                });
            }
        }
    }

    /// Saturated and dead units per hidden layer; returns whether any were found.
    fn check_units(&self, activity: &Activity, findings: &mut Vec<Finding>) -> bool {
        let layers = self.model.layers();
        let hidden = &layers[..layers.len() - 1];
        let (saturated, alive) = (&activity.saturated, &activity.alive);
        let n = self.inputs.len() as f64;
        let before = findings.len();
        for (l, layer) in hidden.iter().enumerate() {
            // A layer may mix activations: each kind of unit is counted among its own kind.
            let of = |a: Activation| layer.neurons().iter().filter(move |u| u.activation() == a);
            for activation in [Activation::Tanh, Activation::Sigmoid] {
                let units = of(activation).count();
                let counts: Vec<f64> = layer
                    .neurons()
                    .iter()
                    .zip(&saturated[l])
                    .filter(|&(u, &c)| {
                        u.activation() == activation && c as f64 >= SATURATED_SHARE * n
                    })
                    .map(|(_, &c)| c as f64 / n)
                    .collect();
                if !counts.is_empty() {
                    findings.push(Finding::SaturatedUnits {
                        layer: l,
                        activation,
                        saturated: counts.len(),
                        units,
                        samples: counts.iter().sum::<f64>() / counts.len() as f64,
                    });
                }
            }
            let dead = layer
                .neurons()
                .iter()
                .zip(&alive[l])
                .filter(|&(u, &a)| u.activation() == Activation::Relu && a == 0)
                .count();
            if dead > 0 {
                findings.push(Finding::DeadUnits {
                    layer: l,
                    dead,
                    units: of(Activation::Relu).count(),
                });
            }
        }
        findings.len() > before
    }

    /// The loss at `params`: the caller's objective, or the mean of the [`Loss`].
    fn loss_at<'t>(&self, params: &[Value<'t>]) -> Value<'t> {
        match &self.objective {
            Some(objective) => objective(params),
            None => self.mean_of_loss(params),
        }
    }

    /// The mean of the [`Loss`] over every output of every sample, at `params`.
    fn mean_of_loss<'t>(&self, params: &[Value<'t>]) -> Value<'t> {
        let nout = self.model.nout();
        let mut losses = Vec::with_capacity(self.labels.len());
        for (x, ys) in self.inputs.iter().zip(self.labels.chunks_exact(nout)) {
            let x: Vec<Value<'t>> = x.iter().map(|&v| Value::constant(v)).collect();
            let out = self
                .model
                .forward(params, &x)
                .expect("run checked the sizes and that every input is finite");
            losses.extend(out.into_iter().zip(ys).map(|(o, &y)| self.loss.apply(o, y)));
        }
        crate::loss::mean(&losses).expect("run checked there is at least one sample")
    }

    /// The norm of the loss's gradient with respect to each layer's parameters.
    fn layer_gradient_norms(&self) -> Vec<f64> {
        let tape = Tape::new();
        let params = tape.vars(&self.model.parameters());
        let grads = self.loss_at(&params).backward().wrt_all(&params);
        let mut norms = Vec::with_capacity(self.model.layers().len());
        let mut rest = &grads[..];
        for layer in self.model.layers() {
            let (mine, others) = rest.split_at(layer.parameter_count());
            norms.push(norm(mine.iter().copied()));
            rest = others;
        }
        norms
    }

    /// The given gradients against the central differences of `report`.
    fn wrong_gradients(&self, given: &[f64], report: &GradCheckReport) -> Option<Finding> {
        let cfg = GradCheckConfig::default();
        let mut wrong = 0;
        let mut worst: Option<(usize, f64)> = None;
        for (i, (&g, check)) in given.iter().zip(&report.inputs).enumerate() {
            let error = (g - check.numeric).abs();
            let agrees = error <= cfg.atol + cfg.rtol * check.numeric.abs(); // false for NaN
            if !agrees {
                wrong += 1;
                if worst.is_none_or(|(_, e)| error > e || error.is_nan()) {
                    worst = Some((i, error));
                }
            }
        }
        let (i, _) = worst?;
        Some(Finding::WrongGradients {
            wrong,
            of: given.len(),
            name: parameter_name(self.model, i),
            given: given[i],
            numeric: report.inputs[i].numeric,
        })
    }

    /// A plateau over the second half of the history, well above the best constant answer.
    fn plateau(
        &self,
        history: &History,
        gradient_norm: f64,
        checked: usize,
        stuck_units: bool,
    ) -> Option<Finding> {
        let losses = history.losses();
        let n = losses.len();
        let window = (n / 2).max(PLATEAU_EPOCHS);
        if n < window || losses.iter().any(|l| !l.is_finite()) {
            return None;
        }
        let tail = &losses[n - window..];
        let (lo, hi) = extremes(tail);
        let size = tail.iter().map(|l| l.abs()).sum::<f64>() / window as f64;
        if tail[hi] - tail[lo] > PLATEAU * size {
            return None;
        }
        let params: Vec<Value<'_>> = self
            .model
            .parameters()
            .into_iter()
            .map(Value::constant)
            .collect();
        let mean_loss = self.mean_of_loss(&params).data();
        let constant = self.constant_loss();
        (mean_loss > 0.5 * constant).then(|| Finding::Plateau {
            since: n - window,
            last_epoch: n - 1,
            loss: losses[n - 1],
            mean_loss,
            constant,
            gradient_norm,
            checked,
            stuck_units,
        })
    }

    /// The lowest mean [`Loss`] of one constant answer for every sample and output: the
    /// labels' mean for mse and cross-entropy (as a logit for `bce_with_logits`), the better of
    /// ±1 for hinge.
    fn constant_loss(&self) -> f64 {
        let ys = self.labels;
        let mean_y = ys.iter().sum::<f64>() / ys.len() as f64;
        let candidates = match self.loss {
            Loss::Mse | Loss::Bce => vec![mean_y],
            Loss::BceWithLogits => vec![(mean_y / (1.0 - mean_y)).ln()],
            Loss::Hinge => vec![-1.0, 1.0],
        };
        candidates
            .into_iter()
            .map(|c| {
                let total: f64 = ys
                    .iter()
                    .map(|&y| self.loss.apply(Value::constant(c), y).data())
                    .sum();
                total / ys.len() as f64
            })
            .fold(f64::INFINITY, f64::min)
    }
}

/// Per layer, per unit: on how many samples it is saturated, and on how many it is nonzero.
struct Activity {
    saturated: Vec<Vec<usize>>,
    alive: Vec<Vec<usize>>,
}

/// Whether a unit with this activation is near its limits at `out`.
fn is_saturated(activation: Activation, out: f64) -> bool {
    match activation {
        Activation::Tanh => out.abs() > SATURATION,
        Activation::Sigmoid => !((1.0 - SATURATION)..=SATURATION).contains(&out),
        Activation::Relu | Activation::Linear => false,
    }
}

/// Whether the largest norm is more than [`UNEVEN_GRADIENTS`] times the smallest (and not 0).
fn uneven(norms: &[f64]) -> bool {
    if norms.len() < 2 || norms.iter().any(|n| !n.is_finite()) {
        return false;
    }
    let (lo, hi) = extremes(norms);
    norms[hi] > 0.0 && norms[hi] > UNEVEN_GRADIENTS * norms[lo]
}

/// The loss above the lowest it reached by more than [`RISE`], for the last [`RISE_EPOCHS`]
/// epochs.
fn loss_rising(history: &History) -> Option<Finding> {
    let losses = history.losses();
    let n = losses.len();
    if n <= RISE_EPOCHS || losses.iter().any(|l| !l.is_finite()) {
        return None;
    }
    let best_epoch = extremes(losses).0;
    let best = losses[best_epoch];
    let risen = |l: f64| l - best > RISE * best.abs();
    if best_epoch + RISE_EPOCHS >= n || !losses[n - RISE_EPOCHS..].iter().all(|&l| risen(l)) {
        return None;
    }
    Some(Finding::LossRising {
        best_epoch,
        best,
        last_epoch: n - 1,
        now: losses[n - 1],
        update_ratios: history.largest_ratios_since(best_epoch),
    })
}
