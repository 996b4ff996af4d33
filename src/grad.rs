//! The backward sweep and the [`Gradients`] it returns.
//!
//! Gradients live in their own store, returned by [`Value::backward`], not in mutable fields
//! of the values: calling backward twice gives two identical stores, never doubled
//! gradients, and there is no `zero_grad` to forget.

use std::cell::Cell;
use std::fmt;
use std::ops::Index;

use crate::tape::{Arity, Nodes, Op, Tag, Tape};
use crate::value::Value;

/// The gradient of one output with respect to every value recorded before it on its tape.
///
/// Read it with [`wrt`](Gradients::wrt) or by indexing with a value. A value that does not
/// reach the output (including one recorded after it) has gradient exactly `0.0`.
///
/// A training step needs only its parameters' gradients: [`Tape::gradient_into`] computes
/// those alone, the same numbers, without storing every node's.
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
        self.assert_describes(tape, "Gradients::wrt");
        self.grads
            .get(v.index_unchecked() as usize)
            .copied()
            .unwrap_or(0.0)
    }

    /// Panics, with a message starting with `what`, unless these gradients were computed
    /// on `tape` since its last clear (or are an empty store, whose every lookup is 0).
    #[track_caller]
    pub(crate) fn assert_describes(&self, tape: &Tape, what: &str) {
        if self.tape != 0 {
            assert!(
                tape.id() == self.tape,
                "{what}: the value is recorded on a different tape than the output these \
                 gradients were computed for"
            );
            assert!(
                tape.generation() == self.generation,
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
///
/// Lazy zeroing: `grads[keep..]` may hold stale numbers from an earlier sweep. Zeroing them
/// all first cost about 1.5 ns a node at 10⁷ nodes (a pass over 80 MB), and reading them
/// back another 0.5. Instead `low` marks how far down the slots hold real sums: every slot in
/// `keep..low` is stale and has received nothing. A node below `low` takes its gradient from
/// `pending` alone, without reading its slot; an edge into `keep..low` first zeroes the
/// slots from there up to `low` (at least [`ZERO_AHEAD`] of them, so a graph whose edges
/// reach a little way back zeroes in cache-sized pieces), then moves `low` down. A chain
/// has no such edges and never zeroes; in a network the first edge to a parameter or an
/// input zeroes everything once. With `ALL`, every slot in `keep..=out` is written when its
/// node is visited, so no stale number survives the sweep.
///
/// Without `ALL`, only the gradients of leaves are wanted: a node whose one input is the node
/// before ([`Arity::Prev`], [`Arity::PrevUnit`]) passes its gradient on in `pending` and never
/// reads its slot, so its slot is not written either, and keeps whatever it held. At 10⁷
/// chain nodes that saves 8 bytes written a node, and the read of the cache line before the
/// write: 0.3-1.8 ns a node in session 7's runs (`PERFORMANCE.md`). Every other node's slot
/// is written, leaves' included.
pub(crate) fn sweep<const ALL: bool>(nodes: &Nodes, out: usize, grads: &mut Vec<f64>, keep: usize) {
    debug_assert!(keep <= out && keep <= grads.len());
    // Slots from `fresh` on are new, hence zero; the ones between `keep` and `fresh` are stale.
    let fresh = grads.len();
    grads.resize(out + 1, 0.0);
    grads.truncate(out + 1);
    grads[out] = 1.0;
    // Cells: the loop walks the gradients in order and adds to earlier ones at the same
    // time, without an index (and its bounds check) for the walk.
    let cells = Cell::from_mut(&mut grads[..=out]).as_slice_of_cells();
    let end = nodes.ends_after(out);
    let mut state = Sweep::<ALL> {
        cells,
        tags: &nodes.tag_bytes()[..=out],
        parent: &nodes.parents()[..end.parent],
        partial: &nodes.partials()[..end.partial],
        many: &nodes.many[..end.many],
        q: end.parent,
        m: end.many,
        pending: 0.0,
        keep,
        low: fresh.clamp(keep, out),
    };
    // Three loops, so that none tests on every node which kind of slot it is on: one for
    // nodes at or above `low`, whose slots are read; one for the stale ones below it, left
    // when an edge moves `low` below the next node; and, once `low` reaches `keep` (in a
    // network, at the first edge to an input), one with nothing stale left to test for.
    // Each is a function of its own, so that each gets all the registers.
    let mut last = out + 1; // the node visited last: the walk has nodes `keep..last` left
    while last > keep {
        last = if state.low == keep {
            state.rest(last)
        } else if last > state.low {
            state.read(last)
        } else {
            state.stale(last)
        };
    }
    if keep > 0 {
        grads[keep - 1] += state.pending;
    }
}

/// The state of one [`sweep`], between nodes. Each loop works on a local copy, which the
/// compiler keeps in registers: through `&mut self`, it stored the cursors back to memory on
/// every node, not knowing that the gradient cells cannot overlap them.
#[derive(Clone, Copy)]
struct Sweep<'a, const ALL: bool> {
    cells: &'a [Cell<f64>],
    tags: &'a [u8],
    parent: &'a [u32],
    /// The local derivatives not yet visited: those of the node being visited are its last.
    partial: &'a [f64],
    many: &'a [u32],
    /// Cursors: the edges of the node being visited end at `q` in `parent` and at `m` in
    /// `many`.
    q: usize,
    m: usize,
    /// Owed to node i by node i + 1.
    pending: f64,
    keep: usize,
    /// Slots in `keep..low` are stale and have received nothing.
    low: usize,
}

impl<'a, const ALL: bool> Sweep<'a, ALL> {
    /// Nodes `keep..last`, last first: index, gradient slot and tag.
    #[inline(always)]
    fn walk(
        &self,
        last: usize,
    ) -> impl Iterator<Item = ((usize, &'a Cell<f64>), &'a u8)> + use<'a, ALL> {
        let keep = self.keep;
        (keep..last)
            .zip(&self.cells[keep..last])
            .zip(&self.tags[keep..last])
            .rev()
    }

    /// Visits nodes `keep..last`, when no slot is stale any more (`low == keep`). Returns
    /// `keep`.
    #[inline(never)]
    fn rest(&mut self, last: usize) -> usize {
        let mut s = *self;
        for ((i, slot), &tag) in s.walk(last) {
            let arity = s.enter::<true>(slot, tag);
            if !arity.is_prev() {
                s.pass::<false>(i, slot.get(), arity);
            }
        }
        *self = s;
        self.keep
    }

    /// Visits nodes from `last - 1` down, at or above `low` (their slots hold sums), until
    /// the next one is below it or none is stale any more. Returns the last node visited.
    #[inline(never)]
    fn read(&mut self, last: usize) -> usize {
        let mut s = *self;
        let mut visited = s.keep;
        for ((i, slot), &tag) in s.walk(last) {
            visited = i;
            let arity = s.enter::<true>(slot, tag);
            if !arity.is_prev() {
                s.pass::<true>(i, slot.get(), arity);
            }
            if i <= s.low || s.low == s.keep {
                break;
            }
        }
        *self = s;
        visited
    }

    /// Visits nodes from `last - 1` down, below `low` (stale slots, not read), until an
    /// edge moves `low` below the next one. Returns the last node visited.
    #[inline(never)]
    fn stale(&mut self, last: usize) -> usize {
        let mut s = *self;
        let mut visited = s.keep;
        for ((i, slot), &tag) in s.walk(last) {
            visited = i;
            let arity = s.enter::<false>(slot, tag);
            if arity.is_prev() {
                continue;
            }
            let low = s.low;
            s.pass::<true>(i, slot.get(), arity);
            if s.low != low {
                break;
            }
        }
        *self = s;
        visited
    }

    /// Sets the gradient of the node being visited, whose slot is `slot` (unless `ALL` is
    /// false and the node is `Prev…`: see [`sweep`]), and returns its arity. If it is
    /// [`Prev`](Arity::Prev) or [`PrevUnit`](Arity::PrevUnit) the node is done: its input is
    /// the next node, owed `pending`. Otherwise [`pass`](Sweep::pass) finishes it. `READ`
    /// says whether the slot holds a sum to read (it is at or above `low`).
    #[inline(always)]
    fn enter<const READ: bool>(&mut self, slot: &Cell<f64>, tag: u8) -> Arity {
        let pending = self.pending;
        // In a chain nothing else adds to node i: its gradient is `+0.0 + pending`, which
        // is `pending` bit for bit, since `pending` is never −0.0 (see `carry`). Skipping
        // the addition takes its 4 cycles off every chain step's critical path (the branch
        // is predicted; without [`cold_path`] the compiler makes it a blend that costs more
        // than the add). A slot that is not read needs no test at all.
        debug_assert_ne!(pending.to_bits(), NEG_ZERO);
        let stored = if READ { slot.get() } else { 0.0 };
        let g = if stored.to_bits() == 0 {
            pending
        } else {
            cold_path();
            stored + pending
        };
        self.pending = 0.0;
        let arity = Tag(tag).arity();
        if ALL || !arity.is_prev() {
            slot.set(g);
        }
        // The commonest nodes first, tested on their own: a `match` alone compiles to a
        // jump table, an indirect branch on every node.
        if arity.is_prev() {
            // The one input is node i - 1, visited next: carry the contribution there in
            // `pending`. Assigned, not added, so no `0.0 + x` sits on the chain.
            if arity.is_unit() {
                // Local derivative 1: the contribution is `g` itself, and when `g` is zero,
                // passing it is passing nothing. `g` is never −0.0: `pending` never is (see
                // `carry`), no slot that is read ever is (each starts at +0.0, and a sum of
                // such is never −0.0), and `g` is one of them or their sum. One test less on
                // every addition of a chain.
                debug_assert_ne!(g.to_bits(), NEG_ZERO);
                self.pending = g;
            } else {
                let [d] = derivs(&mut self.partial, false);
                if g != 0.0 {
                    self.carry(d * g);
                } else {
                    cold_path();
                }
            }
        }
        arity
    }

    /// Passes gradient `g` of node `i` (of `arity`, not `Prev…`) on to its inputs. `CHECK`
    /// says whether an input may have a stale slot (`low > keep`).
    #[inline(always)]
    fn pass<const CHECK: bool>(&mut self, i: usize, g: f64, arity: Arity) {
        match arity {
            Arity::Leaf | Arity::Prev | Arity::PrevUnit => {}
            Arity::Unary | Arity::UnaryUnit => {
                self.q -= 1;
                let [d] = derivs(&mut self.partial, arity.is_unit());
                if g != 0.0 {
                    let (p, c) = (self.parent[self.q] as usize, d * g);
                    if p + 1 == i {
                        self.carry(c);
                    } else {
                        self.add::<CHECK>(p, c, i);
                    }
                }
            }
            Arity::Binary | Arity::BinaryUnit => {
                self.q -= 2;
                let [d0, d1] = derivs(&mut self.partial, arity.is_unit());
                if g != 0.0 {
                    let (p0, p1) = (self.parent[self.q], self.parent[self.q + 1]);
                    self.pass_one::<CHECK>(p0 as usize, d0 * g, i);
                    self.pass_one::<CHECK>(p1 as usize, d1 * g, i);
                }
            }
            Arity::Many => {
                self.m -= 1;
                let k = self.many[self.m] as usize;
                let (rest, ds) = self.partial.split_at(self.partial.len() - k);
                self.partial = rest;
                self.q -= k;
                if g != 0.0 {
                    // A many-input node (a neuron, a sum) writes straight to memory: its
                    // edges go to many different nodes, and testing each one for `i - 1`
                    // cost about 4% of micrograd's demo training step (interleaved runs of
                    // `benches/training.rs`'s workload, 4 rounds).
                    let q = self.q;
                    let mut edges = self.parent[q..q + k].iter().zip(ds);
                    if CHECK {
                        for (&p, &d) in edges.by_ref() {
                            self.add::<true>(p as usize, d * g, i);
                            if self.low == self.keep {
                                break;
                            }
                        }
                    }
                    for (&p, &d) in edges {
                        self.add::<false>(p as usize, d * g, i);
                    }
                }
            }
        }
    }

    /// Sets `pending` to `c`, the contribution of the node being visited to the next one, but
    /// +0.0 for −0.0: `+0.0 + −0.0` is +0.0, and this keeps `pending` from ever being −0.0,
    /// which [`enter`](Sweep::enter) relies on. Tested here, where a multiply may make a −0.0,
    /// rather than on every node that receives one; the branch is predicted and adds nothing
    /// to the chain's critical path.
    #[inline(always)]
    fn carry(&mut self, c: f64) {
        self.pending = if c.to_bits() == NEG_ZERO {
            cold_path();
            0.0
        } else {
            c
        };
    }

    /// Passes `c` to input `p` of node `i`: in `pending` if it is the next node visited.
    #[inline(always)]
    fn pass_one<const CHECK: bool>(&mut self, p: usize, c: f64, i: usize) {
        if p + 1 == i {
            self.pending += c;
        } else {
            self.add::<CHECK>(p, c, i);
        }
    }

    /// Adds `c` to the slot of node `p < i`, zeroing stale slots first if `p` is among them
    /// (when `CHECK`).
    #[inline(always)]
    fn add<const CHECK: bool>(&mut self, p: usize, c: f64, i: usize) {
        // `p` in `keep..low`, in one comparison.
        if CHECK && p.wrapping_sub(self.keep) < self.low - self.keep {
            cold_path();
            let top = self.low.min(i);
            let to = p.min(top.saturating_sub(ZERO_AHEAD)).max(self.keep);
            for slot in &self.cells[to..top] {
                slot.set(0.0);
            }
            self.low = to;
        }
        let cell = &self.cells[p];
        cell.set(cell.get() + c);
    }
}

/// The local derivatives of a node with `N` edges, the last `N` of `partial` unless its arity
/// is `…Unit` (all 1, nothing stored); `partial` then loses them.
#[inline(always)]
fn derivs<const N: usize>(partial: &mut &[f64], unit: bool) -> [f64; N] {
    if unit {
        [1.0; N]
    } else {
        let Some((rest, last)) = partial.split_last_chunk::<N>() else {
            panic!("tapegrad bug: a node's derivatives are missing from the tape")
        };
        *partial = rest;
        *last
    }
}

/// Marks the branch it is called from as rarely taken (`std::hint::cold_path`, stable only
/// since Rust 1.95): the compiler then keeps a real branch there instead of computing both
/// sides and blending them.
#[cold]
#[inline(always)]
fn cold_path() {}

/// The fewest stale gradient slots the sweep zeroes at a time (256 KiB): see [`sweep`].
const ZERO_AHEAD: usize = 1 << 15;

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
    /// Nor does it zero the old gradients first: only the slots that some edge of the graph
    /// reaches are zeroed, so a long chain's gradients are written once and never read back.
    /// The result is the same as a fresh store's, bit for bit.
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
        if output.tape().is_none() {
            grads.tape = self.id();
            grads.generation = self.generation();
            grads.grads.clear();
            return;
        }
        assert!(
            output.tape().is_some_and(|t| std::ptr::eq(t, self)),
            "Tape::backward_into: the output is recorded on a different tape"
        );
        self.backward_accumulate::<true>(output, grads, 0, true);
    }

    /// Like [`backward_into`](Tape::backward_into), but adds to the gradients of nodes
    /// `0..keep`, which must be leaves, already in `grads` instead of starting them at 0
    /// (unless `restart`, for the first piece). The trainer records a batch in pieces after
    /// the parameters (nodes `0..keep`) and sums their gradients this way, in the same order
    /// one sweep over the whole batch would. `output` is recorded on this tape after node
    /// `keep`; without `restart`, `grads` holds at least `keep` gradients.
    pub(crate) fn backward_accumulate<const ALL: bool>(
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
            // Only the first `keep` need zeroing: the sweep overwrites the rest.
            let old = grads.grads.len().min(keep);
            grads.grads[..old].fill(0.0);
            grads.grads.resize(keep.max(grads.grads.len()), 0.0);
        }
        sweep::<ALL>(
            &self.nodes(),
            output.index_unchecked() as usize,
            &mut grads.grads,
            keep,
        );
    }

    /// d(`output`)/d(`s`) for each leaf `s` in `sources`, written in the same order to `out`:
    /// the numbers `output.backward().wrt(s)` gives, bit for bit, for less work. It is
    /// PyTorch's `torch.autograd.grad(output, sources)` for leaves only (a node with no
    /// recorded input), which is what a training step asks for: its parameters' gradients.
    /// Keeping no other node's gradient lets the sweep skip storing it wherever it is not
    /// needed: on every node whose one input is the node before (a chain's unary operations
    /// and its additions of a constant), a write and the read of its cache line fewer.
    ///
    /// The tape keeps the gradient buffer between calls, 8 bytes a node of the longest graph
    /// swept so far, until it is dropped: a call allocates only when its graph is longer
    /// than any before. A source recorded after `output`, or a constant on no tape, has
    /// gradient 0; so has every source when `output` is a constant on no tape.
    ///
    /// # Panics
    /// - If `out.len()` differs from `sources.len()`.
    /// - If `output` or a source is recorded on a different tape.
    /// - If a source is not a leaf (a node with no recorded input: made by [`Tape::var`],
    ///   [`Tape::vars`], [`Tape::constant`], or [`Tape::custom`] with no recorded parent):
    ///   the gradient of an intermediate value needs [`Value::backward`].
    ///
    /// ```
    /// let mut tape = tapegrad::Tape::new().without_values();
    /// let mut g = [0.0; 2];
    /// for step in 1..=3 {
    ///     tape.clear();
    ///     let (w, b) = (tape.var(step as f64), tape.var(0.5));
    ///     let loss = (w * 3.0 + b).powi(2);
    ///     tape.gradient_into(loss, &[w, b], &mut g);
    ///     let r = 3.0 * step as f64 + 0.5;
    ///     assert_eq!(g, [6.0 * r, 2.0 * r]);
    /// }
    /// ```
    #[track_caller]
    pub fn gradient_into(&self, output: Value<'_>, sources: &[Value<'_>], out: &mut [f64]) {
        self.gradient_named("Tape::gradient_into", output, sources, out);
    }

    /// [`gradient_into`](Tape::gradient_into), whose panics name `what`, the caller's entry
    /// point.
    #[track_caller]
    fn gradient_named(
        &self,
        what: &str,
        output: Value<'_>,
        sources: &[Value<'_>],
        out: &mut [f64],
    ) {
        assert_eq!(
            out.len(),
            sources.len(),
            "{what}: `out` holds {} numbers, but {} sources were given; there must be one \
             number for each source",
            out.len(),
            sources.len()
        );
        output.assert_tape(self, what);
        let nodes = self.nodes();
        for (k, s) in sources.iter().enumerate() {
            s.assert_tape(self, what);
            let i = s.index_unchecked() as usize;
            if s.is_recorded() && nodes.tag(i).arity() != Arity::Leaf {
                not_a_leaf(what, k, i, nodes.tag(i).op());
            }
        }
        if !output.is_recorded() {
            out.fill(0.0);
            return;
        }
        let last = output.index_unchecked() as usize;
        let mut grads = self.gradient_buffer();
        sweep::<false>(&nodes, last, &mut grads, 0);
        for (g, s) in out.iter_mut().zip(sources) {
            let i = s.index_unchecked() as usize;
            *g = if s.is_recorded() && i <= last {
                grads[i]
            } else {
                0.0
            };
        }
    }
}

impl<'t> Value<'t> {
    /// The gradients of `self` with respect to the leaves `sources`, in order: a new `Vec`
    /// from [`Tape::gradient_into`], whose docs say more. For a training loop that should not
    /// allocate, call that instead.
    ///
    /// # Panics
    /// As [`Tape::gradient_into`].
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (x, y) = (tape.var(3.0), tape.var(4.0));
    /// let z = x * y + x.exp();
    /// assert_eq!(z.gradient(&[x, y]), vec![4.0 + 3.0_f64.exp(), 3.0]);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn gradient(self, sources: &[Value<'t>]) -> Vec<f64> {
        let mut out = vec![0.0; sources.len()];
        // A constant output has no tape: the sources' is checked all the same.
        if let Some(t) = self
            .tape()
            .or_else(|| sources.iter().find_map(|s| s.tape()))
        {
            t.gradient_named("Value::gradient", self, sources, &mut out);
        }
        out
    }
}

/// Panics: `sources[k]`, node `i`, is not a leaf.
#[cold]
#[track_caller]
fn not_a_leaf(what: &str, k: usize, i: usize, op: Op) -> ! {
    panic!(
        "{what}: sources[{k}] (node #{i}, made by `{op}`) is not a leaf; only the gradients of \
         leaves (nodes with no recorded input: Tape::var, Tape::vars, Tape::constant) are \
         computed here, and Value::backward gives an intermediate value's"
    )
}
