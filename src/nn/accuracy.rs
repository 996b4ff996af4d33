//! How often a classifier is right: [`accuracy`], and [`accuracy_with`] for a model that sees
//! each point through features of its own.

use super::Forward;
use crate::Error;
use crate::datasets::Point;

/// The share of `points` a model puts on the right side of 0: a point counts as right when
/// the model's first output is above 0 exactly when its label is (the Playground's ±1
/// labels, read by sign). NaN for no points. Any model: a [`Neuron`](super::Neuron), a
/// [`Layer`](super::Layer), an [`Mlp`](super::Mlp) or your own, reading a point's
/// [`inputs`](Point::inputs). A model that reads other inputs (x², sin x, …) is measured by
/// [`accuracy_with`].
///
/// # Errors
/// [`Error::InputSize`] if the model does not take 2 inputs; [`Error::NonFiniteInput`] if a
/// point's coordinates are NaN or infinite.
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
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub fn accuracy<M: Forward + ?Sized>(model: &M, points: &[Point]) -> Result<f64, Error> {
    accuracy_with(model, points, Point::inputs)
}

/// [`accuracy`] for a model that sees each point through `inputs`: the features it was
/// trained on, computed from the point's (x, y), as the Playground's x², y² or sin x. Right
/// and wrong are read as in [`accuracy`]: the first output's sign against the label's.
///
/// # Errors
/// [`Error::InputSize`] if the model does not take as many inputs as `inputs` gives;
/// [`Error::NonFiniteInput`] if one of them is NaN or infinite.
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
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub fn accuracy_with<M, X, F>(model: &M, points: &[Point], inputs: F) -> Result<f64, Error>
where
    M: Forward + ?Sized,
    X: AsRef<[f64]>,
    F: Fn(&Point) -> X,
{
    let mut right = 0;
    for p in points {
        let out = model.predict(inputs(p).as_ref())?[0];
        right += usize::from((out > 0.0) == (p.label > 0.0));
    }
    Ok(right as f64 / points.len() as f64)
}
