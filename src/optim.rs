//! Optimizers ([`Sgd`], [`Adam`]) and learning-rate schedules ([`Constant`], [`LinearDecay`]).
//!
//! An optimizer takes a model (anything implementing [`Module`]) and its gradients in
//! parameter order (from [`batch_loss`](crate::nn::batch_loss) or
//! [`Recorded::gradients`](crate::nn::Recorded::gradients)) and updates
//! the parameters in place. It checks the gradients and the update **before** touching any
//! parameter: a wrong length, a NaN/infinite gradient, or an update that would make a
//! parameter or the optimizer's state NaN/infinite is an error and leaves the model unchanged.
//!
//! The training loop stays plain: [`batch_loss`](crate::nn::batch_loss) runs forward, the
//! loss and backward, [`check_loss`] stops on a NaN or infinite loss, and the optimizer
//! steps.
//!
//! ```
//! use rand::{SeedableRng, rngs::StdRng};
//! use tapegrad::loss;
//! use tapegrad::nn::{Activation, BatchGradients, Init, Neuron, batch_loss};
//! use tapegrad::optim::{Adam, Optimizer, check_loss};
//!
//! # fn main() -> Result<(), tapegrad::Error> {
//! // Fit y = 2x - 1 with one linear neuron.
//! let mut rng = StdRng::seed_from_u64(3);
//! let mut model = Neuron::new(1, Activation::Linear, Init::Micrograd, &mut rng);
//! let data: Vec<(f64, f64)> = [-1.0, 0.0, 1.0, 2.0].map(|x| (x, 2.0 * x - 1.0)).to_vec();
//! let mut opt = Adam::new(0.1);
//! let mut grads = BatchGradients::new();
//! for _ in 0..300 {
//!     let loss = batch_loss(&model, &data, |out, p| loss::half_squared_error(out[0], p.1), 1, &mut grads)?;
//!     check_loss(opt.step_count(), loss)?;
//!     opt.step(&mut model, &grads)?;
//! }
//! assert!((model.weights()[0] - 2.0).abs() < 1e-2);
//! assert!((model.bias() + 1.0).abs() < 1e-2);
//! # Ok(())
//! # }
//! ```

use std::fmt;

use crate::error::Error;
use crate::nn::{Module, parameter_name};

/// Updates a model's parameters from their gradients.
///
/// Implementations must call [`validate_gradients`] (or check the same things) before
/// changing anything, so a failed step leaves the model as it was.
///
/// ```
/// use tapegrad::nn::{Activation, Module, Neuron};
/// use tapegrad::optim::{Optimizer, Sgd};
///
/// let mut n = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
/// let mut opt: Box<dyn Optimizer> = Box::new(Sgd::new(0.5));
/// opt.step(&mut n, &[2.0, -4.0])?;
/// assert_eq!(n.parameters(), vec![0.0, 2.0]);
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub trait Optimizer {
    /// Updates every parameter of `model` from `grads` (one gradient per parameter, in
    /// parameter order).
    ///
    /// # Errors
    /// [`Error::ParameterCount`] if `grads` has the wrong length; [`Error::NonFinite`] if a
    /// gradient is NaN or infinite, or the update would make a parameter or the optimizer's
    /// state NaN or infinite (say `lr·g` beyond `f64::MAX`, or Adam's `g²` for |g| > 1.3e154);
    /// [`Error::InvalidArgument`] if the optimizer's state was
    /// built for a model with a different number of parameters (see
    /// [`reset`](Optimizer::reset)). In every case `model` and the optimizer are unchanged.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    /// use tapegrad::optim::{Optimizer, Sgd};
    ///
    /// let mut n = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
    /// let mut opt = Sgd::new(0.1);
    /// assert!(opt.step(&mut n, &[f64::NAN, 1.0]).is_err());
    /// assert_eq!(n.parameters(), vec![1.0, 0.0]); // untouched
    /// opt.step(&mut n, &[1.0, 1.0])?;
    /// assert_eq!(n.parameters(), vec![0.9, -0.1]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn step(&mut self, model: &mut dyn Module, grads: &[f64]) -> Result<(), Error>;

    /// The current learning rate.
    ///
    /// ```
    /// use tapegrad::optim::{Adam, Optimizer};
    /// assert_eq!(Adam::new(0.01).learning_rate(), 0.01);
    /// ```
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate for the next steps (for example from a [`Schedule`]).
    ///
    /// # Panics
    /// If `lr` is negative or not finite.
    ///
    /// ```
    /// use tapegrad::optim::{Optimizer, Sgd};
    /// let mut opt = Sgd::new(1.0);
    /// opt.set_learning_rate(0.5);
    /// assert_eq!(opt.learning_rate(), 0.5);
    /// ```
    fn set_learning_rate(&mut self, lr: f64);

    /// How many steps have succeeded since the optimizer was made or reset.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    /// use tapegrad::optim::{Optimizer, Sgd};
    ///
    /// let mut n = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
    /// let mut opt = Sgd::new(0.1);
    /// opt.step(&mut n, &[1.0, 1.0])?;
    /// let _ = opt.step(&mut n, &[1.0]); // fails: wrong length, not counted
    /// assert_eq!(opt.step_count(), 1);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn step_count(&self) -> usize;

    /// Forgets the optimizer's state (momentum, moment estimates, step count), keeping its
    /// settings: use it before training another model.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    /// use tapegrad::optim::{Adam, Optimizer};
    ///
    /// let mut small = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
    /// let mut big = Neuron::from_parts(vec![1.0, 2.0], 0.0, Activation::Linear);
    /// let mut opt = Adam::new(0.1);
    /// opt.step(&mut small, &[1.0, 1.0])?;
    /// assert!(opt.step(&mut big, &[1.0, 1.0, 1.0]).is_err()); // state is for 2 parameters
    /// opt.reset();
    /// opt.step(&mut big, &[1.0, 1.0, 1.0])?;
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn reset(&mut self);
}

/// Checks that `grads` holds one finite gradient per parameter of `model`: what every
/// optimizer does before touching a parameter. `step` is reported in the error.
///
/// # Errors
/// [`Error::ParameterCount`] if the lengths differ; [`Error::NonFinite`] naming the first
/// NaN or infinite gradient (its `loss` field holds that gradient).
///
/// ```
/// use tapegrad::nn::{Activation, Neuron};
/// use tapegrad::optim::validate_gradients;
///
/// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
/// assert!(validate_gradients(&n, &[0.5, 1.0], 0).is_ok());
/// let err = validate_gradients(&n, &[f64::NAN, 1.0], 7).unwrap_err();
/// assert!(err.to_string().contains("gradient of w0 (parameter 0 of 2) is NaN"));
/// ```
pub fn validate_gradients(model: &dyn Module, grads: &[f64], step: usize) -> Result<(), Error> {
    let expected = model.parameter_count();
    if grads.len() != expected {
        return Err(Error::ParameterCount {
            expected,
            got: grads.len(),
        });
    }
    if let Some(i) = grads.iter().position(|g| !g.is_finite()) {
        let g = grads[i];
        let name = parameter_name(model, i);
        return Err(Error::NonFinite {
            step,
            loss: g,
            hint: format!(
                "the gradient of {name} (parameter {i} of {expected}) is {g}; the learning rate \
                 is probably too high (try a smaller one), or the inputs hold NaN or infinite \
                 values; the parameters were left unchanged"
            ),
        });
    }
    Ok(())
}

/// Refuses a step whose update would make a parameter, or the optimizer's state for it, NaN
/// or infinite, before anything changes. Finite gradients can do that: `lr·g` past
/// `f64::MAX`, a momentum velocity that overflows, or Adam's `g²` for |g| > 1.3e154, which
/// would turn the parameter's step into 0 and freeze it for the rest of the run.
///
/// `update(i, p)` computes parameter `i`'s update from its value `p` exactly as the step will
/// and returns the first non-finite result, if any: what it is (`""` for the parameter itself,
/// else a suffix like `"'s velocity"`) and its value.
fn check_update(
    model: &dyn Module,
    grads: &[f64],
    step: usize,
    update: impl Fn(usize, f64) -> Option<(&'static str, f64)>,
) -> Result<(), Error> {
    let mut found = None;
    let mut i = 0;
    model.visit_parameters(&mut |p| {
        if found.is_none() {
            found = update(i, p).map(|(what, value)| (i, what, value));
        }
        i += 1;
    });
    let Some((i, what, value)) = found else {
        return Ok(());
    };
    let name = parameter_name(model, i);
    Err(Error::NonFinite {
        step,
        loss: value,
        hint: format!(
            "with gradient {g:e}, the update would make {name}{what} {value} (parameter {i} of \
             {n}); the learning rate is probably too high (try a smaller one), or the gradients \
             are far too large; the parameters were left unchanged",
            g = grads[i],
            n = grads.len(),
        ),
    })
}

/// Checks a training step's loss: `Ok` if it is finite, else [`Error::NonFinite`] naming the
/// step and the likely cause. Call it before backward to stop a diverging run at once.
///
/// # Errors
/// [`Error::NonFinite`] if `loss` is NaN or infinite.
///
/// ```
/// use tapegrad::optim::check_loss;
///
/// assert!(check_loss(3, 0.25).is_ok());
/// let err = check_loss(12, f64::INFINITY).unwrap_err();
/// assert!(err.to_string().starts_with("non-finite value inf at step 12: the loss is inf"));
/// ```
pub fn check_loss(step: usize, loss: f64) -> Result<(), Error> {
    if loss.is_finite() {
        Ok(())
    } else {
        Err(Error::NonFinite {
            step,
            loss,
            hint: format!(
                "the loss is {loss}; the learning rate is probably too high (try a smaller \
                 one), or the data holds NaN or infinite values"
            ),
        })
    }
}

#[track_caller]
fn check_rate(lr: f64, what: &str) {
    assert!(
        lr.is_finite() && lr >= 0.0,
        "{what}: the learning rate must be a finite number ≥ 0, got {lr}"
    );
}

/// Checks an optimizer's per-parameter state against the gradient length; empty state is
/// (re)built by the caller.
fn check_state(state_len: usize, grads: usize) -> Result<(), Error> {
    if state_len == 0 || state_len == grads {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "this optimizer's state is for a model with {state_len} parameters, but the model \
             has {grads}; call reset() or use a new optimizer for each model"
        )))
    }
}

/// Stochastic gradient descent, optionally with momentum (PyTorch's form):
///
/// without momentum `p ← p − lr·g`; with momentum μ, `v ← μ·v + g` (v starts at 0) then
/// `p ← p − lr·v`.
///
/// ```
/// use tapegrad::nn::{Activation, Module, Neuron};
/// use tapegrad::optim::{Optimizer, Sgd};
///
/// let mut n = Neuron::from_parts(vec![1.0], 1.0, Activation::Linear);
/// let mut opt = Sgd::new(0.1).with_momentum(0.9);
/// opt.step(&mut n, &[1.0, 0.0])?; // v = 1,   w = 1 - 0.1
/// opt.step(&mut n, &[1.0, 0.0])?; // v = 1.9, w = 0.9 - 0.19
/// assert!((n.weights()[0] - 0.71).abs() < 1e-15);
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Sgd {
    lr: f64,
    momentum: f64,
    velocity: Vec<f64>,
    steps: usize,
}

impl Sgd {
    /// Plain SGD with learning rate `lr`.
    ///
    /// # Panics
    /// If `lr` is negative or not finite.
    ///
    /// ```
    /// let opt = tapegrad::optim::Sgd::new(0.05);
    /// assert_eq!(opt.momentum(), 0.0);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn new(lr: f64) -> Self {
        check_rate(lr, "Sgd::new");
        Sgd {
            lr,
            momentum: 0.0,
            velocity: Vec::new(),
            steps: 0,
        }
    }

    /// The same optimizer with momentum `momentum` (typically 0.9).
    ///
    /// # Panics
    /// Unless `0 ≤ momentum < 1`.
    ///
    /// ```
    /// let opt = tapegrad::optim::Sgd::new(0.05).with_momentum(0.9);
    /// assert_eq!(opt.momentum(), 0.9);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_momentum(mut self, momentum: f64) -> Self {
        assert!(
            (0.0..1.0).contains(&momentum),
            "Sgd::with_momentum: momentum must be in [0, 1), got {momentum}"
        );
        self.momentum = momentum;
        self
    }

    /// The momentum (0 for plain SGD).
    ///
    /// ```
    /// assert_eq!(tapegrad::optim::Sgd::new(0.1).momentum(), 0.0);
    /// ```
    #[must_use]
    pub fn momentum(&self) -> f64 {
        self.momentum
    }
}

/// Settings and step count, not the per-parameter state: `Sgd { lr: 0.1, momentum: 0.9,
/// steps: 3 }`.
impl fmt::Debug for Sgd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sgd")
            .field("lr", &self.lr)
            .field("momentum", &self.momentum)
            .field("steps", &self.steps)
            .finish()
    }
}

impl Optimizer for Sgd {
    /// See [`Optimizer::step`].
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    /// use tapegrad::optim::{Optimizer, Sgd};
    ///
    /// let mut n = Neuron::from_parts(vec![1.0, 2.0], 3.0, Activation::Linear);
    /// Sgd::new(0.5).step(&mut n, &[1.0, -2.0, 0.5])?;
    /// assert_eq!(n.parameters(), vec![0.5, 3.0, 2.75]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn step(&mut self, model: &mut dyn Module, grads: &[f64]) -> Result<(), Error> {
        validate_gradients(model, grads, self.steps)?;
        let (lr, mu) = (self.lr, self.momentum);
        if mu != 0.0 {
            check_state(self.velocity.len(), grads.len())?;
        }
        let velocity = &self.velocity;
        check_update(model, grads, self.steps, |i, p| {
            let v = if mu == 0.0 {
                grads[i]
            } else {
                mu * velocity.get(i).copied().unwrap_or(0.0) + grads[i]
            };
            if !v.is_finite() {
                return Some(("'s velocity", v));
            }
            let new = p - lr * v;
            (!new.is_finite()).then_some(("", new))
        })?;
        let mut i = 0;
        if self.momentum == 0.0 {
            model.visit_parameters_mut(&mut |p| {
                *p -= lr * grads[i];
                i += 1;
            });
        } else {
            if self.velocity.is_empty() {
                self.velocity = vec![0.0; grads.len()];
            }
            let (mu, v) = (self.momentum, &mut self.velocity);
            model.visit_parameters_mut(&mut |p| {
                v[i] = mu * v[i] + grads[i];
                *p -= lr * v[i];
                i += 1;
            });
        }
        self.steps += 1;
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    #[track_caller]
    fn set_learning_rate(&mut self, lr: f64) {
        check_rate(lr, "Sgd::set_learning_rate");
        self.lr = lr;
    }

    fn step_count(&self) -> usize {
        self.steps
    }

    fn reset(&mut self) {
        self.velocity.clear();
        self.steps = 0;
    }
}

/// Adam (Kingma & Ba, 2015) with bias correction. For each parameter, at step t = 1, 2, …:
///
/// `m ← β1·m + (1 − β1)·g`, `v ← β2·v + (1 − β2)·g²`,
/// `p ← p − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)`.
///
/// Defaults β1 = 0.9, β2 = 0.999, ε = 1e-8. The first step moves each parameter by about
/// `lr` against the sign of its gradient (exactly 0 for a zero gradient).
///
/// ```
/// use tapegrad::nn::{Activation, Module, Neuron};
/// use tapegrad::optim::{Adam, Optimizer};
///
/// let mut n = Neuron::from_parts(vec![1.0], 1.0, Activation::Linear);
/// let mut opt = Adam::new(0.01);
/// opt.step(&mut n, &[250.0, -0.003])?;
/// assert!((n.weights()[0] - 0.99).abs() < 1e-9);
/// assert!((n.bias() - 1.01).abs() < 1e-7);
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Adam {
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    m: Vec<f64>,
    v: Vec<f64>,
    /// β1^t and β2^t after `steps` steps.
    beta1_t: f64,
    beta2_t: f64,
    steps: usize,
}

impl Adam {
    /// The smallest `eps` [`with_eps`](Adam::with_eps) takes.
    ///
    /// ```
    /// assert_eq!(tapegrad::optim::Adam::MIN_EPS, 1e-100);
    /// ```
    pub const MIN_EPS: f64 = 1e-100;

    /// Adam with learning rate `lr` and the default β1 = 0.9, β2 = 0.999, ε = 1e-8.
    ///
    /// # Panics
    /// If `lr` is negative or not finite.
    ///
    /// ```
    /// let opt = tapegrad::optim::Adam::new(1e-3);
    /// assert_eq!((opt.beta1(), opt.beta2(), opt.eps()), (0.9, 0.999, 1e-8));
    /// ```
    #[must_use]
    #[track_caller]
    pub fn new(lr: f64) -> Self {
        check_rate(lr, "Adam::new");
        Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            m: Vec::new(),
            v: Vec::new(),
            beta1_t: 1.0,
            beta2_t: 1.0,
            steps: 0,
        }
    }

    /// The same optimizer with decay rates `beta1` (first moment) and `beta2` (second).
    ///
    /// # Panics
    /// Unless both are in `[0, 1)`.
    ///
    /// ```
    /// let opt = tapegrad::optim::Adam::new(1e-3).with_betas(0.8, 0.99);
    /// assert_eq!((opt.beta1(), opt.beta2()), (0.8, 0.99));
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_betas(mut self, beta1: f64, beta2: f64) -> Self {
        assert!(
            (0.0..1.0).contains(&beta1) && (0.0..1.0).contains(&beta2),
            "Adam::with_betas: both betas must be in [0, 1), got {beta1} and {beta2}"
        );
        self.beta1 = beta1;
        self.beta2 = beta2;
        self
    }

    /// The same optimizer with `eps` added to the denominator.
    ///
    /// `eps` must be at least [`MIN_EPS`](Adam::MIN_EPS): the square of a gradient below about
    /// 1e-154 underflows to 0 in `f64`, and the step is then `lr·g/eps`; with an eps that
    /// small, it would be far larger than Adam's steps of about `lr` (a gradient of 1e-162
    /// with eps 1e-300 would move the parameter by 1e137).
    ///
    /// # Panics
    /// Unless `eps` is finite and at least [`MIN_EPS`](Adam::MIN_EPS).
    ///
    /// ```
    /// let opt = tapegrad::optim::Adam::new(1e-3).with_eps(1e-6);
    /// assert_eq!(opt.eps(), 1e-6);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_eps(mut self, eps: f64) -> Self {
        assert!(
            eps.is_finite() && eps >= Self::MIN_EPS,
            "Adam::with_eps: eps must be a finite number ≥ {:e}, got {eps}",
            Self::MIN_EPS
        );
        self.eps = eps;
        self
    }

    /// β1, the first moment's decay rate.
    ///
    /// ```
    /// assert_eq!(tapegrad::optim::Adam::new(0.1).beta1(), 0.9);
    /// ```
    #[must_use]
    pub fn beta1(&self) -> f64 {
        self.beta1
    }

    /// β2, the second moment's decay rate.
    ///
    /// ```
    /// assert_eq!(tapegrad::optim::Adam::new(0.1).beta2(), 0.999);
    /// ```
    #[must_use]
    pub fn beta2(&self) -> f64 {
        self.beta2
    }

    /// ε, added to the denominator.
    ///
    /// ```
    /// assert_eq!(tapegrad::optim::Adam::new(0.1).eps(), 1e-8);
    /// ```
    #[must_use]
    pub fn eps(&self) -> f64 {
        self.eps
    }
}

/// Settings and step count, not the per-parameter moment estimates.
impl fmt::Debug for Adam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adam")
            .field("lr", &self.lr)
            .field("beta1", &self.beta1)
            .field("beta2", &self.beta2)
            .field("eps", &self.eps)
            .field("steps", &self.steps)
            .finish()
    }
}

impl Optimizer for Adam {
    /// See [`Optimizer::step`].
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    /// use tapegrad::optim::{Adam, Optimizer};
    ///
    /// let mut n = Neuron::from_parts(vec![0.0], 0.0, Activation::Linear);
    /// Adam::new(0.5).step(&mut n, &[3.0, 0.0])?;
    /// assert!((n.weights()[0] + 0.5).abs() < 1e-8);
    /// assert_eq!(n.bias(), 0.0); // zero gradient, no move
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn step(&mut self, model: &mut dyn Module, grads: &[f64]) -> Result<(), Error> {
        validate_gradients(model, grads, self.steps)?;
        check_state(self.m.len(), grads.len())?;
        let (b1, b2, eps, lr) = (self.beta1, self.beta2, self.eps, self.lr);
        let (beta1_t, beta2_t) = (self.beta1_t * b1, self.beta2_t * b2);
        let (c1, c2) = (1.0 - beta1_t, 1.0 - beta2_t);
        let (m, v) = (&self.m, &self.v);
        check_update(model, grads, self.steps, |i, p| {
            let g = grads[i];
            let mi = b1 * m.get(i).copied().unwrap_or(0.0) + (1.0 - b1) * g;
            let vi = b2 * v.get(i).copied().unwrap_or(0.0) + (1.0 - b2) * g * g;
            if !mi.is_finite() {
                return Some(("'s first moment", mi));
            }
            // The bias correction can overflow a finite moment: checked as the step uses it.
            let v_hat = vi / c2;
            if !v_hat.is_finite() {
                return Some(("'s second moment", v_hat));
            }
            let new = p - lr * (mi / c1) / (v_hat.sqrt() + eps);
            (!new.is_finite()).then_some(("", new))
        })?;
        if self.m.is_empty() {
            self.m = vec![0.0; grads.len()];
            self.v = vec![0.0; grads.len()];
        }
        self.beta1_t = beta1_t;
        self.beta2_t = beta2_t;
        let (m, v) = (&mut self.m, &mut self.v);
        let mut i = 0;
        model.visit_parameters_mut(&mut |p| {
            let g = grads[i];
            m[i] = b1 * m[i] + (1.0 - b1) * g;
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
            *p -= lr * (m[i] / c1) / ((v[i] / c2).sqrt() + eps);
            i += 1;
        });
        self.steps += 1;
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    #[track_caller]
    fn set_learning_rate(&mut self, lr: f64) {
        check_rate(lr, "Adam::set_learning_rate");
        self.lr = lr;
    }

    fn step_count(&self) -> usize {
        self.steps
    }

    fn reset(&mut self) {
        self.m.clear();
        self.v.clear();
        self.beta1_t = 1.0;
        self.beta2_t = 1.0;
        self.steps = 0;
    }
}

/// A learning rate that depends on the step number.
///
/// ```
/// use tapegrad::optim::{LinearDecay, Optimizer, Schedule, Sgd};
///
/// let schedule = LinearDecay::micrograd();
/// let mut opt = Sgd::new(schedule.rate(0));
/// for step in 0..100 {
///     opt.set_learning_rate(schedule.rate(step));
///     // ... forward, loss, backward, opt.step(...)
/// }
/// assert!((opt.learning_rate() - 0.109).abs() < 1e-12);
/// ```
pub trait Schedule {
    /// The learning rate for step `step` (counting from 0).
    ///
    /// ```
    /// use tapegrad::optim::{LinearDecay, Schedule};
    /// assert_eq!(LinearDecay { start: 0.5, end: 0.0, steps: 10 }.rate(5), 0.25);
    /// ```
    fn rate(&self, step: usize) -> f64;
}

/// The same learning rate at every step.
///
/// ```
/// use tapegrad::optim::{Constant, Schedule};
///
/// assert_eq!(Constant(0.05).rate(1000), 0.05);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constant(pub f64);

impl Schedule for Constant {
    fn rate(&self, _step: usize) -> f64 {
        self.0
    }
}

/// A learning rate going in a straight line from `start` at step 0 to `end` at step `steps`,
/// then staying at `end`: `start + (end − start)·min(step, steps)/steps` (`end` throughout if
/// `steps` is 0).
///
/// micrograd's demo uses `1.0 − 0.9·k/100`: [`LinearDecay::micrograd`].
///
/// ```
/// use tapegrad::optim::{LinearDecay, Schedule};
///
/// let s = LinearDecay { start: 1.0, end: 0.1, steps: 100 };
/// assert_eq!(s.rate(0), 1.0);
/// assert!((s.rate(50) - 0.55).abs() < 1e-15);
/// assert_eq!(s.rate(100), 0.1);
/// assert_eq!(s.rate(500), 0.1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearDecay {
    /// The rate at step 0.
    pub start: f64,
    /// The rate from step `steps` on.
    pub end: f64,
    /// How many steps the decay takes.
    pub steps: usize,
}

impl LinearDecay {
    /// micrograd's schedule: from 1.0 to 0.1 over 100 steps (`1.0 − 0.9·k/100`).
    ///
    /// ```
    /// use tapegrad::optim::{LinearDecay, Schedule};
    ///
    /// let s = LinearDecay::micrograd();
    /// assert_eq!((s.start, s.end, s.steps), (1.0, 0.1, 100));
    /// assert_eq!(s.rate(10), 1.0 - 0.9 * 10.0 / 100.0);
    /// ```
    #[must_use]
    pub fn micrograd() -> Self {
        LinearDecay {
            start: 1.0,
            end: 0.1,
            steps: 100,
        }
    }
}

impl Schedule for LinearDecay {
    fn rate(&self, step: usize) -> f64 {
        if self.steps == 0 || step >= self.steps {
            return self.end;
        }
        // Written as micrograd writes it (1.0 - 0.9 * k / 100), so it matches bit for bit.
        self.start - (self.start - self.end) * step as f64 / self.steps as f64
    }
}
