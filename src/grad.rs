//! The backward sweep and the [`Gradients`] it returns.
//!
//! Gradients live in their own store, returned by [`Value::backward`], not in mutable fields
//! of the values: calling backward twice gives two identical stores, never doubled
//! gradients, and there is no `zero_grad` to forget.

use std::cell::Cell;
use std::fmt;
use std::ops::Index;

use crate::tape::{Arity, Nodes, Tag, Tape};
use crate::value::Value;

/// The gradient of one output with respect to every value recorded before it on its tape.
///
/// Read it with [`wrt`](Gradients::wrt) or by indexing with a value. A value that does not
/// reach the output (including one recorded after it) has gradient exactly `0.0`.
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
#[derive(Clone, PartialEq)]
pub struct Gradients {
    tape: u64,
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

impl Default for Gradients {
    fn default() -> Self {
        Gradients::new()
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
        Gradients {
            tape: 0,
            generation: 0,
            grads: Vec::new(),
        }
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
    pub fn wrt(&self, v: Value<'_>) -> f64 {
        let Some(tape) = v.tape() else {
            return 0.0;
        };
        if self.tape != 0 {
            assert!(
                tape.id() == self.tape,
                "Gradients::wrt: the value is recorded on a different tape than the output \
                 these gradients were computed for"
            );
            assert!(
                tape.generation() == self.generation,
                "Gradients::wrt: the tape was cleared after these gradients were computed; \
                 they describe values that no longer exist"
            );
        }
        self.grads
            .get(v.index_unchecked() as usize)
            .copied()
            .unwrap_or(0.0)
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
        const ZERO: &f64 = &0.0;
        let _checked = self.wrt(v);
        match v.tape() {
            None => ZERO,
            Some(_) => self.grads.get(v.index_unchecked() as usize).unwrap_or(ZERO),
        }
    }
}

/// The reverse sweep. Relies on the tape invariant: every parent index is smaller than its
/// child's, so visiting nodes from `out` down to 0 sees each node's gradient complete
/// before passing it on.
///
/// A node whose gradient is exactly zero passes nothing back, so a path that does not reach
/// the output can never turn `0 × ∞` into NaN in an input that does.
///
/// Speed: in a chain, node `i` feeds node `i - 1`, which is visited next. Writing that
/// contribution to memory and reading it back at once would put a store-to-load round trip
/// on the critical path of every node, so a unary or binary node carries it in a register
/// (`pending`) instead. The sum is the same: node `i` is the last contributor to node `i - 1`
/// either way.
///
/// With `keep > 0`, nodes `0..keep` must be leaves: their gradients `grads[..keep]` are kept as
/// they are and accumulated into, and the loop stops above them (a leaf passes nothing on).
/// That is how the trainer sums parameter gradients over a batch recorded in pieces.
pub(crate) fn sweep(nodes: &Nodes, out: usize, grads: &mut Vec<f64>, keep: usize) {
    debug_assert!(keep <= out && keep <= grads.len());
    grads.truncate(keep);
    grads.resize(out + 1, 0.0);
    grads[out] = 1.0;
    // Cells: the loop walks the gradients in order and adds to earlier ones at the same
    // time, without an index (and its bounds check) for the walk.
    let cells = Cell::from_mut(&mut grads[..=out]).as_slice_of_cells();
    let end = nodes.ends_after(out);
    // Cursors: node i's edges end at `e` in `partial` and at `q` in `parent`.
    let (mut e, mut q, mut m) = (end.partial, end.parent, end.many);
    let (parent, partial) = (&nodes.parents()[..q], &nodes.partials()[..e]);
    let walk = (keep..out + 1)
        .zip(&cells[keep..])
        .zip(&nodes.tag_bytes()[keep..=out]);
    let mut pending: f64 = 0.0; // owed to node i by node i + 1
    for ((i, slot), tag) in walk.rev() {
        // In a chain nothing else adds to node i: its gradient is `+0.0 + pending`, which
        // is `pending` bit for bit unless `pending` is −0.0. Skipping the addition takes its
        // 4 cycles off every chain step's critical path (the branch is predicted; without
        // [`cold_path`] the compiler makes it a blend that costs more than the add).
        let stored = slot.get();
        let g = if stored.to_bits() == 0 && pending.to_bits() != NEG_ZERO {
            pending
        } else {
            cold_path();
            stored + pending
        };
        slot.set(g);
        pending = 0.0;
        let arity = Tag(*tag).arity();
        // The commonest nodes first, tested on their own: a `match` alone compiles to a
        // jump table, an indirect branch on every node.
        if arity.is_prev() {
            // The one input is node i - 1, visited next: carry the contribution there in
            // `pending`. Assigned, not added, so no `0.0 + x` sits on the chain.
            let [d] = derivs(partial, &mut e, arity.is_unit());
            if g != 0.0 {
                pending = d * g;
            } else {
                cold_path();
            }
            continue;
        }
        let add = |p: usize, c: f64| cells[p].set(cells[p].get() + c);
        match arity {
            Arity::Leaf | Arity::Prev | Arity::PrevUnit => {}
            Arity::Unary | Arity::UnaryUnit => {
                q -= 1;
                let [d] = derivs(partial, &mut e, arity.is_unit());
                if g != 0.0 {
                    let (p, c) = (parent[q] as usize, d * g);
                    if p + 1 == i {
                        pending = c;
                    } else {
                        add(p, c);
                    }
                }
            }
            Arity::Binary | Arity::BinaryUnit => {
                q -= 2;
                let [d0, d1] = derivs(partial, &mut e, arity.is_unit());
                if g != 0.0 {
                    let mut pass = |p: u32, d: f64| {
                        let p = p as usize;
                        if p + 1 == i {
                            pending += d * g;
                        } else {
                            add(p, d * g);
                        }
                    };
                    pass(parent[q], d0);
                    pass(parent[q + 1], d1);
                }
            }
            Arity::Many => {
                m -= 1;
                let k = nodes.many[m] as usize;
                e -= k;
                q -= k;
                if g != 0.0 {
                    // A many-input node (a neuron, a sum) writes straight to memory: its
                    // edges go to many different nodes, and testing each one for `i - 1`
                    // cost about 4% of micrograd's demo training step (interleaved runs of
                    // `benches/training.rs`'s workload, 4 rounds).
                    for (&p, &d) in parent[q..q + k].iter().zip(&partial[e..e + k]) {
                        add(p as usize, d * g);
                    }
                }
            }
        }
    }
    if keep > 0 {
        grads[keep - 1] += pending;
    }
}

/// The local derivatives of a node with `N` edges whose stored derivatives end at `*e` in
/// `partial`: all 1 for a `…Unit` arity (nothing stored), otherwise read from there, stepping
/// the cursor back.
#[inline(always)]
fn derivs<const N: usize>(partial: &[f64], e: &mut usize, unit: bool) -> [f64; N] {
    if unit {
        [1.0; N]
    } else {
        *e -= N;
        std::array::from_fn(|k| partial[*e + k])
    }
}

/// Marks the branch it is called from as rarely taken (`std::hint::cold_path`, stable only
/// since Rust 1.95): the compiler then keeps a real branch there instead of computing both
/// sides and blending them.
#[cold]
#[inline(always)]
fn cold_path() {}

/// The bits of −0.0.
const NEG_ZERO: u64 = 0x8000_0000_0000_0000;

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
        grads.tape = self.id();
        grads.generation = self.generation();
        grads.grads.clear();
        if output.tape().is_none() {
            return;
        }
        assert!(
            output.tape().is_some_and(|t| std::ptr::eq(t, self)),
            "Tape::backward_into: the output is recorded on a different tape"
        );
        self.backward_accumulate(output, grads, 0, true);
    }

    /// Like [`backward_into`](Tape::backward_into), but adds to the gradients of nodes
    /// `0..keep`, which must be leaves, already in `grads` instead of starting them at 0
    /// (unless `restart`, for the first piece). The trainer records a batch in pieces after
    /// the parameters (nodes `0..keep`) and sums their gradients this way, in the same order
    /// one sweep over the whole batch would. `output` is recorded on this tape after node
    /// `keep`; without `restart`, `grads` holds at least `keep` gradients.
    pub(crate) fn backward_accumulate(
        &self,
        output: Value<'_>,
        grads: &mut Gradients,
        keep: usize,
        restart: bool,
    ) {
        debug_assert!(output.tape().is_some_and(|t| std::ptr::eq(t, self)));
        grads.tape = self.id();
        grads.generation = self.generation();
        if restart {
            grads.grads.clear();
            grads.grads.resize(keep, 0.0);
        }
        sweep(
            &self.nodes(),
            output.index_unchecked() as usize,
            &mut grads.grads,
            keep,
        );
    }
}
