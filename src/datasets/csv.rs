//! Reading your own two-class data from CSV text or files: `x,y,label`, or three named
//! columns of a wider file.

use std::borrow::Cow;
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
    let table = csv_table(text)?;
    if table.header.len() != 3 {
        let hint = if table.header.len() > 3 {
            "; to read three columns of a wider file, name them with CsvColumns"
        } else {
            ""
        };
        return Err(csv_error(
            1,
            format!(
                "header has the wrong number of fields: expected 3 (x,y,label), got {}{hint}",
                table.header.len()
            ),
        ));
    }
    let roles = ["x", "y", "label"].map(String::from);
    csv_points(table, [0, 1, 2], roles, 3, " (x,y,label)")
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
        let table = csv_table(text)?;
        let column = |name: &str| -> Result<usize, Error> {
            let mut at = table.header.iter().enumerate().filter(|(_, f)| *f == name);
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
                        table.header.join(", ")
                    ),
                )),
            }
        };
        let at = [column(self.x)?, column(self.y)?, column(self.label)?];
        let roles = roles.map(|(role, name)| format!("{role} (column `{name}`)"));
        let width = table.header.len();
        csv_points(table, at, roles, width, " (as in the header)")
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

/// The header and the data rows of a CSV text, checked by [`csv_table`].
struct CsvTable<'t> {
    /// The header's fields, unquoted and trimmed.
    header: Vec<String>,
    /// The records after the header: the data rows, then only blank lines.
    rows: Records<'t>,
    /// How many data rows there are.
    count: usize,
}

/// The header and the data rows of a CSV text, with the checks every reader shares: a
/// non-empty file, a header that is not a row of numbers, at least one row, and blank lines
/// only at the end.
///
/// It reads the whole text once without keeping any record, so that a quoting error anywhere
/// in the file is reported before the other checks (as when every record was kept), and
/// counts the rows, so that the points take exactly the memory they need.
fn csv_table(text: &str) -> Result<CsvTable<'_>, Error> {
    let mut records = Records::new(text.strip_prefix('\u{feff}').unwrap_or(text));
    let mut fields = Vec::new();
    let header = records.read(&mut fields)?;
    let header_fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
    let rows = records.clone();
    // The data rows, and the first blank line seen after the header: an error once a row
    // follows it, trailing otherwise.
    let (mut count, mut blank_at, mut blank_between) = (0, None, None);
    while let Some(record) = records.read(&mut fields)? {
        if record.blank {
            blank_at = blank_at.or(Some(record.line));
        } else {
            count += 1;
            blank_between = blank_between.or(blank_at);
        }
    }
    if header.is_none_or(|h| h.blank && count == 0) {
        return Err(csv_error(
            1,
            "empty file: expected a header line `x,y,label` and data rows",
        ));
    }
    if header_fields.iter().all(|f| f.parse::<f64>().is_ok()) {
        return Err(csv_error(
            1,
            format!(
                "missing header: expected a line of names like `x,y,label`, found `{}`",
                header_fields.join(",")
            ),
        ));
    }
    if count == 0 {
        return Err(csv_error(2, "no data rows after the header"));
    }
    if let Some(line) = blank_between {
        return Err(csv_error(
            line,
            "blank line between data rows (blank lines are allowed only at the end)",
        ));
    }
    Ok(CsvTable {
        header: header_fields,
        rows,
        count,
    })
}

/// What [`Records::read`] says of the record it read.
#[derive(Clone, Copy, Debug)]
struct Record {
    /// The line the record starts on, from 1.
    line: usize,
    /// One unquoted field of nothing but spaces: a blank line.
    blank: bool,
}

/// The records of a CSV text, RFC 4180 style: fields separated by commas, records by `\n` or
/// `\r\n`; a field in double quotes may hold commas, line breaks and doubled quotes (`""` for
/// `"`). Spaces around a field are dropped; inside quotes they are kept.
///
/// Fields are slices of the text; only a quoted field with a doubled quote is copied.
#[derive(Clone, Debug)]
struct Records<'t> {
    /// The text not read yet.
    rest: &'t str,
    /// The line `rest` starts on, from 1.
    line: usize,
}

impl<'t> Records<'t> {
    fn new(text: &'t str) -> Self {
        Records {
            rest: text,
            line: 1,
        }
    }

    /// Reads the next record into `fields` (cleared first); `None` at the end of the text.
    fn read(&mut self, fields: &mut Vec<Cow<'t, str>>) -> Result<Option<Record>, Error> {
        fields.clear();
        if self.rest.is_empty() {
            return Ok(None);
        }
        let start = self.line;
        if let Some(rest) = self.unquoted_line(fields) {
            self.rest = rest;
            self.line += 1;
            let blank = fields.len() == 1 && fields[0].is_empty();
            return Ok(Some(Record { line: start, blank }));
        }
        fields.clear();
        let mut quoted_any = false;
        loop {
            self.skip(|b| b == b' ' || b == b'\t');
            if self.rest.starts_with('"') {
                quoted_any = true;
                fields.push(self.quoted()?);
            } else {
                let end = self
                    .rest
                    .bytes()
                    .position(|b| matches!(b, b',' | b'\n' | b'"'))
                    .unwrap_or(self.rest.len());
                if self.rest.as_bytes().get(end) == Some(&b'"') {
                    return Err(csv_error(
                        self.line,
                        "a quote inside an unquoted field: quote the whole field and double \
                         the quotes within it (`\"a \"\"b\"\"\"`)",
                    ));
                }
                fields.push(Cow::Borrowed(trim(&self.rest[..end])));
                self.rest = &self.rest[end..];
            }
            match self.rest.as_bytes().first() {
                Some(b',') => self.rest = &self.rest[1..],
                Some(_) => {
                    // A line end: the record ends with it.
                    self.rest = &self.rest[1..];
                    self.line += 1;
                    break;
                }
                None => break,
            }
        }
        let blank = !quoted_any && fields.len() == 1 && fields[0].is_empty();
        Ok(Some(Record { line: start, blank }))
    }

    /// The common case, a line without quotes: pushes its comma-separated parts to `fields`
    /// and returns the text after the line, or `None` at the line's first quote.
    fn unquoted_line(&self, fields: &mut Vec<Cow<'t, str>>) -> Option<&'t str> {
        let text = self.rest;
        let mut field_start = 0;
        for (i, &b) in text.as_bytes().iter().enumerate() {
            match b {
                b',' => {
                    fields.push(Cow::Borrowed(trim(&text[field_start..i])));
                    field_start = i + 1;
                }
                b'\n' => {
                    fields.push(Cow::Borrowed(trim(&text[field_start..i])));
                    return Some(&text[i + 1..]);
                }
                b'"' => return None,
                _ => {}
            }
        }
        fields.push(Cow::Borrowed(trim(&text[field_start..])));
        Some("")
    }

    /// Reads a quoted field, `rest` starting at its opening quote, and the spaces after it.
    fn quoted(&mut self) -> Result<Cow<'t, str>, Error> {
        let opened = self.line;
        let mut field = Cow::Borrowed("");
        self.rest = &self.rest[1..];
        loop {
            let Some(quote) = self.rest.find('"') else {
                return Err(csv_error(
                    opened,
                    "a quoted field is never closed (a `\"` is missing)",
                ));
            };
            let (part, after) = (&self.rest[..quote], &self.rest[quote + 1..]);
            self.line += part.bytes().filter(|&b| b == b'\n').count();
            field = if field.is_empty() {
                Cow::Borrowed(part)
            } else {
                Cow::Owned(field.into_owned() + part)
            };
            if let Some(after) = after.strip_prefix('"') {
                field.to_mut().push('"');
                self.rest = after;
            } else {
                self.rest = after;
                break;
            }
        }
        self.skip(|b| matches!(b, b' ' | b'\t' | b'\r'));
        if let Some(c) = self.rest.chars().next().filter(|&c| c != ',' && c != '\n') {
            return Err(csv_error(
                self.line,
                format!("unexpected `{c}` after a closing quote (a field ends there)"),
            ));
        }
        Ok(field)
    }

    /// Skips the ASCII bytes `skip` accepts at the start of `rest`.
    fn skip(&mut self, skip: impl Fn(u8) -> bool) {
        let n = self.rest.bytes().take_while(|&b| skip(b)).count();
        self.rest = &self.rest[n..];
    }
}

/// `field` without the spaces around it, as [`str::trim`] (Unicode spaces), quicker when
/// it starts and ends with an ASCII character that is not a space, as numbers do.
fn trim(field: &str) -> &str {
    match field.as_bytes() {
        [first, .., last] | [first @ last]
            if first.is_ascii_graphic() && last.is_ascii_graphic() =>
        {
            field
        }
        _ => field.trim(),
    }
}

/// The points of `table`'s rows: x, y and label from the fields at `at`, named in messages
/// as `roles`. Every row has `width` fields; `why` follows that number in the message.
fn csv_points(
    table: CsvTable<'_>,
    at: [usize; 3],
    roles: [String; 3],
    width: usize,
    why: &str,
) -> Result<Vec<Point>, Error> {
    // The line that fixed the labelling convention, and which one: Some(true) for -1/1.
    let mut convention: Option<(bool, usize)> = None;
    let mut points = Vec::with_capacity(table.count);
    let (mut rows, mut fields) = (table.rows, Vec::with_capacity(width));
    // csv_table has checked that blank lines come only after the last row.
    while let Some(row) = rows.read(&mut fields)?.filter(|r| !r.blank) {
        let line = row.line;
        if fields.len() != width {
            return Err(csv_error(
                line,
                format!(
                    "wrong number of fields: expected {width}{why}, got {}",
                    fields.len()
                ),
            ));
        }
        let number = |k: usize| -> Result<f64, Error> {
            let (role, text) = (&roles[k], trim(&fields[at[k]]));
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
                    trim(&fields[at[2]])
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
