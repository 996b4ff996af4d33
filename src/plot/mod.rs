//! Pictures for learners: a 2D classifier's decision as a terminal character map or an SVG, what
//! each neuron of a network computes over the plane, loss curves as an SVG, and sparklines.
//!
//! Every function here is pure: it returns a `String` and touches no file or terminal. Write an
//! SVG with `std::fs::write("boundary.svg", svg)` and open it in a browser.
//!
//! A classifier is given as a *score* closure `Fn(f64, f64) -> f64`: a score above 0 means class
//! +1, at or below 0 the other class. Points are [`Point`]s; a label above 0 is drawn as the
//! positive class, so both ±1 and 0/1 labels work. Colours follow the TensorFlow Playground:
//! blue for positive, orange for negative.
//!
//! ```
//! use tapegrad::datasets::Point;
//! use tapegrad::plot::{self, MapOptions};
//!
//! let points = [Point::new(-3.0, 0.0, -1.0), Point::new(3.0, 0.0, 1.0)];
//! let options = MapOptions { width: 12, height: 3, ..MapOptions::default() };
//! let map = plot::decision_map_terminal(|x, _y| x, &points, &options);
//! assert_eq!(map, "------++++++\n---x--+++o++\n------++++++\n");
//! assert_eq!(plot::sparkline(&[1.0, 2.0, 3.0]), "▁▅█");
//! ```

mod boundary;
mod curves;
mod network;
mod sparkline;
mod svg;
mod terminal;

pub use boundary::{BoundaryOptions, decision_boundary_svg, decision_boundary_svg_with_test};
pub use curves::{CurveOptions, loss_curves_svg};
pub use network::{NetworkMapOptions, network_maps_svg};
pub use sparkline::{sparkline, sparkline_fit};
pub use terminal::{MapOptions, decision_map_terminal, decision_map_terminal_with_test};

use crate::datasets::Point;

/// The rectangle of the plane a picture shows: x from `x_min` to `x_max`, y from `y_min` to
/// `y_max`.
///
/// ```
/// use tapegrad::plot::Bounds;
///
/// assert_eq!(Bounds::PLAYGROUND, Bounds::new(-6.0, 6.0, -6.0, 6.0));
/// assert_eq!(Bounds::square(6.0), Bounds::PLAYGROUND);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    /// The left edge.
    pub x_min: f64,
    /// The right edge.
    pub x_max: f64,
    /// The bottom edge.
    pub y_min: f64,
    /// The top edge.
    pub y_max: f64,
}

impl Bounds {
    /// The Playground's view, [−6, 6]².
    ///
    /// ```
    /// assert_eq!(tapegrad::plot::Bounds::PLAYGROUND.x_max, 6.0);
    /// ```
    pub const PLAYGROUND: Bounds = Bounds::square(6.0);

    /// The rectangle [`x_min`, `x_max`] × [`y_min`, `y_max`].
    ///
    /// ```
    /// let b = tapegrad::plot::Bounds::new(-1.5, 2.5, -1.0, 1.5);
    /// assert_eq!(b.x_max - b.x_min, 4.0);
    /// ```
    pub const fn new(x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> Self {
        Bounds {
            x_min,
            x_max,
            y_min,
            y_max,
        }
    }

    /// The square [−`half`, `half`]², centred on the origin.
    ///
    /// ```
    /// let b = tapegrad::plot::Bounds::square(2.0);
    /// assert_eq!((b.x_min, b.y_max), (-2.0, 2.0));
    /// ```
    pub const fn square(half: f64) -> Self {
        Bounds::new(-half, half, -half, half)
    }

    /// The smallest rectangle holding every point's (x, y), widened by `margin` on each side.
    /// A side of zero width (one point, or all on a line) is widened by 1 more on each side,
    /// or by a billionth of the coordinate where that is more (beyond 1e9: far enough out, 1
    /// would round away, and a width of 2 would be a few units in the last place), and no points
    /// at all gives [`Bounds::PLAYGROUND`]. Non-finite coordinates are ignored; the ends stay
    /// within `f64`'s range. Points spread wider than `f64::MAX` (say, at −1e308 and 1e308)
    /// have no finite width to hold them: the bounds are returned as they are, and every
    /// picture refuses them with a panic naming them, rather than leave points out.
    ///
    /// # Panics
    /// If `margin` is negative, infinite or NaN (the bounds would be inverted or unusable).
    ///
    /// ```
    /// use tapegrad::datasets::Point;
    /// use tapegrad::plot::Bounds;
    ///
    /// let points = [Point::new(-1.0, 0.0, 1.0), Point::new(2.0, 1.0, -1.0)];
    /// assert_eq!(Bounds::around(&points, 0.5), Bounds::new(-1.5, 2.5, -0.5, 1.5));
    /// ```
    #[track_caller]
    pub fn around(points: &[Point], margin: f64) -> Self {
        assert!(
            margin.is_finite() && margin >= 0.0,
            "Bounds::around: margin must be a finite number >= 0, got {margin}"
        );
        let finite = points.iter().filter(|p| p.x.is_finite() && p.y.is_finite());
        let mut b = Bounds::new(
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for p in finite {
            b.x_min = b.x_min.min(p.x);
            b.x_max = b.x_max.max(p.x);
            b.y_min = b.y_min.min(p.y);
            b.y_max = b.y_max.max(p.y);
        }
        if b.x_min > b.x_max {
            return Bounds::PLAYGROUND;
        }
        // A side of zero width gets 1 more on each side, or a billionth of the coordinate
        // where that is more (beyond 1e9), so that it keeps a width however far out it lies;
        // the ends stay within f64's range.
        let widen = |lo: f64, hi: f64| {
            let extra = if lo == hi {
                (lo.abs() * 1e-9).max(1.0)
            } else {
                0.0
            };
            let lo = (lo - margin - extra).max(f64::MIN);
            let hi = (hi + margin + extra).min(f64::MAX);
            (lo, hi)
        };
        let (x_min, x_max) = widen(b.x_min, b.x_max);
        let (y_min, y_max) = widen(b.y_min, b.y_max);
        Bounds::new(x_min, x_max, y_min, y_max)
    }

    #[track_caller]
    fn check(&self) {
        // The width and height too: -1e308..1e308 has finite ends but an infinite width, and
        // would put every cell at the same infinite coordinate.
        let ok = [
            self.x_min,
            self.x_max,
            self.y_min,
            self.y_max,
            self.x_max - self.x_min,
            self.y_max - self.y_min,
        ]
        .iter()
        .all(|v| v.is_finite())
            && self.x_min < self.x_max
            && self.y_min < self.y_max;
        assert!(
            ok,
            "plot bounds must be finite, with x_min < x_max and y_min < y_max and a finite width \
             and height, got {self:?}"
        );
    }
}

/// Which (column, row) cell of a `width` × `height` grid over `b` holds (x, y), row 0 on top;
/// `None` outside the bounds or for non-finite coordinates.
fn cell_of(b: &Bounds, width: usize, height: usize, x: f64, y: f64) -> Option<(usize, usize)> {
    let fx = (x - b.x_min) / (b.x_max - b.x_min);
    let fy = (b.y_max - y) / (b.y_max - b.y_min);
    if !(0.0..=1.0).contains(&fx) || !(0.0..=1.0).contains(&fy) {
        return None;
    }
    // A point exactly on the right or bottom edge belongs to the last cell.
    let col = ((fx * width as f64) as usize).min(width - 1);
    let row = ((fy * height as f64) as usize).min(height - 1);
    Some((col, row))
}

/// The centre of cell (col, row) of a `width` × `height` grid over `b`, row 0 on top.
fn cell_centre(b: &Bounds, width: usize, height: usize, col: usize, row: usize) -> (f64, f64) {
    let x = b.x_min + (col as f64 + 0.5) * (b.x_max - b.x_min) / width as f64;
    let y = b.y_max - (row as f64 + 0.5) * (b.y_max - b.y_min) / height as f64;
    (x, y)
}
