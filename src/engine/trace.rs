//! A printed trace of the backward sweep ([`Value::backward_traced`]), showing the chain rule
//! as it happens.

use std::fmt;

use super::backward::Gradients;
use super::expression::{expression, node_name};
use super::tape::{Edge, Op};
use super::value::Value;

impl Value<'_> {
    /// Runs the backward sweep and records it step by step: for every node that receives a
    /// nonzero gradient, in the order the sweep visits them, what it passes to each parent
    /// (local derivative × upstream gradient) and the parent's gradient so far. Print the
    /// result to read the chain rule as it happens.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(3.0).with_label("x");
    /// let y = (x * x).with_label("y");
    /// let (grads, trace) = y.backward_traced();
    /// assert_eq!(grads.wrt(x), 6.0);
    /// assert_eq!(trace.steps().len(), 2); // y, then x (a leaf: passes nothing on)
    /// assert_eq!(
    ///     trace.to_string(),
    ///     "y = x * x  data 9  grad 1 (start: dy/dy = 1)
    ///     x.grad += 3 × 1 = 3, now 3
    ///     x.grad += 3 × 1 = 3, now 6
    /// x (leaf)  data 3  grad 6
    /// "
    /// );
    /// ```
    #[must_use]
    pub fn backward_traced(self) -> (Gradients, BackwardTrace) {
        let Some(tape) = self.tape() else {
            return (self.backward(), BackwardTrace { steps: Vec::new() });
        };
        let grads = self.backward();
        let graph = tape.graph();
        let g = grads.as_slice();
        let out = g.len() - 1;
        let mut steps = Vec::new();
        // Replay the sweep: gradients are final when a node is visited, so the contributions
        // computed here are exactly the ones the sweep made, and adding them up in the same
        // order gives the same running totals.
        let mut totals = vec![0.0; out + 1];
        totals[out] = 1.0;
        for i in (0..=out).rev() {
            if g[i] == 0.0 {
                continue;
            }
            let passes = graph
                .edges_of(i)
                .iter()
                .map(|&Edge { input, local }| {
                    let p = input as usize;
                    let contribution = local * g[i];
                    totals[p] += contribution;
                    TracePass {
                        parent: p,
                        parent_name: node_name(&graph, p),
                        parent_data: graph.nodes[p].value,
                        local,
                        upstream: g[i],
                        contribution,
                        total: totals[p],
                    }
                })
                .collect();
            steps.push(TraceStep {
                node: i,
                name: node_name(&graph, i),
                op: graph.nodes[i].op,
                expression: expression(&graph, i),
                data: graph.nodes[i].value,
                grad: g[i],
                passes,
            });
        }
        (grads, BackwardTrace { steps })
    }
}

/// One gradient contribution in a [`BackwardTrace`]: `parent.grad += local × upstream`, and
/// the parent's gradient after it.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tape.var(3.0).with_label("x");
/// let y = (x * 4.0 + x).with_label("y");
/// let (_, trace) = y.backward_traced();
/// let pass = &trace.steps()[0].passes[1]; // what y passes to x directly
/// assert_eq!((pass.parent, pass.parent_name.as_str(), pass.parent_data), (0, "x", 3.0));
/// assert_eq!((pass.local, pass.upstream, pass.contribution, pass.total), (1.0, 1.0, 1.0, 1.0));
/// let pass = &trace.steps()[1].passes[0]; // what x * 4 passes to x: 4 more, 5 in all
/// assert_eq!((pass.local, pass.upstream, pass.contribution, pass.total), (4.0, 1.0, 4.0, 5.0));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TracePass {
    /// Index of the parent receiving the contribution.
    pub parent: usize,
    /// The parent's label, or `#index`.
    pub parent_name: String,
    /// The parent's value.
    pub parent_data: f64,
    /// The local derivative d(node)/d(parent), recorded at forward time.
    pub local: f64,
    /// The node's own (complete) gradient d(output)/d(node).
    pub upstream: f64,
    /// `local × upstream`, added to the parent's gradient.
    pub contribution: f64,
    /// The parent's gradient after this contribution: the running total of what it has
    /// received so far. After its last contribution it is the parent's gradient.
    pub total: f64,
}

/// One node visited by the backward sweep in a [`BackwardTrace`].
///
/// ```
/// use tapegrad::{Op, Tape};
///
/// let tape = Tape::new();
/// let x = tape.var(3.0).with_label("x");
/// let y = (x * x).with_label("y");
/// let (_, trace) = y.backward_traced();
/// let first = &trace.steps()[0]; // the sweep starts at the output
/// assert_eq!((first.node, first.name.as_str(), first.op), (1, "y", Op::Mul));
/// assert_eq!(first.expression.as_deref(), Some("x * x"));
/// assert_eq!((first.data, first.grad), (9.0, 1.0));
/// assert_eq!(first.passes.len(), 2); // x is both inputs of x * x
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TraceStep {
    /// The node's index on the tape.
    pub node: usize,
    /// The node's label, or `#index`.
    pub name: String,
    /// The operation that produced it.
    pub op: Op,
    /// How it was made, over its inputs' names, with any constant in place: `x * y`,
    /// `f / 2`, `10 / f`, `e**2`, `tanh(n)`, `hypot(a, b)`. `None` for a leaf.
    pub expression: Option<String>,
    /// Its value.
    pub data: f64,
    /// Its complete gradient d(output)/d(node) when visited.
    pub grad: f64,
    /// What it passes to each parent (empty for leaves).
    pub passes: Vec<TracePass>,
}

/// A readable record of one backward sweep, made by [`Value::backward_traced`]. `Display`
/// prints one line per node (how it was made, its value and its gradient) and one indented
/// line per gradient contribution: `parent.grad += local × upstream = contribution, now
/// total`, where `total` is the parent's gradient so far.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let a = tape.var(2.0).with_label("a");
/// let b = tape.var(-3.0).with_label("b");
/// let c = (a * b).with_label("c");
/// let (_, trace) = c.backward_traced();
/// print!("{trace}");
/// assert_eq!(trace.steps()[0].passes[0].contribution, -3.0); // dc/da = b
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BackwardTrace {
    steps: Vec<TraceStep>,
}

impl BackwardTrace {
    /// The visited nodes, in sweep order (output first).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let (_, trace) = x.exp().backward_traced();
    /// assert_eq!(trace.steps()[0].op, tapegrad::Op::Exp);
    /// ```
    #[must_use]
    pub fn steps(&self) -> &[TraceStep] {
        &self.steps
    }
}

/// `= a * b`, `= f / 2`, `(leaf)`: how a step's node was made.
fn describe(s: &TraceStep) -> String {
    match (&s.expression, s.op) {
        (Some(e), _) => format!("= {e}"),
        (None, Op::Const) => "(constant)".to_string(),
        (None, _) => "(leaf)".to_string(),
    }
}

fn num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{x}")
    } else {
        format!("{x:.6}")
    }
}

impl fmt::Display for BackwardTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, s) in self.steps.iter().enumerate() {
            let what = describe(s);
            if k == 0 {
                writeln!(
                    f,
                    "{} {what}  data {}  grad {} (start: d{}/d{} = 1)",
                    s.name,
                    num(s.data),
                    num(s.grad),
                    s.name,
                    s.name
                )?;
            } else {
                writeln!(
                    f,
                    "{} {what}  data {}  grad {}",
                    s.name,
                    num(s.data),
                    num(s.grad)
                )?;
            }
            for p in &s.passes {
                // `x.grad`, but `(x1*w1).grad` for a label that is an expression.
                let simple = p
                    .parent_name
                    .chars()
                    .all(|c| c.is_alphanumeric() || "#_'".contains(c));
                let parent = if simple {
                    p.parent_name.clone()
                } else {
                    format!("({})", p.parent_name)
                };
                writeln!(
                    f,
                    "    {parent}.grad += {} × {} = {}, now {}",
                    num(p.local),
                    num(p.upstream),
                    num(p.contribution),
                    num(p.total)
                )?;
            }
        }
        Ok(())
    }
}
