//! Reading a field as a number: the bits `str::parse` gives, quicker for the short decimals
//! CSV files are mostly made of.

/// `text` as an `f64`, exactly as `text.parse::<f64>().ok()` reads it.
pub(super) fn parse_f64(text: &str) -> Option<f64> {
    short_decimal(text).or_else(|| text.parse().ok())
}

/// The powers of ten an `f64` holds exactly, up to the most digits [`short_decimal`] reads.
const POWERS_OF_TEN: [f64; 18] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17,
];

/// A decimal without exponent (`-1.234`, `12`, `.5`) of at most 17 characters whose digits,
/// read as an integer, are at most 2^53: the integer and the power of ten that scales it are
/// then exact `f64`s, so one division rounds the quotient once, correctly, as `str::parse`
/// does (Clinger's fast path). `None` for anything else, which `str::parse` reads. (Fifteen
/// digits are always at most 2^53; longer texts are left to `str::parse` without a look.)
fn short_decimal(text: &str) -> Option<f64> {
    if text.len() > 17 {
        return None;
    }
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        rest => (false, rest),
    };
    let (mut mantissa, mut count, mut point) = (0_u64, 0, None);
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mantissa = 10 * mantissa + u64::from(b - b'0');
                count += 1;
            }
            b'.' if point.is_none() => point = Some(count),
            _ => return None,
        }
    }
    if count == 0 || mantissa > 1 << 53 {
        return None;
    }
    let value = mantissa as f64 / POWERS_OF_TEN[count - point.unwrap_or(count)];
    Some(if negative { -value } else { value })
}
