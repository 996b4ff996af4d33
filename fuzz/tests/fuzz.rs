//! A fuzzer for the engine: random expression graphs over every operation, fed edge values
//! (0, −0, ±1e-300, ±inf, NaN, ±1e20, ±710, …) as well as ordinary numbers.
//!
//! proptest generates a program: 1–4 inputs and up to 16 steps, each applying one operation
//! to earlier nodes picked at random (so nodes are reused, sometimes twice in one step).
//! Every operation is there: `+ − × ÷` as `Value∘Value`, `Value∘f64`, `f64∘Value` and the
//! assign forms, `neg exp ln sqrt powi powf pow tanh sigmoid relu abs sin cos recip`,
//! `Value::custom`, the fused `sum`, `dot` and `affine`, `Iterator::sum` and `product`, and
//! `Tape::custom`. Two outputs are read: the last node and one picked at random. For each,
//! the fuzzer checks:
//!
//! 1. **No panic**, on any input (proptest turns a panic into a failure).
//! 2. **Backward is a pure read**: two `backward` calls, a `backward_into` a reused store and
//!    `backward_traced` give bit-identical gradients (`f64::to_bits`, so NaN compares too);
//!    the trace prints, `to_dot` draws the graph and `check_gradients` reports, without
//!    panicking.
//! 3. **Values are `f64`'s**: each step's value equals a plain-`f64` oracle applied to the
//!    values of the nodes before it (exactly, NaN matching NaN; sigmoid within 1.2e-16, as its
//!    formula differs), and the same program run on constants (no tape nodes) gives the same
//!    values as on the tape.
//! 4. **The NaN rule**: a NaN output gives a NaN gradient to every input that reaches it, and
//!    an input that does not reach the output has gradient exactly 0.
//! 5. **Finite differences**, wherever the function is smooth and finite at the point.
//!
//! **When a point counts as smooth** (rule 5). For input `i` and an output, a comparison is
//! made only if all of these hold, else it is skipped and counted by reason:
//!
//! - the input is finite with |x| ≤ 1e4, and the analytic gradient is finite;
//! - at the point, every step that reaches the output has local derivatives (with respect
//!   to the nodes it reads) that are finite and at most 1e8 in magnitude: `a.pow(1e308)` at
//!   a = 1 has value 1 and local derivative 1e308, which turns rounding the forward pass
//!   cannot resolve into a gradient finite differences cannot see;
//! - central differences are taken at two steps, `h₁ = 2⁻¹⁴·max(1, |x|)` and `h₂ = h₁/8`.
//!   At the point and at all four perturbed points, every node that reaches the output, and
//!   every number entering its step (plain constants too), is finite with magnitude ≤ 1e8:
//!   no overflow, no pole, and no cancellation against a huge operand (found by the fuzzer:
//!   `sum([x, -1e20, 1e20])` has derivative 1 but rounds x away, so its differences are 0);
//! - the step resolves every nonlinearity: at each perturbed point, the operand deciding each
//!   reaching step's curvature stays within its scale of its value at the point. The input of
//!   `relu` and `abs` keeps its sign class (−, 0, +), so an exact 0 there (relu'(0) = 0,
//!   abs'(0) = 0: conventions, not derivatives) is never compared; the operand of `ln`,
//!   `sqrt`, `recip`, a divisor and the base of a power moves by at most a tenth of itself
//!   (no pole or domain edge within the step); the operand of `exp`, `sin`, `cos`, `tanh`,
//!   `sigmoid`, sinh and `Tape::custom`'s sines, and `exponent·ln|base|` of a power, moves by
//!   at most 0.1. Found by the fuzzer: `sin(−900·x²)` at x = 37 turns through dozens of
//!   periods within the step, yet the two differences agree, because the smooth `900·x²`
//!   beside it dominates them;
//! - the two central differences agree with each other: `|d₁ − d₂| ≤ 1e-3·max(|d₁|, |d₂|) +
//!   noise`, where `noise = 64·ε·m / h₂` bounds the rounding error from the largest node
//!   magnitude `m` seen. When they disagree, no verdict is drawn.
//!
//! Then the gradient must satisfy `|g − d₂| ≤ 1e-3·max(|g|, |d₂|) + 4·|d₁ − d₂| + noise`.
//! This catches wrong derivatives, wrong operand order and lost accumulation at edge values;
//! the tight tolerances on smooth, bounded programs are `fuzz/tests/properties.rs`'s job.
//!
//! A second fuzzer drives **the training loop**: a random 1–3-input network with 0–2 hidden
//! layers and random activations, random parameters, 1–4 samples and labels, NaN and ±inf
//! among them, every loss, and one step of the plain loop (forward, loss, `check_loss`,
//! backward, SGD). Nothing is silent and nothing panics unnamed: a non-finite parameter is
//! refused by `set_parameters` and a non-finite input by the forward pass, each by index; a
//! label or (bce) prediction the loss does not take panics with a message naming the loss; a
//! non-finite loss or update is an error, and a refused step changes no parameter; a step
//! that succeeds leaves every parameter finite. The diagnosis of the same data never panics
//! and names the first bad sample. It prints how each step ended, and asserts each way
//! happened.
//!
//! In CI each fuzzer runs 512 cases. For a long run, set `PROPTEST_CASES`:
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test --release --test fuzz -- --nocapture
//! ```
//!
//! It prints how many comparisons it made and skipped, and asserts enough were made.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use rand::{SeedableRng, rngs::StdRng};
use tapegrad::diagnose::{Checkup, Finding};
use tapegrad::loss::Loss;
use tapegrad::nn::{Activation, Forward, Init, Mlp, Module};
use tapegrad::optim::{Optimizer, Sgd, check_loss};
use tapegrad::{Error, Gradients, Tape, Value, affine, check_gradients, dot, sum};

#[path = "../../tests/common/numeric.rs"]
mod numeric;
use numeric::bits;

/// Inputs and constants where engines break.
const EDGES: &[f64] = &[
    0.0,
    -0.0,
    1e-300,
    -1e-300,
    5e-324,
    f64::MIN_POSITIVE,
    1e-8,
    0.5,
    -0.5,
    1.0,
    -1.0,
    2.0,
    -2.0,
    37.0,
    -37.0,
    710.0,
    -710.0,
    1e20,
    -1e20,
    1e308,
    -1e308,
    f64::MAX,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

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
    Relu,
    Abs,
    Sin,
    Cos,
    Recip,
    /// `Value::custom` with sinh, derivative cosh.
    Custom,
}

#[derive(Clone, Copy, Debug)]
enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// How a binary operation gets its second operand. `pow` has no assign form: `Assign*` there
/// means the matching plain form.
#[derive(Clone, Copy, Debug)]
enum Form {
    /// `a ∘ b` with `b` a node.
    Values(usize),
    /// `a ∘ k` with a plain `f64`.
    ValueF64(f64),
    /// `k ∘ a`.
    F64Value(f64),
    /// `a ∘= b`.
    AssignValue(usize),
    /// `a ∘= k`.
    AssignF64(f64),
}

#[derive(Clone, Copy, Debug)]
enum Operand {
    Node(usize),
    Const(f64),
}

/// One step; node indices are taken modulo the number of nodes so far.
#[derive(Clone, Debug)]
enum Step {
    Unary(Unary, usize),
    Binary(Binary, usize, Form),
    /// The fused `sum`.
    Sum(Vec<Operand>),
    /// `Iterator::sum`: one `+` node per element.
    IterSum(Vec<usize>),
    /// `Iterator::product`.
    IterProduct(Vec<usize>),
    /// `dot(a, b)`.
    Dot(Vec<(Operand, Operand)>),
    /// `affine(w, x, bias)`.
    Affine(Vec<(Operand, Operand)>, Operand),
    /// `Tape::custom`: `Σ (k+1)·sin(pₖ)` with derivatives `(k+1)·cos(pₖ)`, over the operands
    /// (a plain constant among them contributes no edge).
    Custom(Vec<Operand>),
}

#[derive(Clone, Debug)]
struct Program {
    inputs: Vec<f64>,
    steps: Vec<Step>,
    /// The second output: node `pick % len`.
    pick: usize,
}

// ---------------------------------------------------------------------------------------------
// Running a program
// ---------------------------------------------------------------------------------------------

fn operand<'t>(nodes: &[Value<'t>], o: Operand) -> Value<'t> {
    match o {
        Operand::Node(i) => nodes[i % nodes.len()],
        Operand::Const(k) => Value::constant(k),
    }
}

fn unary(op: Unary, a: Value<'_>) -> Value<'_> {
    match op {
        Unary::Neg => -a,
        Unary::Exp => a.exp(),
        Unary::Ln => a.ln(),
        Unary::Sqrt => a.sqrt(),
        Unary::Powi(n) => a.powi(n),
        Unary::Powf(c) => a.powf(c),
        Unary::Tanh => a.tanh(),
        Unary::Sigmoid => a.sigmoid(),
        Unary::Relu => a.relu(),
        Unary::Abs => a.abs(),
        Unary::Sin => a.sin(),
        Unary::Cos => a.cos(),
        Unary::Recip => a.recip(),
        Unary::Custom => a.custom(a.data().sinh(), a.data().cosh()),
    }
}

/// Applies `$op` in the arrangement `$form` asks for, through the real operator impls.
macro_rules! arranged {
    ($a:expr, $b:expr, $form:expr, $op:tt, $assign:tt) => {
        match $form {
            Form::Values(_) => $a $op $b,
            Form::ValueF64(k) => $a $op k,
            Form::F64Value(k) => k $op $a,
            Form::AssignValue(_) => {
                let mut x = $a;
                x $assign $b;
                x
            }
            Form::AssignF64(k) => {
                let mut x = $a;
                x $assign k;
                x
            }
        }
    };
}

fn binary<'t>(op: Binary, a: Value<'t>, form: Form, nodes: &[Value<'t>]) -> Value<'t> {
    let b = match form {
        Form::Values(j) | Form::AssignValue(j) => nodes[j % nodes.len()],
        Form::ValueF64(k) | Form::F64Value(k) | Form::AssignF64(k) => Value::constant(k),
    };
    match op {
        Binary::Add => arranged!(a, b, form, +, +=),
        Binary::Sub => arranged!(a, b, form, -, -=),
        Binary::Mul => arranged!(a, b, form, *, *=),
        Binary::Div => arranged!(a, b, form, /, /=),
        Binary::Pow => match form {
            Form::Values(_) | Form::AssignValue(_) => a.pow(b),
            Form::ValueF64(k) | Form::AssignF64(k) => a.pow(k),
            Form::F64Value(k) => Value::constant(k).pow(a),
        },
    }
}

/// Runs the program on `tape` from `inputs` (recorded or plain); returns every node, inputs
/// first.
fn run<'t>(program: &Program, tape: &'t Tape, inputs: Vec<Value<'t>>) -> Vec<Value<'t>> {
    let mut n = inputs;
    for step in &program.steps {
        let v = apply(step, tape, &n);
        n.push(v);
    }
    n
}

/// Records one step on `tape`, reading the nodes made so far.
fn apply<'t>(step: &Step, tape: &'t Tape, n: &[Value<'t>]) -> Value<'t> {
    let at = |i: usize| n[i % n.len()];
    match step {
        Step::Unary(op, a) => unary(*op, at(*a)),
        Step::Binary(op, a, form) => binary(*op, at(*a), *form, n),
        Step::Sum(xs) => {
            let xs: Vec<Value> = xs.iter().map(|&o| operand(n, o)).collect();
            sum(&xs)
        }
        Step::IterSum(ix) => ix.iter().map(|&i| at(i)).sum(),
        Step::IterProduct(ix) => ix.iter().map(|&i| at(i)).product(),
        Step::Dot(pairs) => {
            let (a, b): (Vec<Value>, Vec<Value>) = pairs
                .iter()
                .map(|&(p, q)| (operand(n, p), operand(n, q)))
                .unzip();
            dot(&a, &b)
        }
        Step::Affine(pairs, bias) => {
            let (w, x): (Vec<Value>, Vec<Value>) = pairs
                .iter()
                .map(|&(p, q)| (operand(n, p), operand(n, q)))
                .unzip();
            affine(&w, &x, operand(n, *bias))
        }
        Step::Custom(xs) => {
            let parents: Vec<(Value, f64)> = xs
                .iter()
                .enumerate()
                .map(|(k, &o)| {
                    let p = operand(n, o);
                    (p, (k + 1) as f64 * p.data().cos())
                })
                .collect();
            let data = parents.iter().enumerate().fold(0.0, |acc, (k, (p, _))| {
                acc + (k + 1) as f64 * p.data().sin()
            });
            tape.custom(data, &parents)
        }
    }
}

/// Step `step` in plain `f64`, from the values of the nodes before it: an oracle independent
/// of the engine's code, applied one step at a time so rounding does not accumulate.
fn reference(step: &Step, values: &[f64]) -> f64 {
    let at = |i: usize| values[i % values.len()];
    let opnd = |o: Operand| match o {
        Operand::Node(i) => at(i),
        Operand::Const(k) => k,
    };
    match step {
        Step::Unary(op, a) => {
            let a = at(*a);
            match op {
                Unary::Neg => -a,
                Unary::Exp => a.exp(),
                Unary::Ln => a.ln(),
                Unary::Sqrt => a.sqrt(),
                Unary::Powi(n) => a.powi(*n),
                Unary::Powf(c) => a.powf(*c),
                Unary::Tanh => a.tanh(),
                Unary::Sigmoid => {
                    if a >= 0.0 {
                        1.0 / (1.0 + (-a).exp())
                    } else {
                        a.exp() / (1.0 + a.exp())
                    }
                }
                Unary::Relu => {
                    if a > 0.0 || a.is_nan() {
                        a
                    } else {
                        0.0
                    }
                }
                Unary::Abs => a.abs(),
                Unary::Sin => a.sin(),
                Unary::Cos => a.cos(),
                Unary::Recip => 1.0 / a,
                Unary::Custom => a.sinh(),
            }
        }
        Step::Binary(op, a, form) => {
            let a = at(*a);
            let (p, q) = match *form {
                Form::Values(j) | Form::AssignValue(j) => (a, at(j)),
                Form::ValueF64(k) | Form::AssignF64(k) => (a, k),
                Form::F64Value(k) => (k, a),
            };
            match op {
                Binary::Add => p + q,
                Binary::Sub => p - q,
                Binary::Mul => p * q,
                Binary::Div => p / q,
                Binary::Pow => p.powf(q),
            }
        }
        Step::Sum(xs) => xs.iter().fold(0.0, |acc, &o| acc + opnd(o)),
        Step::IterSum(ix) => ix
            .iter()
            .map(|&i| at(i))
            .reduce(|a, b| a + b)
            .unwrap_or(0.0),
        Step::IterProduct(ix) => ix
            .iter()
            .map(|&i| at(i))
            .reduce(|a, b| a * b)
            .unwrap_or(1.0),
        Step::Dot(pairs) => pairs
            .iter()
            .fold(0.0, |acc, &(p, q)| acc + opnd(p) * opnd(q)),
        Step::Affine(pairs, bias) => {
            pairs
                .iter()
                .fold(0.0, |acc, &(p, q)| acc + opnd(p) * opnd(q))
                + opnd(*bias)
        }
        Step::Custom(xs) => xs
            .iter()
            .enumerate()
            .fold(0.0, |acc, (k, &o)| acc + (k + 1) as f64 * opnd(o).sin()),
    }
}

/// Node values of the program at `xs`, on a scratch tape.
fn values_at(program: &Program, tape: &mut Tape, xs: &[f64]) -> Vec<f64> {
    tape.clear();
    let vars = tape.vars(xs);
    run(program, tape, vars).iter().map(|v| v.data()).collect()
}

// ---------------------------------------------------------------------------------------------
// The graph's structure, from the program alone
// ---------------------------------------------------------------------------------------------

fn node_of(o: Operand, len: usize) -> Option<usize> {
    match o {
        Operand::Node(i) => Some(i % len),
        Operand::Const(_) => None,
    }
}

/// The program nodes step `s` (making node `len`) reads.
fn parents(step: &Step, len: usize) -> Vec<usize> {
    match step {
        Step::Unary(_, a) => vec![a % len],
        Step::Binary(_, a, form) => match form {
            Form::Values(j) | Form::AssignValue(j) => vec![a % len, j % len],
            _ => vec![a % len],
        },
        Step::Sum(xs) | Step::Custom(xs) => xs.iter().filter_map(|&o| node_of(o, len)).collect(),
        Step::IterSum(ix) | Step::IterProduct(ix) => ix.iter().map(|i| i % len).collect(),
        Step::Dot(pairs) => pairs
            .iter()
            .flat_map(|&(p, q)| [node_of(p, len), node_of(q, len)])
            .flatten()
            .collect(),
        Step::Affine(pairs, bias) => pairs
            .iter()
            .flat_map(|&(p, q)| [node_of(p, len), node_of(q, len)])
            .chain([node_of(*bias, len)])
            .flatten()
            .collect(),
    }
}

/// Which program nodes reach node `out` (itself included); one entry per node.
fn reaching(program: &Program, out: usize) -> Vec<bool> {
    let first_step = program.inputs.len();
    let mut reach = vec![false; first_step + program.steps.len()];
    reach[out] = true;
    for k in (first_step..=out).rev() {
        if reach[k] {
            for p in parents(&program.steps[k - first_step], k) {
                reach[p] = true;
            }
        }
    }
    reach
}

/// How far an operand of a nonlinear step may move within the finite-difference step before
/// the step no longer resolves the function's curvature there.
#[derive(Clone, Copy, Debug)]
enum Scale {
    /// A kink at 0 (`relu`, `abs`): the sign class must not change.
    Sign,
    /// Curvature on the scale of 1 (`exp`, `sin`, `cos`, `tanh`, `sigmoid`, sinh, and
    /// `exponent·ln|base|` for powers): it may move by at most 0.1.
    Absolute,
    /// A pole or domain edge at 0 (`ln`, `sqrt`, `recip`, bases of powers, divisors): it may
    /// move by at most a tenth of itself, so it keeps its sign and stays away from 0.
    Relative,
}

/// The operands of step `s` (node `len`) that decide its curvature, each with its scale.
/// Sums, products, `dot`, `affine` and `neg` are at most bilinear and need none.
fn nonlinear_operands(step: &Step, len: usize, values: &[f64]) -> Vec<(f64, Scale)> {
    use Scale::{Absolute, Relative, Sign};
    let at = |i: usize| values[i % len];
    let power =
        |base: f64, exponent: f64| vec![(base, Relative), (exponent * base.abs().ln(), Absolute)];
    match step {
        Step::Unary(op, a) => {
            let a = at(*a);
            match op {
                Unary::Neg => vec![],
                Unary::Relu | Unary::Abs => vec![(a, Sign)],
                Unary::Ln | Unary::Sqrt | Unary::Recip => vec![(a, Relative)],
                Unary::Powi(n) => power(a, f64::from(*n)),
                Unary::Powf(c) => power(a, *c),
                Unary::Exp
                | Unary::Tanh
                | Unary::Sigmoid
                | Unary::Sin
                | Unary::Cos
                | Unary::Custom => vec![(a, Absolute)],
            }
        }
        Step::Binary(op, a, form) => {
            let a = at(*a);
            let (p, q) = match *form {
                Form::Values(j) | Form::AssignValue(j) => (a, at(j)),
                Form::ValueF64(k) | Form::AssignF64(k) => (a, k),
                Form::F64Value(k) => (k, a),
            };
            match op {
                Binary::Add | Binary::Sub | Binary::Mul => vec![],
                Binary::Div => vec![(q, Relative)],
                Binary::Pow => power(p, q),
            }
        }
        Step::Custom(xs) => xs
            .iter()
            .filter_map(|&o| node_of(o, len))
            .map(|i| (at(i), Absolute))
            .collect(),
        Step::Sum(_)
        | Step::IterSum(_)
        | Step::IterProduct(_)
        | Step::Dot(_)
        | Step::Affine(..) => {
            vec![]
        }
    }
}

fn sign_class(x: f64) -> u8 {
    if x.is_nan() {
        3
    } else if x > 0.0 {
        2
    } else if x < 0.0 {
        0
    } else {
        1
    }
}

/// The nonlinear operands of every step that reaches the output.
fn curvature_operands(program: &Program, reach: &[bool], values: &[f64]) -> Vec<(f64, Scale)> {
    let first_step = program.inputs.len();
    (first_step..reach.len())
        .filter(|&k| reach[k])
        .flat_map(|k| nonlinear_operands(&program.steps[k - first_step], k, values))
        .collect()
}

/// Whether every nonlinear operand at a perturbed point stayed within its scale of its value
/// at the point (`base`).
fn resolved(base: &[(f64, Scale)], moved: &[(f64, Scale)]) -> bool {
    base.iter()
        .zip(moved)
        .all(|(&(a, scale), &(b, _))| match scale {
            Scale::Sign => sign_class(a) == sign_class(b),
            Scale::Absolute => (b - a).abs() <= 0.1,
            Scale::Relative => (b - a).abs() <= 0.1 * a.abs(),
        })
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// A number: an edge value, an ordinary one, or a wide one.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => prop::sample::select(EDGES),
        4 => -3.0f64..3.0,
        1 => -1e3f64..1e3,
    ]
}

fn index() -> impl Strategy<Value = usize> {
    0usize..64
}

fn unary_op() -> impl Strategy<Value = Unary> {
    prop_oneof![
        Just(Unary::Neg),
        Just(Unary::Exp),
        Just(Unary::Ln),
        Just(Unary::Sqrt),
        (-3i32..=4).prop_map(Unary::Powi),
        prop_oneof![
            prop::sample::select(&[0.0, 0.5, -0.5, 1.0, 2.0, -1.0, 3.0][..]),
            -3.0f64..3.0
        ]
        .prop_map(Unary::Powf),
        Just(Unary::Tanh),
        Just(Unary::Sigmoid),
        Just(Unary::Relu),
        Just(Unary::Abs),
        Just(Unary::Sin),
        Just(Unary::Cos),
        Just(Unary::Recip),
        Just(Unary::Custom),
    ]
}

fn binary_op() -> impl Strategy<Value = Binary> {
    prop_oneof![
        Just(Binary::Add),
        Just(Binary::Sub),
        Just(Binary::Mul),
        Just(Binary::Div),
        Just(Binary::Pow),
    ]
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![
        3 => index().prop_map(Form::Values),
        1 => number().prop_map(Form::ValueF64),
        1 => number().prop_map(Form::F64Value),
        1 => index().prop_map(Form::AssignValue),
        1 => number().prop_map(Form::AssignF64),
    ]
}

fn operand_strategy() -> impl Strategy<Value = Operand> {
    prop_oneof![
        3 => index().prop_map(Operand::Node),
        1 => number().prop_map(Operand::Const),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let pairs = || prop::collection::vec((operand_strategy(), operand_strategy()), 0..=3);
    prop_oneof![
        6 => (unary_op(), index()).prop_map(|(op, a)| Step::Unary(op, a)),
        6 => (binary_op(), index(), form()).prop_map(|(op, a, f)| Step::Binary(op, a, f)),
        1 => prop::collection::vec(operand_strategy(), 0..=4).prop_map(Step::Sum),
        1 => prop::collection::vec(index(), 0..=3).prop_map(Step::IterSum),
        1 => prop::collection::vec(index(), 0..=3).prop_map(Step::IterProduct),
        1 => pairs().prop_map(Step::Dot),
        1 => (pairs(), operand_strategy()).prop_map(|(p, b)| Step::Affine(p, b)),
        1 => prop::collection::vec(operand_strategy(), 0..=3).prop_map(Step::Custom),
    ]
}

fn program() -> impl Strategy<Value = Program> {
    (
        prop::collection::vec(number(), 1..=4),
        prop::collection::vec(step(), 1..=16),
        any::<usize>(),
    )
        .prop_map(|(inputs, steps, pick)| Program {
            inputs,
            steps,
            pick,
        })
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Stats {
    cases: usize,
    nan_outputs: usize,
    /// Gradients compared with finite differences.
    compared: usize,
    /// Skipped: input or gradient not finite or input too large.
    skipped_not_finite: usize,
    /// Skipped: a reaching node or local derivative was not moderate near the point.
    skipped_nodes: usize,
    /// Skipped: a nonlinear operand moved beyond its scale within the step (a kink, a pole
    /// or domain edge, or curvature the step does not resolve).
    skipped_curvature: usize,
    /// Skipped: the two central differences disagreed.
    skipped_disagree: usize,
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// Every number entering step `s` (node `len`): the nodes it reads and its plain constants.
fn operands(step: &Step, len: usize, values: &[f64]) -> Vec<f64> {
    let at = |i: usize| values[i % len];
    let opnd = |o: &Operand| match *o {
        Operand::Node(i) => at(i),
        Operand::Const(k) => k,
    };
    match step {
        Step::Unary(_, a) => vec![at(*a)],
        Step::Binary(_, a, form) => match *form {
            Form::Values(j) | Form::AssignValue(j) => vec![at(*a), at(j)],
            Form::ValueF64(k) | Form::AssignF64(k) | Form::F64Value(k) => vec![at(*a), k],
        },
        Step::Sum(xs) | Step::Custom(xs) => xs.iter().map(opnd).collect(),
        Step::IterSum(ix) | Step::IterProduct(ix) => ix.iter().map(|&i| at(i)).collect(),
        Step::Dot(pairs) => pairs.iter().flat_map(|(p, q)| [opnd(p), opnd(q)]).collect(),
        Step::Affine(pairs, bias) => pairs
            .iter()
            .flat_map(|(p, q)| [opnd(p), opnd(q)])
            .chain([opnd(bias)])
            .collect(),
    }
}

/// The largest magnitude among the nodes that reach the output and the numbers entering
/// their steps (constants included: `(x + -1e20) + 1e20` rounds x away), or None if one is
/// not finite or exceeds 1e8.
fn moderate(program: &Program, reach: &[bool], values: &[f64]) -> Option<f64> {
    let first_step = program.inputs.len();
    let mut m: f64 = 0.0;
    for k in (0..reach.len()).filter(|&k| reach[k]) {
        let entering = if k >= first_step {
            operands(&program.steps[k - first_step], k, values)
        } else {
            vec![]
        };
        for v in entering.into_iter().chain([values[k]]) {
            if !v.is_finite() || v.abs() > 1e8 {
                return None;
            }
            m = m.max(v.abs());
        }
    }
    Some(m)
}

/// Whether every reaching step's local derivatives (with respect to the nodes it reads) are
/// finite with magnitude at most 1e8 at `values`: a huge local derivative (`a.pow(1e308)` at
/// a = 1) amplifies rounding the forward pass cannot resolve, so finite differences there
/// say nothing. Each op's own derivatives are checked exactly in `tests/edge_sweep.rs`.
fn local_derivatives_moderate(program: &Program, reach: &[bool], values: &[f64]) -> bool {
    let first_step = program.inputs.len();
    (first_step..reach.len()).filter(|&k| reach[k]).all(|k| {
        let tape = Tape::new();
        let earlier = tape.vars(&values[..k]);
        let step = &program.steps[k - first_step];
        let g = apply(step, &tape, &earlier).backward();
        parents(step, k)
            .into_iter()
            .all(|p| g.wrt(earlier[p]).is_finite() && g.wrt(earlier[p]).abs() <= 1e8)
    })
}

fn check(program: &Program, stats: &RefCell<Stats>) -> Result<(), TestCaseError> {
    stats.borrow_mut().cases += 1;
    let tape = Tape::new();
    let vars = tape.vars(&program.inputs);
    let nodes = run(program, &tape, vars.clone());

    // Recorded and plain agree.
    let plain_tape = Tape::new();
    let plain = run(
        program,
        &plain_tape,
        program.inputs.iter().map(|&x| Value::constant(x)).collect(),
    );
    for (k, (r, p)) in nodes.iter().zip(&plain).enumerate() {
        prop_assert!(
            same(r.data(), p.data()),
            "node {k}: recorded {} but plain {}",
            r.data(),
            p.data()
        );
    }

    let values: Vec<f64> = nodes.iter().map(|v| v.data()).collect();
    // Each step's value is the f64 one (sigmoid within an ulp: its formula differs).
    for (k, step) in program.steps.iter().enumerate() {
        let k = k + program.inputs.len();
        let (got, want) = (values[k], reference(step, &values[..k]));
        let ulp = matches!(step, Step::Unary(Unary::Sigmoid, _)) && (got - want).abs() <= 1.2e-16;
        prop_assert!(
            same(got, want) || ulp,
            "node {k} = {step:?}: tape {got}, f64 {want}"
        );
    }
    let last = nodes.len() - 1;
    let picked = program.pick % nodes.len();
    let mut store = Gradients::new();
    let mut scratch = Tape::new();
    for out in [last, picked] {
        let y = nodes[out];
        let g = y.backward();
        let again = y.backward();
        tape.backward_into(y, &mut store);
        prop_assert_eq!(bits(g.as_slice()), bits(again.as_slice()));
        prop_assert_eq!(bits(g.as_slice()), bits(store.as_slice()));
        // The teaching tools take any graph too, and the trace's sweep is the same sweep.
        let (traced, trace) = y.backward_traced();
        prop_assert_eq!(bits(g.as_slice()), bits(traced.as_slice()));
        for step in trace.steps() {
            prop_assert!(
                same(step.grad, g.as_slice()[step.node]),
                "trace step {}",
                step.node
            );
        }
        let _ = trace.to_string();
        prop_assert!(y.to_dot(Some(&g)).starts_with("digraph"));
        // So does the gradient check, whose backward is this backward.
        let report = check_gradients(
            |v| {
                let t = v[0].tape().expect("inputs are recorded");
                run(program, t, v.to_vec())[out]
            },
            &program.inputs,
        );
        for (c, &x) in report.inputs.iter().zip(&vars) {
            prop_assert!(same(c.analytic, g.wrt(x)));
        }
        let _ = report.to_string();

        let reach = reaching(program, out);
        let y0 = y.data();
        if y0.is_nan() {
            stats.borrow_mut().nan_outputs += 1;
        }
        for (i, &x) in vars.iter().enumerate() {
            let gi = g.wrt(x);
            if !reach[i] {
                prop_assert!(
                    gi == 0.0,
                    "input {i} does not reach node {out} but has gradient {gi}"
                );
                continue;
            }
            if y.index() == x.index() {
                // The output is this input itself (`i == out`, or a one-element iterator sum
                // or product, which records no node).
                prop_assert!(
                    gi == 1.0,
                    "an input's gradient with respect to itself is {gi}"
                );
                continue;
            }
            if y0.is_nan() {
                prop_assert!(
                    gi.is_nan(),
                    "node {out} is NaN but input {i}, which reaches it, has gradient {gi}"
                );
                continue;
            }
            compare_with_finite_differences(
                program,
                &mut scratch,
                (i, gi),
                out,
                (&values, &reach),
                stats,
            )?;
        }
    }
    Ok(())
}

fn compare_with_finite_differences(
    program: &Program,
    scratch: &mut Tape,
    (i, g): (usize, f64),
    out: usize,
    (values, reach): (&[f64], &[bool]),
    stats: &RefCell<Stats>,
) -> Result<(), TestCaseError> {
    let x = program.inputs[i];
    if !x.is_finite() || x.abs() > 1e4 || !g.is_finite() {
        stats.borrow_mut().skipped_not_finite += 1;
        return Ok(());
    }
    let Some(mut m) = moderate(program, reach, values)
        .filter(|_| local_derivatives_moderate(program, reach, values))
    else {
        stats.borrow_mut().skipped_nodes += 1;
        return Ok(());
    };
    let curvature = curvature_operands(program, reach, values);
    let h1 = 2f64.powi(-14) * x.abs().max(1.0);
    let h2 = h1 / 8.0;
    let mut at = |h: f64| -> Result<f64, &'static str> {
        let mut xs = program.inputs.clone();
        xs[i] = x + h;
        let v = values_at(program, scratch, &xs);
        m = m.max(moderate(program, reach, &v).ok_or("nodes")?);
        if !resolved(&curvature, &curvature_operands(program, reach, &v)) {
            return Err("curvature");
        }
        Ok(v[out])
    };
    let evaluated: Result<Vec<f64>, _> = [h1, -h1, h2, -h2].into_iter().map(&mut at).collect();
    let f = match evaluated {
        Ok(f) => f,
        Err(why) => {
            let mut s = stats.borrow_mut();
            if why == "curvature" {
                s.skipped_curvature += 1;
            } else {
                s.skipped_nodes += 1;
            }
            return Ok(());
        }
    };
    let d1 = (f[0] - f[1]) / (2.0 * h1);
    let d2 = (f[2] - f[3]) / (2.0 * h2);
    let noise = 64.0 * f64::EPSILON * m / h2;
    if (d1 - d2).abs() > 1e-3 * d1.abs().max(d2.abs()) + noise {
        stats.borrow_mut().skipped_disagree += 1;
        return Ok(());
    }
    stats.borrow_mut().compared += 1;
    let tol = 1e-3 * g.abs().max(d2.abs()) + 4.0 * (d1 - d2).abs() + noise;
    prop_assert!(
        (g - d2).abs() <= tol,
        "d(node {out})/d(input {i}) at {x}: backward {g}, central differences {d2} (h = {h2:e}) \
         and {d1} (h = {h1:e})"
    );
    Ok(())
}

/// Cases to run: `PROPTEST_CASES` if set, else 512.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(512)
}

/// Runs `check` on [`cases`] values drawn from `strategy`; a failure is shrunk, reported with
/// its input and kept in `fuzz.proptest-regressions`, whose cases run first next time.
fn fuzz<S: Strategy>(strategy: &S, check: impl Fn(S::Value) -> Result<(), TestCaseError>) {
    let config = Config {
        cases: cases(),
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(strategy, check) {
        panic!("{e}\n{runner}");
    }
}

#[test]
fn fuzz_random_graphs_over_every_op_and_edge_values() {
    let stats = RefCell::new(Stats::default());
    fuzz(&program(), |p| check(&p, &stats));
    let s = stats.into_inner();
    eprintln!("fuzz: {s:?}");
    // Not vacuous: a good share of the gradients met finite differences.
    assert!(
        s.compared >= s.cases / 2,
        "only {} finite-difference comparisons in {} cases",
        s.compared,
        s.cases
    );
    assert!(s.nan_outputs > 0, "no NaN output in {} cases", s.cases);
}

// ---------------------------------------------------------------------------------------------
// The training loop
// ---------------------------------------------------------------------------------------------

/// One step of the plain training loop on a random network, with random parameters, inputs
/// and labels, edge values (NaN and ±inf included) among them.
#[derive(Clone, Debug)]
struct TrainingCase {
    nin: usize,
    /// The hidden layers' widths, then 1.
    widths: Vec<usize>,
    hidden: Activation,
    output: Activation,
    loss: Loss,
    /// Enough numbers for any network drawn: the first `parameter_count` are used.
    params: Vec<f64>,
    /// One row of three numbers per sample: the first `nin` are used.
    rows: Vec<[f64; 3]>,
    labels: Vec<f64>,
    lr: f64,
}

fn training_case() -> impl Strategy<Value = TrainingCase> {
    let activation = || prop::sample::select(&Activation::ALL[..]);
    (
        1usize..=3,
        prop::collection::vec(1usize..=3, 0..=2),
        (activation(), activation()),
        prop::sample::select(&Loss::ALL[..]),
        // 3 → 3 → 3 → 1 has 28 parameters, the most a case can have.
        prop::collection::vec(prop_oneof![4 => -2.0f64..2.0, 1 => number()], 28),
        prop::collection::vec(
            (
                prop::array::uniform3(prop_oneof![
                    12 => -3.0f64..3.0,
                    1 => prop::sample::select(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY][..]),
                    1 => number(),
                ]),
                prop_oneof![6 => (0usize..2).prop_map(Ok), 1 => odd_label().prop_map(Err)],
            ),
            1..=4,
        ),
        prop::sample::select(&[0.1, 1.0, 1e3, 1e300][..]),
    )
        .prop_map(
            |(nin, mut widths, (hidden, output), loss, params, samples, lr)| {
                widths.push(1); // one output, one label per sample
                // Mostly labels the loss takes, sometimes any.
                let (rows, labels) = samples
                    .into_iter()
                    .map(|(row, label)| match label {
                        Ok(k) => (row, labels_of(loss)[k % 2]),
                        Err(odd) => (row, odd),
                    })
                    .unzip();
                TrainingCase {
                    nin,
                    widths,
                    hidden,
                    output,
                    loss,
                    params,
                    rows,
                    labels,
                    lr,
                }
            },
        )
}

/// Two labels `loss` takes.
fn labels_of(loss: Loss) -> [f64; 2] {
    match loss {
        Loss::Mse | Loss::HalfSquaredError | Loss::Hinge => [-1.0, 1.0],
        Loss::Bce | Loss::BceWithLogits => [0.0, 1.0],
    }
}

/// Labels that some losses take and some do not, and labels that none should.
fn odd_label() -> impl Strategy<Value = f64> {
    prop::sample::select(&[0.0, 1.0, -1.0, 0.5, 2.0, f64::NAN, f64::INFINITY][..])
}

/// Whether `loss` takes the label `y` (else it panics, naming itself).
fn takes(loss: Loss, y: f64) -> bool {
    match loss {
        Loss::Mse | Loss::HalfSquaredError => true, // a NaN or infinite label gives a non-finite loss, which check_loss stops
        Loss::Bce | Loss::BceWithLogits => (0.0..=1.0).contains(&y),
        Loss::Hinge => y == 1.0 || y == -1.0,
    }
}

/// How a training step ended.
#[derive(Debug, Default)]
struct TrainingStats {
    cases: usize,
    parameters_refused: usize,
    inputs_refused: usize,
    named_panics: usize,
    loss_refused: usize,
    update_refused: usize,
    trained: usize,
}

fn check_training(
    case: &TrainingCase,
    stats: &RefCell<TrainingStats>,
) -> Result<(), TestCaseError> {
    stats.borrow_mut().cases += 1;
    let mut rng = StdRng::seed_from_u64(0);
    let mut model = Mlp::new(
        case.nin,
        &case.widths,
        case.hidden,
        case.output,
        Init::Xavier,
        &mut rng,
    )
    .expect("a valid shape");
    let mut params = case.params[..model.parameter_count()].to_vec();

    // set_parameters: a NaN or infinite value is refused, by index, and changes nothing.
    let before = model.parameters();
    if let Some(bad) = params.iter().position(|p| !p.is_finite()) {
        let err = model.set_parameters(&params).unwrap_err();
        let Error::NonFiniteParameter { index, .. } = err else {
            return Err(TestCaseError::fail(format!("{err:?}")));
        };
        prop_assert_eq!(index, bad);
        prop_assert_eq!(bits(&model.parameters()), bits(&before));
        stats.borrow_mut().parameters_refused += 1;
        params
            .iter_mut()
            .filter(|p| !p.is_finite())
            .for_each(|p| *p = 0.5);
    }
    model.set_parameters(&params).expect("finite parameters");

    let rows: Vec<&[f64]> = case.rows.iter().map(|r| &r[..case.nin]).collect();
    let first_bad_row = rows.iter().position(|r| r.iter().any(|x| !x.is_finite()));
    let labels_taken = case.labels.iter().all(|&y| takes(case.loss, y));

    // The diagnosis takes any of this without panicking, and names the first bad row.
    let diagnosis = Checkup::new(&model, &rows, &case.labels, case.loss)
        .run()
        .expect("sizes are right");
    if let Some(row) = first_bad_row {
        let input = rows[row].iter().position(|x| !x.is_finite()).unwrap();
        prop_assert!(
            matches!(diagnosis.findings()[0], Finding::NonFiniteInput { row: r, input: i, .. } if (r, i) == (row, input)),
            "{diagnosis}"
        );
    } else if !labels_taken {
        prop_assert!(
            matches!(diagnosis.findings()[0], Finding::LabelsOutsideDomain { .. }),
            "{diagnosis}"
        );
    }

    // What stops the step, if anything, before the loss is formed: the first sample with a
    // non-finite input (refused by the forward pass), or a label or (bce) prediction its loss
    // does not take (a panic naming the loss).
    let stop = rows
        .iter()
        .zip(&case.labels)
        .enumerate()
        .find_map(|(row, (x, &y))| {
            if let Some(input) = x.iter().position(|v| !v.is_finite()) {
                return Some(Err((row, input)));
            }
            if !takes(case.loss, y) {
                return Some(Ok(format!("{}: label y = ", case.loss)));
            }
            let p = model.predict(x).expect("finite inputs")[0];
            (case.loss == Loss::Bce && !p.is_nan() && !(0.0..=1.0).contains(&p))
                .then(|| Ok("bce: p = ".to_string()))
        });

    // One step of the plain loop: forward, loss, check_loss, backward, the optimizer.
    let before = model.parameters();
    let mut opt = Sgd::new(case.lr);
    let step = catch_unwind(AssertUnwindSafe(|| -> Result<f64, Error> {
        let tape = Tape::new();
        let net = model.record(&tape);
        let mut losses = Vec::new();
        for (x, &y) in rows.iter().zip(&case.labels) {
            let out = net.forward_f64(x)?;
            losses.push(case.loss.apply(out[0], y));
        }
        let mean = tapegrad::loss::mean(&losses)?;
        check_loss(0, mean.data())?;
        let grads = net.gradients(&mean.backward());
        drop(net);
        opt.step(&mut model, &grads)?;
        Ok(mean.data())
    }));
    let trained = matches!(step, Ok(Ok(_)));
    let mut s = stats.borrow_mut();
    match step {
        Err(panic) => {
            // Only the losses' own, named refusals of a label or (bce) a prediction.
            let msg = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("");
            let Some(Ok(prefix)) = &stop else {
                return Err(TestCaseError::fail(format!("unexpected panic: {msg}")));
            };
            prop_assert!(msg.starts_with(prefix.as_str()), "unnamed panic: {msg}");
            s.named_panics += 1;
        }
        Ok(Err(Error::NonFiniteInput { index, value })) => {
            // The first sample holding a NaN or inf, at its first such input.
            let Some(Err((row, at))) = stop else {
                return Err(TestCaseError::fail(format!(
                    "input {index} refused: {value}"
                )));
            };
            prop_assert_eq!((index, value.to_bits()), (at, rows[row][at].to_bits()));
            s.inputs_refused += 1;
        }
        Ok(Err(Error::NonFinite { hint, .. })) => {
            prop_assert!(stop.is_none(), "{hint}");
            if hint.starts_with("the loss is") {
                s.loss_refused += 1;
            } else {
                s.update_refused += 1;
            }
        }
        Ok(Err(other)) => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
        Ok(Ok(loss)) => {
            // Nothing silent: finite inputs and labels, a finite loss, finite parameters.
            prop_assert!(stop.is_none() && first_bad_row.is_none() && labels_taken);
            prop_assert!(loss.is_finite());
            prop_assert!(model.parameters().iter().all(|p| p.is_finite()));
            s.trained += 1;
        }
    }
    if !trained {
        // A refused step changed nothing.
        prop_assert_eq!(bits(&model.parameters()), bits(&before));
    }
    Ok(())
}

#[test]
fn fuzz_the_training_loop_with_non_finite_inputs_parameters_and_labels() {
    let stats = RefCell::new(TrainingStats::default());
    fuzz(&training_case(), |c| check_training(&c, &stats));
    let s = stats.into_inner();
    eprintln!("fuzz, training loop: {s:?}");
    // Not vacuous: every way a step can end happened.
    for (what, n) in [
        ("refused parameters", s.parameters_refused),
        ("refused inputs", s.inputs_refused),
        ("named panics", s.named_panics),
        ("refused losses", s.loss_refused),
        ("trained steps", s.trained),
    ] {
        assert!(n > 0, "no {what} in {} cases", s.cases);
    }
}
