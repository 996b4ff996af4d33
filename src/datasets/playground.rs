//! The TensorFlow Playground's data sets, generated as its `dataset.ts` does, and its setup:
//! generate, shuffle, split.

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use rand::Rng;
use rand::seq::SliceRandom;

use super::{Point, Split, check_args, finite, normal, split, uniform};
use crate::Error;

/// How many points the Playground generates for a classification set.
///
/// ```
/// assert_eq!(tapegrad::datasets::PLAYGROUND_SAMPLES, 500);
/// ```
pub const PLAYGROUND_SAMPLES: usize = 500;

/// How many points the Playground generates for a regression set ([`plane`], [`multi_gauss`]).
///
/// ```
/// assert_eq!(tapegrad::datasets::PLAYGROUND_REGRESSION_SAMPLES, 1200);
/// ```
pub const PLAYGROUND_REGRESSION_SAMPLES: usize = 1200;

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

/// The TensorFlow Playground's six data sets: four for classification (labels ±1) and two
/// for regression (the label is the target value, about −1 to 1):
/// [`is_regression`](Playground::is_regression) tells them apart.
///
/// Parses from the names used on the command line of the examples and in the playground's
/// URL (case-insensitive): `circle`, `xor`, `gauss` (or `gaussian`), `spiral`, `plane`,
/// `multigauss` (or `multi_gauss`).
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
    /// Regression: a tilted plane, target (x + y) / 10: [`plane`].
    Plane,
    /// Regression: six bumps of height ±1 on a 3 × 2 grid: [`multi_gauss`].
    MultiGauss,
}

impl Playground {
    /// All six, in the Playground's order: classification, then regression.
    ///
    /// ```
    /// use tapegrad::datasets::Playground;
    ///
    /// let names: Vec<String> = Playground::ALL.iter().map(|k| k.to_string()).collect();
    /// assert_eq!(names, ["circle", "xor", "gauss", "spiral", "plane", "multigauss"]);
    /// ```
    pub const ALL: [Playground; 6] = [
        Playground::Circle,
        Playground::Xor,
        Playground::Gauss,
        Playground::Spiral,
        Playground::Plane,
        Playground::MultiGauss,
    ];

    /// The four classification sets, labels ±1.
    ///
    /// ```
    /// use tapegrad::datasets::Playground;
    ///
    /// assert!(Playground::CLASSIFICATION.iter().all(|k| !k.is_regression()));
    /// assert_eq!(Playground::CLASSIFICATION[3], Playground::Spiral);
    /// ```
    pub const CLASSIFICATION: [Playground; 4] = [
        Playground::Circle,
        Playground::Xor,
        Playground::Gauss,
        Playground::Spiral,
    ];

    /// The two regression sets, whose label is a real-valued target.
    ///
    /// ```
    /// use tapegrad::datasets::Playground;
    ///
    /// assert_eq!(Playground::REGRESSION, [Playground::Plane, Playground::MultiGauss]);
    /// ```
    pub const REGRESSION: [Playground; 2] = [Playground::Plane, Playground::MultiGauss];

    /// Whether this is a regression set ([`plane`], [`multi_gauss`]): its label is the target
    /// value, not a class, so train it with a squared error and a linear output, and measure
    /// it by loss, not accuracy.
    ///
    /// ```
    /// use tapegrad::datasets::Playground;
    ///
    /// assert!(Playground::Plane.is_regression());
    /// assert!(!Playground::Circle.is_regression());
    /// ```
    pub const fn is_regression(self) -> bool {
        matches!(self, Playground::Plane | Playground::MultiGauss)
    }

    /// How many points the Playground generates for this set: [`PLAYGROUND_SAMPLES`] (500)
    /// for classification, [`PLAYGROUND_REGRESSION_SAMPLES`] (1200) for regression.
    ///
    /// ```
    /// use tapegrad::datasets::Playground;
    ///
    /// assert_eq!((Playground::Xor.samples(), Playground::Plane.samples()), (500, 1200));
    /// ```
    pub const fn samples(self) -> usize {
        if self.is_regression() {
            PLAYGROUND_REGRESSION_SAMPLES
        } else {
            PLAYGROUND_SAMPLES
        }
    }

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
            Playground::Plane => "plane",
            Playground::MultiGauss => "multigauss",
        }
    }

    /// Generates `n` points of this set with the given noise: the same as calling [`circle`],
    /// [`xor`], [`gauss`], [`spiral`], [`plane`] or [`multi_gauss`]. The points come in
    /// generation order, unshuffled.
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
    /// negative, not finite, or so large that it puts points or labels at infinity.
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
            Playground::Plane => plane(n, noise, rng),
            Playground::MultiGauss => multi_gauss(n, noise, rng),
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

    /// Parses `circle`, `xor`, `gauss` (or `gaussian`), `spiral`, `plane` or `multigauss`
    /// (or `multi_gauss`), ignoring case and surrounding spaces.
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
            "plane" => Ok(Playground::Plane),
            "multigauss" | "multi_gauss" => Ok(Playground::MultiGauss),
            _ => Err(Error::InvalidArgument(format!(
                "unknown dataset `{s}`: expected one of circle, xor, gauss, spiral \
                 (classification), plane, multigauss (regression)"
            ))),
        }
    }
}

/// The Playground's setup: `n` points of `kind` (use [`Playground::samples`] for its 500, or
/// 1200 for a regression set) at the given noise, shuffled, then split 50/50 into train and
/// test ([`PLAYGROUND_TRAIN_FRACTION`]).
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

/// Checks the regression sets' arguments, then makes `n` points uniform on [−6, 6)², each
/// labelled `target` of the point moved by (U(−6, 6)·`noise`, U(−6, 6)·`noise`): noise moves
/// only the label, as for [`circle`] and [`xor`]. Four draws per point, in the order x, y, the
/// x shift, the y shift.
fn regression<R: Rng + ?Sized>(
    what: &str,
    n: usize,
    noise: f64,
    rng: &mut R,
    target: impl Fn(f64, f64) -> f64,
) -> Result<Vec<Point>, Error> {
    const RADIUS: f64 = 6.0;
    let mut points = check_args(what, n, noise)?;
    for _ in 0..n {
        let x = uniform(rng, -RADIUS, RADIUS);
        let y = uniform(rng, -RADIUS, RADIUS);
        let noise_x = uniform(rng, -RADIUS, RADIUS) * noise;
        let noise_y = uniform(rng, -RADIUS, RADIUS) * noise;
        points.push(Point::new(x, y, target(x + noise_x, y + noise_y)));
    }
    finite(what, noise, points)
}

/// The Playground's regression "plane": `n` points uniform on [−6, 6)², the label the target
/// value (x + y) / 10, a plane tilted along the diagonal.
///
/// Noise moves only the *label*: it is the target at the point shifted by
/// (U(−6, 6)·`noise`, U(−6, 6)·`noise`). So at noise 0 every label is exactly (x + y) / 10,
/// within (−1.2, 1.2); with noise it lies within 1.2·(1 + `noise`) of 0. The Playground shows
/// 1200 points ([`PLAYGROUND_REGRESSION_SAMPLES`]).
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
///
/// let points = tapegrad::datasets::plane(100, 0.0, &mut StdRng::seed_from_u64(4))?;
/// for p in &points {
///     assert!((-6.0..6.0).contains(&p.x) && (-6.0..6.0).contains(&p.y));
///     assert_eq!(p.label, (p.x + p.y) / 10.0);
/// }
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `n` is 0 or too large to fit in memory, or `noise` is
/// negative, not finite, or so large that it puts labels at infinity.
pub fn plane<R: Rng + ?Sized>(n: usize, noise: f64, rng: &mut R) -> Result<Vec<Point>, Error> {
    regression("plane", n, noise, rng, |x, y| (x + y) / 10.0)
}

/// The six bumps of [`multi_gauss`]: centre x, centre y, and the sign of the bump.
const BUMPS: [(f64, f64, f64); 6] = [
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
];

/// The Playground's regression "multi gaussian": `n` points uniform on [−6, 6)², the label
/// the height of six bumps on a 3 × 2 grid, alternating in sign like a chessboard.
///
/// The bumps sit at x = −4, 0, 4 and y = 2.5 (signs +, −, +) and y = −2.5 (−, +, −). Despite
/// the name, each is a cone, not a Gaussian: sign · max(0, 1 − d/2) at distance d from its
/// centre, so 1 in magnitude at the centre and 0 from distance 2 on. The label is the bump of
/// largest magnitude (the cones never overlap, so this is the one the point lies on, or 0
/// between them): always within [−1, 1].
///
/// Noise moves only the *label*, as for [`plane`]: it is the height at the point shifted by
/// (U(−6, 6)·`noise`, U(−6, 6)·`noise`).
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
///
/// let points = tapegrad::datasets::multi_gauss(200, 0.0, &mut StdRng::seed_from_u64(4))?;
/// for p in &points {
///     assert!((-1.0..=1.0).contains(&p.label));
///     // Near (4, 2.5) the label is the + bump's height.
///     let d = (p.x - 4.0).hypot(p.y - 2.5);
///     if d < 2.0 {
///         assert_eq!(p.label, 1.0 - d / 2.0);
///     }
/// }
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `n` is 0 or too large to fit in memory, or `noise` is
/// negative or not finite.
pub fn multi_gauss<R: Rng + ?Sized>(
    n: usize,
    noise: f64,
    rng: &mut R,
) -> Result<Vec<Point>, Error> {
    regression("multi_gauss", n, noise, rng, |x, y| {
        BUMPS.iter().fold(0.0, |label: f64, &(cx, cy, sign)| {
            let height = sign * (1.0 - (x - cx).hypot(y - cy) / 2.0).max(0.0);
            if height.abs() > label.abs() {
                height
            } else {
                label
            }
        })
    })
}
