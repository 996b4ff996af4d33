//! An [`Mlp`] with every choice named: [`MlpBuilder`].

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Activation, Init, Mlp};
use crate::Error;

/// Builds an [`Mlp`] with every choice named, made by [`Mlp::builder`]: hidden layers with
/// [`hidden`](MlpBuilder::hidden) (as many calls as you like, each appending layers), the
/// output layer with [`output`](MlpBuilder::output) (required), then optionally
/// [`init`](MlpBuilder::init) (default [`Init::Micrograd`]) and [`seed`](MlpBuilder::seed)
/// (default 0), and [`build`](MlpBuilder::build).
///
/// The seed fixes the network: `build` draws the parameters from a
/// `StdRng::seed_from_u64(seed)` exactly as [`Mlp::new`] would from that RNG, so the same
/// builder always builds the same network. To draw from an RNG of your own, use
/// [`build_with_rng`](MlpBuilder::build_with_rng).
///
/// ```
/// use tapegrad::rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::nn::{Activation::{Linear, Relu, Sigmoid, Tanh}, Init, Mlp};
///
/// let built = Mlp::builder(2).hidden(&[4, 2], Tanh).output(1, Linear).seed(5).build()?;
/// let mut rng = StdRng::seed_from_u64(5);
/// assert_eq!(built, Mlp::new(2, &[4, 2, 1], Tanh, Linear, Init::Micrograd, &mut rng)?);
///
/// // Hidden layers may differ in activation; with none, the network is one layer.
/// let mixed = Mlp::builder(3).hidden(&[8], Relu).hidden(&[4], Tanh).output(2, Sigmoid);
/// assert_eq!(
///     mixed.build()?.to_string(),
///     "Mlp of [Layer of [ReluNeuron(3), ReluNeuron(3), ReluNeuron(3), ReluNeuron(3), \
///      ReluNeuron(3), ReluNeuron(3), ReluNeuron(3), ReluNeuron(3)], \
///      Layer of [TanhNeuron(8), TanhNeuron(8), TanhNeuron(8), TanhNeuron(8)], \
///      Layer of [SigmoidNeuron(4), SigmoidNeuron(4)]]"
/// );
/// let logistic = Mlp::builder(2).output(1, Sigmoid).build()?;
/// assert_eq!(logistic.to_string(), "Mlp of [Layer of [SigmoidNeuron(2)]]");
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct MlpBuilder {
    nin: usize,
    hidden: Vec<(usize, Activation)>,
    output: Option<(usize, Activation)>,
    init: Init,
    seed: u64,
}

impl MlpBuilder {
    /// Appends one hidden layer per entry of `widths`, each with `activation`. Call it again
    /// for layers with another activation; an empty `widths` adds nothing.
    ///
    /// ```
    /// use tapegrad::nn::{Activation::{Linear, Relu, Tanh}, Mlp};
    ///
    /// let mlp = Mlp::builder(2).hidden(&[3], Relu).hidden(&[5], Tanh).output(1, Linear).build()?;
    /// assert_eq!(mlp.sizes(), [2, 3, 5, 1]);
    /// assert_eq!(mlp.layers()[1].neurons()[0].activation(), Tanh);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn hidden(mut self, widths: &[usize], activation: Activation) -> Self {
        self.hidden.extend(widths.iter().map(|&w| (w, activation)));
        self
    }

    /// Sets the output layer: `width` neurons with `activation`, after the hidden layers. A
    /// second call replaces the first.
    ///
    /// ```
    /// use tapegrad::nn::{Activation::{Linear, Sigmoid}, Mlp};
    ///
    /// let mlp = Mlp::builder(2).output(3, Linear).output(1, Sigmoid).build()?;
    /// assert_eq!((mlp.nout(), mlp.to_string().contains("Sigmoid")), (1, true));
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn output(mut self, width: usize, activation: Activation) -> Self {
        self.output = Some((width, activation));
        self
    }

    /// Sets how the parameters are drawn (default [`Init::Micrograd`]).
    ///
    /// ```
    /// use tapegrad::nn::{Activation::Linear, Init, Mlp};
    ///
    /// let mlp = Mlp::builder(2).output(1, Linear).init(Init::Playground).build()?;
    /// assert_eq!(mlp.layers()[0].neurons()[0].bias(), 0.1);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn init(mut self, init: Init) -> Self {
        self.init = init;
        self
    }

    /// Sets the seed the parameters are drawn with (default 0).
    ///
    /// ```
    /// use tapegrad::nn::{Activation::{Linear, Tanh}, Mlp};
    ///
    /// let builder = Mlp::builder(2).hidden(&[4], Tanh).output(1, Linear);
    /// assert_eq!(builder.clone().seed(1).build()?, builder.clone().seed(1).build()?);
    /// assert_ne!(builder.clone().seed(1).build()?, builder.seed(2).build()?);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Builds the network, drawing its parameters from `StdRng::seed_from_u64(seed)`.
    ///
    /// # Errors
    /// [`Error::EmptyNetwork`] if no output layer was set, `nin` is 0, or a width is 0;
    /// [`Error::InvalidArgument`] if a layer does not fit in memory (the process is not
    /// aborted).
    ///
    /// ```
    /// use tapegrad::nn::{Activation::{Linear, Tanh}, Mlp};
    ///
    /// let err = Mlp::builder(2).hidden(&[4], Tanh).build().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "empty network: no output layer; add one with .output(width, activation)"
    /// );
    /// let err = Mlp::builder(2).hidden(&[4, 0], Tanh).output(1, Linear).build().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "empty network: layer 1 has width 0; every layer needs at least one neuron"
    /// );
    /// ```
    pub fn build(&self) -> Result<Mlp, Error> {
        self.build_with_rng(&mut StdRng::seed_from_u64(self.seed))
    }

    /// Builds the network, drawing its parameters from `rng` (the seed is not used).
    ///
    /// # Errors
    /// As [`build`](MlpBuilder::build).
    ///
    /// ```
    /// use tapegrad::rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation::{Linear, Tanh}, Mlp};
    ///
    /// let builder = Mlp::builder(2).hidden(&[4], Tanh).output(1, Linear);
    /// let mut rng = StdRng::seed_from_u64(9);
    /// let first = builder.build_with_rng(&mut rng)?;
    /// let second = builder.build_with_rng(&mut rng)?; // the RNG has moved on
    /// assert_ne!(first, second);
    /// assert_eq!(first, builder.seed(9).build()?);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn build_with_rng<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<Mlp, Error> {
        let Some(output) = self.output else {
            return Err(Error::EmptyNetwork(
                "no output layer; add one with .output(width, activation)".into(),
            ));
        };
        let mut widths = self.hidden.clone();
        widths.push(output);
        Mlp::with_widths(self.nin, &widths, self.init, rng)
    }
}

impl Mlp {
    /// Starts building an MLP with `nin` inputs, naming each choice: hidden layers, the
    /// output layer, the initialisation and the seed. See [`MlpBuilder`].
    ///
    /// ```
    /// use tapegrad::nn::{Activation::{Linear, Relu}, Init, Mlp, Module};
    ///
    /// // micrograd's demo network: 2 → 16 → 16 → 1, relu, linear output.
    /// let mlp = Mlp::builder(2)
    ///     .hidden(&[16, 16], Relu)
    ///     .output(1, Linear)
    ///     .init(Init::Micrograd)
    ///     .seed(1)
    ///     .build()?;
    /// assert_eq!(mlp.sizes(), [2, 16, 16, 1]);
    /// assert_eq!(mlp.parameter_count(), 337);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn builder(nin: usize) -> MlpBuilder {
        MlpBuilder {
            nin,
            hidden: Vec::new(),
            output: None,
            init: Init::Micrograd,
            seed: 0,
        }
    }
}
