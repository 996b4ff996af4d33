//! The crate's error type.

use std::fmt;

/// What can go wrong when using networks, training, or loading data. Every variant's message
/// names what was expected and what was found.
///
/// ```
/// let e = tapegrad::Error::InputSize { expected: 2, got: 3 };
/// assert_eq!(e.to_string(), "expected 2 inputs, got 3");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A network, layer or neuron was given the wrong number of inputs.
    InputSize {
        /// How many inputs it takes.
        expected: usize,
        /// How many it was given.
        got: usize,
    },
    /// A parameter or gradient slice has the wrong length for the model.
    ParameterCount {
        /// How many the model has.
        expected: usize,
        /// How many were given.
        got: usize,
    },
    /// A network or layer was asked to have no layers or no neurons or no inputs.
    EmptyNetwork(String),
    /// Training produced a NaN or infinite loss or gradient, or an update that would make a
    /// parameter or an optimizer's state NaN or infinite; parameters were left untouched.
    NonFinite {
        /// The training step (or epoch) at which it happened.
        step: usize,
        /// The offending value: the loss, the first non-finite gradient, or the value an
        /// update would have produced (the hint says which).
        loss: f64,
        /// The likely cause and what to try.
        hint: String,
    },
    /// A network was given a NaN or infinite input; nothing was recorded. (An infinite input
    /// can saturate a unit and give a finite loss whose gradients are silently wrong, so it is
    /// refused, not passed on.)
    NonFiniteInput {
        /// The position of the offending input among the network's inputs.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A NaN or infinite number was offered as a model parameter; the model was left unchanged.
    NonFiniteParameter {
        /// The parameter's position in parameter order.
        index: usize,
        /// The parameter's name (`layer0.neuron1.w0`).
        name: String,
        /// The offending value.
        value: f64,
    },
    /// A state dict did not name exactly a model's parameters
    /// ([`Module::load_named_parameters`](crate::nn::Module::load_named_parameters)); the
    /// model was left unchanged.
    ParameterNames {
        /// The model's parameters the state dict does not name, in parameter order.
        missing: Vec<String>,
        /// The names in the state dict the model does not have, in the state dict's order.
        unexpected: Vec<String>,
    },
    /// A line of a CSV file could not be read.
    Csv {
        /// The 1-based line number.
        line: usize,
        /// What was wrong with it.
        message: String,
    },
    /// Reading or writing a file failed. The crate's file functions name the path in the
    /// message; one converted from a plain [`std::io::Error`] by `?` has only its text.
    Io(String),
    /// A saved model could not be loaded from its bytes: they are in neither format, cut
    /// short, corrupted, of a newer format version, or describe no valid network
    /// ([`save`](crate::save) lists the cases). The message says which, after the path when
    /// there is one.
    ModelFile(String),
    /// A saved model was loaded into a model of another architecture (sizes or activations);
    /// the model was left unchanged.
    ArchitectureMismatch {
        /// The model's architecture, as `2 → 4 tanh → 1 linear`.
        model: String,
        /// The saved model's, written the same way.
        saved: String,
    },
    /// Any other invalid argument, with a message naming what was expected.
    InvalidArgument(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InputSize { expected, got } => {
                write!(f, "expected {expected} inputs, got {got}")
            }
            Error::ParameterCount { expected, got } => {
                write!(f, "expected {expected} parameters, got {got}")
            }
            Error::EmptyNetwork(what) => write!(f, "empty network: {what}"),
            Error::NonFinite { step, loss, hint } => {
                write!(f, "non-finite value {loss} at step {step}: {hint}")
            }
            Error::NonFiniteInput { index, value } => write!(
                f,
                "input {index} is {value}: a network takes finite numbers only; look for NaN \
                 or infinite values in the data (a failed parse, a division by zero, ln of 0)"
            ),
            Error::NonFiniteParameter { index, name, value } => write!(
                f,
                "parameter {index} ({name}) would be {value}: a model holds finite numbers \
                 only; the model was left unchanged"
            ),
            Error::ParameterNames {
                missing,
                unexpected,
            } => {
                f.write_str("parameter names do not match the model: ")?;
                if !missing.is_empty() {
                    write!(f, "missing {}; ", missing.join(", "))?;
                }
                if !unexpected.is_empty() {
                    write!(f, "unexpected {}; ", unexpected.join(", "))?;
                }
                f.write_str("the model was left unchanged")
            }
            Error::Csv { line, message } => write!(f, "CSV line {line}: {message}"),
            Error::Io(msg) => write!(f, "I/O error: {msg}"),
            Error::ModelFile(msg) => write!(f, "cannot load model: {msg}"),
            Error::ArchitectureMismatch { model, saved } => write!(
                f,
                "architecture mismatch: the model is {model}, the saved one is {saved}"
            ),
            Error::InvalidArgument(msg) => write!(f, "invalid argument: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

/// An empty `Vec` with room for `n` items, or [`Error::InvalidArgument`] saying that `what()`
/// does not fit in memory, where `Vec::with_capacity` would abort the process.
pub(crate) fn vec_with_capacity<T>(
    n: usize,
    what: impl FnOnce() -> String,
) -> Result<Vec<T>, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|e| Error::InvalidArgument(format!("{} do not fit in memory ({e})", what())))?;
    Ok(v)
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}
