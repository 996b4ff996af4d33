//! The records of a CSV text, RFC 4180 style, as slices of the text.

use std::borrow::Cow;

use super::csv_error;
use crate::Error;

/// What [`Records::read`] says of the record it read.
#[derive(Clone, Copy, Debug)]
pub(super) struct Record {
    /// The line the record starts on, from 1.
    pub(super) line: usize,
    /// One unquoted field of nothing but spaces: a blank line.
    pub(super) blank: bool,
}

/// The records of a CSV text, RFC 4180 style: fields separated by commas, records by `\n` or
/// `\r\n`; a field in double quotes may hold commas, line breaks and doubled quotes (`""` for
/// `"`). Spaces around a field are dropped; inside quotes they are kept.
///
/// Fields are slices of the text; only a quoted field with a doubled quote is copied. The text
/// may be one piece of a longer one, as long as it ends where a record ends.
#[derive(Clone, Debug)]
pub(super) struct Records<'t> {
    /// The text not read yet.
    rest: &'t str,
    /// The line `rest` starts on, from 1.
    line: usize,
}

impl<'t> Records<'t> {
    /// The records of `text`, whose first line is line `line` of the whole text.
    pub(super) fn new(text: &'t str, line: usize) -> Self {
        Records { rest: text, line }
    }

    /// The line the text not read yet starts on.
    pub(super) fn line(&self) -> usize {
        self.line
    }

    /// The next record if it is one line without quotes (the common case): moves past it,
    /// calls `field(i, text)` with each of its fields (from 0, not trimmed), and returns the
    /// line (without its `\n`) and its number of fields. `None` at the end of the text, or at
    /// a record with a quote, which [`read`](Records::read) reads.
    pub(super) fn unquoted_line(
        &mut self,
        mut field: impl FnMut(usize, &'t str),
    ) -> Option<(&'t str, usize)> {
        let text = self.rest;
        if text.is_empty() {
            return None;
        }
        // One plain look at each byte: rows are short, so that finding the line's end with
        // `memchr`, then its quotes and commas, costs more.
        let (mut start, mut count, mut end) = (0, 0, text.len());
        for (i, &b) in text.as_bytes().iter().enumerate() {
            if b > b',' {
                // Digits, letters, `.` and `-`: most bytes.
                continue;
            }
            match b {
                b',' => {
                    field(count, &text[start..i]);
                    (start, count) = (i + 1, count + 1);
                }
                b'\n' => {
                    end = i;
                    break;
                }
                b'"' => return None,
                _ => {}
            }
        }
        field(count, &text[start..end]);
        self.rest = text.get(end + 1..).unwrap_or("");
        self.line += 1;
        Some((&text[..end], count + 1))
    }

    /// Reads the next record into `fields` (cleared first); `None` at the end of the text.
    pub(super) fn read(&mut self, fields: &mut Vec<Cow<'t, str>>) -> Result<Option<Record>, Error> {
        fields.clear();
        let start = self.line;
        if self
            .unquoted_line(|_, f| fields.push(Cow::Borrowed(trim(f))))
            .is_some()
        {
            let blank = fields.len() == 1 && fields[0].is_empty();
            return Ok(Some(Record { line: start, blank }));
        }
        if self.rest.is_empty() {
            return Ok(None);
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

    /// Reads the next record like [`read`](Records::read), keeping only where it starts and
    /// whether it is blank; `fields` is room to read a quoted record in.
    pub(super) fn skip_record(
        &mut self,
        fields: &mut Vec<Cow<'t, str>>,
    ) -> Result<Option<Record>, Error> {
        let line = self.line;
        match self.unquoted_line(|_, _| {}) {
            Some((text, count)) => Ok(Some(Record {
                line,
                blank: count == 1 && trim(text).is_empty(),
            })),
            None => self.read(fields),
        }
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
pub(super) fn trim(field: &str) -> &str {
    match field.as_bytes() {
        [first, .., last] | [first @ last]
            if first.is_ascii_graphic() && last.is_ascii_graphic() =>
        {
            field
        }
        _ => field.trim(),
    }
}
