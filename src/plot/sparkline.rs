//! One-line charts of a series, in block characters.

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
