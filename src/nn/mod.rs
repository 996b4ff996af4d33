//! Neural networks made of plain numbers: [`Neuron`], [`Layer`], [`Mlp`].
//!
//! micrograd's `nn.py` in Rust. A model owns its parameters as plain `f64`s, in one documented
//! order (layer by layer, neuron by neuron, each neuron's weights `w0..w(n-1)` then its bias
//! `b`), and has no lifetime. A training step puts the parameters on a [`Tape`] with
//! [`Module::record`], runs forward, computes a loss, runs backward, reads the gradients in
//! parameter order and hands them to an [optimizer](crate::optim):
//!
//! ```
//! use tapegrad::{Gradients, Tape};
//! use tapegrad::loss;
//! use tapegrad::nn::{Activation::{Linear, Tanh}, Init, Mlp, Module};
//! use tapegrad::optim::{Optimizer, Sgd, check_loss};
//!
//! # fn main() -> Result<(), tapegrad::Error> {
//! let mut model = Mlp::builder(2) // 2 → 4 tanh → 1 linear
//!     .hidden(&[4], Tanh)
//!     .output(1, Linear)
//!     .init(Init::Micrograd)
//!     .seed(7)
//!     .build()?;
//! let (xs, ys) = ([[0.5, -1.0], [-0.5, 1.0]], [1.0, -1.0]);
//! let mut opt = Sgd::new(0.05);
//! let mut tape = Tape::new();
//! let mut grads = Gradients::new();
//! let mut history = Vec::new();
//! for step in 0..20 {
//!     tape.clear(); // keeps the tape's memory from the last step
//!     let net = model.record(&tape);
//!     let mut losses = Vec::new();
//!     for (x, &y) in xs.iter().zip(&ys) {
//!         losses.push(loss::half_squared_error(net.forward_f64(x)?[0], y));
//!     }
//!     let loss = loss::mean(&losses)?;
//!     check_loss(step, loss.data())?;
//!     tape.backward_into(loss, &mut grads); // reuses the gradients' memory too
//!     opt.step(&mut model, &net.gradients(&grads))?; // gradients in parameter order
//!     history.push(loss.data());
//! }
//! assert!(history[19] < history[0]);
//! # Ok(())
//! # }
//! ```
//!
//! This loop is the fast one: each neuron is one node on the tape (its weighted sum) plus one
//! for its activation, and the tape and the gradients keep their memory from one step to the
//! next. Your own loss or activation, written with [`Value`]'s operations, runs in it at the
//! same speed as the built-in ones.
//!
//! Printing a model shows its shape, like micrograd's reprs:
//! `Mlp of [Layer of [TanhNeuron(2), TanhNeuron(2)], Layer of [LinearNeuron(2)]]`.

use std::fmt;
use std::str::FromStr;

use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};

use crate::error::{Error, vec_with_capacity};
use crate::grad::Gradients;
use crate::ops::weighted_sum;
use crate::tape::Tape;
use crate::value::Value;

// ---------------------------------------------------------------------------------------------
// Activation
// ---------------------------------------------------------------------------------------------

/// The nonlinearity a neuron applies to its weighted sum.
///
/// `Display` and [`FromStr`] use the lowercase names `tanh`, `relu`, `sigmoid`, `linear`
/// (parsing ignores case and surrounding spaces), so an activation can come from a command
/// line flag. Your own nonlinearity, written with [`Value`]'s operations, is a
/// [`Custom`](Activation::Custom) one, and trains in the same loop at the same speed.
///
/// ```
/// use tapegrad::nn::Activation;
///
/// let a: Activation = "relu".parse()?;
/// assert_eq!(a, Activation::Relu);
/// assert_eq!(a.to_string(), "relu");
/// assert_eq!(a.apply_f64(-2.0), 0.0);
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activation {
    /// Hyperbolic tangent, [`Value::tanh`].
    Tanh,
    /// `max(x, 0)`, [`Value::relu`] (relu'(0) = 0).
    Relu,
    /// The logistic function, [`Value::sigmoid`].
    Sigmoid,
    /// The identity: the weighted sum itself, recording no extra node.
    Linear,
    /// Your own nonlinearity: see [`CustomActivation`].
    Custom(CustomActivation),
}

/// A nonlinearity of your own, written with [`Value`]'s operations, under a name that models
/// print. Two custom activations are equal when their names are.
///
/// ```
/// use tapegrad::{Tape, Value, nn::{Activation, CustomActivation, Neuron}};
///
/// fn leaky_relu(x: Value<'_>) -> Value<'_> {
///     if x.data() > 0.0 { x } else { 0.01 * x }
/// }
/// let leaky = Activation::Custom(CustomActivation::new("leaky_relu", leaky_relu));
/// assert_eq!(leaky.apply_f64(-2.0), -0.02);
///
/// let n = Neuron::from_parts(vec![1.0], 0.0, leaky);
/// assert_eq!(n.to_string(), "leaky_reluNeuron(1)");
/// let tape = Tape::new();
/// let w = tape.vars(&[1.0, 0.0]);
/// let y = n.forward(&w, &[(-3.0).into()])?;
/// assert_eq!(y.backward().wrt(w[0]), -0.03); // d/dw of 0.01·(w·x): 0.01·x
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct CustomActivation {
    name: &'static str,
    apply: for<'t> fn(Value<'t>) -> Value<'t>,
}

impl CustomActivation {
    /// A nonlinearity named `name` that computes `apply`.
    ///
    /// ```
    /// use tapegrad::nn::CustomActivation;
    ///
    /// let softplus = CustomActivation::new("softplus", |x| (x.exp() + 1.0).ln());
    /// assert_eq!(softplus.name(), "softplus");
    /// ```
    #[must_use]
    pub const fn new(name: &'static str, apply: for<'t> fn(Value<'t>) -> Value<'t>) -> Self {
        CustomActivation { name, apply }
    }

    /// The name it was given.
    ///
    /// ```
    /// use tapegrad::nn::CustomActivation;
    ///
    /// assert_eq!(CustomActivation::new("identity", |x| x).name(), "identity");
    /// ```
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl fmt::Debug for CustomActivation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomActivation({})", self.name)
    }
}

impl PartialEq for CustomActivation {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for CustomActivation {}

impl std::hash::Hash for CustomActivation {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl Activation {
    /// Every built-in activation, in declaration order.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Activation::ALL.len(), 4);
    /// ```
    pub const ALL: [Activation; 4] = [
        Activation::Tanh,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Linear,
    ];

    /// Applies the activation on the tape: one node ([`Linear`](Activation::Linear) records
    /// none and returns `x` itself).
    ///
    /// ```
    /// use tapegrad::{Tape, nn::Activation};
    ///
    /// let tape = Tape::new();
    /// let x = tape.var(0.0);
    /// let y = Activation::Sigmoid.apply(x);
    /// assert_eq!((y.data(), y.backward().wrt(x)), (0.5, 0.25));
    /// ```
    #[inline]
    pub fn apply<'t>(self, x: Value<'t>) -> Value<'t> {
        match self {
            Activation::Tanh => x.tanh(),
            Activation::Relu => x.relu(),
            Activation::Sigmoid => x.sigmoid(),
            Activation::Linear => x,
            Activation::Custom(custom) => (custom.apply)(x),
        }
    }

    /// Applies the activation to a plain number, bit for bit the value
    /// [`apply`](Activation::apply) records (it runs the same code on a constant that lives on
    /// no tape).
    ///
    /// ```
    /// use tapegrad::nn::Activation;
    ///
    /// assert_eq!(Activation::Tanh.apply_f64(1000.0), 1.0);
    /// assert_eq!(Activation::Sigmoid.apply_f64(-1000.0), 0.0);
    /// assert_eq!(Activation::Linear.apply_f64(-3.5), -3.5);
    /// ```
    #[must_use]
    pub fn apply_f64(self, x: f64) -> f64 {
        self.apply(Value::constant(x)).data()
    }

    /// The lowercase name, as printed and parsed.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Activation::Sigmoid.name(), "sigmoid");
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Linear => "linear",
            Activation::Custom(custom) => custom.name,
        }
    }

    /// The capitalised name used in model reprs (`TanhNeuron(2)`).
    fn title(self) -> &'static str {
        match self {
            Activation::Tanh => "Tanh",
            Activation::Relu => "Relu",
            Activation::Sigmoid => "Sigmoid",
            Activation::Linear => "Linear",
            Activation::Custom(custom) => custom.name,
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = Error;

    /// Parses `tanh`, `relu`, `sigmoid` or `linear`, ignoring case and surrounding spaces.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the accepted values.
    ///
    /// ```
    /// use tapegrad::nn::Activation;
    ///
    /// assert_eq!(" Tanh ".parse::<Activation>()?, Activation::Tanh);
    /// let err = "gelu".parse::<Activation>().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid argument: unknown activation `gelu`; \
    ///      expected one of tanh, relu, sigmoid, linear"
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Error> {
        parse_named(s, &Activation::ALL, Activation::name, "activation")
    }
}

/// Finds the variant whose name equals `s` (ignoring case and surrounding spaces).
fn parse_named<T: Copy>(
    s: &str,
    all: &[T],
    name: fn(T) -> &'static str,
    what: &str,
) -> Result<T, Error> {
    let wanted = s.trim();
    all.iter()
        .copied()
        .find(|&v| name(v).eq_ignore_ascii_case(wanted))
        .ok_or_else(|| {
            let names: Vec<_> = all.iter().map(|&v| name(v)).collect();
            Error::InvalidArgument(format!(
                "unknown {what} `{wanted}`; expected one of {}",
                names.join(", ")
            ))
        })
}

// ---------------------------------------------------------------------------------------------
// Init
// ---------------------------------------------------------------------------------------------

/// How [`Neuron::new`], [`Layer::new`] and [`Mlp::new`] draw the initial parameters from a
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

// ---------------------------------------------------------------------------------------------
// Module, Forward, Recorded
// ---------------------------------------------------------------------------------------------

/// Something with trainable `f64` parameters in one fixed order: what optimizers update.
///
/// The visitors, [`parameters`](Module::parameters), [`named_parameters`](Module::named_parameters)
/// and [`set_parameters`](Module::set_parameters) all use the same order; for the models in
/// this module it is layer by layer, neuron by neuron, each neuron's weights then its bias.
/// The trait is object safe, so optimizers take `&mut dyn Module`.
///
/// To make your own model, implement the three required methods (keeping the order
/// consistent), and [`Forward`] and `Clone` to use [`record`](Module::record)'s `forward`
/// (the recording keeps a copy of the model).
///
/// ```
/// use tapegrad::nn::{Activation, Module, Neuron};
///
/// let mut n = Neuron::from_parts(vec![0.5, -1.0], 0.25, Activation::Tanh);
/// assert_eq!(n.parameters(), vec![0.5, -1.0, 0.25]);
/// assert_eq!(n.named_parameters()[2], ("b".to_string(), 0.25));
/// n.set_parameters(&[1.0, 2.0, 3.0])?;
/// assert_eq!((n.weights(), n.bias()), (&[1.0, 2.0][..], 3.0));
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub trait Module {
    /// Calls `f` with every parameter, in order.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![1.0, -2.0], 0.5, Activation::Tanh);
    /// let mut sum_of_squares = 0.0;
    /// n.visit_parameters(&mut |p| sum_of_squares += p * p);
    /// assert_eq!(sum_of_squares, 5.25);
    /// ```
    fn visit_parameters(&self, f: &mut dyn FnMut(f64));

    /// Calls `f` with a mutable reference to every parameter, in order: how optimizers update
    /// a model without copying its parameters out and back.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let mut n = Neuron::from_parts(vec![1.0, -2.0], 0.5, Activation::Tanh);
    /// n.visit_parameters_mut(&mut |p| *p *= 2.0);
    /// assert_eq!(n.parameters(), vec![2.0, -4.0, 1.0]);
    /// ```
    fn visit_parameters_mut(&mut self, f: &mut dyn FnMut(&mut f64));

    /// Every parameter with its name, in parameter order (`layer0.neuron1.w0`,
    /// `layer0.neuron1.b`, … for an [`Mlp`]), as PyTorch's `named_parameters()` gives them.
    /// Allocates a string per parameter: for printing and saving, not for the training loop.
    ///
    /// A plain `Vec` of pairs, so implementing the trait needs no map type; to look
    /// parameters up by name, collect it into the map you like
    /// (`.into_iter().collect::<HashMap<_, _>>()`).
    ///
    /// ```
    /// use tapegrad::rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation::{Linear, Tanh}, Init, Mlp, Module};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(2, &[3, 1], Tanh, Linear, Init::Micrograd, &mut rng)?;
    /// let named = mlp.named_parameters();
    /// let names: Vec<&str> = named.iter().map(|(name, _)| name.as_str()).collect();
    /// assert_eq!(names[..3], ["layer0.neuron0.w0", "layer0.neuron0.w1", "layer0.neuron0.b"]);
    /// assert_eq!(names[3], "layer0.neuron1.w0");
    /// assert_eq!(names.last(), Some(&"layer1.neuron0.b"));
    /// assert_eq!(named[2].1, 0.0); // Init::Micrograd's bias
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn named_parameters(&self) -> Vec<(String, f64)>;

    /// How many parameters there are. The default counts them with
    /// [`visit_parameters`](Module::visit_parameters); the models here answer without visiting.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![0.0; 3], 0.0, Activation::Relu);
    /// assert_eq!(n.parameter_count(), 4);
    /// ```
    fn parameter_count(&self) -> usize {
        let mut n = 0;
        self.visit_parameters(&mut |_| n += 1);
        n
    }

    /// A copy of every parameter, in order.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![1.0, 2.0], 3.0, Activation::Linear);
    /// assert_eq!(n.parameters(), vec![1.0, 2.0, 3.0]);
    /// ```
    fn parameters(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.parameter_count());
        self.visit_parameters(&mut |p| out.push(p));
        out
    }

    /// Overwrites every parameter, in order, with `values`.
    ///
    /// # Errors
    /// [`Error::ParameterCount`] if `values` does not hold exactly
    /// [`parameter_count`](Module::parameter_count) numbers; [`Error::NonFiniteParameter`]
    /// naming the first NaN or infinite value. The model is then unchanged.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Module, Neuron};
    ///
    /// let mut n = Neuron::from_parts(vec![0.0], 0.0, Activation::Linear);
    /// n.set_parameters(&[2.0, -1.0])?;
    /// assert_eq!(n.parameters(), vec![2.0, -1.0]);
    /// assert_eq!(
    ///     n.set_parameters(&[1.0]),
    ///     Err(tapegrad::Error::ParameterCount { expected: 2, got: 1 })
    /// );
    /// assert_eq!(
    ///     n.set_parameters(&[1.0, f64::INFINITY]).unwrap_err().to_string(),
    ///     "parameter 1 (b) would be inf: a model holds finite numbers only; \
    ///      the model was left unchanged"
    /// );
    /// assert_eq!(n.parameters(), vec![2.0, -1.0]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn set_parameters(&mut self, values: &[f64]) -> Result<(), Error> {
        let expected = self.parameter_count();
        if values.len() != expected {
            return Err(Error::ParameterCount {
                expected,
                got: values.len(),
            });
        }
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFiniteParameter {
                index,
                name: parameter_name(self, index),
                value: values[index],
            });
        }
        let mut it = values.iter();
        self.visit_parameters_mut(&mut |p| {
            if let Some(&v) = it.next() {
                *p = v;
            }
        });
        Ok(())
    }

    /// Records every parameter on `tape` as a [`Tape::var`], in order, and binds them to a
    /// copy of the model: the start of a training step. The result runs the forward pass and
    /// reads the parameters' gradients; it borrows the tape, not the model, so the model can
    /// be updated while it is alive. No labels are attached (they allocate); see
    /// [`record_labeled`](Module::record_labeled).
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0, -1.0], 0.5, Activation::Linear);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// let y = net.forward_f64(&[3.0, 4.0])?; // 2·3 - 1·4 + 0.5
    /// assert_eq!(y.data(), 2.5);
    /// assert_eq!(net.gradients(&y.backward()), vec![3.0, 4.0, 1.0]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn record<'t>(&self, tape: &'t Tape) -> Recorded<'t, Self>
    where
        Self: Sized + Clone,
    {
        let mut params = Vec::with_capacity(self.parameter_count());
        self.visit_parameters(&mut |p| params.push(tape.var(p)));
        Recorded {
            model: self.clone(),
            tape,
            params,
        }
    }

    /// Like [`record`](Module::record), but labels each parameter with its name, so traces
    /// and Graphviz pictures show `layer0.neuron1.w0` instead of `#7`. For teaching: it
    /// allocates a string per parameter.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], 0.5, Activation::Tanh);
    /// let tape = Tape::new();
    /// let net = n.record_labeled(&tape);
    /// assert_eq!(net.params()[1].label().as_deref(), Some("b"));
    /// ```
    fn record_labeled<'t>(&self, tape: &'t Tape) -> Recorded<'t, Self>
    where
        Self: Sized + Clone,
    {
        let params = self
            .named_parameters()
            .iter()
            .map(|(name, p)| tape.var(*p).with_label(name))
            .collect();
        Recorded {
            model: self.clone(),
            tape,
            params,
        }
    }
}

/// A model's forward pass on a tape, given its parameters as recorded values.
///
/// Implemented by [`Neuron`] (output: one [`Value`]), [`Layer`] and [`Mlp`] (output: one value
/// per output neuron). Each type also has the same `forward` as an inherent method, so calling
/// it needs no import; the trait is what makes [`Recorded::forward`] work for any model,
/// yours included.
///
/// ```
/// use tapegrad::{Error, Tape, nn::{Activation, Forward, Layer, Module, Neuron}};
///
/// /// Any model's outputs for plain inputs, with its parameters recorded on `tape`.
/// fn run<'t, M>(m: &M, tape: &'t Tape, x: &[f64]) -> Result<M::Output<'t>, Error>
/// where
///     M: Forward + Clone,
/// {
///     m.record(tape).forward_f64(x)
/// }
/// let layer = Layer::from_neurons(vec![Neuron::from_parts(vec![2.0], 1.0, Activation::Linear)])?;
/// let tape = Tape::new();
/// assert_eq!(run(&layer, &tape, &[3.0])?[0].data(), 7.0);
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub trait Forward: Module {
    /// What one forward pass produces: a [`Value`] for a [`Neuron`], a `Vec<Value>` for a
    /// [`Layer`] or an [`Mlp`].
    type Output<'t>;

    /// Runs the model with `params` (this model's parameters as recorded values, in
    /// parameter order) on `inputs`.
    ///
    /// # Errors
    /// [`Error::ParameterCount`] if `params` has the wrong length, [`Error::InputSize`] if
    /// `inputs` does; [`Error::NonFiniteInput`] if an input is NaN or infinite (the models
    /// here check, and a model of your own should too).
    ///
    /// # Panics
    /// If `params` and `inputs` hold values recorded on different tapes.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Forward, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![0.0], 0.0, Activation::Relu);
    /// let tape = Tape::new();
    /// let p = tape.vars(&[2.0, -1.0]);
    /// let y = Forward::forward(&n, &p, &[3.0.into()])?;
    /// assert_eq!(y.data(), 5.0);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn forward<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
    ) -> Result<Self::Output<'t>, Error>;
}

/// A model with its parameters recorded on a tape, made by [`Module::record`]: one training
/// step's view of the model.
///
/// It borrows the tape and keeps its own copy of the model as recorded (the shape the
/// forward pass follows, and the parameter values the tape holds), so it never borrows the
/// model: the update can take the gradients straight from it, in one line.
///
/// ```
/// use tapegrad::{Tape, loss};
/// use tapegrad::nn::{Activation::{Linear, Tanh}, Mlp, Module};
/// use tapegrad::optim::{Optimizer, Sgd};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let mut model = Mlp::builder(2).hidden(&[4], Tanh).output(1, Linear).seed(3).build()?;
/// let mut opt = Sgd::new(0.1);
/// let tape = Tape::new();
/// let net = model.record(&tape);
/// let loss = loss::half_squared_error(net.forward_f64(&[0.5, -1.0])?[0], 1.0);
/// let grads = loss.backward();
/// opt.step(&mut model, &net.gradients(&grads))?; // the model changes while `net` lives
/// assert_ne!(model.parameters(), net.model().parameters());
/// // `net` goes on describing the recorded step: its copy is the model before the update.
/// assert_eq!(net.forward_f64(&[0.5, -1.0])?[0].data(), net.model().predict(&[0.5, -1.0])?[0]);
/// # Ok(())
/// # }
/// ```
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::{Tape, nn::{Activation, Init, Layer, Module}};
///
/// let mut rng = StdRng::seed_from_u64(1);
/// let layer = Layer::new(3, 2, Activation::Tanh, Init::Xavier, &mut rng)?;
/// let tape = Tape::new();
/// let net = layer.record(&tape);
/// assert_eq!(net.params().len(), 8);
/// let out = net.forward_f64(&[1.0, 2.0, 3.0])?;
/// let g = net.gradients(&(out[0] + out[1]).backward());
/// assert_eq!(g.len(), 8);
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub struct Recorded<'t, M> {
    model: M,
    tape: &'t Tape,
    params: Vec<Value<'t>>,
}

impl<M> fmt::Debug for Recorded<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("model", &std::any::type_name::<M>())
            .field("params", &self.params.len())
            .field("tape", &self.tape)
            .finish()
    }
}

impl<'t, M> Recorded<'t, M> {
    /// The recorded parameters, in parameter order.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Relu);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// assert_eq!(net.params().iter().map(|p| p.data()).collect::<Vec<_>>(), [2.0, -1.0]);
    /// ```
    pub fn params(&self) -> &[Value<'t>] {
        &self.params
    }

    /// The model as it was recorded: a copy, with the parameter values the tape holds.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Relu);
    /// let tape = Tape::new();
    /// assert_eq!(n.record(&tape).model().nin(), 1);
    /// ```
    #[must_use]
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The tape the parameters are recorded on.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Relu);
    /// let tape = Tape::new();
    /// assert_eq!(n.record(&tape).tape().len(), 2);
    /// ```
    #[must_use]
    pub fn tape(&self) -> &'t Tape {
        self.tape
    }

    /// The gradient of the output `grads` was computed for with respect to every parameter,
    /// in parameter order: what [`Optimizer::step`](crate::optim::Optimizer::step) takes.
    ///
    /// # Panics
    /// If `grads` belongs to another tape, or the tape was cleared since (see
    /// [`Gradients::wrt`]).
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Linear);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// let y = net.forward_f64(&[5.0])?;
    /// assert_eq!(net.gradients(&y.backward()), vec![5.0, 1.0]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    #[track_caller]
    pub fn gradients(&self, grads: &Gradients) -> Vec<f64> {
        grads.wrt_all(&self.params)
    }
}

impl<'t, M: Forward> Recorded<'t, M> {
    /// Runs the model on `inputs` with the recorded parameters.
    ///
    /// # Errors
    /// [`Error::InputSize`] if the model takes a different number of inputs;
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite.
    ///
    /// # Panics
    /// If `inputs` hold values recorded on another tape than the parameters.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![1.0, 1.0], 0.0, Activation::Linear);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// let x = tape.vars(&[2.0, 3.0]); // inputs whose gradients we want, too
    /// let y = net.forward(&x)?;
    /// assert_eq!(y.backward().wrt(x[0]), 1.0);
    /// assert_eq!(
    ///     net.forward(&x[..1]).unwrap_err(),
    ///     tapegrad::Error::InputSize { expected: 2, got: 1 }
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn forward(&self, inputs: &[Value<'t>]) -> Result<M::Output<'t>, Error> {
        self.model.forward(&self.params, inputs)
    }

    /// Runs the model on plain numbers. They enter as constants on no tape, so they add no
    /// nodes (their gradients are not needed to train).
    ///
    /// # Errors
    /// [`Error::InputSize`] if the model takes a different number of inputs;
    /// [`Error::NonFiniteInput`] if an input is NaN or infinite.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Module, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![1.0, 1.0], 0.0, Activation::Linear);
    /// let tape = Tape::new();
    /// let net = n.record(&tape);
    /// let y = net.forward_f64(&[2.0, 3.0])?;
    /// assert_eq!(y.data(), 5.0);
    /// assert_eq!(tape.len(), 4); // three parameters and one affine node
    /// assert_eq!(
    ///     net.forward_f64(&[2.0, f64::INFINITY]).unwrap_err().to_string(),
    ///     "input 1 is inf: a network takes finite numbers only; look for NaN or infinite \
    ///      values in the data (a failed parse, a division by zero, ln of 0)"
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn forward_f64(&self, inputs: &[f64]) -> Result<M::Output<'t>, Error> {
        let xs: Vec<Value<'t>> = inputs.iter().map(|&x| Value::constant(x)).collect();
        self.forward(&xs)
    }
}

/// Checks a parameter slice's length.
fn expect_params(expected: usize, got: usize) -> Result<(), Error> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::ParameterCount { expected, got })
    }
}

/// Checks an input slice's length.
fn expect_inputs(expected: usize, got: usize) -> Result<(), Error> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::InputSize { expected, got })
    }
}

/// Refuses a NaN or infinite input, naming its position: the one rule every forward pass,
/// and so every training loop, goes through.
fn expect_finite(inputs: &[Value<'_>]) -> Result<(), Error> {
    match inputs.iter().position(|x| !x.data().is_finite()) {
        None => Ok(()),
        Some(index) => Err(Error::NonFiniteInput {
            index,
            value: inputs[index].data(),
        }),
    }
}

/// Parameter `i`'s name, for messages (allocates: error paths only).
pub(crate) fn parameter_name<M: Module + ?Sized>(model: &M, i: usize) -> String {
    model
        .named_parameters()
        .into_iter()
        .nth(i)
        .map_or_else(|| format!("#{i}"), |(name, _)| name)
}

/// `[f64]` inputs as constants on no tape.
fn constants(xs: &[f64]) -> Vec<Value<'static>> {
    xs.iter().map(|&x| Value::constant(x)).collect()
}

// ---------------------------------------------------------------------------------------------
// Neuron
// ---------------------------------------------------------------------------------------------

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
/// let y = net.forward_f64(&[2.0, 0.0])?; // tanh(0.5)
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
    /// If `nin` weights do not fit in memory (a [`Layer`] or an [`Mlp`] of that size is an
    /// `Err` instead).
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Neuron};
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
    fn with_fan_out<R: Rng + ?Sized>(
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
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![1.0, 2.0], 0.5, Activation::Sigmoid);
    /// assert_eq!((n.nin(), n.bias(), n.activation()), (2, 0.5, Activation::Sigmoid));
    /// ```
    #[must_use]
    pub fn from_parts(weights: Vec<f64>, bias: f64, activation: Activation) -> Self {
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

    /// The number of inputs.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    /// assert_eq!(Neuron::from_parts(vec![0.0; 5], 0.0, Activation::Relu).nin(), 5);
    /// ```
    #[must_use]
    pub fn nin(&self) -> usize {
        self.weights.len()
    }

    /// The neuron on a tape: `activation(affine(w, inputs, b))` where `params` are its
    /// recorded weights then bias (usually from [`Module::record`]). Records one
    /// [`affine`](crate::affine) node and one activation node (none for `Linear`).
    ///
    /// # Errors
    /// [`Error::ParameterCount`] unless `params.len() == nin + 1`; [`Error::InputSize`] unless
    /// `inputs.len() == nin`; [`Error::NonFiniteInput`] if an input is NaN or infinite.
    /// Nothing is truncated.
    ///
    /// # Panics
    /// If the values are recorded on different tapes.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![0.0, 0.0], 0.0, Activation::Relu);
    /// let tape = Tape::new();
    /// let p = tape.vars(&[1.0, -1.0, 0.5]); // w0, w1, b
    /// let y = n.forward(&p, &[3.0.into(), 1.0.into()])?;
    /// assert_eq!(y.data(), 2.5);
    /// assert_eq!(
    ///     n.forward(&p, &[3.0.into()]).unwrap_err(),
    ///     tapegrad::Error::InputSize { expected: 2, got: 1 }
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[track_caller]
    pub fn forward<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
    ) -> Result<Value<'t>, Error> {
        expect_params(self.nin() + 1, params.len())?;
        expect_inputs(self.nin(), inputs.len())?;
        expect_finite(inputs)?;
        Ok(self.record(params, inputs))
    }

    /// [`forward`](Neuron::forward) for `params` and `inputs` of the right lengths.
    #[track_caller]
    fn record<'t>(&self, params: &[Value<'t>], inputs: &[Value<'t>]) -> Value<'t> {
        let (weights, bias) = params.split_at(self.nin());
        let sum = weighted_sum("Neuron::forward", weights, inputs, bias[0]);
        self.activation.apply(sum)
    }

    /// The neuron's output for plain inputs, without a tape: bit for bit the value
    /// [`forward`](Neuron::forward) records.
    ///
    /// # Errors
    /// [`Error::InputSize`] unless `inputs.len() == nin`; [`Error::NonFiniteInput`] if an
    /// input is NaN or infinite.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Neuron};
    ///
    /// let n = Neuron::from_parts(vec![2.0], -1.0, Activation::Linear);
    /// assert_eq!(n.predict(&[3.0])?, 5.0);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn predict(&self, inputs: &[f64]) -> Result<f64, Error> {
        let params = constants(&self.parameters());
        Ok(self.forward(&params, &constants(inputs))?.data())
    }

    fn name_parameters(&self, prefix: &str, out: &mut Vec<(String, f64)>) {
        for (i, &w) in self.weights.iter().enumerate() {
            out.push((format!("{prefix}w{i}"), w));
        }
        out.push((format!("{prefix}b"), self.bias));
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

    fn named_parameters(&self) -> Vec<(String, f64)> {
        let mut out = Vec::with_capacity(self.parameter_count());
        self.name_parameters("", &mut out);
        out
    }

    fn parameter_count(&self) -> usize {
        self.weights.len() + 1
    }
}

impl Forward for Neuron {
    type Output<'t> = Value<'t>;

    fn forward<'t>(&self, params: &[Value<'t>], inputs: &[Value<'t>]) -> Result<Value<'t>, Error> {
        Neuron::forward(self, params, inputs)
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

// ---------------------------------------------------------------------------------------------
// Layer
// ---------------------------------------------------------------------------------------------

/// A row of neurons that all read the same inputs; the output has one value per neuron.
///
/// Parameters in order: neuron 0's (weights then bias), neuron 1's, …; named
/// `neuron0.w0`, …, `neuron0.b`, `neuron1.w0`, ….
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::nn::{Activation, Init, Layer, Module};
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
        Ok(Layer { neurons })
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
        Ok(Layer { neurons })
    }

    /// The neurons.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Layer};
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

    /// The number of inputs each neuron takes.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Layer};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let layer = Layer::new(2, 3, Activation::Tanh, Init::Micrograd, &mut rng)?;
    /// assert_eq!(layer.nin(), 2);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn nin(&self) -> usize {
        self.neurons[0].nin()
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

    /// The layer on a tape: each neuron's [`forward`](Neuron::forward) with its slice of
    /// `params` (the layer's recorded parameters in order).
    ///
    /// # Errors
    /// [`Error::ParameterCount`] unless `params.len() == nout · (nin + 1)`;
    /// [`Error::InputSize`] unless `inputs.len() == nin`; [`Error::NonFiniteInput`] if an
    /// input is NaN or infinite.
    ///
    /// # Panics
    /// If the values are recorded on different tapes.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Layer, Neuron}};
    ///
    /// let n = Neuron::from_parts(vec![0.0], 0.0, Activation::Linear);
    /// let layer = Layer::from_neurons(vec![n.clone(), n])?;
    /// let tape = Tape::new();
    /// let p = tape.vars(&[2.0, 1.0, -2.0, 0.0]); // neuron0: w0, b; neuron1: w0, b
    /// let y = layer.forward(&p, &[3.0.into()])?;
    /// assert_eq!((y[0].data(), y[1].data()), (7.0, -6.0));
    /// assert_eq!(
    ///     layer.forward(&p[..3], &[3.0.into()]).unwrap_err(),
    ///     tapegrad::Error::ParameterCount { expected: 4, got: 3 }
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[track_caller]
    pub fn forward<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
    ) -> Result<Vec<Value<'t>>, Error> {
        expect_params(self.parameter_count(), params.len())?;
        expect_inputs(self.nin(), inputs.len())?;
        expect_finite(inputs)?;
        let mut out = Vec::with_capacity(self.nout());
        self.record("Layer::forward", params, inputs, &mut out);
        Ok(out)
    }

    /// [`forward`](Layer::forward) for `params` and `inputs` of the right lengths, into `out`;
    /// a panic for values from two tapes names `what`, the function the caller called.
    #[track_caller]
    fn record<'t>(
        &self,
        what: &str,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
        out: &mut Vec<Value<'t>>,
    ) {
        // Every weighted sum first, in one go, then every activation.
        out.clear();
        crate::ops::affine_rows(what, params, inputs, out);
        for (y, neuron) in out.iter_mut().zip(&self.neurons) {
            *y = neuron.activation.apply(*y);
        }
    }

    /// The layer's outputs for plain inputs, without a tape: bit for bit the values
    /// [`forward`](Layer::forward) records.
    ///
    /// # Errors
    /// [`Error::InputSize`] unless `inputs.len() == nin`; [`Error::NonFiniteInput`] if an
    /// input is NaN or infinite.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Layer, Neuron};
    ///
    /// let neuron = Neuron::from_parts(vec![2.0], 1.0, Activation::Relu);
    /// let layer = Layer::from_neurons(vec![neuron])?;
    /// assert_eq!(layer.predict(&[-3.0])?, vec![0.0]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn predict(&self, inputs: &[f64]) -> Result<Vec<f64>, Error> {
        let params = constants(&self.parameters());
        let out = self.forward(&params, &constants(inputs))?;
        Ok(out.iter().map(|v| v.data()).collect())
    }

    fn name_parameters(&self, prefix: &str, out: &mut Vec<(String, f64)>) {
        for (i, n) in self.neurons.iter().enumerate() {
            n.name_parameters(&format!("{prefix}neuron{i}."), out);
        }
    }
}

impl Module for Layer {
    fn visit_parameters(&self, f: &mut dyn FnMut(f64)) {
        for n in &self.neurons {
            n.visit_parameters(f);
        }
    }

    fn visit_parameters_mut(&mut self, f: &mut dyn FnMut(&mut f64)) {
        for n in &mut self.neurons {
            n.visit_parameters_mut(f);
        }
    }

    fn named_parameters(&self) -> Vec<(String, f64)> {
        let mut out = Vec::with_capacity(self.parameter_count());
        self.name_parameters("", &mut out);
        out
    }

    fn parameter_count(&self) -> usize {
        self.nout() * (self.nin() + 1)
    }
}

impl Forward for Layer {
    type Output<'t> = Vec<Value<'t>>;

    fn forward<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
    ) -> Result<Vec<Value<'t>>, Error> {
        Layer::forward(self, params, inputs)
    }
}

/// micrograd's repr: `Layer of [TanhNeuron(2), TanhNeuron(2)]`.
impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Layer of [")?;
        for (i, n) in self.neurons.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{n}")?;
        }
        f.write_str("]")
    }
}

impl fmt::Debug for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Layer");
        d.field("nin", &self.nin()).field("nout", &self.nout());
        let act = self.neurons[0].activation;
        if self.neurons.iter().all(|n| n.activation == act) {
            d.field("activation", &act);
        }
        d.finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// Mlp
// ---------------------------------------------------------------------------------------------

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
    fn with_widths<R: Rng + ?Sized>(
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

    /// An MLP made of the given layers, in order.
    ///
    /// # Errors
    /// [`Error::EmptyNetwork`] if there are no layers; [`Error::InvalidArgument`] if a
    /// layer's number of inputs differs from the previous layer's number of outputs.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
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
    /// use tapegrad::nn::{Activation, Init, Mlp};
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

    /// The number of inputs.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Mlp};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(3, &[4, 2], Activation::Tanh, Activation::Linear, Init::He, &mut rng)?;
    /// assert_eq!(mlp.nin(), 3);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn nin(&self) -> usize {
        self.layers[0].nin()
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

    /// The network on a tape: each layer's [`forward`](Layer::forward) with its slice of
    /// `params` (the network's recorded parameters in order), feeding the next.
    ///
    /// # Errors
    /// [`Error::ParameterCount`] unless `params.len()` is the
    /// [parameter count](Module::parameter_count); [`Error::InputSize`] unless
    /// `inputs.len() == nin`; [`Error::NonFiniteInput`] if an input is NaN or infinite.
    ///
    /// # Panics
    /// If the values are recorded on different tapes.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::{Tape, nn::{Activation::{Linear, Tanh}, Init, Mlp, Module}};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(2, &[3, 1], Tanh, Linear, Init::Xavier, &mut rng)?;
    /// let tape = Tape::new();
    /// let p = tape.vars(&mlp.parameters());
    /// let y = mlp.forward(&p, &[0.5.into(), (-1.0).into()])?;
    /// assert_eq!(y.len(), 1);
    /// assert_eq!(y[0].data(), mlp.predict(&[0.5, -1.0])?[0]);
    /// assert_eq!(
    ///     mlp.forward(&p, &[0.5.into()]).unwrap_err(),
    ///     tapegrad::Error::InputSize { expected: 2, got: 1 }
    /// );
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[track_caller]
    pub fn forward<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
    ) -> Result<Vec<Value<'t>>, Error> {
        expect_params(self.parameter_count(), params.len())?;
        expect_inputs(self.nin(), inputs.len())?;
        expect_finite(inputs)?;
        // Each layer reads `x` and writes `y`, then they swap: two buffers for the whole pass.
        let widest = self.layers.iter().map(Layer::nout).max().unwrap_or(0);
        let widest = widest.max(inputs.len());
        let (mut x, mut y) = (Vec::with_capacity(widest), Vec::with_capacity(widest));
        x.extend_from_slice(inputs);
        let mut rest = params;
        for layer in &self.layers {
            let (mine, others) = rest.split_at(layer.parameter_count());
            layer.record("Mlp::forward", mine, &x, &mut y);
            std::mem::swap(&mut x, &mut y);
            rest = others;
        }
        Ok(x)
    }

    /// The network's outputs for plain inputs, without a tape: bit for bit the values
    /// [`forward`](Mlp::forward) records. Handy for accuracy and decision boundaries.
    ///
    /// # Errors
    /// [`Error::InputSize`] unless `inputs.len() == nin`; [`Error::NonFiniteInput`] if an
    /// input is NaN or infinite.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation::{Sigmoid, Tanh}, Init, Mlp};
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(2, &[3, 1], Tanh, Sigmoid, Init::Xavier, &mut rng)?;
    /// let p = mlp.predict(&[0.5, -1.0])?[0];
    /// assert!(0.0 < p && p < 1.0);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn predict(&self, inputs: &[f64]) -> Result<Vec<f64>, Error> {
        let params = constants(&self.parameters());
        let out = self.forward(&params, &constants(inputs))?;
        Ok(out.iter().map(|v| v.data()).collect())
    }
}

impl Module for Mlp {
    fn visit_parameters(&self, f: &mut dyn FnMut(f64)) {
        for l in &self.layers {
            l.visit_parameters(f);
        }
    }

    fn visit_parameters_mut(&mut self, f: &mut dyn FnMut(&mut f64)) {
        for l in &mut self.layers {
            l.visit_parameters_mut(f);
        }
    }

    fn named_parameters(&self) -> Vec<(String, f64)> {
        let mut out = Vec::with_capacity(self.parameter_count());
        for (i, l) in self.layers.iter().enumerate() {
            l.name_parameters(&format!("layer{i}."), &mut out);
        }
        out
    }

    fn parameter_count(&self) -> usize {
        self.layers.iter().map(Layer::parameter_count).sum()
    }
}

impl Forward for Mlp {
    type Output<'t> = Vec<Value<'t>>;

    fn forward<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
    ) -> Result<Vec<Value<'t>>, Error> {
        Mlp::forward(self, params, inputs)
    }
}

/// micrograd's repr: `Mlp of [Layer of [TanhNeuron(2), …], Layer of [LinearNeuron(16)]]`.
impl fmt::Display for Mlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mlp of [")?;
        for (i, l) in self.layers.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{l}")?;
        }
        f.write_str("]")
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

// ---------------------------------------------------------------------------------------------
// MlpBuilder
// ---------------------------------------------------------------------------------------------

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
