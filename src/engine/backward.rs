//! The backward sweep and the [`Gradients`] it returns.
//!
//! Gradients live in their own store, returned by [`Value::backward`], not in mutable fields
//! of the values: calling backward twice gives two identical stores, never doubled
//! gradients, and there is no `zero_grad` to forget.

use std::fmt;
use std::ops::Index;

use super::tape::{Graph, Tape};
use super::value::Value;

/// The gradient of one output with respect to every value recorded before it on its tape.
///
/// Read it with [`wrt`](Gradients::wrt) or by indexing with a value. A value that does not
/// reach the output (including one recorded after it) has gradient exactly `0.0`.
///
/// A training loop reuses one store with [`Tape::backward_into`].
///
/// ```
/// use tapegrad::Tape;
///
/// let tape = Tape::new();
/// let (a, b, unused) = (tape.var(3.0), tape.var(4.0), tape.var(9.0));
/// let c = a * b;
/// let g = c.backward();
/// assert_eq!((g[a], g[b], g[c], g[unused]), (4.0, 3.0, 1.0, 0.0));
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Gradients {
    /// The id of the tape these gradients describe; 0, which no tape has, for an empty store.
    tape_id: u64,
    generation: u64,
    grads: Vec<f64>,
}

impl fmt::Debug for Gradients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gradients")
            .field("nodes", &self.grads.len())
            .finish()
    }
}

impl Gradients {
    /// An empty store, for use with [`Tape::backward_into`]; every lookup gives 0 until it is
    /// filled.
    ///
    /// ```
    /// let g = tapegrad::Gradients::new();
    /// assert!(g.as_slice().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Gradients::default()
    }

    /// d(output)/d(`v`). Zero for a constant on no tape and for any value that does not reach
    /// the output.
    ///
    /// # Panics
    /// If `v` is recorded on a different tape than the output, or the tape was cleared since
    /// these gradients were computed.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(2.0);
    /// let g = x.powi(3).backward();
    /// assert_eq!(g.wrt(x), 12.0);
    /// ```
    #[must_use]
    #[track_caller]
    #[doc(alias = "grad")]
    pub fn wrt(&self, v: Value<'_>) -> f64 {
        self.slot(v, "Gradients::wrt").copied().unwrap_or(0.0)
    }

    /// Where `v`'s gradient is kept, if anywhere, after checking that these gradients describe
    /// `v`'s tape (panicking with a message starting with `what` if not).
    #[track_caller]
    fn slot(&self, v: Value<'_>, what: &str) -> Option<&f64> {
        let tape = v.tape()?;
        self.assert_describes(tape, what);
        self.grads.get(v.index()?)
    }

    /// Panics, with a message starting with `what`, unless these gradients were computed
    /// on `tape` since its last clear (or are an empty store, whose every lookup is 0).
    #[track_caller]
    pub(crate) fn assert_describes(&self, tape: &Tape, what: &str) {
        if self.tape_id != 0 {
            assert!(
                tape.id == self.tape_id,
                "{what}: the value is recorded on a different tape than the output these \
                 gradients were computed for"
            );
            assert!(
                tape.generation.get() == self.generation,
                "{what}: the tape was cleared after these gradients were computed; they \
                 describe values that no longer exist"
            );
        }
    }

    /// The gradients of several values at once, in order.
    ///
    /// # Panics
    /// As [`wrt`](Gradients::wrt).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let xs = tape.vars(&[1.0, 2.0]);
    /// let g = (xs[0] * xs[1]).backward();
    /// assert_eq!(g.wrt_all(&xs), vec![2.0, 1.0]);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn wrt_all(&self, vs: &[Value<'_>]) -> Vec<f64> {
        vs.iter().map(|&v| self.wrt(v)).collect()
    }

    /// Gradients by node index, from node 0 up to the output (inclusive).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(5.0);
    /// let g = (x * 2.0).backward();
    /// assert_eq!(g.as_slice(), &[2.0, 1.0]);
    /// ```
    #[must_use]
    pub fn as_slice(&self) -> &[f64] {
        &self.grads
    }
}

impl Index<Value<'_>> for Gradients {
    type Output = f64;

    /// Same as [`Gradients::wrt`], including its panics.
    #[track_caller]
    fn index(&self, v: Value<'_>) -> &f64 {
        self.slot(v, "Gradients::wrt").unwrap_or(&0.0)
    }
}

/// The reverse sweep: sets `grads` to d(`nodes[out]`)/d(node) for every node up to `out`.
///
/// By the engine's invariant (inputs come before their node: see [`engine`](super)), when
/// the loop reaches a node, every node that uses it has already passed it its share, and its
/// gradient is complete. Each node then passes `local × gradient` on to each of its inputs,
/// *adding* to what they hold (`grads[input] += local * grad`): a value used twice receives two
/// contributions.
///
/// A node whose gradient is exactly zero passes nothing back, so a path that does not reach
/// the output can never turn `0 × ∞` into NaN in an input that does.
///
/// The sweep stops at node `carried`: the gradients of the nodes below it are carried over
/// from the last sweep into `grads` (zeros where there were none), what reaches them is
/// added on, and they pass nothing on. With `carried` 0 it is the whole backward.
fn sweep(graph: &Graph, out: usize, carried: usize, grads: &mut Vec<f64>) {
    grads.truncate(carried);
    grads.resize(out + 1, 0.0);
    grads[out] = 1.0;
    // Nodes 0 to `out` and their gradients, as slices of that length: the compiler then knows
    // that indexing them by i stays in bounds.
    let (nodes, grads) = (&graph.nodes[..=out], &mut grads[..=out]);
    // The edges of nodes 0 to i: node i's come last, and are split off as the loop goes down.
    let mut edges = &graph.edges[..graph.edges_end(out)];
    for i in (carried..=out).rev() {
        let (rest, own) = edges.split_at(nodes[i].first_edge as usize);
        edges = rest;
        let grad = grads[i];
        if grad != 0.0 {
            for edge in own {
                grads[edge.input as usize] += edge.local * grad;
            }
        }
    }
}

impl<'t> Value<'t> {
    /// Computes d(self)/d(v) for every value `v` recorded before `self`, in one reverse sweep
    /// whose cost is linear in the number of nodes. Gradients accumulate over every path, so
    /// reused values come out right.
    ///
    /// Contract: backward only reads the tape. Calling it again on the same output returns an
    /// identical, fresh [`Gradients`]: nothing is accumulated across calls, nothing to zero.
    /// Backward of a constant on no tape gives a store in which every gradient is 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.var(3.0);
    /// let b = a + a;
    /// let c = b + b;
    /// let g1 = c.backward();
    /// let g2 = c.backward();
    /// assert_eq!(g1.wrt(a), 4.0);
    /// assert_eq!(g1, g2); // never doubled
    /// ```
    #[must_use]
    #[doc(alias = "zero_grad")]
    pub fn backward(self) -> Gradients {
        let mut g = Gradients::new();
        if let Some(t) = self.tape() {
            t.backward_into(self, &mut g);
        }
        g
    }
}

impl Tape {
    /// Like [`Value::backward`], but writes into `grads`, reusing its memory: after the first
    /// call, a training loop that reuses its tape and its `Gradients` does not allocate here.
    /// Whatever `grads` held before is replaced, never added to.
    ///
    /// # Panics
    /// If `output` is recorded on a different tape (a constant on no tape gives all zeros).
    ///
    /// ```
    /// use tapegrad::{Gradients, Tape};
    ///
    /// let mut tape = Tape::new();
    /// let mut grads = Gradients::new();
    /// for step in 0..3 {
    ///     tape.clear();
    ///     let x = tape.var(step as f64);
    ///     let y = x * x;
    ///     tape.backward_into(y, &mut grads);
    ///     assert_eq!(grads.wrt(x), 2.0 * step as f64);
    /// }
    /// ```
    #[track_caller]
    pub fn backward_into(&self, output: Value<'_>, grads: &mut Gradients) {
        assert!(
            output.tape().is_none_or(|t| std::ptr::eq(t, self)),
            "Tape::backward_into: the output is recorded on a different tape"
        );
        grads.tape_id = self.id;
        grads.generation = self.generation.get();
        match output.index() {
            Some(out) => sweep(&self.graph(), out, 0, &mut grads.grads),
            None => grads.grads.clear(),
        }
    }

    /// Like [`backward_into`](Tape::backward_into), but the first `carried` nodes (before
    /// `output`, unless it is a constant) are not swept: their gradients in `grads` are kept
    /// from the last call and `output`'s are added to them. [`nn::batch_loss`] differentiates
    /// a batch piece by piece this way, the parameters being the first nodes, leaves that
    /// pass nothing on.
    ///
    /// [`nn::batch_loss`]: crate::nn::batch_loss
    pub(crate) fn backward_adding(&self, output: Value<'_>, carried: usize, grads: &mut Gradients) {
        debug_assert!(output.tape().is_none_or(|t| std::ptr::eq(t, self)));
        grads.tape_id = self.id;
        grads.generation = self.generation.get();
        match output.index() {
            Some(out) => sweep(&self.graph(), out, carried, &mut grads.grads),
            // A constant passes nothing back.
            None => grads.grads.resize(carried, 0.0),
        }
    }
}
