//! What every SVG picture shares: the Playground's colours, escaping and number format, axis
//! ticks, the document's opening and title, the plot frame, and the shaded grid of a map.

use std::fmt::Write as _;

use super::Bounds;

/// The Playground's colours: positive, the neutral middle, negative.
pub(super) const BLUE: (u8, u8, u8) = (0x08, 0x77, 0xbd);
const GREY: (u8, u8, u8) = (0xe8, 0xea, 0xeb);
pub(super) const ORANGE: (u8, u8, u8) = (0xf5, 0x93, 0x22);

/// Escapes text for use in SVG content or attribute values.
pub(super) fn escape(text: &str) -> String {
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
pub(super) fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 {
        "0".to_string()
    } else {
        format!("{r}")
    }
}

pub(super) fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The Playground's colour scale: orange at −1, grey at 0, blue at +1 (clamped).
pub(super) fn score_colour(t: f64) -> (u8, u8, u8) {
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
pub(super) fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, usize) {
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

pub(super) fn tick_label(v: f64, decimals: usize) -> String {
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
pub(super) fn svg_open(out: &mut String, width: f64, height: f64) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        w = num(width),
        h = num(height)
    );
}

/// About how wide `text` is at `font_size` px in the pictures' sans-serif font: 0.6 em a
/// character, a little more than its average letter or digit, so that text measured with it
/// fits.
pub(super) fn text_width(text: &str, font_size: f64) -> f64 {
    0.6 * font_size * text.chars().count() as f64
}

/// The title, centred at `x` with its first line's baseline at `y`, broken into lines of at
/// most `room` px: at 16 px, or 12 px if that takes more than two lines. Returns how much
/// lower than one line of 16 px its last line ends, for the picture to make room.
pub(super) fn svg_title(out: &mut String, x: f64, y: f64, title: &str, room: f64) -> f64 {
    let mut size = 16.0;
    let mut lines = wrap(title, room, size);
    if lines.len() > 2 {
        size = 12.0;
        lines = wrap(title, room, size);
    }
    for (k, line) in lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{size}\">{}</text>",
            num(x),
            num(y + 1.2 * size * k as f64),
            escape(line)
        );
    }
    1.2 * size * lines.len() as f64 - 1.2 * 16.0
}

/// `text` broken at spaces into lines of at most `room` px at `font_size` (a word longer
/// than that on a line of its own).
pub(super) fn wrap(text: &str, room: f64, font_size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), font_size) <= room => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The frame of a plot area with ticks and labels along the bottom and left edges.
pub(super) struct Frame {
    pub(super) left: f64,
    pub(super) top: f64,
    pub(super) width: f64,
    pub(super) height: f64,
}

impl Frame {
    pub(super) fn draw_box(&self, out: &mut String) {
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
    pub(super) fn x_ticks(&self, out: &mut String, ticks: &[(f64, String)]) {
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
    pub(super) fn y_ticks(&self, out: &mut String, ticks: &[(f64, String)]) {
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

/// Panics unless a shaded map of `cells` × `cells` squares, `size` px wide, over `bounds` can
/// be drawn; `what` names the function asked.
#[track_caller]
pub(super) fn check_grid(what: &str, size: u32, cells: usize, bounds: &Bounds) {
    assert!(
        size > 0 && cells > 0,
        "{what} needs size and cells of at least 1, got {size} and {cells}"
    );
    bounds.check();
}

/// The shaded grid of a map: `cells` × `cells` squares over `frame`, each the colour of
/// `value(col, row)` (row 0 on top), one `<rect>` per run of equal shades along a row.
pub(super) fn shade(
    out: &mut String,
    frame: &Frame,
    cells: usize,
    value: impl Fn(usize, usize) -> f64,
) {
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
