//! Loss curves as an SVG chart.

use std::fmt::Write as _;

use super::svg::{Frame, escape, nice_ticks, num, svg_open, svg_title, tick_label};

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
