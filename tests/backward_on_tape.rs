//! Backward recorded on the tape (`Value::backward_on_tape`): for every operation and every
//! loss, the recorded gradient's value is backward's, and its derivative (a second
//! derivative) agrees with the closed form and with central differences of first-order
//! gradients; the edge conventions (kinks, ±0, infinities, NaN, 0 × ∞ paths); third
//! derivatives; fused nodes with mixed constant and recorded inputs; what a learner sees in
//! the trace; and the error for a custom node.

use tapegrad::{Error, Op, Tape, Value, affine, dot, loss, sum};

#[path = "common/numeric.rs"]
mod numeric;
#[path = "common/second_order.rs"]
mod second_order;
use numeric::sigmoid;
use second_order::{second_derivative, second_derivative_by_differences};

type Unary = for<'t> fn(Value<'t>) -> Value<'t>;
type Real = fn(f64) -> f64;

/// One operation (or loss, or fused node) as a function of one value, its second derivative
/// in closed form, and the points to check it at.
struct Case {
    name: &'static str,
    f: Unary,
    second: Real,
    at: &'static [f64],
}

const ORDINARY: &[f64] = &[-1.7, -0.3, 0.4, 1.3, 2.9];
const POSITIVE: &[f64] = &[0.2, 0.7, 1.3, 2.9];
const PROBABILITY: &[f64] = &[0.1, 0.35, 0.8];

fn tanh2(x: f64) -> f64 {
    let t = x.tanh();
    -2.0 * t * (1.0 - t * t)
}

fn sigmoid2(x: f64) -> f64 {
    let s = sigmoid(x);
    s * (1.0 - s) * (1.0 - 2.0 * s)
}

/// Every operation, fused node and loss, each with its second derivative.
fn cases() -> Vec<Case> {
    let case = |name, f, second, at| Case {
        name,
        f,
        second,
        at,
    };
    vec![
        case("exp", |x| x.exp(), |x| x.exp(), ORDINARY),
        case("ln", |x| x.ln(), |x| -1.0 / (x * x), POSITIVE),
        case("sqrt", |x| x.sqrt(), |x| -0.25 * x.powf(-1.5), POSITIVE),
        case("powi(3)", |x| x.powi(3), |x| 6.0 * x, ORDINARY),
        case("powi(-2)", |x| x.powi(-2), |x| 6.0 / x.powi(4), ORDINARY),
        case("powi(1)", |x| x.powi(1), |_| 0.0, ORDINARY),
        case("powf(2.5)", |x| x.powf(2.5), |x| 3.75 * x.sqrt(), POSITIVE),
        case("pow(x, 3)", |x| x.pow(3.0), |x| 6.0 * x, ORDINARY),
        case(
            "pow(2, x)",
            |x| Value::constant(2.0).pow(x),
            |x| 2f64.ln().powi(2) * 2f64.powf(x),
            ORDINARY,
        ),
        case(
            "pow(x, x)",
            |x| x.pow(x),
            |x| x.powf(x) * ((x.ln() + 1.0).powi(2) + 1.0 / x),
            POSITIVE,
        ),
        case("tanh", |x| x.tanh(), tanh2, ORDINARY),
        case("sigmoid", |x| x.sigmoid(), sigmoid2, ORDINARY),
        case("relu", |x| x.relu(), |_| 0.0, ORDINARY),
        case("abs", |x| x.abs(), |_| 0.0, ORDINARY),
        case("sin", |x| x.sin(), |x| -x.sin(), ORDINARY),
        case("cos", |x| x.cos(), |x| -x.cos(), ORDINARY),
        case("recip", |x| x.recip(), |x| 2.0 / x.powi(3), ORDINARY),
        case("neg", |x| -x, |_| 0.0, ORDINARY),
        case("x + x", |x| x + x, |_| 0.0, ORDINARY),
        case("x - 3", |x| x - 3.0, |_| 0.0, ORDINARY),
        case("x * x", |x| x * x, |_| 2.0, ORDINARY),
        case("3 * x * x", |x| 3.0 * x * x, |_| 6.0, ORDINARY),
        case("x / 3", |x| x / 3.0, |_| 0.0, ORDINARY),
        case("3 / x", |x| 3.0 / x, |x| 6.0 / x.powi(3), ORDINARY),
        case(
            "x / (x + 1)",
            |x| x / (x + 1.0),
            |x| -2.0 / (x + 1.0).powi(3),
            POSITIVE,
        ),
        case(
            "exp(x) / x",
            |x| x.exp() / x,
            |x| x.exp() * (1.0 / x - 2.0 / (x * x) + 2.0 / x.powi(3)),
            ORDINARY,
        ),
        // x's gradient sums terms of both kinds: (cos(x²), x) twice, recorded, and the
        // constant 1 × 3 of `x * 3`.
        case(
            "sin(x²) + x·3",
            |x| (x * x).sin() + x * 3.0,
            |x| 2.0 * (x * x).cos() - 4.0 * x * x * (x * x).sin(),
            ORDINARY,
        ),
        case(
            "sum",
            |x| sum(&[x, x * x, x.sin()]),
            |x| 2.0 - x.sin(),
            ORDINARY,
        ),
        case(
            "dot",
            |x| dot(&[x, x.exp()], &[x, 2.0.into()]),
            |x| 2.0 + 2.0 * x.exp(),
            ORDINARY,
        ),
        case(
            "affine",
            |x| affine(&[x, x.sin()], &[x.tanh(), x], x * x),
            // x·tanh x + x·sin x + x²
            |x| {
                let t = x.tanh();
                2.0 * (1.0 - t * t) + x * tanh2(x) + 2.0 * x.cos() - x * x.sin() + 2.0
            },
            ORDINARY,
        ),
        case(
            "mse",
            |x| loss::mse(x.sin(), 0.5),
            |x| 2.0 * (x.cos().powi(2) - (x.sin() - 0.5) * x.sin()),
            ORDINARY,
        ),
        case(
            "half_squared_error",
            |x| loss::half_squared_error(x * x, 2.0),
            |x| 6.0 * x * x - 4.0,
            ORDINARY,
        ),
        case(
            "sum_of_squares",
            |x| loss::sum_of_squares(&[x, x * x], &[1.0, 2.0]).expect("lengths"),
            |x| 2.0 + 12.0 * x * x - 8.0,
            ORDINARY,
        ),
        case(
            "bce, label 1",
            |x| loss::bce(x, 1.0),
            |x| 1.0 / (x * x),
            PROBABILITY,
        ),
        case(
            "bce, label 0.3",
            |x| loss::bce(x, 0.3),
            |x| 0.3 / (x * x) + 0.7 / ((1.0 - x) * (1.0 - x)),
            PROBABILITY,
        ),
        case(
            "bce_with_logits, label 1",
            |x| loss::bce_with_logits(x, 1.0),
            |x| sigmoid(x) * (1.0 - sigmoid(x)),
            ORDINARY,
        ),
        case(
            "bce_with_logits, label 0.25",
            |x| loss::bce_with_logits(x * x, 0.25),
            // d/dx (σ(x²) − y)·2x
            |x| {
                let s = sigmoid(x * x);
                4.0 * x * x * s * (1.0 - s) + 2.0 * (s - 0.25)
            },
            ORDINARY,
        ),
        case("hinge", |x| loss::hinge(x, 1.0), |_| 0.0, ORDINARY),
        case(
            "hinge of x²",
            |x| loss::hinge(x * x, -1.0),
            |_| 2.0,
            ORDINARY,
        ),
        case(
            "l2_penalty",
            |x| loss::l2_penalty(&[x, x.sin()], 0.5),
            |x| 1.0 + x.cos().powi(2) - x.sin().powi(2),
            ORDINARY,
        ),
        case(
            "l1_penalty",
            |x| loss::l1_penalty(&[x, x * x], 0.5),
            |_| 1.0,
            ORDINARY,
        ),
        case(
            "mean",
            |x| loss::mean(&[x * x, x.exp()]).expect("two values"),
            |x| 1.0 + 0.5 * x.exp(),
            ORDINARY,
        ),
    ]
}

/// The recorded gradient of `f` at `x`, and the plain one.
fn both_gradients(f: Unary, x: f64) -> (f64, f64) {
    let tape = Tape::new();
    let v = tape.var(x);
    let y = f(v);
    let recorded = y.backward_on_tape(&[v]).expect("no custom node")[0].data();
    (recorded, y.backward().wrt(v))
}

#[test]
fn the_recorded_gradient_is_backwards_number() {
    for c in cases() {
        for &x in
            c.at.iter()
                .chain(&[0.0, -0.0, 1e-300, 1e300, f64::INFINITY, f64::NAN])
        {
            if c.name.starts_with("bce,") && !(0.0..=1.0).contains(&x) {
                continue; // bce refuses a number that is not a probability
            }
            let (recorded, plain) = both_gradients(c.f, x);
            assert!(
                recorded == plain || (recorded.is_nan() && plain.is_nan()),
                "{} at {x}: recorded {recorded:?}, backward {plain:?}",
                c.name
            );
        }
    }
}

/// Two references for each: the closed form (to rounding), and the central difference of
/// first-order gradients (to the difference's own error).
#[test]
fn second_derivatives_match_closed_forms_and_differences_of_gradients() {
    for c in cases() {
        for &x in c.at {
            let got = second_derivative(c.f, x);
            let (closed, differences) = ((c.second)(x), second_derivative_by_differences(c.f, x));
            assert!(
                numeric::close(got, closed, 1e-12) && numeric::close(got, differences, 1e-6),
                "{}'' at {x}: got {got:?}, closed form {closed:?}, central difference of \
                 gradients {differences:?}",
                c.name
            );
        }
    }
}

/// The closed forms themselves, against central differences of the closed-form first
/// derivative where one is easy to write: a check that the table above is right.
#[test]
fn the_closed_forms_are_right() {
    let first: &[(&str, Real)] = &[
        ("tanh", |x| 1.0 - x.tanh().powi(2)),
        ("sigmoid", |x| sigmoid(x) * (1.0 - sigmoid(x))),
        ("sqrt", |x| 0.5 / x.sqrt()),
        ("pow(x, x)", |x| x.powf(x) * (x.ln() + 1.0)),
        ("exp(x) / x", |x| x.exp() / x - x.exp() / (x * x)),
    ];
    let cases = cases();
    for (name, d) in first {
        let c = cases.iter().find(|c| c.name == *name).expect("a case");
        for &x in c.at {
            let h = 1e-6;
            let fd = (d(x + h) - d(x - h)) / (2.0 * h);
            numeric::assert_close((c.second)(x), fd, 1e-6);
        }
    }
}

/// (operation, point, second derivative): where the calculus has a kink, a pole or an
/// overflow, the numbers the conventions give.
#[test]
fn second_derivatives_at_the_edges() {
    let inf = f64::INFINITY;
    let edges: &[(&str, Unary, f64, f64)] = &[
        ("relu at 0", |x| x.relu(), 0.0, 0.0),
        ("relu at -0", |x| x.relu(), -0.0, 0.0),
        ("relu at 2", |x| x.relu(), 2.0, 0.0),
        ("abs at 0", |x| x.abs(), 0.0, 0.0),
        ("abs at -3", |x| x.abs(), -3.0, 0.0),
        ("hinge at the margin", |x| loss::hinge(x, 1.0), 1.0, 0.0),
        ("l1 at 0", |x| loss::l1_penalty(&[x], 2.0), 0.0, 0.0),
        // ln''(0) and sqrt''(0): the limits from the right, as ln'(±0) = sqrt'(±0) = +inf.
        ("ln at 0", |x| x.ln(), 0.0, -inf),
        ("ln at -0", |x| x.ln(), -0.0, -inf),
        ("sqrt at 0", |x| x.sqrt(), 0.0, -inf),
        ("sqrt at -0", |x| x.sqrt(), -0.0, -inf),
        ("recip at 0", |x| x.recip(), 0.0, inf),
        ("powi(2) at 0", |x| x.powi(2), 0.0, 2.0),
        ("powf(0) at 0", |x| x.powf(0.0), 0.0, 0.0),
        ("pow(x, 0) at 0", |x| x.pow(0.0), 0.0, 0.0),
        ("tanh at 1000", |x| x.tanh(), 1000.0, 0.0),
        ("tanh at -1000", |x| x.tanh(), -1000.0, 0.0),
        ("sigmoid at 1000", |x| x.sigmoid(), 1000.0, 0.0),
        ("sigmoid at -1000", |x| x.sigmoid(), -1000.0, 0.0),
        ("sigmoid at 0", |x| x.sigmoid(), 0.0, 0.0),
        ("exp at -1000", |x| x.exp(), -1000.0, 0.0),
        (
            "bce_with_logits at 1000",
            |x| loss::bce_with_logits(x, 0.0),
            1000.0,
            0.0,
        ),
        (
            "bce_with_logits at inf",
            |x| loss::bce_with_logits(x, 1.0),
            inf,
            0.0,
        ),
        // Inside bce's clamp the derivative is the formula at the clamped value: flat.
        ("bce at 0, label 1", |x| loss::bce(x, 1.0), 0.0, 0.0),
        ("bce at 1, label 0", |x| loss::bce(x, 0.0), 1.0, 0.0),
    ];
    for &(name, f, x, want) in edges {
        let got = second_derivative(f, x);
        assert_eq!(got, want, "{name}");
    }
}

/// a^b with a recorded exponent b = 0: d/da is 0 (a^0 = 1 for every a > 0), as backward
/// says, even for a base so small that a^(b-1) = 1/a overflows (where b·a^(b-1) would be
/// 0·∞); its derivatives are d²/da² = b(b-1)a^(b-2) = 0 and d²/da db = a^(b-1)(1 + b ln a)
/// = 1/a.
#[test]
fn pow_with_a_recorded_exponent_of_zero() {
    for a0 in [2.0, 0.25, 1e-300, 5e-324] {
        // 1 / 5e-324 overflows to +inf.
        let cross = 1.0 / a0;
        let tape = Tape::new();
        let (a, b) = (tape.var(a0), tape.var(0.0));
        let y = a.pow(b);
        let first = y.backward();
        let dy_da = y.backward_on_tape(&[a]).unwrap()[0];
        assert_eq!(dy_da.data().to_bits(), first.wrt(a).to_bits(), "a = {a0}");
        assert_eq!(dy_da.data(), 0.0, "a = {a0}");
        let second = dy_da.backward();
        assert_eq!(second.wrt(a), 0.0, "d²/da² at a = {a0}");
        assert_eq!(second.wrt(b), cross, "d²/da db at a = {a0}");
    }
}

#[test]
fn nan_passes_nan_to_every_order() {
    let ops: &[(&str, Unary)] = &[
        ("exp", |x| x.exp()),
        ("tanh", |x| x.tanh()),
        ("sigmoid", |x| x.sigmoid()),
        ("relu", |x| x.relu()),
        ("x * x", |x| x * x),
        ("mse", |x| loss::mse(x, 1.0)),
        ("dot", |x| dot(&[x, x], &[x, x])),
        ("hinge", |x| loss::hinge(x, 1.0)),
    ];
    for &(name, f) in ops {
        assert!(second_derivative(f, f64::NAN).is_nan(), "{name}");
        // and a third derivative
        let tape = Tape::new();
        let v = tape.var(f64::NAN);
        let d1 = f(v).backward_on_tape(&[v]).expect("no custom node")[0];
        let d2 = d1.backward_on_tape(&[v]).expect("no custom node")[0];
        assert!(d2.backward().wrt(v).is_nan(), "{name}'''");
    }
    // A NaN made from numbers, ∞ · 0: the product's local derivatives are NaN, to every order.
    let tape = Tape::new();
    let (a, b) = (tape.var(f64::INFINITY), tape.var(0.0));
    let g = (a * b).backward_on_tape(&[a, b]).expect("no custom node");
    assert!(g[0].data().is_nan() && g[1].data().is_nan());
    for second in [g[0].backward(), g[1].backward()] {
        assert!(second.wrt(a).is_nan() && second.wrt(b).is_nan());
    }
}

/// y = c·√x at c = 0, x = 0: first order passes nothing back from √x, whose gradient is 0,
/// so dy/dx = 0, not 0 · ∞ = NaN. The recorded gradient is the same 0, and its own
/// derivatives are the product rule's: ∂/∂c of c/(2√x) is 1/(2√x) = +∞ at x = 0.
#[test]
fn a_zero_gradient_times_an_infinite_derivative_is_zero() {
    let tape = Tape::new();
    let (c, x) = (tape.var(0.0), tape.var(0.0));
    let y = c * x.sqrt();
    assert_eq!(y.backward().wrt(x), 0.0);
    let dy_dx = y.backward_on_tape(&[x]).expect("no custom node")[0];
    assert_eq!(dy_dx.data(), 0.0);
    let second = dy_dx.backward();
    assert_eq!(second.wrt(c), f64::INFINITY);
    assert_eq!(second.wrt(x), 0.0); // c = 0 times −∞: the same rule, one order up
}

/// Each closed form of a third derivative, against the recorded backward run twice.
#[test]
fn third_derivatives() {
    let cases: &[(&str, Unary, Real)] = &[
        ("x⁵", |x| x.powi(5), |x| 60.0 * x * x),
        ("sin", |x| x.sin(), |x| -x.cos()),
        ("exp(2x)", |x| (2.0 * x).exp(), |x| 8.0 * (2.0 * x).exp()),
        (
            "tanh",
            |x| x.tanh(),
            |x| {
                let t = x.tanh();
                -2.0 * (1.0 - t * t) * (1.0 - 3.0 * t * t)
            },
        ),
        ("ln", |x| x.ln(), |x| 2.0 / x.powi(3)),
        (
            "sigmoid",
            |x| x.sigmoid(),
            |x| {
                let s = sigmoid(x);
                s * (1.0 - s) * (1.0 - 6.0 * s + 6.0 * s * s)
            },
        ),
    ];
    for &(name, f, third) in cases {
        for x in [0.3, 1.1, 2.0] {
            let tape = Tape::new();
            let v = tape.var(x);
            let d1 = f(v).backward_on_tape(&[v]).expect("no custom node")[0];
            let d2 = d1.backward_on_tape(&[v]).expect("no custom node")[0];
            let got = d2.backward().wrt(v);
            assert!(numeric::close(got, third(x), 1e-12), "{name}''' at {x}");
        }
    }
    // Mixed: f(x, y) = x²·y³, ∂³f/∂x∂y² = 12·x·y.
    let tape = Tape::new();
    let (x, y) = (tape.var(1.5), tape.var(-2.0));
    let f = x * x * y.powi(3);
    let df_dy = f.backward_on_tape(&[y]).expect("no custom node")[0]; // 3x²y²
    let d2f_dy2 = df_dy.backward_on_tape(&[y]).expect("no custom node")[0]; // 6x²y
    assert_eq!(d2f_dy2.data(), 6.0 * 2.25 * -2.0);
    assert_eq!(d2f_dy2.backward().wrt(x), 12.0 * 1.5 * -2.0);
}

/// A dot node whose (weight, input) pairs mix constants and recorded values: each edge's
/// partner is found by the recorded pairs leading its edges, and first order is unchanged.
#[test]
fn fused_nodes_with_constant_and_recorded_pairs() {
    let tape = Tape::new();
    let (a, b, c) = (tape.var(1.5), tape.var(-0.5), tape.var(2.0));
    let two = Value::constant(2.0);
    // w = [a, 2, b, c], x = [3, b, c, a]: a·3 + 2·b + b·c + c·a + c (bias).
    let y = affine(&[a, two, b, c], &[3.0.into(), b, c, a], c);
    let g = y.backward();
    assert_eq!(
        g.wrt_all(&[a, b, c]),
        vec![3.0 + 2.0, 2.0 + 2.0, -0.5 + 1.5 + 1.0]
    );
    let h = tapegrad::hessian(
        |v| {
            affine(
                &[v[0], two, v[1], v[2]],
                &[3.0.into(), v[1], v[2], v[0]],
                v[2],
            )
        },
        &[1.5, -0.5, 2.0],
    )
    .expect("no custom node");
    // ∂²/∂a∂c = 1, ∂²/∂b∂c = 1, every other entry 0.
    let want = vec![
        vec![0.0, 0.0, 1.0],
        vec![0.0, 0.0, 1.0],
        vec![1.0, 1.0, 0.0],
    ];
    assert_eq!(h, want);
}

/// What the learner sees: the recorded gradient of `y = x * x` is the node `x + x` (the two
/// contributions of `x`, summed), labelled `dy/dx`, and its own backward trace reads as any
/// other.
#[test]
fn a_recorded_gradient_in_the_trace_and_the_graph() {
    let tape = Tape::new();
    let x = tape.var(3.0).with_label("x");
    let y = (x * x).with_label("y");
    let dy = y.backward_on_tape(&[x]).expect("no custom node")[0];
    assert_eq!(dy.label().as_deref(), Some("dy/dx"));
    assert_eq!((dy.op(), dy.data()), (Some(Op::Add), 6.0));
    let (grads, trace) = dy.backward_traced();
    assert_eq!(grads.wrt(x), 2.0);
    assert_eq!(
        trace.to_string(),
        "dy/dx = x + x  data 6  grad 1 (start: d(dy/dx)/d(dy/dx) = 1)
    x.grad += 1 × 1 = 1, now 1
    x.grad += 1 × 1 = 1, now 2
x (leaf)  data 3  grad 2
"
    );
    let dot = dy.to_dot(Some(&grads));
    assert!(dot.contains("dy/dx | data 6.0000 | grad 1.0000"), "{dot}");

    // tanh: the local derivative 1 - t·t is recorded too, and labelled nowhere.
    let t = x.tanh().with_label("t");
    let dt = t.backward_on_tape(&[x]).expect("no custom node")[0];
    assert_eq!(dt.label().as_deref(), Some("dt/dx"));
    let (_, trace) = dt.backward_traced();
    assert!(trace.to_string().starts_with("dt/dx = 1 - #"), "{trace}");
}

#[test]
fn gradients_with_respect_to_what_the_output_does_not_use_are_constant_zeros() {
    let tape = Tape::new();
    let (x, unused) = (tape.var(2.0), tape.var(5.0));
    let y = x * x;
    let later = tape.var(1.0);
    let g = y
        .backward_on_tape(&[x, unused, later])
        .expect("no custom node");
    assert_eq!(g[0].data(), 4.0);
    for v in &g[1..] {
        assert_eq!((v.data(), v.index()), (0.0, None));
    }
    let c = Value::constant(3.0)
        .backward_on_tape(&[x])
        .expect("a constant");
    assert_eq!((c[0].data(), c[0].index()), (0.0, None));
    // The sweep records nothing for x + 1: its gradient is the constant 1.
    let before = tape.len();
    let g = (x + 1.0).backward_on_tape(&[x]).expect("no custom node");
    assert_eq!((g[0].data(), g[0].index()), (1.0, None));
    assert_eq!(tape.len(), before + 1);
}

#[test]
fn a_custom_node_on_the_path_is_an_error_naming_it() {
    let tape = Tape::new();
    let x = tape.var(0.5).with_label("x");
    let s = x.custom_named("softplus", (1.0 + x.data().exp()).ln(), sigmoid(x.data()));
    let err = (s * 2.0).backward_on_tape(&[x]).unwrap_err();
    assert_eq!(
        err,
        Error::FirstOrderOnly {
            node: 1,
            what: "softplus(x)".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "node #1, softplus(x), was recorded with plain-number local derivatives \
         (Value::custom or Tape::custom), which cannot be differentiated again; write that \
         operation with Value operations (exp, *, +, ...) so that its derivative is recorded \
         as values, or keep it off the path from the values differentiated with respect to \
         to the output"
    );
    // Off the path, it is not in the way: y depends on x through x² only.
    let (c, w) = (tape.var(1.0), tape.var(2.0));
    let k = tape.custom(3.0, &[(c, 1.0)]);
    let y = w * w + k;
    let g = y
        .backward_on_tape(&[w])
        .expect("the custom node is off the path");
    assert_eq!((g[0].data(), g[0].backward().wrt(w)), (4.0, 2.0));
    // The same written with Value operations differentiates twice: softplus'' = σ(x)·σ(-x).
    let soft = (1.0 + x.exp()).ln();
    let d = soft.backward_on_tape(&[x]).expect("Value operations only")[0];
    numeric::assert_close(d.backward().wrt(x), sigmoid(0.5) * sigmoid(-0.5), 1e-15);
}

#[test]
fn a_custom_node_is_refused_even_where_no_gradient_reaches_it_and_nothing_is_recorded() {
    let tape = Tape::new();
    let x = tape.var(-1.0);
    // relu is dead at -1: the custom node's gradient is 0 here, but not at x = 1.
    let k = x.custom(x.data(), 1.0);
    let y = k.relu() * 3.0;
    let before = tape.len();
    let err = y.backward_on_tape(&[x]).unwrap_err();
    assert!(
        matches!(err, Error::FirstOrderOnly { node: 1, .. }),
        "{err}"
    );
    assert_eq!(tape.len(), before);
}

/// The tape keeps the sweep's working memory from one call to the next: what a call leaves
/// there never reaches the next one's numbers, whether the next graph is smaller or larger.
#[test]
fn a_reused_tape_gives_a_fresh_tapes_numbers() {
    // x·y summed over n shifted copies, then squared: n terms reach each of x and y.
    fn f<'t>(v: &[Value<'t>], n: usize) -> Value<'t> {
        let terms: Vec<Value<'t>> = (0..n).map(|k| (v[0] + k as f64) * v[1]).collect();
        sum(&terms).powi(2)
    }
    // Each gradient, and its own gradient along both inputs.
    fn second(tape: &Tape, n: usize) -> Vec<f64> {
        let v = tape.vars(&[0.5, -1.5]);
        let g = f(&v, n).backward_on_tape(&v).expect("no custom node");
        let mut out: Vec<f64> = g.iter().map(|g| g.data()).collect();
        for g in g {
            out.extend(g.backward().wrt_all(&v));
        }
        out
    }
    let mut reused = Tape::new();
    for n in [40, 3, 1, 25, 60] {
        reused.clear();
        let fresh = second(&Tape::new(), n);
        assert_eq!(second(&reused, n), fresh, "{n} copies");
    }
    // The numbers themselves: with s = Σ (x + k)·y, ∂f/∂x = 2s·n·y.
    let tape = Tape::new();
    let (x, y, n) = (0.5, -1.5, 3.0);
    let s = (3.0 * x + 3.0) * y;
    assert_eq!(second(&tape, 3)[0], 2.0 * s * n * y);
}
