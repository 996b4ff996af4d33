//! Numeric helpers shared by the integration tests, each of which includes this file with
//! `#[path = "common/numeric.rs"] mod numeric;` and uses what it needs.

#![allow(dead_code)]

/// Step of the central differences.
pub const H: f64 = 1e-6;

/// `(f(x + h·eᵢ) - f(x - h·eᵢ)) / 2h`.
pub fn central_difference(f: &impl Fn(&[f64]) -> f64, x: &[f64], i: usize) -> f64 {
    let mut xs = x.to_vec();
    xs[i] = x[i] + H;
    let hi = f(&xs);
    xs[i] = x[i] - H;
    let lo = f(&xs);
    (hi - lo) / (2.0 * H)
}

/// `|actual - expected| <= tol · (1 + |expected|)`: relative for large numbers, absolute near 0.
pub fn close(actual: f64, expected: f64, tol: f64) -> bool {
    (actual - expected).abs() <= tol * (1.0 + expected.abs())
}

/// Asserts [`close`].
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, tol: f64) {
    assert!(
        close(actual, expected, tol),
        "expected {expected:?}, got {actual:?} (difference {:e})",
        actual - expected
    );
}

/// `|actual - expected| <= tol`: absolute, for pinned numbers.
pub fn within(actual: f64, expected: f64, tol: f64) -> bool {
    (actual - expected).abs() <= tol
}

/// Asserts [`within`].
#[track_caller]
pub fn assert_within(actual: f64, expected: f64, tol: f64) {
    assert!(
        within(actual, expected, tol),
        "expected {expected:?}, got {actual:?} (difference {:e})",
        actual - expected
    );
}

/// The bits of every number, so that `assert_eq!` tells −0.0 from +0.0 and compares NaNs.
pub fn bits(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

/// The logistic function in plain f64, written apart from the crate's: 1 / (1 + e^-x), as
/// e^x / (1 + e^x) for negative x so that it does not round to 0 too early.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}
