//! Engine tests: micrograd's pinned numbers, every operation in every operand arrangement
//! against central finite differences, reuse, the backward contract, a million-node chain on
//! a small stack, the documented edge-value conventions, misuse panics and the teaching tools.

use tapegrad::{
    GradCheckConfig, Gradients, Op, Tape, TracePass, TraceStep, Value, affine, check_gradients,
    check_gradients_with, dot, sum,
};

#[path = "common/numeric.rs"]
mod numeric;
use numeric::central_difference;

/// Tolerance of a gradient against its central difference, relative plus absolute.
const FD_TOL: f64 = 1e-6;

/// `|actual - expected| <= tol · (1 + |expected|)`: relative for large numbers, absolute near 0.
fn close(actual: f64, expected: f64, tol: f64) -> bool {
    (actual - expected).abs() <= tol * (1.0 + expected.abs())
}

#[track_caller]
fn assert_close(actual: f64, expected: f64, tol: f64) {
    assert!(
        close(actual, expected, tol),
        "expected {expected:?}, got {actual:?} (difference {:e})",
        actual - expected
    );
}

/// `|actual - expected| <= tol`, for pinned numbers.
#[track_caller]
fn assert_within(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "expected {expected:?}, got {actual:?} (difference {:e})",
        actual - expected
    );
}

/// Records `f` on a fresh tape at each point and compares it with `reference`, the same
/// formula in plain `f64`: the value to 1e-12, and every input's gradient against the central
/// difference of `reference` (so the check does not trust the engine's forward pass either).
#[track_caller]
fn check_op<F>(name: &str, f: F, reference: impl Fn(&[f64]) -> f64, points: &[&[f64]])
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    for x in points {
        let tape = Tape::new();
        let vars = tape.vars(x);
        let y = f(&vars);
        let expected = reference(x);
        assert!(
            close(y.data(), expected, 1e-12),
            "{name} at {x:?}: value {} but f64 gives {expected}",
            y.data()
        );
        let g = y.backward();
        for (i, &v) in vars.iter().enumerate() {
            let numeric = central_difference(&reference, x, i);
            let analytic = g.wrt(v);
            assert!(
                close(analytic, numeric, FD_TOL),
                "{name} at {x:?}: d/dx{i} is {analytic} by backward, {numeric} by central difference"
            );
        }
    }
}

/// [`check_op`] where the `Value` code and the `f64` reference are the same tokens.
macro_rules! check_same {
    ($name:expr, |$x:ident| $body:expr, $points:expr) => {
        check_op($name, |$x| $body, |$x| $body, $points)
    };
}

const BINARY_POINTS: &[&[f64]] = &[&[1.3, -0.7], &[-2.1, 0.4], &[0.25, 3.0], &[4.0, 1.7]];
const UNARY_POINTS: &[&[f64]] = &[&[-2.3], &[-0.6], &[0.3], &[1.7]];
const POSITIVE_POINTS: &[&[f64]] = &[&[0.2], &[0.9], &[2.5], &[7.0]];

mod micrograd {
    use super::*;

    #[test]
    fn sanity_check() {
        let tape = Tape::new();
        let x = tape.var(-4.0);
        let z = 2.0 * x + 2.0 + x;
        let q = z.relu() + z * x;
        let h = (z * z).relu();
        let y = h + q + q * x;
        let g = y.backward();
        assert_within(y.data(), -20.0, 1e-12);
        assert_within(g.wrt(x), 46.0, 1e-12);
    }

    #[test]
    // micrograd's expression reads `c += c + 1`, which is what it means to test.
    #[allow(clippy::misrefactored_assign_op)]
    fn more_ops() {
        let tape = Tape::new();
        let a = tape.var(-4.0);
        let b = tape.var(2.0);
        let mut c = a + b;
        let mut d = a * b + b.powi(3);
        c += c + 1.0;
        c += 1.0 + c + (-a);
        d += d * 2.0 + (b + a).relu();
        d += 3.0 * d + (b - a).relu();
        let e = c - d;
        let f = e.powi(2);
        let mut g = f / 2.0;
        g += 10.0 / f;
        let grads = g.backward();
        assert_within(g.data(), 24.704_081_632_653_06, 1e-12);
        assert_within(grads.wrt(a), 138.833_819_241_982_52, 1e-12);
        assert_within(grads.wrt(b), 645.577_259_475_218_6, 1e-12);
    }

    #[test]
    fn sanity_check_passes_check_gradients() {
        let report = check_gradients(
            |v| {
                let x = v[0];
                let z = 2.0 * x + 2.0 + x;
                let q = z.relu() + z * x;
                (z * z).relu() + q + q * x
            },
            &[-4.0],
        );
        assert!(report.passed(), "{report}");
        assert_within(report.output, -20.0, 1e-12);
        assert_within(report.inputs[0].analytic, 46.0, 1e-12);
        assert_close(report.inputs[0].numeric, 46.0, 1e-6);
    }
}

mod every_op {
    use super::*;

    /// `+ - * /` with two values, a value and an `f64` on either side, constants on no tape
    /// and recorded constants on either side, and the assign forms with a value and an `f64`.
    macro_rules! arrangements {
        ($op:tt, $assign:tt) => {{
            let op = stringify!($op);
            check_same!(&format!("Value {op} Value"), |x| x[0] $op x[1], BINARY_POINTS);
            for k in [2.5, -0.75] {
                check_same!(&format!("Value {op} {k}"), |x| x[0] $op k, BINARY_POINTS);
                check_same!(&format!("{k} {op} Value"), |x| k $op x[0], BINARY_POINTS);
                check_same!(&format!("Value {op}= Value, {op}= {k}"), |x| {
                    let mut y = x[0];
                    y $assign x[1];
                    y $assign k;
                    y
                }, BINARY_POINTS);
            }
            check_op(
                &format!("Value {op} Value::constant"),
                |x| x[0] $op Value::constant(2.5),
                |x| x[0] $op 2.5,
                BINARY_POINTS,
            );
            check_op(
                &format!("Value::constant {op} Value"),
                |x| Value::constant(2.5) $op x[1],
                |x| 2.5 $op x[1],
                BINARY_POINTS,
            );
            check_op(
                &format!("tape.constant {op} Value"),
                |x| x[1].tape().unwrap().constant(-1.5) $op x[1],
                |x| -1.5 $op x[1],
                BINARY_POINTS,
            );
            check_op(
                &format!("Value {op}= Value::constant"),
                |x| {
                    let mut y = x[1];
                    y $assign Value::constant(-1.5);
                    y
                },
                |x| x[1] $op -1.5,
                BINARY_POINTS,
            );
        }};
    }

    #[test]
    fn add_in_every_arrangement() {
        arrangements!(+, +=);
    }

    #[test]
    fn sub_in_every_arrangement() {
        arrangements!(-, -=);
    }

    #[test]
    fn mul_in_every_arrangement() {
        arrangements!(*, *=);
    }

    #[test]
    fn div_in_every_arrangement() {
        arrangements!(/, /=);
    }

    #[test]
    fn arrangements_record_the_expected_nodes() {
        let tape = Tape::new();
        let (a, b) = (tape.var(3.0), tape.var(-2.0));
        assert_eq!((a - b).op(), Some(Op::Sub));
        assert_eq!((2.0 / a).op(), Some(Op::Div));
        assert_eq!(tape.len(), 4);
        // Constants on no tape fold into the node that uses them; two of them make no node.
        let c = Value::constant(2.0) * Value::constant(4.0);
        assert_eq!((c.data(), c.index()), (8.0, None));
        assert_eq!(tape.len(), 4);
    }

    #[test]
    fn neg() {
        check_same!("-x", |x| -x[0], UNARY_POINTS);
        check_same!("-(x * y)", |x| -(x[0] * x[1]), BINARY_POINTS);
    }

    #[test]
    fn exp_ln_sqrt_recip() {
        check_same!("exp", |x| x[0].exp(), UNARY_POINTS);
        check_same!("ln", |x| x[0].ln(), POSITIVE_POINTS);
        check_same!("sqrt", |x| x[0].sqrt(), POSITIVE_POINTS);
        check_same!("recip", |x| x[0].recip(), UNARY_POINTS);
        check_same!("recip of positive", |x| x[0].recip(), POSITIVE_POINTS);
    }

    #[test]
    fn powi() {
        for n in [-3, -2, -1, 0, 1, 2, 3, 5] {
            check_same!(&format!("powi({n})"), |x| x[0].powi(n), UNARY_POINTS);
        }
    }

    /// `i32::MIN - 1` is not an `i32`, so n·x^(n−1) takes the exponent as an `f64` there
    /// (it used to wrap to x^i32::MAX in release builds, -inf at x = 2, and to overflow in
    /// debug builds).
    #[test]
    fn powi_of_the_most_negative_exponent() {
        let n = f64::from(i32::MIN);
        for (x0, value, d) in [
            (2.0, 0.0, 0.0),
            (0.5, f64::INFINITY, f64::NEG_INFINITY),
            (1.0, 1.0, n),
            (-1.0, 1.0, -n),
        ] {
            let tape = Tape::new();
            let x = tape.var(x0);
            let y = x.powi(i32::MIN);
            let g = y.backward().wrt(x);
            assert_eq!(y.data(), value, "x = {x0}");
            assert_eq!(g, d, "x = {x0}");
        }
    }

    #[test]
    fn powf() {
        for c in [-1.5, -0.5, 0.0, 0.5, 1.0, 2.0, 3.7] {
            check_same!(&format!("powf({c})"), |x| x[0].powf(c), POSITIVE_POINTS);
        }
        // Integral exponents are defined for negative bases.
        for c in [2.0, 3.0, -1.0] {
            check_same!(
                &format!("powf({c}), x < 0"),
                |x| x[0].powf(c),
                &[&[-1.3], &[-0.4]]
            );
        }
    }

    #[test]
    fn pow_with_value_exponent() {
        let points: &[&[f64]] = &[&[0.5, 2.0], &[1.7, -1.3], &[3.0, 0.5], &[2.2, 0.0]];
        check_op("a.pow(b)", |x| x[0].pow(x[1]), |x| x[0].powf(x[1]), points);
        check_op("a.pow(2.5)", |x| x[0].pow(2.5), |x| x[0].powf(2.5), points);
        check_op(
            "constant.pow(b)",
            |x| Value::constant(1.8).pow(x[1]),
            |x| 1.8f64.powf(x[1]),
            points,
        );
        check_op("a.pow(a)", |x| x[0].pow(x[0]), |x| x[0].powf(x[0]), points);
    }

    #[test]
    fn tanh_sigmoid() {
        let points: &[&[f64]] = &[&[-3.0], &[-0.6], &[0.0], &[0.4], &[2.5], &[8.0]];
        check_same!("tanh", |x| x[0].tanh(), points);
        check_op(
            "sigmoid",
            |x| x[0].sigmoid(),
            |x| 1.0 / (1.0 + (-x[0]).exp()),
            points,
        );
    }

    #[test]
    fn relu_abs_away_from_zero() {
        check_op("relu", |x| x[0].relu(), |x| x[0].max(0.0), UNARY_POINTS);
        check_same!("abs", |x| x[0].abs(), UNARY_POINTS);
    }

    #[test]
    fn sin_cos() {
        let points: &[&[f64]] = &[&[-2.0], &[0.0], &[0.7], &[3.0], &[10.0]];
        check_same!("sin", |x| x[0].sin(), points);
        check_same!("cos", |x| x[0].cos(), points);
    }

    #[test]
    fn value_custom() {
        // softplus(x) = ln(1 + e^x), derivative sigmoid(x).
        check_op(
            "Value::custom (softplus)",
            |x| x[0].custom((1.0 + x[0].data().exp()).ln(), x[0].sigmoid().data()),
            |x| (1.0 + x[0].exp()).ln(),
            UNARY_POINTS,
        );
    }

    #[test]
    fn tape_custom() {
        // a·b + 3, with a constant parent on no tape that contributes no edge.
        check_op(
            "Tape::custom (a·b + 3)",
            |x| {
                let (a, b) = (x[0], x[1]);
                let tape = a.tape().unwrap();
                tape.custom(
                    a.data() * b.data() + 3.0,
                    &[(a, b.data()), (Value::constant(3.0), 1.0), (b, a.data())],
                )
            },
            |x| x[0] * x[1] + 3.0,
            BINARY_POINTS,
        );
        // The same parent twice: its local derivatives add up.
        check_op(
            "Tape::custom (a²)",
            |x| {
                let a = x[0];
                a.tape()
                    .unwrap()
                    .custom(a.data() * a.data(), &[(a, a.data()), (a, a.data())])
            },
            |x| x[0] * x[0],
            UNARY_POINTS,
        );
    }

    const FOUR_POINTS: &[&[f64]] = &[&[0.5, -1.2, 2.0, 0.3], &[-3.0, 0.7, -0.4, 1.9]];

    #[test]
    fn fused_sum() {
        check_op(
            "sum",
            |x| sum(&[x[0], x[1] * x[2], Value::constant(2.0), x[3], x[0]]),
            |x| x[0] + x[1] * x[2] + 2.0 + x[3] + x[0],
            FOUR_POINTS,
        );
        let tape = Tape::new();
        let xs = tape.vars(&[1.0, 2.0, 3.0]);
        let s = sum(&xs);
        assert_eq!((s.data(), s.op(), tape.len()), (6.0, Some(Op::Sum), 4));
        let empty = sum(&[]);
        assert_eq!((empty.data(), empty.index()), (0.0, None));
    }

    #[test]
    fn fused_dot() {
        check_op(
            "dot",
            |x| dot(&[x[0], x[1]], &[x[2], x[3]]),
            |x| x[0] * x[2] + x[1] * x[3],
            FOUR_POINTS,
        );
        check_op(
            "dot with a shared value",
            |x| dot(&[x[0], x[1], x[2]], &[x[1], x[1], x[0]]),
            |x| x[0] * x[1] + x[1] * x[1] + x[2] * x[0],
            FOUR_POINTS,
        );
    }

    #[test]
    fn fused_affine_with_constants() {
        check_op(
            "affine, constant weight and input, value bias",
            |x| {
                affine(
                    &[x[0], Value::constant(2.0), x[1]],
                    &[Value::constant(-1.5), x[2], x[1]],
                    x[3],
                )
            },
            |x| (x[0] * -1.5 + 2.0 * x[2] + x[1] * x[1]) + x[3],
            FOUR_POINTS,
        );
        check_op(
            "affine, f64 bias",
            |x| affine(&[x[0], x[1]], &[x[2], x[3]], 0.25),
            |x| x[0] * x[2] + x[1] * x[3] + 0.25,
            FOUR_POINTS,
        );
        let tape = Tape::new();
        let w = tape.vars(&[1.0, 2.0]);
        let n = affine(&w, &[Value::constant(3.0), Value::constant(4.0)], 0.5);
        // One node with only the two weights as parents.
        assert_eq!((n.data(), n.op(), tape.len()), (11.5, Some(Op::Dot), 3));
        assert_eq!(n.backward().wrt_all(&w), vec![3.0, 4.0]);
    }

    #[test]
    fn iterator_sum_and_product() {
        check_same!("Iterator::sum", |x| x.iter().copied().sum(), FOUR_POINTS);
        check_same!("Iterator::sum by ref", |x| x.iter().sum(), FOUR_POINTS);
        check_same!(
            "Iterator::product",
            |x| x.iter().copied().product(),
            FOUR_POINTS
        );
        check_same!(
            "Iterator::product by ref",
            |x| x.iter().product(),
            FOUR_POINTS
        );
        check_same!("sum of one element", |x| x[..1].iter().sum(), UNARY_POINTS);

        let empty_sum: Value = std::iter::empty::<Value>().sum();
        let empty_product: Value = std::iter::empty::<Value>().product();
        assert_eq!((empty_sum.data(), empty_sum.index()), (0.0, None));
        assert_eq!((empty_product.data(), empty_product.index()), (1.0, None));
        let none: &[Value] = &[];
        let (by_ref_sum, by_ref_product): (Value, Value) =
            (none.iter().sum(), none.iter().product());
        assert_eq!((by_ref_sum.data(), by_ref_sum.index()), (0.0, None));
        assert_eq!((by_ref_product.data(), by_ref_product.index()), (1.0, None));
        // An empty sum behaves as the constant 0 on no tape when mixed in.
        let tape = Tape::new();
        let x = tape.var(3.0);
        let y = x * 2.0 + empty_sum + empty_product;
        assert_eq!((y.data(), y.backward().wrt(x)), (7.0, 2.0));
    }

    #[test]
    fn crate_gradient_check_agrees_on_every_unary_op() {
        type Op1 = for<'t> fn(Value<'t>) -> Value<'t>;
        let ops: [(&str, Op1, &[f64]); 16] = [
            ("neg", |x| -x, &[-1.2, 0.7]),
            ("exp", |x| x.exp(), &[-1.2, 0.7]),
            ("ln", |x| x.ln(), &[0.3, 2.0]),
            ("sqrt", |x| x.sqrt(), &[0.3, 2.0]),
            ("powi(-2)", |x| x.powi(-2), &[-1.2, 0.7]),
            ("powi(4)", |x| x.powi(4), &[-1.2, 0.7]),
            ("powf(1.5)", |x| x.powf(1.5), &[0.3, 2.0]),
            ("pow(x)", |x| x.pow(x), &[0.3, 2.0]),
            ("tanh", |x| x.tanh(), &[-1.2, 0.7]),
            ("sigmoid", |x| x.sigmoid(), &[-1.2, 0.7]),
            ("relu", |x| x.relu(), &[0.4, 1.3]),
            ("abs", |x| x.abs(), &[-1.2, 0.7]),
            ("sin", |x| x.sin(), &[-1.2, 0.7]),
            ("cos", |x| x.cos(), &[-1.2, 0.7]),
            ("recip", |x| x.recip(), &[-1.2, 0.7]),
            ("tanh(x)·sin(x)/x", |x| x.tanh() * x.sin() / x, &[-1.2, 0.7]),
        ];
        let strict = GradCheckConfig {
            atol: 1e-7,
            rtol: 1e-6,
            ..GradCheckConfig::default()
        };
        for (name, op, points) in ops {
            for &p in points {
                let report = check_gradients_with(|x| op(x[0]), &[p], strict);
                assert!(report.passed(), "{name} at {p}:\n{report}");
                assert!(
                    report.inputs[0].analytic != 0.0,
                    "{name} at {p}: zero gradient"
                );
            }
        }
    }

    #[test]
    fn crate_gradient_check_on_a_mixed_expression() {
        let report = check_gradients(
            |x| {
                let (a, b, c) = (x[0], x[1], x[2]);
                let s = sum(&[a * b, b.sigmoid(), (c * c + 1.0).ln()]);
                (s / (1.0 + c.exp())).tanh() + a.pow(b * 0.5) - 2.0 / b
            },
            &[0.8, -1.3, 0.4],
        );
        assert!(report.passed(), "{report}");
        assert_eq!(report.inputs.len(), 3);
        assert!(report.worst_rel_error() < 1e-6, "{report}");
    }
}

mod reuse {
    use super::*;

    #[test]
    fn x_times_x() {
        let tape = Tape::new();
        let x = tape.var(3.0);
        let y = x * x;
        assert_eq!((y.data(), y.backward().wrt(x)), (9.0, 6.0));
    }

    #[test]
    fn a_plus_a() {
        let tape = Tape::new();
        let a = tape.var(-1.5);
        let y = a + a;
        assert_eq!((y.data(), y.backward().wrt(a)), (-3.0, 2.0));
    }

    #[test]
    // `a - a` and `x / x` are the point: the two edges to one node must cancel exactly.
    #[allow(clippy::eq_op)]
    fn a_minus_a_and_x_over_x_are_exactly_zero() {
        let tape = Tape::new();
        let a = tape.var(0.3);
        let y = a - a;
        let g = y.backward();
        assert_eq!((y.data(), g.wrt(a)), (0.0, 0.0));

        let x = tape.var(7.3);
        let q = x / x;
        assert_eq!((q.data(), q.backward().wrt(x)), (1.0, 0.0));
    }

    #[test]
    fn doubled_twice() {
        let tape = Tape::new();
        let a = tape.var(3.0);
        let b = a + a;
        let c = b + b;
        let g = c.backward();
        assert_eq!((c.data(), g.wrt(a), g.wrt(b)), (12.0, 4.0, 2.0));
    }

    #[test]
    fn diamond() {
        // a → b = 2a, a → c = a², d = b·c = 2a³, dd/da = 6a².
        let tape = Tape::new();
        let a = tape.var(2.0);
        let b = a * 2.0;
        let c = a * a;
        let d = b * c;
        let g = d.backward();
        assert_eq!(d.data(), 16.0);
        assert_eq!(g.wrt(a), 24.0);
        assert_eq!((g.wrt(b), g.wrt(c)), (4.0, 4.0));
    }

    #[test]
    fn reused_intermediate() {
        // t = x·y is used four times: z = t·t + 3t + relu(t).
        let tape = Tape::new();
        let (x, y) = (tape.var(2.0), tape.var(-1.0));
        let t = x * y; // -2
        let z = t * t + 3.0 * t + t.relu(); // 4 - 6 + 0 = -2; dz/dt = 2t + 3 + 0 = -1
        let g = z.backward();
        assert_eq!(z.data(), -2.0);
        assert_eq!(g.wrt(t), -1.0);
        assert_eq!((g.wrt(x), g.wrt(y)), (1.0, -2.0)); // dz/dt · y, dz/dt · x
    }

    #[test]
    fn long_fan_in_accumulates() {
        let tape = Tape::new();
        let x = tape.var(0.5);
        let y: Value = (0..1000).map(|_| x).sum();
        let g = y.backward();
        assert_eq!((y.data(), g.wrt(x)), (500.0, 1000.0));
        assert_eq!(tape.len(), 1000); // x and 999 additions
    }
}

mod contract {
    use super::*;

    #[test]
    fn backward_twice_gives_identical_gradients() {
        let tape = Tape::new();
        let (a, b) = (tape.var(0.7), tape.var(-1.9));
        let y = (a * b).tanh() + a.exp() * b.sigmoid();
        let g1 = y.backward();
        let g2 = y.backward();
        assert_eq!(g1, g2);
        let bits = |g: &Gradients| g.as_slice().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&g1), bits(&g2));
        assert_eq!(g1.as_slice().len(), tape.len());

        let mut g3 = Gradients::new();
        tape.backward_into(y, &mut g3);
        tape.backward_into(y, &mut g3);
        assert_eq!(g3, g1);
    }

    #[test]
    fn unreached_inputs_have_exactly_zero_gradient() {
        let tape = Tape::new();
        let (a, unused, b) = (tape.var(2.0), tape.var(f64::INFINITY), tape.var(5.0));
        let side = unused.ln() * a; // depends on a but does not reach y
        let y = a * b;
        let g = y.backward();
        assert_eq!((g.wrt(a), g.wrt(b)), (5.0, 2.0));
        assert_eq!(g.wrt(unused).to_bits(), 0.0f64.to_bits());
        assert_eq!(g.wrt(side).to_bits(), 0.0f64.to_bits());
    }

    /// A gradient is `+0.0` plus its contributions in IEEE arithmetic, whether an edge goes to
    /// the node just before or further back: down to the sign of a zero.
    #[test]
    fn gradients_are_plus_zero_plus_their_contributions_down_to_the_sign_of_zero() {
        let tape = Tape::new();
        let x = tape.var(1.5);
        let far = tape.var(2.0);
        let y = x * 0.0; // d/dx = +0
        let z = y * -3.0; // parent just before: dz/dy = -3
        let w = far + 1.0; // an unrelated node in between
        let out = z * 2.0 + w * 0.0; // z is not the node just before
        let g = out.backward();
        assert_eq!(g.wrt(z).to_bits(), 2.0f64.to_bits());
        assert_eq!(g.wrt(y).to_bits(), (-6.0f64).to_bits());
        // +0 × (−6) = −0, and +0 + (−0) = +0.
        assert_eq!(g.wrt(x).to_bits(), 0.0f64.to_bits());
        // w reaches the output with local derivative 0: 0 × 1 = +0, and so for far.
        assert_eq!(g.wrt(w).to_bits(), 0.0f64.to_bits());
        assert_eq!(g.wrt(far).to_bits(), 0.0f64.to_bits());

        // A nonzero gradient passed down a chain, node to node, is exact: a chain of 60
        // halvings ends at 2⁻⁶⁰.
        let t = Tape::new();
        let a = t.var(1.0);
        let mut v = a;
        for _ in 0..60 {
            v *= 0.5;
        }
        assert_eq!(v.backward().wrt(a), 0.5f64.powi(60));
    }

    #[test]
    fn values_created_after_the_output_have_zero_gradient() {
        let tape = Tape::new();
        let x = tape.var(2.0);
        let y = x * 3.0;
        let g = y.backward();
        let later = tape.var(1.0);
        let uses_y = y * x;
        assert_eq!((g.wrt(later), g.wrt(uses_y)), (0.0, 0.0));
        assert_eq!(g.wrt(x), 3.0);
    }

    #[test]
    fn intermediate_gradients_are_readable() {
        let tape = Tape::new();
        let x = tape.var(3.0);
        let h = x * x; // 9
        let y = h.ln(); // dy/dh = 1/9
        let g = y.backward();
        assert_eq!(g.wrt(y), 1.0);
        assert_eq!(g.wrt(h), 1.0 / 9.0);
        assert_eq!(g[h], 1.0 / 9.0);
        assert_close(g.wrt(x), 2.0 / 3.0, 1e-15);
    }

    #[test]
    fn constants_have_zero_gradient() {
        let tape = Tape::new();
        let x = tape.var(2.0);
        let c = Value::constant(4.0);
        let k = tape.constant(5.0);
        let y = x * c + k * x;
        let g = y.backward();
        assert_eq!(g.wrt(x), 9.0);
        assert_eq!((g.wrt(c), g[c], g.wrt(Value::from(4.0))), (0.0, 0.0, 0.0));
        // A recorded constant has a readable gradient but is still a constant leaf.
        assert_eq!((g.wrt(k), k.op()), (2.0, Some(Op::Const)));
    }

    #[test]
    fn backward_of_a_constant_is_all_zeros() {
        let tape = Tape::new();
        let x = tape.var(2.0);
        let _y = x * x;
        let c = Value::constant(3.0) * 2.0;
        let g = c.backward();
        assert_eq!((c.data(), g.wrt(x), g.wrt(c)), (6.0, 0.0, 0.0));
        assert!(g.as_slice().is_empty());

        // backward_into with a constant output empties a store that held gradients.
        let mut store = (x * x).backward();
        assert_eq!(store.wrt(x), 4.0);
        tape.backward_into(c, &mut store);
        assert_eq!(store.wrt(x), 0.0);
        assert!(store.as_slice().is_empty());
    }

    #[test]
    fn backward_into_after_clear_matches_backward() {
        let mut tape = Tape::new();
        let mut store = Gradients::new();
        for step in 1..4 {
            tape.clear();
            let x = tape.var(f64::from(step));
            let y = x.powi(3) - x;
            tape.backward_into(y, &mut store);
            assert_eq!(store.wrt(x), 3.0 * f64::from(step * step) - 1.0);
            assert_eq!(store, y.backward());
        }
    }

    /// Leaves recorded in the middle of a graph (one read alone by the next node) and a
    /// `Tape::custom` node with no recorded input, a leaf too, get their pinned gradients
    /// through reuse, a fused node and a recorded constant.
    #[test]
    fn leaves_recorded_mid_graph_and_a_custom_leaf_get_their_gradients() {
        let tape = Tape::new();
        let xs = tape.vars(&[0.7, -1.3, 2.5]);
        let k = tape.constant(0.25);
        let p = xs[0] * xs[1];
        let t = p.tanh();
        let h = t * 3.0 + 1.0;
        let late = tape.var(-0.5);
        let lh = late * h;
        let m = sum(&[h, xs[2], lh]) * k;
        let e = m.exp();
        let mid = tape.var(0.3);
        let s = mid.sin();
        let cu = tape.custom(2.0, &[(Value::constant(1.0), 3.0)]);
        let c3 = cu * 1.5;
        let y = e - xs[0] / m + h.powi(2) * s + c3;
        let g = y.backward();
        // dy/d(late) through m only.
        let dm = m.data().exp() + xs[0].data() / (m.data() * m.data());
        assert_close(g.wrt(late), dm * k.data() * h.data(), 1e-14);
        assert_eq!(g.wrt(cu), 1.5);
        assert_close(g.wrt(mid), h.data().powi(2) * 0.3f64.cos(), 1e-14);
    }

    /// `wrt_all` gives what `wrt` gives, in order: values recorded after the output and
    /// constants read 0, a repeated value its gradient twice, and a leaf output 1 to itself.
    #[test]
    fn wrt_all_reads_later_values_constants_and_repeats() {
        let tape = Tape::new();
        let x = tape.var(2.0);
        let y = x * x * 3.0; // dy/dx = 12
        let after = tape.var(1.0);
        let c = Value::constant(4.0);
        let g = y.backward();
        assert_eq!(g.wrt_all(&[x, after, c, x]), vec![12.0, 0.0, 0.0, 12.0]);
        assert_eq!(g.wrt_all(&[]), Vec::<f64>::new());
        assert_eq!(x.backward().wrt_all(&[x, after]), vec![1.0, 0.0]);
    }
}

mod deep {
    use super::*;

    /// Runs `f` on a thread with a 256 KiB stack, re-raising its panic.
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .expect("spawn a small-stack thread");
        if let Err(panic) = handle.join() {
            std::panic::resume_unwind(panic);
        }
    }

    #[test]
    fn million_op_affine_chain_on_a_small_stack() {
        on_small_stack(|| {
            const STEPS: i32 = 500_000; // two ops each
            let (a, b, x0): (f64, f64, f64) = (1.000_000_1, 1e-7, 0.5);
            let tape = Tape::new();
            let (value, grad) = {
                let x = tape.var(x0);
                let mut v = x;
                for _ in 0..STEPS {
                    v = v * a + b;
                }
                assert_eq!(tape.len(), 1_000_001);
                (v.data(), v.backward().wrt(x))
            };
            drop(tape);
            let an = a.powi(STEPS);
            assert_close(grad, an, 1e-9);
            assert_close(value, an * x0 + b * (an - 1.0) / (a - 1.0), 1e-9);
        });
    }

    #[test]
    fn million_node_product_chain_on_a_small_stack() {
        on_small_stack(|| {
            const N: i32 = 1_000_000;
            let x0: f64 = 1.000_000_1;
            let tape = Tape::new();
            let (value, grad) = {
                let x = tape.var(x0);
                let mut v = x;
                for _ in 1..N {
                    v *= x;
                }
                assert_eq!(tape.len(), 1_000_000);
                (v.data(), v.backward().wrt(x))
            };
            drop(tape);
            assert_close(value, x0.powi(N), 1e-9);
            assert_close(grad, f64::from(N) * x0.powi(N - 1), 1e-9);
        });
    }

    #[test]
    fn dot_export_and_trace_of_a_long_chain_on_a_small_stack() {
        on_small_stack(|| {
            const N: usize = 100_000;
            let tape = Tape::new();
            let x = tape.var(1.0);
            let mut v = x;
            for i in 1..N {
                v = if i % 2 == 0 { v * 1.0 } else { v + 1.0 };
            }
            let dot = v.to_dot(None);
            assert_eq!(dot.matches("[shape=record").count(), N);
            // Per op node: the op → value arrow and one parent arrow.
            assert_eq!(dot.matches(" -> ").count(), 2 * (N - 1));
            assert!(dot.contains(&format!("\"n{}\" -> \"op{}\"", N - 2, N - 1)));

            let (grads, trace) = v.backward_traced();
            assert_eq!(trace.steps().len(), N);
            assert_eq!(trace.steps()[0].node, N - 1);
            assert_eq!(trace.steps()[N - 1].node, 0);
            assert_eq!(grads.wrt(x), 1.0);
            assert_eq!(v.data(), 1.0 + (N / 2) as f64);
        });
    }
}

mod edge_values {
    use super::*;

    /// The value and its derivative for `op` at `x`.
    fn at(x: f64, op: impl for<'t> Fn(Value<'t>) -> Value<'t>) -> (f64, f64) {
        let tape = Tape::new();
        let v = tape.var(x);
        let y = op(v);
        (y.data(), y.backward().wrt(v))
    }

    #[test]
    fn kinks_follow_the_documented_conventions() {
        assert_eq!(at(0.0, |x| x.relu()), (0.0, 0.0));
        assert_eq!(at(0.0, |x| x.abs()), (0.0, 0.0));
        assert_eq!(at(0.0, |x| x.sqrt()), (0.0, f64::INFINITY));
        assert_eq!(at(0.0, |x| x.powi(0)), (1.0, 0.0));
        assert_eq!(at(0.0, |x| x.powf(0.0)), (1.0, 0.0));
        assert_eq!(at(0.0, |x| x.pow(0.0)), (1.0, 0.0));
    }

    #[test]
    fn negative_zero_follows_the_same_conventions() {
        // -0.0 == 0.0, and it turns up naturally, e.g. as `-x` at x = 0.
        assert_eq!(at(-0.0, |x| x.relu()), (0.0, 0.0));
        assert_eq!(at(-0.0, |x| x.abs()), (0.0, 0.0));
        assert_eq!(at(-0.0, |x| x.sqrt()), (0.0, f64::INFINITY));
        assert_eq!(at(-0.0, |x| x.ln()), (f64::NEG_INFINITY, f64::INFINITY));
        assert_eq!(at(-0.0, |x| x.powi(0)), (1.0, 0.0));
        // Through `-x` at x = 0, the sign flips with the chain rule: d/dx sqrt(-x) = -inf.
        assert_eq!(at(0.0, |x| (-x).sqrt()), (0.0, f64::NEG_INFINITY));
    }

    #[test]
    fn saturated_tanh_and_sigmoid_have_zero_gradient() {
        assert_eq!(at(1000.0, |x| x.tanh()), (1.0, 0.0));
        assert_eq!(at(-1000.0, |x| x.tanh()), (-1.0, 0.0));
        assert_eq!(at(1000.0, |x| x.sigmoid()), (1.0, 0.0));
        assert_eq!(at(-1000.0, |x| x.sigmoid()), (0.0, 0.0));
        // In the tails sigmoid keeps relative precision: σ(-40) ≈ e^-40.
        let (s, d) = at(-40.0, |x| x.sigmoid());
        assert_close(s / (-40f64).exp(), 1.0, 1e-15);
        assert_close(d / (-40f64).exp(), 1.0, 1e-15);
        assert_eq!(at(0.0, |x| x.sigmoid()), (0.5, 0.25));
    }

    #[test]
    fn ln_at_zero_and_below() {
        assert_eq!(at(0.0, |x| x.ln()), (f64::NEG_INFINITY, f64::INFINITY));
        let (y, d) = at(-1.0, |x| x.ln());
        assert!(y.is_nan() && d.is_nan(), "ln(-1) gave {y}, {d}");
        let (y, d) = at(-1.0, |x| x.sqrt());
        assert!(y.is_nan() && d.is_nan(), "sqrt(-1) gave {y}, {d}");
    }

    /// `a.pow(b)` and its two partial derivatives.
    fn pow_at(a: f64, b: f64) -> (f64, f64, f64) {
        let tape = Tape::new();
        let (va, vb) = (tape.var(a), tape.var(b));
        let y = va.pow(vb);
        let g = y.backward();
        (y.data(), g.wrt(va), g.wrt(vb))
    }

    #[test]
    fn pow_at_zero_base_and_negative_base() {
        assert_eq!(pow_at(0.0, 2.0), (0.0, 0.0, 0.0));
        assert_eq!(pow_at(0.0, 1.0), (0.0, 1.0, 0.0));
        assert_eq!(pow_at(0.0, 0.5), (0.0, f64::INFINITY, 0.0));
        // d/db 0^b at b = 0 is 0, as in PyTorch and JAX (it was NaN).
        assert_eq!(pow_at(0.0, 0.0), (1.0, 0.0, 0.0));
        assert_eq!(pow_at(-0.0, 0.0), (1.0, 0.0, 0.0));
        let (y, da, db) = pow_at(0.0, -1.0);
        assert!(
            (y, da) == (f64::INFINITY, f64::NEG_INFINITY) && db.is_nan(),
            "0^-1: {y}, {da}, {db}"
        );
        let (y, da, db) = pow_at(-2.0, 3.0);
        assert!(
            (y, da) == (-8.0, 12.0) && db.is_nan(),
            "(-2)^3: {y}, {da}, {db}"
        );
        let (y, da, db) = pow_at(-2.0, 0.5);
        assert!(
            y.is_nan() && da.is_nan() && db.is_nan(),
            "(-2)^0.5: {y}, {da}, {db}"
        );
    }

    #[test]
    fn nan_in_gives_nan_value_and_nan_gradients_for_every_op() {
        type Op2 = for<'t> fn(Value<'t>, Value<'t>) -> Value<'t>;
        // (name, whether the op uses y = 2, the op on x = NaN and y)
        let ops: &[(&str, bool, Op2)] = &[
            ("x + y", true, |x, y| x + y),
            ("x + 1", false, |x, _| x + 1.0),
            ("1 + x", false, |x, _| 1.0 + x),
            ("x - y", true, |x, y| x - y),
            ("1 - x", false, |x, _| 1.0 - x),
            ("x * y", true, |x, y| x * y),
            ("x * 0", false, |x, _| x * 0.0),
            ("0 * x", false, |x, _| 0.0 * x),
            ("x / y", true, |x, y| x / y),
            ("y / x", true, |x, y| y / x),
            ("2 / x", false, |x, _| 2.0 / x),
            ("x += y", true, |mut x, y| {
                x += y;
                x
            }),
            ("x *= 2", false, |mut x, _| {
                x *= 2.0;
                x
            }),
            ("-x", false, |x, _| -x),
            ("exp", false, |x, _| x.exp()),
            ("ln", false, |x, _| x.ln()),
            ("sqrt", false, |x, _| x.sqrt()),
            ("powi(2)", false, |x, _| x.powi(2)),
            ("powi(-1)", false, |x, _| x.powi(-1)),
            ("powf(1.5)", false, |x, _| x.powf(1.5)),
            ("x.pow(y)", true, |x, y| x.pow(y)),
            ("y.pow(x)", true, |x, y| y.pow(x)),
            ("tanh", false, |x, _| x.tanh()),
            ("sigmoid", false, |x, _| x.sigmoid()),
            ("relu", false, |x, _| x.relu()),
            ("abs", false, |x, _| x.abs()),
            ("sin", false, |x, _| x.sin()),
            ("cos", false, |x, _| x.cos()),
            ("recip", false, |x, _| x.recip()),
            ("custom", false, |x, _| x.custom(x.data() * 2.0, 2.0)),
            ("Tape::custom", true, |x, y| {
                x.tape()
                    .unwrap()
                    .custom(x.data() + y.data(), &[(x, 1.0), (y, 1.0)])
            }),
            ("sum", true, |x, y| sum(&[y, x, y])),
            ("dot", true, |x, y| dot(&[x, y], &[y, y])),
            ("affine", true, |x, y| affine(&[y], &[y], x)),
            ("Iterator::sum", true, |x, y| [y, x].into_iter().sum()),
            ("Iterator::product", true, |x, y| {
                [y, x].into_iter().product()
            }),
        ];
        for &(name, uses_y, op) in ops {
            let tape = Tape::new();
            let (x, y) = (tape.var(f64::NAN), tape.var(2.0));
            let out = op(x, y);
            let g = out.backward();
            assert!(out.data().is_nan(), "{name}: value {}", out.data());
            assert!(g.wrt(x).is_nan(), "{name}: gradient {}", g.wrt(x));
            if uses_y {
                assert!(g.wrt(y).is_nan(), "{name}: gradient wrt y {}", g.wrt(y));
            } else {
                assert_eq!(g.wrt(y), 0.0, "{name}: y does not reach the output");
            }
        }
    }

    #[test]
    fn nan_to_the_power_zero_is_one_like_f64() {
        // f64 defines NaN^0 = 1, so these results are numbers, and d/dx x^0 = 0.
        assert_eq!(f64::NAN.powi(0), 1.0);
        assert_eq!(at(f64::NAN, |x| x.powi(0)), (1.0, 0.0));
        assert_eq!(at(f64::NAN, |x| x.powf(0.0)), (1.0, 0.0));
    }

    #[test]
    fn nan_result_from_finite_inputs_has_nan_gradients() {
        let tape = Tape::new();
        let (a, b) = (tape.var(0.0), tape.var(0.0));
        let q = a / b;
        let g = q.backward();
        assert!(q.data().is_nan() && g.wrt(a).is_nan() && g.wrt(b).is_nan());
        let i = tape.var(f64::INFINITY);
        let z = i - i;
        let g = z.backward();
        assert!(z.data().is_nan() && g.wrt(i).is_nan());
    }
}

mod misuse {
    use super::*;

    #[test]
    #[should_panic(expected = "two different tapes")]
    fn operator_with_two_tapes_panics() {
        let (t1, t2) = (Tape::new(), Tape::new());
        let _ = t1.var(1.0) * t2.var(2.0);
    }

    #[test]
    #[should_panic(expected = "`pow` combined values from two different tapes")]
    fn pow_with_two_tapes_panics() {
        let (t1, t2) = (Tape::new(), Tape::new());
        let _ = t1.var(1.0).pow(t2.var(2.0));
    }

    #[test]
    #[should_panic(expected = "`sum` combined values from two different tapes")]
    fn sum_with_two_tapes_panics() {
        let (t1, t2) = (Tape::new(), Tape::new());
        let _ = sum(&[t1.var(1.0), Value::constant(1.0), t2.var(2.0)]);
    }

    #[test]
    #[should_panic(expected = "`affine` combined values from two different tapes")]
    fn affine_with_two_tapes_panics() {
        let (t1, t2) = (Tape::new(), Tape::new());
        let _ = affine(&[t1.var(1.0)], &[t1.var(1.0)], t2.var(2.0));
    }

    #[test]
    #[should_panic(expected = "`Tape::custom` combined values from two different tapes")]
    fn tape_custom_with_another_tapes_value_panics() {
        let (t1, t2) = (Tape::new(), Tape::new());
        let _ = t1.custom(1.0, &[(t2.var(1.0), 1.0)]);
    }

    #[test]
    #[should_panic(expected = "different tape than the output")]
    fn gradients_wrt_a_value_of_another_tape_panics() {
        let (t1, t2) = (Tape::new(), Tape::new());
        let g = (t1.var(1.0) * 2.0).backward();
        let _ = g.wrt(t2.var(1.0));
    }

    #[test]
    #[should_panic(expected = "the tape was cleared after these gradients were computed")]
    fn gradients_after_clear_panic() {
        let mut tape = Tape::new();
        let g = {
            let x = tape.var(1.0);
            (x * 2.0).backward()
        };
        tape.clear();
        let x = tape.var(1.0);
        let _ = g.wrt(x);
    }

    #[test]
    #[should_panic(expected = "got 2 weights and 3 inputs")]
    fn affine_with_mismatched_lengths_panics() {
        let tape = Tape::new();
        let _ = affine(&tape.vars(&[1.0, 2.0]), &tape.vars(&[1.0, 2.0, 3.0]), 0.0);
    }

    #[test]
    #[should_panic(expected = "got 3 weights and 1 inputs")]
    fn dot_with_mismatched_lengths_panics() {
        let tape = Tape::new();
        let _ = dot(&tape.vars(&[1.0, 2.0, 3.0]), &tape.vars(&[1.0]));
    }

    #[test]
    #[should_panic(expected = "output is recorded on a different tape")]
    fn backward_into_with_another_tapes_output_panics() {
        let (t1, t2) = (Tape::new(), Tape::new());
        let mut g = Gradients::new();
        t1.backward_into(t2.var(1.0), &mut g);
    }
}

mod teaching {
    use super::*;

    #[test]
    fn to_dot_shows_every_reaching_node_and_edge() {
        let tape = Tape::new();
        let a = tape.var(2.0).with_label("a");
        let b = tape.var(-3.0).with_label("b");
        let unused = tape.var(5.0).with_label("unused");
        let c = (a * b).with_label("c");
        let d = (c + 1.0).with_label("d");
        let _after = d * unused;
        let dot = d.to_dot(Some(&d.backward()));
        for line in [
            "digraph tapegrad {\n",
            "  \"n0\" [shape=record, label=\"{ a | data 2.0000 | grad -3.0000 }\"];\n",
            "  \"n1\" [shape=record, label=\"{ b | data -3.0000 | grad 2.0000 }\"];\n",
            "  \"n3\" [shape=record, label=\"{ c | data -6.0000 | grad 1.0000 }\"];\n",
            "  \"op3\" [shape=oval, label=\"*\"];\n",
            "  \"op3\" -> \"n3\";\n",
            "  \"n0\" -> \"op3\";\n",
            "  \"n1\" -> \"op3\";\n",
            "  \"n4\" [shape=record, label=\"{ d | data -5.0000 | grad 1.0000 }\"];\n",
            "  \"op4\" [shape=oval, label=\"c + 1\"];\n",
            "  \"op4\" -> \"n4\";\n",
            "  \"n3\" -> \"op4\";\n",
        ] {
            assert!(dot.contains(line), "missing {line:?} in\n{dot}");
        }
        assert!(dot.ends_with("}\n"), "{dot}");
        assert_eq!(dot.matches(" -> ").count(), 5, "{dot}");
        assert!(!dot.contains("unused") && !dot.contains("\"n2\""), "{dot}");
        assert!(!dot.contains("\"n5\"") && !dot.contains("\"op5\""), "{dot}");

        let plain = d.to_dot(None);
        assert!(plain.contains("label=\"{ a | data 2.0000 }\""), "{plain}");
        assert!(!plain.contains("| grad"), "{plain}");
    }

    #[test]
    fn to_dot_escapes_labels_and_draws_constants() {
        let tape = Tape::new();
        let x = tape.var(1.0).with_label("x|\"y\"");
        let dot = x.exp().to_dot(None);
        assert!(dot.contains("{ x\\|\\\"y\\\" | data 1.0000 }"), "{dot}");
        assert!(dot.contains("label=\"exp\""), "{dot}");
        let c = Value::constant(3.0).to_dot(None);
        assert!(
            c.contains("\"c\" [shape=record, label=\"{ const | data 3.0000 }\"];"),
            "{c}"
        );
    }

    /// out = (x·y + x)², at x = 3, y = -2.
    fn traced() -> (Gradients, tapegrad::BackwardTrace) {
        let tape = Tape::new();
        let x = tape.var(3.0).with_label("x");
        let y = tape.var(-2.0).with_label("y");
        let z = (x * y).with_label("z");
        let w = (z + x).with_label("w");
        let out = (w * w).with_label("out");
        out.backward_traced()
    }

    /// A pass of `local × upstream` to `parent`, whose gradient is `total` after it.
    fn pass(
        parent: usize,
        name: &str,
        data: f64,
        local: f64,
        upstream: f64,
        total: f64,
    ) -> TracePass {
        TracePass {
            parent,
            parent_name: name.to_string(),
            parent_data: data,
            local,
            upstream,
            contribution: local * upstream,
            total,
        }
    }

    #[test]
    fn backward_traced_records_every_step() {
        let (grads, trace) = traced();
        assert_eq!(grads.as_slice(), &[6.0, -18.0, -6.0, -6.0, 1.0]);
        let step =
            |node: usize, name: &str, op, expr: Option<&str>, data, grad, passes| TraceStep {
                node,
                name: name.to_string(),
                op,
                expression: expr.map(str::to_string),
                data,
                grad,
                passes,
            };
        let expected = vec![
            step(
                4,
                "out",
                Op::Mul,
                Some("w * w"),
                9.0,
                1.0,
                vec![
                    pass(3, "w", -3.0, -3.0, 1.0, -3.0),
                    pass(3, "w", -3.0, -3.0, 1.0, -6.0),
                ],
            ),
            step(
                3,
                "w",
                Op::Add,
                Some("z + x"),
                -3.0,
                -6.0,
                vec![
                    pass(2, "z", -6.0, 1.0, -6.0, -6.0),
                    pass(0, "x", 3.0, 1.0, -6.0, -6.0),
                ],
            ),
            step(
                2,
                "z",
                Op::Mul,
                Some("x * y"),
                -6.0,
                -6.0,
                vec![
                    pass(0, "x", 3.0, -2.0, -6.0, 6.0),
                    pass(1, "y", -2.0, 3.0, -6.0, -18.0),
                ],
            ),
            step(1, "y", Op::Var, None, -2.0, -18.0, vec![]),
            step(0, "x", Op::Var, None, 3.0, 6.0, vec![]),
        ];
        assert_eq!(trace.steps(), expected.as_slice());
    }

    /// A node with one input and a plain constant shows the constant and its side (`f / 2`
    /// and `10 / f` look alike otherwise), in the trace and in the picture's oval; so do
    /// exponents and named custom operations.
    #[test]
    fn traces_and_pictures_show_constants_with_their_side() {
        let tape = Tape::new();
        let f = tape.var(49.0).with_label("f");
        let g = tape.var(2.0).with_label("g");
        let cases: [(Value<'_>, &str, &str); 18] = [
            (f / 2.0, "f / 2", "f / 2"),
            (10.0 / f, "10 / f", "10 / f"),
            (-10.0 / f, "-10 / f", "-10 / f"),
            (f / -0.5, "f / -0.5", "f / -0.5"),
            (f - 1.0, "f - 1", "f - 1"),
            (1.0 - f, "1 - f", "1 - f"),
            (3.0 * f, "3 * f", "3 * f"),
            (f * 3.0, "f * 3", "f * 3"),
            (f + 1e-12, "f + 1e-12", "f + 1e-12"),
            (0.0 / f, "0 / f", "0 / f"),
            (f.powi(2), "f**2", "f**2"),
            (f.powf(0.5), "f**0.5", "f**0.5"),
            (f.pow(3.0), "f**3", "f**3"),
            (Value::constant(2.0).pow(f), "2**f", "2**f"),
            (f - g, "f - g", "f - g"),
            (f.pow(g), "f**g", "f**g"),
            (f * g, "f * g", "*"),
            (
                f.custom_named("softplus", 49.0, 1.0),
                "softplus(f)",
                "softplus(f)",
            ),
        ];
        for (node, expression, oval) in cases {
            let node = node.with_label("y");
            let (_, trace) = node.backward_traced();
            let first = trace
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            assert!(
                first.starts_with(&format!("y = {expression}  data")),
                "{first}"
            );
            assert_eq!(trace.steps()[0].expression.as_deref(), Some(expression));
            let i = node.index().unwrap();
            let dot = node.to_dot(None);
            assert!(
                dot.contains(&format!("\"op{i}\" [shape=oval, label=\"{oval}\"]")),
                "{expression}: {dot}"
            );
        }
        // A zero input divided: 1 / 0 is inf, and its derivative -inf / 0 is -inf.
        let z = tape.var(0.0).with_label("z");
        let (_, trace) = (1.0 / z).with_label("y").backward_traced();
        assert!(
            trace.to_string().starts_with("y = 1 / z  data inf"),
            "{trace}"
        );
        // Many inputs, named: hypot(a, b) rather than custom(a, b).
        let h = tape.custom_named("hypot", 5.0, &[(f, 0.6), (g, 0.8)]);
        assert_eq!(
            h.backward_traced().1.steps()[0].expression.as_deref(),
            Some("hypot(f, g)")
        );
        let plain = tape.custom(5.0, &[(f, 0.6), (g, 0.8)]);
        assert_eq!(
            plain.backward_traced().1.steps()[0].expression.as_deref(),
            Some("custom(f, g)")
        );
    }

    /// The constants kept for display are forgotten with the rest by `clear`, and a new node
    /// at the same index shows nothing of them.
    #[test]
    fn clear_forgets_constants_and_names() {
        let mut tape = Tape::new();
        {
            let x = tape.var(1.0);
            let _ = (x / 2.0).custom_named("half", 0.5, 1.0);
        }
        tape.clear();
        let x = tape.var(1.0).with_label("x");
        let y = (x + x).with_label("y");
        let z = y.exp().with_label("z");
        let (_, trace) = z.backward_traced();
        let text = trace.to_string();
        assert!(text.starts_with("z = exp(y)  data"), "{text}");
        assert!(text.contains("y = x + x  data 2"), "{text}");
    }

    #[test]
    fn backward_trace_prints_the_chain_rule() {
        let (_, trace) = traced();
        let expected = "\
out = w * w  data 9  grad 1 (start: dout/dout = 1)
    w.grad += -3 × 1 = -3, now -3
    w.grad += -3 × 1 = -3, now -6
w = z + x  data -3  grad -6
    z.grad += 1 × -6 = -6, now -6
    x.grad += 1 × -6 = -6, now -6
z = x * y  data -6  grad -6
    x.grad += -2 × -6 = 12, now 6
    y.grad += 3 × -6 = -18, now -18
y (leaf)  data -2  grad -18
x (leaf)  data 3  grad 6
";
        assert_eq!(trace.to_string(), expected);

        let tape = Tape::new();
        let x = tape.var(0.5);
        let (_, t) = (x / 4.0).backward_traced();
        assert_eq!(
            t.to_string(),
            "#1 = #0 / 4  data 0.125000  grad 1 (start: d#1/d#1 = 1)\n    \
             #0.grad += 0.250000 × 1 = 0.250000, now 0.250000\n\
             #0 (leaf)  data 0.500000  grad 0.250000\n"
        );
    }

    #[test]
    fn backward_trace_skips_nodes_with_zero_gradient() {
        let tape = Tape::new();
        let a = tape.var(-1.0);
        let b = tape.var(2.0);
        let y = a.relu() * 3.0 + b;
        let (_, trace) = y.backward_traced();
        let nodes: Vec<usize> = trace.steps().iter().map(|s| s.node).collect();
        // y(#4) → b(#1) and a*3 (#3) → relu(#2) has gradient 3 but passes 0 → a is skipped.
        assert_eq!(nodes, vec![4, 3, 2, 1]);
        assert_eq!(
            trace.steps()[2].passes,
            vec![pass(0, "#0", -1.0, 0.0, 3.0, 0.0)]
        );
        // A constant on no tape has no node, so its trace has no step.
        assert!(Value::from(3.0).backward_traced().1.steps().is_empty());
    }

    #[test]
    fn gradient_check_flags_a_wrong_derivative() {
        // f(x0, x1) = x0·x1 + x1², with d(x1²)/dx1 recorded as 3 instead of 2·x1.
        let report = check_gradients(
            |x| x[0] * x[1] + x[1].custom(x[1].data() * x[1].data(), 3.0),
            &[1.5, -0.5],
        );
        assert!(!report.passed());
        assert_close(report.output, -0.5, 1e-15);
        let [good, bad] = report.inputs.as_slice() else {
            panic!("expected two inputs, got {report:?}");
        };
        assert!(good.passed, "{report}");
        assert_eq!(good.analytic, -0.5);
        assert!(!bad.passed, "{report}");
        assert_eq!(bad.analytic, 4.5); // x0 + 3
        assert_close(bad.numeric, 0.5, 1e-8); // x0 + 2·x1
        assert_close(bad.abs_error, 4.0, 1e-8);
        let text = report.to_string();
        assert!(text.contains("FAIL") && text.contains("WRONG"), "{text}");
        assert_eq!(text.matches("WRONG").count(), 1, "{text}");
    }

    #[test]
    fn gradient_check_passes_the_same_function_with_the_right_derivative() {
        let report = check_gradients(
            |x| x[0] * x[1] + x[1].custom(x[1].data() * x[1].data(), 2.0 * x[1].data()),
            &[1.5, -0.5],
        );
        assert!(report.passed(), "{report}");
        assert!(report.worst_abs_error() < 1e-8, "{report}");
    }

    /// At a kink the report names the one-sided slopes and forgives a backward value between
    /// them; on smooth functions, however curved, it finds no kink.
    #[test]
    fn gradient_check_explains_kinks() {
        let relu = check_gradients(|x| x[0].relu(), &[0.0]);
        let kink = relu.inputs[0].kink.expect("relu at 0");
        assert_eq!((kink.left, kink.right), (0.0, 1.0));
        assert!(!relu.passed() && relu.passed_but_for_kinks());
        let text = relu.to_string();
        assert!(text.contains("FAIL, but only at a kink"), "{text}");
        assert!(
            text.contains("slope is 0 from the left and 1 from the right"),
            "{text}"
        );
        assert!(!text.contains("WRONG"), "{text}");

        // abs at 0 passes (the central difference and abs'(0) are both 0), and still says why.
        let abs = check_gradients(|x| x[0].abs(), &[0.0]);
        assert!(abs.passed(), "{abs}");
        let kink = abs.inputs[0].kink.expect("abs at 0");
        assert_eq!((kink.left, kink.right), (-1.0, 1.0));
        assert!(abs.to_string().contains("ok, at a kink"), "{abs}");

        // A kink within eps of the point, and a derivative no slope there allows.
        let near = check_gradients(|x| x[0].relu(), &[1e-7]);
        assert!(
            near.inputs[0].kink.is_some() && near.passed_but_for_kinks(),
            "{near}"
        );
        let wrong = check_gradients(|x| x[0].custom(x[0].data().abs(), 3.0), &[0.0]);
        assert!(!wrong.passed_but_for_kinks(), "{wrong}");
        assert!(wrong.to_string().contains("WRONG"), "{wrong}");
        assert!(
            wrong
                .to_string()
                .contains("wrong even allowing for the kink"),
            "{wrong}"
        );

        // Two inputs: only the one at the kink is marked.
        let two = check_gradients(|x| x[0] * x[0] + x[1].relu(), &[1.0, 0.0]);
        assert_eq!(
            two.inputs
                .iter()
                .map(|c| c.kink.is_some())
                .collect::<Vec<_>>(),
            [false, true]
        );

        // Smooth, steep and curved: no kink anywhere.
        type Scalar = for<'t> fn(&[Value<'t>]) -> Value<'t>;
        let smooth: [(Scalar, f64); 5] = [
            (|x| (x[0] * 1000.0).powi(2), 0.0),
            (|x| (x[0] * 10.0).exp(), 1.0),
            (|x| x[0].relu(), 0.5),
            (|x| x[0].abs(), -2.0),
            (|x| (x[0] * 100.0).tanh(), 0.001),
        ];
        for (f, at) in smooth {
            let report = check_gradients(f, &[at]);
            assert!(report.passed(), "{report}");
            assert!(report.inputs[0].kink.is_none(), "{report}");
        }
    }

    /// The verdict is `|analytic − numeric| ≤ atol + rtol·|numeric|` (1e-5 + 1e-3·|numeric|
    /// by default), pinned on both sides: d/dx x² at x = 3 recorded 1% too large (6.06,
    /// error 0.06 > 0.006) fails, 0.01% too large (6.0006, error 0.0006 < 0.006) passes.
    #[test]
    fn gradient_check_draws_the_line_at_its_tolerance() {
        let scaled = |factor: f64| {
            check_gradients(
                move |x| x[0].custom(x[0].data().powi(2), 2.0 * x[0].data() * factor),
                &[3.0],
            )
        };
        let off = scaled(1.01);
        assert!(!off.passed(), "{off}");
        assert_close(off.inputs[0].abs_error, 0.06, 1e-8);
        let close = scaled(1.0001);
        assert!(close.passed(), "{close}");
        // Just outside and just inside 1e-5 + 1e-3·6 = 0.006010.
        assert!(!scaled(1.0 + 0.00602 / 6.0).passed());
        assert!(scaled(1.0 + 0.00600 / 6.0).passed());
    }
}
