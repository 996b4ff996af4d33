//! How often a classifier is right: [`accuracy`], and [`accuracy_with`] for a model that sees
//! each point through features of its own.

use super::Forward;
use crate::Error;
use crate::datasets::Point;

/// The share of `points` a model puts on the right side of 0: a point counts as right when
/// the model's first output is above 0 exactly when its label is 1. NaN for no points.
///
/// The threshold is 0, so the first output must be a score that is positive for the class +1
/// and negative for −1: a linear output (a logit, or a score trained with
/// [`hinge`](crate::loss::hinge)) or a tanh, with the Playground's labels ±1. A sigmoid's
/// probability is always above 0, so it is no such score: measure its logit instead. Labels
/// must be exactly 1 or −1; 0/1 labels are refused rather than read by sign, because 0 is not
/// above 0 but a 0/1 model's threshold may be 0.5 (map them with `2y − 1`).
///
/// Any model: a [`Neuron`](super::Neuron), a [`Layer`](super::Layer), an
/// [`Mlp`](super::Mlp) or your own, reading a point's [`inputs`](Point::inputs). A model that
/// reads other inputs (x², sin x, …) is measured by [`accuracy_with`].
///
/// # Errors
/// [`Error::InputSize`] if the model does not take 2 inputs; [`Error::NonFiniteInput`] if a
/// point's coordinates are NaN or infinite; [`Error::InvalidArgument`], naming the point, if
/// its label is not 1 or −1, if the model gives no output for it, or if the first output is
/// NaN or infinite (a NaN is on neither side of 0).
///
/// ```
/// use tapegrad::datasets::Point;
/// use tapegrad::nn::{Activation::Tanh, Layer, Mlp, Neuron, accuracy};
///
/// let neuron = Neuron::from_parts(vec![1.0, 0.0], 0.0, Tanh); // the sign of x
/// let points = [Point::new(-1.0, 0.0, -1.0), Point::new(1.0, 0.0, 1.0), Point::new(2.0, 0.0, -1.0)];
/// assert_eq!(accuracy(&neuron, &points)?, 2.0 / 3.0);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])?;
/// assert_eq!(accuracy(&model, &points)?, 2.0 / 3.0);
/// assert!(accuracy(&model, &[])?.is_nan());
/// assert_eq!(
///     accuracy(&model, &[Point::new(0.0, f64::INFINITY, 1.0)]).unwrap_err(),
///     tapegrad::Error::NonFiniteInput { index: 1, value: f64::INFINITY }
/// );
/// assert_eq!(
///     accuracy(&model, &[Point::new(1.0, 0.0, 1.0), Point::new(2.0, 0.0, 0.0)])
///         .unwrap_err()
///         .to_string(),
///     "invalid argument: accuracy: point 1 at (2.0, 0.0) has label 0; accuracy takes labels \
///      1 and -1, read against the sign of the model's first output (map 0/1 labels with 2y - 1)"
/// );
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub fn accuracy<M: Forward + ?Sized>(model: &M, points: &[Point]) -> Result<f64, Error> {
    accuracy_with(model, points, Point::inputs)
}

/// [`accuracy`] for a model that sees each point through `inputs`: the features it was
/// trained on, computed from the point's (x, y), as the Playground's x², y² or sin x. Right
/// and wrong are read as in [`accuracy`]: the first output's sign against the label, 1 or −1.
///
/// # Errors
/// [`Error::InputSize`] if the model does not take as many inputs as `inputs` gives;
/// [`Error::NonFiniteInput`] if one of them is NaN or infinite; [`Error::InvalidArgument`],
/// naming the point, if its label is not 1 or −1, if the model gives no output for it, or if
/// the first output is NaN or infinite.
///
/// ```
/// use tapegrad::datasets::Point;
/// use tapegrad::nn::{Activation::Linear, Neuron, accuracy_with};
///
/// // Inside the unit circle (+1) or outside it (-1): 1 − x² − y², a line in x² and y².
/// let neuron = Neuron::from_parts(vec![-1.0, -1.0], 1.0, Linear);
/// let points = [Point::new(0.5, 0.0, 1.0), Point::new(0.0, -2.0, -1.0), Point::new(1.5, 1.0, 1.0)];
/// let squares = |p: &Point| [p.x * p.x, p.y * p.y];
/// assert_eq!(accuracy_with(&neuron, &points, squares)?, 2.0 / 3.0);
/// assert_eq!(
///     accuracy_with(&neuron, &points, |p: &Point| vec![p.x]).unwrap_err(),
///     tapegrad::Error::InputSize { expected: 2, got: 1 }
/// );
/// // x² and y² are 1e308 at x = y = 1e154; −x² − y² overflows to -inf, no score to trust.
/// let far = [Point::new(1e154, 1e154, -1.0)];
/// assert_eq!(
///     accuracy_with(&neuron, &far, squares).unwrap_err().to_string(),
///     "invalid argument: accuracy: point 0 at (1e154, 1e154) gives the output -inf; accuracy \
///      reads the sign of a finite first output (look for an overflow in the model or its \
///      inputs)"
/// );
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub fn accuracy_with<M, X, F>(model: &M, points: &[Point], inputs: F) -> Result<f64, Error>
where
    M: Forward + ?Sized,
    X: AsRef<[f64]>,
    F: Fn(&Point) -> X,
{
    let mut right = 0;
    for (i, p) in points.iter().enumerate() {
        let at = || format!("accuracy: point {i} at ({:?}, {:?})", p.x, p.y);
        if p.label != 1.0 && p.label != -1.0 {
            return Err(Error::InvalidArgument(format!(
                "{} has label {}; accuracy takes labels 1 and -1, read against the sign of the \
                 model's first output (map 0/1 labels with 2y - 1)",
                at(),
                p.label
            )));
        }
        let out = match model.predict(inputs(p).as_ref())?.first() {
            Some(&out) if out.is_finite() => out,
            Some(&out) => {
                return Err(Error::InvalidArgument(format!(
                    "{} gives the output {out}; accuracy reads the sign of a finite first \
                     output (look for an overflow in the model or its inputs)",
                    at()
                )));
            }
            None => {
                return Err(Error::InvalidArgument(format!(
                    "{} gives no output; accuracy reads the model's first output",
                    at()
                )));
            }
        };
        right += usize::from((out > 0.0) == (p.label > 0.0));
    }
    Ok(right as f64 / points.len() as f64)
}
