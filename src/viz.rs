//! Teaching tools: Graphviz export of a computation graph and a printed trace of the
//! backward sweep, showing the chain rule as it happens.

use std::fmt::{self, Write as _};

use crate::grad::Gradients;
use crate::tape::{Edge, Graph, Op};
use crate::value::Value;

/// The name a node is printed under: its label, or `#index`.
fn node_name(graph: &Graph, i: usize) -> String {
    match graph.labels.get(&(i as u32)) {
        Some(l) => l.clone(),
        None => format!("#{i}"),
    }
}

/// Marks every node from which `out` can be reached (its ancestors and itself), by one reverse
/// sweep: no recursion.
fn reaching(graph: &Graph, out: usize) -> Vec<bool> {
    let mut reach = vec![false; out + 1];
    reach[out] = true;
    for i in (0..=out).rev() {
        if reach[i] {
            for edge in graph.edges_of(i) {
                reach[edge.input as usize] = true;
            }
        }
    }
    reach
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '\\' | '{' | '}' | '|' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

impl Value<'_> {
    /// The graph that reaches this value as Graphviz DOT text, in the style of micrograd's
    /// `draw_dot`: a record per value showing its label (or `#index`), data and, when `grads`
    /// is given, gradient, and a small oval per operation. Render it with
    /// `dot -Tsvg graph.dot -o graph.svg`.
    ///
    /// A constant on no tape gives a graph with the one value.
    ///
    /// # Panics
    /// When `grads` were computed on another tape or before the tape was last cleared (as
    /// [`Gradients::wrt`]).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.var(2.0).with_label("a");
    /// let b = (a * 3.0).with_label("b");
    /// let dot = b.to_dot(Some(&b.backward()));
    /// assert!(dot.starts_with("digraph"));
    /// assert!(dot.contains("a | data 2.0000 | grad 3.0000"));
    /// assert!(dot.contains("\"n0\" -> \"op1\""));
    /// ```
    #[must_use]
    #[track_caller]
    pub fn to_dot(self, grads: Option<&Gradients>) -> String {
        let mut s =
            String::from("digraph tapegrad {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n");
        let Some(tape) = self.tape() else {
            let _ = writeln!(
                s,
                "  \"c\" [shape=record, label=\"{{ const | data {:.4} }}\"];\n}}",
                self.data()
            );
            return s;
        };
        if let Some(g) = grads {
            g.assert_describes(tape, "Value::to_dot");
        }
        let graph = tape.graph();
        let out = self.index().unwrap_or(0);
        let reach = reaching(&graph, out);
        for (i, _) in reach.iter().enumerate().filter(|(_, r)| **r) {
            let grad = match grads {
                Some(g) => format!(" | grad {:.4}", g.as_slice().get(i).copied().unwrap_or(0.0)),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                "  \"n{i}\" [shape=record, label=\"{{ {} | data {:.4}{grad} }}\"];",
                escape(&node_name(&graph, i)),
                graph.nodes[i].value
            );
            let op = graph.nodes[i].op;
            if !matches!(op, Op::Var | Op::Const) {
                let _ = writeln!(
                    s,
                    "  \"op{i}\" [shape=oval, label=\"{}\"];\n  \"op{i}\" -> \"n{i}\";",
                    escape(op.symbol())
                );
                for edge in graph.edges_of(i) {
                    let _ = writeln!(s, "  \"n{}\" -> \"op{i}\";", edge.input);
                }
            }
        }
        s.push_str("}\n");
        s
    }

    /// Runs the backward sweep and records it step by step: for every node that receives a
    /// nonzero gradient, in the order the sweep visits them, what it passes to each parent
    /// (local derivative × upstream gradient). Print the result to read the chain rule as it
    /// happens.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(3.0).with_label("x");
    /// let y = (x * x).with_label("y");
    /// let (grads, trace) = y.backward_traced();
    /// assert_eq!(grads.wrt(x), 6.0);
    /// assert_eq!(trace.steps().len(), 2); // y, then x (a leaf: passes nothing on)
    /// let text = trace.to_string();
    /// assert!(text.contains("x += 3 × 1 = 3"));
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
        // computed here are exactly the ones the sweep made.
        for i in (0..=out).rev() {
            if g[i] == 0.0 {
                continue;
            }
            let passes = graph
                .edges_of(i)
                .iter()
                .map(|&Edge { input, local }| (input as usize, local))
                .map(|(p, local)| TracePass {
                    parent: p,
                    parent_name: node_name(&graph, p),
                    parent_data: graph.nodes[p].value,
                    local,
                    upstream: g[i],
                    contribution: local * g[i],
                })
                .collect();
            steps.push(TraceStep {
                node: i,
                name: node_name(&graph, i),
                op: graph.nodes[i].op,
                data: graph.nodes[i].value,
                grad: g[i],
                passes,
            });
        }
        (grads, BackwardTrace { steps })
    }
}

/// One gradient contribution in a [`BackwardTrace`]: `parent += local × upstream`.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tape.var(3.0).with_label("x");
/// let y = (x * 4.0).with_label("y");
/// let (_, trace) = y.backward_traced();
/// let pass = &trace.steps()[0].passes[0]; // what y passes to x
/// assert_eq!((pass.parent, pass.parent_name.as_str(), pass.parent_data), (0, "x", 3.0));
/// assert_eq!((pass.local, pass.upstream, pass.contribution), (4.0, 1.0, 4.0));
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
    /// Its value.
    pub data: f64,
    /// Its complete gradient d(output)/d(node) when visited.
    pub grad: f64,
    /// What it passes to each parent (empty for leaves).
    pub passes: Vec<TracePass>,
}

/// A readable record of one backward sweep, made by [`Value::backward_traced`]. `Display`
/// prints one line per node and one indented line per gradient contribution.
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

/// `= a * b`, `= relu(a)`, `= f / a constant`, `(leaf)`: how a step's node was made.
fn describe(s: &TraceStep) -> String {
    let sym = s.op.symbol();
    match (s.op, s.passes.as_slice()) {
        (Op::Var, _) => "(leaf)".to_string(),
        (Op::Const, _) => "(constant)".to_string(),
        (Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow, [a, b]) => {
            format!("= {} {sym} {}", a.parent_name, b.parent_name)
        }
        // `x * c` records c itself as x's local derivative (NaN only on a NaN node).
        (Op::Mul, [p]) if !p.local.is_nan() => format!("= {} * {}", p.parent_name, num(p.local)),
        (Op::Add | Op::Mul, [p]) => format!("= {} {sym} a constant", p.parent_name),
        (Op::Sub | Op::Div | Op::Pow, [p]) => {
            let a = &p.parent_name;
            match constant_first(s.op, s.data, p) {
                Some(true) => format!("= a constant {sym} {a}"),
                Some(false) => format!("= {a} {sym} a constant"),
                None => format!("= {sym} of {a} and a constant"),
            }
        }
        (_, passes) => {
            let names: Vec<&str> = passes.iter().map(|p| p.parent_name.as_str()).collect();
            format!("= {sym}({})", names.join(", "))
        }
    }
}

/// Whether the constant of a one-input `-` or `/` node came first (`c - x`, `c / x`), read
/// from the local derivative recorded for `x`, which is what the two orders record
/// differently (`Value`'s `Sub` and `Div`): `x - c` records 1 and `c - x` records −1;
/// `x / c` records `1 / c` and `c / x` records `-(c / x) / x`, which is `-(data / x)` to the
/// bit. `None` where the derivative cannot tell: a NaN node (its derivative is NaN), a
/// derivative of 0 (`x / ±inf` and `0 / x` both record a zero), and every `pow`.
fn constant_first(op: Op, data: f64, pass: &TracePass) -> Option<bool> {
    let local = pass.local;
    match op {
        Op::Sub if local == 1.0 => Some(false),
        Op::Sub if local == -1.0 => Some(true),
        Op::Div if !local.is_nan() && local != 0.0 => {
            Some(local.to_bits() == (-(data / pass.parent_data)).to_bits())
        }
        _ => None,
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
                writeln!(
                    f,
                    "    {} += {} × {} = {}",
                    p.parent_name,
                    num(p.local),
                    num(p.upstream),
                    num(p.contribution)
                )?;
            }
        }
        Ok(())
    }
}
