//! Training diagnostics: why a loss goes up, or stops going down, in words with the numbers.
//!
//! "My loss goes up and I don't know why" has a handful of usual causes, and each leaves a
//! trace a program can look for. After training, one line asks for a [`Diagnosis`]: the model,
//! the training samples, the loss and the losses the run printed, one per epoch
//! ([`Diagnosis::of`]). For more ([`update_ratio`]s per step, the gradients the loop stepped
//! with, your own loss, the batch size), a [`Checkup`] takes the same plain data and each extra
//! as a builder step, with the run's [`History`]. A diagnosis is a list of [`Finding`]s, each
//! with its numbers, printed in words; a healthy run gets an empty one
//! ([`is_empty`](Diagnosis::is_empty)). What it looks for:
//!
//! - **the loss rising** over several epochs: a learning rate too high? With the epoch it
//!   began and the largest update/weight ratio per layer since (a rule of thumb from Karpathy:
//!   about 1e-3). When the gradients are wrong, they are named as the cause instead;
//! - **a loss that is not a number** (NaN or ±∞) in the run, or **astronomically large**
//!   (above [`HUGE_LOSS`]), with the largest input, label and weight, so that what to scale
//!   is named; and any sample whose loss is not finite at the model's parameters;
//! - **saturated units** (tanh or sigmoid near its limits on most samples,
//!   [`SATURATED_SHARE`]) and **dead relu units** (0 on every sample) in the hidden layers, as
//!   counts and percentages: they pass back (almost) no gradient. Only while the model does
//!   not fit the data ([`GOOD_FIT`]): a network that fits has no use for its idle units;
//! - **vanishing or exploding gradients**: the gradient norm per layer, flagged when layers
//!   differ by more than [`UNEVEN_GRADIENTS`]×;
//! - **wrong gradients**: the gradients the loop stepped with, against finite differences of
//!   the loss ([`check_gradients`](crate::check_gradients));
//! - **a loss stuck** while the gradients are right (checked with `check_gradients` at the
//!   current parameters). The checkup then tries [`PROBE_STEPS`] steps of gradient descent of
//!   its own from where the run stopped, each as long as lowers the loss: if they lower it by
//!   [`PROBE_DROP`] or more, the run's steps were too small or too few; if not, the loss is at
//!   a floor, and the network may not be able to represent the data;
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
mod sample;

pub use checkup::Checkup;
pub use finding::{Diagnosis, Finding};
pub use history::{History, update_ratio};
pub use sample::Sample;

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

/// A loss above this is astronomically large: √`f64::MAX`, about 1.3e154, so that squaring
/// it (or an output that large) overflows. The outputs are then some 1e77 away from the labels
/// or more: something is far out of scale.
///
/// ```
/// assert_eq!(tapegrad::diagnose::HUGE_LOSS, f64::MAX.sqrt());
/// ```
pub const HUGE_LOSS: f64 = 1.340_780_792_994_259_6e154;

/// A model fits its data when its mean loss is at most this share of what the best constant
/// answer costs (the labels' mean, for most losses). Dead and saturated units are reported
/// only in a model that does not: in one that fits, they cost nothing.
///
/// ```
/// assert_eq!(tapegrad::diagnose::GOOD_FIT, 0.1);
/// ```
pub const GOOD_FIT: f64 = 0.1;

/// How many steps of gradient descent the checkup takes on its own, from the run's last
/// parameters, to tell a loss at a floor from one that moved too slowly (see [`PROBE_DROP`]).
/// Each step halves its length from twice the last until the loss falls.
///
/// ```
/// assert_eq!(tapegrad::diagnose::PROBE_STEPS, 20);
/// ```
pub const PROBE_STEPS: usize = 20;

/// A stuck loss that the checkup's own [`PROBE_STEPS`] steps lower by this share or more was
/// not at a floor: the run's steps were too small or too few.
///
/// ```
/// assert_eq!(tapegrad::diagnose::PROBE_DROP, 0.1);
/// ```
pub const PROBE_DROP: f64 = 0.1;

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
