//! The tape: an arena that records every scalar operation as one node.
//!
//! Storage is struct-of-arrays. Node `i` has a value `data[i]`, a two-byte tag `tag[i]` (its
//! operation and how many parents it has) and up to two incoming edges stored inline in
//! `node[i]`: "node `i` depends on node `parent[k]` with local derivative `partial[k]`",
//! computed at forward time, right beside the value. A node with more parents (a fused sum or
//! a neuron's weighted sum) keeps its edges in a side table. Backward reads only `node` and
//! `tag`, 26 bytes a node.
//!
//! **Invariant the backward sweep relies on:** a node's parents always exist before the node
//! itself, so creation order on the tape is a topological order. Backward is therefore one
//! reverse loop over node indices: no recursion, no visited set.

use std::cell::{Ref, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::value::Value;

static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(1);

/// Bytes the tape stores for one node with `parents` incoming edges, not counting optional
/// labels or the gradient buffer (8 bytes per node, held by [`Gradients`](crate::Gradients)).
///
/// Every node costs 34 bytes: its value (8), a tag (2) and an inline record of up to two
/// parents (two `u32` indices and two `f64` local derivatives, 24). A node with more than two
/// parents (a fused sum or weighted sum) adds 12 bytes per parent in a side table, so a
/// neuron with `n` inputs costs `34 + 12·(2n + 1)` bytes instead of `2n` binary nodes.
///
/// ```
/// assert_eq!(tapegrad::bytes_per_node(2), 34);
/// assert_eq!(tapegrad::bytes_per_node(5), 34 + 60);
/// ```
#[must_use]
pub const fn bytes_per_node(parents: usize) -> usize {
    let base = size_of::<Node>() + size_of::<Tag>() + size_of::<f64>();
    if parents <= 2 {
        base
    } else {
        base + parents * (size_of::<u32>() + size_of::<f64>())
    }
}

/// What produced a node. Used by printing, the backward trace and graph export; the backward
/// sweep itself never looks at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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

/// How many parents a node has, which decides where its edges live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Arity {
    Leaf,
    Unary,
    Binary,
    /// Edges in the side table: `Node::parent = [start, count]`.
    Many,
}

/// A node's edges, stored inline for up to two parents. For `Arity::Many` the edges live in
/// `Nodes::many_parent`/`many_partial` at `parent[0]..parent[0] + parent[1]`.
#[derive(Clone, Copy, Default)]
pub(crate) struct Node {
    pub(crate) partial: [f64; 2],
    pub(crate) parent: [u32; 2],
}

/// A node's operation and arity, two bytes.
#[derive(Clone, Copy)]
pub(crate) struct Tag {
    pub(crate) op: Op,
    pub(crate) arity: Arity,
}

/// The recorded graph, struct-of-arrays: what backward reads (`node`, `tag`) is kept apart
/// from what only printing reads (`data`, `labels`).
#[derive(Default)]
pub(crate) struct Nodes {
    pub(crate) node: Vec<Node>,
    pub(crate) tag: Vec<Tag>,
    pub(crate) data: Vec<f64>,
    pub(crate) many_parent: Vec<u32>,
    pub(crate) many_partial: Vec<f64>,
    pub(crate) labels: HashMap<u32, String>,
}

impl Nodes {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.data.len()
    }

    /// Node `i`'s incoming edges as `(parent, local derivative)`.
    pub(crate) fn edges(&self, i: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let n = self.node[i];
        let (inline, many) = match self.tag[i].arity {
            Arity::Leaf => (0, 0..0),
            Arity::Unary => (1, 0..0),
            Arity::Binary => (2, 0..0),
            Arity::Many => {
                let lo = n.parent[0] as usize;
                (0, lo..lo + n.parent[1] as usize)
            }
        };
        let inline = (0..inline).map(move |k| (n.parent[k] as usize, n.partial[k]));
        let many = many.map(|e| (self.many_parent[e] as usize, self.many_partial[e]));
        inline.chain(many)
    }

    /// Index the next node will get.
    ///
    /// # Panics
    /// When the tape already holds `u32::MAX` nodes.
    #[inline]
    fn next_index(&self) -> u32 {
        let n = self.data.len();
        if n >= u32::MAX as usize {
            tape_full();
        }
        n as u32
    }

    #[inline]
    fn push(&mut self, op: Op, arity: Arity, data: f64, node: Node) -> u32 {
        let idx = self.next_index();
        self.node.push(node);
        self.tag.push(Tag { op, arity });
        self.data.push(data);
        idx
    }
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
/// Memory: 34 bytes a node with up to two parents; see [`bytes_per_node`].
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
        }
    }

    /// An empty tape with room for `nodes` nodes before it reallocates, and for `edges`
    /// edges of nodes with more than two parents ([`sum`](crate::sum), [`dot`](crate::dot),
    /// [`affine`](crate::affine), [`Tape::custom`]).
    ///
    /// ```
    /// let tape = tapegrad::Tape::with_capacity(1000, 2000);
    /// assert_eq!(tape.len(), 0);
    /// ```
    #[must_use]
    pub fn with_capacity(nodes: usize, edges: usize) -> Self {
        let tape = Tape::new();
        {
            let mut n = tape.nodes.borrow_mut();
            n.node.reserve(nodes);
            n.tag.reserve(nodes);
            n.data.reserve(nodes);
            n.many_parent.reserve(edges);
            n.many_partial.reserve(edges);
        }
        tape
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
    pub fn clear(&mut self) {
        self.generation += 1;
        let n = self.nodes.get_mut();
        n.node.clear();
        n.tag.clear();
        n.data.clear();
        n.many_parent.clear();
        n.many_partial.clear();
        n.labels.clear();
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
        let idx = self
            .nodes
            .borrow_mut()
            .push(op, Arity::Leaf, data, Node::default());
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
    #[inline]
    pub(crate) fn push1(&self, op: Op, data: f64, p: u32, d: f64) -> u32 {
        let d = if data.is_nan() { f64::NAN } else { d };
        let node = Node {
            partial: [d, 0.0],
            parent: [p, 0],
        };
        self.nodes.borrow_mut().push(op, Arity::Unary, data, node)
    }

    /// Pushes one node with two edges. Callers have checked both parents are on this tape.
    #[inline]
    pub(crate) fn push2(&self, op: Op, data: f64, p0: u32, d0: f64, p1: u32, d1: f64) -> u32 {
        let partial = if data.is_nan() {
            [f64::NAN, f64::NAN]
        } else {
            [d0, d1]
        };
        let node = Node {
            partial,
            parent: [p0, p1],
        };
        self.nodes.borrow_mut().push(op, Arity::Binary, data, node)
    }

    /// Pushes one node with the given edges (stored inline when there are at most two).
    /// Callers have checked every parent is on this tape; the iterator must not touch the tape.
    ///
    /// # Panics
    /// When the side table would hold more than `u32::MAX` edges.
    pub(crate) fn push_edges(
        &self,
        op: Op,
        data: f64,
        edges: impl Iterator<Item = (u32, f64)>,
    ) -> u32 {
        let nan = data.is_nan();
        let mut n = self.nodes.borrow_mut();
        let start = n.many_parent.len();
        for (p, d) in edges {
            n.many_parent.push(p);
            n.many_partial.push(if nan { f64::NAN } else { d });
        }
        let count = n.many_parent.len() - start;
        if n.many_parent.len() > u32::MAX as usize {
            tape_full();
        }
        let mut node = Node::default();
        let arity = match count {
            0 => Arity::Leaf,
            1 | 2 => {
                for k in 0..count {
                    node.parent[k] = n.many_parent[start + k];
                    node.partial[k] = n.many_partial[start + k];
                }
                n.many_parent.truncate(start);
                n.many_partial.truncate(start);
                if count == 1 {
                    Arity::Unary
                } else {
                    Arity::Binary
                }
            }
            _ => {
                node.parent = [start as u32, count as u32];
                Arity::Many
            }
        };
        n.push(op, arity, data, node)
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

    pub(crate) fn set_label(&self, idx: u32, label: &str) {
        self.nodes.borrow_mut().labels.insert(idx, label.to_owned());
    }

    pub(crate) fn op_of(&self, idx: u32) -> Op {
        self.nodes.borrow().tag[idx as usize].op
    }

    pub(crate) fn label_of(&self, idx: u32) -> Option<String> {
        self.nodes.borrow().labels.get(&idx).cloned()
    }
}
