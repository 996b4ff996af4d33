//! The decision as a character map, for a terminal.

use std::fmt::Write as _;

use super::{Bounds, cell_centre, cell_of};
use crate::datasets::Point;

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
