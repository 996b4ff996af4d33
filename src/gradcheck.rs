//! Gradient checking: reverse-mode gradients against central finite differences.

use std::fmt;

use crate::tape::Tape;
use crate::value::Value;

/// Settings for [`check_gradients_with`]. The defaults are PyTorch's `gradcheck` defaults:
/// `eps = 1e-6`, `atol = 1e-5`, `rtol = 1e-3`.
///
/// An input passes when `|analytic - numeric| <= atol + rtol·|numeric|` and both are finite.
///
/// ```
/// let cfg = tapegrad::GradCheckConfig::default();
/// assert_eq!((cfg.eps, cfg.atol, cfg.rtol), (1e-6, 1e-5, 1e-3));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradCheckConfig {
    /// Step of the central difference `(f(x + eps) - f(x - eps)) / (2·eps)`.
    pub eps: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// Relative tolerance.
    pub rtol: f64,
}

impl Default for GradCheckConfig {
    fn default() -> Self {
        GradCheckConfig {
            eps: 1e-6,
            atol: 1e-5,
            rtol: 1e-3,
        }
    }
}

/// The comparison for one input in a [`GradCheckReport`].
///
/// ```
/// // d/dx x³ at x = 2 is 12; the central difference agrees to about eps².
/// let report = tapegrad::check_gradients(|x| x[0].powi(3), &[2.0]);
/// let check = report.inputs[0];
/// assert_eq!((check.at, check.analytic), (2.0, 12.0));
/// assert!((check.numeric - 12.0).abs() < 1e-6);
/// assert_eq!(check.abs_error, (check.analytic - check.numeric).abs());
/// assert!(check.passed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputCheck {
    /// The input's value.
    pub at: f64,
    /// The gradient from the backward sweep.
    pub analytic: f64,
    /// The central finite difference.
    pub numeric: f64,
    /// `|analytic - numeric|`.
    pub abs_error: f64,
    /// `abs_error / max(|numeric|, f64::MIN_POSITIVE)`.
    pub rel_error: f64,
    /// Whether this input is within tolerance.
    pub passed: bool,
}

/// The result of a gradient check: one [`InputCheck`] per input, and the verdict.
/// `Display` prints a table.
///
/// ```
/// let report = tapegrad::check_gradients(|x| x[0] * x[1], &[3.0, -2.0]);
/// assert_eq!(report.output, -6.0);
/// assert_eq!(report.inputs.len(), 2);
/// assert_eq!(report.inputs[1].analytic, 3.0); // d(xy)/dy = x
/// assert!(report.passed());
/// assert!(report.to_string().contains("PASS"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheckReport {
    /// The function's value at the inputs.
    pub output: f64,
    /// Per input, in order.
    pub inputs: Vec<InputCheck>,
    /// The settings used.
    pub config: GradCheckConfig,
}

impl GradCheckReport {
    /// Whether every input passed.
    ///
    /// ```
    /// let r = tapegrad::check_gradients(|x| x[0].exp(), &[1.0]);
    /// assert!(r.passed());
    /// ```
    #[must_use]
    pub fn passed(&self) -> bool {
        self.inputs.iter().all(|c| c.passed)
    }

    /// The largest absolute error over all inputs (0 for no inputs; NaN if any is NaN).
    ///
    /// ```
    /// let r = tapegrad::check_gradients(|x| x[0] * x[1], &[2.0, 3.0]);
    /// assert!(r.worst_abs_error() < 1e-8);
    /// ```
    #[must_use]
    pub fn worst_abs_error(&self) -> f64 {
        worst(self.inputs.iter().map(|c| c.abs_error))
    }

    /// The largest relative error over all inputs (0 for no inputs; NaN if any is NaN).
    ///
    /// ```
    /// let r = tapegrad::check_gradients(|x| x[0].tanh(), &[0.3]);
    /// assert!(r.worst_rel_error() < 1e-6);
    /// ```
    #[must_use]
    pub fn worst_rel_error(&self) -> f64 {
        worst(self.inputs.iter().map(|c| c.rel_error))
    }
}

fn worst(errors: impl Iterator<Item = f64>) -> f64 {
    errors.fold(0.0, |acc: f64, e| {
        if e.is_nan() || acc.is_nan() {
            f64::NAN
        } else {
            acc.max(e)
        }
    })
}

impl fmt::Display for GradCheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "gradient check at f = {:.6} (eps {:e}, atol {:e}, rtol {:e}): {}",
            self.output,
            self.config.eps,
            self.config.atol,
            self.config.rtol,
            if self.passed() { "PASS" } else { "FAIL" }
        )?;
        writeln!(
            f,
            "  input         at      backward       numeric     abs error   rel error"
        )?;
        for (i, c) in self.inputs.iter().enumerate() {
            writeln!(
                f,
                "  {i:>5} {:>10.4} {:>13.6e} {:>13.6e} {:>13.3e} {:>11.3e}  {}",
                c.at,
                c.analytic,
                c.numeric,
                c.abs_error,
                c.rel_error,
                if c.passed { "ok" } else { "WRONG" }
            )?;
        }
        Ok(())
    }
}

/// Compares the reverse-mode gradient of `f` at `inputs` with central finite differences,
/// using PyTorch's default tolerances ([`GradCheckConfig::default`]).
///
/// `f` receives one recorded [`Value`] per input (on an empty tape each call: one tape,
/// cleared between calls) and returns the scalar to differentiate. It must be a pure
/// function of its inputs.
///
/// ```
/// use tapegrad::check_gradients;
///
/// let report = check_gradients(|x| (x[0] * x[1] + x[0].sin()).tanh(), &[0.5, -1.5]);
/// println!("{report}");
/// assert!(report.passed());
/// assert_eq!(report.inputs.len(), 2);
/// ```
pub fn check_gradients<F>(f: F, inputs: &[f64]) -> GradCheckReport
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    check_gradients_with(f, inputs, GradCheckConfig::default())
}

/// [`check_gradients`] with your own step and tolerances.
///
/// # Panics
/// If `config.eps` is not a positive finite number, or `config.atol` or `config.rtol` is not
/// a finite number ≥ 0 (a NaN tolerance would fail every input, an infinite one pass them
/// all).
///
/// ```
/// use tapegrad::{check_gradients_with, GradCheckConfig};
///
/// let cfg = GradCheckConfig { eps: 1e-4, ..GradCheckConfig::default() };
/// let r = check_gradients_with(|x| x[0].powi(3), &[2.0], cfg);
/// assert!(r.passed());
/// assert!((r.inputs[0].numeric - 12.0).abs() < 1e-6);
/// ```
#[track_caller]
pub fn check_gradients_with<F>(f: F, inputs: &[f64], config: GradCheckConfig) -> GradCheckReport
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    assert!(
        config.eps.is_finite() && config.eps > 0.0,
        "check_gradients_with: eps must be a positive finite number, got {}",
        config.eps
    );
    for (name, tol) in [("atol", config.atol), ("rtol", config.rtol)] {
        assert!(
            tol.is_finite() && tol >= 0.0,
            "check_gradients_with: {name} must be a finite number >= 0, got {tol}"
        );
    }
    let mut tape = Tape::new();
    let eval = |tape: &mut Tape, xs: &[f64]| -> f64 {
        tape.clear();
        let vars = tape.vars(xs);
        f(&vars).data()
    };
    let (output, analytic) = {
        let vars = tape.vars(inputs);
        let y = f(&vars);
        let g = y.backward();
        (y.data(), g.wrt_all(&vars))
    };
    let mut xs = inputs.to_vec();
    let checks = (0..inputs.len())
        .map(|i| {
            let x = inputs[i];
            xs[i] = x + config.eps;
            let hi = eval(&mut tape, &xs);
            xs[i] = x - config.eps;
            let lo = eval(&mut tape, &xs);
            xs[i] = x;
            let numeric = (hi - lo) / (2.0 * config.eps);
            let a = analytic[i];
            let abs_error = (a - numeric).abs();
            let rel_error = abs_error / numeric.abs().max(f64::MIN_POSITIVE);
            InputCheck {
                at: x,
                analytic: a,
                numeric,
                abs_error,
                rel_error,
                passed: a.is_finite()
                    && numeric.is_finite()
                    && abs_error <= config.atol + config.rtol * numeric.abs(),
            }
        })
        .collect();
    GradCheckReport {
        output,
        inputs: checks,
        config,
    }
}
