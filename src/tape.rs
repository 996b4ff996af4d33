//! The tape: an arena that records every scalar operation as one node.
//!
//! Storage is struct-of-arrays. Node `i` has a value `data[i]` and a one-byte tag `tag[i]`
//! (its operation and how many parents it has); the local derivatives of its incoming edges,
//! computed at forward time right beside the value, follow those of node `i - 1` in `partial`
//! (`f64`), and their parents follow in `parent` (`u32`). One kind of edge stores no parent:
//! a one-input node whose input is the node just before it ([`Arity::Prev`]), the commonest
//! edge there is (every step of a chain, every activation after its weighted sum), and no
//! local derivative is stored when it is exactly 1 (every addition): the arity says what is
//! implied. There is no per-node offset: the backward sweep walks both arrays from the end,
//! stepping back by what each node's arity stores. A leaf costs 9 bytes, each parent up to
//! 12 more, and a node with more than two parents 4 more for their count. A tape made
//! [without values](Tape::without_values) leaves `data` empty and saves the 8 bytes a node:
//! only printing reads values.
//!
//! **Invariant the backward sweep relies on:** a node's parents always exist before the node
//! itself, so creation order on the tape is a topological order. Backward is therefore one
//! reverse loop over node indices: no recursion, no visited set.

use std::cell::{Ref, RefCell, RefMut};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::value::Value;

static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(1);

/// Bytes the tape stores for one node with `parents` incoming edges, not counting optional
/// labels or the gradient buffer (8 bytes per node, held by [`Gradients`](crate::Gradients),
/// or by the tape itself for [`Tape::gradient_into`]).
///
/// A node costs its value (8 bytes) and a tag (1: its op and arity), plus per parent an
/// index (4) and a local derivative (8); a node with more than two parents stores its count
/// too (4). So a leaf is 9 bytes, a unary op 21, a binary op 33, and a neuron with `n`
/// inputs (one fused node with `2n + 1` parents) `13 + 12·(2n + 1)`, where separate
/// multiplies and adds would take `2n` binary nodes (`66n` bytes).
///
/// Two common cases store less than this count:
/// - an input that is the node recorded just before (each step of a chain like
///   `v = v * a + b`, an activation applied to the weighted sum before it) stores no index;
/// - a local derivative of exactly 1 (every addition) is not stored either.
///
/// So `v * a` on the node before takes 17 bytes, `v + b` 9, and `x + y` 17.
///
/// A tape made [without values](Tape::without_values) stores 8 bytes less a node: `v * a`
/// on the node before then takes 9 bytes and `v + b` 1.
///
/// ```
/// assert_eq!(tapegrad::bytes_per_node(0), 9);
/// assert_eq!(tapegrad::bytes_per_node(1), 21);
/// assert_eq!(tapegrad::bytes_per_node(2), 33);
/// assert_eq!(tapegrad::bytes_per_node(5), 73);
/// ```
#[must_use]
pub const fn bytes_per_node(parents: usize) -> usize {
    let base = size_of::<Tag>() + size_of::<f64>();
    let edges = parents * (size_of::<u32>() + size_of::<f64>());
    if parents <= 2 {
        base + edges
    } else {
        base + edges + size_of::<u32>()
    }
}

/// What produced a node. Used by printing, the backward trace and graph export; the backward
/// sweep itself never looks at it.
///
/// ```
/// use tapegrad::{Op, Tape};
///
/// let tape = Tape::new();
/// let x = tape.var(0.5);
/// let y = (x * 2.0).tanh();
/// assert_eq!(x.op(), Some(Op::Var));
/// assert_eq!(y.op(), Some(Op::Tanh));
/// assert_eq!(Op::Mul.to_string(), "*"); // the symbol graphs and traces print
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u8)]
pub enum Op {
    /// A trainable leaf made by [`Tape::var`].
    Var,
    /// A constant leaf made by [`Tape::constant`].
    Const,
    /// `a + b` (or `a + c` with a constant `c`).
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// `a / b`.
    Div,
    /// `-a`.
    Neg,
    /// `a.powi(n)`.
    Powi,
    /// `a.powf(c)` with a constant exponent.
    Powf,
    /// `a.pow(b)` with a [`Value`] exponent.
    Pow,
    /// `a.exp()`.
    Exp,
    /// `a.ln()`.
    Ln,
    /// `a.sqrt()`.
    Sqrt,
    /// `a.tanh()`.
    Tanh,
    /// `a.sigmoid()`.
    Sigmoid,
    /// `a.relu()`.
    Relu,
    /// `a.abs()`.
    Abs,
    /// `a.sin()`.
    Sin,
    /// `a.cos()`.
    Cos,
    /// `a.recip()`.
    Recip,
    /// A fused sum of many values ([`sum`](crate::sum)).
    Sum,
    /// A fused dot product, optionally plus a bias ([`dot`](crate::dot), neurons).
    Dot,
    /// A node recorded with a caller-supplied value and local derivatives
    /// ([`Value::custom`], [`Tape::custom`], fused losses).
    Custom,
}

impl Op {
    /// A short symbol for the operation, as printed in traces and graphs.
    ///
    /// ```
    /// assert_eq!(tapegrad::Op::Mul.symbol(), "*");
    /// ```
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Var => "var",
            Op::Const => "const",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::Neg => "neg",
            Op::Powi => "powi",
            Op::Powf => "powf",
            Op::Pow => "pow",
            Op::Exp => "exp",
            Op::Ln => "ln",
            Op::Sqrt => "sqrt",
            Op::Tanh => "tanh",
            Op::Sigmoid => "sigmoid",
            Op::Relu => "relu",
            Op::Abs => "abs",
            Op::Sin => "sin",
            Op::Cos => "cos",
            Op::Recip => "recip",
            Op::Sum => "sum",
            Op::Dot => "dot",
            Op::Custom => "custom",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// How many parents a node has, and which of its edges' parents and local derivatives are
/// implied rather than stored: a parent that is the node just before (`Prev…`), a local
/// derivative of exactly 1 (`…Unit`: every addition).
///
/// The codes come in pairs that differ in the low bit, the `…Unit` form odd, and the `Prev…`
/// pair comes last, so the sweep can test "one input, the node just before" as one unsigned
/// comparison of the tag byte (`code >= 6`: two instructions, where `code >> 1 == 1` took
/// four) and "implied derivative" as the low bit: a `match` over all eight compiles to a jump
/// table, an indirect branch per node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Arity {
    Leaf = 0,
    /// Three or more parents; the count is the node's entry in `Nodes::many`.
    Many = 1,
    Unary = 2,
    /// One stored parent, local derivative 1.
    UnaryUnit = 3,
    Binary = 4,
    /// Two stored parents, both local derivatives 1.
    BinaryUnit = 5,
    /// One parent, node `i - 1`: the edge has a local derivative but no stored parent.
    Prev = 6,
    /// One parent, node `i - 1`, local derivative 1: nothing stored.
    PrevUnit = 7,
}

impl Arity {
    /// `Prev` or `PrevUnit`.
    #[inline(always)]
    pub(crate) fn is_prev(self) -> bool {
        self as u8 >= Arity::Prev as u8
    }

    /// For a pair other than `Leaf`/`Many`: the `…Unit` form.
    #[inline(always)]
    pub(crate) fn is_unit(self) -> bool {
        self as u8 & 1 == 1
    }

    /// How many entries of `partial` and of `parent` a node of this arity uses; for `Many`,
    /// `many` of each.
    #[inline]
    pub(crate) fn stored(self, many: usize) -> (usize, usize) {
        match self {
            Arity::Leaf | Arity::PrevUnit => (0, 0),
            Arity::Prev => (1, 0),
            Arity::Unary => (1, 1),
            Arity::UnaryUnit => (0, 1),
            Arity::Binary => (2, 2),
            Arity::BinaryUnit => (0, 2),
            Arity::Many => (many, many),
        }
    }
}

/// Every [`Op`], in declaration order: `OPS[op as usize] == op`.
const OPS: [Op; 23] = [
    Op::Var,
    Op::Const,
    Op::Add,
    Op::Sub,
    Op::Mul,
    Op::Div,
    Op::Neg,
    Op::Powi,
    Op::Powf,
    Op::Pow,
    Op::Exp,
    Op::Ln,
    Op::Sqrt,
    Op::Tanh,
    Op::Sigmoid,
    Op::Relu,
    Op::Abs,
    Op::Sin,
    Op::Cos,
    Op::Recip,
    Op::Sum,
    Op::Dot,
    Op::Custom,
];

const _: () = {
    let mut k = 0;
    while k < OPS.len() {
        assert!(OPS[k] as usize == k, "OPS out of order");
        k += 1;
    }
    assert!(OPS.len() <= 32, "an op must fit in 5 bits");
};

/// A node's operation (low 5 bits) and arity (high 3 bits) in one byte.
#[derive(Clone, Copy)]
pub(crate) struct Tag(pub(crate) u8);

impl Tag {
    #[inline(always)]
    pub(crate) const fn new(op: Op, arity: Arity) -> Tag {
        Tag(op as u8 | (arity as u8) << 5)
    }

    #[inline(always)]
    pub(crate) fn op(self) -> Op {
        OPS[usize::from(self.0 & 31)]
    }

    #[inline(always)]
    pub(crate) fn arity(self) -> Arity {
        match self.0 >> 5 {
            0 => Arity::Leaf,
            1 => Arity::Many,
            2 => Arity::Unary,
            3 => Arity::UnaryUnit,
            4 => Arity::Binary,
            5 => Arity::BinaryUnit,
            6 => Arity::Prev,
            _ => Arity::PrevUnit,
        }
    }
}

const _: () = assert!(
    Tag::new(Op::Var, Arity::Leaf).0 == 0,
    "zeroed room must read as leaves"
);

/// The recorded graph, struct-of-arrays. Edges are packed in node order with no per-node
/// offset: a sweep from the last node down recovers each node's edges from its arity alone
/// (two cursors, one in `partial` and one in `parent`, that step back 0, 1, 2 or `many[k]`
/// edges; an [`Arity::Prev`] node steps back one in `partial` only). What backward reads
/// (`tag`, `parent`, `partial`, `many`) is kept apart from what only printing reads (`data`,
/// `labels`).
///
/// The arrays are kept longer than what is recorded, their extra room filled with
/// placeholders, and the counts `len`, `edges` and `parents` say how much is in use. Recording
/// a node is then a few plain stores after one test for room, with no call on the way: each
/// `Vec::push` tests its own capacity and may call its allocator, and the value being
/// recorded had to be saved to the stack around those calls, a store and a reload on the
/// critical path of every step of a chain (recording a chain node, best of many runs: about
/// 3.1 → 2.4 ns).
#[derive(Default)]
pub(crate) struct Nodes {
    /// Nodes recorded: `tag[..len]` and `data[..len]`.
    len: usize,
    /// Edges recorded: `partial[..edges]`.
    edges: usize,
    /// Parents recorded: `parent[..parents]` (`Arity::Prev` edges store none).
    parents: usize,
    /// Each node's [`Tag`], as its byte.
    tag: Vec<u8>,
    /// Each node's value, for printing only; empty and never written when `no_values`.
    data: Vec<f64>,
    /// Set by [`Tape::without_values`]: node values are not stored.
    no_values: bool,
    /// The parent of every edge except those of [`Arity::Prev`] nodes.
    parent: Vec<u32>,
    /// The local derivative of every edge.
    partial: Vec<f64>,
    /// Edge counts of the nodes with `Arity::Many`, in node order.
    pub(crate) many: Vec<u32>,
    pub(crate) labels: HashMap<u32, String>,
}

impl Nodes {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Every recorded node's tag, as bytes (see [`Tag`]).
    #[inline]
    pub(crate) fn tag_bytes(&self) -> &[u8] {
        &self.tag[..self.len]
    }

    /// Node `i`'s tag.
    #[inline]
    pub(crate) fn tag(&self, i: usize) -> Tag {
        Tag(self.tag_bytes()[i])
    }

    /// Every recorded node's value, or `None` on a tape made [without
    /// values](Tape::without_values).
    #[inline]
    pub(crate) fn values(&self) -> Option<&[f64]> {
        (!self.no_values).then(|| &self.data[..self.len])
    }

    /// Stores node `n`'s value, unless values are not stored. Callers tested that `n` is
    /// below `tag.len()`, and `data` is at least as long as `tag` when values are stored
    /// (kept by [`grow`](Nodes::grow)), empty when not: so one bounds test says both
    /// whether to store and that there is room.
    #[inline(always)]
    fn set_value(&mut self, n: usize, data: f64) {
        if let Some(slot) = self.data.get_mut(n) {
            *slot = data;
        } else {
            debug_assert!(self.no_values, "the values array is shorter than the tags");
        }
    }

    /// Stops storing node values and frees the ones stored.
    pub(crate) fn drop_values(&mut self) {
        self.no_values = true;
        self.data = Vec::new();
    }

    /// Every recorded edge's parent (none for `Arity::Prev` edges).
    #[inline]
    pub(crate) fn parents(&self) -> &[u32] {
        &self.parent[..self.parents]
    }

    /// Every recorded edge's local derivative.
    #[inline]
    pub(crate) fn partials(&self) -> &[f64] {
        &self.partial[..self.edges]
    }

    /// Forgets every node, keeping the room.
    pub(crate) fn clear(&mut self) {
        self.len = 0;
        self.edges = 0;
        self.parents = 0;
        self.many.clear();
        self.labels.clear();
    }

    /// Forgets every node after the first `len`, keeping the room. `leaves` promises that
    /// the first `len` nodes have no edges.
    pub(crate) fn truncate(&mut self, len: usize, leaves: bool) {
        if len >= self.len {
            return;
        }
        debug_assert!(!leaves || (0..len).all(|i| self.tag(i).arity() == Arity::Leaf));
        let end = if len == 0 || leaves {
            Ends {
                partial: 0,
                parent: 0,
                many: 0,
            }
        } else {
            self.ends_after(len - 1)
        };
        self.len = len;
        self.edges = end.partial;
        self.parents = end.parent;
        self.many.truncate(end.many);
        self.labels.retain(|&k, _| (k as usize) < len);
    }

    /// Makes room for `nodes` more nodes and `edges` more edges.
    ///
    /// # Panics
    /// When the tape would hold more than `u32::MAX` nodes.
    #[inline]
    pub(crate) fn reserve(&mut self, nodes: usize, edges: usize) {
        if self.len + nodes > self.tag.len()
            || self.edges + edges > self.partial.len()
            || self.parents + edges > self.parent.len()
        {
            self.grow(nodes, edges);
        }
    }

    /// At least doubles the room that is short, so recording stays amortized O(1).
    #[cold]
    #[inline(never)]
    fn grow(&mut self, nodes: usize, edges: usize) {
        fn room(used: usize, more: usize, now: usize) -> usize {
            let need = used.checked_add(more).unwrap_or_else(|| tape_full());
            if need <= now {
                now
            } else {
                need.max(now.saturating_mul(2)).max(64)
            }
        }
        let limit = u32::MAX as usize;
        if self.len.saturating_add(nodes) > limit {
            tape_full();
        }
        let node_room = room(self.len, nodes, self.tag.len()).min(limit);
        if !self.no_values {
            // At least as long as `tag` will be (see `set_value`), and grown first, so that
            // a failed allocation of `tag` cannot leave it the longer.
            regrow(&mut self.data, self.len, node_room.max(self.tag.len()));
        }
        regrow(&mut self.tag, self.len, node_room);
        let edge_room = room(self.edges, edges, self.partial.len());
        regrow(&mut self.partial, self.edges, edge_room);
        let parent_room = room(self.parents, edges, self.parent.len());
        regrow(&mut self.parent, self.parents, parent_room);
    }

    /// Where the edges of nodes `0..=out` end in `partial` and in `parent`, and how many
    /// entries of `many` they use: found by stepping back over the nodes after `out` (none,
    /// when `out` is the last node, as a loss usually is).
    pub(crate) fn ends_after(&self, out: usize) -> Ends {
        let mut end = Ends {
            partial: self.edges,
            parent: self.parents,
            many: self.many.len(),
        };
        for &t in self.tag_bytes()[out + 1..].iter().rev() {
            let arity = Tag(t).arity();
            let many = if arity == Arity::Many {
                end.many -= 1;
                self.many[end.many] as usize
            } else {
                0
            };
            let (partials, parents) = arity.stored(many);
            end.partial -= partials;
            end.parent -= parents;
        }
        end
    }

    /// Start of every node's edges in `partial` and `parent` (`len() + 1` entries each),
    /// for tools that visit nodes out of sweep order. One forward pass; not used by backward.
    pub(crate) fn edge_starts(&self) -> EdgeStarts {
        let mut starts = EdgeStarts {
            partial: Vec::with_capacity(self.len + 1),
            parent: Vec::with_capacity(self.len + 1),
        };
        let (mut e, mut q, mut m) = (0, 0, 0);
        starts.partial.push(0);
        starts.parent.push(0);
        for &t in self.tag_bytes() {
            let arity = Tag(t).arity();
            let many = if arity == Arity::Many {
                m += 1;
                self.many[m - 1] as usize
            } else {
                0
            };
            let (partials, parents) = arity.stored(many);
            e += partials;
            q += parents;
            starts.partial.push(e);
            starts.parent.push(q);
        }
        starts
    }

    /// Pushes one leaf.
    #[inline]
    pub(crate) fn push_leaf(&mut self, op: Op, data: f64) -> u32 {
        self.reserve(1, 0);
        self.push_node(op, Arity::Leaf, data)
    }

    /// Pushes `data.len()` trainable leaves with consecutive indices and returns the index
    /// of the first.
    pub(crate) fn push_vars(&mut self, data: &[f64]) -> u32 {
        self.reserve(data.len(), 0);
        let (first, end) = (self.len, self.len + data.len());
        self.tag[first..end].fill(Tag::new(Op::Var, Arity::Leaf).0);
        if !self.no_values {
            self.data[first..end].copy_from_slice(data);
        }
        self.len = end;
        first as u32
    }

    /// Pushes one node with one edge, with the NaN rule of [`Tape::custom`]. When the
    /// parent is the node just before, the edge stores no parent ([`Arity::Prev`]); when the
    /// local derivative is exactly 1, it stores no derivative (`…Unit`).
    ///
    /// The hot path of every chain, inlined: a node whose parent is the node just before,
    /// with a value that is not NaN, and room. Its index is computed as `p + 1` from the
    /// parent's index, which the caller holds in a register, and not read back from `len`:
    /// `len` was stored by the node before, and reading it back puts a store-to-load round
    /// trip (≈5 cycles) on the chain from one node to the next (recording a chain node, best
    /// of many runs: about 2.2 → 2.0 ns). Every other node takes a call.
    #[inline(always)]
    pub(crate) fn push_unary(&mut self, op: Op, data: f64, p: u32, d: f64) -> u32 {
        // Tested on the caller's `d` (a constant for most operations, so this folds away).
        let unit = d == 1.0;
        let (len, e) = (self.len, self.edges);
        let n = p as usize + 1;
        // `len == n`, compared in 32 bits (a tape holds fewer than 2³² nodes): compared as
        // `usize`, the compiler would use `len` in place of `n` below.
        if len as u32 == p.wrapping_add(1)
            && !data.is_nan()
            && n < self.tag.len()
            && (unit || e < self.partial.len())
        {
            self.set_value(n, data);
            if !unit {
                self.partial[e] = d;
                self.edges = e + 1;
            }
            let arity = if unit { Arity::PrevUnit } else { Arity::Prev };
            self.tag[n] = Tag::new(op, arity).0;
            self.len = n + 1;
            n as u32
        } else {
            self.push_unary_other(op, data, p, d)
        }
    }

    /// [`push_unary`](Nodes::push_unary) for a parent other than the node just before, a
    /// NaN value (its edge gets a NaN derivative), or a full array.
    #[inline(never)]
    fn push_unary_other(&mut self, op: Op, data: f64, p: u32, d: f64) -> u32 {
        // No public API can make this happen: values borrow their tape, and only `&mut Tape`
        // can shorten it. Checked here, off the inlined path, so a bug cannot record a node
        // whose parent comes after it.
        assert!(
            (p as usize) < self.len,
            "tapegrad bug: node {p} is used as a parent, but the tape holds only {} nodes",
            self.len
        );
        self.reserve(1, 1);
        let d = if data.is_nan() { f64::NAN } else { d };
        let unit = d == 1.0;
        let (n, e, q) = (self.len, self.edges, self.parents);
        if !unit {
            self.partial[e] = d;
            self.edges = e + 1;
        }
        let arity = if p as usize + 1 == n {
            if unit { Arity::PrevUnit } else { Arity::Prev }
        } else {
            self.parent[q] = p;
            self.parents = q + 1;
            if unit { Arity::UnaryUnit } else { Arity::Unary }
        };
        self.push_node(op, arity, data)
    }

    /// Pushes one node with two edges, with the NaN rule of [`Tape::custom`]: inlined when
    /// the value is not NaN and there is room, a call otherwise.
    #[inline(always)]
    pub(crate) fn push_binary(
        &mut self,
        op: Op,
        data: f64,
        p0: u32,
        d0: f64,
        p1: u32,
        d1: f64,
    ) -> u32 {
        let unit = d0 == 1.0 && d1 == 1.0;
        let (n, e, q) = (self.len, self.edges, self.parents);
        if !data.is_nan()
            && n < self.tag.len()
            && (unit || e + 1 < self.partial.len())
            && q + 1 < self.parent.len()
        {
            self.set_value(n, data);
            let arity = if unit {
                Arity::BinaryUnit
            } else {
                self.partial[e] = d0;
                self.partial[e + 1] = d1;
                self.edges = e + 2;
                Arity::Binary
            };
            self.tag[n] = Tag::new(op, arity).0;
            self.parent[q] = p0;
            self.parent[q + 1] = p1;
            self.len = n + 1;
            self.parents = q + 2;
            n as u32
        } else {
            self.push_binary_other(op, data, [p0, p1], [d0, d1])
        }
    }

    /// [`push_binary`](Nodes::push_binary) for a NaN value (both edges get a NaN
    /// derivative) or a full array.
    #[cold]
    #[inline(never)]
    fn push_binary_other(&mut self, op: Op, data: f64, p: [u32; 2], d: [f64; 2]) -> u32 {
        if data.is_nan() {
            // `push_edges` makes room and sets both derivatives to NaN.
            self.push_edges(op, data, p.into_iter().zip(d))
        } else {
            self.grow(1, 2);
            self.push_binary(op, data, p[0], d[0], p[1], d[1])
        }
    }

    /// Pushes one edge of a node being recorded (see [`finish_edges`](Nodes::finish_edges)):
    /// one test for room, which fails only if the caller reserved too little.
    #[inline]
    fn push_edge(&mut self, p: u32, d: f64) {
        let (e, q) = (self.edges, self.parents);
        if let (Some(slot_p), Some(slot_d)) = (self.parent.get_mut(q), self.partial.get_mut(e)) {
            *slot_p = p;
            *slot_d = d;
            self.parents = q + 1;
            self.edges = e + 1;
        } else {
            self.grow(0, 1);
            self.push_edge(p, d);
        }
    }

    /// Pushes one node with the given edges (each with a parent).
    ///
    /// # Panics
    /// When the node would have more than `u32::MAX` parents.
    pub(crate) fn push_edges(
        &mut self,
        op: Op,
        data: f64,
        edges: impl Iterator<Item = (u32, f64)>,
    ) -> u32 {
        let start = self.edges;
        let (least, most) = edges.size_hint();
        // Room for the node too, so a full tape panics before any edge is pushed.
        self.reserve(1, most.unwrap_or(least));
        for (p, d) in edges {
            self.push_edge(p, d);
        }
        self.finish_edges(op, data, start)
    }

    /// Records a neuron's weighted sum `data = Σ w[k]·x[k] + b` (computed by the caller,
    /// left to right like [`affine`](crate::affine)) as one [`Op::Dot`] node and returns its
    /// index. The weights and then the bias are the consecutive nodes `w_first..=w_first + n`
    /// holding `w` and `b`; the inputs hold `x`, and `inputs` says which are nodes.
    ///
    /// The edges are grouped (every weight, then every input that is a node, then the bias)
    /// where `affine` interleaves them: each parent still gets exactly one edge with the same
    /// local derivative, so backward computes the same sums. Callers guarantee the indices
    /// are on this tape, before the new node.
    pub(crate) fn push_affine(
        &mut self,
        data: f64,
        w_first: u32,
        w: &[f64],
        inputs: Inputs<'_>,
        x: &[f64],
    ) -> u32 {
        debug_assert_eq!(w.len(), x.len());
        let n = w.len();
        let linked = match inputs {
            Inputs::Constants => 0,
            Inputs::Nodes(nodes) => nodes.len(),
            Inputs::Some { nodes, .. } => nodes.len(),
        };
        let count = n + linked + 1;
        // Checked before any edge is written (see `finish_edges`).
        if u32::try_from(count).is_err() {
            tape_full();
        }
        self.reserve(1, count);
        let (start, q) = (self.edges, self.parents);
        let (parent, partial) = (
            &mut self.parent[q..q + count],
            &mut self.partial[start..start + count],
        );
        for (k, slot) in parent[..n].iter_mut().enumerate() {
            *slot = w_first + k as u32;
        }
        partial[..n].copy_from_slice(x);
        match inputs {
            Inputs::Constants => {}
            Inputs::Nodes(nodes) => {
                debug_assert_eq!(nodes.len(), x.len());
                parent[n..n + linked].copy_from_slice(nodes);
                partial[n..n + linked].copy_from_slice(w);
            }
            Inputs::Some { at, nodes } => {
                debug_assert_eq!(at.len(), nodes.len());
                parent[n..n + linked].copy_from_slice(nodes);
                for (slot, &k) in partial[n..n + linked].iter_mut().zip(at) {
                    *slot = w[k as usize];
                }
            }
        }
        parent[count - 1] = w_first + n as u32;
        partial[count - 1] = 1.0;
        self.edges += count;
        self.parents += count;
        self.finish_edges(Op::Dot, data, start)
    }

    /// Records the node whose edges were pushed from `start` on (a position in `partial`;
    /// each of them pushed a parent too): applies the NaN rule of [`Tape::custom`] to them
    /// and sets its arity from their count. Callers made room for the node before pushing
    /// its edges.
    ///
    /// # Panics
    /// When the node has more than `u32::MAX` parents.
    #[inline(always)]
    fn finish_edges(&mut self, op: Op, data: f64, start: usize) -> u32 {
        if data.is_nan() {
            self.partial[start..self.edges].fill(f64::NAN);
        }
        let arity = match self.edges - start {
            0 => Arity::Leaf,
            1 => Arity::Unary,
            2 => Arity::Binary,
            count => {
                let Ok(count) = u32::try_from(count) else {
                    // Forget the edges (each pushed a parent), so a caught panic leaves no
                    // edge without its node.
                    self.edges = start;
                    self.parents -= count;
                    tape_full();
                };
                self.many.push(count);
                Arity::Many
            }
        };
        self.push_node(op, arity, data)
    }

    /// Records a node whose edges are in place. Callers have made room for it.
    #[inline(always)]
    fn push_node(&mut self, op: Op, arity: Arity, data: f64) -> u32 {
        let n = self.len;
        self.tag[n] = Tag::new(op, arity).0;
        self.set_value(n, data);
        self.len = n + 1;
        n as u32
    }
}

/// Which inputs of a weighted sum ([`Nodes::push_affine`]) are nodes, and so get an edge.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Inputs<'a> {
    /// None: every input is a constant.
    Constants,
    /// Every one: input `k` is node `nodes[k]`.
    Nodes(&'a [u32]),
    /// Input `at[i]` is node `nodes[i]` (in increasing `at`); the others are constants.
    Some { at: &'a [u32], nodes: &'a [u32] },
}

/// Makes `v` at least `room` long, keeping its first `used` entries. The new array comes from
/// the allocator already zeroed (`vec![0; n]`), and zero is every array's placeholder (a leaf's
/// tag, a 0.0, parent 0), so the operating system commits its pages only when recording
/// writes to them: room reserved but never used costs address space, not memory.
fn regrow<T: Copy + Default>(v: &mut Vec<T>, used: usize, room: usize) {
    if room > v.len() {
        let mut fresh = vec![T::default(); room];
        fresh[..used].copy_from_slice(&v[..used]);
        *v = fresh;
    }
}

/// Where the edges of a prefix of the nodes end, from [`Nodes::ends_after`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ends {
    pub(crate) partial: usize,
    pub(crate) parent: usize,
    pub(crate) many: usize,
}

/// Where every node's edges start, from [`Nodes::edge_starts`].
pub(crate) struct EdgeStarts {
    partial: Vec<usize>,
    parent: Vec<usize>,
}

/// Node `i`'s incoming edges as `(parent, local derivative)`, given `starts` from
/// [`Nodes::edge_starts`].
pub(crate) fn edges_of<'a>(
    nodes: &'a Nodes,
    starts: &'a EdgeStarts,
    i: usize,
) -> impl Iterator<Item = (usize, f64)> + 'a {
    let (e, q) = (starts.partial[i], starts.parent[i]);
    let (partials, parents) = (starts.partial[i + 1] - e, starts.parent[i + 1] - q);
    let count = match nodes.tag(i).arity() {
        Arity::Prev | Arity::PrevUnit => 1,
        _ => partials.max(parents),
    };
    (0..count).map(move |k| {
        // Implied parents are the node just before; implied derivatives are 1.
        let p = if parents > 0 {
            nodes.parents()[q + k] as usize
        } else {
            i - 1
        };
        let d = if partials > 0 {
            nodes.partials()[e + k]
        } else {
            1.0
        };
        (p, d)
    })
}

#[cold]
fn tape_full() -> ! {
    panic!("tape is full: a tape holds at most 4,294,967,295 nodes and as many edges");
}

/// An arena recording scalar operations; every [`Value`] is a handle to one of its nodes.
///
/// Values borrow their tape, so they cannot outlive it, and [`clear`](Tape::clear) (which
/// needs `&mut self`) cannot run while any value is alive: the compiler rules out stale
/// handles. Reusing one tape with `clear` between training steps keeps its memory.
///
/// Memory: 9 bytes a node plus at most 12 per parent, and 4 for the count of a node with
/// more than two parents; see [`bytes_per_node`]. A tape made
/// [`without_values`](Tape::without_values) stores 1 byte a node plus the edges, for speed,
/// but cannot be drawn or traced. Once [`gradient_into`](Tape::gradient_into) is called, the
/// tape also keeps its gradient buffer, 8 bytes a node of the longest graph it swept, until
/// the tape is dropped ([`clear`](Tape::clear) keeps it, as it keeps the nodes' memory).
///
/// ```
/// use tapegrad::Tape;
///
/// let tape = Tape::new();
/// let x = tape.var(3.0);
/// let y = x * x + 2.0 * x; // y = x² + 2x
/// let grads = y.backward();
/// assert_eq!(y.data(), 15.0);
/// assert_eq!(grads.wrt(x), 8.0); // 2x + 2
/// assert_eq!(tape.len(), 4); // x, x*x, 2*x, +
/// ```
pub struct Tape {
    id: u64,
    generation: u64,
    nodes: RefCell<Nodes>,
    /// The gradient slots of [`Tape::gradient_into`], kept between calls.
    gradient_buffer: RefCell<Vec<f64>>,
}

impl Default for Tape {
    fn default() -> Self {
        Tape::new()
    }
}

impl fmt::Debug for Tape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tape")
            .field("id", &self.id)
            .field("nodes", &self.len())
            .field("values", &self.stores_values())
            .finish()
    }
}

impl Tape {
    /// An empty tape.
    ///
    /// ```
    /// assert!(tapegrad::Tape::new().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Tape {
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
            generation: 0,
            nodes: RefCell::new(Nodes::default()),
            gradient_buffer: RefCell::new(Vec::new()),
        }
    }

    /// An empty tape with room for `nodes` nodes and `edges` edges (one per parent of each
    /// node) before it reallocates.
    ///
    /// ```
    /// let tape = tapegrad::Tape::with_capacity(1000, 2000);
    /// assert_eq!(tape.len(), 0);
    /// ```
    #[must_use]
    pub fn with_capacity(nodes: usize, edges: usize) -> Self {
        let tape = Tape::new();
        tape.nodes.borrow_mut().reserve(nodes, edges);
        tape
    }

    /// This tape, made to store no node values: 8 bytes less a node, and a node is recorded
    /// with one store less. Backward, gradients and every [`Value`]'s own
    /// [`data`](Value::data) are unchanged; only the teaching tools, which print every
    /// node's value, refuse such a tape ([`Value::to_dot`], [`Value::backward_traced`]).
    /// On a tape that already holds nodes, the values stored so far are freed and the nodes
    /// stay; [`clear`](Tape::clear) keeps the setting.
    ///
    /// Use it where speed or memory counts and nothing prints the graph: a node of a chain
    /// of `v * a` and `+ b` takes 5 bytes on average instead of 13.
    ///
    /// ```
    /// let tape = tapegrad::Tape::with_capacity(1000, 1000).without_values();
    /// assert!(!tape.stores_values());
    /// let x = tape.var(3.0);
    /// let y = x * x + 1.0;
    /// assert_eq!(y.data(), 10.0); // a value still carries its own number
    /// assert_eq!(y.backward().wrt(x), 6.0);
    /// ```
    #[must_use]
    pub fn without_values(mut self) -> Self {
        self.nodes.get_mut().drop_values();
        self
    }

    /// Whether this tape stores node values: true unless it was made
    /// [`without_values`](Tape::without_values).
    ///
    /// ```
    /// assert!(tapegrad::Tape::new().stores_values());
    /// ```
    #[must_use]
    pub fn stores_values(&self) -> bool {
        self.nodes.borrow().values().is_some()
    }

    /// Number of recorded nodes.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let _ = tape.var(1.0).exp();
    /// assert_eq!(tape.len(), 2);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// Whether no node has been recorded.
    ///
    /// ```
    /// assert!(tapegrad::Tape::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every node but keeps the allocated memory, so the next step records without
    /// allocating. Gradients computed before the clear can no longer be read with new values
    /// (that panics with a clear message).
    ///
    /// ```
    /// let mut tape = tapegrad::Tape::new();
    /// let _ = tape.var(1.0) + 1.0;
    /// tape.clear();
    /// assert!(tape.is_empty());
    /// ```
    ///
    /// Using a value after its tape was cleared does not compile: the value still borrows the
    /// tape, and `clear` needs it exclusively.
    ///
    /// ```compile_fail
    /// let mut tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// tape.clear(); // error[E0502]: cannot borrow `tape` as mutable
    /// let _ = x + 1.0;
    /// ```
    ///
    /// Nor does using a value after its tape was dropped:
    ///
    /// ```compile_fail
    /// let x = {
    ///     let tape = tapegrad::Tape::new();
    ///     tape.var(1.0) // error[E0597]: `tape` does not live long enough
    /// };
    /// let _ = x * 2.0;
    /// ```
    pub fn clear(&mut self) {
        self.generation += 1;
        self.nodes.get_mut().clear();
    }

    /// Removes every node after the first `len` (all of them if `len` is 0), keeping the
    /// memory, like [`clear`](Tape::clear) for the tail only. The trainer keeps a model's
    /// parameters at the start of its tape and records the batch after them, chunk by chunk.
    ///
    /// `leaves` promises that the first `len` nodes are all leaves (no edges to keep), which
    /// saves a walk over the nodes removed.
    pub(crate) fn truncate(&mut self, len: usize, leaves: bool) {
        self.generation += 1;
        self.nodes.get_mut().truncate(len, leaves);
    }

    /// Records a trainable leaf holding `data`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let w = tape.var(0.5);
    /// assert_eq!(w.data(), 0.5);
    /// assert_eq!(w.op(), Some(tapegrad::Op::Var));
    /// ```
    pub fn var(&self, data: f64) -> Value<'_> {
        self.leaf(Op::Var, data)
    }

    /// Records a constant leaf. It appears in traces and graphs (unlike a plain `f64` mixed
    /// into an operation, which is folded into the node that uses it) and its gradient can be
    /// read, but it is never a trainable parameter.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let c = tape.constant(2.0);
    /// assert_eq!(c.op(), Some(tapegrad::Op::Const));
    /// ```
    pub fn constant(&self, data: f64) -> Value<'_> {
        self.leaf(Op::Const, data)
    }

    /// Records `data.len()` trainable leaves with consecutive indices and returns them.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let xs = tape.vars(&[1.0, 2.0, 3.0]);
    /// assert_eq!(xs[2].data(), 3.0);
    /// ```
    pub fn vars(&self, data: &[f64]) -> Vec<Value<'_>> {
        data.iter().map(|&d| self.var(d)).collect()
    }

    fn leaf(&self, op: Op, data: f64) -> Value<'_> {
        let idx = self.nodes.borrow_mut().push_leaf(op, data);
        Value::from_parts(self, idx, data)
    }

    /// Records a node with any number of parents and the local derivative with respect to
    /// each: the general form of every operation. Use it to add an operation the crate lacks.
    /// Plain constants (values with no tape) among `parents` contribute no edge.
    ///
    /// If `data` is NaN, every local derivative is recorded as NaN (the crate-wide rule: a NaN
    /// result passes NaN gradients back, never a number).
    ///
    /// # Panics
    /// If a parent belongs to a different tape.
    ///
    /// ```
    /// use tapegrad::Tape;
    ///
    /// let tape = Tape::new();
    /// let (a, b) = (tape.var(2.0), tape.var(5.0));
    /// // max(a, b) with its derivative: 1 for the larger input, 0 for the other.
    /// let m = tape.custom(5.0, &[(a, 0.0), (b, 1.0)]);
    /// let g = m.backward();
    /// assert_eq!((g.wrt(a), g.wrt(b)), (0.0, 1.0));
    /// ```
    pub fn custom<'t>(&'t self, data: f64, parents: &[(Value<'t>, f64)]) -> Value<'t> {
        for (p, _) in parents {
            p.assert_tape(self, "Tape::custom");
        }
        let edges = parents.iter().filter(|(p, _)| p.is_recorded());
        let idx = self.push_edges(
            Op::Custom,
            data,
            edges.map(|(p, d)| (p.index_unchecked(), *d)),
        );
        Value::from_parts(self, idx, data)
    }

    /// Pushes one node with one edge. Callers have checked the parent is on this tape.
    #[inline(always)]
    pub(crate) fn push1(&self, op: Op, data: f64, p: u32, d: f64) -> u32 {
        self.nodes.borrow_mut().push_unary(op, data, p, d)
    }

    /// Pushes one node with two edges. Callers have checked both parents are on this tape.
    #[inline(always)]
    pub(crate) fn push2(&self, op: Op, data: f64, p0: u32, d0: f64, p1: u32, d1: f64) -> u32 {
        self.nodes
            .borrow_mut()
            .push_binary(op, data, p0, d0, p1, d1)
    }

    /// Pushes one node with the given edges. Callers have checked every parent is on this
    /// tape; the iterator must not touch the tape.
    ///
    /// # Panics
    /// When the node would have more than `u32::MAX` parents.
    pub(crate) fn push_edges(
        &self,
        op: Op,
        data: f64,
        edges: impl Iterator<Item = (u32, f64)>,
    ) -> u32 {
        self.nodes.borrow_mut().push_edges(op, data, edges)
    }

    /// Records `data.len()` trainable leaves with consecutive indices, without making
    /// [`Value`]s; returns the index of the first. Used by the trainer to put a model's
    /// parameters on the tape in one go.
    ///
    /// # Panics
    /// When the tape would hold more than `u32::MAX` nodes.
    pub(crate) fn push_vars(&self, data: &[f64]) -> u32 {
        self.nodes.borrow_mut().push_vars(data)
    }

    /// Runs `f` with the node arrays borrowed mutably once, for recording many nodes in a
    /// row. `f` must not touch the tape through a [`Value`] (that would panic: the tape is
    /// borrowed).
    #[inline]
    pub(crate) fn with_nodes<R>(&self, f: impl FnOnce(&mut Nodes) -> R) -> R {
        f(&mut self.nodes.borrow_mut())
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    pub(crate) fn nodes(&self) -> Ref<'_, Nodes> {
        self.nodes.borrow()
    }

    /// The gradient slots of [`Tape::gradient_into`]: their contents are stale.
    pub(crate) fn gradient_buffer(&self) -> RefMut<'_, Vec<f64>> {
        self.gradient_buffer.borrow_mut()
    }

    pub(crate) fn set_label(&self, idx: u32, label: &str) {
        self.nodes.borrow_mut().labels.insert(idx, label.to_owned());
    }

    pub(crate) fn op_of(&self, idx: u32) -> Op {
        self.nodes.borrow().tag(idx as usize).op()
    }

    pub(crate) fn label_of(&self, idx: u32) -> Option<String> {
        self.nodes.borrow().labels.get(&idx).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A parent at or past the tape's end, which no public API can make, is refused and
    /// never recorded: after a clear, with room left from before (stale tags), and at the
    /// largest index, where `p + 1` wraps in 32 bits.
    #[test]
    fn a_parent_past_the_end_is_refused() {
        for (len, p) in [(1, 5), (1, 1), (0, u32::MAX), (3, u32::MAX - 1)] {
            let mut nodes = Nodes::default();
            nodes.reserve(16, 16);
            for _ in 0..8 {
                let x = nodes.push_leaf(Op::Var, 1.0);
                nodes.push_unary(Op::Exp, 1.0, x, 2.0);
            }
            nodes.clear();
            for _ in 0..len {
                nodes.push_leaf(Op::Var, 1.0);
            }
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                nodes.push_unary(Op::Exp, 1.0, p, 2.0)
            }));
            let message = caught.expect_err("a parent past the end must panic");
            let message = message
                .downcast_ref::<String>()
                .expect("a formatted message");
            assert_eq!(
                message,
                &format!(
                    "tapegrad bug: node {p} is used as a parent, but the tape holds only {len} \
                     nodes"
                )
            );
            assert_eq!(nodes.len(), len, "nothing recorded");
        }
    }
}
