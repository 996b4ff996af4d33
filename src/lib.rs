// The README, as build.rs prepares it for rustdoc: its pictures inline, its links followable.
#![doc = include_str!(concat!(env!("OUT_DIR"), "/README.md"))]
//!
//! ## How the crate is laid out
//!
//! Three layers, each using only the ones above it:
//!
//! 1. **The engine** (`src/engine/`, private, its items re-exported here): [`Tape`], [`Value`]
//!    and its operations, the fused [`sum`], [`dot`] and [`affine`], the backward sweep and its
//!    [`Gradients`]; beside them the teaching tools that read its nodes, [`Value::to_dot`] and
//!    [`Value::backward_traced`]. [`check_gradients`] tests any function of values against
//!    finite differences, through the public API.
//! 2. **Training**: [`nn`] (neurons, layers, the [`Mlp`](nn::Mlp)), [`loss`] and [`optim`].
//! 3. **Around a model**: [`datasets`] (the Playground's sets, CSV), [`plot`] (pictures),
//!    [`diagnose`] (what went wrong in a run) and [`save`] (files); the guide, [`tutorial`],
//!    teaches the whole with them.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod datasets;
pub mod diagnose;
mod engine;
mod error;
mod gradcheck;
pub mod loss;
pub mod nn;
pub mod optim;
pub mod plot;
pub mod save;
pub mod tutorial;

/// The `rand` crate this crate was built with, re-exported: [`nn::Mlp::new`], [`nn::Layer::new`]
/// and the [`datasets`] generators take an RNG implementing its `Rng` trait, so use
/// `tapegrad::rand::{SeedableRng, rngs::StdRng}` (or depend on the same major version of
/// `rand`) and the versions cannot clash.
///
/// ```
/// use tapegrad::rand::{SeedableRng, rngs::StdRng};
///
/// let points = tapegrad::datasets::moons(10, 0.1, &mut StdRng::seed_from_u64(1))?;
/// assert_eq!(points.len(), 10);
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub use rand;

/// The `indexmap` crate this crate was built with, re-exported:
/// [`Module::named_parameters`](nn::Module::named_parameters) returns an `IndexMap`, a map
/// that keeps its order, so a model of your own can name the type without depending on it.
///
/// ```
/// use tapegrad::indexmap::IndexMap;
///
/// let named: IndexMap<String, f64> = [("b".to_string(), 0.5)].into_iter().collect();
/// assert_eq!(named["b"], 0.5);
/// ```
pub use indexmap;

pub use engine::{
    BackwardTrace, Gradients, Op, Tape, TracePass, TraceStep, Value, affine, bytes_per_node, dot,
    sum,
};
pub use error::Error;
pub use gradcheck::{
    GradCheckConfig, GradCheckReport, InputCheck, Kink, check_gradients, check_gradients_with,
};
