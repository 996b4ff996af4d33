//! The engine: the tape that records every scalar operation as one node, the [`Value`] handle
//! that records them, and the backward sweep that differentiates them. Private; lib.rs
//! re-exports its public items at the crate root (`tapegrad::{Tape, Value, Gradients, ...}`).
//!
//! **The invariant everything relies on:** a node's inputs always exist before the node
//! itself, so creation order on the tape is a topological order. Backward is therefore one
//! reverse loop over the nodes: no recursion, no visited set, no sort. Nothing has to enforce
//! it: an operation can only name inputs that were already recorded, and the tape only
//! appends, or drops its newest nodes (a clear, or [`nn::batch_loss`] cutting its tape back
//! between pieces), which leaves the ones before in order.
//!
//! [`nn::batch_loss`]: crate::nn::batch_loss
//!
//! The files, in reading order:
//!
//! - `tape.rs`: the [`Tape`], an arena of nodes and their edges (one per input, holding the
//!   local derivative computed at forward time), and the [`Op`] that made each node;
//! - `value.rs`: [`Value`], a `Copy` handle to one node, and its operations, each computing its
//!   value and its local derivatives side by side;
//! - `ops.rs`: the operators in every arrangement with `f64`, and the fused many-input nodes
//!   [`sum`], [`dot`] and [`affine`] (a neuron is one node);
//! - `scalar.rs`: what each operation's derivative rule is written over, once, so that it
//!   runs on numbers when the operation is recorded and on values when the backward pass is;
//! - `backward.rs`: the reverse sweep and the [`Gradients`] store it returns;
//! - `recorded.rs`: the same sweep recorded on the tape ([`Value::backward_on_tape`]), so
//!   that gradients are values that can be differentiated again, with each operation's
//!   local derivative rebuilt as a value by its own rule;
//! - `expression.rs`, `graphviz.rs`, `trace.rs`: the teaching tools, which read the nodes by
//!   design: how a node is written (`a * b`), the graph as Graphviz DOT
//!   ([`Value::to_dot`]), and the backward sweep replayed step by step
//!   ([`Value::backward_traced`]).

pub(crate) mod backward;
mod expression;
mod graphviz;
pub(crate) mod ops;
mod recorded;
pub(crate) mod scalar;
pub(crate) mod tape;
mod trace;
pub(crate) mod value;

pub use backward::Gradients;
pub use ops::{affine, dot, sum};
pub use tape::{Op, Tape, bytes_per_node};
pub use trace::{BackwardTrace, TracePass, TraceStep};
pub use value::Value;
