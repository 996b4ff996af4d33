#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod datasets;
pub mod diagnose;
mod error;
mod grad;
mod gradcheck;
pub mod loss;
pub mod nn;
mod ops;
pub mod optim;
pub mod plot;
pub mod save;
mod tape;
pub mod tutorial;
mod value;
mod viz;

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

pub use error::Error;
pub use grad::Gradients;
pub use gradcheck::{
    GradCheckConfig, GradCheckReport, InputCheck, Kink, check_gradients, check_gradients_with,
};
pub use ops::{affine, dot, sum};
pub use tape::{Op, Tape, bytes_per_node};
pub use value::Value;
pub use viz::{BackwardTrace, TracePass, TraceStep};
