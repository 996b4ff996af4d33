//! A row of neurons reading the same inputs: [`Layer`].

use std::fmt;
use std::ops::Range;

use indexmap::IndexMap;
use rand::Rng;

use super::children::{Children, Named};
use super::{Activation, Forward, Init, Module, Neuron};
use crate::error::vec_with_capacity;
use crate::{Error, Value};

/// A row of neurons that all read the same inputs; the output has one value per neuron.
///
/// Parameters in order: neuron 0's (weights then bias), neuron 1's, …; named
/// `neuron0.w0`, …, `neuron0.b`, `neuron1.w0`, ….
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::nn::{Activation, Forward, Init, Layer, Module};
///
/// let mut rng = StdRng::seed_from_u64(0);
/// let layer = Layer::new(2, 3, Activation::Tanh, Init::Micrograd, &mut rng)?;
/// assert_eq!((layer.nin(), layer.nout(), layer.parameter_count()), (2, 3, 9));
/// assert_eq!(layer.to_string(), "Layer of [TanhNeuron(2), TanhNeuron(2), TanhNeuron(2)]");
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Layer {
    neurons: Vec<Neuron>,
    /// The activation every neuron applies, where they share one (as a layer's usually do):
    /// the pass then records them all in one go.
    shared: Option<Activation>,
}

impl Layer {
    /// A layer of `nout` neurons with `nin` inputs each, drawn by `init` from `rng` neuron by
    /// neuron (`fan_in = nin`, `fan_out = nout`).
    ///
    /// # Errors
    /// [`Error::EmptyNetwork`] if `nin` or `nout` is 0; [`Error::InvalidArgument`] if the
    /// layer does not fit in memory (the process is not aborted).
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Layer};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let layer = Layer::new(4, 2, Activation::Relu, Init::He, &mut rng)?;
    /// assert_eq!(layer.neurons().len(), 2);
    /// assert!(Layer::new(4, 0, Activation::Relu, Init::He, &mut rng).is_err());
    /// let huge = Layer::new(2, 1 << 40, Activation::Relu, Init::He, &mut rng);
    /// assert!(huge.unwrap_err().to_string().contains("1099511627776 neurons"));
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn new<R: Rng + ?Sized>(
        nin: usize,
        nout: usize,
        activation: Activation,
        init: Init,
        rng: &mut R,
    ) -> Result<Self, Error> {
        if nin == 0 {
            return Err(Error::EmptyNetwork(
                "a layer needs at least one input (nin was 0)".into(),
            ));
        }
        if nout == 0 {
            return Err(Error::EmptyNetwork(
                "a layer needs at least one neuron (nout was 0)".into(),
            ));
        }
        let mut neurons = vec_with_capacity(nout, || format!("{nout} neurons of {nin} inputs"))?;
        for _ in 0..nout {
            neurons.push(Neuron::with_fan_out(nin, nout, activation, init, rng)?);
        }
        Ok(Layer::of(neurons))
    }

    /// A layer made of the given neurons.
    ///
    /// # Errors
    /// [`Error::EmptyNetwork`] if there are no neurons or they take no inputs;
    /// [`Error::InvalidArgument`] if they differ in their number of inputs.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Layer, Neuron};
    ///
    /// let a = Neuron::from_parts(vec![1.0, 2.0], 0.0, Activation::Tanh);
    /// let b = Neuron::from_parts(vec![3.0, 4.0], 0.0, Activation::Linear);
    /// let layer = Layer::from_neurons(vec![a, b])?;
    /// assert_eq!(layer.to_string(), "Layer of [TanhNeuron(2), LinearNeuron(2)]");
    /// let c = Neuron::from_parts(vec![1.0], 0.0, Activation::Tanh);
    /// assert!(Layer::from_neurons(vec![layer.neurons()[0].clone(), c]).is_err());
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn from_neurons(neurons: Vec<Neuron>) -> Result<Self, Error> {
        let Some(first) = neurons.first() else {
            return Err(Error::EmptyNetwork(
                "a layer needs at least one neuron (none were given)".into(),
            ));
        };
        let nin = first.nin();
        if nin == 0 {
            return Err(Error::EmptyNetwork(
                "a layer needs at least one input (its neurons take none)".into(),
            ));
        }
        if let Some((i, n)) = neurons.iter().enumerate().find(|(_, n)| n.nin() != nin) {
            return Err(Error::InvalidArgument(format!(
                "every neuron of a layer must take the same inputs: neuron 0 takes {nin}, \
                 neuron {i} takes {}",
                n.nin()
            )));
        }
        Ok(Layer::of(neurons))
    }

    /// The layer of `neurons` (at least one).
    fn of(neurons: Vec<Neuron>) -> Layer {
        let act = neurons[0].activation();
        let shared = neurons.iter().all(|n| n.activation() == act).then_some(act);
        Layer { neurons, shared }
    }

    /// The neurons.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Forward, Init, Layer};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let layer = Layer::new(2, 3, Activation::Tanh, Init::Micrograd, &mut rng)?;
    /// assert_eq!(layer.neurons()[2].nin(), 2);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn neurons(&self) -> &[Neuron] {
        &self.neurons
    }

    /// The activation every neuron applies, or `None` if they differ.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Layer, Neuron};
    ///
    /// let tanh = Neuron::from_parts(vec![1.0], 0.0, Activation::Tanh);
    /// let relu = Neuron::from_parts(vec![1.0], 0.0, Activation::Relu);
    /// let same = Layer::from_neurons(vec![tanh.clone(), tanh.clone()])?;
    /// assert_eq!(same.activation(), Some(Activation::Tanh));
    /// assert_eq!(Layer::from_neurons(vec![tanh, relu])?.activation(), None);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn activation(&self) -> Option<Activation> {
        self.shared
    }

    /// The number of neurons (outputs).
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Layer};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let layer = Layer::new(2, 3, Activation::Tanh, Init::Micrograd, &mut rng)?;
    /// assert_eq!(layer.nout(), 3);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn nout(&self) -> usize {
        self.neurons.len()
    }

    /// The pass for `params` and the inputs `values[inputs]` (of the right lengths), its
    /// outputs appended to `values`: what [`Forward::forward`] runs for a layer and for each
    /// layer of an [`Mlp`](super::Mlp). A panic for values from two tapes names `what`, the
    /// function the caller called.
    #[track_caller]
    pub(super) fn forward_appending<'t>(
        &self,
        what: &str,
        params: &[Value<'t>],
        values: &mut Vec<Value<'t>>,
        inputs: Range<usize>,
    ) {
        // Every weighted sum first, in one go, then every activation: in one go too where the
        // neurons share one, as a layer's usually do.
        let first = values.len();
        crate::engine::ops::affine_rows(what, params, values, inputs);
        let outputs = &mut values[first..];
        match self.shared {
            Some(act) => act.apply_all(outputs),
            // Neuron by neuron, each through the same recording.
            None => {
                for (y, neuron) in outputs.iter_mut().zip(&self.neurons) {
                    neuron.activation().apply_all(std::slice::from_mut(y));
                }
            }
        }
    }
}

/// A layer's parameters are its neurons'.
impl Children for Layer {
    type Child = Neuron;
    const CHILD: &'static str = "neuron";

    fn children(&self) -> &[Neuron] {
        &self.neurons
    }

    fn children_mut(&mut self) -> &mut [Neuron] {
        &mut self.neurons
    }
}

impl Module for Layer {
    fn visit_parameters(&self, f: &mut dyn FnMut(f64)) {
        self.visit(f);
    }

    fn visit_parameters_mut(&mut self, f: &mut dyn FnMut(&mut f64)) {
        self.visit_mut(f);
    }

    fn named_parameters(&self) -> IndexMap<String, f64> {
        self.names()
    }

    fn parameter_count(&self) -> usize {
        self.nout() * (self.nin() + 1)
    }
}

/// The layer on a tape: every neuron's weighted sum (one [`affine`](crate::affine) node
/// each), then every activation; one output per neuron.
///
/// ```
/// use tapegrad::{Tape, nn::{Activation, Forward, Layer, Neuron}};
///
/// let neuron = Neuron::from_parts(vec![2.0], 1.0, Activation::Relu);
/// let layer = Layer::from_neurons(vec![neuron])?;
/// assert_eq!(layer.nin(), 1);
/// assert_eq!(layer.predict(&[-3.0])?, vec![0.0]);
/// # Ok::<(), tapegrad::Error>(())
/// ```
impl Forward for Layer {
    fn nin(&self) -> usize {
        self.neurons[0].nin()
    }

    #[track_caller]
    fn forward_unchecked<'t>(&self, params: &[Value<'t>], inputs: &[Value<'t>]) -> Vec<Value<'t>> {
        let mut out = Vec::with_capacity(inputs.len() + self.nout());
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
        out.clear();
        out.extend_from_slice(inputs);
        self.forward_appending("Layer::forward", params, out, 0..inputs.len());
        out.drain(..inputs.len());
    }
}

/// micrograd's repr: `Layer of [TanhNeuron(2), TanhNeuron(2)]`.
impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, "Layer", &self.neurons)
    }
}

impl fmt::Debug for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Layer");
        d.field("nin", &self.nin()).field("nout", &self.nout());
        if let Some(act) = self.shared {
            d.field("activation", &act);
        }
        d.finish_non_exhaustive()
    }
}

/// The prefix of neuron `j`'s parameter names after the layer's own `prefix`:
/// `{prefix}neuron{j}.`, as [`Module::named_parameters`] gives them.
pub(crate) fn neuron_prefix(prefix: &str, j: usize) -> String {
    Layer::child_prefix(prefix, j)
}

/// `{what} of [a, b, …]`, micrograd's repr of a layer or a network.
pub(super) fn write_list<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    items: &[T],
) -> fmt::Result {
    write!(f, "{what} of [")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    f.write_str("]")
}
