//! Reading your own two-class data from CSV text or files: `x,y,label`, or three named
//! columns of a wider file.

use std::path::Path;

use super::Point;
use crate::Error;

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
    let (header, rows) = csv_table(text)?;
    if header.fields.len() != 3 {
        let hint = if header.fields.len() > 3 {
            "; to read three columns of a wider file, name them with CsvColumns"
        } else {
            ""
        };
        return Err(csv_error(
            1,
            format!(
                "header has the wrong number of fields: expected 3 (x,y,label), got {}{hint}",
                header.fields.len()
            ),
        ));
    }
    let roles = ["x", "y", "label"].map(String::from);
    csv_points(rows, [0, 1, 2], roles, 3, " (x,y,label)")
}

/// Reads a two-class CSV file; see [`from_csv_str`] for the format.
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
    from_csv_str(&read_text(path.as_ref())?)
}

fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))
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
        let roles = [("x", self.x), ("y", self.y), ("label", self.label)];
        for (i, (first, name)) in roles.iter().enumerate() {
            if let Some((second, _)) = roles[i + 1..].iter().find(|(_, n)| n == name) {
                return Err(Error::InvalidArgument(format!(
                    "CsvColumns: column `{name}` is named for both {first} and {second}; give \
                     each role its own column"
                )));
            }
        }
        let (header, rows) = csv_table(text)?;
        let column = |name: &str| -> Result<usize, Error> {
            let mut at = header.fields.iter().enumerate().filter(|(_, f)| *f == name);
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
                        header.fields.join(", ")
                    ),
                )),
            }
        };
        let at = [column(self.x)?, column(self.y)?, column(self.label)?];
        let roles = roles.map(|(role, name)| format!("{role} (column `{name}`)"));
        csv_points(rows, at, roles, header.fields.len(), " (as in the header)")
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
        self.parse(&read_text(path.as_ref())?)
    }
}

/// One record of a CSV text: its fields, unquoted and trimmed, and the line it starts on.
#[derive(Debug)]
struct CsvRecord {
    line: usize,
    fields: Vec<String>,
    /// One unquoted field of nothing but spaces: a blank line.
    blank: bool,
}

/// The header and the data rows of a CSV text, with the checks every reader shares: a
/// non-empty file, a header that is not a row of numbers, at least one row, and blank lines
/// only at the end (they are dropped).
fn csv_table(text: &str) -> Result<(CsvRecord, Vec<CsvRecord>), Error> {
    let mut records = csv_records(text.strip_prefix('\u{feff}').unwrap_or(text))?;
    while records.last().is_some_and(|r| r.blank) {
        records.pop();
    }
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(csv_error(
            1,
            "empty file: expected a header line `x,y,label` and data rows",
        ));
    };
    if header.fields.iter().all(|f| f.parse::<f64>().is_ok()) {
        return Err(csv_error(
            1,
            format!(
                "missing header: expected a line of names like `x,y,label`, found `{}`",
                header.fields.join(",")
            ),
        ));
    }
    let rows: Vec<CsvRecord> = records.collect();
    if rows.is_empty() {
        return Err(csv_error(2, "no data rows after the header"));
    }
    if let Some(blank) = rows.iter().find(|r| r.blank) {
        return Err(csv_error(
            blank.line,
            "blank line between data rows (blank lines are allowed only at the end)",
        ));
    }
    Ok((header, rows))
}

/// Splits CSV text into records, RFC 4180 style: fields separated by commas, records by
/// `\n` or `\r\n`; a field in double quotes may hold commas, line breaks and doubled quotes
/// (`""` for `"`). Spaces around a field are dropped; inside quotes they are kept.
fn csv_records(text: &str) -> Result<Vec<CsvRecord>, Error> {
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut records = Vec::new();
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut quoted_any = false;
        loop {
            while chars.next_if(|&c| c == ' ' || c == '\t').is_some() {}
            let mut field = String::new();
            if chars.next_if_eq(&'"').is_some() {
                quoted_any = true;
                let opened = line;
                loop {
                    match chars.next() {
                        Some('"') if chars.next_if_eq(&'"').is_some() => field.push('"'),
                        Some('"') => break,
                        Some(c) => {
                            line += usize::from(c == '\n');
                            field.push(c);
                        }
                        None => {
                            return Err(csv_error(
                                opened,
                                "a quoted field is never closed (a `\"` is missing)",
                            ));
                        }
                    }
                }
                while chars.next_if(|&c| matches!(c, ' ' | '\t' | '\r')).is_some() {}
                if let Some(&c) = chars.peek().filter(|&&c| c != ',' && c != '\n') {
                    return Err(csv_error(
                        line,
                        format!("unexpected `{c}` after a closing quote (a field ends there)"),
                    ));
                }
            } else {
                while let Some(c) = chars.next_if(|&c| c != ',' && c != '\n') {
                    if c == '"' {
                        return Err(csv_error(
                            line,
                            "a quote inside an unquoted field: quote the whole field and \
                             double the quotes within it (`\"a \"\"b\"\"\"`)",
                        ));
                    }
                    field.push(c);
                }
                field = field.trim().to_string();
            }
            fields.push(field);
            if chars.next_if_eq(&',').is_none() {
                break;
            }
        }
        if chars.next_if_eq(&'\n').is_some() {
            line += 1;
        }
        let blank = !quoted_any && fields.len() == 1 && fields[0].is_empty();
        records.push(CsvRecord {
            line: start,
            fields,
            blank,
        });
    }
    Ok(records)
}

/// The points in `rows`: x, y and label from the fields at `at`, named in messages as
/// `roles`. Every row has `width` fields; `why` follows that number in the message.
fn csv_points(
    rows: Vec<CsvRecord>,
    at: [usize; 3],
    roles: [String; 3],
    width: usize,
    why: &str,
) -> Result<Vec<Point>, Error> {
    // The line that fixed the labelling convention, and which one: Some(true) for -1/1.
    let mut convention: Option<(bool, usize)> = None;
    let mut points = Vec::with_capacity(rows.len());
    for row in rows {
        let line = row.line;
        if row.fields.len() != width {
            return Err(csv_error(
                line,
                format!(
                    "wrong number of fields: expected {width}{why}, got {}",
                    row.fields.len()
                ),
            ));
        }
        let number = |k: usize| -> Result<f64, Error> {
            let (role, text) = (&roles[k], row.fields[at[k]].trim());
            let v: f64 = text.parse().map_err(|_| {
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
                    row.fields[at[2]].trim()
                ),
            ));
        }
        if label != 1.0 {
            let pm_one = label == -1.0;
            match convention {
                None => convention = Some((pm_one, line)),
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
        points.push(Point::new(x, y, label));
    }
    Ok(points)
}
