//! The seed stories' small sets: six points one neuron separates, and odd/even numbers, raw
//! or in binary.

use std::ops::RangeInclusive;

use super::Point;
use crate::Error;
use crate::error::vec_with_capacity;

/// The six points of the seed story, labelled **0 and 1** (not ±1): class 0 is (3, 4), (2, 6),
/// (1, 6), up and to the left; class 1 is (1, 1), (2, 1), (3, 1), along the bottom. A single
/// neuron separates them.
///
/// ```
/// let points = tapegrad::datasets::six_points();
/// assert_eq!(points.len(), 6);
/// assert!(points.iter().all(|p| (p.label == 1.0) == (p.y == 1.0)));
/// ```
pub fn six_points() -> Vec<Point> {
    vec![
        Point::new(3.0, 4.0, 0.0),
        Point::new(2.0, 6.0, 0.0),
        Point::new(1.0, 6.0, 0.0),
        Point::new(1.0, 1.0, 1.0),
        Point::new(2.0, 1.0, 1.0),
        Point::new(3.0, 1.0, 1.0),
    ]
}

/// The odd/even story's data: the numbers 1 to 10 as `(input, label)` pairs, labelled 1 for odd
/// and 0 for even. Fed as one raw number, odd/even is hard to learn; see [`odd_even_bits`] for
/// the encoding that makes it easy.
///
/// ```
/// let data = tapegrad::datasets::odd_even();
/// assert_eq!(data[..3], [(1.0, 1.0), (2.0, 0.0), (3.0, 1.0)]);
/// assert_eq!(data.len(), 10);
/// ```
pub fn odd_even() -> Vec<(f64, f64)> {
    odd_even_range(1..=10)
}

/// The numbers of `range` as `(input, label)` pairs, labelled 1 for odd and 0 for even, e.g.
/// `odd_even_range(11..=255)` as a test set for a model trained on [`odd_even`].
///
/// ```
/// let test = tapegrad::datasets::odd_even_range(11..=255);
/// assert_eq!(test.len(), 245);
/// assert_eq!(test[0], (11.0, 1.0));
/// assert_eq!(test[244], (255.0, 1.0));
/// ```
///
/// # Panics
/// If the range reaches past 2^53 (9,007,199,254,740,992): an `f64` holds every whole number
/// only up to there, and 2^53 + 1 would become the even 2^53 with the label of an odd number.
/// Also if its numbers do not fit in memory, with a message saying so (never an abort).
#[track_caller]
pub fn odd_even_range(range: RangeInclusive<u64>) -> Vec<(f64, f64)> {
    const EXACT: u64 = 1 << 53;
    assert!(
        range.is_empty() || *range.end() <= EXACT,
        "odd_even_range: every number must be at most 2^53 = {EXACT} to be exact as an f64 \
         input, got a range ending at {}",
        range.end()
    );
    let count = range.clone().count();
    let mut pairs = vec_with_capacity(count, || format!("{count} numbers"))
        .unwrap_or_else(|e| panic!("odd_even_range: {e}"));
    pairs.extend(range.map(|k| (k as f64, (k % 2) as f64)));
    pairs
}

/// `value` in binary as `bits` inputs of 0.0 or 1.0, **least significant bit first**: element
/// `i` is bit `i` (worth 2^i). So element 0 alone says whether `value` is odd.
///
/// ```
/// // 6 = 0b110: bits 0, 1, 2 are 0, 1, 1.
/// assert_eq!(tapegrad::datasets::to_bits(6, 4)?, [0.0, 1.0, 1.0, 0.0]);
/// assert!(tapegrad::datasets::to_bits(16, 4).is_err()); // needs 5 bits
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `bits` is 0 or more than 64, or `value` needs more than `bits`
/// bits (it is never silently truncated).
pub fn to_bits(value: u64, bits: u32) -> Result<Vec<f64>, Error> {
    if bits == 0 || bits > 64 {
        return Err(Error::InvalidArgument(format!(
            "bits must be between 1 and 64, got {bits}"
        )));
    }
    let needed = u64::BITS - value.leading_zeros();
    if needed > bits {
        return Err(Error::InvalidArgument(format!(
            "{value} needs {needed} bits, but only {bits} were asked for"
        )));
    }
    Ok((0..bits).map(|i| ((value >> i) & 1) as f64).collect())
}

/// The numbers of `range` in binary ([`to_bits`], least significant bit first) with labels 1
/// for odd and 0 for even: the odd/even story's second act, where the answer is one input.
///
/// ```
/// let data = tapegrad::datasets::odd_even_bits(1..=10, 4)?;
/// assert_eq!(data[4], (vec![1.0, 0.0, 1.0, 0.0], 1.0)); // 5 = 0b0101
/// assert!(data.iter().all(|(bits, label)| bits[0] == *label));
///
/// // 2^40 numbers of 41 bits would take about 400 TB: refused at once.
/// let err = tapegrad::datasets::odd_even_bits(1..=1 << 40, 41).unwrap_err();
/// assert!(err.to_string().contains("1099511627776 numbers of 41 bits do not fit in memory"));
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidArgument`] if `bits` is 0 or more than 64 (even for an empty range), if a
/// number of the range needs more than `bits` bits, or if the range's numbers and their bits
/// do not fit in memory (checked before any of them is made, so a huge range is refused at
/// once rather than growing until memory runs out).
pub fn odd_even_bits(range: RangeInclusive<u64>, bits: u32) -> Result<Vec<(Vec<f64>, f64)>, Error> {
    // The largest number is the last: if it fits in `bits`, all do.
    to_bits(if range.is_empty() { 0 } else { *range.end() }, bits)?;
    let count = if range.is_empty() {
        0
    } else {
        u128::from(range.end() - range.start()) + 1
    };
    let what = || format!("odd_even_bits: {count} numbers of {bits} bits");
    // A count past usize (0..=u64::MAX) asks for usize::MAX rows, which is refused as well.
    let rows = usize::try_from(count).unwrap_or(usize::MAX);
    let mut pairs = vec_with_capacity(rows, what)?;
    // Each number's bits are a small allocation of their own, and small ones succeed until
    // memory runs out; so their total is asked for once, up front, and given back.
    vec_with_capacity::<f64>(rows.saturating_mul(bits as usize), what)?;
    for k in range {
        pairs.push((to_bits(k, bits)?, (k % 2) as f64));
    }
    Ok(pairs)
}
