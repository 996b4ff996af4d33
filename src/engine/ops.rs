//! Operator overloading for [`Value`] in every arrangement with `f64`, iterator sums and
//! products, and the fused many-input nodes [`sum`], [`dot`] and [`affine`].

use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Range, Sub, SubAssign};

use super::tape::{Edge, Graph, Node, Op, Tape};
use super::value::{Value, two_tapes};

// `Value ∘ Value` and `Value ∘ f64` through one impl (an `f64` becomes a constant on no
// tape), then `f64 ∘ Value` and the assign forms.
macro_rules! binary_ops {
    ($($Trait:ident $method:ident $Assign:ident $assign:ident => $imp:ident;)*) => {$(
        impl<'t, R: Into<Value<'t>>> $Trait<R> for Value<'t> {
            type Output = Value<'t>;
            #[inline]
            #[track_caller]
            fn $method(self, rhs: R) -> Value<'t> {
                self.$imp(rhs.into())
            }
        }
        impl<'t> $Trait<Value<'t>> for f64 {
            type Output = Value<'t>;
            #[inline]
            #[track_caller]
            fn $method(self, rhs: Value<'t>) -> Value<'t> {
                Value::constant(self).$imp(rhs)
            }
        }
        impl<'t, R: Into<Value<'t>>> $Assign<R> for Value<'t> {
            #[inline]
            #[track_caller]
            fn $assign(&mut self, rhs: R) {
                *self = self.$imp(rhs.into());
            }
        }
    )*};
}

binary_ops! {
    Add add AddAssign add_assign => add_impl;
    Sub sub SubAssign sub_assign => sub_impl;
    Mul mul MulAssign mul_assign => mul_impl;
    Div div DivAssign div_assign => div_impl;
}

impl<'t> Neg for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    fn neg(self) -> Value<'t> {
        self.neg_impl()
    }
}

/// Sums with `+`, one node for each `+` (n − 1 for n values); an empty sum is the constant 0
/// (on no tape). For one node with many inputs, use [`sum`].
impl<'t> Sum for Value<'t> {
    #[track_caller]
    fn sum<I: Iterator<Item = Value<'t>>>(iter: I) -> Self {
        iter.reduce(|a, b| a + b).unwrap_or(Value::constant(0.0))
    }
}

/// Sums with `+`, like the by-value form.
impl<'a, 't> Sum<&'a Value<'t>> for Value<'t> {
    #[track_caller]
    fn sum<I: Iterator<Item = &'a Value<'t>>>(iter: I) -> Self {
        iter.copied().sum()
    }
}

/// Multiplies with `*`, one node for each `*`; an empty product is the constant 1.
impl<'t> Product for Value<'t> {
    #[track_caller]
    fn product<I: Iterator<Item = Value<'t>>>(iter: I) -> Self {
        iter.reduce(|a, b| a * b).unwrap_or(Value::constant(1.0))
    }
}

/// Multiplies with `*`, like the by-value form.
impl<'a, 't> Product<&'a Value<'t>> for Value<'t> {
    #[track_caller]
    fn product<I: Iterator<Item = &'a Value<'t>>>(iter: I) -> Self {
        iter.copied().product()
    }
}

/// The tape of the first recorded value among `groups`, or `None` if all are constants.
fn first_tape<'t>(groups: &[&[Value<'t>]]) -> Option<&'t Tape> {
    groups.iter().find_map(|g| g.iter().find_map(|v| v.tape()))
}

/// How many of `vs` are recorded.
///
/// # Panics
/// If one is recorded on another tape than `tape`, naming `what`.
#[track_caller]
fn count_recorded(tape: &Tape, vs: &[Value<'_>], what: &str) -> usize {
    let on_tape = |v: &&Value<'_>| v.tape().is_some_and(|t| std::ptr::eq(t, tape));
    let recorded = vs.iter().filter(on_tape).count();
    // The rest are constants, unless one is recorded on another tape.
    if recorded != vs.len() && vs.iter().any(|v| v.tape().is_some() && !on_tape(&v)) {
        two_tapes(what);
    }
    recorded
}

/// `xs[0] + xs[1] + …` recorded as **one** node with a parent for each recorded value in
/// `xs` (instead of `len - 1` additions; constants on no tape add none). The value is the
/// left-to-right `f64` sum `0.0 + xs[0] + xs[1] + …`; an empty slice gives the constant 0.
///
/// # Panics
/// If the values are recorded on different tapes.
///
/// ```
/// use tapegrad::{sum, Tape};
///
/// let tape = Tape::new();
/// let xs = tape.vars(&[1.0, 2.0, 3.0]);
/// let s = sum(&xs);
/// assert_eq!(s.data(), 6.0);
/// assert_eq!(tape.len(), 4); // three leaves and one sum node
/// assert_eq!(s.backward().wrt(xs[1]), 1.0);
/// ```
#[track_caller]
pub fn sum<'t>(xs: &[Value<'t>]) -> Value<'t> {
    let data = xs.iter().fold(0.0, |acc, v| acc + v.data());
    let Some(tape) = first_tape(&[xs]) else {
        return Value::constant(data);
    };
    count_recorded(tape, xs, "sum");
    tape.record(Node::new(Op::Sum, data), |edges| {
        edges.extend(xs.iter().filter_map(|x| x.edge(1.0)));
    })
}

/// `Σ a[i]·b[i]` recorded as **one** node. Equal to `affine(a, b, 0.0)`.
///
/// # Panics
/// If the slices differ in length, or the values are recorded on different tapes.
///
/// ```
/// use tapegrad::{dot, Tape};
///
/// let tape = Tape::new();
/// let w = tape.vars(&[1.0, 2.0]);
/// let x = tape.vars(&[3.0, 4.0]);
/// let y = dot(&w, &x);
/// let g = y.backward();
/// assert_eq!(y.data(), 11.0);
/// assert_eq!((g.wrt(w[1]), g.wrt(x[1])), (4.0, 2.0));
/// ```
#[track_caller]
pub fn dot<'t>(a: &[Value<'t>], b: &[Value<'t>]) -> Value<'t> {
    weighted_sum("dot", a, b, Value::constant(0.0))
}

/// `Σ w[i]·x[i] + bias`: a neuron's weighted sum, recorded as **one** node with up to
/// `2n + 1` parents instead of `2n` binary nodes. The value is the left-to-right `f64` sum
/// `((w0·x0 + w1·x1) + …) + bias`.
///
/// # Panics
/// If `weights` and `inputs` differ in length (the message names both lengths), or the values
/// are recorded on different tapes.
///
/// ```
/// use tapegrad::{affine, Tape};
///
/// let tape = Tape::new();
/// let w = tape.vars(&[-3.0, 1.0]);
/// let x = [2.0.into(), 0.0.into()]; // plain inputs: constants, no nodes
/// let b = tape.var(6.5);
/// let n = affine(&w, &x, b);
/// let g = n.backward();
/// assert_eq!(n.data(), 0.5);
/// assert_eq!((g.wrt(w[0]), g.wrt(w[1]), g.wrt(b)), (2.0, 0.0, 1.0));
/// assert_eq!(tape.len(), 4);
/// ```
#[track_caller]
pub fn affine<'t>(
    weights: &[Value<'t>],
    inputs: &[Value<'t>],
    bias: impl Into<Value<'t>>,
) -> Value<'t> {
    weighted_sum("affine", weights, inputs, bias.into())
}

/// [`affine`], with panic messages naming `what` (the function the caller called).
#[track_caller]
pub(crate) fn weighted_sum<'t>(
    what: &str,
    weights: &[Value<'t>],
    inputs: &[Value<'t>],
    bias: Value<'t>,
) -> Value<'t> {
    assert!(
        weights.len() == inputs.len(),
        "{what}: expected as many inputs as weights, got {} weights and {} inputs",
        weights.len(),
        inputs.len()
    );
    let Some(tape) = first_tape(&[weights, inputs, &[bias]]) else {
        return Value::constant(dot_value(weights, inputs, bias));
    };
    let recorded = (
        count_recorded(tape, weights, what),
        count_recorded(tape, inputs, what),
    );
    count_recorded(tape, &[bias], what);
    record_dot(&mut tape.graph_mut(), tape, weights, inputs, bias, recorded)
}

/// Records a layer's weighted sums, as [`affine`] would one by one: for each row of `params`
/// (a neuron's weights, then its bias), one node over the inputs `values[inputs]`, appended to
/// `values`. Reading the inputs from the same buffer the outputs go to lets a whole network's
/// pass run in one buffer. The inputs are checked once for every row, and the rows are
/// recorded in one borrow of the tape. `params` is checked too, unless the tape has checked
/// it already ([`Tape::check_once`]).
///
/// # Panics
/// If the values are recorded on different tapes, naming `what` (the function the caller
/// called). `params` holds whole rows: its length is checked in debug builds only.
#[track_caller]
pub(crate) fn affine_rows<'t>(
    what: &str,
    params: &[Value<'t>],
    values: &mut Vec<Value<'t>>,
    inputs: Range<usize>,
) {
    let n = inputs.len();
    debug_assert_eq!(params.len() % (n + 1), 0, "{what}: a partial row");
    let rows = params.chunks_exact(n + 1).map(|row| row.split_at(n));
    let Some(tape) = first_tape(&[params, &values[inputs.clone()]]) else {
        for (w, b) in rows {
            let v = Value::constant(dot_value(w, &values[inputs.clone()], b[0]));
            values.push(v);
        }
        return;
    };
    let recorded_inputs = count_recorded(tape, &values[inputs.clone()], what);
    // `batch_loss` checks its parameters once for a run, not once a sample.
    let every_param =
        tape.has_checked(params) || count_recorded(tape, params, what) == params.len();
    let mut graph = tape.graph_mut();
    for (weights, bias) in rows {
        let x = &values[inputs.clone()];
        // Pushed in each branch: a value the two branches merged would be copied through
        // memory, read back across the writes that made it, which stalls every row.
        if every_param {
            let v = record_dot(&mut graph, tape, weights, x, bias[0], (n, recorded_inputs));
            values.push(v);
        } else {
            let v = partly_recorded_row(&mut graph, tape, weights, x, bias[0], recorded_inputs);
            values.push(v);
        }
    }
}

/// [`affine_rows`]'s row where some of the parameters are constants: a constant if nothing
/// is recorded, as [`affine`] gives it. Out of line: a network's rows are all recorded.
#[inline(never)]
fn partly_recorded_row<'t>(
    graph: &mut Graph,
    tape: &'t Tape,
    weights: &[Value<'t>],
    inputs: &[Value<'t>],
    bias: Value<'t>,
    recorded_inputs: usize,
) -> Value<'t> {
    let recorded_weights = weights.iter().filter(|w| w.tape().is_some()).count();
    if recorded_weights == 0 && recorded_inputs == 0 && bias.tape().is_none() {
        return Value::constant(dot_value(weights, inputs, bias));
    }
    record_dot(
        graph,
        tape,
        weights,
        inputs,
        bias,
        (recorded_weights, recorded_inputs),
    )
}

/// Applies `op` to each of `values` in place, as [`Value`]'s method for it would one by one
/// (a node with one edge for each recorded value, a constant for a constant), in one borrow
/// of the tape: `rule` gives the value and the local derivative at a point. A layer's
/// activations are recorded this way ([`Activation`](crate::nn::Activation)).
///
/// # Panics
/// If the values are recorded on different tapes, naming `op`.
#[track_caller]
pub(crate) fn unary_all(values: &mut [Value<'_>], op: Op, rule: impl Fn(f64) -> (f64, f64)) {
    let Some(tape) = first_tape(&[values]) else {
        for v in values {
            *v = Value::constant(rule(v.data()).0);
        }
        return;
    };
    let mut graph = tape.graph_mut();
    graph.nodes.reserve(values.len());
    graph.edges.reserve(values.len());
    for v in values {
        let (y, d) = rule(v.data());
        if v.tape().is_some_and(|t| !std::ptr::eq(t, tape)) {
            drop(graph);
            two_tapes(op.symbol());
        }
        *v = match v.edge(d) {
            Some(edge) => {
                let index = graph.record(Node::new(op, y), |edges| edges.push(edge));
                Value::from_parts(tape, index, y)
            }
            None => Value::constant(y),
        };
    }
}

/// `Σ w·x + b`, summed left to right.
fn dot_value(weights: &[Value<'_>], inputs: &[Value<'_>], bias: Value<'_>) -> f64 {
    let pairs = weights.iter().zip(inputs);
    pairs.fold(0.0, |acc, (w, x)| acc + w.data() * x.data()) + bias.data()
}

/// Records a weighted sum on `graph`, `tape`'s: one node, with one edge for each recorded
/// weight (d/dw = x), input (d/dx = w) and the bias (d/db = 1), its value summed in the same
/// pass. `recorded` counts the recorded weights and inputs: the two usual cases, every weight
/// and input recorded (a hidden layer) and recorded weights on plain inputs (a first layer),
/// write their edges in one go, with no test.
///
/// The edges of the (weight, input) pairs with both sides recorded come first, two by two,
/// and the node keeps how many such pairs there are: the backward recorded on the tape
/// finds each edge's partner by it (the local derivative of `w·x` along `w` is the value
/// `x`).
#[inline(always)]
fn record_dot<'t>(
    graph: &mut Graph,
    tape: &'t Tape,
    weights: &[Value<'t>],
    inputs: &[Value<'t>],
    bias: Value<'t>,
    recorded: (usize, usize),
) -> Value<'t> {
    let (n, pairs) = (weights.len(), weights.iter().zip(inputs));
    let first_edge = graph.edges.len();
    let edges = &mut graph.edges;
    // Σ w·x, left to right as `dot_value` sums it.
    let mut sum = 0.0;
    // How many pairs have both sides recorded.
    let paired = if recorded == (n, n) {
        edges.extend(pairs.flat_map(|(w, x)| {
            sum += w.data() * x.data();
            [w.edge_recorded(x.data()), x.edge_recorded(w.data())]
        }));
        n
    } else if recorded == (n, 0) {
        edges.extend(pairs.map(|(w, x)| {
            sum += w.data() * x.data();
            w.edge_recorded(x.data())
        }));
        0
    } else {
        mixed_edges(edges, weights, inputs, &mut sum)
    };
    edges.extend(bias.edge(1.0));
    let data = sum + bias.data();
    let node = Node {
        // Fewer than 2^32: each is two edges.
        constant: f64::from(paired as u32),
        ..Node::new(Op::Dot, data)
    };
    let index = graph.push_node(node, first_edge);
    Value::from_parts(tape, index, data)
}

/// [`record_dot`]'s edges where weights and inputs mix constants and recorded values: the
/// pairs with both sides recorded first, then the rest, adding `Σ w·x` to `sum` left to
/// right. Returns how many pairs have both sides recorded. Out of line: a network never
/// records this case, and the two that it does record stay small.
#[inline(never)]
fn mixed_edges(
    edges: &mut Vec<Edge>,
    weights: &[Value<'_>],
    inputs: &[Value<'_>],
    sum: &mut f64,
) -> usize {
    let both = |(w, x): &(&Value<'_>, &Value<'_>)| w.tape().is_some() && x.tape().is_some();
    let mut paired = 0;
    for (w, x) in weights.iter().zip(inputs) {
        *sum += w.data() * x.data();
        if both(&(w, x)) {
            edges.extend([w.edge_recorded(x.data()), x.edge_recorded(w.data())]);
            paired += 1;
        }
    }
    for (w, x) in weights.iter().zip(inputs).filter(|p| !both(p)) {
        edges.extend(w.edge(x.data()));
        edges.extend(x.edge(w.data()));
    }
    paired
}
