//! [`Scalar`]: what a local-derivative rule computes with. Each operation writes its rule
//! once, over this trait, beside its value (`value.rs`, `loss.rs`): recording the operation
//! runs it on `f64` numbers, and the backward recorded on the tape (`recorded.rs`) runs the
//! same rule on [`Value`]s, so that the derivative it records, and the one it differentiates
//! again, cannot disagree.

use std::ops::{Add, Div, Mul, Neg, Sub};

use super::value::Value;

/// A number a rule computes with: an `f64`, or a [`Value`] (its arithmetic recorded).
pub(crate) trait Scalar:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
{
    /// The plain number `c` (for a value, a constant on no tape).
    fn constant(c: f64) -> Self;
    /// The number it holds.
    fn data(self) -> f64;
    /// Whether it is a plain number, whose own derivative is 0 (every `f64`).
    fn is_constant(self) -> bool;
    fn exp(self) -> Self;
    fn ln(self) -> Self;
    fn recip(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn abs(self) -> Self;
    fn sigmoid(self) -> Self;
    fn powi(self, n: i32) -> Self;
    fn powf(self, c: f64) -> Self;
    fn pow(self, exponent: Self) -> Self;
}

impl Scalar for f64 {
    #[inline(always)]
    fn constant(c: f64) -> f64 {
        c
    }
    #[inline(always)]
    fn data(self) -> f64 {
        self
    }
    #[inline(always)]
    fn is_constant(self) -> bool {
        true
    }
    #[inline(always)]
    fn exp(self) -> f64 {
        f64::exp(self)
    }
    #[inline(always)]
    fn ln(self) -> f64 {
        f64::ln(self)
    }
    #[inline(always)]
    fn recip(self) -> f64 {
        1.0 / self
    }
    #[inline(always)]
    fn sin(self) -> f64 {
        f64::sin(self)
    }
    #[inline(always)]
    fn cos(self) -> f64 {
        f64::cos(self)
    }
    #[inline(always)]
    fn abs(self) -> f64 {
        f64::abs(self)
    }
    /// [`Value::sigmoid`]'s number, bit for bit.
    #[inline(always)]
    fn sigmoid(self) -> f64 {
        Value::constant(self).sigmoid().data()
    }
    #[inline(always)]
    fn powi(self, n: i32) -> f64 {
        f64::powi(self, n)
    }
    #[inline(always)]
    fn powf(self, c: f64) -> f64 {
        f64::powf(self, c)
    }
    #[inline(always)]
    fn pow(self, exponent: f64) -> f64 {
        f64::powf(self, exponent)
    }
}

impl Scalar for Value<'_> {
    fn constant(c: f64) -> Self {
        Value::constant(c)
    }
    fn data(self) -> f64 {
        Value::data(self)
    }
    fn is_constant(self) -> bool {
        self.tape().is_none()
    }
    fn exp(self) -> Self {
        Value::exp(self)
    }
    fn ln(self) -> Self {
        Value::ln(self)
    }
    fn recip(self) -> Self {
        Value::recip(self)
    }
    fn sin(self) -> Self {
        Value::sin(self)
    }
    fn cos(self) -> Self {
        Value::cos(self)
    }
    fn abs(self) -> Self {
        Value::abs(self)
    }
    fn sigmoid(self) -> Self {
        Value::sigmoid(self)
    }
    fn powi(self, n: i32) -> Self {
        Value::powi(self, n)
    }
    fn powf(self, c: f64) -> Self {
        Value::powf(self, c)
    }
    fn pow(self, exponent: Self) -> Self {
        Value::pow(self, exponent)
    }
}
