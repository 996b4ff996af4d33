//! Graphviz export of a computation graph ([`Value::to_dot`]), in the style of micrograd's
//! `draw_dot`.

use std::fmt::Write as _;

use super::backward::Gradients;
use super::expression::{expression, node_name};
use super::tape::{Fold, Graph, Op};
use super::value::Value;

/// What an operation's oval in [`Value::to_dot`] says: the symbol alone where the picture
/// shows the rest (`+`, `*`, `tanh`), the whole expression where it cannot: a constant folded
/// in (`f / 2`, `10 / f`, `e**2`), the order of a `-`, `/` or `**` between two values, or a
/// named operation.
fn oval_label(graph: &Graph, i: usize) -> String {
    let node = graph.nodes[i];
    let op = node.op;
    let whole = node.fold != Fold::None
        || graph.op_names.contains_key(&(i as u32))
        || (matches!(op, Op::Sub | Op::Div | Op::Pow) && graph.edges_of(i).len() == 2);
    match expression(graph, i) {
        Some(e) if whole => e,
        _ => op.symbol().to_string(),
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
    /// is given, gradient, and a small oval per operation, drawn top to bottom (inputs above,
    /// the output below: a deep graph keeps a page's width). Render it with
    /// `dot -Tsvg graph.dot -o graph.svg`.
    ///
    /// An oval shows the operation's symbol where the arrows say the rest (`+`, `*`, `tanh`),
    /// and the whole expression where they cannot: a plain number folded into the operation,
    /// with its side (`f / 2`, `10 / f`, `e**2`), the order of a `-`, `/` or `**` between two
    /// values (`a - b`), or the name of a named custom operation (`hypot(a, b)`).
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
    /// let c = (10.0 / b).with_label("c");
    /// let dot = c.to_dot(Some(&c.backward()));
    /// assert!(dot.starts_with("digraph"));
    /// assert!(dot.contains("a | data 2.0000 | grad -0.8333"));
    /// assert!(dot.contains("\"n0\" -> \"op1\""));
    /// assert!(dot.contains("\"op1\" [shape=oval, label=\"a * 3\"]"));
    /// assert!(dot.contains("\"op2\" [shape=oval, label=\"10 / b\"]"));
    /// ```
    #[must_use]
    #[track_caller]
    #[doc(alias = "draw_dot")]
    pub fn to_dot(self, grads: Option<&Gradients>) -> String {
        let mut s =
            String::from("digraph tapegrad {\n  rankdir=TB;\n  node [fontname=\"monospace\"];\n");
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
                    escape(&oval_label(&graph, i))
                );
                for edge in graph.edges_of(i) {
                    let _ = writeln!(s, "  \"n{}\" -> \"op{i}\";", edge.input);
                }
            }
        }
        s.push_str("}\n");
        s
    }
}
