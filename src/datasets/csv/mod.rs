//! Reading your own two-class data from CSV text or files: `x,y,label`, or three named
//! columns of a wider file.

mod number;
mod pieces;
mod records;

use std::path::Path;

use super::Point;
use crate::Error;
use crate::error::vec_with_capacity;
use number::parse_f64;
use pieces::{BLOCK, Pieces};
use records::{Records, trim};

fn csv_error(line: usize, message: impl Into<String>) -> Error {
    Error::Csv {
        line,
        message: message.into(),
    }
}

/// Parses a two-class CSV: a header line, then one `x,y,label` row per point.
///
/// The rules, so nothing is guessed silently:
/// - the first line is a header of three names (any names that are not all numbers; a first
///   line of numbers is reported as a missing header). For a file with more columns, pick
///   three by name with [`CsvColumns`];
/// - every other line has exactly three comma-separated fields; spaces around a field are
///   ignored. A field may be quoted as in RFC 4180 (`"1.5"`, `"a, b"`, `"say ""hi"""`); a
///   quote inside an unquoted field, text after a closing quote and a quote never closed are
///   errors;
/// - x and y are finite numbers (`NaN` and `inf` are refused);
/// - labels are −1 and 1, or 0 and 1: each must be one of −1, 0, 1 (written any way `f64`
///   parses, e.g. `1.0` or `+1`), and a file may not mix −1 with 0. Labels are kept as written;
///   a file may hold just one class ([`split_shuffled`] refuses to split it);
/// - blank lines are allowed only at the end; a blank line between rows is an error, as is a
///   file with no data rows. A UTF-8 byte-order mark and `\r\n` line ends are fine.
///
/// [`split_shuffled`]: super::split_shuffled
///
/// ```
/// use tapegrad::datasets::{from_csv_str, Point};
///
/// let points = from_csv_str("x,y,label\n1.5,2,1\n\"-3\",0.25,-1\n")?;
/// assert_eq!(points, [Point::new(1.5, 2.0, 1.0), Point::new(-3.0, 0.25, -1.0)]);
///
/// let err = from_csv_str("x,y,label\n1,2,1\n3,oops,-1\n").unwrap_err();
/// assert_eq!(err.to_string(), "CSV line 3: cannot parse y `oops` as a number");
/// # Ok::<(), tapegrad::Error>(())
/// ```
///
/// # Errors
/// [`Error::Csv`] with the 1-based line number and the problem: an empty file, a missing header,
/// a wrong number of fields (expected 3, got N), a field that is not a number (quoted), a
/// non-finite number, a label that is not −1, 0 or 1 or that mixes −1 with 0, a quoting
/// error, a blank line before the last row, or no data rows.
pub fn from_csv_str(text: &str) -> Result<Vec<Point>, Error> {
    xy_label(Pieces::of_text(text))
}

/// The points of a CSV text of exactly three columns, `x,y,label`.
fn xy_label(mut pieces: Pieces<'_>) -> Result<Vec<Point>, Error> {
    let shape = shape(&mut pieces)?;
    if shape.header.len() != 3 {
        let hint = if shape.header.len() > 3 {
            "; to read three columns of a wider file, name them with CsvColumns"
        } else {
            ""
        };
        return Err(csv_error(
            1,
            format!(
                "header has the wrong number of fields: expected 3 (x,y,label), got {}{hint}",
                shape.header.len()
            ),
        ));
    }
    let columns = Columns {
        at: [0, 1, 2],
        roles: ["x", "y", "label"].map(String::from),
        width: 3,
        why: " (x,y,label)",
    };
    columns.points(&mut pieces, shape.rows)
}

/// Reads a two-class CSV file; see [`from_csv_str`] for the format.
///
/// The file is read twice, a 64 KiB block at a time: once to check its structure and count
/// its rows, then to read the points into a vector of exactly that length. So it holds the
/// points and one block (or one record, if longer), never the whole text: for rows of
/// `-1.234,5.678,1` the points take about 1.5 times the file's size. A file that cannot be
/// read twice (a named pipe, `/dev/stdin`) is read whole, once.
///
/// ```
/// let path = std::env::temp_dir().join("tapegrad_load_csv_doctest.csv");
/// std::fs::write(&path, "x,y,label\n0,1,1\n1,0,0\n")?;
/// let points = tapegrad::datasets::load_csv(&path)?;
/// assert_eq!(points.len(), 2);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::Io`] (naming the path) if the file cannot be read or is not UTF-8, and every
/// [`Error::Csv`] of [`from_csv_str`].
pub fn load_csv(path: impl AsRef<Path>) -> Result<Vec<Point>, Error> {
    xy_label(Pieces::of_file(path.as_ref(), BLOCK)?)
}

/// Which columns of a CSV file with a header hold a point's `x`, `y` and `label`, by their
/// names in the header: how to read a file with more than three columns, or with its columns
/// in another order. Other columns are ignored (they need not be numbers).
///
/// The format is [`from_csv_str`]'s except for the columns: header names are compared
/// exactly, after quotes and surrounding spaces are removed; every row has as many fields as
/// the header.
///
/// ```
/// use tapegrad::datasets::{CsvColumns, Point};
///
/// let text = "\
/// id,species,petal length,petal width,note
/// 7,1,1.4,0.2,\"short, wide\"
/// 8,0,4.7,1.4,
/// ";
/// let columns = CsvColumns { x: "petal length", y: "petal width", label: "species" };
/// assert_eq!(
///     columns.parse(text)?,
///     [Point::new(1.4, 0.2, 1.0), Point::new(4.7, 1.4, 0.0)]
/// );
/// # Ok::<(), tapegrad::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CsvColumns<'a> {
    /// The header name of the column with the first input.
    pub x: &'a str,
    /// The header name of the column with the second input.
    pub y: &'a str,
    /// The header name of the column with the class label.
    pub label: &'a str,
}

impl CsvColumns<'_> {
    /// Parses CSV text, reading the named columns of every row.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if one column is named for two roles (x, y, label);
    /// [`Error::Csv`] naming the line: a named column missing from the header (the message
    /// lists the header's names) or named twice there, a row with a different number of
    /// fields from the header, and every error of [`from_csv_str`] in the selected columns.
    ///
    /// ```
    /// use tapegrad::datasets::CsvColumns;
    ///
    /// let columns = CsvColumns { x: "a", y: "b", label: "class" };
    /// let err = columns.parse("a,b,kind\n1,2,1\n").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "CSV line 1: no column `class` in the header; its columns are a, b, kind"
    /// );
    /// ```
    pub fn parse(&self, text: &str) -> Result<Vec<Point>, Error> {
        self.read(Pieces::of_text(text))
    }

    /// Reads a CSV file, reading the named columns of every row; see
    /// [`parse`](CsvColumns::parse).
    ///
    /// # Errors
    /// [`Error::Io`] (naming the path) if the file cannot be read or is not UTF-8, and every
    /// error of [`parse`](CsvColumns::parse).
    ///
    /// ```
    /// use tapegrad::datasets::CsvColumns;
    ///
    /// let path = std::env::temp_dir().join("tapegrad_csv_columns_doctest.csv");
    /// std::fs::write(&path, "label,u,v\n1,0.5,2\n-1,1,-2\n")?;
    /// let points = CsvColumns { x: "u", y: "v", label: "label" }.load(&path)?;
    /// assert_eq!(points[1].inputs(), [1.0, -2.0]);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load(&self, path: impl AsRef<Path>) -> Result<Vec<Point>, Error> {
        self.read(Pieces::of_file(path.as_ref(), BLOCK)?)
    }

    fn read(&self, mut pieces: Pieces<'_>) -> Result<Vec<Point>, Error> {
        let roles = [("x", self.x), ("y", self.y), ("label", self.label)];
        for (i, (first, name)) in roles.iter().enumerate() {
            if let Some((second, _)) = roles[i + 1..].iter().find(|(_, n)| n == name) {
                // A reader that read the whole file first reported an unreadable one first.
                pieces.check_rest()?;
                return Err(Error::InvalidArgument(format!(
                    "CsvColumns: column `{name}` is named for both {first} and {second}; give \
                     each role its own column"
                )));
            }
        }
        let shape = shape(&mut pieces)?;
        let column = |name: &str| -> Result<usize, Error> {
            let mut at = shape.header.iter().enumerate().filter(|(_, f)| *f == name);
            match (at.next(), at.next()) {
                (Some((i, _)), None) => Ok(i),
                (Some(_), Some(_)) => Err(csv_error(
                    1,
                    format!("column `{name}` appears more than once in the header"),
                )),
                (None, _) => Err(csv_error(
                    1,
                    format!(
                        "no column `{name}` in the header; its columns are {}",
                        shape.header.join(", ")
                    ),
                )),
            }
        };
        let columns = Columns {
            at: [column(self.x)?, column(self.y)?, column(self.label)?],
            roles: roles.map(|(role, name)| format!("{role} (column `{name}`)")),
            width: shape.header.len(),
            why: " (as in the header)",
        };
        columns.points(&mut pieces, shape.rows)
    }
}

/// What the first pass finds in a CSV text: its header, and how many data rows follow it.
struct Shape {
    /// The header's fields, unquoted and trimmed.
    header: Vec<String>,
    /// How many data rows there are.
    rows: usize,
}

/// The first pass over a CSV text, with the checks every reader shares: a non-empty file, a
/// header that is not a row of numbers, at least one row, and blank lines only at the end.
///
/// It reads the whole text without keeping any record, so that a quoting error anywhere in
/// the file is reported before the other checks (and an unreadable file before that), and
/// counts the rows, so that the points take exactly the memory they need.
fn shape(pieces: &mut Pieces<'_>) -> Result<Shape, Error> {
    let scan = scan(pieces);
    if scan.is_err() {
        pieces.check_rest()?;
    }
    let Scan {
        header,
        rows,
        blank_between,
    } = scan?;
    if header.as_ref().is_none_or(|(_, blank)| *blank && rows == 0) {
        return Err(csv_error(
            1,
            "empty file: expected a header line `x,y,label` and data rows",
        ));
    }
    let (header, _) = header.unwrap_or_default();
    if header.iter().all(|f| f.parse::<f64>().is_ok()) {
        return Err(csv_error(
            1,
            format!(
                "missing header: expected a line of names like `x,y,label`, found `{}`",
                header.join(",")
            ),
        ));
    }
    if rows == 0 {
        return Err(csv_error(2, "no data rows after the header"));
    }
    if let Some(line) = blank_between {
        return Err(csv_error(
            line,
            "blank line between data rows (blank lines are allowed only at the end)",
        ));
    }
    Ok(Shape { header, rows })
}

/// What [`scan`] reads of a CSV text.
struct Scan {
    /// The first record's fields, and whether it is blank.
    header: Option<(Vec<String>, bool)>,
    /// How many records after the first are not blank.
    rows: usize,
    /// The first blank line with a row after it.
    blank_between: Option<usize>,
}

/// Reads every record of the text, keeping the first one's fields.
fn scan(pieces: &mut Pieces<'_>) -> Result<Scan, Error> {
    let mut scan = Scan {
        header: None,
        rows: 0,
        blank_between: None,
    };
    // The first blank line after the header: an error once a row follows it.
    let (mut blank_at, mut line) = (None, 1);
    while let Some(piece) = pieces.next()? {
        let (mut records, mut fields) = (Records::new(piece, line), Vec::new());
        if scan.header.is_none() {
            scan.header = records
                .read(&mut fields)?
                .map(|h| (fields.iter().map(|f| f.to_string()).collect(), h.blank));
        }
        while let Some(record) = records.skip_record(&mut fields)? {
            if record.blank {
                blank_at = blank_at.or(Some(record.line));
            } else {
                scan.rows += 1;
                scan.blank_between = scan.blank_between.or(blank_at);
            }
        }
        line = records.line();
    }
    Ok(scan)
}

/// Which fields of a row make a point, and how messages name them.
struct Columns {
    /// Where x, y and the label are among a row's fields.
    at: [usize; 3],
    /// Their names in messages.
    roles: [String; 3],
    /// How many fields every row has; `why` follows that number in the message.
    width: usize,
    why: &'static str,
}

impl Columns {
    /// The second pass: the points of the `rows` rows [`shape`] counted, from the start of
    /// `pieces` (blank lines come only after the last row: [`shape`] checked).
    fn points(&self, pieces: &mut Pieces<'_>, rows: usize) -> Result<Vec<Point>, Error> {
        pieces.rewind()?;
        let mut points = vec_with_capacity(rows, || format!("the {rows} points of the file"))?;
        // The line that fixed the labelling convention, and which one: Some(true) for -1/1.
        let mut convention: Option<(bool, usize)> = None;
        let (mut line, mut header) = (1, true);
        while let Some(piece) = pieces.next()? {
            let (mut records, mut fields) = (Records::new(piece, line), Vec::new());
            if std::mem::take(&mut header) {
                records.read(&mut fields)?;
            }
            loop {
                let line = records.line();
                let mut picked = [""; 3];
                let keep = |i, field| {
                    for (k, &at) in self.at.iter().enumerate() {
                        if at == i {
                            picked[k] = field;
                        }
                    }
                };
                let point = if let Some((text, count)) = records.unquoted_line(keep) {
                    if count == 1 && trim(text).is_empty() {
                        return Ok(points);
                    }
                    self.point(line, count, picked, &mut convention)?
                } else {
                    match records.read(&mut fields)? {
                        None => break,
                        Some(record) if record.blank => return Ok(points),
                        Some(_) => {
                            let picked = self.at.map(|i| fields.get(i).map_or("", |f| &**f));
                            self.point(line, fields.len(), picked, &mut convention)?
                        }
                    }
                };
                points.push(point);
            }
            line = records.line();
        }
        Ok(points)
    }

    /// The point of the row on `line`, of `count` fields, whose x, y and label fields are
    /// `fields`; `convention` is the labelling convention the rows before it fixed.
    fn point(
        &self,
        line: usize,
        count: usize,
        fields: [&str; 3],
        convention: &mut Option<(bool, usize)>,
    ) -> Result<Point, Error> {
        let width = self.width;
        if count != width {
            return Err(csv_error(
                line,
                format!(
                    "wrong number of fields: expected {width}{}, got {count}",
                    self.why
                ),
            ));
        }
        let number = |k: usize| -> Result<f64, Error> {
            let (role, text) = (&self.roles[k], trim(fields[k]));
            let v = parse_f64(text).ok_or_else(|| {
                csv_error(line, format!("cannot parse {role} `{text}` as a number"))
            })?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(csv_error(
                    line,
                    format!("{role} `{text}` is not a finite number"),
                ))
            }
        };
        let (x, y, label) = (number(0)?, number(1)?, number(2)?);
        if label != -1.0 && label != 0.0 && label != 1.0 {
            return Err(csv_error(
                line,
                format!(
                    "label `{}` is not a class: labels must be -1 and 1, or 0 and 1",
                    trim(fields[2])
                ),
            ));
        }
        if label != 1.0 {
            let pm_one = label == -1.0;
            match *convention {
                None => *convention = Some((pm_one, line)),
                Some((seen, first)) if seen != pm_one => {
                    let (now, before) = if pm_one { ("-1", "0") } else { ("0", "-1") };
                    return Err(csv_error(
                        line,
                        format!(
                            "label {now} mixes label conventions: line {first} used {before}; \
                             use either -1 and 1, or 0 and 1"
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(Point::new(x, y, label))
    }
}

#[cfg(test)]
mod tests;
