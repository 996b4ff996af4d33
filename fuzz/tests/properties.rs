//! Random expression graphs: reverse-mode gradients against central finite differences.
//!
//! proptest generates a small program: 1–4 inputs and a list of steps, each applying one
//! smooth operation to earlier nodes (picked at random, so nodes get reused). The program is
//! run twice, once on a tape and once in plain `f64` by an independent interpreter. The tape's
//! values must match the interpreter's, its gradients must match central differences of the
//! interpreter, and a second backward must be bit-identical to the first.
//!
//! Every step maps values in [-4.5, 4.5] back into that range, with derivatives of moderate
//! size, so nothing overflows and the finite differences stay accurate: logarithms and roots
//! are taken of `a² + 1`, divisors are `b² + 1`, and growth is scaled down (`a·b·0.2`).

use proptest::prelude::*;
use tapegrad::{Tape, Value, affine, dot, sum};

/// A smooth operation of one node.
#[derive(Clone, Copy, Debug)]
enum Unary {
    Neg,
    Exp,
    Ln,
    Sqrt,
    Powi(i32),
    Powf(f64),
    Tanh,
    Sigmoid,
    Sin,
    Cos,
    Recip,
    /// softplus(a) - 1 through `Value::custom`.
    Softplus,
}

/// A smooth operation of two operands.
#[derive(Clone, Copy, Debug)]
enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    /// `(sigmoid(a) + 0.5).pow(0.4·b)`: a base in (0.5, 1.5), both partials exercised.
    Pow,
    /// `a·b·0.2` through `Tape::custom`.
    CustomProduct,
}

/// The second operand of a binary step: an earlier node or a plain `f64`.
#[derive(Clone, Copy, Debug)]
enum Operand {
    Node(usize),
    Const(f64),
}

/// One step. Node indices are taken modulo the number of nodes so far.
#[derive(Clone, Debug)]
enum Step {
    Unary(Unary, usize),
    /// `op(a, b)`, or `op(b, a)` when `swap`, so constants land on either side.
    Binary(Binary, usize, Operand, bool),
    /// The mean of some nodes, by the fused `sum` or by `Iterator::sum`.
    Mean(Vec<usize>, bool),
    /// `Π (0.3·xᵢ)` by `Iterator::product`.
    Product(Vec<usize>),
    /// `0.1 · dot([a, b], [c, d])`.
    Dot([usize; 4]),
    /// `0.1 · affine([a, b], [c, k], bias)` with constants `k` and `bias`.
    Affine([usize; 3], f64, f64),
}

#[derive(Clone, Debug)]
struct Program {
    inputs: Vec<f64>,
    steps: Vec<Step>,
}

fn softplus(x: f64) -> f64 {
    (1.0 + x.exp()).ln()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn unary_f64(op: Unary, a: f64) -> f64 {
    match op {
        Unary::Neg => -a,
        Unary::Exp => (a * 0.25).exp(),
        Unary::Ln => (a * a + 1.0).ln(),
        Unary::Sqrt => (a * a * 0.5 + 1.0).sqrt(),
        Unary::Powi(n) if n < 0 => (a * a + 1.0).powi(n),
        Unary::Powi(n) => (a * 0.4).powi(n) * 0.5,
        Unary::Powf(c) => (a * a * 0.05 + 1.0).powf(c),
        Unary::Tanh => a.tanh(),
        Unary::Sigmoid => sigmoid(a),
        Unary::Sin => a.sin(),
        Unary::Cos => a.cos(),
        Unary::Recip => (a * a + 1.0).recip(),
        Unary::Softplus => softplus(a) - 1.0,
    }
}

fn unary_value(op: Unary, a: Value<'_>) -> Value<'_> {
    match op {
        Unary::Neg => -a,
        Unary::Exp => (a * 0.25).exp(),
        Unary::Ln => (a * a + 1.0).ln(),
        Unary::Sqrt => (a * a * 0.5 + 1.0).sqrt(),
        Unary::Powi(n) if n < 0 => (a * a + 1.0).powi(n),
        Unary::Powi(n) => (a * 0.4).powi(n) * 0.5,
        Unary::Powf(c) => (a * a * 0.05 + 1.0).powf(c),
        Unary::Tanh => a.tanh(),
        Unary::Sigmoid => a.sigmoid(),
        Unary::Sin => a.sin(),
        Unary::Cos => a.cos(),
        Unary::Recip => (a * a + 1.0).recip(),
        Unary::Softplus => a.custom(softplus(a.data()), a.sigmoid().data()) - 1.0,
    }
}

fn binary_f64(op: Binary, p: f64, q: f64) -> f64 {
    match op {
        Binary::Add => (p + q) * 0.5,
        Binary::Sub => (p - q) * 0.5,
        Binary::Mul => p * q * 0.2,
        Binary::Div => p / (q * q + 1.0),
        Binary::Pow => (sigmoid(p) + 0.5).powf(q * 0.4),
        Binary::CustomProduct => p * q * 0.2,
    }
}

/// An operand on the tape side: a recorded value or a plain `f64`.
#[derive(Clone, Copy)]
enum Arg<'t> {
    V(Value<'t>),
    K(f64),
}

impl<'t> Arg<'t> {
    fn value(self) -> Value<'t> {
        match self {
            Arg::V(v) => v,
            Arg::K(k) => Value::constant(k),
        }
    }
}

/// Evaluates `$body` with `$p`, `$q` bound to the operands as they are (`Value` or `f64`), so
/// the `f64∘Value` and `Value∘f64` operator impls are the ones exercised.
macro_rules! mixed {
    ($p:expr, $q:expr, |$x:ident, $y:ident| $body:expr) => {
        match ($p, $q) {
            (Arg::V($x), Arg::V($y)) => $body,
            (Arg::V($x), Arg::K($y)) => $body,
            (Arg::K($x), Arg::V($y)) => $body,
            (Arg::K(_), Arg::K(_)) => unreachable!("one operand is always a node"),
        }
    };
}

fn binary_value<'t>(op: Binary, p: Arg<'t>, q: Arg<'t>) -> Value<'t> {
    match op {
        Binary::Add => mixed!(p, q, |x, y| (x + y) * 0.5),
        Binary::Sub => mixed!(p, q, |x, y| (x - y) * 0.5),
        Binary::Mul => mixed!(p, q, |x, y| x * y * 0.2),
        Binary::Div => mixed!(p, q, |x, y| x / (y * y + 1.0)),
        Binary::Pow => (p.value().sigmoid() + 0.5).pow(q.value() * 0.4),
        Binary::CustomProduct => {
            let (x, y) = (p.value(), q.value());
            let tape = x.tape().or(y.tape()).expect("one operand is a node");
            tape.custom(
                x.data() * y.data() * 0.2,
                &[(x, y.data() * 0.2), (y, x.data() * 0.2)],
            )
        }
    }
}

/// Runs the program in plain `f64`; returns every node, inputs first.
fn eval_f64(program: &Program, inputs: &[f64]) -> Vec<f64> {
    let mut n = inputs.to_vec();
    for step in &program.steps {
        let len = n.len();
        let at = |i: usize| n[i % len];
        let v = match step {
            Step::Unary(op, a) => unary_f64(*op, at(*a)),
            Step::Binary(op, a, b, swap) => {
                let (p, q) = (at(*a), operand_f64(&n, *b));
                if *swap {
                    binary_f64(*op, q, p)
                } else {
                    binary_f64(*op, p, q)
                }
            }
            Step::Mean(ix, _) => {
                ix.iter().fold(0.0, |acc, &i| acc + at(i)) * (1.0 / ix.len() as f64)
            }
            Step::Product(ix) => ix.iter().map(|&i| at(i) * 0.3).product(),
            Step::Dot([a, b, c, d]) => (at(*a) * at(*c) + at(*b) * at(*d)) * 0.1,
            Step::Affine([a, b, c], k, bias) => (at(*a) * at(*c) + at(*b) * k + bias) * 0.1,
        };
        n.push(v);
    }
    n
}

fn operand_f64(nodes: &[f64], b: Operand) -> f64 {
    match b {
        Operand::Node(i) => nodes[i % nodes.len()],
        Operand::Const(k) => k,
    }
}

/// Runs the program on `tape`; returns the input values and every node, inputs first.
fn eval_tape<'t>(program: &Program, tape: &'t Tape) -> (Vec<Value<'t>>, Vec<Value<'t>>) {
    let vars = tape.vars(&program.inputs);
    let mut n = vars.clone();
    for step in &program.steps {
        let len = n.len();
        let at = |i: usize| n[i % len];
        let v = match step {
            Step::Unary(op, a) => unary_value(*op, at(*a)),
            Step::Binary(op, a, b, swap) => {
                let p = Arg::V(at(*a));
                let q = match *b {
                    Operand::Node(i) => Arg::V(at(i)),
                    Operand::Const(k) => Arg::K(k),
                };
                if *swap {
                    binary_value(*op, q, p)
                } else {
                    binary_value(*op, p, q)
                }
            }
            Step::Mean(ix, fused) => {
                let xs: Vec<Value> = ix.iter().map(|&i| at(i)).collect();
                let total = if *fused { sum(&xs) } else { xs.iter().sum() };
                total * (1.0 / ix.len() as f64)
            }
            Step::Product(ix) => ix.iter().map(|&i| at(i) * 0.3).product(),
            Step::Dot([a, b, c, d]) => dot(&[at(*a), at(*b)], &[at(*c), at(*d)]) * 0.1,
            Step::Affine([a, b, c], k, bias) => {
                affine(&[at(*a), at(*b)], &[at(*c), Value::constant(*k)], *bias) * 0.1
            }
        };
        n.push(v);
    }
    (vars, n)
}

fn index() -> impl Strategy<Value = usize> {
    0usize..64
}

fn unary() -> impl Strategy<Value = Unary> {
    prop_oneof![
        Just(Unary::Neg),
        Just(Unary::Exp),
        Just(Unary::Ln),
        Just(Unary::Sqrt),
        (-2i32..=3).prop_map(Unary::Powi),
        (-2.0f64..2.0).prop_map(Unary::Powf),
        Just(Unary::Tanh),
        Just(Unary::Sigmoid),
        Just(Unary::Sin),
        Just(Unary::Cos),
        Just(Unary::Recip),
        Just(Unary::Softplus),
    ]
}

fn binary() -> impl Strategy<Value = Binary> {
    prop_oneof![
        Just(Binary::Add),
        Just(Binary::Sub),
        Just(Binary::Mul),
        Just(Binary::Div),
        Just(Binary::Pow),
        Just(Binary::CustomProduct),
    ]
}

fn operand() -> impl Strategy<Value = Operand> {
    prop_oneof![
        3 => index().prop_map(Operand::Node),
        1 => (-2.0f64..2.0).prop_map(Operand::Const),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (unary(), index()).prop_map(|(op, a)| Step::Unary(op, a)),
        4 => (binary(), index(), operand(), any::<bool>())
            .prop_map(|(op, a, b, swap)| Step::Binary(op, a, b, swap)),
        1 => (prop::collection::vec(index(), 1..=5), any::<bool>())
            .prop_map(|(ix, fused)| Step::Mean(ix, fused)),
        1 => prop::collection::vec(index(), 1..=3).prop_map(Step::Product),
        1 => prop::array::uniform4(index()).prop_map(Step::Dot),
        1 => (prop::array::uniform3(index()), -1.0f64..1.0, -1.0f64..1.0)
            .prop_map(|(ix, k, bias)| Step::Affine(ix, k, bias)),
    ]
}

fn program() -> impl Strategy<Value = Program> {
    (
        prop::collection::vec(-2.0f64..2.0, 1..=4),
        prop::collection::vec(step(), 1..=24),
    )
        .prop_map(|(inputs, steps)| Program { inputs, steps })
}

/// Step of the central differences.
const H: f64 = 1e-6;
/// Tolerance of a gradient, relative to the larger of 1 and the gradient's magnitude.
const TOL: f64 = 1e-6;

/// Reads an output off the nodes of [`eval_f64`].
type Readout = fn(&[f64]) -> f64;

/// Central difference of `output(eval_f64(x))` in coordinate `i`.
fn central_difference(program: &Program, output: Readout, i: usize) -> f64 {
    let mut xs = program.inputs.clone();
    xs[i] = program.inputs[i] + H;
    let hi = output(&eval_f64(program, &xs));
    xs[i] = program.inputs[i] - H;
    let lo = output(&eval_f64(program, &xs));
    (hi - lo) / (2.0 * H)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_graphs_match_finite_differences(program in program()) {
        let tape = Tape::new();
        let (vars, nodes) = eval_tape(&program, &tape);
        let reference = eval_f64(&program, &program.inputs);

        for (k, (v, r)) in nodes.iter().zip(&reference).enumerate() {
            prop_assert!(
                (v.data() - r).abs() <= 1e-12 * (1.0 + r.abs()),
                "node {k}: tape {} vs f64 {r}", v.data()
            );
            prop_assert!(r.abs() <= 4.5, "node {k} left the safe range: {r}");
        }

        // Two outputs: the last node, and the fused sum of every node (so every step counts).
        let last = *nodes.last().unwrap();
        let total = sum(&nodes);
        let outputs: [(Value, Readout); 2] = [
            (last, |n| *n.last().unwrap()),
            (total, |n| n.iter().sum()),
        ];
        for (which, (out, reference_out)) in outputs.into_iter().enumerate() {
            let g = out.backward();
            for (i, &x) in vars.iter().enumerate() {
                let analytic = g.wrt(x);
                let numeric = central_difference(&program, reference_out, i);
                prop_assert!(
                    (analytic - numeric).abs() <= TOL * (1.0 + numeric.abs()),
                    "output {which}, input {i}: backward {analytic}, central difference {numeric}"
                );
            }
            let again = out.backward();
            let bits = |s: &[f64]| s.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(g.as_slice()), bits(again.as_slice()));
        }
    }
}
