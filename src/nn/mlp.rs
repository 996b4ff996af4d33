//! Layers one after another: [`Mlp`].

use std::fmt;

use indexmap::IndexMap;
use rand::Rng;

use super::children::{Children, Named};
use super::layer::write_list;
use super::{Activation, Forward, Init, Layer, Module};
use crate::{Error, Value};

/// A multilayer perceptron: layers applied one after another, each reading the previous
/// one's outputs.
///
/// Parameters in order: layer 0's, layer 1's, …; named `layer0.neuron0.w0`, …,
/// `layer0.neuron0.b`, `layer0.neuron1.w0`, …. A 2 → [16, 16, 1] network has
/// 16·3 + 16·17 + 1·17 = 337 parameters.
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::nn::{Activation::{Linear, Relu}, Init, Mlp, Module};
///
/// let mut rng = StdRng::seed_from_u64(42);
/// let mlp = Mlp::new(2, &[16, 16, 1], Relu, Linear, Init::Micrograd, &mut rng)?;
/// assert_eq!(mlp.parameter_count(), 337);
/// assert_eq!(mlp.sizes(), vec![2, 16, 16, 1]);
/// assert_eq!(format!("{mlp:?}"), "Mlp { sizes: [2, 16, 16, 1], parameters: 337 }");
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, PartialEq)]
#[doc(alias = "MLP")]
pub struct Mlp {
    layers: Vec<Layer>,
}

impl Mlp {
    /// An MLP with `nin` inputs and one layer per entry of `sizes` (its width). Every layer
    /// but the last uses `hidden`; the last uses `output`. Parameters are drawn by `init`
    /// from `rng` layer by layer, in parameter order.
    ///
    /// [`Mlp::builder`] makes the same networks with every argument named. `rng` is any RNG
    /// of the `rand` version tapegrad uses, re-exported as [`tapegrad::rand`](crate::rand):
    /// import `SeedableRng` and `StdRng` from there, so a project on another version of
    /// `rand` does not hand in a type of that version.
    ///
    /// # Errors
    /// [`Error::EmptyNetwork`] if `sizes` is empty, a width is 0, or `nin` is 0;
    /// [`Error::InvalidArgument`] if a layer does not fit in memory (the process is not
    /// aborted).
    ///
    /// ```
    /// use tapegrad::rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation::{Linear, Sigmoid, Tanh}, Init, Mlp};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(2, &[2, 1], Tanh, Sigmoid, Init::Xavier, &mut rng)?;
    /// assert_eq!(
    ///     mlp.to_string(),
    ///     "Mlp of [Layer of [TanhNeuron(2), TanhNeuron(2)], Layer of [SigmoidNeuron(2)]]"
    /// );
    /// let err = Mlp::new(2, &[4, 0, 1], Tanh, Linear, Init::Xavier, &mut rng);
    /// assert_eq!(
    ///     err.unwrap_err().to_string(),
    ///     "empty network: layer 1 has width 0; every layer needs at least one neuron"
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn new<R: Rng + ?Sized>(
        nin: usize,
        sizes: &[usize],
        hidden: Activation,
        output: Activation,
        init: Init,
        rng: &mut R,
    ) -> Result<Self, Error> {
        if sizes.is_empty() {
            return Err(Error::EmptyNetwork(
                "an Mlp needs at least one layer; `sizes` was empty".into(),
            ));
        }
        let last = sizes.len() - 1;
        let widths: Vec<(usize, Activation)> = sizes
            .iter()
            .enumerate()
            .map(|(i, &width)| (width, if i == last { output } else { hidden }))
            .collect();
        Mlp::with_widths(nin, &widths, init, rng)
    }

    /// An MLP with `nin` inputs and one layer per `(width, activation)`, drawn by `init` from
    /// `rng` layer by layer: what [`new`](Mlp::new) and [`MlpBuilder::build`] share.
    pub(super) fn with_widths<R: Rng + ?Sized>(
        nin: usize,
        widths: &[(usize, Activation)],
        init: Init,
        rng: &mut R,
    ) -> Result<Self, Error> {
        if nin == 0 {
            return Err(Error::EmptyNetwork(
                "an Mlp needs at least one input (nin was 0)".into(),
            ));
        }
        if let Some(i) = widths.iter().position(|&(width, _)| width == 0) {
            return Err(Error::EmptyNetwork(format!(
                "layer {i} has width 0; every layer needs at least one neuron"
            )));
        }
        let mut layers = Vec::with_capacity(widths.len());
        let mut fan_in = nin;
        for &(nout, activation) in widths {
            layers.push(Layer::new(fan_in, nout, activation, init, rng)?);
            fan_in = nout;
        }
        Ok(Mlp { layers })
    }

    /// An MLP made of the given layers, in order.
    ///
    /// # Errors
    /// [`Error::EmptyNetwork`] if there are no layers; [`Error::InvalidArgument`] if a
    /// layer's number of inputs differs from the previous layer's number of outputs.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Forward, Layer, Mlp, Neuron};
    ///
    /// let relu = Neuron::from_parts(vec![1.0], 0.0, Activation::Relu);
    /// let hidden = Layer::from_neurons(vec![relu.clone(), relu])?;
    /// let sum = Neuron::from_parts(vec![1.0, 1.0], 0.0, Activation::Linear);
    /// let out = Layer::from_neurons(vec![sum])?;
    /// let mlp = Mlp::from_layers(vec![hidden.clone(), out])?;
    /// assert_eq!(mlp.predict(&[3.0])?, vec![6.0]);
    /// assert!(Mlp::from_layers(vec![hidden.clone(), hidden]).is_err()); // 2 outputs into 1 input
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn from_layers(layers: Vec<Layer>) -> Result<Self, Error> {
        if layers.is_empty() {
            return Err(Error::EmptyNetwork(
                "an Mlp needs at least one layer (none were given)".into(),
            ));
        }
        for (i, pair) in layers.windows(2).enumerate() {
            if pair[1].nin() != pair[0].nout() {
                return Err(Error::InvalidArgument(format!(
                    "layer {} takes {} inputs but layer {i} has {} outputs",
                    i + 1,
                    pair[1].nin(),
                    pair[0].nout()
                )));
            }
        }
        Ok(Mlp { layers })
    }

    /// The layers, input side first.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Forward, Init, Mlp};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(3, &[4, 2], Activation::Tanh, Activation::Linear, Init::He, &mut rng)?;
    /// assert_eq!(mlp.layers()[1].nin(), 4);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The number of outputs.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Mlp};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(3, &[4, 2], Activation::Tanh, Activation::Linear, Init::He, &mut rng)?;
    /// assert_eq!(mlp.nout(), 2);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn nout(&self) -> usize {
        self.layers[self.layers.len() - 1].nout()
    }

    /// The widths: inputs, then each layer's outputs (`[2, 16, 16, 1]`).
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Mlp};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(3, &[4, 2], Activation::Tanh, Activation::Linear, Init::He, &mut rng)?;
    /// assert_eq!(mlp.sizes(), vec![3, 4, 2]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn sizes(&self) -> Vec<usize> {
        std::iter::once(self.nin())
            .chain(self.layers.iter().map(Layer::nout))
            .collect()
    }
}

/// A network's parameters are its layers'.
impl Children for Mlp {
    type Child = Layer;
    const CHILD: &'static str = "layer";

    fn children(&self) -> &[Layer] {
        &self.layers
    }

    fn children_mut(&mut self) -> &mut [Layer] {
        &mut self.layers
    }
}

impl Module for Mlp {
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
        self.count()
    }
}

/// The network on a tape: each layer's pass with its slice of the parameters, feeding the
/// next; one output per neuron of the last layer.
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::{Tape, nn::{Activation::{Linear, Sigmoid, Tanh}, Forward, Init, Mlp, Module}};
///
/// let mut rng = StdRng::seed_from_u64(0);
/// let mlp = Mlp::new(2, &[3, 1], Tanh, Linear, Init::Xavier, &mut rng)?;
/// assert_eq!(mlp.nin(), 2);
/// let tape = Tape::new();
/// let p = tape.vars(&mlp.parameters());
/// let y = mlp.forward(&p, &[0.5.into(), (-1.0).into()])?;
/// assert_eq!(y.len(), 1);
/// assert_eq!(y[0].data(), mlp.predict(&[0.5, -1.0])?[0]);
/// assert_eq!(
///     mlp.forward(&p, &[0.5.into()]).unwrap_err(),
///     tapegrad::Error::InputSize { expected: 2, got: 1 }
/// );
///
/// let squashed = Mlp::new(2, &[3, 1], Tanh, Sigmoid, Init::Xavier, &mut rng)?;
/// let p = squashed.predict(&[0.5, -1.0])?[0];
/// assert!(0.0 < p && p < 1.0);
/// # Ok::<(), tapegrad::Error>(())
/// ```
impl Forward for Mlp {
    fn nin(&self) -> usize {
        self.layers[0].nin()
    }

    #[track_caller]
    fn forward_unchecked<'t>(&self, params: &[Value<'t>], inputs: &[Value<'t>]) -> Vec<Value<'t>> {
        let widths: usize = self.layers.iter().map(Layer::nout).sum();
        let mut out = Vec::with_capacity(inputs.len() + widths);
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
        // One buffer for the whole pass: the inputs, then each layer's outputs after the
        // values it read; at the end, only the last layer's are kept.
        out.clear();
        out.extend_from_slice(inputs);
        let (mut x, mut rest) = (0..inputs.len(), params);
        for layer in &self.layers {
            let (mine, others) = rest.split_at(layer.parameter_count());
            let first = out.len();
            layer.forward_appending("Mlp::forward", mine, out, x);
            x = first..out.len();
            rest = others;
        }
        out.drain(..x.start);
    }
}

/// micrograd's repr: `Mlp of [Layer of [TanhNeuron(2), …], Layer of [LinearNeuron(16)]]`.
impl fmt::Display for Mlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, "Mlp", &self.layers)
    }
}

impl fmt::Debug for Mlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mlp")
            .field("sizes", &self.sizes())
            .field("parameters", &self.parameter_count())
            .finish()
    }
}

/// The prefix of layer `i`'s parameter names in an [`Mlp`]: `layer{i}.`, as
/// [`Module::named_parameters`] gives them.
pub(crate) fn layer_prefix(i: usize) -> String {
    Mlp::child_prefix("", i)
}
