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

use std::fmt::Write as _;

use crate::Error;
use crate::datasets::Point;
use crate::nn::{Forward, Layer, Mlp};

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
    /// and no points at all gives [`Bounds::PLAYGROUND`]. Non-finite coordinates are ignored.
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
        let widen = |lo: f64, hi: f64| {
            let extra = if lo == hi { 1.0 } else { 0.0 };
            (lo - margin - extra, hi + margin + extra)
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

/// Size, view and colour of [`decision_map_terminal`].
///
/// The default is 60 × 30 characters over [`Bounds::PLAYGROUND`], without colour.
///
/// ```
/// use tapegrad::plot::{Bounds, MapOptions};
///
/// let o = MapOptions { color: true, ..MapOptions::default() };
/// assert_eq!((o.width, o.height, o.bounds), (60, 30, Bounds::PLAYGROUND));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapOptions {
    /// Characters per line.
    pub width: usize,
    /// Lines.
    pub height: usize,
    /// The part of the plane shown.
    pub bounds: Bounds,
    /// Whether to shade the regions with ANSI 256-colour escapes (blue positive, orange
    /// negative). Decide with `std::io::stdout().is_terminal()`.
    pub color: bool,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            width: 60,
            height: 30,
            bounds: Bounds::PLAYGROUND,
            color: false,
        }
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

/// A character map of a 2D classifier's decision, with the points on top: one line per row,
/// top row = largest y, each line ending in `\n`.
///
/// Each cell shows the score at its centre: `+` where the score is above 0, `-` where it is 0
/// or below, `?` where it is NaN. A cell holding points shows `o` if they are all labelled
/// above 0, `x` if all at or below 0, `*` if both. Points outside the bounds are not drawn.
/// To draw held-out test points as well, see [`decision_map_terminal_with_test`].
/// Without colour every line has exactly `width` characters; with `color` the same characters
/// are wrapped in ANSI escapes (blue background for `+`, orange for `-`) and each line ends
/// with a reset.
///
/// ```
/// use tapegrad::datasets::Point;
/// use tapegrad::plot::{decision_map_terminal, MapOptions};
///
/// // A disc of radius √10 as the classifier, on a 7 × 7 map of [-3.5, 3.5]².
/// let options = MapOptions {
///     width: 7,
///     height: 7,
///     bounds: tapegrad::plot::Bounds::square(3.5),
///     color: false,
/// };
/// let map = decision_map_terminal(|x, y| 10.0 - x * x - y * y, &[Point::new(0.0, 0.0, 1.0)], &options);
/// assert_eq!(
///     map,
///     "---+---\n-+++++-\n-+++++-\n+++o+++\n-+++++-\n-+++++-\n---+---\n"
/// );
/// ```
///
/// # Panics
/// If `width` or `height` is 0, or the bounds are not finite with min < max (width and
/// height included).
pub fn decision_map_terminal<F>(score: F, points: &[Point], options: &MapOptions) -> String
where
    F: Fn(f64, f64) -> f64,
{
    decision_map_terminal_with_test(score, points, &[], options)
}

/// [`decision_map_terminal`] with the training points and the test points told apart:
/// training points as `o` (label above 0) and `x`, test points in capitals, `O` and `X`. A
/// cell holding both labels shows `*`; one holding a single label shows a capital if any of
/// its points is a test point.
///
/// ```
/// use tapegrad::datasets::Point;
/// use tapegrad::plot::{decision_map_terminal_with_test, Bounds, MapOptions};
///
/// let options = MapOptions { width: 6, height: 1, bounds: Bounds::square(3.0), color: false };
/// let train = [Point::new(-2.5, 0.0, -1.0), Point::new(2.5, 0.0, 1.0)];
/// let test = [Point::new(-0.5, 0.0, -1.0), Point::new(1.5, 0.0, 1.0)];
/// let map = decision_map_terminal_with_test(|x, _y| x, &train, &test, &options);
/// assert_eq!(map, "x-X+Oo\n");
/// ```
///
/// # Panics
/// If `width` or `height` is 0, or the bounds are not finite with min < max (width and
/// height included).
pub fn decision_map_terminal_with_test<F>(
    score: F,
    train: &[Point],
    test: &[Point],
    options: &MapOptions,
) -> String
where
    F: Fn(f64, f64) -> f64,
{
    let MapOptions {
        width,
        height,
        bounds,
        color,
    } = *options;
    assert!(
        width > 0 && height > 0,
        "terminal map needs width and height of at least 1, got {width} x {height}"
    );
    bounds.check();

    // Per cell: bit 0 = holds a positive point, bit 1 = a negative one, bit 2 = a test point.
    let mut marks = vec![0u8; width * height];
    for (points, kind) in [(train, 0), (test, 4)] {
        for p in points {
            if let Some((col, row)) = cell_of(&bounds, width, height, p.x, p.y) {
                marks[row * width + col] |= kind | if p.label > 0.0 { 1 } else { 2 };
            }
        }
    }

    // ANSI 256-colour (foreground, background) for a region and the points on it.
    const POS_BG: u8 = 153;
    const NEG_BG: u8 = 223;
    const NAN_BG: u8 = 252;
    let mut out = String::with_capacity(height * (width + 1) * if color { 4 } else { 1 });
    for row in 0..height {
        let mut style: Option<(u8, u8)> = None;
        for col in 0..width {
            let (x, y) = cell_centre(&bounds, width, height, col, row);
            let s = score(x, y);
            let (region, fg_region, bg) = if s > 0.0 {
                ('+', 67, POS_BG)
            } else if s.is_nan() {
                ('?', 240, NAN_BG)
            } else {
                ('-', 173, NEG_BG)
            };
            let (ch, fg) = match marks[row * width + col] {
                1 => ('o', 18),
                2 => ('x', 130),
                5 => ('O', 18),
                6 => ('X', 130),
                3 | 7 => ('*', 16),
                _ => (region, fg_region),
            };
            if color && style != Some((fg, bg)) {
                let _ = write!(out, "\x1b[38;5;{fg};48;5;{bg}m");
                style = Some((fg, bg));
            }
            out.push(ch);
        }
        if color {
            out.push_str("\x1b[0m");
        }
        out.push('\n');
    }
    out
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A one-line chart of `values`, one character per value, `▁` for the smallest and `█` for
/// the largest, linearly in between (rounded to the nearest of the eight bars).
///
/// - An empty slice gives an empty string.
/// - A constant series gives a flat line of `▄`.
/// - NaN and ±∞ are drawn as a space (a gap) and left out of the scale, so one diverged epoch
///   does not flatten the rest.
///
/// ```
/// use tapegrad::plot::sparkline;
///
/// assert_eq!(sparkline(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]), "▁▂▃▄▅▆▇█");
/// assert_eq!(sparkline(&[0.5, 0.5]), "▄▄");
/// assert_eq!(sparkline(&[0.0, f64::NAN, 1.0]), "▁ █");
/// assert_eq!(sparkline(&[]), "");
/// ```
pub fn sparkline(values: &[f64]) -> String {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                ' '
            } else if hi > lo {
                // Halved first, so a span wider than f64::MAX does not overflow to inf.
                let t = (0.5 * v - 0.5 * lo) / (0.5 * hi - 0.5 * lo);
                let level = (t * 7.0).round().clamp(0.0, 7.0);
                BARS[level as usize]
            } else {
                BARS[3]
            }
        })
        .collect()
}

/// A sparkline of at most `width` characters: `values` are cut into `width` consecutive
/// buckets of (nearly) equal size and each bucket drawn as the mean of its finite values (a
/// gap if it has none), then scaled as in [`sparkline`]. A series of at most `width` values
/// is drawn as it is.
///
/// ```
/// use tapegrad::plot::sparkline_fit;
///
/// let loss: Vec<f64> = (0..1000).map(|i| 1.0 / (1.0 + i as f64)).collect();
/// let line = sparkline_fit(&loss, 40);
/// assert_eq!(line.chars().count(), 40);
/// assert!(line.starts_with('█') && line.ends_with('▁'));
/// assert_eq!(sparkline_fit(&[3.0, 1.0], 40), "█▁");
/// ```
///
/// # Panics
/// If `width` is 0 and `values` is not empty.
pub fn sparkline_fit(values: &[f64], width: usize) -> String {
    if values.len() <= width {
        return sparkline(values);
    }
    assert!(width > 0, "sparkline_fit needs a width of at least 1");
    let n = values.len();
    let means: Vec<f64> = (0..width)
        .map(|b| {
            let bucket = &values[b * n / width..(b + 1) * n / width];
            let (sum, count) = bucket
                .iter()
                .filter(|v| v.is_finite())
                .fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
            let mean = sum / count as f64;
            if count == 0 || mean.is_finite() {
                mean // NaN for no finite values: a gap
            } else {
                // The sum overflowed (values near f64::MAX): add each value's share instead.
                let share = bucket
                    .iter()
                    .filter(|v| v.is_finite())
                    .map(|v| v / count as f64);
                share.sum()
            }
        })
        .collect();
    sparkline(&means)
}

// ---------------------------------------------------------------------------------------------
// SVG

/// The Playground's colours: positive, the neutral middle, negative.
const BLUE: (u8, u8, u8) = (0x08, 0x77, 0xbd);
const GREY: (u8, u8, u8) = (0xe8, 0xea, 0xeb);
const ORANGE: (u8, u8, u8) = (0xf5, 0x93, 0x22);

/// Escapes text for use in SVG content or attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// A coordinate rounded to 2 decimals, printed without trailing zeros (and never as `-0`).
fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 {
        "0".to_string()
    } else {
        format!("{r}")
    }
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The Playground's colour scale: orange at −1, grey at 0, blue at +1 (clamped).
fn score_colour(t: f64) -> (u8, u8, u8) {
    let t = t.clamp(-1.0, 1.0);
    let (from, to, f) = if t >= 0.0 {
        (GREY, BLUE, t)
    } else {
        (GREY, ORANGE, -t)
    };
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    (mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
}

/// About `target` round-numbered ticks (steps of 1, 2 or 5 × 10^k) within [lo, hi], and the
/// number of decimals to print them with.
fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, usize) {
    let raw = (hi / 2.0 - lo / 2.0) / target.max(1) as f64 * 2.0; // halves: no overflow
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let step = mag
        * if norm < 1.5 {
            1.0
        } else if norm < 3.0 {
            2.0
        } else if norm < 7.0 {
            5.0
        } else {
            10.0
        };
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let ticks = (first..=last).map(|k| k as f64 * step).collect();
    (ticks, decimals)
}

fn tick_label(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    // Avoid "-0" and "-0.0".
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// Opens an SVG document of the given size with a white background.
fn svg_open(out: &mut String, width: f64, height: f64) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        w = num(width),
        h = num(height)
    );
}

fn svg_title(out: &mut String, x: f64, y: f64, title: &str) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"16\">{}</text>",
        num(x),
        num(y),
        escape(title)
    );
}

/// The frame of a plot area with ticks and labels along the bottom and left edges.
struct Frame {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

impl Frame {
    fn draw_box(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333333\"/>",
            num(self.left),
            num(self.top),
            num(self.width),
            num(self.height)
        );
    }

    /// Ticks along the bottom edge at the given pixel x positions.
    fn x_ticks(&self, out: &mut String, ticks: &[(f64, String)]) {
        let y = self.top + self.height;
        for (px, label) in ticks {
            let _ = writeln!(
                out,
                "<line x1=\"{x}\" y1=\"{y}\" x2=\"{x}\" y2=\"{y2}\" stroke=\"#333333\"/>\
                 <text x=\"{x}\" y=\"{ty}\" text-anchor=\"middle\">{label}</text>",
                x = num(*px),
                y = num(y),
                y2 = num(y + 5.0),
                ty = num(y + 18.0),
                label = escape(label)
            );
        }
    }

    /// Ticks along the left edge at the given pixel y positions.
    fn y_ticks(&self, out: &mut String, ticks: &[(f64, String)]) {
        for (py, label) in ticks {
            let _ = writeln!(
                out,
                "<line x1=\"{x}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#333333\"/>\
                 <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>",
                x = num(self.left),
                x2 = num(self.left - 5.0),
                y = num(*py),
                tx = num(self.left - 8.0),
                ty = num(py + 4.0),
                label = escape(label)
            );
        }
    }
}

/// Size, resolution and view of [`decision_boundary_svg`].
///
/// The default is a 400 × 400 px plot of 100 × 100 cells over [`Bounds::PLAYGROUND`].
///
/// ```
/// let o = tapegrad::plot::BoundaryOptions::default();
/// assert_eq!((o.size, o.cells), (400, 100));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundaryOptions {
    /// Side of the square plot area in pixels (axes, ticks and title come on top of this).
    pub size: u32,
    /// Cells per side of the shaded grid.
    pub cells: usize,
    /// The part of the plane shown.
    pub bounds: Bounds,
}

impl Default for BoundaryOptions {
    fn default() -> Self {
        BoundaryOptions {
            size: 400,
            cells: 100,
            bounds: Bounds::PLAYGROUND,
        }
    }
}

/// An SVG picture of a 2D classifier's decision, in the style of the TensorFlow Playground.
///
/// A grid of `cells` × `cells` squares is shaded by the score at each centre: orange at −1,
/// light grey at 0, blue at +1, clamped beyond ±1 and rounded to steps of 0.1 (NaN is mid
/// grey), drawn at 60% opacity; squares of the same shade in a row are merged into one
/// `<rect>`. On top: one `<circle>` per point (blue with a dark rim for labels above 0, orange
/// otherwise; points outside the bounds are clipped away), the plot frame with ticks, the
/// axes' names `x` and `y`, `title`, and on the right a legend: the colour scale of the
/// score and what each kind of point is. To draw held-out test points as well, see
/// [`decision_boundary_svg_with_test`].
///
/// ```
/// use tapegrad::datasets::Point;
/// use tapegrad::plot::{decision_boundary_svg, BoundaryOptions};
///
/// let points = [Point::new(-2.0, 1.0, -1.0), Point::new(3.0, -1.0, 1.0)];
/// let svg = decision_boundary_svg(|x, _y| x.tanh(), &points, "x > 0", &BoundaryOptions::default());
/// assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
/// assert_eq!(svg.matches("<circle").count(), 2 + 2); // the points, and the legend's two
/// // Save it with std::fs::write("boundary.svg", &svg) and open it in a browser.
/// ```
///
/// # Panics
/// If `size` or `cells` is 0, or the bounds are not finite with min < max (width and
/// height included).
pub fn decision_boundary_svg<F>(
    score: F,
    points: &[Point],
    title: &str,
    options: &BoundaryOptions,
) -> String
where
    F: Fn(f64, f64) -> f64,
{
    decision_boundary_svg_with_test(score, points, &[], title, options)
}

/// [`decision_boundary_svg`] with held-out test points drawn too, as rings (white inside,
/// their label's colour around), so that a learner sees at a glance where the network
/// generalises and where it does not. The legend then names four kinds of point.
///
/// ```
/// use tapegrad::datasets::Point;
/// use tapegrad::plot::{decision_boundary_svg_with_test, BoundaryOptions};
///
/// let train = [Point::new(-2.0, 1.0, -1.0), Point::new(3.0, -1.0, 1.0)];
/// let test = [Point::new(1.5, 3.0, 1.0)];
/// let svg = decision_boundary_svg_with_test(
///     |x, _y| x.tanh(), &train, &test, "x > 0", &BoundaryOptions::default(),
/// );
/// assert!(svg.contains(">test, label +1</text>"));
/// assert!(svg.contains(r##"<circle cx="300" cy="140" r="4" fill="#ffffff" stroke="#0877bd""##));
/// ```
///
/// # Panics
/// If `size` or `cells` is 0, or the bounds are not finite with min < max (width and
/// height included).
pub fn decision_boundary_svg_with_test<F>(
    score: F,
    train: &[Point],
    test: &[Point],
    title: &str,
    options: &BoundaryOptions,
) -> String
where
    F: Fn(f64, f64) -> f64,
{
    let BoundaryOptions {
        size,
        cells,
        bounds,
    } = *options;
    check_grid("decision_boundary_svg", size, cells, &bounds);
    let side = f64::from(size);
    let frame = Frame {
        left: 50.0,
        top: 40.0,
        width: side,
        height: side,
    };
    let to_px = |x: f64, y: f64| {
        (
            frame.left + (x - bounds.x_min) / (bounds.x_max - bounds.x_min) * side,
            frame.top + (bounds.y_max - y) / (bounds.y_max - bounds.y_min) * side,
        )
    };

    let mut out = String::new();
    svg_open(
        &mut out,
        frame.left + side + LEGEND_WIDTH,
        frame.top + side + 60.0,
    );
    svg_title(&mut out, frame.left + side / 2.0, 25.0, title);
    let _ = writeln!(
        out,
        "<defs><clipPath id=\"plot-area\"><rect x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\"/>\
         </clipPath></defs>",
        num(frame.left),
        num(frame.top),
        s = num(side)
    );
    shade(&mut out, &frame, cells, |col, row| {
        let (x, y) = cell_centre(&bounds, cells, cells, col, row);
        score(x, y)
    });

    // The points, clipped to the plot area: training points filled, test points as rings.
    out.push_str("<g clip-path=\"url(#plot-area)\" stroke=\"#333333\" stroke-width=\"0.8\">\n");
    for p in train {
        let (cx, cy) = to_px(p.x, p.y);
        let _ = writeln!(out, "{}", marker(cx, cy, p.label > 0.0, false));
    }
    for p in test {
        let (cx, cy) = to_px(p.x, p.y);
        let _ = writeln!(out, "{}", marker(cx, cy, p.label > 0.0, true));
    }
    out.push_str("</g>\n");

    frame.draw_box(&mut out);
    let (xt, xd) = nice_ticks(bounds.x_min, bounds.x_max, 6);
    let xt: Vec<(f64, String)> = xt
        .into_iter()
        .map(|v| (to_px(v, bounds.y_min).0, tick_label(v, xd)))
        .collect();
    frame.x_ticks(&mut out, &xt);
    let (yt, yd) = nice_ticks(bounds.y_min, bounds.y_max, 6);
    let yt: Vec<(f64, String)> = yt
        .into_iter()
        .map(|v| (to_px(bounds.x_min, v).1, tick_label(v, yd)))
        .collect();
    frame.y_ticks(&mut out, &yt);
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-style=\"italic\">x</text>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-style=\"italic\">y</text>",
        num(frame.left + side / 2.0),
        num(frame.top + side + 38.0),
        num(12.0),
        num(frame.top + side / 2.0 + 4.0),
    );
    legend(
        &mut out,
        frame.left + side + 16.0,
        frame.top,
        !test.is_empty(),
    );
    out.push_str("</svg>\n");
    out
}

/// Panics unless a shaded map of `cells` × `cells` squares, `size` px wide, over `bounds` can
/// be drawn; `what` names the function asked.
#[track_caller]
fn check_grid(what: &str, size: u32, cells: usize, bounds: &Bounds) {
    assert!(
        size > 0 && cells > 0,
        "{what} needs size and cells of at least 1, got {size} and {cells}"
    );
    bounds.check();
}

/// Room on the right of a boundary picture for its legend.
const LEGEND_WIDTH: f64 = 170.0;

/// A point's marker: a filled circle for a training point, a ring for a test point.
fn marker(cx: f64, cy: f64, positive: bool, test: bool) -> String {
    let colour = hex(if positive { BLUE } else { ORANGE });
    if test {
        format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#ffffff\" stroke=\"{colour}\" \
             stroke-width=\"2.5\"/>",
            num(cx),
            num(cy)
        )
    } else {
        format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{colour}\"/>",
            num(cx),
            num(cy)
        )
    }
}

/// The legend of a boundary picture, its top left corner at (`x`, `y`): the score's colour
/// scale, then the kinds of point.
fn legend(out: &mut String, x: f64, y: f64, with_test: bool) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\">network output</text>",
        num(x),
        num(y + 10.0)
    );
    // 21 swatches from -1 to +1, as the shading rounds the score.
    for k in 0..=20 {
        let t = f64::from(k - 10) / 10.0;
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"6\" height=\"12\" fill=\"{}\" fill-opacity=\"0.6\"/>",
            num(x + 6.0 * f64::from(k)),
            num(y + 18.0),
            hex(score_colour(t))
        );
    }
    for (label, at) in [("-1", 0.0), ("0", 63.0), ("+1", 126.0)] {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\">{label}</text>",
            num(x + at + 3.0),
            num(y + 42.0)
        );
    }
    let kinds: &[(&str, bool, bool)] = if with_test {
        &[
            ("training, label +1", true, false),
            ("training, label -1", false, false),
            ("test, label +1", true, true),
            ("test, label -1", false, true),
        ]
    } else {
        &[("label +1", true, false), ("label -1", false, false)]
    };
    let _ = writeln!(out, "<g stroke=\"#333333\" stroke-width=\"0.8\">");
    for (k, &(_, positive, test)) in kinds.iter().enumerate() {
        let cy = y + 66.0 + 20.0 * k as f64;
        let _ = writeln!(out, "{}", marker(x + 6.0, cy, positive, test));
    }
    out.push_str("</g>\n");
    for (k, (label, _, _)) in kinds.iter().enumerate() {
        let cy = y + 66.0 + 20.0 * k as f64;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{label}</text>",
            num(x + 16.0),
            num(cy + 4.0)
        );
    }
}

/// The shaded grid of a map: `cells` × `cells` squares over `frame`, each the colour of
/// `value(col, row)` (row 0 on top), one `<rect>` per run of equal shades along a row.
fn shade(out: &mut String, frame: &Frame, cells: usize, value: impl Fn(usize, usize) -> f64) {
    let (w, h) = (frame.width / cells as f64, frame.height / cells as f64);
    // Lightened (as in the Playground) so that the points on top stand out.
    out.push_str("<g shape-rendering=\"crispEdges\" opacity=\"0.6\">\n");
    for row in 0..cells {
        let shades: Vec<Option<i32>> = (0..cells)
            .map(|col| {
                let s = value(col, row);
                (!s.is_nan()).then(|| (s.clamp(-1.0, 1.0) * 10.0).round() as i32)
            })
            .collect();
        let mut start = 0;
        while start < cells {
            let mut end = start + 1;
            while end < cells && shades[end] == shades[start] {
                end += 1;
            }
            let colour = match shades[start] {
                Some(q) => hex(score_colour(f64::from(q) / 10.0)),
                None => "#bbbbbb".to_string(),
            };
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"/>",
                num(frame.left + start as f64 * w),
                num(frame.top + row as f64 * h),
                num((end - start) as f64 * w),
                num(h)
            );
            start = end;
        }
    }
    out.push_str("</g>\n");
}

/// Size, resolution and view of each small map in [`network_maps_svg`].
///
/// The default is 100 × 100 px maps of 40 × 40 cells over [`Bounds::PLAYGROUND`].
///
/// ```
/// let o = tapegrad::plot::NetworkMapOptions::default();
/// assert_eq!((o.size, o.cells), (100, 40));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NetworkMapOptions {
    /// Side of each square map in pixels.
    pub size: u32,
    /// Cells per side of each map.
    pub cells: usize,
    /// The part of the plane shown.
    pub bounds: Bounds,
}

impl Default for NetworkMapOptions {
    fn default() -> Self {
        NetworkMapOptions {
            size: 100,
            cells: 40,
            bounds: Bounds::PLAYGROUND,
        }
    }
}

/// What every input and every neuron of a network computes over the plane, one small map
/// each, as the TensorFlow Playground draws its network: a row for the inputs, then a row
/// per layer, the last one the output. This is the view that shows *how* a network draws its
/// boundary: each first-layer neuron splits the plane along a line, and each later neuron
/// mixes the maps of the row above.
///
/// A point (x, y) of the plane enters the network as `features(x, y)`, named `inputs` in the
/// first row (for plain coordinates, `|x, y| vec![x, y]` and `&["x", "y"]`). Every map is
/// shaded as [`decision_boundary_svg`] shades the score: orange at −1, grey at 0, blue at +1,
/// clamped beyond (a relu's large outputs are all full blue). An input's map is first divided
/// by its largest magnitude over the view, so that `x` runs from full orange at the left edge
/// to full blue at the right, as in the Playground.
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::nn::{Activation::Tanh, Init, Mlp};
/// use tapegrad::plot::{network_maps_svg, NetworkMapOptions};
///
/// let model = Mlp::new(2, &[3, 1], Tanh, Tanh, Init::Playground, &mut StdRng::seed_from_u64(1))?;
/// let svg = network_maps_svg(
///     &model, &["x", "y"], |x, y| vec![x, y], "2 → 3 → 1", &NetworkMapOptions::default(),
/// )?;
/// // A frame per map: 2 inputs, 3 hidden neurons, 1 output.
/// assert_eq!(svg.matches(r##"fill="none" stroke="#333333""##).count(), 2 + 3 + 1);
/// assert!(svg.contains(">layer 1: 3 tanh</text>") && svg.contains(">output: tanh</text>"));
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InputSize`] if `inputs` or what `features` returns does not have one entry per
/// input of `model`; [`Error::NonFiniteInput`] if `features` returns NaN or an infinity, or
/// a layer's outputs overflow.
///
/// # Panics
/// If `size` or `cells` is 0, or the bounds are not finite with min < max (width and
/// height included).
pub fn network_maps_svg<F>(
    model: &Mlp,
    inputs: &[&str],
    features: F,
    title: &str,
    options: &NetworkMapOptions,
) -> Result<String, Error>
where
    F: Fn(f64, f64) -> Vec<f64>,
{
    let NetworkMapOptions {
        size,
        cells,
        bounds,
    } = *options;
    check_grid("network_maps_svg", size, cells, &bounds);
    if inputs.len() != model.nin() {
        return Err(Error::InputSize {
            expected: model.nin(),
            got: inputs.len(),
        });
    }
    // values[row][unit][cell]: row 0 the inputs, row l + 1 layer l's outputs.
    let layers = model.layers();
    let mut values: Vec<Vec<Vec<f64>>> = std::iter::once(inputs.len())
        .chain(layers.iter().map(|l| l.nout()))
        .map(|n| vec![vec![0.0; cells * cells]; n])
        .collect();
    for cell in 0..cells * cells {
        let (x, y) = cell_centre(&bounds, cells, cells, cell % cells, cell / cells);
        let mut acts = features(x, y);
        if acts.len() != inputs.len() {
            return Err(Error::InputSize {
                expected: inputs.len(),
                got: acts.len(),
            });
        }
        for (row, layer) in values
            .iter_mut()
            .zip(std::iter::once(None).chain(layers.iter().map(Some)))
        {
            if let Some(layer) = layer {
                acts = layer.predict(&acts)?;
            }
            for (unit, &a) in row.iter_mut().zip(&acts) {
                unit[cell] = a;
            }
        }
    }

    for input in &mut values[0] {
        let largest = input.iter().fold(0.0, |m: f64, v| m.max(v.abs()));
        if largest > 0.0 && largest.is_finite() {
            input.iter_mut().for_each(|v| *v /= largest);
        }
    }

    let side = f64::from(size);
    let (label_width, gap, row_height) = (120.0, 12.0, side + 34.0);
    let widest = values.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let mut out = String::new();
    let width = label_width + widest * (side + gap) + 8.0;
    svg_open(
        &mut out,
        width.max(260.0),
        62.0 + row_height * values.len() as f64,
    );
    svg_title(&mut out, width.max(260.0) / 2.0, 25.0, title);
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"44\" text-anchor=\"middle\" fill=\"#555555\">orange -1, grey 0, \
         blue +1: each map is one value over [{}, {}] × [{}, {}] (inputs scaled to ±1)</text>",
        num(width.max(260.0) / 2.0),
        num(bounds.x_min),
        num(bounds.x_max),
        num(bounds.y_min),
        num(bounds.y_max)
    );
    for (r, row) in values.iter().enumerate() {
        let top = 62.0 + row_height * r as f64;
        let name = match r {
            0 => "inputs".to_string(),
            r if r == layers.len() => format!("output: {}", layer_activation(&layers[r - 1])),
            r => format!(
                "layer {r}: {} {}",
                layers[r - 1].nout(),
                layer_activation(&layers[r - 1])
            ),
        };
        let _ = writeln!(
            out,
            "<text x=\"8\" y=\"{}\">{}</text>",
            num(top + side / 2.0 + 4.0),
            escape(&name)
        );
        for (k, unit) in row.iter().enumerate() {
            let frame = Frame {
                left: label_width + k as f64 * (side + gap),
                top,
                width: side,
                height: side,
            };
            shade(&mut out, &frame, cells, |col, row| unit[row * cells + col]);
            frame.draw_box(&mut out);
            let caption = if r == 0 {
                inputs[k].to_string()
            } else {
                format!("neuron {}", k + 1)
            };
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\">{}</text>",
                num(frame.left + side / 2.0),
                num(top + side + 14.0),
                escape(&caption)
            );
        }
    }
    out.push_str("</svg>\n");
    Ok(out)
}

/// A layer's activation's name, or `mixed` if its neurons differ.
fn layer_activation(layer: &Layer) -> &'static str {
    let first = layer.neurons()[0].activation();
    if layer.neurons().iter().all(|n| n.activation() == first) {
        first.name()
    } else {
        "mixed"
    }
}

/// Size and scale of [`loss_curves_svg`].
///
/// The default is 600 × 360 px with a linear y axis.
///
/// ```
/// let o = tapegrad::plot::CurveOptions { log_y: true, ..Default::default() };
/// assert_eq!((o.width, o.height), (600, 360));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurveOptions {
    /// Width of the whole picture in pixels.
    pub width: u32,
    /// Height of the whole picture in pixels.
    pub height: u32,
    /// Whether the y axis is logarithmic (values ≤ 0 then leave gaps).
    pub log_y: bool,
}

impl Default for CurveOptions {
    fn default() -> Self {
        CurveOptions {
            width: 600,
            height: 360,
            log_y: false,
        }
    }
}

const SERIES_COLOURS: [&str; 6] = [
    "#0877bd", "#f59322", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
];

/// An SVG chart of loss curves: one line per `(name, values)` series against the epoch, with
/// ticks on both axes, a legend naming each series, and `title`.
///
/// Value `i` of a series is drawn at epoch `i`. The y axis spans the smallest to the largest
/// value of all series (padded by 5%); NaN and ±∞ (and, with `log_y`, values ≤ 0) leave a gap
/// in their line, and a value with no neighbour to join is drawn as a dot. Colours cycle
/// through blue, orange, green, red, purple and brown. With no values at all the chart says
/// "no data".
///
/// ```
/// use tapegrad::plot::{loss_curves_svg, CurveOptions};
///
/// let train = [1.0, 0.6, 0.4, 0.3];
/// let test = [1.1, 0.8, 0.7, 0.7];
/// let svg = loss_curves_svg(&[("train", &train), ("test", &test)], "loss", &CurveOptions::default());
/// assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
/// assert!(svg.contains(">train</text>") && svg.contains(">test</text>"));
/// ```
///
/// # Panics
/// If the picture is smaller than 120 × 100 px (too small for axes and legend).
pub fn loss_curves_svg(series: &[(&str, &[f64])], title: &str, options: &CurveOptions) -> String {
    let CurveOptions {
        width,
        height,
        log_y,
    } = *options;
    assert!(
        width >= 120 && height >= 100,
        "loss_curves_svg needs at least 120 x 100 px, got {width} x {height}"
    );
    let frame = Frame {
        left: 60.0,
        top: 40.0,
        width: f64::from(width) - 80.0,
        height: f64::from(height) - 90.0,
    };
    // Values are mapped to the y axis through `tr` (log10 when log_y).
    let tr = |v: f64| -> Option<f64> {
        let t = if log_y {
            (v > 0.0).then(|| v.log10())?
        } else {
            v
        };
        t.is_finite().then_some(t)
    };
    let (mut lo, mut hi) = series
        .iter()
        .flat_map(|(_, vs)| vs.iter().filter_map(|&v| tr(v)))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| {
            (lo.min(t), hi.max(t))
        });
    let has_data = lo <= hi;
    if !has_data {
        (lo, hi) = (0.0, 1.0);
    } else if lo == hi {
        let pad = if log_y { 0.5 } else { lo.abs().max(1.0) * 0.1 };
        (lo, hi) = (lo - pad, hi + pad);
    } else {
        // In halves, here and below: hi - lo overflows for values near ±f64::MAX.
        let pad = (hi / 2.0 - lo / 2.0) * 0.1;
        (lo, hi) = (lo - pad, hi + pad);
    }
    (lo, hi) = (lo.max(-f64::MAX), hi.min(f64::MAX));
    let last_epoch = series.iter().map(|(_, vs)| vs.len()).max().unwrap_or(0);
    let x_max = (last_epoch.saturating_sub(1)).max(1) as f64;
    let px = |i: f64| frame.left + i / x_max * frame.width;
    let py = |t: f64| frame.top + (hi / 2.0 - t / 2.0) / (hi / 2.0 - lo / 2.0) * frame.height;

    let mut out = String::new();
    svg_open(&mut out, f64::from(width), f64::from(height));
    svg_title(&mut out, frame.left + frame.width / 2.0, 25.0, title);

    // Axes: epoch ticks along the bottom, loss ticks along the left.
    let (xt, xd) = nice_ticks(0.0, x_max, 6);
    let xt: Vec<(f64, String)> = xt.into_iter().map(|v| (px(v), tick_label(v, xd))).collect();
    frame.x_ticks(&mut out, &xt);
    let yt: Vec<(f64, String)> = if log_y {
        log_ticks(lo, hi)
            .into_iter()
            .map(|v| (py(v.log10()), format_log_tick(v)))
            .collect()
    } else {
        let (ticks, d) = nice_ticks(lo, hi, 5);
        ticks
            .into_iter()
            .map(|v| (py(v), tick_label(v, d)))
            .collect()
    };
    frame.y_ticks(&mut out, &yt);
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">epoch</text>",
        num(frame.left + frame.width / 2.0),
        num(frame.top + frame.height + 36.0)
    );
    let _ = writeln!(
        out,
        "<text x=\"{x}\" y=\"{y}\" text-anchor=\"middle\" transform=\"rotate(-90 {x} {y})\">{}</text>",
        if log_y { "loss (log scale)" } else { "loss" },
        x = num(16.0),
        y = num(frame.top + frame.height / 2.0)
    );

    // The curves: one <polyline> per unbroken run, a dot for a lone value.
    for (k, (_, values)) in series.iter().enumerate() {
        let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
        let mut run: Vec<(f64, f64)> = Vec::new();
        let flush = |run: &mut Vec<(f64, f64)>, out: &mut String| {
            match run.len() {
                0 => {}
                1 => {
                    let _ = writeln!(
                        out,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{colour}\"/>",
                        num(run[0].0),
                        num(run[0].1)
                    );
                }
                _ => {
                    let pts: Vec<String> = run
                        .iter()
                        .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
                        .collect();
                    let _ = writeln!(
                        out,
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" \
                         stroke-width=\"2\" stroke-linejoin=\"round\"/>",
                        pts.join(" ")
                    );
                }
            }
            run.clear();
        };
        for (i, &v) in values.iter().enumerate() {
            match tr(v) {
                Some(t) => run.push((px(i as f64), py(t))),
                None => flush(&mut run, &mut out),
            }
        }
        flush(&mut run, &mut out);
    }

    if !has_data {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#777777\">no data</text>",
            num(frame.left + frame.width / 2.0),
            num(frame.top + frame.height / 2.0)
        );
    }
    frame.draw_box(&mut out);

    // The legend, top right inside the plot area.
    if !series.is_empty() {
        let longest = series
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0);
        let box_w = 40.0 + 7.0 * longest as f64;
        let box_h = 8.0 + 18.0 * series.len() as f64;
        let bx = frame.left + frame.width - box_w - 8.0;
        let by = frame.top + 8.0;
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" \
             fill-opacity=\"0.85\" stroke=\"#bbbbbb\"/>",
            num(bx),
            num(by),
            num(box_w),
            num(box_h)
        );
        for (k, (name, _)) in series.iter().enumerate() {
            let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
            let y = by + 16.0 + 18.0 * k as f64;
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\" \
                 stroke-width=\"2\"/><text x=\"{}\" y=\"{}\">{}</text>",
                num(bx + 8.0),
                num(bx + 28.0),
                num(bx + 34.0),
                num(y + 4.0),
                escape(name),
                y = num(y)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// Ticks for a log axis spanning log10 values [lo, hi]: the powers of ten inside, or 1, 2, 5
/// times powers of ten when the span holds fewer than three powers.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (a, b) = (lo.floor() as i32, hi.ceil() as i32);
    let inside = |v: &f64| (lo..=hi).contains(&v.log10());
    let powers: Vec<f64> = (a..=b).map(|k| 10f64.powi(k)).filter(inside).collect();
    if powers.len() >= 3 {
        return powers;
    }
    (a..=b)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
        .filter(inside)
        .collect()
}

fn format_log_tick(v: f64) -> String {
    if (1e-3..1e4).contains(&v) {
        // Round away the float noise of 10^k, e.g. 0.30000000000000004.
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:e}")
    }
}
