//! The backward sweep recorded on the tape ([`Value::backward_on_tape`]): gradients as values,
//! which backward can differentiate again.
//!
//! The sweep is the first-order one (`backward.rs`) with values in place of numbers. A node's
//! gradient is a [`Value`]: the sum, over the nodes that use it, of their gradient times
//! their local derivative, itself a value rebuilt from the node's inputs and output by
//! [`local_derivative`], which calls the operation's own rule: written once, beside the
//! operation (`value.rs`, `loss.rs`), over [`Scalar`](super::scalar::Scalar), it is the
//! formula the operation ran on `f64` when it was recorded, now run on values. Each gradient
//! is one ordinary node (a fused [`dot`](crate::dot) of those gradients and local
//! derivatives), so `backward` (or another `backward_on_tape`) differentiates through it, to
//! any order.
//!
//! Like the first-order sweep, it goes down the tape once and *passes* each node's gradient
//! to its inputs, `gradient × local`; but a gradient is recorded as one node, so a node's
//! terms are gathered ([`Terms`]) until the sweep reaches it, when they are all there (its
//! users come after it), and recorded as their sum. The terms, and the order they are added
//! in, are the first-order sweep's (so are the numbers, bit for bit). One pass up the tape
//! before the sweep finds the nodes that depend on the values differentiated with respect
//! to, and counts each one's uses, so that the terms are gathered in one array.
//!
//! The first-order path pays nothing for this: no node stores more than before, the
//! first-order sweep is unchanged, and a rule run on `f64` compiles to the formula it was.
//! The price is paid here: a local derivative is recomputed as values, from the op, the
//! inputs and the constant each node keeps.

use super::expression::{expression, node_name, reaching};
use super::ops::sum;
use super::tape::{Edge, Fold, Node, Op, Tape};
use super::value::Value;
use crate::error::Error;
use crate::loss;

impl<'t> Value<'t> {
    /// The gradient of `self` with respect to each of `wrt`, as values recorded on the same
    /// tape (PyTorch's `autograd.grad(y, xs, create_graph=True)`): backward, run *onto the
    /// tape*. Each is an ordinary [`Value`], so its own gradient is one more
    /// [`backward`](Value::backward) away (a second derivative), and `backward_on_tape` again
    /// gives a third, and so on.
    ///
    /// Its numbers are [`backward`](Value::backward)'s, bit for bit (the same products, added
    /// in the same order, recorded), and so are its conventions:
    /// the NaN rule, the kinks (relu'(0) = abs'(0) = 0), and a node whose gradient is 0
    /// passing nothing back, so that a `0 × ∞` path gives 0 and not NaN. A derivative that is
    /// a plain number (`+`, `-`, relu, abs, hinge, l1) is recorded as a constant: its own
    /// derivative is 0 (so relu'' = abs'' = 0). Where first order has an infinite derivative
    /// by convention (ln and sqrt at 0) the second derivative is the one-sided limit (−∞).
    ///
    /// A value in `wrt` that `self` does not depend on gets the constant 0 (on no tape), as
    /// does every value when `self` is a constant. Only the nodes between `wrt` and `self`
    /// are differentiated: the rest of the tape is left alone.
    ///
    /// What it records is ordinary nodes, shown by the backward trace and the graph export
    /// like any others: the local derivatives (`1 - t * t` for tanh), and each value's
    /// gradient as one node summing what its users pass it (`x + x` for `x * x`; a fused
    /// `dot` of upstream gradients and local derivatives in general). The gradient of a value
    /// labelled `x` is labelled `dy/dx` (with `y` the output's label, or `#index`).
    ///
    /// # Errors
    /// [`Error::FirstOrderOnly`] if a node between `wrt` and `self` was recorded with
    /// plain-number local derivatives ([`Value::custom`], [`Tape::custom`](crate::Tape::custom)):
    /// its derivative cannot be differentiated again. The message names the node.
    ///
    /// # Panics
    /// If a value in `wrt` is recorded on another tape than `self`.
    ///
    /// ```
    /// use tapegrad::Tape;
    ///
    /// let tape = Tape::new();
    /// let x = tape.var(2.0).with_label("x");
    /// let y = (x.powi(3) + x * 4.0).with_label("y"); // y = x³ + 4x
    /// let dy = y.backward_on_tape(&[x])?[0];          // 3x² + 4, a value on the tape
    /// assert_eq!(dy.data(), 16.0);
    /// assert_eq!(dy.label().as_deref(), Some("dy/dx"));
    /// assert_eq!(dy.backward().wrt(x), 12.0);         // d²y/dx² = 6x
    /// let d2y = dy.backward_on_tape(&[x])?[0];
    /// assert_eq!(d2y.backward().wrt(x), 6.0);         // d³y/dx³ = 6
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[track_caller]
    pub fn backward_on_tape(self, wrt: &[Value<'t>]) -> Result<Vec<Value<'t>>, Error> {
        let zero = Value::constant(0.0);
        let (Some(tape), Some(out)) = (self.tape(), self.index()) else {
            return Ok(vec![zero; wrt.len()]);
        };
        for v in wrt {
            v.assert_tape(tape, "Value::backward_on_tape");
        }
        let labelled = !tape.graph().labels.is_empty();
        // Nodes from here on are the sweep's own: the ones it may label.
        let first_new = tape.len();
        let mut terms = Terms::new(tape, wrt, out).map_err(|i| first_order_only(self, i))?;
        // The gradients to return: those of nodes up to the last of `wrt`.
        let kept = wrt
            .iter()
            .filter_map(|v| v.index())
            .filter(|&j| j <= out)
            .max();
        let mut grads: Vec<Option<Value<'t>>> = vec![None; kept.map_or(0, |j| j + 1)];
        let mut edges = std::mem::take(&mut terms.memory.edges);
        for i in (0..=out).rev() {
            if !terms.depends(i) {
                continue;
            }
            // Every node that uses node i has passed it its terms: its gradient is complete.
            let grad = if i == out {
                Value::constant(1.0)
            } else {
                match terms.total(i) {
                    Some(g) => g,
                    None => continue,
                }
            };
            if let Some(slot) = grads.get_mut(i) {
                *slot = Some(grad);
            }
            if labelled {
                label_gradient(self, i, grad, first_new);
            }
            let graph = tape.graph();
            let node = graph.nodes[i];
            if Locals::record(&node) {
                // Copied out of the tape, which the local derivatives record onto.
                edges.clear();
                edges.extend_from_slice(graph.edges_of(i));
                drop(graph);
                terms.pass_all(grad, &Locals::of(tape, i, &node, &edges));
            } else {
                terms.pass_all(grad, &Locals::of(tape, i, &node, graph.edges_of(i)));
            }
        }
        terms.memory.edges = edges;
        tape.workspace.set(terms.memory);
        Ok(wrt
            .iter()
            .map(|v| v.index().and_then(|j| grads.get(j).copied().flatten()))
            .map(|g| g.unwrap_or(zero))
            .collect())
    }
}

/// What each node's users pass it, `upstream × local`, gathered until the sweep reaches it:
/// the tape's edges turned around. Node `j`'s terms are `terms[start[j]..next[j]]`, in the
/// order the first-order sweep adds them (its users, last first), so that its gradient is
/// one [`dot`](crate::dot) over them.
struct Terms<'t> {
    tape: &'t Tape,
    /// Its arrays, taken from the tape for the sweep and given back after it.
    memory: Workspace,
    /// One node's factors as values, where its gradient is their sum.
    values: Vec<Value<'t>>,
}

/// The arrays of [`Terms`], which the tape keeps between sweeps (its `workspace`), as it
/// keeps its nodes' memory through a clear: a sweep in a loop then allocates none of them,
/// and does not fill its terms' room over again each time.
#[derive(Default)]
pub(crate) struct Workspace {
    /// Whether each node depends on the values differentiated with respect to.
    depends: Vec<bool>,
    start: Vec<u32>,
    next: Vec<u32>,
    /// Room for the terms, of which a sweep writes before it reads: what is past a node's
    /// `next` is stale, from an earlier sweep, and never read.
    terms: Vec<Term>,
    /// One node's edges, copied out of the tape.
    edges: Vec<Edge>,
}

/// One term, `upstream × local`, packed: each value as its index (or [`ON_NO_TAPE`]) and its
/// data. Half the size of two [`Value`]s: there is one for each use of a node.
#[derive(Clone, Copy)]
struct Term {
    upstream: u32,
    local: u32,
    upstream_data: f64,
    local_data: f64,
}

/// Where a [`Term`] says a value is a constant on no tape.
const ON_NO_TAPE: u32 = u32::MAX;

/// `v`'s index in a [`Term`].
#[inline]
fn index_of(v: Value<'_>) -> u32 {
    v.index().map_or(ON_NO_TAPE, |i| i as u32)
}

impl<'t> Terms<'t> {
    /// Finds the nodes that depend on `wrt` (a node does if one of its inputs does), and
    /// makes room for the terms each can be passed: one for each use by such a node.
    ///
    /// # Errors
    /// The index of the last node between `wrt` and the output recorded with plain-number
    /// local derivatives only.
    fn new(tape: &'t Tape, wrt: &[Value<'t>], out: usize) -> Result<Terms<'t>, usize> {
        let mut memory = tape.workspace.take();
        let Workspace {
            depends,
            start,
            next,
            terms,
            ..
        } = &mut memory;
        let graph = tape.graph();
        depends.clear();
        depends.resize(out + 1, false);
        for j in wrt.iter().filter_map(|v| v.index()).filter(|&j| j <= out) {
            depends[j] = true;
        }
        start.clear();
        start.resize(out + 2, 0);
        let mut custom = false;
        let (nodes, edges) = (&graph.nodes[..=out], &graph.edges[..graph.edges_end(out)]);
        for (i, node) in nodes.iter().enumerate() {
            let end = nodes
                .get(i + 1)
                .map_or(edges.len(), |n| n.first_edge as usize);
            let mut uses_one = false;
            for edge in &edges[node.first_edge as usize..end] {
                let j = edge.input as usize;
                let d = depends[j];
                uses_one |= d;
                start[j + 1] += u32::from(d);
            }
            depends[i] |= uses_one;
            custom |= depends[i] && node.op == Op::Custom;
        }
        if custom {
            // Rare: find whether one is on the way to the output, before recording anything.
            let reaches = reaching(&graph, out);
            let on_the_way =
                |&i: &usize| depends[i] && reaches[i] && graph.nodes[i].op == Op::Custom;
            if let Some(i) = (0..=out).rev().find(on_the_way) {
                return Err(i);
            }
        }
        for j in 0..=out {
            start[j + 1] += start[j];
        }
        next.clear();
        next.extend_from_slice(start);
        let room = start[out + 1] as usize;
        if terms.len() < room {
            let unset = Term {
                upstream: ON_NO_TAPE,
                local: ON_NO_TAPE,
                upstream_data: 0.0,
                local_data: 0.0,
            };
            terms.resize(room, unset);
        }
        drop(graph);
        Ok(Terms {
            tape,
            memory,
            values: Vec::new(),
        })
    }

    /// Whether node `j` depends on the values differentiated with respect to.
    #[inline]
    fn depends(&self, j: usize) -> bool {
        self.memory.depends[j]
    }

    /// Node `j` is passed `grad × local` by one of its users, as the first-order sweep
    /// passes it: nothing for a constant 0 times a finite gradient (it adds exactly 0, and
    /// has nothing to differentiate), and 0 where the gradient is 0 whatever the local
    /// derivative, so that 0 × ∞ is not NaN.
    #[inline]
    fn pass(&mut self, j: usize, grad: Value<'t>, local: Value<'t>) {
        let (grad, local) = if local.tape().is_none() && local.data() == 0.0 {
            if grad.data().is_finite() {
                return;
            }
            (grad, local)
        } else if grad.data() == 0.0 && !local.data().is_finite() {
            (grad.pass_back(local), Value::constant(1.0))
        } else {
            (grad, local)
        };
        self.push(
            j,
            Term {
                upstream: index_of(grad),
                local: index_of(local),
                upstream_data: grad.data(),
                local_data: local.data(),
            },
        );
    }

    /// Adds `term` to node `j`'s.
    #[inline]
    fn push(&mut self, j: usize, term: Term) {
        let memory = &mut self.memory;
        memory.terms[memory.next[j] as usize] = term;
        memory.next[j] += 1;
    }

    /// A node whose gradient is `grad` passes `grad × local` along each edge `locals` has to
    /// an input that depends on the values differentiated with respect to.
    #[inline]
    fn pass_all(&mut self, grad: Value<'t>, locals: &Locals<'_, 't>) {
        let edges = locals.inputs.edges;
        // Most edges of a network lead a dot node's (weight, input) pairs, where the local
        // derivative is the partner: a recorded value, which `pass` would pass as it is
        // (unless the gradient is 0), so it is passed straight from the edges.
        let pairs = if grad.data() == 0.0 { 0 } else { locals.paired };
        for pair in edges[..pairs].chunks_exact(2) {
            for (edge, partner) in [(pair[0], pair[1]), (pair[1], pair[0])] {
                let j = edge.input as usize;
                if self.depends(j) {
                    let term = Term {
                        upstream: index_of(grad),
                        local: partner.input,
                        upstream_data: grad.data(),
                        local_data: edge.local,
                    };
                    self.push(j, term);
                }
            }
        }
        for (k, edge) in edges.iter().enumerate().skip(pairs) {
            let j = edge.input as usize;
            if self.depends(j) {
                self.pass(j, grad, locals.get(k));
            }
        }
    }

    /// Node `j`'s gradient, `Σ upstream × local` over its terms, recorded as one node
    /// summed in the order given, as the first-order sweep adds, or `None` for no terms or
    /// a constant 0.
    fn total(&mut self, j: usize) -> Option<Value<'t>> {
        let memory = &self.memory;
        let terms = &memory.terms[memory.start[j] as usize..memory.next[j] as usize];
        let value = |index, data| match index {
            ON_NO_TAPE => Value::constant(data),
            i => Value::from_parts(self.tape, i, data),
        };
        let is_one = |index, data| index == ON_NO_TAPE && data == 1.0;
        let sum = match terms {
            [] => return None,
            [t] => passed_back(
                value(t.upstream, t.upstream_data),
                value(t.local, t.local_data),
            ),
            // Every product is one factor alone (the other is the constant 1): their sum, as
            // `a + b` where there are two, which is how a learner writes it.
            _ if terms.iter().all(|t| is_one(t.upstream, t.upstream_data)) => {
                self.values.clear();
                self.values
                    .extend(terms.iter().map(|t| value(t.local, t.local_data)));
                sum_of(&self.values)
            }
            _ if terms.iter().all(|t| is_one(t.local, t.local_data)) => {
                self.values.clear();
                let upstream = terms.iter().map(|t| value(t.upstream, t.upstream_data));
                self.values.extend(upstream);
                sum_of(&self.values)
            }
            _ => record_dot(self.tape, terms),
        };
        let structural_zero = sum.tape().is_none() && sum.data() == 0.0;
        (!structural_zero).then_some(sum)
    }
}

/// `Σ upstream × local` over `terms`, recorded as one [`dot`](crate::dot) node, as `dot`
/// records it (its value summed left to right, the edges of the terms with both factors
/// recorded first, two by two, and their count kept), from the packed terms without making
/// values of them.
fn record_dot<'t>(tape: &'t Tape, terms: &[Term]) -> Value<'t> {
    let recorded = |index| index != ON_NO_TAPE;
    let paired = |t: &Term| recorded(t.upstream) && recorded(t.local);
    let mut graph = tape.graph_mut();
    let first_edge = graph.edges.len();
    let edges = &mut graph.edges;
    let mut data = 0.0;
    // The usual case, every factor recorded, in one exact-size pass; else the pairs first.
    let pairs = if terms.iter().all(paired) {
        edges.extend(terms.iter().flat_map(|t| {
            data += t.upstream_data * t.local_data;
            [
                Edge::new(t.upstream, t.local_data),
                Edge::new(t.local, t.upstream_data),
            ]
        }));
        terms.len()
    } else {
        data = terms
            .iter()
            .fold(0.0, |acc, t| acc + t.upstream_data * t.local_data);
        for t in terms.iter().filter(|t| paired(t)) {
            edges.extend([
                Edge::new(t.upstream, t.local_data),
                Edge::new(t.local, t.upstream_data),
            ]);
        }
        for t in terms.iter().filter(|t| !paired(t)) {
            if recorded(t.upstream) {
                edges.push(Edge::new(t.upstream, t.local_data));
            } else if recorded(t.local) {
                edges.push(Edge::new(t.local, t.upstream_data));
            }
        }
        terms.iter().filter(|t| paired(t)).count()
    };
    if edges.len() == first_edge {
        return Value::constant(data);
    }
    let node = Node {
        // Fewer than 2^32: each is two edges.
        constant: f64::from(pairs as u32),
        ..Node::new(Op::Dot, data)
    };
    let index = graph.push_node(node, first_edge);
    Value::from_parts(tape, index, data)
}

/// Whether `v` is the constant 1, on no tape: a factor that needs no node.
fn is_one(v: Value<'_>) -> bool {
    v.tape().is_none() && v.data() == 1.0
}

/// `grad × local`, what the sweep passes back, recorded, without a node where one factor is
/// the constant 1 (the output's own gradient, the local derivative of `+`).
fn passed_back<'t>(grad: Value<'t>, local: Value<'t>) -> Value<'t> {
    if is_one(grad) {
        local
    } else if is_one(local) {
        grad
    } else {
        grad.pass_back(local)
    }
}

/// `vs[0] + vs[1] + …`: one node, written `a + b` for two values.
fn sum_of<'t>(vs: &[Value<'t>]) -> Value<'t> {
    match vs {
        &[a, b] => a + b,
        _ => sum(vs),
    }
}

/// Labels `grad`, the complete gradient of node `i`, `dy/dx` when node `i` is labelled `x`,
/// if the sweep recorded it (from node `first_new` on) and it has no label yet.
fn label_gradient(output: Value<'_>, i: usize, grad: Value<'_>, first_new: usize) {
    let (Some(tape), Some(g)) = (output.tape(), grad.index()) else {
        return;
    };
    let name = {
        let graph = tape.graph();
        match graph.labels.get(&(i as u32)) {
            Some(x) if g >= first_new && !graph.labels.contains_key(&(g as u32)) => {
                let y = node_name(&graph, output.index().unwrap_or(0));
                format!("d{y}/d{x}")
            }
            _ => return,
        }
    };
    let _ = grad.with_label(&name);
}

/// The error for node `i`, recorded with plain-number local derivatives.
fn first_order_only(output: Value<'_>, i: usize) -> Error {
    let what = output.tape().map_or_else(String::new, |t| {
        let graph = t.graph();
        expression(&graph, i).unwrap_or_else(|| node_name(&graph, i))
    });
    Error::FirstOrderOnly { node: i, what }
}

/// The local derivatives of one node along its edges, as values on the tape
/// ([`local_derivative`]), with the NaN rule as first order keeps it: a NaN node passes NaN
/// back, and to every order (`y * 1` is NaN with NaN derivatives, and depends on the inputs).
struct Locals<'a, 't> {
    node: Node,
    /// The node itself, as a value.
    y: Value<'t>,
    inputs: Inputs<'a, 't>,
    /// How many of its edges lead a dot node's pairs: along each, the local derivative is
    /// the partner's value, with no node to record (see [`local_derivative`]).
    paired: usize,
}

impl<'a, 't> Locals<'a, 't> {
    /// Node `i`'s, recorded as `node` with `edges`.
    fn of(tape: &'t Tape, i: usize, node: &Node, edges: &'a [Edge]) -> Locals<'a, 't> {
        let paired = match node.op {
            Op::Dot if !node.value.is_nan() => 2 * node.constant as usize,
            _ => 0,
        };
        Locals {
            node: *node,
            y: Value::from_parts(tape, i as u32, node.value),
            inputs: Inputs { tape, edges },
            paired,
        }
    }

    /// Whether rebuilding `node`'s local derivatives records nodes on the tape, which
    /// must then not be borrowed meanwhile; where it does not (a plain-number slope, a dot
    /// node's pairs), the sweep reads the node's edges straight from the tape.
    fn record(node: &Node) -> bool {
        node.value.is_nan() || !has_number_slope(node.op)
    }

    /// The local derivative along edge `k`.
    #[inline]
    fn get(&self, k: usize) -> Value<'t> {
        let recorded = self.inputs.edges[k].local;
        if k < self.paired {
            self.inputs.with_data(k ^ 1, recorded)
        } else if self.node.value.is_nan() {
            self.y * 1.0
        } else {
            let local = local_derivative(&self.node, self.y, &self.inputs, k, recorded);
            // One rule, run on numbers then on values: the same number.
            debug_assert!(
                local.data() == recorded || local.data().is_nan() && recorded.is_nan(),
                "{}: the rule gives {} where {} was recorded",
                self.node.op,
                local.data(),
                recorded
            );
            local
        }
    }
}

/// A node's recorded inputs: its edges, and the tape to read their values from when asked.
struct Inputs<'a, 't> {
    tape: &'t Tape,
    edges: &'a [Edge],
}

impl<'t> Inputs<'_, 't> {
    /// The input along edge `m`.
    fn get(&self, m: usize) -> Value<'t> {
        let input = self.edges[m].input;
        let data = self.tape.graph().nodes[input as usize].value;
        Value::from_parts(self.tape, input, data)
    }

    /// The input along edge `m`, whose value is known to be `data`.
    fn with_data(&self, m: usize, data: f64) -> Value<'t> {
        Value::from_parts(self.tape, self.edges[m].input, data)
    }
}

/// The local derivative of `node` (whose output is `y`, whose recorded inputs are `inputs`)
/// along its `k`-th edge, as a value on the tape: the operation's own rule, which it ran on
/// numbers when it was recorded, so the value equals `recorded`, what it recorded. A
/// derivative that is a plain number (a constant slope: `+`, relu) is `recorded` as a
/// constant, whose derivative is 0.
fn local_derivative<'t>(
    node: &Node,
    y: Value<'t>,
    inputs: &Inputs<'_, 't>,
    k: usize,
    recorded: f64,
) -> Value<'t> {
    let c = node.constant;
    match node.op {
        // d(w·x)/dw = x: the partner, in the `c` pairs that lead the edges (edge k is in
        // pair k / 2), whose value is the recorded derivative.
        Op::Dot if ((k / 2) as f64) < c => inputs.with_data(k ^ 1, recorded),
        // A plain-number slope: the recorded number, a constant whose derivative is 0.
        op if has_number_slope(op) => Value::constant(recorded),
        _ => computed_derivative(node, y, inputs, k, recorded),
    }
}

/// Whether `op`'s local derivatives are plain numbers (a dot node's, past its recorded
/// pairs): constants to the backward recorded on the tape, whose own derivative is 0.
fn has_number_slope(op: Op) -> bool {
    matches!(
        op,
        Op::Add
            | Op::Sub
            | Op::Neg
            | Op::Relu
            | Op::Abs
            | Op::Sum
            | Op::Hinge
            | Op::L1Penalty
            | Op::Dot
    )
}

/// [`local_derivative`] for the operations whose derivative is a formula to record.
fn computed_derivative<'t>(
    node: &Node,
    y: Value<'t>,
    inputs: &Inputs<'_, 't>,
    k: usize,
    recorded: f64,
) -> Value<'t> {
    let c = node.constant;
    // Read from the tape only where a rule needs them: the input along edge `k`, `x`, and
    // the operands `a ∘ b` of a binary operation, with a plain number folded in on its side,
    // and whether edge `k` is `a`'s.
    let x = || inputs.get(k);
    let operands = || match (node.fold, inputs.edges.len()) {
        (Fold::First, 1) => (Value::constant(c), inputs.get(0), false),
        (_, 1) => (inputs.get(0), Value::constant(c), true),
        _ => (inputs.get(0), inputs.get(1), k == 0),
    };
    match node.op {
        // d(a·b)/da = b and d(a·b)/db = a: the other operand, recorded already.
        Op::Mul => match operands() {
            (_, b, true) => b,
            (a, _, false) => a,
        },
        Op::Div => match operands() {
            (_, b, true) => Value::div_wrt_a(b),
            (_, b, false) => Value::div_wrt_b(y, b),
        },
        Op::Powi => Value::powi_local(x(), c as i32),
        Op::Powf => Value::powf_local(x(), c),
        Op::Pow => match operands() {
            (a, b, true) => Value::pow_wrt_base(a, b, y),
            (a, b, false) => Value::pow_wrt_exponent(a, b, y),
        },
        // (e^x)' = e^x: the node itself.
        Op::Exp => y,
        Op::Ln => Value::ln_local(x()),
        Op::Sqrt => Value::sqrt_local(y),
        Op::Tanh => Value::tanh_local(y),
        Op::Sigmoid => Value::sigmoid_local(x()),
        Op::Sin => Value::sin_local(x()),
        Op::Cos => Value::cos_local(x()),
        Op::Recip => Value::recip_local(y),
        Op::Mse => loss::squared_error_local(x() - c),
        // d(½r²)/dp = r, the residual.
        Op::HalfSquaredError => x() - c,
        // The node keeps no targets, but its recorded 2·(p - t) gives the residual p - t, as
        // a value that is exactly the one first order computed.
        Op::SumOfSquares => {
            let (x, residual) = (x(), recorded / 2.0);
            let r = x.folding(x.data() - residual, Fold::Second, Op::Sub, residual, 1.0);
            loss::squared_error_local(r)
        }
        Op::L2Penalty => loss::l2_penalty_local(x(), c),
        Op::Bce => loss::bce_local(x(), c),
        Op::BceWithLogits => loss::bce_with_logits_local(x(), c),
        // [`has_number_slope`]'s operations, listed rather than left to a `_`, so that the
        // compiler asks for a rule for each new operation.
        Op::Add
        | Op::Sub
        | Op::Neg
        | Op::Relu
        | Op::Abs
        | Op::Sum
        | Op::Hinge
        | Op::L1Penalty
        | Op::Dot => unreachable!("local_derivative answers for {} itself", node.op),
        // A leaf has no edges, and a custom node on the way is refused before the sweep.
        Op::Var | Op::Const | Op::Custom => unreachable!("no local derivative to rebuild"),
    }
}
