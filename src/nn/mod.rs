//! Neural networks made of plain numbers: [`Neuron`], [`Layer`], [`Mlp`].
//!
//! micrograd's `nn.py` in Rust. A model owns its parameters as plain `f64`s, in one documented
//! order (layer by layer, neuron by neuron, each neuron's weights `w0..w(n-1)` then its bias
//! `b`), and has no lifetime. A training step puts the parameters on a [`Tape`](crate::Tape) with
//! [`Module::record`], runs forward, computes a loss, runs backward, reads the gradients in
//! parameter order and hands them to an [optimizer](crate::optim):
//!
//! ```
//! use tapegrad::{Gradients, Tape};
//! use tapegrad::loss;
//! use tapegrad::nn::{Activation::{Linear, Tanh}, Init, Mlp, Module};
//! use tapegrad::optim::{Optimizer, Sgd, check_loss};
//!
//! # fn main() -> Result<(), tapegrad::Error> {
//! let mut model = Mlp::builder(2) // 2 → 4 tanh → 1 linear
//!     .hidden(&[4], Tanh)
//!     .output(1, Linear)
//!     .init(Init::Micrograd)
//!     .seed(7)
//!     .build()?;
//! let (xs, ys) = ([[0.5, -1.0], [-0.5, 1.0]], [1.0, -1.0]);
//! let mut opt = Sgd::new(0.05);
//! let mut tape = Tape::new();
//! let mut grads = Gradients::new();
//! let mut history = Vec::new();
//! for step in 0..20 {
//!     tape.clear(); // keeps the tape's memory from the last step
//!     let net = model.record(&tape);
//!     let mut losses = Vec::new();
//!     for (x, &y) in xs.iter().zip(&ys) {
//!         losses.push(loss::half_squared_error(net.forward_f64(x)?[0], y));
//!     }
//!     let loss = loss::mean(&losses)?;
//!     check_loss(step, loss.data())?;
//!     tape.backward_into(loss, &mut grads); // reuses the gradients' memory too
//!     opt.step(&mut model, &net.gradients(&grads))?; // gradients in parameter order
//!     history.push(loss.data());
//! }
//! assert!(history[19] < history[0]);
//! # Ok(())
//! # }
//! ```
//!
//! This loop is the fast one: each neuron is one node on the tape (its weighted sum) plus one
//! for its activation, and the tape and the gradients keep their memory from one step to the
//! next. Your own loss or activation, written with [`Value`](crate::Value)'s operations, runs in it at the
//! same speed as the built-in ones.
//!
//! Printing a model shows its shape, like micrograd's reprs:
//! `Mlp of [Layer of [TanhNeuron(2), TanhNeuron(2)], Layer of [LinearNeuron(2)]]`.

mod accuracy;
mod activation;
mod builder;
mod init;
mod layer;
mod mlp;
mod module;
mod neuron;

pub use accuracy::accuracy;
pub use activation::{Activation, CustomActivation};
pub use builder::MlpBuilder;
pub use init::Init;
pub use layer::Layer;
pub use mlp::Mlp;
pub(crate) use module::parameter_name;
pub use module::{Forward, Module, Recorded};
pub use neuron::Neuron;
