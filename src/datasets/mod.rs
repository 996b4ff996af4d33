//! Datasets: the TensorFlow Playground's four two-class sets and two regression sets,
//! micrograd's moons, the six points, odd/even numbers, and two-class CSV files.
//!
//! Every set is plain data: a `Vec` of [`Point`]s (or of `(input, label)` pairs for the odd/even
//! story), generated in-process from an RNG you pass in, so a seed fixes the data.
//!
//! - [`circle`], [`xor`], [`gauss`] and [`spiral`] are generated the way the
//!   [TensorFlow Playground](https://playground.tensorflow.org)'s `dataset.ts` does, with labels
//!   ±1 and points in about [−6, 6]². [`playground`] reproduces its whole setup: generate, shuffle,
//!   split 50/50 into train and test.
//! - [`plane`] and [`multi_gauss`] are the Playground's two **regression** sets: points on
//!   [−6, 6)², the label the target value (within about [−1, 1]), not a class.
//!   [`Playground::is_regression`] tells the six sets apart.
//! - [`moons`] is scikit-learn's `make_moons`, micrograd's demo set (labels ±1).
//! - [`six_points`] and [`odd_even`] are the small sets of the seed stories (labels 0 and 1).
//! - [`from_csv_str`] and [`load_csv`] read your own `x,y,label` file, and [`CsvColumns`]
//!   picks three columns of a wider one by name; [`split_shuffled`] splits it with a seed.
//!
//! Noise is a fraction everywhere, never a percentage: the Playground's slider divided by 100.
//!
//! ```
//! use rand::{SeedableRng, rngs::StdRng};
//! use tapegrad::datasets::{self, Playground};
//!
//! let mut rng = StdRng::seed_from_u64(7);
//! let split = datasets::playground(Playground::Circle, 500, 0.0, &mut rng)?;
//! assert_eq!((split.train.len(), split.test.len()), (250, 250));
//! // At noise 0 the label is exactly "inside radius 2.5".
//! for p in split.train.iter().chain(&split.test) {
//!     let inside = p.x.hypot(p.y) < 2.5;
//!     assert_eq!(p.label, if inside { 1.0 } else { -1.0 });
//! }
//! # Ok::<(), tapegrad::Error>(())
//! ```

mod csv;
mod moons;
mod playground;
mod seeds;

pub use csv::{CsvColumns, from_csv_str, load_csv};
pub use moons::moons;
pub use playground::{
    PLAYGROUND_MAX_NOISE, PLAYGROUND_REGRESSION_SAMPLES, PLAYGROUND_SAMPLES,
    PLAYGROUND_TRAIN_FRACTION, Playground, circle, gauss, multi_gauss, plane, playground, spiral,
    xor,
};
pub use seeds::{odd_even, odd_even_bits, odd_even_range, six_points, to_bits};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, RngExt, SeedableRng};

use crate::Error;
use crate::error::vec_with_capacity;

/// One labelled 2D example: the inputs `x`, `y` and the target `label`.
///
/// The generators label the two classes +1 and −1, except [`six_points`] (0 and 1) and the
/// regression sets [`plane`] and [`multi_gauss`], whose label is the target value; a CSV file
/// keeps the labels it was written with (see [`from_csv_str`]).
///
/// ```
/// use tapegrad::datasets::Point;
///
/// let p = Point::new(1.5, -2.0, 1.0);
/// assert_eq!(p.inputs(), [1.5, -2.0]);
/// assert_eq!(p, Point { x: 1.5, y: -2.0, label: 1.0 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The first input.
    pub x: f64,
    /// The second input.
    pub y: f64,
    /// The target: a class, or a value for a regression set.
    pub label: f64,
}

impl Point {
    /// A point at (`x`, `y`) with the given label.
    ///
    /// ```
    /// let p = tapegrad::datasets::Point::new(3.0, 4.0, -1.0);
    /// assert_eq!(p.x.hypot(p.y), 5.0);
    /// ```
    pub const fn new(x: f64, y: f64, label: f64) -> Self {
        Point { x, y, label }
    }

    /// The inputs as an array, `[x, y]`, ready to feed a two-input network.
    ///
    /// ```
    /// let p = tapegrad::datasets::Point::new(3.0, 4.0, -1.0);
    /// assert_eq!(p.inputs(), [3.0, 4.0]);
    /// ```
    pub const fn inputs(&self) -> [f64; 2] {
        [self.x, self.y]
    }
}

/// A train/test split of a dataset.
///
/// ```
/// use tapegrad::datasets::{split, Split};
///
/// let s: Split<u32> = split(vec![1, 2, 3, 4], 0.75)?;
/// assert_eq!(s, Split { train: vec![1, 2, 3], test: vec![4] });
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Split<T = Point> {
    /// The examples to train on.
    pub train: Vec<T>,
    /// The held-out examples to measure generalisation on.
    pub test: Vec<T>,
}

/// Splits `items` in order: the first ⌊len · `train_fraction`⌋ go to `train`, the rest to `test`
/// (as the Playground does, after shuffling; if the order means anything, use
/// [`split_shuffled`], which shuffles with a seed and refuses one-class sides). Nothing is lost or
/// duplicated. A product within a few units in the last place of a whole number counts as
/// that number, so `0.29` of 100 items (28.999999999999996 in `f64`) gives 29; any other is
/// rounded down, so `0.3333333333` of 3 items gives 0.
///
/// ```
/// let s = tapegrad::datasets::split((0..10).collect(), 0.3)?;
/// assert_eq!(s.train, [0, 1, 2]);
/// assert_eq!(s.test, [3, 4, 5, 6, 7, 8, 9]);
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `train_fraction` is not in [0, 1] (NaN included).
pub fn split<T>(mut items: Vec<T>, train_fraction: f64) -> Result<Split<T>, Error> {
    if !(0.0..=1.0).contains(&train_fraction) {
        return Err(Error::InvalidArgument(format!(
            "train_fraction must be between 0 and 1, got {train_fraction}"
        )));
    }
    let len = items.len();
    let product = len as f64 * train_fraction;
    let whole = product.round();
    let cut = if whole - product <= 4.0 * f64::EPSILON * whole {
        whole
    } else {
        product.floor()
    };
    // The float-to-int cast saturates; min(len) keeps a fraction of 1 from overshooting.
    let cut = (cut as usize).min(len);
    let test = items.split_off(cut);
    Ok(Split { train: items, test })
}

/// Shuffles `points` with a seeded RNG, then splits them as [`split`] does, checking that the
/// split is fit for a two-class problem: every side that is not empty holds both classes.
///
/// Use it for data whose order means something, like a CSV file sorted by class, where
/// [`split`]'s cut in order would train on one class and test on the other. The seed fixes
/// the shuffle, so a split is repeatable; a refused split may succeed with another seed, or
/// with more points.
///
/// ```
/// use tapegrad::datasets::{split_shuffled, Point};
///
/// // Sorted by class: split() would train on class 0 alone.
/// let sorted: Vec<Point> = (0..20)
///     .map(|i| Point::new(i as f64, 0.0, if i < 10 { 0.0 } else { 1.0 }))
///     .collect();
/// let s = split_shuffled(sorted.clone(), 0.5, 7)?;
/// assert_eq!((s.train.len(), s.test.len()), (10, 10));
/// assert!(s.train.iter().any(|p| p.label == 0.0) && s.train.iter().any(|p| p.label == 1.0));
/// assert_eq!(split_shuffled(sorted.clone(), 0.5, 7)?, s); // the same seed, the same split
///
/// let err = split_shuffled(sorted[..10].to_vec(), 0.5, 7).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid argument: split_shuffled: the data holds only class 0 (10 points); \
///      a two-class split needs both"
/// );
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `train_fraction` is not in [0, 1], if the data holds one
/// class only, or if the training set or the test set would hold one class only (the message
/// names the side, the class and the number of points).
pub fn split_shuffled(
    mut points: Vec<Point>,
    train_fraction: f64,
    seed: u64,
) -> Result<Split, Error> {
    if let Some(class) = one_class(&points) {
        return Err(Error::InvalidArgument(format!(
            "split_shuffled: the data holds only class {class} ({}); a two-class split \
             needs both",
            how_many(points.len())
        )));
    }
    points.shuffle(&mut StdRng::seed_from_u64(seed));
    let split = split(points, train_fraction)?;
    for (side, part) in [("training set", &split.train), ("test set", &split.test)] {
        if let Some(class) = one_class(part) {
            return Err(Error::InvalidArgument(format!(
                "split_shuffled: the {side} would hold only class {class} ({}) with \
                 train_fraction {train_fraction} and seed {seed}; use more points, another \
                 fraction or another seed",
                how_many(part.len())
            )));
        }
    }
    Ok(split)
}

/// "1 point", "2 points".
fn how_many(n: usize) -> String {
    if n == 1 {
        "1 point".into()
    } else {
        format!("{n} points")
    }
}

/// The one label all of `points` share, if they are not empty and share one.
fn one_class(points: &[Point]) -> Option<f64> {
    let first = points.first()?.label;
    points.iter().all(|p| p.label == first).then_some(first)
}

// ---- what every generator shares --------------------------------------------------------

/// Checks a generator's arguments; returns an empty `Vec` with room for the `n` points.
fn check_args(what: &str, n: usize, noise: f64) -> Result<Vec<Point>, Error> {
    if n == 0 {
        return Err(Error::InvalidArgument(format!(
            "{what}: n must be at least 1, got 0"
        )));
    }
    if !noise.is_finite() || noise < 0.0 {
        return Err(Error::InvalidArgument(format!(
            "{what}: noise must be finite and at least 0, got {noise} \
             (the Playground's noise slider 0-50% is 0.0-0.5)"
        )));
    }
    vec_with_capacity(n, || format!("{what}: {n} points"))
}

/// `points`, unless a noise so large that it is still finite put some of them, or of their
/// labels (the regression sets' targets), at infinity or NaN.
fn finite(what: &str, noise: f64, points: Vec<Point>) -> Result<Vec<Point>, Error> {
    let moved = if points.iter().any(|p| !(p.x.is_finite() && p.y.is_finite())) {
        "points"
    } else if points.iter().any(|p| !p.label.is_finite()) {
        "labels"
    } else {
        return Ok(points);
    };
    Err(Error::InvalidArgument(format!(
        "{what}: noise {noise:e} is too large: it put {moved} at infinity \
         (the Playground's noise slider 0-50% is 0.0-0.5)"
    )))
}

/// Uniform on [a, b), drawn as the Playground's `randUniform` does.
fn uniform<R: Rng + ?Sized>(rng: &mut R, a: f64, b: f64) -> f64 {
    a + (b - a) * rng.random::<f64>()
}

/// One normal sample with the given mean and standard deviation, by Marsaglia's polar method
/// as the Playground's `normalRandom` does (it keeps one of the pair, and takes the variance:
/// callers pass its square root, so that a noise of 1e160 is not squared to infinity). `s = 0`
/// is also rejected, where the formula would divide by zero.
fn normal<R: Rng + ?Sized>(rng: &mut R, mean: f64, std_dev: f64) -> f64 {
    loop {
        let v1 = 2.0 * rng.random::<f64>() - 1.0;
        let v2 = 2.0 * rng.random::<f64>() - 1.0;
        let s = v1 * v1 + v2 * v2;
        if s > 0.0 && s <= 1.0 {
            return mean + std_dev * (-2.0 * s.ln() / s).sqrt() * v1;
        }
    }
}
