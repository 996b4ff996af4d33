//! [`Value`]: a small `Copy` handle to one node on a [`Tape`], with the operations of `f64`.
//!
//! Every operation computes its result and, right beside it, the local derivative with
//! respect to each input, then records one node. Where the derivative is a formula, it is the
//! operation's *rule*, written just below it over [`Scalar`]: run on `f64` here, and on values
//! by the backward recorded on the tape, so that both orders use one formula. Where it is a
//! plain slope (`+`, `-`, relu, abs), it is a number, whose own derivative is 0. Conventions
//! where the calculus is silent (all documented on the methods):
//!
//! - relu'(0) = 0, abs'(0) = 0, ln'(±0) = sqrt'(±0) = +inf, d/dx x^0 = 0 (also at x = 0);
//! - d/db a^b = 0 at a = 0 with b ≥ 0, NaN at a = 0 with b < 0 and for a < 0;
//! - if an operation's result is NaN, every local derivative it records is NaN, so a NaN
//!   result always passes NaN (never a made-up number) back to its inputs;
//! - `tanh` and `sigmoid` are exact at large |x|: tanh(±1000) = ±1 and sigmoid(±1000) = 1 or
//!   0, all with gradient 0.

use std::borrow::Cow;
use std::fmt;

use super::scalar::Scalar;
use super::tape::{Edge, Fold, Node, Op, Tape};

/// A scalar recorded on a [`Tape`] (or a plain constant that lives on no tape).
///
/// `Value` is `Copy` and reads like `f64`: the operators `+ - * /` work in every arrangement
/// (`Value∘Value`, `Value∘f64`, `f64∘Value`), as do the assign forms and unary `-`, and the
/// methods are named like `f64`'s. A value borrows its tape, so it cannot outlive it.
///
/// A constant made with [`Value::constant`] (or `Value::from(f64)`, or an empty
/// [`sum`](std::iter::Sum)) lives on no tape: combining it with a recorded value folds it into
/// the node of that operation; combining two constants gives a constant.
///
/// ```
/// use tapegrad::Tape;
///
/// let tape = Tape::new();
/// let a = tape.var(-4.0);
/// let b = tape.var(2.0);
/// let c = a * b + b.powi(3);
/// let g = c.backward();
/// assert_eq!(c.data(), 0.0);
/// assert_eq!(g.wrt(a), 2.0); // b
/// assert_eq!(g.wrt(b), 8.0); // a + 3b²
/// ```
///
/// # Panics
/// Any operation combining values recorded on two different tapes panics, naming the
/// operation; so does recording past a tape's 2^32 nodes (see [`Tape`]).
#[derive(Clone, Copy)]
#[must_use]
pub struct Value<'t> {
    tape: Option<&'t Tape>,
    idx: u32,
    data: f64,
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tape {
            Some(_) => write!(f, "Value(#{}, data={:?})", self.idx, self.data),
            None => write!(f, "Value(const, data={:?})", self.data),
        }
    }
}

/// Prints like micrograd's repr: `Value(data=2.5)`, with the label when there is one.
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.label() {
            Some(l) => write!(f, "Value({l}, data={})", self.data),
            None => write!(f, "Value(data={})", self.data),
        }
    }
}

impl From<f64> for Value<'_> {
    fn from(data: f64) -> Self {
        Value::constant(data)
    }
}

/// Panics: `what` met values from two tapes.
#[cold]
#[track_caller]
pub(crate) fn two_tapes(what: &str) -> ! {
    panic!(
        "`{what}` combined values from two different tapes; record every value of one \
         computation on the same Tape"
    );
}

impl<'t> Value<'t> {
    #[inline]
    pub(crate) fn from_parts(tape: &'t Tape, idx: u32, data: f64) -> Self {
        Value {
            tape: Some(tape),
            idx,
            data,
        }
    }

    /// Sets this value to `y`, field by field. For a value a call has just returned through
    /// memory, as a function returns a `Value`: the call wrote it field by field, and a copy
    /// of the whole value would read across two of those writes, which the processor cannot
    /// forward, so it waits until they reach the cache. Read field by field, each read takes
    /// its field from its write.
    #[inline(always)]
    pub(crate) fn set_from(&mut self, y: &Self) {
        self.tape = y.tape;
        self.idx = y.idx;
        self.data = y.data;
    }

    /// A constant that lives on no tape. Mixing it into an operation with a recorded value
    /// folds it into that operation's node, exactly like a plain `f64`.
    ///
    /// ```
    /// use tapegrad::Value;
    ///
    /// let c = Value::constant(3.0);
    /// assert_eq!((c * 2.0).data(), 6.0);
    /// assert!(c.index().is_none());
    /// ```
    #[inline]
    pub const fn constant(data: f64) -> Self {
        Value {
            tape: None,
            idx: 0,
            data,
        }
    }

    /// The number this value holds.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tape.var(1.5).data(), 1.5);
    /// ```
    #[must_use]
    #[inline]
    pub fn data(self) -> f64 {
        self.data
    }

    /// The node's index on its tape, or `None` for a constant that lives on no tape.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.var(1.0);
    /// let b = a + 1.0;
    /// assert_eq!((a.index(), b.index()), (Some(0), Some(1)));
    /// ```
    #[must_use]
    #[inline]
    pub fn index(self) -> Option<usize> {
        self.tape.map(|_| self.idx as usize)
    }

    /// The tape this value is recorded on, if any.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(tape.var(1.0).tape().is_some());
    /// assert!(tapegrad::Value::constant(1.0).tape().is_none());
    /// ```
    #[must_use]
    #[inline]
    pub fn tape(self) -> Option<&'t Tape> {
        self.tape
    }

    /// The operation that produced this value (`None` for a constant on no tape).
    ///
    /// ```
    /// use tapegrad::{Op, Tape};
    /// let tape = Tape::new();
    /// assert_eq!(tape.var(1.0).exp().op(), Some(Op::Exp));
    /// ```
    #[must_use]
    pub fn op(self) -> Option<Op> {
        self.tape.map(|t| t.graph().nodes[self.idx as usize].op)
    }

    /// Attaches a label, shown by `Display`, the backward trace and graph export. A constant
    /// on no tape has nowhere to keep a label and is returned unchanged.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(2.0).with_label("x");
    /// assert_eq!(x.label().as_deref(), Some("x"));
    /// assert_eq!(x.to_string(), "Value(x, data=2)");
    /// ```
    pub fn with_label(self, label: &str) -> Self {
        if let Some(t) = self.tape {
            t.graph_mut().labels.insert(self.idx, label.to_owned());
        }
        self
    }

    /// The label attached with [`with_label`](Value::with_label), if any.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tape.var(2.0).label(), None);
    /// ```
    #[must_use]
    pub fn label(self) -> Option<String> {
        self.tape
            .and_then(|t| t.graph().labels.get(&self.idx).cloned())
    }

    /// An edge from this value, which the caller knows is recorded, with local derivative
    /// `local`.
    #[inline]
    pub(crate) fn edge_recorded(self, local: f64) -> Edge {
        debug_assert!(self.tape.is_some());
        Edge::new(self.idx, local)
    }

    /// An edge from this value with local derivative `local`, or `None` for a constant.
    #[inline]
    pub(crate) fn edge(self, local: f64) -> Option<Edge> {
        self.tape.map(|_| Edge::new(self.idx, local))
    }

    /// Panics unless this value is a constant or recorded on `tape`.
    #[inline]
    #[track_caller]
    pub(crate) fn assert_tape(self, tape: &Tape, what: &str) {
        if let Some(t) = self.tape {
            if !std::ptr::eq(t, tape) {
                two_tapes(what);
            }
        }
    }

    /// Records a node with one input (`self`), given its value and local derivative.
    #[inline(always)]
    fn unary(self, op: Op, data: f64, d: f64) -> Self {
        self.folding(0.0, Fold::None, op, data, d)
    }

    /// [`unary`](Value::unary), keeping a plain constant folded into the node for display, on
    /// the side `fold` says: before `self` (`10 / x`) or after it (`x / 10`, `x.powi(2)`), or
    /// for the recorded backward alone (`Fold::None`: a loss's target).
    #[inline(always)]
    pub(crate) fn folding(self, constant: f64, fold: Fold, op: Op, data: f64, d: f64) -> Self {
        let node = Node {
            constant,
            fold,
            ..Node::new(op, data)
        };
        match self.tape {
            Some(t) => t.record(node, |edges| edges.push(Edge::new(self.idx, d))),
            None => Value::constant(data),
        }
    }

    /// Records a node with inputs `self` and `other`, given its value and the local
    /// derivatives with respect to each.
    #[inline(always)]
    #[track_caller]
    fn binary(self, other: Self, op: Op, data: f64, da: f64, db: f64) -> Self {
        match (self.tape, other.tape) {
            (Some(t), Some(u)) => {
                if !std::ptr::eq(t, u) {
                    two_tapes(op.symbol());
                }
                t.record(Node::new(op, data), |edges| {
                    edges.push(Edge::new(self.idx, da));
                    edges.push(Edge::new(other.idx, db));
                })
            }
            (Some(_), None) => self.folding(other.data, Fold::Second, op, data, da),
            (None, Some(_)) => other.folding(self.data, Fold::First, op, data, db),
            (None, None) => Value::constant(data),
        }
    }

    /// Records a node with your own value and local derivative with respect to `self`: a new
    /// unary operation in one line. For several inputs, see [`Tape::custom`].
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.5);
    /// // softplus(x) = ln(1 + e^x), derivative sigmoid(x)
    /// let s = x.custom((1.0 + x.data().exp()).ln(), x.sigmoid().data());
    /// let g = s.backward();
    /// assert!((g.wrt(x) - 0.6224593312018546).abs() < 1e-15);
    /// ```
    #[inline]
    pub fn custom(self, data: f64, derivative: f64) -> Self {
        self.unary(Op::Custom, data, derivative)
    }

    /// [`custom`](Value::custom) with a name, shown by the backward trace and graph export
    /// (`softplus(x)` rather than `custom(x)`). The name changes nothing else; a constant on
    /// no tape has nowhere to keep it.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.5).with_label("x");
    /// let s = x.custom_named("softplus", (1.0 + x.data().exp()).ln(), x.sigmoid().data());
    /// let (_, trace) = s.with_label("s").backward_traced();
    /// assert!(trace.to_string().starts_with("s = softplus(x)  data 0.974077"));
    /// ```
    pub fn custom_named(self, name: &str, data: f64, derivative: f64) -> Self {
        self.custom(data, derivative).with_op_name(name.to_owned())
    }

    /// Names the operation that made this value, for traces and graphs; a constant on no tape
    /// has nowhere to keep it.
    pub(crate) fn with_op_name(self, name: impl Into<Cow<'static, str>>) -> Self {
        if let Some(t) = self.tape {
            t.graph_mut().op_names.insert(self.idx, name.into());
        }
        self
    }

    /// `self × local`, as the backward sweep passes a gradient back, recorded: `self` is the
    /// upstream gradient, `local` a local derivative. Where the upstream gradient is 0 the
    /// value is 0, whatever `local` is (even infinite), because the sweep passes nothing back
    /// from a node whose gradient is 0; the local derivatives are still the product's.
    #[inline]
    pub(crate) fn pass_back(self, local: Self) -> Self {
        let data = if self.data == 0.0 {
            0.0
        } else {
            self.data * local.data
        };
        self.binary(local, Op::Mul, data, local.data, self.data)
    }

    #[inline]
    #[track_caller]
    pub(crate) fn add_impl(self, rhs: Self) -> Self {
        self.binary(rhs, Op::Add, self.data + rhs.data, 1.0, 1.0)
    }

    #[inline]
    #[track_caller]
    pub(crate) fn sub_impl(self, rhs: Self) -> Self {
        self.binary(rhs, Op::Sub, self.data - rhs.data, 1.0, -1.0)
    }

    #[inline]
    #[track_caller]
    pub(crate) fn mul_impl(self, rhs: Self) -> Self {
        self.binary(rhs, Op::Mul, self.data * rhs.data, rhs.data, self.data)
    }

    #[inline]
    #[track_caller]
    pub(crate) fn div_impl(self, rhs: Self) -> Self {
        let q = self.data / rhs.data;
        let (da, db) = (Self::div_wrt_a(rhs.data), Self::div_wrt_b(q, rhs.data));
        self.binary(rhs, Op::Div, q, da, db)
    }

    /// d(a/b)/da = 1/b.
    #[inline(always)]
    pub(crate) fn div_wrt_a<S: Scalar>(b: S) -> S {
        b.recip()
    }

    /// d(a/b)/db = -a/b², computed from the quotient `q` as -q/b, which does not overflow
    /// early.
    #[inline(always)]
    pub(crate) fn div_wrt_b<S: Scalar>(q: S, b: S) -> S {
        -q / b
    }

    #[inline]
    pub(crate) fn neg_impl(self) -> Self {
        self.unary(Op::Neg, -self.data, -1.0)
    }

    /// `e^self`. Derivative: `e^self`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.exp();
    /// assert_eq!((y.data(), y.backward().wrt(x)), (1.0, 1.0));
    /// ```
    #[inline]
    pub fn exp(self) -> Self {
        let e = self.data.exp();
        self.unary(Op::Exp, e, e)
    }

    /// Natural logarithm. Derivative `1/x`; ln(±0) = -inf with derivative +inf; for x < 0 the
    /// value and derivative are NaN.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(2.0);
    /// assert_eq!(x.ln().backward().wrt(x), 0.5);
    /// ```
    #[inline]
    pub fn ln(self) -> Self {
        let x = self.data;
        self.unary(Op::Ln, x.ln(), Self::ln_local(x))
    }

    /// ln'(x) = 1/x, and +inf at ±0 (1/x would say -inf at -0): as a value, 1/(x + 0), whose
    /// derivative at 0 is the limit from the right, −∞.
    #[inline(always)]
    pub(crate) fn ln_local<S: Scalar>(x: S) -> S {
        if x.data() == 0.0 {
            (x + 0.0).recip()
        } else {
            x.recip()
        }
    }

    /// Square root. Derivative `1 / (2√x)`; by convention sqrt'(±0) = +inf.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(4.0);
    /// assert_eq!(x.sqrt().backward().wrt(x), 0.25);
    /// ```
    #[inline]
    pub fn sqrt(self) -> Self {
        let s = self.data.sqrt();
        self.unary(Op::Sqrt, s, Self::sqrt_local(s))
    }

    /// sqrt'(x) = 1/(2√x), from `s` = √x, and +inf at ±0 (0.5/s would say -inf at -0): as a
    /// value, 0.5/(s + 0), whose derivative at 0 is −∞.
    #[inline(always)]
    pub(crate) fn sqrt_local<S: Scalar>(s: S) -> S {
        if s.data() == 0.0 {
            S::constant(0.5) / (s + 0.0)
        } else {
            S::constant(0.5) / s
        }
    }

    /// `self` to an integer power. Derivative `n·x^(n-1)`; by convention d/dx x^0 = 0, also
    /// at x = 0. Like `f64::powi`, `x.powi(0)` is 1 for every x, NaN included.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(3.0);
    /// let y = x.powi(2);
    /// assert_eq!((y.data(), y.backward().wrt(x)), (9.0, 6.0));
    /// ```
    #[inline]
    pub fn powi(self, n: i32) -> Self {
        let d = Self::powi_local(self.data, n);
        self.folding(f64::from(n), Fold::Second, Op::Powi, self.data.powi(n), d)
    }

    /// d(xⁿ)/dx = n·xⁿ⁻¹, and 0 for n = 0.
    #[inline(always)]
    pub(crate) fn powi_local<S: Scalar>(x: S, n: i32) -> S {
        let c = S::constant(f64::from(n));
        if n == 0 {
            S::constant(0.0)
        } else if let Some(m) = n.checked_sub(1) {
            c * x.powi(m)
        } else {
            // n = i32::MIN: n - 1 is not an i32, but it is an f64.
            c * x.powf(f64::from(n) - 1.0)
        }
    }

    /// `self` to a constant power. Derivative `c·x^(c-1)`; by convention d/dx x^0 = 0, also at
    /// x = 0. The value is exactly `f64::powf`'s (so `x.powf(0.0)` is 1 even for NaN).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(4.0);
    /// let y = x.powf(0.5);
    /// assert_eq!((y.data(), y.backward().wrt(x)), (2.0, 0.25));
    /// ```
    #[inline]
    pub fn powf(self, c: f64) -> Self {
        let d = Self::powf_local(self.data, c);
        self.folding(c, Fold::Second, Op::Powf, self.data.powf(c), d)
    }

    /// d(x^c)/dx = c·x^(c-1), and 0 for c = 0.
    #[inline(always)]
    pub(crate) fn powf_local<S: Scalar>(x: S, c: f64) -> S {
        if c == 0.0 {
            S::constant(0.0)
        } else {
            S::constant(c) * x.powf(c - 1.0)
        }
    }

    /// `self` to the power `exponent`, both recorded. Derivatives: `b·a^(b-1)` with respect to
    /// the base `a` (0 when b = 0) and `a^b·ln a` with respect to the exponent `b`. At a = 0
    /// the latter is 0 for b ≥ 0, as in PyTorch and JAX: for b > 0 that is the limit, and at
    /// b = 0, where 0^b jumps from 1 to 0 and has no derivative, it is a convention, like
    /// relu'(0) = 0. It is NaN at a = 0 for b < 0 (0^b is infinite there; JAX gives NaN too),
    /// and for a < 0.
    ///
    /// # Panics
    /// If the two values are recorded on different tapes.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (a, b) = (tape.var(2.0), tape.var(3.0));
    /// let y = a.pow(b);
    /// let g = y.backward();
    /// assert_eq!(y.data(), 8.0);
    /// assert_eq!(g.wrt(a), 12.0);
    /// assert!((g.wrt(b) - 8.0 * 2f64.ln()).abs() < 1e-14);
    ///
    /// let (zero, b) = (tape.var(0.0), tape.var(0.0));
    /// assert_eq!(zero.pow(b).backward().wrt(b), 0.0); // 0^b at b = 0: PyTorch's convention
    /// ```
    #[inline]
    #[track_caller]
    pub fn pow(self, exponent: impl Into<Value<'t>>) -> Self {
        let b = exponent.into();
        let (a, bv) = (self.data, b.data);
        let y = a.powf(bv);
        let (da, db) = (
            Self::pow_wrt_base(a, bv, y),
            Self::pow_wrt_exponent(a, bv, y),
        );
        self.binary(b, Op::Pow, y, da, db)
    }

    /// d(a^b)/da = b·a^(b-1), from `y` = a^b; 0 where b is a plain 0 (or is 0 at a = 0).
    /// A recorded b of 0 takes the same derivative as (b / a)·y, whose value is 0 where
    /// b·a^(b-1) would be 0·∞ (a base so small that 1/a overflows), and whose own
    /// derivatives are the formula's.
    #[inline(always)]
    pub(crate) fn pow_wrt_base<S: Scalar>(a: S, b: S, y: S) -> S {
        if b.data() == 0.0 && (b.is_constant() || a.data() == 0.0) {
            S::constant(0.0)
        } else if b.data() == 0.0 {
            b / a * y
        } else {
            b * a.pow(b - 1.0)
        }
    }

    /// d(a^b)/db = a^b·ln a, from `y` = a^b; at a ≤ 0 a convention, a plain number (0 at
    /// a = 0 for b ≥ 0, else NaN).
    #[inline(always)]
    pub(crate) fn pow_wrt_exponent<S: Scalar>(a: S, b: S, y: S) -> S {
        if a.data() == 0.0 {
            S::constant(if b.data() >= 0.0 { 0.0 } else { f64::NAN })
        } else if a.data() < 0.0 {
            S::constant(f64::NAN)
        } else {
            y * a.ln()
        }
    }

    /// Hyperbolic tangent. Derivative `1 - tanh²`; exact at large |x| (tanh(±1000) = ±1 with
    /// derivative 0).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// assert_eq!(x.tanh().backward().wrt(x), 1.0);
    /// ```
    #[inline]
    pub fn tanh(self) -> Self {
        let (t, d) = Self::tanh_at(self.data);
        self.unary(Op::Tanh, t, d)
    }

    /// tanh at `x`: its value and its derivative there, as [`tanh`](Value::tanh) records them.
    #[inline(always)]
    pub(crate) fn tanh_at(x: f64) -> (f64, f64) {
        let t = x.tanh();
        (t, Self::tanh_local(t))
    }

    /// tanh'(x) = 1 - tanh²(x), from `t` = tanh(x).
    #[inline(always)]
    pub(crate) fn tanh_local<S: Scalar>(t: S) -> S {
        S::constant(1.0) - t * t
    }

    /// The logistic function `1 / (1 + e^-x)`, computed without overflow. Derivative
    /// `σ(x)·σ(-x)`, computed as `e/(1+e)²` with `e = e^-|x|`, so it keeps full relative
    /// precision in the tails and is exactly 0 at ±1000.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.sigmoid();
    /// assert_eq!((y.data(), y.backward().wrt(x)), (0.5, 0.25));
    /// ```
    #[inline]
    pub fn sigmoid(self) -> Self {
        let (s, d) = Self::sigmoid_at(self.data);
        self.unary(Op::Sigmoid, s, d)
    }

    /// The sigmoid at `x`: its value and its derivative there, as
    /// [`sigmoid`](Value::sigmoid) records them.
    #[inline(always)]
    pub(crate) fn sigmoid_at(x: f64) -> (f64, f64) {
        let e = (-x.abs()).exp();
        let s = if x >= 0.0 {
            1.0 / (1.0 + e)
        } else if x < 0.0 {
            e / (1.0 + e)
        } else {
            f64::NAN
        };
        (s, Self::sigmoid_local(x))
    }

    /// σ'(x) = σ(x)·σ(-x), as `e/(1+e)²` with `e = e^-|x|`.
    #[inline(always)]
    pub(crate) fn sigmoid_local<S: Scalar>(x: S) -> S {
        let e = (-x.abs()).exp();
        e / ((S::constant(1.0) + e) * (S::constant(1.0) + e))
    }

    /// `max(x, 0)`, with NaN passed through. Derivative 1 for x > 0, else 0 (relu'(0) = 0).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (a, b) = (tape.var(-1.0), tape.var(2.0));
    /// let g = (a.relu() + b.relu()).backward();
    /// assert_eq!((g.wrt(a), g.wrt(b)), (0.0, 1.0));
    /// ```
    #[inline]
    pub fn relu(self) -> Self {
        let (y, d) = Self::relu_at(self.data);
        self.unary(Op::Relu, y, d)
    }

    /// relu at `x`: its value and its derivative there, as [`relu`](Value::relu) records
    /// them.
    #[inline(always)]
    pub(crate) fn relu_at(x: f64) -> (f64, f64) {
        // NaN is not ≤ 0, so it passes through.
        if x <= 0.0 { (0.0, 0.0) } else { (x, 1.0) }
    }

    /// Absolute value. Derivative ±1, and 0 at x = 0 by convention.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(-3.0);
    /// let y = x.abs();
    /// assert_eq!((y.data(), y.backward().wrt(x)), (3.0, -1.0));
    /// ```
    #[inline]
    pub fn abs(self) -> Self {
        let x = self.data;
        let d = if x == 0.0 { 0.0 } else { x.signum() };
        self.unary(Op::Abs, x.abs(), d)
    }

    /// Sine. Derivative `cos x`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// assert_eq!(x.sin().backward().wrt(x), 1.0);
    /// ```
    #[inline]
    pub fn sin(self) -> Self {
        self.unary(Op::Sin, self.data.sin(), Self::sin_local(self.data))
    }

    /// sin'(x) = cos x.
    #[inline(always)]
    pub(crate) fn sin_local<S: Scalar>(x: S) -> S {
        x.cos()
    }

    /// Cosine. Derivative `-sin x`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// assert_eq!(x.cos().backward().wrt(x), 0.0);
    /// ```
    #[inline]
    pub fn cos(self) -> Self {
        self.unary(Op::Cos, self.data.cos(), Self::cos_local(self.data))
    }

    /// cos'(x) = -sin x.
    #[inline(always)]
    pub(crate) fn cos_local<S: Scalar>(x: S) -> S {
        -x.sin()
    }

    /// `1 / x`. Derivative `-1/x²`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(2.0);
    /// assert_eq!(x.recip().backward().wrt(x), -0.25);
    /// ```
    #[inline]
    pub fn recip(self) -> Self {
        let r = 1.0 / self.data;
        self.unary(Op::Recip, r, Self::recip_local(r))
    }

    /// (1/x)' = -1/x², from `r` = 1/x.
    #[inline(always)]
    pub(crate) fn recip_local<S: Scalar>(r: S) -> S {
        -r * r
    }
}
