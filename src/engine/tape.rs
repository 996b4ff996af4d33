//! The tape: an arena that records every scalar operation as one node.
//!
//! A node is an operation, its value, and its *edges*: one per input, each holding the input's
//! index and the local derivative of the node with respect to that input, computed at forward
//! time right beside the value. The tape is two arrays, the way a sparse matrix stores its
//! rows: the nodes, and all their edges one after the other; node `i`'s edges run from its
//! `first_edge` up to node `i + 1`'s. What that costs in memory: [`bytes_per_node`].
//!
//! Recording appends, and only appends: that is what keeps the engine's invariant (see
//! [`engine`](super)).

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell, RefMut};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use super::recorded::Workspace;
use super::value::Value;

static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(1);

/// Bytes the tape stores for one node with `inputs` incoming edges, not counting labels or
/// the gradients (8 bytes a node, held by [`Gradients`](crate::Gradients)).
///
/// A node is 24 bytes (its value, a plain number folded into it for display, where its edges
/// start, and its operation) and each edge 12 (its input's index and its local derivative).
/// So a leaf takes 24 bytes, a unary operation 36, a binary one 48, and a neuron with `n`
/// recorded weights and `n` recorded inputs, one fused node with `2n + 1` edges,
/// `24 + 12·(2n + 1)`, where separate multiplies and adds would take `2n` binary nodes
/// (`96n` bytes).
///
/// ```
/// assert_eq!(tapegrad::bytes_per_node(0), 24);
/// assert_eq!(tapegrad::bytes_per_node(1), 36);
/// assert_eq!(tapegrad::bytes_per_node(2), 48);
/// ```
#[must_use]
pub const fn bytes_per_node(inputs: usize) -> usize {
    size_of::<Node>() + inputs * size_of::<Edge>()
}

/// What produced a node. Used by printing, the backward trace and graph export, and by the
/// backward recorded on the tape ([`Value::backward_on_tape`]), which rebuilds each node's
/// local derivatives as values from it; the first-order sweep never looks at it. A plain
/// `f64` on either side of an operation (`x * 2.0`, `10 / x`, `x.pow(0.5)`) is folded into
/// its node, which keeps it for display: the node has one input and the same op as with two
/// values.
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
pub enum Op {
    /// A trainable leaf made by [`Tape::var`].
    Var,
    /// A constant leaf made by [`Tape::constant`].
    Const,
    /// `a + b`.
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
    /// `a.pow(b)`.
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
    /// [`loss::mse`](crate::loss::mse), its target folded in.
    Mse,
    /// [`loss::half_squared_error`](crate::loss::half_squared_error), its target folded in.
    HalfSquaredError,
    /// [`loss::sum_of_squares`](crate::loss::sum_of_squares).
    SumOfSquares,
    /// [`loss::bce`](crate::loss::bce), its label folded in.
    Bce,
    /// [`loss::bce_with_logits`](crate::loss::bce_with_logits), its label folded in.
    BceWithLogits,
    /// [`loss::hinge`](crate::loss::hinge), its label folded in.
    Hinge,
    /// [`loss::l2_penalty`](crate::loss::l2_penalty), its `alpha` folded in.
    L2Penalty,
    /// [`loss::l1_penalty`](crate::loss::l1_penalty), its `alpha` folded in.
    L1Penalty,
    /// A node recorded with a caller-supplied value and local derivatives
    /// ([`Value::custom`], [`Tape::custom`]): plain numbers, which
    /// [`Value::backward_on_tape`] cannot differentiate again.
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
            Op::Mse => "mse",
            Op::HalfSquaredError => "half_squared_error",
            Op::SumOfSquares => "sum_of_squares",
            Op::Bce => "bce",
            Op::BceWithLogits => "bce_with_logits",
            Op::Hinge => "hinge",
            Op::L2Penalty => "l2_penalty",
            Op::L1Penalty => "l1_penalty",
            Op::Custom => "custom",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// One recorded operation: what made it, its value, and where its edges start. Its edges run
/// up to where the next node's start (to the end of the tape for the last node).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) value: f64,
    /// A plain number folded into the operation (`x / 2`, `10 / x`, `x.powi(2)`), where
    /// `fold` says there is one: kept so that traces and graphs can show it and its side.
    /// A loss keeps its target (or `alpha`) here, and a dot node how many (weight, input)
    /// pairs, both recorded, lead its edges: what the backward recorded on the tape needs to
    /// rebuild the node's local derivatives as values. The first-order sweep never reads it.
    pub(crate) constant: f64,
    pub(crate) first_edge: u32,
    pub(crate) op: Op,
    pub(crate) fold: Fold,
}

impl Node {
    /// A node made by `op` with value `value`, no number folded in, its edges yet to place.
    #[inline]
    pub(crate) fn new(op: Op, value: f64) -> Node {
        Node {
            value,
            constant: 0.0,
            first_edge: 0,
            op,
            fold: Fold::None,
        }
    }
}

/// Whether a node has a plain number folded into it, and on which side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fold {
    None,
    /// It came first: `10 / x`.
    First,
    /// It came second: `x / 10`, and the exponent of `x.powi(2)`.
    Second,
}

/// One input of a node: which node, and the local derivative d(node)/d(input). Packed to 12
/// bytes, not padded to 16: edges are most of a tape, and backward streams through them.
#[derive(Clone, Copy, Debug)]
#[repr(C, packed(4))]
pub(crate) struct Edge {
    pub(crate) input: u32,
    pub(crate) local: f64,
}

impl Edge {
    #[inline]
    pub(crate) fn new(input: u32, local: f64) -> Edge {
        Edge { input, local }
    }
}

/// The recorded graph: every node, then every edge, each in creation order.
#[derive(Default)]
pub(crate) struct Graph {
    pub(crate) nodes: Vec<Node>,
    pub(crate) edges: Vec<Edge>,
    pub(crate) labels: HashMap<u32, String>,
    /// The names given to custom operations ([`Tape::custom_named`]) and to the fused losses
    /// (`mse`: borrowed, so that naming a loss allocates nothing once the map has room).
    pub(crate) op_names: HashMap<u32, Cow<'static, str>>,
}

impl Graph {
    /// Where node `i`'s edges end: where node `i + 1`'s start.
    pub(crate) fn edges_end(&self, i: usize) -> usize {
        self.nodes
            .get(i + 1)
            .map_or(self.edges.len(), |next| next.first_edge as usize)
    }

    /// Node `i`'s edges.
    pub(crate) fn edges_of(&self, i: usize) -> &[Edge] {
        &self.edges[self.nodes[i].first_edge as usize..self.edges_end(i)]
    }

    /// Records `node`, whose edges are `edges[first_edge..]`, and returns its index. Every
    /// operation ends here, so two crate-wide rules are kept here: a node's inputs come before
    /// it (checked in debug builds), and if its value is NaN, every local derivative it
    /// records is NaN, so that a NaN result passes NaN back, never a number.
    ///
    /// # Panics
    /// If the tape would outgrow its 32-bit indices; the node's edges are removed first.
    #[inline(always)]
    pub(crate) fn push_node(&mut self, mut node: Node, first_edge: usize) -> u32 {
        debug_assert!(
            self.edges[first_edge..]
                .iter()
                .all(|e| (e.input as usize) < self.nodes.len())
        );
        let (Ok(index), Ok(first)) = (u32::try_from(self.nodes.len()), u32::try_from(first_edge))
        else {
            self.edges.truncate(first_edge);
            tape_full();
        };
        if node.value.is_nan() {
            for edge in &mut self.edges[first_edge..] {
                edge.local = f64::NAN;
            }
        }
        node.first_edge = first;
        self.nodes.push(node);
        index
    }

    /// Records `node` with the edges `write_edges` appends to `edges`.
    #[inline(always)]
    pub(crate) fn record(&mut self, node: Node, write_edges: impl FnOnce(&mut Vec<Edge>)) -> u32 {
        let first_edge = self.edges.len();
        write_edges(&mut self.edges);
        self.push_node(node, first_edge)
    }

    fn clear(&mut self) {
        self.nodes.clear();
        self.edges.clear();
        self.labels.clear();
        self.op_names.clear();
    }

    /// Keeps the first `len` nodes, their edges, labels and names, and removes the rest.
    fn truncate(&mut self, len: usize) {
        if len < self.nodes.len() {
            self.edges.truncate(self.nodes[len].first_edge as usize);
            self.nodes.truncate(len);
        }
        if !self.labels.is_empty() {
            self.labels.retain(|&index, _| (index as usize) < len);
        }
        if !self.op_names.is_empty() {
            self.op_names.retain(|&index, _| (index as usize) < len);
        }
    }
}

#[cold]
fn tape_full() -> ! {
    panic!("tape is full: a tape holds at most 2^32 nodes and 2^32 edges");
}

/// An arena recording scalar operations; every [`Value`] is a handle to one of its nodes.
///
/// Values borrow their tape, so they cannot outlive it, and [`clear`](Tape::clear) (which
/// needs `&mut self`) cannot run while any value is alive: the compiler rules out stale
/// handles. Reusing one tape with `clear` between training steps keeps its memory.
///
/// Memory: see [`bytes_per_node`].
///
/// # Panics
/// Recording panics once a tape would hold more than 2^32 nodes or 2^32 edges: its indices
/// are 32-bit.
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
    pub(crate) id: u64,
    /// Counts the clears and truncations, so that gradients from before one are refused.
    pub(crate) generation: Cell<u64>,
    graph: RefCell<Graph>,
    /// The addresses of a slice of values checked to be recorded on this tape, while a
    /// [`Checked`] holds it borrowed; empty otherwise.
    checked: Cell<(usize, usize)>,
    /// The working memory of the backward recorded on the tape, kept from one call to the
    /// next as the nodes' memory is kept through a clear, so that a loop of them allocates
    /// nothing after the first.
    pub(crate) workspace: Cell<Workspace>,
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
            generation: Cell::new(0),
            graph: RefCell::new(Graph::default()),
            checked: Cell::new((0, 0)),
            workspace: Cell::default(),
        }
    }

    /// An empty tape with room for `nodes` nodes and `edges` edges (one per input of each
    /// node) before it reallocates.
    ///
    /// # Panics
    /// If `nodes` or `edges` is more than a tape can hold (2^32 of each: its indices are
    /// 32-bit), or the memory for the room cannot be allocated ([`bytes_per_node`] each: 96 GiB
    /// for 2^32 leaves). The message names the room asked for and the tape's limit; the
    /// process is not aborted. [`Tape::new`] asks for no room and grows as it records.
    ///
    /// ```
    /// let tape = tapegrad::Tape::with_capacity(1000, 2000);
    /// assert_eq!(tape.len(), 0);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_capacity(nodes: usize, edges: usize) -> Self {
        const LIMIT: u64 = 1 << 32;
        let too_many = |n: usize| u64::try_from(n).map_or(true, |n| n > LIMIT);
        let asked = || format!("Tape::with_capacity({nodes}, {edges})");
        assert!(
            !too_many(nodes) && !too_many(edges),
            "{}: a tape holds at most 2^32 nodes and 2^32 edges (its indices are 32-bit)",
            asked()
        );
        let mut tape = Tape::new();
        let graph = tape.graph.get_mut();
        if graph.nodes.try_reserve(nodes).is_err() || graph.edges.try_reserve(edges).is_err() {
            let (node, edge) = (bytes_per_node(0), bytes_per_node(1) - bytes_per_node(0));
            let bytes = nodes as f64 * node as f64 + edges as f64 * edge as f64;
            panic!(
                "{}: cannot allocate {:.1} GiB for that room ({} bytes a node, {} an edge; a \
                 tape holds at most 2^32 nodes and 2^32 edges); ask for less, or use Tape::new, \
                 which grows as it records",
                asked(),
                bytes / f64::from(1u32 << 30),
                node,
                edge,
            );
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
        self.graph.borrow().nodes.len()
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
        *self.generation.get_mut() += 1;
        self.graph.get_mut().clear();
        // No guard can be alive here (it borrows the tape); this only keeps a forgotten one
        // from outliving the values it checked.
        *self.checked.get_mut() = (0, 0);
    }

    /// Removes every node from index `len` on, keeping the first `len` and the memory.
    /// Unlike [`clear`](Tape::clear) it takes the tape shared, so that handles to the nodes
    /// kept stay usable: the caller must hold none to the nodes removed (one would name
    /// whatever node is recorded at its index next). Crate-private for that reason: the
    /// pieces of [`nn::batch_loss`], whose handles to a piece's nodes end with the piece, are
    /// its one use. Gradients computed before are refused from then on, as after a clear:
    /// they would give a removed node's gradient for the node recorded at its index next.
    ///
    /// [`nn::batch_loss`]: crate::nn::batch_loss
    pub(crate) fn truncate(&self, len: usize) {
        self.generation.set(self.generation.get() + 1);
        self.graph.borrow_mut().truncate(len);
    }

    /// Gives back the memory the tape keeps beyond what its nodes use: after a
    /// [`clear`](Tape::clear), all of it. A training loop keeps the memory on purpose, so
    /// that each step records without allocating; call this when a tape that once held a
    /// large graph will now hold small ones: a tape that recorded a chain of 2·10⁶ unary
    /// operations keeps [`bytes_per_node`]`(1)` bytes a node, and the room its arrays grew
    /// into, through `clear`; `shrink_to_fit` after it gives it all back, with the working
    /// memory [`Value::backward_on_tape`] keeps.
    ///
    /// ```
    /// let mut tape = tapegrad::Tape::new();
    /// let mut v = tape.var(1.0);
    /// for _ in 0..100_000 {
    ///     v *= 1.5;
    /// }
    /// tape.clear();
    /// tape.shrink_to_fit();
    /// assert!(tape.is_empty());
    /// ```
    pub fn shrink_to_fit(&mut self) {
        let graph = self.graph.get_mut();
        graph.nodes.shrink_to_fit();
        graph.edges.shrink_to_fit();
        graph.labels.shrink_to_fit();
        graph.op_names.shrink_to_fit();
        self.workspace.take();
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
        self.record(Node::new(Op::Var, data), |_| {})
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
        self.record(Node::new(Op::Const, data), |_| {})
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

    /// Records a node with any number of inputs and the local derivative with respect to
    /// each: the general form of every operation. Use it to add an operation the crate lacks.
    /// Plain constants (values with no tape) among `inputs` contribute no edge.
    ///
    /// If `data` is NaN, every local derivative is recorded as NaN (the crate-wide rule: a NaN
    /// result passes NaN gradients back, never a number).
    ///
    /// # Panics
    /// If an input belongs to a different tape.
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
    #[track_caller]
    pub fn custom<'t>(&'t self, data: f64, inputs: &[(Value<'t>, f64)]) -> Value<'t> {
        for (v, _) in inputs {
            v.assert_tape(self, "Tape::custom");
        }
        self.record(Node::new(Op::Custom, data), |edges| {
            edges.extend(inputs.iter().filter_map(|&(v, local)| v.edge(local)));
        })
    }

    /// [`custom`](Tape::custom) with a name, shown by the backward trace and graph export
    /// (`hypot(a, b)` rather than `custom(a, b)`). The name changes nothing else.
    ///
    /// # Panics
    /// If an input belongs to a different tape.
    ///
    /// ```
    /// use tapegrad::Tape;
    ///
    /// let tape = Tape::new();
    /// let (a, b) = (tape.var(3.0).with_label("a"), tape.var(4.0).with_label("b"));
    /// let h = a.data().hypot(b.data());
    /// let y = tape.custom_named("hypot", h, &[(a, a.data() / h), (b, b.data() / h)]);
    /// let (grads, trace) = y.backward_traced();
    /// assert_eq!((grads.wrt(a), grads.wrt(b)), (0.6, 0.8));
    /// assert!(trace.to_string().starts_with("#2 = hypot(a, b)  data 5"));
    /// ```
    #[track_caller]
    pub fn custom_named<'t>(
        &'t self,
        name: &str,
        data: f64,
        inputs: &[(Value<'t>, f64)],
    ) -> Value<'t> {
        self.custom(data, inputs).with_op_name(name.to_owned())
    }

    /// Records `node` with the edges `write_edges` appends to the tape's edges, and returns
    /// its value. Callers have checked that every input is on this tape.
    #[inline(always)]
    pub(crate) fn record(&self, node: Node, write_edges: impl FnOnce(&mut Vec<Edge>)) -> Value<'_> {
        let index = self.graph.borrow_mut().record(node, write_edges);
        Value::from_parts(self, index, node.value)
    }

    /// Checks once that every one of `values` is recorded on this tape, and lets the
    /// recording of a layer take any part of them on trust for as long as the returned
    /// guard lives: [`nn::batch_loss`] checks the parameters once for a run of samples,
    /// where each layer's pass would check them for every sample. Sound because the guard
    /// holds `values` borrowed: no slice at those addresses can hold other values meanwhile.
    ///
    /// # Panics
    /// If one of `values` is a constant or recorded on another tape.
    ///
    /// [`nn::batch_loss`]: crate::nn::batch_loss
    #[track_caller]
    pub(crate) fn check_once<'a, 't>(&'t self, values: &'a [Value<'t>]) -> Checked<'a, 't> {
        assert!(
            values
                .iter()
                .all(|v| v.tape().is_some_and(|t| std::ptr::eq(t, self))),
            "check_once: every value must be recorded on this tape"
        );
        let previous = self.checked.replace(addresses(values));
        Checked {
            tape: self,
            previous,
            _values: values,
        }
    }

    /// Whether every one of `values` lies in the slice a live [`Checked`] holds: all
    /// recorded on this tape.
    #[inline]
    pub(crate) fn has_checked(&self, values: &[Value<'_>]) -> bool {
        let ((start, end), these) = (self.checked.get(), addresses(values));
        start <= these.0 && these.1 <= end
    }

    #[inline]
    pub(crate) fn graph(&self) -> Ref<'_, Graph> {
        self.graph.borrow()
    }

    /// The graph, borrowed mutably: to record several nodes in one borrow (callers have
    /// checked that every input is on this tape), or to attach a label or a name.
    #[inline]
    pub(crate) fn graph_mut(&self) -> RefMut<'_, Graph> {
        self.graph.borrow_mut()
    }
}

/// A slice of values that [`Tape::check_once`] found recorded on its tape; the tape takes
/// them on trust until this is dropped.
pub(crate) struct Checked<'a, 't> {
    tape: &'t Tape,
    previous: (usize, usize),
    _values: &'a [Value<'t>],
}

impl Drop for Checked<'_, '_> {
    fn drop(&mut self) {
        self.tape.checked.set(self.previous);
    }
}

/// The addresses `values` occupies: its first byte and the one past its end.
fn addresses(values: &[Value<'_>]) -> (usize, usize) {
    let Range { start, end } = values.as_ptr_range();
    (start as usize, end as usize)
}
