//! How often a classifier is right: [`accuracy`].

use super::Forward;
use crate::Error;
use crate::datasets::Point;

/// The share of `points` a model puts on the right side of 0: a point counts as right when
/// the model's first output is above 0 exactly when its label is (the Playground's ±1
/// labels, read by sign). NaN for no points. Any model: a [`Neuron`](super::Neuron), a
/// [`Layer`](super::Layer), an [`Mlp`](super::Mlp) or your own, reading a point's
/// [`inputs`](Point::inputs).
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
    let mut right = 0;
    for p in points {
        let out = model.predict(&p.inputs())?[0];
        right += usize::from((out > 0.0) == (p.label > 0.0));
    }
    Ok(right as f64 / points.len() as f64)
}
