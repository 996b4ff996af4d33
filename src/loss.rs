//! Loss functions on [`Value`]s.
//!
//! Each loss is one named function that records its value and, right beside it, its local
//! derivative(s) as **one** node of its own [`Op`] (`Op::Mse`, ...), keeping its target,
//! so a loss adds one node to the tape however it is written out on paper; traces and graphs
//! show it by its name (`mse(out)`, `l2_penalty(w0, w1, b)`), and
//! [`Value::backward_on_tape`] can rebuild its derivative as a value. The formulas and
//! gradients are on each function.
//!
//! Labels outside a loss's domain (a BCE label outside `[0, 1]`, a hinge label other than ±1)
//! are programming errors, like an out-of-bounds index: the function panics with a message
//! naming the label and the loss that takes it, rather than return a number that looks fine
//! and is wrong. A NaN *prediction* (a diverged network) gives a NaN loss, which
//! [`check_loss`](crate::optim::check_loss) turns into an error.
//!
//! The names follow PyTorch's, for one sample (average a batch with [`mean`], as PyTorch's
//! default `reduction="mean"` does):
//!
//! | tapegrad | PyTorch |
//! |---|---|
//! | [`mse`]: `(pred − target)²` | `nn.MSELoss` |
//! | [`half_squared_error`]: `½·(pred − target)²` (the TensorFlow Playground's loss) | `0.5 * nn.MSELoss` |
//! | [`sum_of_squares`]: `Σ (pred − target)²` (micrograd's) | `nn.MSELoss(reduction="sum")` |
//! | [`bce`]: cross-entropy of a probability | `nn.BCELoss` |
//! | [`bce_with_logits`]: cross-entropy of a raw score | `nn.BCEWithLogitsLoss` |
//! | [`hinge`]: `max(0, 1 − y·score)`, labels ±1 (micrograd's) | `(1 - y * score).clamp(min=0)` |
//! | [`l2_penalty`]: `alpha · Σ p²` | `weight_decay` (its gradient `2·alpha·p`) |
//! | [`l1_penalty`]: `alpha · Σ abs(p)` | `alpha * p.abs().sum()` (its gradient `alpha·sign(p)`) |
//!
//! ```
//! use tapegrad::{Tape, loss};
//!
//! let tape = Tape::new();
//! let z = tape.var(2.0);
//! let l = loss::bce_with_logits(z, 1.0);
//! assert!((l.data() - (1.0 + (-2f64).exp()).ln()).abs() < 1e-15);
//! assert_eq!(tape.len(), 2); // the score and one loss node
//! ```

use std::fmt;
use std::str::FromStr;

use crate::engine::scalar::Scalar;
use crate::engine::tape::{Fold, Node};
use crate::error::Error;
use crate::{Op, Tape, Value};

/// The clamp applied by [`bce`] inside its logarithms: `ln(max(p, BCE_EPS))` and
/// `ln(max(1 - p, BCE_EPS))`, so the loss never exceeds `-ln(1e-12) ≈ 27.63`.
///
/// ```
/// assert_eq!(tapegrad::loss::BCE_EPS, 1e-12);
/// ```
pub const BCE_EPS: f64 = 1e-12;

/// The tape shared by the recorded values among `xs` (`None` if all are constants).
///
/// # Panics
/// If they are recorded on different tapes, naming `what` (the loss the caller called).
#[track_caller]
fn tape_of<'t>(xs: &[Value<'t>], what: &str) -> Option<&'t Tape> {
    let tape = xs.iter().find_map(|v| v.tape())?;
    for v in xs {
        v.assert_tape(tape, what);
    }
    Some(tape)
}

/// Records `data` with the given local derivatives as one node made by `op`, keeping
/// `constant` (its `alpha`), on the values' tape, or a constant if none of them is recorded.
/// Panics naming `what` if the values are recorded on different tapes.
#[track_caller]
fn fused<'t>(
    what: &str,
    (op, constant): (Op, f64),
    xs: &[Value<'t>],
    data: f64,
    partials: impl Iterator<Item = f64>,
) -> Value<'t> {
    match tape_of(xs, what) {
        None => Value::constant(data),
        Some(t) => {
            let node = Node {
                constant,
                ..Node::new(op, data)
            };
            t.record(node, |edges| {
                edges.extend(xs.iter().zip(partials).filter_map(|(x, d)| x.edge(d)));
            })
        }
    }
}

/// Records a one-input loss made by `op`: its value and derivative, keeping its `target`.
fn single(op: Op, pred: Value<'_>, target: f64, data: f64, d: f64) -> Value<'_> {
    pred.folding(target, Fold::None, op, data, d)
}

/// Squared error, as PyTorch's `nn.MSELoss` computes it for one sample: `(pred − target)²`.
/// Average a batch with [`mean`].
///
/// Gradient: `d/dpred = 2·(pred − target)`. One node.
///
/// A non-finite `target` gives a non-finite loss (caught by
/// [`check_loss`](crate::optim::check_loss)).
///
/// ```
/// use tapegrad::{Tape, loss};
///
/// let tape = Tape::new();
/// let p = tape.var(3.0);
/// let l = loss::mse(p, 1.0);
/// assert_eq!(l.data(), 4.0); // 2²
/// assert_eq!(l.backward().wrt(p), 4.0);
/// ```
pub fn mse(pred: Value<'_>, target: f64) -> Value<'_> {
    let d = pred.data() - target;
    single(Op::Mse, pred, target, d * d, squared_error_local(d))
}

/// The derivative of a squared error `r²` ([`mse`], [`sum_of_squares`]) with respect to the
/// prediction, from the residual `r` = prediction − target: `2r`. (Half of it,
/// [`half_squared_error`]'s, is the residual itself.)
pub(crate) fn squared_error_local<S: Scalar>(residual: S) -> S {
    S::constant(2.0) * residual
}

/// Squared error in the TensorFlow Playground's form: `½·(pred − target)²`, half of [`mse`],
/// so that its gradient is the plain difference.
///
/// Gradient: `d/dpred = pred − target`. One node.
///
/// A non-finite `target` gives a non-finite loss (caught by
/// [`check_loss`](crate::optim::check_loss)).
///
/// ```
/// use tapegrad::{Tape, loss};
///
/// let tape = Tape::new();
/// let p = tape.var(3.0);
/// let l = loss::half_squared_error(p, 1.0);
/// assert_eq!(l.data(), 2.0); // ½·2²
/// assert_eq!(l.backward().wrt(p), 2.0);
/// ```
pub fn half_squared_error(pred: Value<'_>, target: f64) -> Value<'_> {
    let d = pred.data() - target;
    single(Op::HalfSquaredError, pred, target, 0.5 * d * d, d)
}

/// micrograd's loss: `Σ (pred[i] − target[i])²`, with no ½ and no mean.
///
/// Gradient: `d/dpred[i] = 2·(pred[i] − target[i])`. One node with a parent for each
/// recorded prediction (constants on no tape add none); no predictions give the constant 0.
///
/// # Errors
/// [`Error::InvalidArgument`] if `preds` and `targets` differ in length (nothing is
/// truncated).
///
/// # Panics
/// If the predictions are recorded on different tapes.
///
/// ```
/// use tapegrad::{Tape, loss};
///
/// let tape = Tape::new();
/// let p = tape.vars(&[1.0, -0.5]);
/// let l = loss::sum_of_squares(&p, &[1.5, -1.0])?;
/// assert_eq!(l.data(), 0.5); // 0.25 + 0.25
/// assert_eq!(l.backward().wrt_all(&p), vec![-1.0, 1.0]);
/// assert!(loss::sum_of_squares(&p, &[1.0]).is_err());
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[track_caller]
pub fn sum_of_squares<'t>(preds: &[Value<'t>], targets: &[f64]) -> Result<Value<'t>, Error> {
    if preds.len() != targets.len() {
        return Err(Error::InvalidArgument(format!(
            "sum_of_squares: {} predictions but {} targets",
            preds.len(),
            targets.len()
        )));
    }
    let data = preds
        .iter()
        .zip(targets)
        .fold(0.0, |acc, (p, t)| acc + (p.data() - t) * (p.data() - t));
    let partials = preds
        .iter()
        .zip(targets)
        .map(|(p, t)| squared_error_local(p.data() - t));
    Ok(fused(
        "loss::sum_of_squares",
        (Op::SumOfSquares, 0.0),
        preds,
        data,
        partials,
    ))
}

/// The mean `(x[0] + … + x[n−1]) / n`, for averaging per-sample losses.
///
/// Gradient: `1/n` for each input. Two nodes: a fused [`sum`](crate::sum), then a division.
///
/// # Errors
/// [`Error::InvalidArgument`] for an empty slice (the mean of nothing is not 0, and NaN would
/// surface steps later).
///
/// # Panics
/// If the values are recorded on different tapes.
///
/// ```
/// use tapegrad::{Tape, loss};
///
/// let tape = Tape::new();
/// let xs = tape.vars(&[1.0, 2.0, 6.0]);
/// let m = loss::mean(&xs)?;
/// assert_eq!(m.data(), 3.0);
/// assert_eq!(m.backward().wrt(xs[2]), 1.0 / 3.0);
/// assert!(loss::mean(&[]).is_err());
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[track_caller]
pub fn mean<'t>(xs: &[Value<'t>]) -> Result<Value<'t>, Error> {
    if xs.is_empty() {
        return Err(Error::InvalidArgument(
            "mean of no values: give at least one loss to average".into(),
        ));
    }
    tape_of(xs, "loss::mean");
    Ok(crate::sum(xs) / xs.len() as f64)
}

/// Panics unless `y` is a label in `[0, 1]`.
#[track_caller]
fn check_probability_label(y: f64, what: &str) {
    assert!(
        (0.0..=1.0).contains(&y),
        "{what}: label y = {y} is outside [0, 1]; binary cross-entropy takes labels 0 or 1 \
         (or soft labels between); for labels ±1 use hinge"
    );
}

/// Binary cross-entropy of a raw score (logit) `z` against a label `y ∈ [0, 1]`: the loss of
/// `sigmoid(z)` against `y`, computed stably, without ever forming `sigmoid(z)`:
///
/// `loss = max(z, 0) − z·y + ln(1 + e^−|z|)` (with `ln_1p`), derivative
/// `d/dz = sigmoid(z) − y`, evaluated as `(1 − y)·sigmoid(z) − y·sigmoid(−z)` so it keeps
/// full precision in both tails. One node.
///
/// Finite and exact at large |z|: at z = ±1000 the wrong label costs 1000 with gradient ±1,
/// the right one costs 0 with gradient 0. Exact at infinite z too: z = +∞ costs 0 for the
/// label 1 and +∞ for any other label (the loss tends to (1 − y)·z), and likewise z = −∞
/// costs 0 for the label 0; the gradient there is `1 − y` (or `−y`), never NaN.
///
/// # Panics
/// If `y` is outside `[0, 1]` or NaN.
///
/// ```
/// use tapegrad::{Tape, loss};
///
/// let tape = Tape::new();
/// let z = tape.var(1000.0);
/// let wrong = loss::bce_with_logits(z, 0.0);
/// let right = loss::bce_with_logits(z, 1.0);
/// assert_eq!((wrong.data(), wrong.backward().wrt(z)), (1000.0, 1.0));
/// assert_eq!((right.data(), right.backward().wrt(z)), (0.0, 0.0));
///
/// let inf = tape.var(f64::INFINITY);
/// let right = loss::bce_with_logits(inf, 1.0);
/// assert_eq!((right.data(), right.backward().wrt(inf)), (0.0, 0.0));
/// assert_eq!(loss::bce_with_logits(inf, 0.5).data(), f64::INFINITY);
/// ```
#[track_caller]
pub fn bce_with_logits(z: Value<'_>, y: f64) -> Value<'_> {
    let (loss, d) = bce_with_logits_value(z.data(), y);
    single(Op::BceWithLogits, z, y, loss, d)
}

/// [`bce_with_logits`]'s value and derivative, and its panics.
#[track_caller]
fn bce_with_logits_value(x: f64, y: f64) -> (f64, f64) {
    check_probability_label(y, "bce_with_logits");
    let loss = if x.is_infinite() {
        // The loss tends to |z| times the weight of the wrong label: inf − inf would be NaN
        // where that weight is 0 and the loss is exactly 0.
        let wrong = if x > 0.0 { 1.0 - y } else { y };
        if wrong == 0.0 { 0.0 } else { f64::INFINITY }
    } else if x.is_nan() {
        f64::NAN // max(NaN, 0) is 0 in Rust: keep a NaN score NaN.
    } else {
        x.max(0.0) - x * y + (-x.abs()).exp().ln_1p()
    };
    (loss, bce_with_logits_local(x, y))
}

/// The derivative of [`bce_with_logits`] with respect to the score `x`, against the label
/// `y`: `(1 − y)·sigmoid(x) − y·sigmoid(−x)`.
pub(crate) fn bce_with_logits_local<S: Scalar>(x: S, y: f64) -> S {
    S::constant(1.0 - y) * x.sigmoid() - S::constant(y) * (-x).sigmoid()
}

/// Binary cross-entropy of a probability `p ∈ [0, 1]` (say, a sigmoid output) against a label
/// `y ∈ [0, 1]`:
///
/// `loss = −[y·ln(max(p, ε)) + (1 − y)·ln(max(1 − p, ε))]` with ε = [`BCE_EPS`] = 1e-12,
/// derivative `d/dp = −y / max(p, ε) + (1 − y) / max(1 − p, ε)`. One node.
///
/// A term whose label weight is 0 contributes exactly 0 (no `0·ln 0 = NaN`), so a right
/// answer at p = 0 or 1 costs exactly 0, and a wrong one costs `−ln ε ≈ 27.63` with a finite
/// gradient of size at most 1e12. Outside the clamp this is the exact loss and gradient;
/// inside it the gradient is the formula at the clamped value (not the clamp's derivative,
/// 0), so it still points the right way. `ln(1 − p)` is computed as `ln_1p(−p)`.
///
/// Prefer [`bce_with_logits`] on the raw score: it is exact where the sigmoid saturates.
///
/// # Panics
/// If `y` is outside `[0, 1]` or NaN, or `p` is a number outside `[0, 1]` (use
/// [`bce_with_logits`] for raw scores). A NaN `p` gives a NaN loss.
///
/// ```
/// use tapegrad::{Tape, loss};
///
/// let tape = Tape::new();
/// let p = tape.var(0.0);
/// let right = loss::bce(p, 0.0);
/// let wrong = loss::bce(p, 1.0);
/// assert_eq!((right.data(), right.backward().wrt(p)), (0.0, 1.0));
/// assert_eq!(wrong.data(), -(1e-12f64).ln());
/// assert_eq!(wrong.backward().wrt(p), -1e12);
/// ```
#[track_caller]
pub fn bce(p: Value<'_>, y: f64) -> Value<'_> {
    let (loss, d) = bce_value(p.data(), y);
    single(Op::Bce, p, y, loss, d)
}

/// [`bce`]'s value and derivative, and its panics.
#[track_caller]
fn bce_value(x: f64, y: f64) -> (f64, f64) {
    check_probability_label(y, "bce");
    if x.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    assert!(
        (0.0..=1.0).contains(&x),
        "bce: p = {x} is not a probability in [0, 1]; give bce a sigmoid output, or give the \
         raw score to bce_with_logits"
    );
    let mut loss = 0.0;
    if y != 0.0 {
        loss -= y * x.max(BCE_EPS).ln();
    }
    if y != 1.0 {
        let ln = if 1.0 - x < BCE_EPS {
            BCE_EPS.ln()
        } else {
            (-x).ln_1p()
        };
        loss -= (1.0 - y) * ln;
    }
    (loss, bce_local(x, y))
}

/// The derivative of [`bce`] with respect to the probability `x`, against the label `y`:
/// `−y / max(x, ε) + (1 − y) / max(1 − x, ε)`, a term whose label weight is 0 left out. The
/// clamp is a plain number, so inside it the derivative's own derivative is the formula's
/// at the clamped value, 0.
pub(crate) fn bce_local<S: Scalar>(x: S, y: f64) -> S {
    let clamped = |q: S| {
        if q.data() < BCE_EPS {
            S::constant(BCE_EPS)
        } else {
            q
        }
    };
    let mut d = S::constant(0.0);
    if y != 0.0 {
        d = d - S::constant(y) / clamped(x);
    }
    if y != 1.0 {
        d = d + S::constant(1.0 - y) / clamped(S::constant(1.0) - x);
    }
    d
}

/// micrograd's max-margin (SVM) loss for a score against a label `y = ±1`:
/// `loss = relu(1 − y·score)`.
///
/// Gradient: `d/dscore = −y` while the margin is violated (`y·score < 1`), else 0; exactly at
/// the margin (`y·score = 1`) the loss and gradient are both 0 (relu'(0) = 0). One node.
///
/// # Panics
/// If `y` is not exactly 1 or −1 (0/1 labels would silently give a wrong loss; map them with
/// `2·y − 1`, or use [`bce_with_logits`]).
///
/// ```
/// use tapegrad::{Tape, loss};
///
/// let tape = Tape::new();
/// let s = tape.var(0.25);
/// let l = loss::hinge(s, 1.0);
/// assert_eq!((l.data(), l.backward().wrt(s)), (0.75, -1.0));
/// let at_margin = loss::hinge(tape.var(-1.0), -1.0);
/// assert_eq!(at_margin.data(), 0.0);
/// ```
#[track_caller]
pub fn hinge(score: Value<'_>, y: f64) -> Value<'_> {
    let (loss, d) = hinge_local(score.data(), y);
    single(Op::Hinge, score, y, loss, d)
}

/// [`hinge`]'s value and derivative, and its panics.
#[track_caller]
fn hinge_local(score: f64, y: f64) -> (f64, f64) {
    assert!(
        y == 1.0 || y == -1.0,
        "hinge: label y = {y} is not ±1; the max-margin loss takes labels -1 and 1 (map 0/1 \
         labels with 2y - 1, or use bce_with_logits)"
    );
    let m = 1.0 - y * score;
    if m > 0.0 {
        (m, -y)
    } else if m.is_nan() {
        (f64::NAN, f64::NAN)
    } else {
        (0.0, 0.0)
    }
}

/// micrograd's L2 regularisation: `alpha · Σ p²` over `params`.
///
/// Gradient: `d/dp = 2·alpha·p`. One node with a parent for each recorded parameter
/// (constants on no tape add none); no parameters give the constant 0.
///
/// # Panics
/// If `alpha` is negative or not finite, or the parameters are recorded on different tapes.
///
/// ```
/// use tapegrad::{Tape, loss};
///
/// let tape = Tape::new();
/// let p = tape.vars(&[1.0, -2.0]);
/// let l = loss::l2_penalty(&p, 1e-4);
/// assert_eq!(l.data(), 5e-4);
/// assert_eq!(l.backward().wrt_all(&p), vec![2e-4, -4e-4]);
/// ```
#[track_caller]
pub fn l2_penalty<'t>(params: &[Value<'t>], alpha: f64) -> Value<'t> {
    check_penalty_strength("l2_penalty", alpha);
    let data = alpha * params.iter().fold(0.0, |acc, p| acc + p.data() * p.data());
    let partials = params.iter().map(|p| l2_penalty_local(p.data(), alpha));
    fused(
        "loss::l2_penalty",
        (Op::L2Penalty, alpha),
        params,
        data,
        partials,
    )
}

/// The derivative of [`l2_penalty`] with respect to a parameter `p`: `2·alpha·p`.
pub(crate) fn l2_penalty_local<S: Scalar>(p: S, alpha: f64) -> S {
    S::constant(2.0 * alpha) * p
}

/// Refuses a penalty's strength `alpha` unless it is a finite number ≥ 0; `what` names the
/// caller in the message.
///
/// # Panics
/// If `alpha` is negative, NaN or infinite.
#[track_caller]
pub(crate) fn check_penalty_strength(what: &str, alpha: f64) {
    assert!(
        alpha.is_finite() && alpha >= 0.0,
        "{what}: alpha must be a finite number ≥ 0, got {alpha}"
    );
}

/// L1 regularisation (the lasso, the TensorFlow Playground's "L1"): `alpha · Σ |p|` over
/// `params`.
///
/// Gradient: `d/dp = alpha · sign(p)`, pulling every parameter towards 0 by the same amount
/// whatever its size, which is why L1 drives small weights to exactly 0 where L2
/// ([`l2_penalty`]) only shrinks them. One node with a parent for each recorded parameter
/// (constants on no tape add none); no parameters give the constant 0.
///
/// At p = 0, |p| has a kink: its slope is −1 from the left and +1 from the right, and any
/// number between is a subgradient. This penalty records **0** there, the crate's convention
/// for kinks (as [`Value::abs`] and [`Value::relu`] record 0 at 0), so a parameter at exactly
/// 0 gets no push from the penalty; -0.0 counts as 0. A central difference at 0 also gives 0,
/// and [`check_gradients`](crate::check_gradients) reports the kink, with slopes ∓alpha.
/// A NaN parameter makes the penalty NaN, and every partial NaN (the crate's NaN rule).
///
/// # Panics
/// If `alpha` is negative or not finite, or the parameters are recorded on different tapes.
///
/// ```
/// use tapegrad::{Tape, loss};
///
/// let tape = Tape::new();
/// let p = tape.vars(&[0.5, -2.0, 0.0]);
/// let l = loss::l1_penalty(&p, 0.25);
/// assert_eq!(l.data(), 0.625);
/// assert_eq!(l.backward().wrt_all(&p), vec![0.25, -0.25, 0.0]);
/// ```
#[track_caller]
pub fn l1_penalty<'t>(params: &[Value<'t>], alpha: f64) -> Value<'t> {
    check_penalty_strength("l1_penalty", alpha);
    let data = alpha * params.iter().fold(0.0, |acc, p| acc + p.data().abs());
    let partials = params.iter().map(|p| {
        let x = p.data();
        alpha * if x == 0.0 { 0.0 } else { x.signum() }
    });
    fused(
        "loss::l1_penalty",
        (Op::L1Penalty, alpha),
        params,
        data,
        partials,
    )
}

/// A per-sample loss chosen by name, for example from a command line flag: `mse`,
/// `half_squared_error`, `bce`, `bce_with_logits` or `hinge`. `Display` prints these names
/// and [`FromStr`] reads them, and also `logistic` for `bce_with_logits`.
///
/// ```
/// use tapegrad::{Tape, loss::Loss};
///
/// let loss: Loss = "hinge".parse()?;
/// let tape = Tape::new();
/// assert_eq!(loss.apply(tape.var(0.5), 1.0).data(), 0.5);
/// assert_eq!(loss.to_string(), "hinge");
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Loss {
    /// [`mse`]: `(pred − y)²`, PyTorch's `MSELoss`.
    Mse,
    /// [`half_squared_error`]: `½·(pred − y)²`, the TensorFlow Playground's.
    HalfSquaredError,
    /// [`bce`]: cross-entropy of a probability.
    Bce,
    /// [`bce_with_logits`]: cross-entropy of a raw score.
    BceWithLogits,
    /// [`hinge`]: `relu(1 − y·score)`, labels ±1.
    Hinge,
}

impl Loss {
    /// Every loss, in declaration order.
    ///
    /// ```
    /// assert_eq!(tapegrad::loss::Loss::ALL.len(), 5);
    /// ```
    pub const ALL: [Loss; 5] = [
        Loss::Mse,
        Loss::HalfSquaredError,
        Loss::Bce,
        Loss::BceWithLogits,
        Loss::Hinge,
    ];

    /// The loss of one prediction against its label: calls the function of the same name.
    ///
    /// # Panics
    /// As that function: for a label outside its domain, or, with [`Loss::Bce`], a
    /// prediction not in [0, 1].
    ///
    /// ```
    /// use tapegrad::{Tape, loss::Loss};
    ///
    /// let tape = Tape::new();
    /// assert_eq!(Loss::HalfSquaredError.apply(tape.var(3.0), 1.0).data(), 2.0);
    /// ```
    #[track_caller]
    pub fn apply(self, pred: Value<'_>, y: f64) -> Value<'_> {
        match self {
            Loss::Mse => mse(pred, y),
            Loss::HalfSquaredError => half_squared_error(pred, y),
            Loss::Bce => bce(pred, y),
            Loss::BceWithLogits => bce_with_logits(pred, y),
            Loss::Hinge => hinge(pred, y),
        }
    }

    /// The name, as printed and parsed.
    ///
    /// ```
    /// assert_eq!(tapegrad::loss::Loss::BceWithLogits.name(), "bce_with_logits");
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Loss::Mse => "mse",
            Loss::HalfSquaredError => "half_squared_error",
            Loss::Bce => "bce",
            Loss::BceWithLogits => "bce_with_logits",
            Loss::Hinge => "hinge",
        }
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Loss {
    type Err = Error;

    /// Parses a loss name, ignoring case and surrounding spaces; `logistic` is accepted for
    /// `bce_with_logits`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the accepted values.
    ///
    /// ```
    /// use tapegrad::loss::Loss;
    ///
    /// assert_eq!("logistic".parse::<Loss>()?, Loss::BceWithLogits);
    /// assert_eq!(
    ///     "l1".parse::<Loss>().unwrap_err().to_string(),
    ///     "invalid argument: unknown loss `l1`; expected one of mse, half_squared_error, bce, \
    ///      bce_with_logits, hinge"
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Error> {
        let wanted = s.trim();
        if wanted.eq_ignore_ascii_case("logistic") {
            return Ok(Loss::BceWithLogits);
        }
        Loss::ALL
            .iter()
            .copied()
            .find(|l| l.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                let names: Vec<_> = Loss::ALL.iter().map(|l| l.name()).collect();
                Error::InvalidArgument(format!(
                    "unknown loss `{wanted}`; expected one of {}",
                    names.join(", ")
                ))
            })
    }
}
