//! The backward sweep recorded on the tape ([`Value::backward_on_tape`]): gradients as values,
//! which backward can differentiate again.
//!
//! The sweep is the first-order one (`backward.rs`), step for step, with values in place of
//! numbers. A node's gradient is a [`Value`]; what it passes to an input is that gradient
//! times the local derivative, itself a value rebuilt from the node's inputs and output by
//! [`local_derivative`]: the formula each operation computes in `f64` when it is recorded
//! (`value.rs`, `ops.rs`, `loss.rs`), written on values, in one table. Every product and sum
//! the sweep makes is an ordinary node on the tape, so `backward` (or another
//! `backward_on_tape`) differentiates through them, to any order.
//!
//! The first-order path pays nothing for this: no node stores more than before, and the
//! first-order sweep is unchanged. The price is paid here: a local derivative is recomputed
//! as values, from the op, the inputs and the constant each node keeps.

use super::expression::{expression, node_name};
use super::tape::{Fold, Graph, Node, Op};
use super::value::Value;
use crate::error::Error;
use crate::loss::BCE_EPS;

impl<'t> Value<'t> {
    /// The gradient of `self` with respect to each of `wrt`, as values recorded on the same
    /// tape (PyTorch's `autograd.grad(y, xs, create_graph=True)`): backward, run *onto the
    /// tape*. Each is an ordinary [`Value`], so its own gradient is one more
    /// [`backward`](Value::backward) away (a second derivative), and `backward_on_tape` again
    /// gives a third, and so on.
    ///
    /// Its numbers are [`backward`](Value::backward)'s, bit for bit (the sweep is the same,
    /// with every `local × upstream` and every `+=` recorded), and so are its conventions:
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
    /// like any others: products `g * local`, sums of contributions, and the local
    /// derivatives (`1 - t * t` for tanh). A gradient value whose value was labelled `x` is
    /// labelled `dy/dx` (with `y` the output's label, or `#index`).
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
        let (depends, labelled) = {
            let graph = tape.graph();
            (depends_on(&graph, wrt, out), !graph.labels.is_empty())
        };
        // Nodes from here on are the sweep's own: the ones it may label.
        let first_new = tape.len();
        let mut grads: Vec<Option<Value<'t>>> = vec![None; out + 1];
        grads[out] = Some(Value::constant(1.0));
        let (mut inputs, mut locals) = (Vec::new(), Vec::new());
        for i in (0..=out).rev() {
            // A constant 0 (a relu that is off, say) passes nothing back, to any order.
            let structural_zero = |g: &Value<'_>| g.tape().is_none() && g.data() == 0.0;
            let Some(grad) = grads[i].filter(|g| depends[i] && !structural_zero(g)) else {
                continue;
            };
            if labelled {
                label_gradient(self, i, grad, first_new);
            }
            // The node, its inputs as values and its recorded local derivatives, copied out
            // of the tape, which the loop below records onto.
            let node = {
                let graph = tape.graph();
                inputs.clear();
                locals.clear();
                for edge in graph.edges_of(i) {
                    let input = edge.input as usize;
                    let data = graph.nodes[input].value;
                    inputs.push(Value::from_parts(tape, edge.input, data));
                    locals.push(edge.local);
                }
                graph.nodes[i]
            };
            let y = Value::from_parts(tape, i as u32, node.value);
            for (k, (&input, &recorded)) in inputs.iter().zip(&locals).enumerate() {
                let j = input.index().unwrap_or(0);
                if !depends[j] {
                    continue;
                }
                // The NaN rule, as first order keeps it: a NaN node passes NaN back, and to
                // every order: `y * 1` is NaN with NaN derivatives, and depends on the inputs.
                let local = if node.value.is_nan() {
                    y * 1.0
                } else {
                    local_derivative(&node, y, &inputs, k, recorded)
                        .ok_or_else(|| first_order_only(self, i))?
                };
                let pass = passed_back(grad, local);
                grads[j] = Some(grads[j].map_or(pass, |sum| sum + pass));
            }
        }
        Ok(wrt
            .iter()
            .map(|v| v.index().filter(|&j| j <= out).and_then(|j| grads[j]))
            .map(|g| g.unwrap_or(zero))
            .collect())
    }
}

/// Which of nodes `0..=out` depend on a value in `wrt` (are one, or use one): the only ones
/// the recorded sweep needs to pass gradients through. One forward loop, by the engine's
/// invariant.
fn depends_on(graph: &Graph, wrt: &[Value<'_>], out: usize) -> Vec<bool> {
    let mut depends = vec![false; out + 1];
    for j in wrt.iter().filter_map(|v| v.index()).filter(|&j| j <= out) {
        depends[j] = true;
    }
    for i in 0..=out {
        if !depends[i] {
            depends[i] = graph.edges_of(i).iter().any(|e| depends[e.input as usize]);
        }
    }
    depends
}

/// `grad × local`, what the sweep passes back, recorded, without a node where one factor is
/// the constant 1 (the output's own gradient, the local derivative of `+`).
fn passed_back<'t>(grad: Value<'t>, local: Value<'t>) -> Value<'t> {
    let one = |v: Value<'_>| v.tape().is_none() && v.data() == 1.0;
    if one(grad) {
        local
    } else if one(local) {
        grad
    } else {
        grad.pass_back(local)
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

/// The local derivative of `node` (whose output is `y`, whose recorded inputs are `inputs`)
/// along its `k`-th edge, as a value on the tape: the same formula, and the same conventions,
/// as the operation computes in `f64` when it is recorded, whose result, `recorded`, it
/// equals. A derivative that is a plain number (a constant slope: `+`, relu) is `recorded`
/// as a constant, whose derivative is 0. `None` for a custom node, whose derivative is only
/// a number.
fn local_derivative<'t>(
    node: &Node,
    y: Value<'t>,
    inputs: &[Value<'t>],
    k: usize,
    recorded: f64,
) -> Option<Value<'t>> {
    let (c, zero) = (node.constant, Value::constant(0.0));
    // The operands `a ∘ b` of a binary operation, a plain number folded in on its side, and
    // whether edge `k` is `a`'s; the input along edge `k` is `x`.
    let (a, b, along_a) = match (node.fold, inputs) {
        (Fold::First, &[x]) => (Value::constant(c), x, false),
        (_, &[x]) => (x, Value::constant(c), true),
        (_, &[a, b]) => (a, b, k == 0),
        _ => (zero, zero, false),
    };
    let x = inputs[k];
    Some(match node.op {
        Op::Add | Op::Sub | Op::Neg | Op::Relu | Op::Abs | Op::Sum | Op::Hinge | Op::L1Penalty => {
            Value::constant(recorded)
        }
        Op::Mul if along_a => b,
        Op::Mul => a,
        Op::Div if along_a => b.recip(),
        Op::Div => -y / b,
        Op::Powi | Op::Powf if c == 0.0 => zero,
        Op::Powi => match (c as i32).checked_sub(1) {
            Some(m) => c * x.powi(m),
            None => c * x.powf(c - 1.0),
        },
        Op::Powf => c * x.powf(c - 1.0),
        // b·a^(b-1), 0 for b = 0: a constant b = 0 has none, and at 0^0 it is a convention.
        Op::Pow if along_a => {
            if b.data() == 0.0 && (b.tape().is_none() || a.data() == 0.0) {
                zero
            } else {
                b * a.pow(b - 1.0)
            }
        }
        // a^b·ln a, a convention (0 or NaN) at a ≤ 0.
        Op::Pow if a.data() <= 0.0 => Value::constant(recorded),
        Op::Pow => y * a.ln(),
        Op::Exp => y,
        // 1/x and 1/(2√x), +inf at ±0 as first order says: `+ 0.0` turns -0 into +0, so the
        // second derivative is the limit from the right, −∞.
        Op::Ln if x.data() == 0.0 => (x + 0.0).recip(),
        Op::Ln => x.recip(),
        Op::Sqrt if y.data() == 0.0 => 0.5 / (y + 0.0),
        Op::Sqrt => 0.5 / y,
        Op::Tanh => 1.0 - y * y,
        Op::Sigmoid => {
            let e = (-x.abs()).exp();
            e / ((1.0 + e) * (1.0 + e))
        }
        Op::Sin => x.cos(),
        Op::Cos => -x.sin(),
        Op::Recip => -y * y,
        // d(w·x)/dw = x: the partner, in the pairs that lead the edges.
        Op::Dot if k < 2 * c as usize => inputs[k ^ 1],
        Op::Dot => Value::constant(recorded),
        Op::Mse => 2.0 * (x - c),
        Op::HalfSquaredError => x - c,
        // 2·(p - t) for each prediction p, its target t known by the recorded 2·(p - t): the
        // residual p - t as a value that is exactly the one first order computed.
        Op::SumOfSquares => {
            let residual = recorded / 2.0;
            2.0 * x.folding(x.data() - residual, Fold::Second, Op::Sub, residual, 1.0)
        }
        Op::L2Penalty => (2.0 * c) * x,
        Op::Bce => {
            let clamped = |q: Value<'t>| {
                if q.data() < BCE_EPS {
                    Value::constant(BCE_EPS)
                } else {
                    q
                }
            };
            let mut d = zero;
            if c != 0.0 {
                d -= c / clamped(x);
            }
            if c != 1.0 {
                d += (1.0 - c) / clamped(1.0 - x);
            }
            d
        }
        Op::BceWithLogits => (1.0 - c) * x.sigmoid() - c * (-x).sigmoid(),
        Op::Var | Op::Const | Op::Custom => return None,
    })
}
