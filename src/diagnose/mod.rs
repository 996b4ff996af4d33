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
//!   the loss ([`check_gradients`](crate::check_gradients));
//! - **a loss stuck at a floor** while the gradients are right (checked with
//!   `check_gradients` at the current parameters): the network may not be able to represent
//!   the data;
//! - **the data**: a non-finite input (naming the row), labels or outputs outside the loss's
//!   domain, data of one class only, samples sorted by class and taken in order by
//!   mini-batches.
//!
//! It runs the model forward in plain `f64`, layer by layer
//! ([`Forward::predict`](crate::nn::Forward::predict) on each layer), and records its own
//! tapes: it never touches the training loop's tape, so it can run after any epoch or once
//! at the end. Keeping a [`History`] costs a few numbers per step.
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
//!     history.push_loss(0.5); // what a training loop would see: no progress
//! }
//! let diagnosis = Checkup::new(&model, &xs, &ys, Loss::HalfSquaredError).history(&history).run()?;
//! assert!(matches!(
//!     diagnosis.findings()[0],
//!     Finding::DeadUnits { layer: 0, dead: 1, units: 1 }
//! ));
//! println!("{diagnosis}");
//! # Ok(())
//! # }
//! ```
mod checkup;
mod finding;
mod history;

pub use checkup::Checkup;
pub use finding::{Diagnosis, Finding};
pub use history::{History, update_ratio};

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
