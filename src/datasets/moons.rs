//! micrograd's demo set: scikit-learn's two moons.

use std::f64::consts::PI;

use rand::Rng;
use rand::seq::SliceRandom;

use super::{Point, check_args, finite, normal};
use crate::Error;

/// `count` evenly spaced numbers from 0 to π inclusive, like `numpy.linspace(0, π, count)`.
fn linspace_pi(count: usize) -> impl Iterator<Item = f64> {
    let step = if count > 1 {
        PI / (count - 1) as f64
    } else {
        0.0
    };
    (0..count).map(move |i| {
        if i + 1 == count && count > 1 {
            PI
        } else {
            i as f64 * step
        }
    })
}

/// micrograd's demo set: scikit-learn's `make_moons(n_samples=n, noise=noise)`, with labels ±1
/// as micrograd makes them (`y*2 - 1`). Use `moons(100, 0.1, rng)` for micrograd's demo.
///
/// The outer moon has n/2 (rounded down) points (cos t, sin t), labelled −1; the inner moon has
/// the rest, (1 − cos t, 1 − sin t − 0.5), labelled +1; on each, t runs evenly over [0, π]
/// inclusive. Each coordinate then gets normal noise with standard deviation `noise`, and the
/// points are shuffled.
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
///
/// let points = tapegrad::datasets::moons(100, 0.1, &mut StdRng::seed_from_u64(1337))?;
/// assert_eq!(points.len(), 100);
/// assert_eq!(points.iter().filter(|p| p.label == 1.0).count(), 50);
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `n` is 0 or too large to fit in memory, or `noise` is
/// negative, not finite, or so large that it puts points at infinity.
pub fn moons<R: Rng + ?Sized>(n: usize, noise: f64, rng: &mut R) -> Result<Vec<Point>, Error> {
    let mut points = check_args("moons", n, noise)?;
    let n_out = n / 2;
    let n_in = n - n_out;
    let outer = linspace_pi(n_out).map(|t| Point::new(t.cos(), t.sin(), -1.0));
    let inner = linspace_pi(n_in).map(|t| Point::new(1.0 - t.cos(), 1.0 - t.sin() - 0.5, 1.0));
    points.extend(outer.chain(inner));
    points.shuffle(rng);
    for p in &mut points {
        p.x += normal(rng, 0.0, noise);
        p.y += normal(rng, 0.0, noise);
    }
    finite("moons", noise, points)
}
