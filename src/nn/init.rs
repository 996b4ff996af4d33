//! How a model's first parameters are drawn: [`Init`].

use std::fmt;
use std::str::FromStr;

use super::activation::parse_named;
use crate::Error;

/// How [`Neuron::new`](super::Neuron::new), [`Layer::new`](super::Layer::new) and [`Mlp::new`](super::Mlp::new) draw the initial parameters from a
/// caller-supplied RNG. Weights are uniform in `[-limit, limit]`
/// ([`weight_limit`](Init::weight_limit)); biases are the constant [`bias`](Init::bias).
///
/// | scheme | weights | bias |
/// |---|---|---|
/// | `Micrograd` | U(-1, 1) | 0 |
/// | `Playground` (TensorFlow Playground) | U(-0.5, 0.5) | 0.1 |
/// | `Xavier` (Glorot uniform) | U(±√(6 / (fan_in + fan_out))) | 0 |
/// | `He` (He uniform) | U(±√(6 / fan_in)) | 0 |
///
/// `fan_in` is the neuron's number of inputs, `fan_out` its layer's number of neurons (1 for a
/// lone neuron). `Display`/`FromStr` use `micrograd`, `playground`, `xavier`, `he`.
///
/// ```
/// use tapegrad::nn::Init;
///
/// assert_eq!(Init::Xavier.weight_limit(2, 1), 2f64.sqrt());
/// assert_eq!(Init::Playground.bias(), 0.1);
/// assert_eq!("he".parse::<Init>()?, Init::He);
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Init {
    /// micrograd's: weights U(-1, 1), bias 0.
    Micrograd,
    /// The TensorFlow Playground's: weights U(-0.5, 0.5), bias 0.1.
    Playground,
    /// Xavier/Glorot uniform: weights U(±√(6 / (fan_in + fan_out))), bias 0. Suits tanh and
    /// sigmoid.
    Xavier,
    /// He uniform: weights U(±√(6 / fan_in)), bias 0. Suits relu.
    He,
}

impl Init {
    /// Every scheme, in declaration order.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Init::ALL.len(), 4);
    /// ```
    pub const ALL: [Init; 4] = [Init::Micrograd, Init::Playground, Init::Xavier, Init::He];

    /// The half-width of the uniform weight distribution for a neuron with `fan_in` inputs in
    /// a layer of `fan_out` neurons. Infinite for `He` with `fan_in = 0` (there are then no
    /// weights to draw).
    ///
    /// ```
    /// use tapegrad::nn::Init;
    ///
    /// assert_eq!(Init::Micrograd.weight_limit(2, 16), 1.0);
    /// assert_eq!(Init::He.weight_limit(6, 16), 1.0);
    /// assert_eq!(Init::Xavier.weight_limit(4, 2), 1.0);
    /// ```
    #[must_use]
    pub fn weight_limit(self, fan_in: usize, fan_out: usize) -> f64 {
        match self {
            Init::Micrograd => 1.0,
            Init::Playground => 0.5,
            Init::Xavier => (6.0 / (fan_in as f64 + fan_out as f64)).sqrt(),
            Init::He => (6.0 / fan_in as f64).sqrt(),
        }
    }

    /// The initial bias.
    ///
    /// ```
    /// use tapegrad::nn::Init;
    ///
    /// assert_eq!(Init::Micrograd.bias(), 0.0);
    /// assert_eq!(Init::Playground.bias(), 0.1);
    /// ```
    #[must_use]
    pub fn bias(self) -> f64 {
        match self {
            Init::Playground => 0.1,
            Init::Micrograd | Init::Xavier | Init::He => 0.0,
        }
    }

    /// The lowercase name, as printed and parsed.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Init::Playground.name(), "playground");
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Init::Micrograd => "micrograd",
            Init::Playground => "playground",
            Init::Xavier => "xavier",
            Init::He => "he",
        }
    }
}

impl fmt::Display for Init {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Init {
    type Err = Error;

    /// Parses `micrograd`, `playground`, `xavier` or `he`, ignoring case and surrounding
    /// spaces.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the accepted values.
    ///
    /// ```
    /// use tapegrad::nn::Init;
    ///
    /// assert_eq!("Xavier".parse::<Init>()?, Init::Xavier);
    /// let err = "glorot".parse::<Init>().unwrap_err();
    /// assert!(err.to_string().contains("expected one of micrograd, playground, xavier, he"));
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_named(s, &Init::ALL, Init::name, "init scheme")
    }
}
