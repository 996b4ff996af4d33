//! Gradient checking: reverse-mode gradients against central finite differences, and an
//! explanation when the function has a kink at the point checked.

use std::borrow::Cow;
use std::fmt;

use crate::nn::Module;
use crate::{Error, Tape, Value};

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
    /// The slopes seen on each side when the function has a kink in this input at the point
    /// (or within `eps` of it), `None` where it is smooth.
    pub kink: Option<Kink>,
}

/// A kink found by the gradient check: the function's slope from the left and from the
/// right differ, so it has no derivative there (relu and abs at 0, max of two equal inputs).
///
/// The central difference then averages the two slopes, and backward gives whatever the
/// operation's convention says (tapegrad's relu'(0) = 0, abs'(0) = 0). Any value between the
/// two slopes is a *subgradient*, a fair answer at a kink; one outside them is wrong.
///
/// ```
/// let report = tapegrad::check_gradients(|x| x[0].relu(), &[0.0]);
/// let check = report.inputs[0];
/// assert!(!check.passed); // backward's 0 is not the central difference's 0.5...
/// let kink = check.kink.expect("relu has a kink at 0");
/// assert_eq!((kink.left, kink.right), (0.0, 1.0));
/// assert!(kink.allows(check.analytic)); // ...but it is the slope from the left
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Kink {
    /// The one-sided difference `(f(x) - f(x - eps)) / eps`.
    pub left: f64,
    /// The one-sided difference `(f(x + eps) - f(x)) / eps`.
    pub right: f64,
}

impl Kink {
    /// Whether `gradient` lies between the two slopes (within the default tolerances): a
    /// subgradient, which is as right as any single number can be at a kink.
    ///
    /// ```
    /// let kink = tapegrad::Kink { left: -1.0, right: 1.0 }; // abs at 0
    /// assert!(kink.allows(0.0) && kink.allows(-1.0));
    /// assert!(!kink.allows(2.0));
    /// ```
    #[must_use]
    pub fn allows(self, gradient: f64) -> bool {
        let (lo, hi) = (self.left.min(self.right), self.left.max(self.right));
        let slack = |x: f64| 1e-5 + 1e-3 * x.abs();
        gradient >= lo - slack(lo) && gradient <= hi + slack(hi)
    }
}

/// The result of a gradient check: one [`InputCheck`] per input, and the verdict.
/// `Display` prints a table, and below it a sentence for every input at a kink: which slopes
/// the function has on each side, and whether backward's value is one it may take there.
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
    /// The function's name in the printed report: `f` unless given
    /// ([`with_function`](GradCheckReport::with_function)), `loss` for
    /// [`check_model_gradients`].
    pub function: String,
    /// Each input's name in the printed report, in order: `x[0]`, `x[1]`, … unless given
    /// ([`with_input_names`](GradCheckReport::with_input_names)), the model's parameter names
    /// for [`check_model_gradients`]. The report prints one row per entry of
    /// [`inputs`](GradCheckReport::inputs) whatever this holds: an input without a name here
    /// is printed as `x[i]`, and a name without an input is not printed.
    pub names: Vec<String>,
    /// The function's value at the inputs.
    pub output: f64,
    /// Per input, in order.
    pub inputs: Vec<InputCheck>,
    /// The settings used.
    pub config: GradCheckConfig,
}

impl GradCheckReport {
    /// The report with the function called `name` in print: `gradient check of g(a, b)`
    /// rather than `f(x[0], x[1])`. Nothing else changes.
    ///
    /// ```
    /// let r = tapegrad::check_gradients(|x| x[0] * x[1], &[3.0, -2.0]).with_function("g");
    /// assert!(r.to_string().starts_with("gradient check of g(x[0], x[1]) = -6 "));
    /// ```
    #[must_use]
    pub fn with_function(mut self, name: &str) -> Self {
        name.clone_into(&mut self.function);
        self
    }

    /// The report with its inputs called `names` in print, in order, in place of `x[0]`,
    /// `x[1]`, …. Nothing else changes.
    ///
    /// # Panics
    /// If there is not one name per input, saying how many of each.
    ///
    /// ```
    /// let r = tapegrad::check_gradients(|x| x[0] * x[1], &[3.0, -2.0])
    ///     .with_function("g")
    ///     .with_input_names(&["a", "b"]);
    /// assert_eq!(
    ///     r.to_string(),
    ///     "\
    /// gradient check of g(a, b) = -6 (eps 1e-6, atol 1e-5, rtol 1e-3): PASS
    ///   input         at      backward       numeric     abs error   rel error
    ///   a         3.0000   -2.000000e0   -2.000000e0     2.796e-10   1.398e-10  ok
    ///   b        -2.0000    3.000000e0    3.000000e0     2.476e-11   8.252e-12  ok
    /// "
    /// );
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_input_names<S: AsRef<str>>(mut self, names: &[S]) -> Self {
        assert_eq!(
            names.len(),
            self.inputs.len(),
            "GradCheckReport::with_input_names: {} names for {} inputs; give one name per input",
            names.len(),
            self.inputs.len()
        );
        self.names = names.iter().map(|n| n.as_ref().to_string()).collect();
        self
    }

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

    /// Whether every input that failed did so at a kink, with a backward value between the
    /// two slopes ([`Kink::allows`]): the function is not differentiable there, and backward
    /// gave a fair answer. `true` when every input passed.
    ///
    /// ```
    /// use tapegrad::check_gradients;
    ///
    /// let at_kink = check_gradients(|x| x[0].relu(), &[0.0]);
    /// assert!(!at_kink.passed() && at_kink.passed_but_for_kinks());
    /// let wrong = check_gradients(|x| x[0].custom(x[0].data().abs(), 3.0), &[0.0]);
    /// assert!(!wrong.passed_but_for_kinks()); // 3 is no slope of |x| at 0
    /// ```
    #[must_use]
    pub fn passed_but_for_kinks(&self) -> bool {
        self.inputs
            .iter()
            .all(|c| c.passed || c.kink.is_some_and(|k| k.allows(c.analytic)))
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
        let verdict = if self.passed() {
            "PASS"
        } else if self.passed_but_for_kinks() {
            "FAIL, but only at a kink (see below)"
        } else {
            "FAIL"
        };
        let function = &self.function;
        // One name per row: the fields are public, so `names` may have been cut or grown,
        // and no row may vanish for want of a name.
        let names: Vec<Cow<'_, str>> = (0..self.inputs.len())
            .map(|i| match self.names.get(i) {
                Some(name) => Cow::Borrowed(name.as_str()),
                None => Cow::Owned(format!("x[{i}]")),
            })
            .collect();
        // The inputs in the header when they are few and short, else how many there are.
        let listed = names.join(", ");
        let args = if names.len() <= 4 && listed.chars().count() <= 32 {
            listed
        } else {
            format!("{} inputs", names.len())
        };
        writeln!(
            f,
            "gradient check of {function}({args}) = {} (eps {:e}, atol {:e}, rtol {:e}): {verdict}",
            short(self.output),
            self.config.eps,
            self.config.atol,
            self.config.rtol,
        )?;
        let w = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(5);
        writeln!(
            f,
            "  {:<w$} {:>10} {:>13} {:>13} {:>13} {:>11}",
            "input", "at", "backward", "numeric", "abs error", "rel error"
        )?;
        for (name, c) in names.iter().zip(&self.inputs) {
            let mark = match (c.passed, c.kink) {
                (true, None) => "ok",
                (true, Some(_)) => "ok, at a kink",
                (false, Some(k)) if k.allows(c.analytic) => "kink",
                (false, _) => "WRONG",
            };
            writeln!(
                f,
                "  {name:<w$} {:>10.4} {:>13.6e} {:>13.6e} {:>13.3e} {:>11.3e}  {mark}",
                c.at, c.analytic, c.numeric, c.abs_error, c.rel_error,
            )?;
        }
        for (name, c) in names.iter().zip(&self.inputs) {
            if let Some(k) = c.kink {
                explain_kink(f, function, name, c, k, self.config.eps)?;
            }
        }
        Ok(())
    }
}

/// The sentence under the table for an input at a kink.
fn explain_kink(
    f: &mut fmt::Formatter<'_>,
    function: &str,
    name: &str,
    c: &InputCheck,
    k: Kink,
    eps: f64,
) -> fmt::Result {
    writeln!(
        f,
        "  {name} is at a kink: {function} is not differentiable at {name} = {} \
         (or within eps = {eps:e} of it).",
        short(c.at)
    )?;
    writeln!(
        f,
        "    Its slope is {} from the left and {} from the right: no single derivative exists.",
        short(k.left),
        short(k.right)
    )?;
    if k.allows(c.analytic) {
        writeln!(
            f,
            "    The central difference averages the two ({}); backward's {} lies between them,\n    \
             a fair choice (a subgradient), not an error.",
            short(c.numeric),
            short(c.analytic)
        )
    } else {
        writeln!(
            f,
            "    Backward's {} is not between them: it is wrong even allowing for the kink.",
            short(c.analytic)
        )
    }
}

/// A number rounded to 6 significant digits, without trailing zeros.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{}", if x == 0.0 { 0.0 } else { x });
    }
    let digits = (5 - x.abs().log10().floor() as i32).clamp(0, 15) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// [`check_gradients`] of a model's loss at its parameters, each row named as
/// [`named_parameters`](Module::named_parameters) names it (`layer0.neuron0.w0`), the
/// function called `loss`.
///
/// `f` receives the model's parameters, recorded in parameter order, and returns the loss;
/// pass them to [`Forward::forward`](crate::nn::Forward::forward).
///
/// # Panics
/// If the model names two of its parameters alike (its `named_parameters` has fewer entries
/// than it has parameters).
///
/// ```
/// use tapegrad::nn::{Activation, Forward, Module, Neuron};
/// use tapegrad::{check_model_gradients, loss};
///
/// let n = Neuron::from_parts(vec![0.5, -1.0], 0.25, Activation::Tanh);
/// let x = [1.0.into(), 2.0.into()];
/// let report = check_model_gradients(&n, |p| loss::mse(n.forward(p, &x).unwrap()[0], 1.0));
/// assert!(report.passed());
/// assert_eq!(report.names, ["w0", "w1", "b"]);
/// let text = report.to_string();
/// assert!(text.starts_with("gradient check of loss(w0, w1, b) = 3.41615 "), "{text}");
/// assert!(text.contains("\n  w1       -1.0000 "), "{text}");
/// ```
#[track_caller]
pub fn check_model_gradients<M, F>(model: &M, f: F) -> GradCheckReport
where
    M: Module + ?Sized,
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    let named = model.named_parameters();
    let count = model.parameter_count();
    assert_eq!(
        named.len(),
        count,
        "check_model_gradients: the model has {count} parameters but names only {} apart; \
         give every parameter a name of its own",
        named.len()
    );
    let names: Vec<&String> = named.keys().collect();
    check_gradients(f, &model.parameters())
        .with_function("loss")
        .with_input_names(&names)
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
///
/// # Kinks
///
/// Where `f` is not differentiable (relu or abs at 0, the max of two equal values), its slope
/// from the left and from the right differ, and no single number is *the* derivative. The
/// central difference then averages the two slopes, while backward gives the operation's
/// convention (relu'(0) = 0): they disagree, and neither is wrong. The check tells this case
/// apart: it compares the one-sided slopes `(f(x) - f(x - eps)) / eps` and
/// `(f(x + eps) - f(x)) / eps`, and where they differ by as much at a quarter of the step
/// (on a smooth function the gap shrinks with the step), it records them in
/// [`InputCheck::kink`]. The printed report then says, under its table, that `f` is not
/// differentiable there, which slopes it saw, and whether backward's value lies between
/// them (a *subgradient*, as fair an answer as any) or not (wrong even allowing for the
/// kink). [`GradCheckReport::passed`] stays strict; [`GradCheckReport::passed_but_for_kinks`]
/// forgives a fair answer at a kink. To check the derivative itself, move the point off the
/// kink.
///
/// ```
/// let report = tapegrad::check_gradients(|x| x[0].relu(), &[0.0]);
/// assert_eq!(
///     report.to_string(),
///     "\
/// gradient check of f(x[0]) = 0 (eps 1e-6, atol 1e-5, rtol 1e-3): FAIL, but only at a kink (see below)
///   input         at      backward       numeric     abs error   rel error
///   x[0]      0.0000    0.000000e0   5.000000e-1      5.000e-1     1.000e0  kink
///   x[0] is at a kink: f is not differentiable at x[0] = 0 (or within eps = 1e-6 of it).
///     Its slope is 0 from the left and 1 from the right: no single derivative exists.
///     The central difference averages the two (0.5); backward's 0 lies between them,
///     a fair choice (a subgradient), not an error.
/// "
/// );
/// assert!(tapegrad::check_gradients(|x| x[0].relu(), &[0.5]).passed()); // off the kink
/// ```
pub fn check_gradients<F>(f: F, inputs: &[f64]) -> GradCheckReport
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    check_gradients_with(f, inputs, GradCheckConfig::default())
}

/// [`check_gradients`] with your own step and tolerances.
///
/// An input so large that `x ± eps` rounds the step `2·eps` off by more than 1e-4 of it (at
/// the default eps, |x| from about 1e7) cannot be checked: its numeric derivative is NaN, and
/// it fails.
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
/// // At 1e17, 1e17 ± 1e-6 rounds back to 1e17: no slope can be measured there.
/// let far = check_gradients_with(|x| x[0] * 2.0, &[1e17], GradCheckConfig::default());
/// assert!(far.inputs[0].numeric.is_nan() && !far.passed());
/// ```
#[track_caller]
pub fn check_gradients_with<F>(f: F, inputs: &[f64], config: GradCheckConfig) -> GradCheckReport
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    check_config(&config, "check_gradients_with");
    let mut tape = Tape::new();
    let (output, analytic) = {
        let vars = tape.vars(inputs);
        let y = f(&vars);
        let g = y.backward();
        (y.data(), g.wrt_all(&vars))
    };
    let mut eval = |xs: &[f64]| -> f64 {
        tape.clear();
        let vars = tape.vars(xs);
        f(&vars).data()
    };
    let mut xs = inputs.to_vec();
    let mut at = |i: usize, x: f64, eval: &mut dyn FnMut(&[f64]) -> f64| {
        xs[i] = x;
        let y = eval(&xs);
        xs[i] = inputs[i];
        y
    };
    let checks = (0..inputs.len())
        .map(|i| {
            let x = inputs[i];
            let eps = config.eps;
            let (hi, lo) = (at(i, x + eps, &mut eval), at(i, x - eps, &mut eval));
            // Where x ± eps rounds the step 2·eps off by more than 1e-4 of it, a tenth of the
            // default rtol (at the default eps, from |x| ≈ 1e7; from about 1e10 the step is
            // 0), the quotient would be a wrong number: NaN instead, so that the input fails
            // rather than passing on a made-up slope.
            let step = (x + eps) - (x - eps);
            let numeric = if (step - 2.0 * eps).abs() <= 1e-4 * (2.0 * eps) {
                (hi - lo) / (2.0 * eps)
            } else {
                f64::NAN
            };
            let a = analytic[i];
            let abs_error = (a - numeric).abs();
            let rel_error = abs_error / numeric.abs().max(f64::MIN_POSITIVE);
            // The one-sided slopes come for free (f(x) is `output`). A kink shows as slopes
            // that disagree by as much at a quarter of the step; on a smooth function their
            // gap, about f''·eps, shrinks with the step.
            let sides = |hi: f64, lo: f64, h: f64| ((output - lo) / h, (hi - output) / h);
            let (left, right) = sides(hi, lo, eps);
            let gap = (right - left).abs();
            let kink = (gap.is_finite()
                && gap > config.atol + config.rtol * left.abs().max(right.abs())
                && {
                    let h = eps / 4.0;
                    let (l, r) = sides(at(i, x + h, &mut eval), at(i, x - h, &mut eval), h);
                    (r - l).abs() > gap / 2.0
                })
            .then_some(Kink { left, right });
            InputCheck {
                at: x,
                analytic: a,
                numeric,
                abs_error,
                rel_error,
                passed: a.is_finite()
                    && numeric.is_finite()
                    && abs_error <= config.atol + config.rtol * numeric.abs(),
                kink,
            }
        })
        .collect();
    GradCheckReport {
        function: "f".to_string(),
        names: (0..inputs.len()).map(|i| format!("x[{i}]")).collect(),
        output,
        inputs: checks,
        config,
    }
}

/// Refuses a step that is not a positive finite number, or a tolerance that is not a finite
/// number ≥ 0, naming `what` (the caller) in the message.
///
/// # Panics
/// For such a step or tolerance.
#[track_caller]
fn check_config(config: &GradCheckConfig, what: &str) {
    assert!(
        config.eps.is_finite() && config.eps > 0.0,
        "{what}: eps must be a positive finite number, got {}",
        config.eps
    );
    for (name, tol) in [("atol", config.atol), ("rtol", config.rtol)] {
        assert!(
            tol.is_finite() && tol >= 0.0,
            "{what}: {name} must be a finite number >= 0, got {tol}"
        );
    }
}

/// Checks second derivatives: the gradient recorded on the tape
/// ([`Value::backward_on_tape`]), differentiated again by backward, against central finite
/// differences of the first-order gradient, with PyTorch's `gradgradcheck` defaults (those of
/// [`GradCheckConfig::default`]). One [`GradCheckReport`] per input `i`: report `i` checks
/// the gradient of ∂f/∂xᵢ, its `inputs[j].analytic` being ∂²f/∂xᵢ∂xⱼ. Each is
/// [`check_gradients`] of the function `x ↦ ∂f/∂xᵢ`, kinks explained as there (a relu at 0
/// is a kink of the gradient).
///
/// # Errors
/// [`Error::FirstOrderOnly`] if `f` records a node with plain-number local derivatives
/// between its inputs and its result.
///
/// ```
/// let reports = tapegrad::check_second_derivatives(|x| (x[0] * x[1]).sin(), &[0.5, -1.5])?;
/// assert_eq!(reports.len(), 2);
/// assert!(reports.iter().all(|r| r.passed()));
/// // ∂²/∂x₀² sin(x₀x₁) = -x₁² sin(x₀x₁)
/// let expected = -(1.5f64 * 1.5) * (0.5f64 * -1.5).sin();
/// assert!((reports[0].inputs[0].analytic - expected).abs() < 1e-15);
///
/// // A custom node's derivative is a plain number: the check cannot run, and says why.
/// let custom = tapegrad::check_second_derivatives(|x| x[0].custom(1.0, 2.0), &[0.5]);
/// assert!(custom.unwrap_err().to_string().starts_with("node #1, custom(#0), was recorded"));
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub fn check_second_derivatives<F>(f: F, inputs: &[f64]) -> Result<Vec<GradCheckReport>, Error>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    check_second_derivatives_with(f, inputs, GradCheckConfig::default())
}

/// [`check_second_derivatives`] with your own step and tolerances.
///
/// # Errors
/// As [`check_second_derivatives`].
///
/// # Panics
/// As [`check_gradients_with`], for a step that is not a positive finite number or a
/// tolerance that is not a finite number ≥ 0, whatever the inputs (none included), before
/// `f` is called.
///
/// ```
/// use tapegrad::{check_second_derivatives_with, GradCheckConfig};
///
/// let cfg = GradCheckConfig { eps: 1e-5, ..GradCheckConfig::default() };
/// let reports = check_second_derivatives_with(|x| x[0].powi(4), &[2.0], cfg)?;
/// assert_eq!(reports[0].inputs[0].analytic, 48.0); // 12x²
/// assert!(reports[0].passed());
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[track_caller]
pub fn check_second_derivatives_with<F>(
    f: F,
    inputs: &[f64],
    config: GradCheckConfig,
) -> Result<Vec<GradCheckReport>, Error>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    check_config(&config, "check_second_derivatives_with");
    {
        let tape = Tape::new();
        let xs = tape.vars(inputs);
        f(&xs).backward_on_tape(&xs)?;
    }
    // At a point where f records a custom node the first call did not meet, ∂f/∂xᵢ is NaN:
    // that input fails, visibly.
    let reports = (0..inputs.len())
        .map(|i| {
            check_gradients_with(
                |x| {
                    f(x).backward_on_tape(x)
                        .map_or(Value::constant(f64::NAN), |g| g[i])
                },
                inputs,
                config,
            )
        })
        .collect();
    Ok(reports)
}
