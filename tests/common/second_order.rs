//! References for second derivatives, shared by the tests of the recorded backward and the
//! Hessian: first-order gradients (the plain sweep, proven against finite differences
//! elsewhere), their central differences, and matrix comparisons. Include with
//! `#[path = "common/second_order.rs"] mod second_order;` next to `numeric`.

#![allow(dead_code)]

use tapegrad::{Tape, Value};

/// Step of the central differences of gradients.
pub const H: f64 = 1e-6;

/// The first-order gradient of `f` at `x`: the plain backward sweep, nothing recorded.
pub fn gradient<F>(f: &F, x: &[f64]) -> Vec<f64>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    let tape = Tape::new();
    let xs = tape.vars(x);
    f(&xs).backward().wrt_all(&xs)
}

/// The Hessian by central differences of first-order gradients: row `i` is
/// `(∇f(x + h·eᵢ) − ∇f(x − h·eᵢ)) / 2h`.
pub fn hessian_by_differences<F>(f: &F, x: &[f64]) -> Vec<Vec<f64>>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    (0..x.len())
        .map(|i| {
            let mut xs = x.to_vec();
            xs[i] = x[i] + H;
            let hi = gradient(f, &xs);
            xs[i] = x[i] - H;
            let lo = gradient(f, &xs);
            hi.iter()
                .zip(&lo)
                .map(|(a, b)| (a - b) / (2.0 * H))
                .collect()
        })
        .collect()
}

/// The second derivative of a function of one value at `x`, through the recorded backward:
/// the recorded gradient, differentiated by the plain backward.
pub fn second_derivative(f: for<'t> fn(Value<'t>) -> Value<'t>, x: f64) -> f64 {
    let tape = Tape::new();
    let v = tape.var(x);
    let dy = f(v).backward_on_tape(&[v]).expect("no custom node")[0];
    dy.backward().wrt(v)
}

/// The derivative of a function of one value at `x` by the central difference of its
/// first-order gradient: a second derivative that the recorded backward plays no part in.
pub fn second_derivative_by_differences(f: for<'t> fn(Value<'t>) -> Value<'t>, x: f64) -> f64 {
    let g = |x: f64| {
        let tape = Tape::new();
        let v = tape.var(x);
        f(v).backward().wrt(v)
    };
    (g(x + H) - g(x - H)) / (2.0 * H)
}

/// Asserts that two matrices agree entry by entry within `tol · (1 + |expected|)`, naming the
/// first entry that does not.
#[track_caller]
pub fn assert_matrix_close(actual: &[Vec<f64>], expected: &[Vec<f64>], tol: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: rows");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(a.len(), e.len(), "{what}: row {i}");
        for (j, (&a, &e)) in a.iter().zip(e).enumerate() {
            assert!(
                (a - e).abs() <= tol * (1.0 + e.abs()),
                "{what}: entry ({i}, {j}) is {a:?}, expected {e:?} (difference {:e})",
                a - e
            );
        }
    }
}

/// Asserts that a matrix equals its transpose, to rounding (1e-12 relative): entry (i, j)
/// and entry (j, i) come from two different sweeps.
#[track_caller]
pub fn assert_symmetric(h: &[Vec<f64>], what: &str) {
    for (i, row) in h.iter().enumerate() {
        for (j, &x) in row.iter().enumerate() {
            assert!(
                x.to_bits() == h[j][i].to_bits() || (x - h[j][i]).abs() <= 1e-12 * x.abs(),
                "{what}: h[{i}][{j}] = {x:?} but h[{j}][{i}] = {:?}",
                h[j][i]
            );
        }
    }
}
