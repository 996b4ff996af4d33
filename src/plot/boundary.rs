//! The decision of a 2D classifier as an SVG, in the Playground's colours, with its points
//! and a legend.

use std::fmt::Write as _;

use super::svg::{
    BLUE, Frame, ORANGE, check_grid, hex, nice_ticks, num, score_colour, shade, svg_open,
    svg_title, tick_label,
};
use super::{Bounds, cell_centre};
use crate::datasets::Point;

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
/// otherwise; points outside the bounds are clipped away, and points with a NaN or infinite
/// coordinate are left out), the plot frame with ticks, the
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
    let picture_width = 50.0 + side + LEGEND_WIDTH;
    let mut header = String::new();
    let title_below = svg_title(
        &mut header,
        picture_width / 2.0,
        25.0,
        title,
        picture_width - 16.0,
    );
    let frame = Frame {
        left: 50.0,
        top: 40.0 + title_below,
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
    out.push_str(&header);
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
    // A point whose pixel is not a number (a NaN or infinite coordinate, or one so far out
    // that it overflows) has no place to be drawn, and `cx="NaN"` is no SVG: left out.
    out.push_str("<g clip-path=\"url(#plot-area)\" stroke=\"#333333\" stroke-width=\"0.8\">\n");
    let points = train
        .iter()
        .map(|p| (p, false))
        .chain(test.iter().map(|p| (p, true)));
    for (p, is_test) in points {
        let (cx, cy) = to_px(p.x, p.y);
        if cx.is_finite() && cy.is_finite() {
            let _ = writeln!(out, "{}", marker(cx, cy, p.label > 0.0, is_test));
        }
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
