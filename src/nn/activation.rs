//! The nonlinearity a neuron applies: [`Activation`], and [`CustomActivation`] for your own.

use std::fmt;
use std::str::FromStr;

use crate::engine::ops::unary_all;
use crate::{Error, Op, Value};

/// The nonlinearity a neuron applies to its weighted sum.
///
/// `Display` and [`FromStr`] use the lowercase names `tanh`, `relu`, `sigmoid`, `linear`
/// (parsing ignores case and surrounding spaces), so an activation can come from a command
/// line flag. Your own nonlinearity, written with [`Value`]'s operations, is a
/// [`Custom`](Activation::Custom) one, and trains in the same loop, recording the nodes its
/// operations make (plus a call through a function pointer per neuron).
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
#[doc(alias = "nonlin")]
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
/// print. Two custom activations are equal when they have the same name and the same
/// function (see its `PartialEq`): two functions under one name are not.
///
/// ```
/// use tapegrad::{Tape, Value, nn::{Activation, CustomActivation, Forward, Neuron}};
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
/// let y = n.forward(&w, &[(-3.0).into()])?[0];
/// assert_eq!(y.backward().wrt(w[0]), -0.03); // d/dw of 0.01·(w·x): 0.01·x
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct CustomActivation {
    name: &'static str,
    apply: Apply,
}

/// How a custom activation computes.
#[derive(Clone, Copy)]
enum Apply {
    /// With [`Value`]'s operations: the nodes they record.
    Values(for<'t> fn(Value<'t>) -> Value<'t>),
    /// From its value and derivative at a point: one node, recorded as a built-in's is.
    Local(fn(f64) -> (f64, f64)),
}

impl CustomActivation {
    /// A nonlinearity named `name` that computes `apply`, with [`Value`]'s operations: it
    /// records the nodes they make, through a call per neuron: slower than a layer's built-in
    /// activation, whose nodes it records all in one go (`PERFORMANCE.md` has the figures).
    /// For a built-in's speed, give the value and the derivative with
    /// [`with_derivative`](CustomActivation::with_derivative).
    ///
    /// ```
    /// use tapegrad::nn::CustomActivation;
    ///
    /// let softplus = CustomActivation::new("softplus", |x| (x.exp() + 1.0).ln());
    /// assert_eq!(softplus.name(), "softplus");
    /// ```
    #[must_use]
    pub const fn new(name: &'static str, apply: for<'t> fn(Value<'t>) -> Value<'t>) -> Self {
        CustomActivation {
            name,
            apply: Apply::Values(apply),
        }
    }

    /// A nonlinearity named `name` given by `local`: for an input `x`, its value `f(x)` and
    /// its derivative `f'(x)`. It records one node, as a built-in activation does, and runs at
    /// a built-in's speed. The derivative is yours to get right:
    /// [`check_gradients`](crate::check_gradients) compares it with finite differences.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, CustomActivation}};
    ///
    /// // softplus, ln(1 + eˣ), whose derivative is the sigmoid.
    /// let softplus = Activation::Custom(CustomActivation::with_derivative("softplus", |x| {
    ///     ((1.0 + x.exp()).ln(), 1.0 / (1.0 + (-x).exp()))
    /// }));
    /// let tape = Tape::new();
    /// let x = tape.var(0.0);
    /// let y = softplus.apply(x);
    /// assert_eq!((y.data(), y.backward().wrt(x)), (2f64.ln(), 0.5));
    /// assert_eq!(tape.len(), 2); // x and one node
    /// ```
    #[must_use]
    pub const fn with_derivative(name: &'static str, local: fn(f64) -> (f64, f64)) -> Self {
        CustomActivation {
            name,
            apply: Apply::Local(local),
        }
    }

    /// Applies it on the tape.
    #[inline(always)]
    fn apply<'t>(self, x: Value<'t>) -> Value<'t> {
        match self.apply {
            Apply::Values(f) => f(x),
            Apply::Local(f) => {
                let (y, d) = f(x.data());
                x.custom(y, d)
            }
        }
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

/// Two custom activations are equal when they have the same name and compute with the same
/// function, so that two networks compare equal only if they compute the same thing. Functions
/// are compared by address: a copy is equal to its original, two different functions under one
/// name are not, and the same function given in two places may (rarely) compare unequal, as
/// Rust does not promise one address per function.
///
/// ```
/// use tapegrad::nn::CustomActivation;
///
/// let half = CustomActivation::with_derivative("scaled", |x| (0.5 * x, 0.5));
/// let double = CustomActivation::with_derivative("scaled", |x| (2.0 * x, 2.0));
/// assert_eq!(half, half.clone());
/// assert_ne!(half, double);
/// ```
impl PartialEq for CustomActivation {
    fn eq(&self, other: &Self) -> bool {
        let same_function = match (self.apply, other.apply) {
            (Apply::Values(a), Apply::Values(b)) => std::ptr::fn_addr_eq(a, b),
            (Apply::Local(a), Apply::Local(b)) => std::ptr::fn_addr_eq(a, b),
            _ => false,
        };
        self.name == other.name && same_function
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
    #[inline(always)]
    pub fn apply<'t>(self, x: Value<'t>) -> Value<'t> {
        match self {
            Activation::Tanh => x.tanh(),
            Activation::Relu => x.relu(),
            Activation::Sigmoid => x.sigmoid(),
            Activation::Linear => x,
            Activation::Custom(custom) => custom.apply(x),
        }
    }

    /// Applies the activation to each of `values` in place, as [`apply`](Activation::apply)
    /// would one by one: a built-in, or a custom one given by its value and derivative, in one
    /// borrow of the tape (a custom one written with `Value`'s operations records through
    /// them, value by value).
    #[track_caller]
    pub(crate) fn apply_all(self, values: &mut [Value<'_>]) {
        match self {
            Activation::Tanh => unary_all(values, Op::Tanh, Value::tanh_at),
            Activation::Relu => unary_all(values, Op::Relu, Value::relu_at),
            Activation::Sigmoid => unary_all(values, Op::Sigmoid, Value::sigmoid_at),
            Activation::Linear => {}
            Activation::Custom(CustomActivation {
                apply: Apply::Local(f),
                ..
            }) => unary_all(values, Op::Custom, f),
            Activation::Custom(custom) => {
                for v in values {
                    v.set_from(&custom.apply(*v));
                }
            }
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
    pub(super) fn title(self) -> &'static str {
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
pub(super) fn parse_named<T: Copy>(
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
