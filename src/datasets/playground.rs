//! Datasets: the TensorFlow Playground's four two-class sets, micrograd's moons, the six
//! points, odd/even numbers, and two-class CSV files.
//!
//! Every set is plain data: a `Vec` of [`Point`]s (or of `(input, label)` pairs for the odd/even
//! story), generated in-process from an RNG you pass in, so a seed fixes the data.
//!
//! - [`circle`], [`xor`], [`gauss`] and [`spiral`] are generated the way the
//!   [TensorFlow Playground](https://playground.tensorflow.org)'s `dataset.ts` does, with labels
//!   ±1 and points in about [−6, 6]². [`playground`] reproduces its whole setup: generate, shuffle,
//!   split 50/50 into train and test.
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

use std::f64::consts::PI;
use std::fmt;
use std::ops::RangeInclusive;
use std::path::Path;
use std::str::FromStr;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, RngExt, SeedableRng};

use crate::Error;
use crate::error::vec_with_capacity;

/// One labelled 2D example: the inputs `x`, `y` and the target `label`.
///
/// The generators label the two classes +1 and −1, except [`six_points`] (0 and 1); a CSV file
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
    /// The target class.
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

/// How many points the Playground generates for a classification set.
///
/// ```
/// assert_eq!(tapegrad::datasets::PLAYGROUND_SAMPLES, 500);
/// ```
pub const PLAYGROUND_SAMPLES: usize = 500;

/// The Playground's default share of the points used for training (its "ratio of training to
/// test data" slider at 50%).
///
/// ```
/// assert_eq!(tapegrad::datasets::PLAYGROUND_TRAIN_FRACTION, 0.5);
/// ```
pub const PLAYGROUND_TRAIN_FRACTION: f64 = 0.5;

/// The largest noise the Playground's slider offers, 50%, as the fraction every noise argument
/// in this module is: [`playground`] refuses more.
///
/// ```
/// assert_eq!(tapegrad::datasets::PLAYGROUND_MAX_NOISE, 0.5);
/// ```
pub const PLAYGROUND_MAX_NOISE: f64 = 0.5;

/// The TensorFlow Playground's four classification sets.
///
/// Parses from the names used on the command line of the examples (case-insensitive):
/// `circle`, `xor`, `gauss` (or `gaussian`), `spiral`.
///
/// ```
/// use tapegrad::datasets::Playground;
///
/// let kind: Playground = "Spiral".parse()?;
/// assert_eq!(kind, Playground::Spiral);
/// assert_eq!(kind.to_string(), "spiral");
/// assert!("moons".parse::<Playground>().is_err());
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Playground {
    /// A disc of +1 points (radius < 2.5) inside a ring of −1 points (radius 3.5 to 5): [`circle`].
    Circle,
    /// Four quadrants labelled by the sign of x·y: [`xor`].
    Xor,
    /// Two Gaussian blobs around (2, 2) and (−2, −2): [`gauss`].
    Gauss,
    /// Two interleaved spiral arms: [`spiral`].
    Spiral,
}

impl Playground {
    /// All four, in the Playground's order.
    ///
    /// ```
    /// use tapegrad::datasets::Playground;
    ///
    /// let names: Vec<String> = Playground::ALL.iter().map(|k| k.to_string()).collect();
    /// assert_eq!(names, ["circle", "xor", "gauss", "spiral"]);
    /// ```
    pub const ALL: [Playground; 4] = [
        Playground::Circle,
        Playground::Xor,
        Playground::Gauss,
        Playground::Spiral,
    ];

    /// The lowercase name, as accepted by [`FromStr`].
    ///
    /// ```
    /// assert_eq!(tapegrad::datasets::Playground::Gauss.name(), "gauss");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Playground::Circle => "circle",
            Playground::Xor => "xor",
            Playground::Gauss => "gauss",
            Playground::Spiral => "spiral",
        }
    }

    /// Generates `n` points of this set with the given noise: the same as calling [`circle`],
    /// [`xor`], [`gauss`] or [`spiral`]. The points come in generation order, unshuffled.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::datasets::Playground;
    ///
    /// let points = Playground::Xor.generate(100, 0.1, &mut StdRng::seed_from_u64(1))?;
    /// assert_eq!(points.len(), 100);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `n` is 0 or too large to fit in memory, or `noise` is
    /// negative, not finite, or so large that it puts points at infinity.
    pub fn generate<R: Rng + ?Sized>(
        self,
        n: usize,
        noise: f64,
        rng: &mut R,
    ) -> Result<Vec<Point>, Error> {
        match self {
            Playground::Circle => circle(n, noise, rng),
            Playground::Xor => xor(n, noise, rng),
            Playground::Gauss => gauss(n, noise, rng),
            Playground::Spiral => spiral(n, noise, rng),
        }
    }
}

impl fmt::Display for Playground {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Playground {
    type Err = Error;

    /// Parses `circle`, `xor`, `gauss` (or `gaussian`) or `spiral`, ignoring case and
    /// surrounding spaces.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the accepted values.
    ///
    /// ```
    /// use tapegrad::datasets::Playground;
    ///
    /// assert_eq!(" Gaussian ".parse::<Playground>()?, Playground::Gauss);
    /// let err = "moons".parse::<Playground>().unwrap_err();
    /// assert!(err.to_string().contains("circle"));
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "circle" => Ok(Playground::Circle),
            "xor" => Ok(Playground::Xor),
            "gauss" | "gaussian" => Ok(Playground::Gauss),
            "spiral" => Ok(Playground::Spiral),
            _ => Err(Error::InvalidArgument(format!(
                "unknown dataset `{s}`: expected one of circle, xor, gauss, spiral"
            ))),
        }
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

/// The Playground's setup: `n` points of `kind` (use [`PLAYGROUND_SAMPLES`] for its 500) at
/// the given noise, shuffled, then split 50/50 into train and test
/// ([`PLAYGROUND_TRAIN_FRACTION`]).
///
/// Noise, here and in every generator of this module, is a fraction, never a percentage:
/// the Playground's slider divided by 100, so its range 0–50% is `0.0..=0.5`
/// ([`PLAYGROUND_MAX_NOISE`]). The examples' `--noise` flag takes the same number.
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::datasets::{self, Playground, PLAYGROUND_SAMPLES};
///
/// let mut rng = StdRng::seed_from_u64(42);
/// let data = datasets::playground(Playground::Spiral, PLAYGROUND_SAMPLES, 0.1, &mut rng)?;
/// assert_eq!(data.train.len(), 250);
/// assert_eq!(data.test.len(), 250);
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `n` is 0 or too large to fit in memory, or `noise` is
/// negative, not finite, or above the slider's 0.5 (a noise of 25 is most likely 25% meant as
/// 0.25, and the message says so).
///
/// ```
/// use tapegrad::rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::datasets::{self, Playground};
///
/// let err = datasets::playground(Playground::Circle, 500, 25.0, &mut StdRng::seed_from_u64(1));
/// assert_eq!(
///     err.unwrap_err().to_string(),
///     "invalid argument: playground: noise is a fraction from 0 to 0.5 (the Playground's \
///      slider / 100), got 25; for 25% pass 0.25"
/// );
/// ```
pub fn playground<R: Rng + ?Sized>(
    kind: Playground,
    n: usize,
    noise: f64,
    rng: &mut R,
) -> Result<Split, Error> {
    if noise > PLAYGROUND_MAX_NOISE {
        let hint = if noise >= 1.0 {
            format!("; for {noise}% pass {}", noise / 100.0)
        } else {
            String::new()
        };
        return Err(Error::InvalidArgument(format!(
            "playground: noise is a fraction from 0 to {PLAYGROUND_MAX_NOISE} (the \
             Playground's slider / 100), got {noise}{hint}"
        )));
    }
    let mut points = kind.generate(n, noise, rng)?;
    points.shuffle(rng);
    split(points, PLAYGROUND_TRAIN_FRACTION)
}

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

/// `points`, unless a noise so large that it is still finite put some at infinity or NaN.
fn finite(what: &str, noise: f64, points: Vec<Point>) -> Result<Vec<Point>, Error> {
    if points.iter().all(|p| p.x.is_finite() && p.y.is_finite()) {
        Ok(points)
    } else {
        Err(Error::InvalidArgument(format!(
            "{what}: noise {noise:e} is too large: it put points at infinity \
             (the Playground's noise slider 0-50% is 0.0-0.5)"
        )))
    }
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

/// How the two halves of `n` points are shared: the first class gets ⌈n/2⌉, the second ⌊n/2⌋.
fn halves(n: usize) -> (usize, usize) {
    (n - n / 2, n / 2)
}

/// The Playground's "circle": `n` points in a disc of radius 5, labelled +1 inside radius 2.5
/// and −1 outside.
///
/// The first ⌈n/2⌉ points have radius r ~ U(0, 2.5), the other ⌊n/2⌋ have r ~ U(3.5, 5); the
/// angle is U(0, 2π) and the point is (r·sin θ, r·cos θ). Noise moves only the *label*: the
/// label is +1 when the point plus (U(−5, 5)·`noise`, U(−5, 5)·`noise`) lies strictly within
/// 2.5 of the origin, else −1, so at noise 0 every label follows the radius rule and with noise
/// some points near the boundary are mislabelled. Points come in generation order (inner disc
/// first); [`playground`] shuffles them.
///
/// For odd `n` this returns exactly `n` points (the Playground itself would make n + 1).
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
///
/// let points = tapegrad::datasets::circle(100, 0.0, &mut StdRng::seed_from_u64(3))?;
/// assert_eq!(points.len(), 100);
/// assert!(points[..50].iter().all(|p| p.x.hypot(p.y) < 2.5 && p.label == 1.0));
/// assert!(points[50..].iter().all(|p| p.x.hypot(p.y) >= 3.5 && p.label == -1.0));
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `n` is 0 or too large to fit in memory, or `noise` is
/// negative or not finite.
pub fn circle<R: Rng + ?Sized>(n: usize, noise: f64, rng: &mut R) -> Result<Vec<Point>, Error> {
    let mut points = check_args("circle", n, noise)?;
    const RADIUS: f64 = 5.0;
    let (inner, outer) = halves(n);
    let rings = [(inner, 0.0, RADIUS * 0.5), (outer, RADIUS * 0.7, RADIUS)];
    for (count, r_min, r_max) in rings {
        for _ in 0..count {
            let r = uniform(rng, r_min, r_max);
            let angle = uniform(rng, 0.0, 2.0 * PI);
            let (x, y) = (r * angle.sin(), r * angle.cos());
            let noise_x = uniform(rng, -RADIUS, RADIUS) * noise;
            let noise_y = uniform(rng, -RADIUS, RADIUS) * noise;
            let inside = (x + noise_x).hypot(y + noise_y) < RADIUS * 0.5;
            points.push(Point::new(x, y, if inside { 1.0 } else { -1.0 }));
        }
    }
    Ok(points)
}

/// The Playground's "exclusive or": `n` points in the four quadrants, labelled by the sign of
/// x·y.
///
/// x and y are U(−5, 5), each pushed 0.3 away from its axis (x += 0.3 if x > 0, else x −= 0.3),
/// so every point is at least 0.3 from both axes. Noise moves only the *label*: it is +1 when
/// (x + U(−5, 5)·`noise`)·(y + U(−5, 5)·`noise`) ≥ 0, else −1.
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
///
/// let points = tapegrad::datasets::xor(200, 0.0, &mut StdRng::seed_from_u64(5))?;
/// for p in &points {
///     assert!(p.x.abs() >= 0.3 && p.y.abs() >= 0.3);
///     assert_eq!(p.label, if p.x * p.y >= 0.0 { 1.0 } else { -1.0 });
/// }
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `n` is 0 or too large to fit in memory, or `noise` is
/// negative or not finite.
pub fn xor<R: Rng + ?Sized>(n: usize, noise: f64, rng: &mut R) -> Result<Vec<Point>, Error> {
    let mut points = check_args("xor", n, noise)?;
    const PADDING: f64 = 0.3;
    let pad = |v: f64| if v > 0.0 { v + PADDING } else { v - PADDING };
    for _ in 0..n {
        let x = pad(uniform(rng, -5.0, 5.0));
        let y = pad(uniform(rng, -5.0, 5.0));
        let noise_x = uniform(rng, -5.0, 5.0) * noise;
        let noise_y = uniform(rng, -5.0, 5.0) * noise;
        let same_sign = (x + noise_x) * (y + noise_y) >= 0.0;
        points.push(Point::new(x, y, if same_sign { 1.0 } else { -1.0 }));
    }
    Ok(points)
}

/// The Playground's "Gaussian": two normal blobs, ⌈n/2⌉ points around (2, 2) labelled +1, then
/// ⌊n/2⌋ around (−2, −2) labelled −1.
///
/// Each coordinate is normal with *variance* 0.5 + 7·`noise`: the Playground maps noise
/// 0–0.5 linearly onto variance 0.5–4 (larger noise extends the line). Samples come from
/// Marsaglia's polar method, as in the Playground. Noise here moves the points; labels always
/// name the blob a point was drawn from.
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
///
/// let points = tapegrad::datasets::gauss(2000, 0.0, &mut StdRng::seed_from_u64(9))?;
/// let mean_x: f64 = points[..1000].iter().map(|p| p.x).sum::<f64>() / 1000.0;
/// assert!((mean_x - 2.0).abs() < 0.1);
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `n` is 0 or too large to fit in memory, or `noise` is
/// negative, not finite, or so large that it puts points at infinity.
pub fn gauss<R: Rng + ?Sized>(n: usize, noise: f64, rng: &mut R) -> Result<Vec<Point>, Error> {
    let mut points = check_args("gauss", n, noise)?;
    // d3.scale.linear().domain([0, .5]).range([0.5, 4])
    let std_dev = (0.5 + noise * (4.0 - 0.5) / 0.5).sqrt(); // of a variance from 0.5 to 4
    let (positive, negative) = halves(n);
    for (count, centre, label) in [(positive, 2.0, 1.0), (negative, -2.0, -1.0)] {
        for _ in 0..count {
            let x = normal(rng, centre, std_dev);
            let y = normal(rng, centre, std_dev);
            points.push(Point::new(x, y, label));
        }
    }
    finite("gauss", noise, points)
}

/// The Playground's "spiral": two interleaved arms of 1.75 turns each, ⌈n/2⌉ points labelled
/// +1, then ⌊n/2⌋ labelled −1 on the arm turned by π.
///
/// Point i of an arm of m points has radius r = 5·i/m and angle t = 1.75·2π·i/m + δ (δ = 0 for
/// +1, π for −1), and sits at (r·sin t + U(−1, 1)·`noise`, r·cos t + U(−1, 1)·`noise`): noise
/// moves the points, labels follow the arm. For even `n`, m = n/2 as in the Playground; for
/// odd `n` each arm uses its own count (the Playground would make n + 1 points).
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
///
/// let points = tapegrad::datasets::spiral(100, 0.0, &mut StdRng::seed_from_u64(2))?;
/// assert_eq!(points[0], tapegrad::datasets::Point::new(0.0, 0.0, 1.0));
/// assert!(points.iter().all(|p| p.x.hypot(p.y) < 5.0));
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `n` is 0 or too large to fit in memory, or `noise` is
/// negative or not finite.
pub fn spiral<R: Rng + ?Sized>(n: usize, noise: f64, rng: &mut R) -> Result<Vec<Point>, Error> {
    let mut points = check_args("spiral", n, noise)?;
    let (positive, negative) = halves(n);
    for (m, delta_t, label) in [(positive, 0.0, 1.0), (negative, PI, -1.0)] {
        for i in 0..m {
            let frac = i as f64 / m as f64;
            let r = 5.0 * frac;
            let t = 1.75 * frac * 2.0 * PI + delta_t;
            let x = r * t.sin() + uniform(rng, -1.0, 1.0) * noise;
            let y = r * t.cos() + uniform(rng, -1.0, 1.0) * noise;
            points.push(Point::new(x, y, label));
        }
    }
    Ok(points)
}

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

/// The six points of the seed story, labelled **0 and 1** (not ±1): class 0 is (3, 4), (2, 6),
/// (1, 6), up and to the left; class 1 is (1, 1), (2, 1), (3, 1), along the bottom. A single
/// neuron separates them.
///
/// ```
/// let points = tapegrad::datasets::six_points();
/// assert_eq!(points.len(), 6);
/// assert!(points.iter().all(|p| (p.label == 1.0) == (p.y == 1.0)));
/// ```
pub fn six_points() -> Vec<Point> {
    vec![
        Point::new(3.0, 4.0, 0.0),
        Point::new(2.0, 6.0, 0.0),
        Point::new(1.0, 6.0, 0.0),
        Point::new(1.0, 1.0, 1.0),
        Point::new(2.0, 1.0, 1.0),
        Point::new(3.0, 1.0, 1.0),
    ]
}

/// The odd/even story's data: the numbers 1 to 10 as `(input, label)` pairs, labelled 1 for odd
/// and 0 for even. Fed as one raw number, odd/even is hard to learn; see [`odd_even_bits`] for
/// the encoding that makes it easy.
///
/// ```
/// let data = tapegrad::datasets::odd_even();
/// assert_eq!(data[..3], [(1.0, 1.0), (2.0, 0.0), (3.0, 1.0)]);
/// assert_eq!(data.len(), 10);
/// ```
pub fn odd_even() -> Vec<(f64, f64)> {
    odd_even_range(1..=10)
}

/// The numbers of `range` as `(input, label)` pairs, labelled 1 for odd and 0 for even, e.g.
/// `odd_even_range(11..=255)` as a test set for a model trained on [`odd_even`].
///
/// ```
/// let test = tapegrad::datasets::odd_even_range(11..=255);
/// assert_eq!(test.len(), 245);
/// assert_eq!(test[0], (11.0, 1.0));
/// assert_eq!(test[244], (255.0, 1.0));
/// ```
///
/// # Panics
/// If the range reaches past 2^53 (9,007,199,254,740,992): an `f64` holds every whole number
/// only up to there, and 2^53 + 1 would become the even 2^53 with the label of an odd number.
/// Also if its numbers do not fit in memory, with a message saying so (never an abort).
#[track_caller]
pub fn odd_even_range(range: RangeInclusive<u64>) -> Vec<(f64, f64)> {
    const EXACT: u64 = 1 << 53;
    assert!(
        range.is_empty() || *range.end() <= EXACT,
        "odd_even_range: every number must be at most 2^53 = {EXACT} to be exact as an f64 \
         input, got a range ending at {}",
        range.end()
    );
    let count = range.clone().count();
    let mut pairs = vec_with_capacity(count, || format!("{count} numbers"))
        .unwrap_or_else(|e| panic!("odd_even_range: {e}"));
    pairs.extend(range.map(|k| (k as f64, (k % 2) as f64)));
    pairs
}

/// `value` in binary as `bits` inputs of 0.0 or 1.0, **least significant bit first**: element
/// `i` is bit `i` (worth 2^i). So element 0 alone says whether `value` is odd.
///
/// ```
/// // 6 = 0b110: bits 0, 1, 2 are 0, 1, 1.
/// assert_eq!(tapegrad::datasets::to_bits(6, 4)?, [0.0, 1.0, 1.0, 0.0]);
/// assert!(tapegrad::datasets::to_bits(16, 4).is_err()); // needs 5 bits
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `bits` is 0 or more than 64, or `value` needs more than `bits`
/// bits (it is never silently truncated).
pub fn to_bits(value: u64, bits: u32) -> Result<Vec<f64>, Error> {
    if bits == 0 || bits > 64 {
        return Err(Error::InvalidArgument(format!(
            "bits must be between 1 and 64, got {bits}"
        )));
    }
    let needed = u64::BITS - value.leading_zeros();
    if needed > bits {
        return Err(Error::InvalidArgument(format!(
            "{value} needs {needed} bits, but only {bits} were asked for"
        )));
    }
    Ok((0..bits).map(|i| ((value >> i) & 1) as f64).collect())
}

/// The numbers of `range` in binary ([`to_bits`], least significant bit first) with labels 1
/// for odd and 0 for even: the odd/even story's second act, where the answer is one input.
///
/// ```
/// let data = tapegrad::datasets::odd_even_bits(1..=10, 4)?;
/// assert_eq!(data[4], (vec![1.0, 0.0, 1.0, 0.0], 1.0)); // 5 = 0b0101
/// assert!(data.iter().all(|(bits, label)| bits[0] == *label));
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `bits` is 0 or more than 64, or a number of the range needs
/// more than `bits` bits.
pub fn odd_even_bits(range: RangeInclusive<u64>, bits: u32) -> Result<Vec<(Vec<f64>, f64)>, Error> {
    range
        .map(|k| Ok((to_bits(k, bits)?, (k % 2) as f64)))
        .collect()
}

fn csv_error(line: usize, message: impl Into<String>) -> Error {
    Error::Csv {
        line,
        message: message.into(),
    }
}

/// Parses a two-class CSV: a header line, then one `x,y,label` row per point.
///
/// The rules, so nothing is guessed silently:
/// - the first line is a header of three names (any names that are not all numbers; a first
///   line of numbers is reported as a missing header). For a file with more columns, pick
///   three by name with [`CsvColumns`];
/// - every other line has exactly three comma-separated fields; spaces around a field are
///   ignored. A field may be quoted as in RFC 4180 (`"1.5"`, `"a, b"`, `"say ""hi"""`); a
///   quote inside an unquoted field, text after a closing quote and a quote never closed are
///   errors;
/// - x and y are finite numbers (`NaN` and `inf` are refused);
/// - labels are −1 and 1, or 0 and 1: each must be one of −1, 0, 1 (written any way `f64`
///   parses, e.g. `1.0` or `+1`), and a file may not mix −1 with 0. Labels are kept as written;
///   a file may hold just one class ([`split_shuffled`] refuses to split it);
/// - blank lines are allowed only at the end; a blank line between rows is an error, as is a
///   file with no data rows. A UTF-8 byte-order mark and `\r\n` line ends are fine.
///
/// ```
/// use tapegrad::datasets::{from_csv_str, Point};
///
/// let points = from_csv_str("x,y,label\n1.5,2,1\n\"-3\",0.25,-1\n")?;
/// assert_eq!(points, [Point::new(1.5, 2.0, 1.0), Point::new(-3.0, 0.25, -1.0)]);
///
/// let err = from_csv_str("x,y,label\n1,2,1\n3,oops,-1\n").unwrap_err();
/// assert_eq!(err.to_string(), "CSV line 3: cannot parse y `oops` as a number");
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::Csv`] with the 1-based line number and the problem: an empty file, a missing header,
/// a wrong number of fields (expected 3, got N), a field that is not a number (quoted), a
/// non-finite number, a label that is not −1, 0 or 1 or that mixes −1 with 0, a quoting
/// error, a blank line before the last row, or no data rows.
pub fn from_csv_str(text: &str) -> Result<Vec<Point>, Error> {
    let (header, rows) = csv_table(text)?;
    if header.fields.len() != 3 {
        let hint = if header.fields.len() > 3 {
            "; to read three columns of a wider file, name them with CsvColumns"
        } else {
            ""
        };
        return Err(csv_error(
            1,
            format!(
                "header has the wrong number of fields: expected 3 (x,y,label), got {}{hint}",
                header.fields.len()
            ),
        ));
    }
    let roles = ["x", "y", "label"].map(String::from);
    csv_points(rows, [0, 1, 2], roles, 3, " (x,y,label)")
}

/// Reads a two-class CSV file; see [`from_csv_str`] for the format.
///
/// ```
/// let path = std::env::temp_dir().join("tapegrad_load_csv_doctest.csv");
/// std::fs::write(&path, "x,y,label\n0,1,1\n1,0,0\n")?;
/// let points = tapegrad::datasets::load_csv(&path)?;
/// assert_eq!(points.len(), 2);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::Io`] (naming the path) if the file cannot be read or is not UTF-8, and every
/// [`Error::Csv`] of [`from_csv_str`].
pub fn load_csv(path: impl AsRef<Path>) -> Result<Vec<Point>, Error> {
    from_csv_str(&read_text(path.as_ref())?)
}

fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))
}

/// Which columns of a CSV file with a header hold a point's `x`, `y` and `label`, by their
/// names in the header: how to read a file with more than three columns, or with its columns
/// in another order. Other columns are ignored (they need not be numbers).
///
/// The format is [`from_csv_str`]'s except for the columns: header names are compared
/// exactly, after quotes and surrounding spaces are removed; every row has as many fields as
/// the header.
///
/// ```
/// use tapegrad::datasets::{CsvColumns, Point};
///
/// let text = "\
/// id,species,petal length,petal width,note
/// 7,1,1.4,0.2,\"short, wide\"
/// 8,0,4.7,1.4,
/// ";
/// let columns = CsvColumns { x: "petal length", y: "petal width", label: "species" };
/// assert_eq!(
///     columns.parse(text)?,
///     [Point::new(1.4, 0.2, 1.0), Point::new(4.7, 1.4, 0.0)]
/// );
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CsvColumns<'a> {
    /// The header name of the column with the first input.
    pub x: &'a str,
    /// The header name of the column with the second input.
    pub y: &'a str,
    /// The header name of the column with the class label.
    pub label: &'a str,
}

impl CsvColumns<'_> {
    /// Parses CSV text, reading the named columns of every row.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if one column is named for two roles (x, y, label);
    /// [`Error::Csv`] naming the line: a named column missing from the header (the message
    /// lists the header's names) or named twice there, a row with a different number of
    /// fields from the header, and every error of [`from_csv_str`] in the selected columns.
    ///
    /// ```
    /// use tapegrad::datasets::CsvColumns;
    ///
    /// let columns = CsvColumns { x: "a", y: "b", label: "class" };
    /// let err = columns.parse("a,b,kind\n1,2,1\n").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "CSV line 1: no column `class` in the header; its columns are a, b, kind"
    /// );
    /// ```
    pub fn parse(&self, text: &str) -> Result<Vec<Point>, Error> {
        let roles = [("x", self.x), ("y", self.y), ("label", self.label)];
        for (i, (first, name)) in roles.iter().enumerate() {
            if let Some((second, _)) = roles[i + 1..].iter().find(|(_, n)| n == name) {
                return Err(Error::InvalidArgument(format!(
                    "CsvColumns: column `{name}` is named for both {first} and {second}; give \
                     each role its own column"
                )));
            }
        }
        let (header, rows) = csv_table(text)?;
        let column = |name: &str| -> Result<usize, Error> {
            let mut at = header.fields.iter().enumerate().filter(|(_, f)| *f == name);
            match (at.next(), at.next()) {
                (Some((i, _)), None) => Ok(i),
                (Some(_), Some(_)) => Err(csv_error(
                    1,
                    format!("column `{name}` appears more than once in the header"),
                )),
                (None, _) => Err(csv_error(
                    1,
                    format!(
                        "no column `{name}` in the header; its columns are {}",
                        header.fields.join(", ")
                    ),
                )),
            }
        };
        let at = [column(self.x)?, column(self.y)?, column(self.label)?];
        let roles = roles.map(|(role, name)| format!("{role} (column `{name}`)"));
        csv_points(rows, at, roles, header.fields.len(), " (as in the header)")
    }

    /// Reads a CSV file, reading the named columns of every row; see
    /// [`parse`](CsvColumns::parse).
    ///
    /// # Errors
    /// [`Error::Io`] (naming the path) if the file cannot be read or is not UTF-8, and every
    /// error of [`parse`](CsvColumns::parse).
    ///
    /// ```
    /// use tapegrad::datasets::CsvColumns;
    ///
    /// let path = std::env::temp_dir().join("tapegrad_csv_columns_doctest.csv");
    /// std::fs::write(&path, "label,u,v\n1,0.5,2\n-1,1,-2\n")?;
    /// let points = CsvColumns { x: "u", y: "v", label: "label" }.load(&path)?;
    /// assert_eq!(points[1].inputs(), [1.0, -2.0]);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load(&self, path: impl AsRef<Path>) -> Result<Vec<Point>, Error> {
        self.parse(&read_text(path.as_ref())?)
    }
}

/// One record of a CSV text: its fields, unquoted and trimmed, and the line it starts on.
#[derive(Debug)]
struct CsvRecord {
    line: usize,
    fields: Vec<String>,
    /// One unquoted field of nothing but spaces: a blank line.
    blank: bool,
}

/// The header and the data rows of a CSV text, with the checks every reader shares: a
/// non-empty file, a header that is not a row of numbers, at least one row, and blank lines
/// only at the end (they are dropped).
fn csv_table(text: &str) -> Result<(CsvRecord, Vec<CsvRecord>), Error> {
    let mut records = csv_records(text.strip_prefix('\u{feff}').unwrap_or(text))?;
    while records.last().is_some_and(|r| r.blank) {
        records.pop();
    }
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(csv_error(
            1,
            "empty file: expected a header line `x,y,label` and data rows",
        ));
    };
    if header.fields.iter().all(|f| f.parse::<f64>().is_ok()) {
        return Err(csv_error(
            1,
            format!(
                "missing header: expected a line of names like `x,y,label`, found `{}`",
                header.fields.join(",")
            ),
        ));
    }
    let rows: Vec<CsvRecord> = records.collect();
    if rows.is_empty() {
        return Err(csv_error(2, "no data rows after the header"));
    }
    if let Some(blank) = rows.iter().find(|r| r.blank) {
        return Err(csv_error(
            blank.line,
            "blank line between data rows (blank lines are allowed only at the end)",
        ));
    }
    Ok((header, rows))
}

/// Splits CSV text into records, RFC 4180 style: fields separated by commas, records by
/// `\n` or `\r\n`; a field in double quotes may hold commas, line breaks and doubled quotes
/// (`""` for `"`). Spaces around a field are dropped; inside quotes they are kept.
fn csv_records(text: &str) -> Result<Vec<CsvRecord>, Error> {
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut records = Vec::new();
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut quoted_any = false;
        loop {
            while chars.next_if(|&c| c == ' ' || c == '\t').is_some() {}
            let mut field = String::new();
            if chars.next_if_eq(&'"').is_some() {
                quoted_any = true;
                let opened = line;
                loop {
                    match chars.next() {
                        Some('"') if chars.next_if_eq(&'"').is_some() => field.push('"'),
                        Some('"') => break,
                        Some(c) => {
                            line += usize::from(c == '\n');
                            field.push(c);
                        }
                        None => {
                            return Err(csv_error(
                                opened,
                                "a quoted field is never closed (a `\"` is missing)",
                            ));
                        }
                    }
                }
                while chars.next_if(|&c| matches!(c, ' ' | '\t' | '\r')).is_some() {}
                if let Some(&c) = chars.peek().filter(|&&c| c != ',' && c != '\n') {
                    return Err(csv_error(
                        line,
                        format!("unexpected `{c}` after a closing quote (a field ends there)"),
                    ));
                }
            } else {
                while let Some(c) = chars.next_if(|&c| c != ',' && c != '\n') {
                    if c == '"' {
                        return Err(csv_error(
                            line,
                            "a quote inside an unquoted field: quote the whole field and \
                             double the quotes within it (`\"a \"\"b\"\"\"`)",
                        ));
                    }
                    field.push(c);
                }
                field = field.trim().to_string();
            }
            fields.push(field);
            if chars.next_if_eq(&',').is_none() {
                break;
            }
        }
        if chars.next_if_eq(&'\n').is_some() {
            line += 1;
        }
        let blank = !quoted_any && fields.len() == 1 && fields[0].is_empty();
        records.push(CsvRecord {
            line: start,
            fields,
            blank,
        });
    }
    Ok(records)
}

/// The points in `rows`: x, y and label from the fields at `at`, named in messages as
/// `roles`. Every row has `width` fields; `why` follows that number in the message.
fn csv_points(
    rows: Vec<CsvRecord>,
    at: [usize; 3],
    roles: [String; 3],
    width: usize,
    why: &str,
) -> Result<Vec<Point>, Error> {
    // The line that fixed the labelling convention, and which one: Some(true) for -1/1.
    let mut convention: Option<(bool, usize)> = None;
    let mut points = Vec::with_capacity(rows.len());
    for row in rows {
        let line = row.line;
        if row.fields.len() != width {
            return Err(csv_error(
                line,
                format!(
                    "wrong number of fields: expected {width}{why}, got {}",
                    row.fields.len()
                ),
            ));
        }
        let number = |k: usize| -> Result<f64, Error> {
            let (role, text) = (&roles[k], row.fields[at[k]].trim());
            let v: f64 = text.parse().map_err(|_| {
                csv_error(line, format!("cannot parse {role} `{text}` as a number"))
            })?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(csv_error(
                    line,
                    format!("{role} `{text}` is not a finite number"),
                ))
            }
        };
        let (x, y, label) = (number(0)?, number(1)?, number(2)?);
        if label != -1.0 && label != 0.0 && label != 1.0 {
            return Err(csv_error(
                line,
                format!(
                    "label `{}` is not a class: labels must be -1 and 1, or 0 and 1",
                    row.fields[at[2]].trim()
                ),
            ));
        }
        if label != 1.0 {
            let pm_one = label == -1.0;
            match convention {
                None => convention = Some((pm_one, line)),
                Some((seen, first)) if seen != pm_one => {
                    let (now, before) = if pm_one { ("-1", "0") } else { ("0", "-1") };
                    return Err(csv_error(
                        line,
                        format!(
                            "label {now} mixes label conventions: line {first} used {before}; \
                             use either -1 and 1, or 0 and 1"
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        points.push(Point::new(x, y, label));
    }
    Ok(points)
}
