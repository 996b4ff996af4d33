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
