//! Second derivatives of a function of values, in the style of
//! [`check_gradients`](crate::check_gradients): its Hessian ([`hessian`]), and the Hessian
//! times a vector ([`hvp`]), both by backward recorded on the tape
//! ([`Value::backward_on_tape`]).

use crate::error::Error;
use crate::{Gradients, Tape, Value, dot};

/// The Hessian of `f` at `point`: row `i` is ∂/∂xᵢ of the gradient, so `h[i][j]` is
/// ∂²f/∂xᵢ∂xⱼ. Exact to rounding (no finite differences): the gradient is recorded on the
/// tape ([`Value::backward_on_tape`]), then one backward per input differentiates it again.
/// For n inputs that is n + 1 sweeps; for one direction only, [`hvp`] takes one.
///
/// `f` receives one recorded [`Value`] per input and returns the scalar to differentiate,
/// as with [`check_gradients`](crate::check_gradients). Where `f` is not twice
/// differentiable, the engine's conventions give the number (relu'' = abs'' = 0).
///
/// # Errors
/// [`Error::FirstOrderOnly`] if `f` records a node with plain-number local derivatives
/// ([`Value::custom`], [`Tape::custom`]) between the inputs and its result.
///
/// ```
/// // f(x, y) = x²y + y³: ∂²f/∂x² = 2y, ∂²f/∂x∂y = 2x, ∂²f/∂y² = 6y.
/// let h = tapegrad::hessian(|v| v[0] * v[0] * v[1] + v[1].powi(3), &[3.0, 2.0])?;
/// assert_eq!(h, vec![vec![4.0, 6.0], vec![6.0, 12.0]]);
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub fn hessian<F>(f: F, point: &[f64]) -> Result<Vec<Vec<f64>>, Error>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    let tape = Tape::new();
    let xs = tape.vars(point);
    let gradient = f(&xs).backward_on_tape(&xs)?;
    let mut h = vec![vec![0.0; point.len()]; point.len()];
    let mut second = Gradients::new();
    for (j, g) in gradient.into_iter().enumerate() {
        // Column j: the derivatives of ∂f/∂xⱼ.
        tape.backward_into(g, &mut second);
        for (row, &x) in h.iter_mut().zip(&xs) {
            row[j] = second.wrt(x);
        }
    }
    Ok(h)
}

/// The Hessian of `f` at `point` times `direction`: `Σⱼ ∂²f/∂xᵢ∂xⱼ · direction[j]` for each
/// `i`, the curvature of `f` along `direction` (`direction · hvp` is the second derivative of
/// `f` along it, for a unit direction). Computed without forming the Hessian: the gradient is
/// recorded on the tape ([`Value::backward_on_tape`]), and one backward of
/// `gradient · direction` gives the product, so it costs a few gradients whatever the number
/// of inputs.
///
/// # Errors
/// [`Error::InvalidArgument`] if `direction` and `point` differ in length;
/// [`Error::FirstOrderOnly`] as [`hessian`].
///
/// ```
/// // f(x, y) = x²y: the Hessian at (3, 2) is [[4, 6], [6, 0]].
/// let hv = tapegrad::hvp(|v| v[0] * v[0] * v[1], &[3.0, 2.0], &[1.0, -1.0])?;
/// assert_eq!(hv, vec![4.0 - 6.0, 6.0]);
/// assert!(tapegrad::hvp(|v| v[0], &[1.0], &[1.0, 2.0]).is_err());
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub fn hvp<F>(f: F, point: &[f64], direction: &[f64]) -> Result<Vec<f64>, Error>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    if direction.len() != point.len() {
        return Err(Error::InvalidArgument(format!(
            "hvp: the direction has {} entries but the point has {}; give one per input",
            direction.len(),
            point.len()
        )));
    }
    let tape = Tape::new();
    let xs = tape.vars(point);
    let gradient = f(&xs).backward_on_tape(&xs)?;
    let direction: Vec<Value<'_>> = direction.iter().map(|&d| Value::constant(d)).collect();
    let along = dot(&gradient, &direction);
    Ok(along.backward().wrt_all(&xs))
}
