//! One neuron: [`Neuron`].

use std::fmt;

use indexmap::IndexMap;
use rand::{Rng, RngExt};

use super::children::Named;
use super::{Activation, Forward, Init, Module};
use crate::engine::ops::weighted_sum;
use crate::error::vec_with_capacity;
use crate::{Error, Value};

/// One neuron: `activation(w0·x0 + … + w(n-1)·x(n-1) + b)`.
///
/// Its parameters, in order, are `w0..w(n-1)` then `b` (named exactly so). On a tape the
/// weighted sum is one fused [`affine`](crate::affine) node, then one activation node.
///
/// ```
/// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
///
/// let n = Neuron::from_parts(vec![-3.0, 1.0], 6.5, Activation::Tanh);
/// let tape = Tape::new();
/// let net = n.record(&tape);
/// let y = net.forward_f64(&[2.0, 0.0])?[0]; // tanh(0.5)
/// assert_eq!(y.data(), 0.5f64.tanh());
/// assert_eq!(n.to_string(), "TanhNeuron(2)");
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Neuron {
    weights: Vec<f64>,
    bias: f64,
    activation: Activation,
}

impl Neuron {
    /// A neuron with `nin` inputs whose parameters are drawn by `init` from `rng` (weights
    /// first, in order; `fan_out` is 1). A neuron with no inputs is just its bias.
    ///
    /// # Panics
    /// If `nin` weights do not fit in memory (a [`Layer`](super::Layer) or an [`Mlp`](super::Mlp) of that size is an
    /// `Err` instead).
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Forward, Init, Neuron};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let n = Neuron::new(3, Activation::Relu, Init::Playground, &mut rng);
    /// assert_eq!(n.nin(), 3);
    /// assert!(n.weights().iter().all(|w| w.abs() <= 0.5));
    /// assert_eq!(n.bias(), 0.1);
    /// ```
    pub fn new<R: Rng + ?Sized>(
        nin: usize,
        activation: Activation,
        init: Init,
        rng: &mut R,
    ) -> Self {
        Neuron::with_fan_out(nin, 1, activation, init, rng)
            .unwrap_or_else(|e| panic!("Neuron::new: {e}"))
    }

    /// [`new`](Neuron::new) in a layer of `fan_out` neurons, or an error if `nin` weights do
    /// not fit in memory.
    pub(super) fn with_fan_out<R: Rng + ?Sized>(
        nin: usize,
        fan_out: usize,
        activation: Activation,
        init: Init,
        rng: &mut R,
    ) -> Result<Self, Error> {
        let limit = init.weight_limit(nin, fan_out);
        let mut weights = vec_with_capacity(nin, || format!("{nin} weights"))?;
        weights.extend((0..nin).map(|_| rng.random_range(-limit..=limit)));
        Ok(Neuron {
            weights,
            bias: init.bias(),
            activation,
        })
    }

    /// A neuron with the given weights (one per input) and bias.
    ///
    /// # Panics
    /// If a weight or the bias is NaN or infinite, naming it: a model holds finite numbers
    /// only, as [`set_parameters`](Module::set_parameters) insists (which returns an error,
    /// for numbers that come from training; these come from the caller's code).
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Forward, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![1.0, 2.0], 0.5, Activation::Sigmoid);
    /// assert_eq!((n.nin(), n.bias(), n.activation()), (2, 0.5, Activation::Sigmoid));
    /// ```
    ///
    /// ```should_panic
    /// # use tapegrad::nn::{Activation, Neuron};
    /// // Panics: "Neuron::from_parts: w1 is NaN: a model holds finite numbers only"
    /// let _ = Neuron::from_parts(vec![1.0, f64::NAN], 0.5, Activation::Tanh);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn from_parts(weights: Vec<f64>, bias: f64, activation: Activation) -> Self {
        let bad = |name: String, x: f64| {
            panic!("Neuron::from_parts: {name} is {x}: a model holds finite numbers only")
        };
        if let Some((k, &w)) = weights.iter().enumerate().find(|(_, w)| !w.is_finite()) {
            bad(format!("w{k}"), w);
        }
        if !bias.is_finite() {
            bad("b".to_string(), bias);
        }
        Neuron {
            weights,
            bias,
            activation,
        }
    }

    /// The weights, one per input.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    /// let n = Neuron::from_parts(vec![1.0, 2.0], 0.0, Activation::Tanh);
    /// assert_eq!(n.weights(), &[1.0, 2.0]);
    /// ```
    #[must_use]
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The bias.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    /// let n = Neuron::from_parts(vec![1.0], 0.25, Activation::Tanh);
    /// assert_eq!(n.bias(), 0.25);
    /// ```
    #[must_use]
    pub fn bias(&self) -> f64 {
        self.bias
    }

    /// The activation.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    /// let n = Neuron::from_parts(vec![], 0.0, Activation::Relu);
    /// assert_eq!(n.activation(), Activation::Relu);
    /// ```
    #[must_use]
    pub fn activation(&self) -> Activation {
        self.activation
    }
}

/// The name of parameter `k` of a neuron of `nin` inputs, after `prefix`: `{prefix}w{k}` for a
/// weight, `{prefix}b` for the bias (`k == nin`). The one place a neuron's parameters are
/// named, by [`Module::named_parameters`] and by the saved files.
pub(crate) fn parameter_name(prefix: &str, k: usize, nin: usize) -> String {
    if k == nin {
        format!("{prefix}b")
    } else {
        format!("{prefix}w{k}")
    }
}

impl Module for Neuron {
    fn visit_parameters(&self, f: &mut dyn FnMut(f64)) {
        for &w in &self.weights {
            f(w);
        }
        f(self.bias);
    }

    fn visit_parameters_mut(&mut self, f: &mut dyn FnMut(&mut f64)) {
        for w in &mut self.weights {
            f(w);
        }
        f(&mut self.bias);
    }

    fn named_parameters(&self) -> IndexMap<String, f64> {
        self.names()
    }

    fn parameter_count(&self) -> usize {
        self.weights.len() + 1
    }
}

/// A neuron names its own parameters: `w0`, …, `b`.
impl Named for Neuron {
    fn name_parameters(&self, prefix: &str, out: &mut IndexMap<String, f64>) {
        let nin = self.nin();
        for (k, p) in self.weights.iter().chain([&self.bias]).enumerate() {
            out.insert(parameter_name(prefix, k, nin), *p);
        }
    }
}

/// The neuron on a tape: `activation(affine(w, inputs, b))`, one output. Records one
/// [`affine`](crate::affine) node and one activation node (none for `Linear`).
///
/// ```
/// use tapegrad::{Tape, nn::{Activation, Forward, Neuron}};
///
/// let n = Neuron::from_parts(vec![0.0, 0.0], 0.0, Activation::Relu);
/// let tape = Tape::new();
/// let p = tape.vars(&[1.0, -1.0, 0.5]); // w0, w1, b
/// let y = n.forward(&p, &[3.0.into(), 1.0.into()])?;
/// assert_eq!((y.len(), y[0].data()), (1, 2.5));
/// assert_eq!(tape.len(), 5); // the three parameters, the affine node, the relu
/// assert_eq!(
///     n.forward(&p, &[3.0.into()]).unwrap_err(),
///     tapegrad::Error::InputSize { expected: 2, got: 1 }
/// );
/// # Ok::<(), tapegrad::Error>(())
/// ```
impl Forward for Neuron {
    fn nin(&self) -> usize {
        self.weights.len()
    }

    #[track_caller]
    fn forward_unchecked<'t>(&self, params: &[Value<'t>], inputs: &[Value<'t>]) -> Vec<Value<'t>> {
        let mut out = Vec::with_capacity(1);
        self.forward_unchecked_into(params, inputs, &mut out);
        out
    }

    #[track_caller]
    fn forward_unchecked_into<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
        out: &mut Vec<Value<'t>>,
    ) {
        let (weights, bias) = params.split_at(self.nin());
        let sum = weighted_sum("Neuron::forward", weights, inputs, bias[0]);
        out.clear();
        out.push(self.activation.apply(sum));
    }
}

/// micrograd's repr: `TanhNeuron(2)` (the activation, then the number of inputs).
impl fmt::Display for Neuron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Neuron({})", self.activation.title(), self.nin())
    }
}

impl fmt::Debug for Neuron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Neuron")
            .field("nin", &self.nin())
            .field("activation", &self.activation)
            .finish_non_exhaustive()
    }
}
