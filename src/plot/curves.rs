//! Loss curves as an SVG chart.

use std::fmt::Write as _;

use super::svg::{Frame, escape, nice_ticks, num, svg_open, svg_title, text_width, tick_label};

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
/// Everything stays readable: the legend goes in the first corner of the plot area that no
/// curve passes through (top right, top left, bottom right, bottom left), or else to the
/// right of it; a log axis has three to eight ticks over any range (powers of ten, then
/// 1, 2, 5 times them, then round numbers for a range of less than a factor of about five);
/// a title too long for one line is broken into lines.
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
    let mut frame = Frame {
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
    let mut out = String::new();
    svg_open(&mut out, f64::from(width), f64::from(height));
    let mut header = String::new();
    let title_below = svg_title(
        &mut header,
        f64::from(width) / 2.0,
        25.0,
        title,
        f64::from(width) - 16.0,
    )
    .min(frame.height / 2.0);
    frame.top += title_below;
    frame.height -= title_below;
    // The loss ticks, as (value on the axis, label); the plot area starts right of the widest.
    let y_ticks: Vec<(f64, String)> = if log_y {
        log_ticks(lo, hi)
            .into_iter()
            .map(|(v, label)| (v.log10(), label))
            .collect()
    } else {
        let (ticks, d) = nice_ticks(lo, hi, 5);
        ticks.into_iter().map(|v| (v, tick_label(v, d))).collect()
    };
    let widest = y_ticks
        .iter()
        .map(|(_, l)| text_width(l, 12.0))
        .fold(0.0, f64::max);
    let shift = (widest + 38.0 - frame.left).clamp(0.0, frame.width / 2.0);
    frame.left += shift;
    frame.width -= shift;
    // Each series' unbroken runs of points, in pixels of `frame`.
    let runs = |frame: &Frame| -> Vec<Vec<Vec<(f64, f64)>>> {
        let px = |i: f64| frame.left + i / x_max * frame.width;
        let py = |t: f64| frame.top + (hi / 2.0 - t / 2.0) / (hi / 2.0 - lo / 2.0) * frame.height;
        series
            .iter()
            .map(|(_, values)| {
                let mut runs = vec![Vec::new()];
                for (i, &v) in values.iter().enumerate() {
                    match tr(v) {
                        Some(t) => runs.last_mut().unwrap().push((px(i as f64), py(t))),
                        None => runs.push(Vec::new()),
                    }
                }
                runs.retain(|r: &Vec<_>| !r.is_empty());
                runs
            })
            .collect()
    };
    let legend = (!series.is_empty()).then(|| {
        let names = series.iter().map(|(n, _)| text_width(n, 12.0));
        (
            40.0 + names.fold(0.0, f64::max),
            8.0 + 18.0 * series.len() as f64,
        )
    });
    let legend_at = legend.map(|size| place_legend(&mut frame, size, &runs));
    let px = |i: f64| frame.left + i / x_max * frame.width;
    let py = |t: f64| frame.top + (hi / 2.0 - t / 2.0) / (hi / 2.0 - lo / 2.0) * frame.height;

    out.push_str(&header);

    // Axes: epoch ticks along the bottom, loss ticks along the left.
    let (xt, xd) = nice_ticks(0.0, x_max, 6);
    let xt: Vec<(f64, String)> = xt.into_iter().map(|v| (px(v), tick_label(v, xd))).collect();
    frame.x_ticks(&mut out, &xt);
    let yt: Vec<(f64, String)> = y_ticks.into_iter().map(|(t, l)| (py(t), l)).collect();
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
    for (k, runs) in runs(&frame).iter().enumerate() {
        let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
        for run in runs {
            if let [(x, y)] = run[..] {
                let _ = writeln!(
                    out,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{colour}\"/>",
                    num(x),
                    num(y)
                );
            } else {
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

    if let (Some((box_w, box_h)), Some((bx, by))) = (legend, legend_at) {
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

/// Where the legend box of `size` (width, height) goes, its top left corner: the first
/// corner of the plot area (top right, top left, bottom right, bottom left) that no curve
/// passes through; failing that, to the right of the plot area, which narrows to make room
/// (if it keeps half its width); failing that, the corner the fewest curve segments cross.
fn place_legend(
    frame: &mut Frame,
    (w, h): (f64, f64),
    runs: &impl Fn(&Frame) -> Vec<Vec<Vec<(f64, f64)>>>,
) -> (f64, f64) {
    let corners = |f: &Frame| {
        let (left, right) = (f.left + 8.0, f.left + f.width - w - 8.0);
        let (top, bottom) = (f.top + 8.0, f.top + f.height - h - 8.0);
        [(right, top), (left, top), (right, bottom), (left, bottom)]
    };
    let crossings = |f: &Frame, (x, y): (f64, f64)| {
        // The box, grown by the width of a line and a dot's radius.
        let r = (x - 3.0, y - 3.0, x + w + 3.0, y + h + 3.0);
        runs(f)
            .iter()
            .flatten()
            .flat_map(|run| {
                let lone = run.first().filter(|_| run.len() == 1).map(|&p| (p, p));
                run.windows(2).map(|p| (p[0], p[1])).chain(lone)
            })
            .filter(|&(a, b)| segment_meets_box(a, b, r))
            .count()
    };
    let inside = corners(frame);
    if let Some(&at) = inside.iter().find(|&&at| crossings(frame, at) == 0) {
        return at;
    }
    if frame.width - w - 16.0 >= frame.width / 2.0 {
        frame.width -= w + 16.0;
        return (frame.left + frame.width + 12.0, frame.top);
    }
    inside
        .into_iter()
        .min_by_key(|&at| crossings(frame, at))
        .unwrap_or_default()
}

/// Whether the segment from `a` to `b` has a point inside the box `(x0, y0, x1, y1)`
/// (Liang-Barsky clipping).
fn segment_meets_box(a: (f64, f64), b: (f64, f64), (x0, y0, x1, y1): (f64, f64, f64, f64)) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a.0 - x0),
        (dx, x1 - a.0),
        (-dy, a.1 - y0),
        (dy, y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else if p < 0.0 {
            t0 = t0.max(q / p);
        } else {
            t1 = t1.min(q / p);
        }
    }
    t0 <= t1
}

/// Ticks for a log axis spanning log10 values [lo, hi], with their labels: at least three
/// and at most eight. The powers of ten inside (every second, third, ... when there are
/// more than eight), or 1, 2, 5 times powers of ten when the span holds fewer than three
/// powers, or round numbers evenly spaced in value when it holds fewer than three of those
/// (a span of less than a factor of about five).
fn log_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    let (a, b) = (lo.floor() as i32, hi.ceil() as i32);
    let inside = |v: &f64| (lo..=hi).contains(&v.log10());
    let powers: Vec<i32> = (a..=b).filter(|&k| inside(&10f64.powi(k))).collect();
    if powers.len() >= 3 {
        let every = i32::try_from(powers.len().div_ceil(8)).unwrap_or(i32::MAX);
        return powers
            .into_iter()
            .filter(|k| k.rem_euclid(every) == 0)
            .map(|k| (10f64.powi(k), power_label(1, k)))
            .collect();
    }
    let one_two_five: Vec<(f64, String)> = (a..=b)
        .flat_map(|k| [1, 2, 5].map(|m| (f64::from(m) * 10f64.powi(k), power_label(m, k))))
        .filter(|(v, _)| inside(v))
        .collect();
    if one_two_five.len() >= 3 {
        return one_two_five;
    }
    let (bottom, top) = (10f64.powf(lo), 10f64.powf(hi).min(f64::MAX));
    let (ticks, decimals) = nice_ticks(bottom, top, 5);
    let step = match ticks[..] {
        [a, b, ..] => b - a,
        _ => top - bottom,
    };
    ticks
        .into_iter()
        .filter(|v| *v > 0.0 && inside(v))
        .map(|v| {
            let label = if (1e-3..1e4).contains(&v) {
                tick_label(v, decimals)
            } else {
                // As many significant digits as the step needs.
                let digits = (v.log10().floor() - step.log10().floor()).max(0.0) as usize;
                format!("{v:.digits$e}")
            };
            (v, label)
        })
        .collect()
}

/// `m` × 10^`k` as a tick label: `0.002`, `50`, `2000`, or `1e-5`, `5e12` beyond.
fn power_label(m: u8, k: i32) -> String {
    if (-3..4).contains(&k) {
        // Rounded to the digits shown, away from the float noise of 10^k.
        let s = format!("{:.3}", f64::from(m) * 10f64.powi(k));
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{m}e{k}")
    }
}
