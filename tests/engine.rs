//! Engine tests: micrograd's pinned numbers, every operation in every operand arrangement
//! against central finite differences, a value reused within one graph (`x * x`, diamonds,
//! fan-in), and the backward contract (repeated and intermediate backward passes, unreached
//! values, constants and later values reading 0, `backward_into`, `wrt_all`).
//!
//! Elsewhere: deep chains on a small stack (`tests/graph_shapes.rs`), edge values and NaN
//! (`tests/edge_sweep.rs`), misuse panics (`tests/misuse.rs`), and `to_dot`, backward traces
//! and the gradient-check report (`tests/teaching.rs`).

use tapegrad::{
    GradCheckConfig, Gradients, Op, Tape, Value, affine, check_gradients, check_gradients_with,
    dot, sum,
};

#[path = "common/numeric.rs"]
mod numeric;
use numeric::{assert_close, assert_within, central_difference, close};

/// Tolerance of a gradient against its central difference, relative plus absolute.
const FD_TOL: f64 = 1e-6;

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
    /// (in `i32` it would wrap to x^i32::MAX in release builds, -inf at x = 2, and overflow
    /// in debug builds).
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
