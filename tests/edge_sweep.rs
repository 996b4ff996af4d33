//! Every op and every loss over a sweep of edge inputs (in the manner of PyTorch's per-operator
//! sweeps and Stan Math's edge tests): the value equals plain `f64` (NaN matches NaN,
//! infinities exactly), the gradient is the documented convention or NaN where the math has
//! none, nothing panics (but bce on a number that is not a probability, by name), and where
//! the function is smooth and finite the gradient agrees with central finite differences.
//!
//! Then the edge cases the sweep does not reach, pinned one by one: -0.0 through `-x`,
//! sigmoid's relative precision far in its tail, `pow` at a base of 0 or below, NaN through
//! every operator, fused node, custom node and iterator, NaN^0 = 1, and NaN made from finite
//! inputs or from `x - x` at infinity.

use tapegrad::loss::Loss;
use tapegrad::{Tape, Value, affine, dot, sum};

#[path = "common/numeric.rs"]
mod numeric;
#[path = "common/panics.rs"]
mod panics;
use panics::panic_message;

const SWEEP: &[f64] = &[
    0.0,
    -0.0,
    1e-300,
    -1e-300,
    0.25,
    -0.25,
    1.0,
    -1.0,
    0.49,
    0.99,
    1.01,
    1.3,
    -1.3,
    37.0,
    -37.0,
    501.0,
    -501.0,
    710.0,
    -710.0,
    1e20,
    -1e20,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

/// Same number, NaN matching NaN.
fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

/// Equal to within `rel` relative error, infinities and NaN matching exactly.
fn close(a: f64, b: f64, rel: f64) -> bool {
    same(a, b) || (a.is_finite() && b.is_finite() && (a - b).abs() <= rel * a.abs().max(b.abs()))
}

type OnValue = for<'t> fn(Value<'t>) -> Value<'t>;

/// A unary op: how to record it, its plain f64 value, its documented derivative, and whether
/// it is smooth around x (no kink or domain edge within a finite-difference step of x).
struct Unary {
    name: &'static str,
    op: OnValue,
    value: fn(f64) -> f64,
    grad: fn(f64) -> f64,
    smooth: fn(f64) -> bool,
}

fn always(_: f64) -> bool {
    true
}

fn unary_ops() -> Vec<Unary> {
    vec![
        Unary {
            name: "neg",
            op: |v| -v,
            value: |x| -x,
            grad: |_| -1.0,
            smooth: always,
        },
        Unary {
            name: "exp",
            op: |v| v.exp(),
            value: f64::exp,
            grad: f64::exp,
            smooth: always,
        },
        Unary {
            name: "ln",
            op: |v| v.ln(),
            value: f64::ln,
            grad: |x| if x == 0.0 { f64::INFINITY } else { 1.0 / x },
            smooth: |x| x > 1e-3,
        },
        Unary {
            name: "sqrt",
            op: |v| v.sqrt(),
            value: f64::sqrt,
            grad: |x| {
                if x == 0.0 {
                    f64::INFINITY
                } else {
                    0.5 / x.sqrt()
                }
            },
            smooth: |x| x > 1e-3,
        },
        Unary {
            name: "powi(3)",
            op: |v| v.powi(3),
            value: |x| x.powi(3),
            grad: |x| 3.0 * x.powi(2),
            smooth: always,
        },
        Unary {
            name: "powi(-2)",
            op: |v| v.powi(-2),
            value: |x| x.powi(-2),
            grad: |x| -2.0 * x.powi(-3),
            smooth: |x| x.abs() > 1e-3,
        },
        Unary {
            name: "powi(0)",
            op: |v| v.powi(0),
            value: |x| x.powi(0),
            grad: |_| 0.0,
            smooth: always,
        },
        Unary {
            name: "powf(2.5)",
            op: |v| v.powf(2.5),
            value: |x| x.powf(2.5),
            grad: |x| 2.5 * x.powf(1.5),
            smooth: |x| x > 1e-3,
        },
        Unary {
            name: "powf(0)",
            op: |v| v.powf(0.0),
            value: |x| x.powf(0.0),
            grad: |_| 0.0,
            smooth: always,
        },
        Unary {
            name: "tanh",
            op: |v| v.tanh(),
            value: f64::tanh,
            grad: |x| 1.0 - x.tanh() * x.tanh(),
            smooth: always,
        },
        Unary {
            name: "sigmoid",
            op: |v| v.sigmoid(),
            value: numeric::sigmoid,
            grad: |x| numeric::sigmoid(x) * numeric::sigmoid(-x),
            smooth: always,
        },
        Unary {
            name: "relu",
            op: |v| v.relu(),
            value: |x| if x > 0.0 || x.is_nan() { x } else { 0.0 },
            grad: |x| if x > 0.0 { 1.0 } else { 0.0 },
            smooth: |x| x.abs() > 1e-3,
        },
        Unary {
            name: "abs",
            op: |v| v.abs(),
            value: f64::abs,
            grad: |x| {
                if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            },
            smooth: |x| x.abs() > 1e-3,
        },
        Unary {
            name: "sin",
            op: |v| v.sin(),
            value: f64::sin,
            grad: f64::cos,
            smooth: always,
        },
        Unary {
            name: "cos",
            op: |v| v.cos(),
            value: f64::cos,
            grad: |x| -x.sin(),
            smooth: always,
        },
        Unary {
            name: "recip",
            op: |v| v.recip(),
            value: f64::recip,
            grad: |x| -1.0 / (x * x),
            smooth: |x| x.abs() > 1e-3,
        },
    ]
}

/// Central difference with a step scaled to x, or None where it does not apply.
fn central(f: impl Fn(f64) -> f64, x: f64) -> Option<f64> {
    if !x.is_finite() || x.abs() > 1e3 {
        return None;
    }
    let h = 1e-6 * x.abs().max(1.0);
    let (hi, lo) = (f(x + h), f(x - h));
    (hi.is_finite() && lo.is_finite()).then(|| (hi - lo) / (2.0 * h))
}

#[test]
fn unary_ops_over_the_edge_sweep() {
    let mut checked_fd = 0;
    for u in unary_ops() {
        for &x in SWEEP {
            let tape = Tape::new();
            let v = tape.var(x);
            let y = (u.op)(v);
            let g = y.backward().wrt(v);
            let want = (u.value)(x);
            let tol = if u.name == "sigmoid" { 1e-15 } else { 0.0 };
            assert!(
                close(y.data(), want, tol),
                "{}({x:e}) = {} but f64 gives {want}",
                u.name,
                y.data()
            );
            // The NaN rule: a NaN result passes NaN back; otherwise the documented derivative.
            let want_g = if want.is_nan() { f64::NAN } else { (u.grad)(x) };
            assert!(
                close(g, want_g, 1e-14),
                "{}'({x:e}) = {g} but the documented derivative is {want_g}",
                u.name
            );
            // Smooth and finite: agree with finite differences.
            if (u.smooth)(x) && want.is_finite() {
                if let Some(fd) = central(u.value, x) {
                    let tol = 1e-6 * g.abs().max(fd.abs()) + 1e-8;
                    assert!(
                        (g - fd).abs() <= tol,
                        "{}'({x}) = {g}, finite differences say {fd}",
                        u.name
                    );
                    checked_fd += 1;
                }
            }
        }
    }
    assert!(
        checked_fd > 100,
        "only {checked_fd} finite-difference checks ran"
    );
}

type OnPair = for<'t> fn(Value<'t>, Value<'t>) -> Value<'t>;

struct Binary {
    name: &'static str,
    op: OnPair,
    value: fn(f64, f64) -> f64,
    grads: fn(f64, f64) -> (f64, f64),
    smooth: fn(f64, f64) -> bool,
}

fn binary_ops() -> Vec<Binary> {
    vec![
        Binary {
            name: "+",
            op: |a, b| a + b,
            value: |a, b| a + b,
            grads: |_, _| (1.0, 1.0),
            smooth: |_, _| true,
        },
        Binary {
            name: "-",
            op: |a, b| a - b,
            value: |a, b| a - b,
            grads: |_, _| (1.0, -1.0),
            smooth: |_, _| true,
        },
        Binary {
            name: "*",
            op: |a, b| a * b,
            value: |a, b| a * b,
            grads: |a, b| (b, a),
            smooth: |_, _| true,
        },
        Binary {
            name: "/",
            op: |a, b| a / b,
            value: |a, b| a / b,
            // -a/b², computed as -(a/b)/b so that it does not overflow early.
            grads: |a, b| (1.0 / b, -(a / b) / b),
            smooth: |_, b| b.abs() > 1e-3,
        },
        Binary {
            name: "pow",
            op: |a, b| a.pow(b),
            value: f64::powf,
            grads: |a, b| {
                let da = if b == 0.0 { 0.0 } else { b * a.powf(b - 1.0) };
                let db = if a == 0.0 {
                    if b >= 0.0 { 0.0 } else { f64::NAN }
                } else if a < 0.0 {
                    f64::NAN
                } else {
                    a.powf(b) * a.ln()
                };
                (da, db)
            },
            smooth: |a, b| a > 1e-3 && b.abs() < 50.0,
        },
    ]
}

#[test]
fn binary_ops_over_all_pairs_of_the_edge_sweep() {
    let mut checked_fd = 0;
    for op in binary_ops() {
        for &a in SWEEP {
            for &b in SWEEP {
                let tape = Tape::new();
                let (va, vb) = (tape.var(a), tape.var(b));
                let y = (op.op)(va, vb);
                let g = y.backward();
                let want = (op.value)(a, b);
                assert!(
                    same(y.data(), want),
                    "{a:e} {} {b:e} = {} but f64 gives {want}",
                    op.name,
                    y.data()
                );
                let (da, db) = if want.is_nan() {
                    (f64::NAN, f64::NAN)
                } else {
                    (op.grads)(a, b)
                };
                assert!(
                    close(g.wrt(va), da, 1e-14) && close(g.wrt(vb), db, 1e-14),
                    "{a:e} {} {b:e}: gradients ({}, {}) but documented ({da}, {db})",
                    op.name,
                    g.wrt(va),
                    g.wrt(vb)
                );
                // The mixed arrangements record the same value and the same partial.
                let left = (op.op)(va, Value::constant(b));
                let right = (op.op)(Value::constant(a), vb);
                assert!(same(left.data(), want) && same(right.data(), want));
                assert!(
                    close(left.backward().wrt(va), da, 1e-14),
                    "{a} {} const {b}",
                    op.name
                );
                assert!(
                    close(right.backward().wrt(vb), db, 1e-14),
                    "const {a} {} {b}",
                    op.name
                );

                if want.is_finite() && (op.smooth)(a, b) {
                    let fa = central(|x| (op.value)(x, b), a);
                    let fb = central(|x| (op.value)(a, x), b);
                    if let (Some(fa), Some(fb)) = (fa, fb) {
                        for (grad, fd) in [(g.wrt(va), fa), (g.wrt(vb), fb)] {
                            let tol = 1e-5 * grad.abs().max(fd.abs()) + 1e-7;
                            assert!(
                                (grad - fd).abs() <= tol,
                                "{a} {} {b}: gradient {grad}, finite differences {fd}",
                                op.name
                            );
                        }
                        checked_fd += 1;
                    }
                }
            }
        }
    }
    assert!(
        checked_fd > 100,
        "only {checked_fd} finite-difference checks ran"
    );
}

/// The sweep above compares `/` and `pow` with formulas; where finite differences cannot
/// check them (a pole, a base of 0 or below), these are the documented values, written out.
#[test]
fn division_and_pow_at_their_edges_give_the_documented_numbers() {
    let (inf, nan) = (f64::INFINITY, f64::NAN);
    // (a, b, a ∘ b, d/da, d/db)
    let division = [
        (3.0, 2.0, 1.5, 0.5, -0.75),
        (1.0, 0.0, inf, inf, -inf),
        (-1.0, 0.0, -inf, inf, inf),
        (0.0, 0.0, nan, nan, nan),
        (1e300, 1e-300, inf, 9.999999999999999e299, -inf), // d/da = 1/1e-300, rounded
    ];
    let pow = [
        (2.0, 3.0, 8.0, 12.0, 8.0 * 2f64.ln()),
        (0.0, 0.0, 1.0, 0.0, 0.0),
        (0.0, 2.0, 0.0, 0.0, 0.0),
        (0.0, 0.5, 0.0, inf, 0.0),
        (0.0, -1.0, inf, -inf, nan),
        (-2.0, 3.0, -8.0, 12.0, nan),
        (-2.0, 0.0, 1.0, 0.0, nan),
        (-2.0, 0.5, nan, nan, nan),
    ];
    for (name, cases) in [("/", &division[..]), ("pow", &pow[..])] {
        for &(a, b, value, da, db) in cases {
            let tape = Tape::new();
            let (va, vb) = (tape.var(a), tape.var(b));
            let y = if name == "/" { va / vb } else { va.pow(vb) };
            let g = y.backward();
            let got = (y.data(), g.wrt(va), g.wrt(vb));
            assert!(
                same(got.0, value) && same(got.1, da) && same(got.2, db),
                "{a:e} {name} {b:e}: got {got:?}, documented ({value:e}, {da:e}, {db:e})"
            );
        }
    }
}

#[test]
fn tanh_and_sigmoid_are_exact_in_the_tails() {
    let tape = Tape::new();
    for (x, t, s) in [(1000.0, 1.0, 1.0), (-1000.0, -1.0, 0.0)] {
        let v = tape.var(x);
        let (th, sg) = (v.tanh(), v.sigmoid());
        assert_eq!((th.data(), sg.data()), (t, s));
        assert_eq!(th.backward().wrt(v), 0.0);
        assert_eq!(sg.backward().wrt(v), 0.0);
    }
}

#[test]
fn a_nan_input_gives_nan_value_and_gradient_through_every_op() {
    for u in unary_ops() {
        if u.name.ends_with("(0)") {
            continue; // x^0 is 1 for every x in f64, NaN included
        }
        let tape = Tape::new();
        let v = tape.var(f64::NAN);
        let y = (u.op)(v);
        assert!(y.data().is_nan(), "{} of NaN", u.name);
        assert!(y.backward().wrt(v).is_nan(), "{}' of NaN", u.name);
    }
}

#[test]
fn a_zero_gradient_path_does_not_turn_infinity_into_nan() {
    // relu(sqrt(x) - 1) at x = 0: sqrt'(0) = inf, but relu passes back 0, and 0 × inf must
    // not reach x as NaN: the branch that does not change the output contributes nothing.
    let tape = Tape::new();
    let x = tape.var(0.0);
    let y = (x.sqrt() - 1.0).relu() + x * 2.0;
    assert_eq!(y.backward().wrt(x), 2.0);
}

#[test]
fn f64_operands_in_every_arrangement_over_all_pairs_of_the_edge_sweep() {
    // The operators with a plain f64 on either side and the assign forms, through their own
    // impls (a swapped operand in `f64 - Value` or `f64 / Value` would pass every test that
    // goes through Value::constant).
    type OnF64Right = for<'t> fn(Value<'t>, f64) -> Value<'t>;
    type OnF64Left = for<'t> fn(f64, Value<'t>) -> Value<'t>;
    type Assign = for<'t> fn(&mut Value<'t>, Value<'t>);
    type AssignF64 = for<'t> fn(&mut Value<'t>, f64);
    let ops: [(&str, OnF64Right, OnF64Left, Assign, AssignF64); 4] = [
        (
            "+",
            |a, b| a + b,
            |a, b| a + b,
            |a, b| *a += b,
            |a, b| *a += b,
        ),
        (
            "-",
            |a, b| a - b,
            |a, b| a - b,
            |a, b| *a -= b,
            |a, b| *a -= b,
        ),
        (
            "*",
            |a, b| a * b,
            |a, b| a * b,
            |a, b| *a *= b,
            |a, b| *a *= b,
        ),
        (
            "/",
            |a, b| a / b,
            |a, b| a / b,
            |a, b| *a /= b,
            |a, b| *a /= b,
        ),
    ];
    for ((name, right, left, assign, assign_f64), reference) in ops.into_iter().zip(binary_ops()) {
        assert_eq!(name, reference.name);
        for &a in SWEEP {
            for &b in SWEEP {
                let want = (reference.value)(a, b);
                let (da, db) = if want.is_nan() {
                    (f64::NAN, f64::NAN)
                } else {
                    (reference.grads)(a, b)
                };
                let tape = Tape::new();
                let (va, vb) = (tape.var(a), tape.var(b));
                let mut both = va;
                assign(&mut both, vb);
                let mut left_only = va;
                assign_f64(&mut left_only, b);
                for (form, y, x, d) in [
                    ("v ∘ f64", right(va, b), va, da),
                    ("f64 ∘ v", left(a, vb), vb, db),
                    ("v ∘= v (lhs)", both, va, da),
                    ("v ∘= v (rhs)", both, vb, db),
                    ("v ∘= f64", left_only, va, da),
                ] {
                    assert!(
                        same(y.data(), want),
                        "{a:e} {name} {b:e} as {form}: {} but f64 gives {want}",
                        y.data()
                    );
                    let g = y.backward().wrt(x);
                    assert!(
                        close(g, d, 1e-14),
                        "{a:e} {name} {b:e} as {form}: gradient {g}, documented {d}"
                    );
                }
            }
        }
    }
}

#[test]
fn more_integer_and_real_powers_over_the_edge_sweep() {
    // x^n and x^c with the documented derivative n·x^(n-1) (0 for n = 0), the NaN rule on top.
    for n in [-3, -1, 1, 2, 4] {
        for &x in SWEEP {
            let tape = Tape::new();
            let v = tape.var(x);
            let y = v.powi(n);
            let want = x.powi(n);
            let d = if want.is_nan() {
                f64::NAN
            } else {
                f64::from(n) * x.powi(n - 1)
            };
            assert!(same(y.data(), want), "{x:e}.powi({n}) = {}", y.data());
            let g = y.backward().wrt(v);
            assert!(close(g, d, 1e-14), "{x:e}.powi({n})' = {g}, documented {d}");
        }
    }
    for c in [0.5, -0.5, 1.0, -1.0, 3.0, 1e-3] {
        for &x in SWEEP {
            let tape = Tape::new();
            let v = tape.var(x);
            let y = v.powf(c);
            let want = x.powf(c);
            let d = if want.is_nan() {
                f64::NAN
            } else {
                c * x.powf(c - 1.0)
            };
            assert!(same(y.data(), want), "{x:e}.powf({c}) = {}", y.data());
            let g = y.backward().wrt(v);
            assert!(close(g, d, 1e-14), "{x:e}.powf({c})' = {g}, documented {d}");
        }
    }
    // Where both are defined, powf(0.5) and sqrt agree, conventions at ±0 included.
    for &x in SWEEP {
        let tape = Tape::new();
        let v = tape.var(x);
        let (p, s) = (v.powf(0.5), v.sqrt());
        if x.is_finite() && x >= 0.0 {
            assert!(close(p.data(), s.data(), 1e-15), "{x:e}");
            assert!(
                close(p.backward().wrt(v), s.backward().wrt(v), 1e-14),
                "{x:e}"
            );
        }
    }
}

#[test]
fn fused_and_custom_nodes_over_all_pairs_of_the_edge_sweep() {
    // sum, dot, affine and both custom forms: the value is the left-to-right f64 sum, the
    // gradients are the documented partials, and a NaN result passes NaN to every input.
    for &a in SWEEP {
        for &b in SWEEP {
            let tape = Tape::new();
            let (va, vb) = (tape.var(a), tape.var(b));
            // The documented partials; None for an input that does not reach the node.
            let cases: [(&str, Value, f64, [Option<f64>; 2]); 5] = [
                (
                    "sum",
                    tapegrad::sum(&[va, vb]),
                    (0.0 + a) + b,
                    [Some(1.0), Some(1.0)],
                ),
                (
                    "dot",
                    tapegrad::dot(&[va], &[vb]),
                    (0.0 + a * b) + 0.0,
                    [Some(b), Some(a)],
                ),
                (
                    "affine with a constant input",
                    tapegrad::affine(&[va, vb], &[Value::constant(2.0), va], 0.5),
                    ((0.0 + a * 2.0) + b * a) + 0.5,
                    [Some(2.0 + b), Some(a)],
                ),
                (
                    "Tape::custom",
                    tape.custom(a - b, &[(va, 1.0), (vb, -1.0), (Value::constant(9.0), 5.0)]),
                    a - b,
                    [Some(1.0), Some(-1.0)],
                ),
                (
                    "Value::custom",
                    va.custom(a * 3.0, 3.0),
                    a * 3.0,
                    [Some(3.0), None],
                ),
            ];
            for (name, y, want, grads) in cases {
                assert!(same(y.data(), want), "{name}({a:e}, {b:e}) = {}", y.data());
                let g = y.backward();
                for (x, d) in [(va, grads[0]), (vb, grads[1])] {
                    // An input that does not reach the node keeps gradient 0, even for NaN.
                    let d = match d {
                        None => 0.0,
                        Some(_) if want.is_nan() => f64::NAN,
                        Some(d) => d,
                    };
                    assert!(
                        close(g.wrt(x), d, 1e-14),
                        "{name}({a:e}, {b:e}): gradient {} but documented {d}",
                        g.wrt(x)
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Edge cases the sweep does not reach
// ---------------------------------------------------------------------------------------------

/// The value and its derivative for `op` at `x`.
fn at(x: f64, op: impl for<'t> Fn(Value<'t>) -> Value<'t>) -> (f64, f64) {
    let tape = Tape::new();
    let v = tape.var(x);
    let y = op(v);
    (y.data(), y.backward().wrt(v))
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
    numeric::assert_close(s / (-40f64).exp(), 1.0, 1e-15);
    numeric::assert_close(d / (-40f64).exp(), 1.0, 1e-15);
    assert_eq!(at(0.0, |x| x.sigmoid()), (0.5, 0.25));
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
    // d/db 0^b at b = 0 is 0, as in PyTorch and JAX.
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

// ---------------------------------------------------------------------------------------------
// Losses
// ---------------------------------------------------------------------------------------------

/// A loss's value and derivative at a prediction and a label, in plain `f64`, written
/// independently of `tapegrad::loss` (other formulas, other arrangements).
fn loss_reference(loss: Loss, p: f64, y: f64) -> (f64, f64) {
    if p.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    match loss {
        Loss::Mse => ((p - y).powi(2), 2.0 * (p - y)),
        Loss::HalfSquaredError => (0.5 * (p - y) * (p - y), p - y),
        Loss::Hinge => {
            let margin = 1.0 - y * p;
            if margin > 0.0 {
                (margin, -y)
            } else {
                (0.0, 0.0)
            }
        }
        Loss::BceWithLogits => {
            // −[y·ln σ(z) + (1 − y)·ln σ(−z)], each log written as −ln(1 + e^∓z).
            let softplus = |t: f64| {
                if t > 0.0 {
                    t + (-t).exp().ln_1p()
                } else {
                    t.exp().ln_1p()
                }
            };
            let weighted = |w: f64, t: f64| if w == 0.0 { 0.0 } else { w * softplus(t) };
            (
                weighted(y, -p) + weighted(1.0 - y, p),
                numeric::sigmoid(p) - y,
            )
        }
        Loss::Bce => {
            let eps = tapegrad::loss::BCE_EPS;
            let (mut l, mut d) = (0.0, 0.0);
            if y != 0.0 {
                l -= y * p.max(eps).ln();
                d -= y / p.max(eps);
            }
            if y != 1.0 {
                l -= (1.0 - y) * (1.0 - p).max(eps).ln();
                d += (1.0 - y) / (1.0 - p).max(eps);
            }
            (l, d)
        }
    }
}

/// The labels each loss takes: both classes, and a soft label for the cross-entropies.
fn labels_of(loss: Loss) -> &'static [f64] {
    match loss {
        Loss::Mse | Loss::HalfSquaredError | Loss::Hinge => &[-1.0, 1.0],
        Loss::Bce | Loss::BceWithLogits => &[0.0, 1.0, 0.5],
    }
}

#[test]
fn every_loss_at_every_edge_value_and_both_labels() {
    // Nothing silent: the value and the gradient are the reference's (NaN only for a NaN
    // prediction, infinite only where the loss is), so check_loss stops exactly the runs it
    // should. Nothing panics unnamed: bce's only panic is a prediction that is not a
    // probability, and its message names bce and the prediction.
    let mut checked_fd = 0;
    for loss in Loss::ALL {
        for &y in labels_of(loss) {
            for &p in SWEEP {
                let run = || {
                    let tape = Tape::new();
                    let v = tape.var(p);
                    let l = loss.apply(v, y);
                    (l.data(), l.backward().wrt(v))
                };
                if loss == Loss::Bce && !p.is_nan() && !(0.0..=1.0).contains(&p) {
                    let msg = panic_message(|| {
                        run();
                    });
                    assert!(msg.starts_with(&format!("bce: p = {p} is not a probability")));
                    continue;
                }
                let (value, grad) = run();
                let (want, want_grad) = loss_reference(loss, p, y);
                assert_eq!(value.is_nan(), p.is_nan(), "{loss}({p:e}, {y}) = {value}");
                assert!(
                    close(value, want, 1e-14) || (value - want).abs() < 1e-15,
                    "{loss}({p:e}, {y}) = {value} but the reference says {want}"
                );
                assert!(
                    close(grad, want_grad, 1e-14) || (grad - want_grad).abs() < 1e-15,
                    "{loss}'({p:e}, {y}) = {grad} but the reference says {want_grad}"
                );
                assert_eq!(
                    tapegrad::optim::check_loss(0, value).is_ok(),
                    want.is_finite(),
                    "{loss}({p:e}, {y})"
                );
                let smooth = match loss {
                    Loss::Mse | Loss::HalfSquaredError | Loss::BceWithLogits => true,
                    Loss::Hinge => (1.0 - y * p).abs() > 1e-2,
                    Loss::Bce => p > 1e-3 && p < 1.0 - 1e-3,
                };
                if smooth {
                    let f = |x: f64| loss.apply(Value::constant(x), y).data();
                    if let Some(fd) = central(f, p) {
                        let tol = 1e-6 * grad.abs().max(fd.abs()) + 1e-8;
                        assert!(
                            (grad - fd).abs() <= tol,
                            "{loss}'({p}, {y}) = {grad}, finite differences say {fd}"
                        );
                        checked_fd += 1;
                    }
                }
            }
        }
    }
    assert!(
        checked_fd > 50,
        "only {checked_fd} finite-difference checks ran"
    );
}

#[test]
fn the_slice_losses_at_every_edge_value() {
    // sum_of_squares (micrograd's), l2_penalty and l1_penalty: each term as plain f64 has it, each
    // partial the documented one, a NaN only from a NaN.
    for &a in SWEEP {
        for &b in SWEEP {
            let tape = Tape::new();
            let v = tape.vars(&[a, b]);
            let sse = tapegrad::loss::sum_of_squares(&v, &[1.0, -1.0]).unwrap();
            let want = (0.0 + (a - 1.0) * (a - 1.0)) + (b + 1.0) * (b + 1.0);
            assert!(same(sse.data(), want), "sse({a:e}, {b:e}) = {}", sse.data());
            let g = sse.backward();
            let nan = want.is_nan();
            for (x, d) in [(v[0], 2.0 * (a - 1.0)), (v[1], 2.0 * (b + 1.0))] {
                let d = if nan { f64::NAN } else { d };
                assert!(close(g.wrt(x), d, 0.0), "sse'({a:e}, {b:e}) = {}", g.wrt(x));
            }
            let l2 = tapegrad::loss::l2_penalty(&v, 1e-4);
            let want = 1e-4 * ((0.0 + a * a) + b * b);
            assert!(same(l2.data(), want), "l2({a:e}, {b:e}) = {}", l2.data());
            let g = l2.backward();
            for (x, p) in [(v[0], a), (v[1], b)] {
                let d = if want.is_nan() {
                    f64::NAN
                } else {
                    2.0 * 1e-4 * p
                };
                assert!(close(g.wrt(x), d, 0.0), "l2'({a:e}, {b:e}) = {}", g.wrt(x));
            }
            let l1 = tapegrad::loss::l1_penalty(&v, 1e-4);
            let want = 1e-4 * ((0.0 + a.abs()) + b.abs());
            assert!(same(l1.data(), want), "l1({a:e}, {b:e}) = {}", l1.data());
            let g = l1.backward();
            for (x, p) in [(v[0], a), (v[1], b)] {
                // sign(p)·alpha, 0 at the kink (both zeros).
                let d = if want.is_nan() {
                    f64::NAN
                } else if p == 0.0 {
                    0.0
                } else {
                    1e-4 * p.signum()
                };
                assert!(close(g.wrt(x), d, 0.0), "l1'({a:e}, {b:e}) = {}", g.wrt(x));
            }
        }
    }
}
