//! Neural networks made of plain numbers: [`Neuron`], [`Layer`], [`Mlp`].
//!
//! micrograd's `nn.py` in Rust. A model owns its parameters as plain `f64`s, in one documented
//! order (layer by layer, neuron by neuron, each neuron's weights `w0..w(n-1)` then its bias
//! `b`), and has no lifetime. A training step puts the parameters on a [`Tape`](crate::Tape),
//! runs forward, computes a loss, runs backward, reads the gradients in parameter order and
//! hands them to an [optimizer](crate::optim). [`batch_loss`] does all but the last for a
//! batch, on as many threads as you give it, each with a tape of its own; the loop around it
//! checks the loss and steps:
//!
//! ```
//! use tapegrad::loss;
//! use tapegrad::nn::{Activation::{Linear, Tanh}, BatchGradients, Init, Mlp, batch_loss};
//! use tapegrad::optim::{Optimizer, Sgd, check_loss};
//!
//! # fn main() -> Result<(), tapegrad::Error> {
//! let mut model = Mlp::builder(2) // 2 → 4 tanh → 1 linear
//!     .hidden(&[4], Tanh)
//!     .output(1, Linear)
//!     .init(Init::Micrograd)
//!     .seed(7)
//!     .build()?;
//! let data = [([0.5, -1.0], 1.0), ([-0.5, 1.0], -1.0)]; // (inputs, label)
//! let mut opt = Sgd::new(0.05);
//! let mut grads = BatchGradients::new(); // keeps its tapes' memory from step to step
//! let mut history = Vec::new();
//! for _ in 0..20 {
//!     let loss = batch_loss(&model, &data, |out, p| loss::half_squared_error(out[0], p.1), 1, &mut grads)?;
//!     check_loss(opt.step_count(), loss)?; // a NaN or infinite loss stops the loop
//!     opt.step(&mut model, &grads)?; // gradients in parameter order
//!     history.push(loss);
//! }
//! assert!(history[19] < history[0]);
//! # Ok(())
//! # }
//! ```
//!
//! This loop is the fast one: each neuron is one node on the tape (its weighted sum) plus one
//! for its activation, and the tapes, the gradients and every buffer keep their memory from
//! one step to the next (on one thread it allocates nothing after the first step). Your own
//! loss or activation, written with [`Value`](crate::Value)'s operations, runs in it too, and
//! records the nodes its operations make: `|x| x.tanh()` records what the built-in `Tanh`
//! does, at the cost of a call through a function pointer per neuron, where a layer records
//! a built-in's nodes all in one go (`PERFORMANCE.md` has the figures). An activation given
//! as its value and derivative
//! ([`CustomActivation::with_derivative`]) is recorded as a built-in one is, at its speed.
//! The same step by hand, with the tape in view:
//!
//! ```
//! use tapegrad::{Gradients, Tape, loss};
//! use tapegrad::nn::{Activation::Tanh, Mlp, Module};
//!
//! # fn main() -> Result<(), tapegrad::Error> {
//! let model = Mlp::builder(2).hidden(&[4], Tanh).output(1, Tanh).seed(7).build()?;
//! let mut tape = Tape::new();
//! let mut grads = Gradients::new();
//! tape.clear(); // keeps the tape's memory from the last step
//! let net = model.record(&tape); // the parameters, on the tape
//! let out = net.forward_f64(&[0.5, -1.0])?[0]; // forward
//! let loss = loss::half_squared_error(out, 1.0);
//! tape.backward_into(loss, &mut grads); // backward, reusing the gradients' memory
//! let gradients = net.gradients(&grads); // in parameter order
//! assert_eq!(gradients.len(), model.parameter_count());
//! # Ok(())
//! # }
//! ```
//!
//! Printing a model shows its shape, like micrograd's reprs:
//! `Mlp of [Layer of [TanhNeuron(2), TanhNeuron(2)], Layer of [LinearNeuron(2)]]`.

mod accuracy;
mod activation;
mod batch;
mod builder;
mod children;
mod init;
mod layer;
mod mlp;
mod module;
mod neuron;

pub use accuracy::{accuracy, accuracy_with};
pub use activation::{Activation, CustomActivation};
pub use batch::{BatchGradients, Example, MIN_RUN, batch_loss};
pub use builder::MlpBuilder;
pub use init::Init;
pub use layer::Layer;
pub(crate) use layer::neuron_prefix;
pub use mlp::Mlp;
pub(crate) use mlp::layer_prefix;
pub(crate) use module::parameter_name;
pub use module::{Forward, Module, Recorded};
pub use neuron::Neuron;
pub(crate) use neuron::parameter_name as neuron_parameter_name;
