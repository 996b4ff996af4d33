//! How a node reads in the teaching tools: its name, and the expression that made it
//! (`a * b`, `f / 2`, `tanh(n)`), shared by the graph export ([`graphviz`](super::graphviz))
//! and the backward trace ([`trace`](super::trace)).

use super::tape::{Fold, Graph, Op};

/// The name a node is printed under: its label, or `#index`.
pub(super) fn node_name(graph: &Graph, i: usize) -> String {
    match graph.labels.get(&(i as u32)) {
        Some(l) => l.clone(),
        None => format!("#{i}"),
    }
}

/// A constant as an expression shows it: shortest round-trip decimal, or scientific notation
/// when that would be very long.
fn constant_text(c: f64) -> String {
    if c == 0.0 || (1e-4..1e15).contains(&c.abs()) || !c.is_finite() {
        format!("{c}")
    } else {
        format!("{c:e}")
    }
}

/// How node `i` was made, written over its inputs' names: `a * b`, `f / 2`, `10 / f`, `e**2`,
/// `tanh(n)`, `hypot(a, b)`; `None` for a leaf.
pub(super) fn expression(graph: &Graph, i: usize) -> Option<String> {
    let node = graph.nodes[i];
    let op = node.op;
    let names: Vec<String> = graph
        .edges_of(i)
        .iter()
        .map(|e| node_name(graph, e.input as usize))
        .collect();
    // `**` is written without spaces, as micrograd labels it: `e**2`.
    let between = match op {
        Op::Var | Op::Const => return None,
        Op::Pow | Op::Powi | Op::Powf => "**".to_string(),
        _ => format!(" {} ", op.symbol()),
    };
    if let Some(name) = graph.op_names.get(&(i as u32)) {
        return Some(format!("{name}({})", names.join(", ")));
    }
    let text = match (op, names.as_slice(), node.fold) {
        (_, [x], Fold::First) => format!("{}{between}{x}", constant_text(node.constant)),
        (_, [x], Fold::Second) => format!("{x}{between}{}", constant_text(node.constant)),
        (Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow, [a, b], _) => format!("{a}{between}{b}"),
        (Op::Neg, [x], _) => format!("-{x}"),
        _ => format!("{}({})", op.symbol(), names.join(", ")),
    };
    Some(text)
}
