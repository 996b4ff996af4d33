#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod datasets;
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

pub use error::Error;
pub use grad::Gradients;
pub use gradcheck::{
    GradCheckConfig, GradCheckReport, InputCheck, Kink, check_gradients, check_gradients_with,
};
pub use ops::{affine, dot, sum};
pub use tape::{Op, Tape, bytes_per_node};
pub use value::Value;
pub use viz::{BackwardTrace, TracePass, TraceStep};
