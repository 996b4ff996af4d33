//! CSV text in pieces that each end where a record ends: the whole of a string, or a file read
//! a block at a time, so that reading a file holds one block (or one record, if longer) of its
//! text, never the whole of it.

use std::borrow::Cow;
use std::fs::File;
use std::io::{ErrorKind, Read, Seek};
use std::path::Path;

use crate::Error;

/// How many bytes of a file [`Pieces`] reads at a time.
pub(super) const BLOCK: usize = 64 << 10;

/// A UTF-8 byte-order mark, which a reader skips at the start of a text.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// Where a CSV text comes from, read by [`Pieces`].
pub(super) enum Pieces<'a> {
    /// A whole text, given as one piece.
    Text {
        /// The text, without a byte-order mark.
        text: Cow<'a, str>,
        /// It has been given since the start (or the rewind).
        given: bool,
    },
    /// A file, read a block at a time.
    File(FilePieces<'a>),
}

/// A file read a block at a time, and what of it [`Pieces::next`] has not given yet.
pub(super) struct FilePieces<'a> {
    path: &'a Path,
    file: File,
    /// The block: `buf[given..filled]` is read and not yet given; grows only to hold a record
    /// longer than it.
    buf: Vec<u8>,
    given: usize,
    filled: usize,
    /// The file has no more bytes to read.
    at_end: bool,
    /// Nothing has been given since the start (or the rewind): a byte-order mark is skipped.
    at_start: bool,
}

impl<'a> Pieces<'a> {
    /// The pieces of `text`: all of it, without a byte-order mark.
    pub(super) fn of_text(text: &'a str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Pieces::Text {
            text: Cow::Borrowed(text),
            given: false,
        }
    }

    /// The pieces of the file at `path`, read `block` bytes at a time (at least 4: room for a
    /// byte-order mark, or for the end of a character a read cut). A file that cannot be read
    /// twice (a pipe, `/dev/stdin`) is read whole, as one piece.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path if the file cannot be opened, or, if it cannot be read
    /// twice, read or is not UTF-8.
    pub(super) fn of_file(path: &'a Path, block: usize) -> Result<Self, Error> {
        let mut file = File::open(path).map_err(|e| io_error(path, &e))?;
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            let mut text = String::new();
            file.read_to_string(&mut text)
                .map_err(|e| io_error(path, &e))?;
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            };
            return Ok(Pieces::Text {
                text: Cow::Owned(text),
                given: false,
            });
        }
        Ok(Pieces::File(FilePieces {
            path,
            file,
            buf: vec![0; block.max(4)],
            given: 0,
            filled: 0,
            at_end: false,
            at_start: true,
        }))
    }

    /// The next piece: text that ends where a record ends (after a line end outside quotes,
    /// or at the end of the text). `None` after the last.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path if the file cannot be read or is not UTF-8.
    pub(super) fn next(&mut self) -> Result<Option<&str>, Error> {
        match self {
            Pieces::Text { text, given } => {
                Ok((!std::mem::replace(given, true)).then_some(&**text))
            }
            Pieces::File(file) => file.next(),
        }
    }

    /// Starts again from the start of the text.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path if the file cannot be read from its start again.
    pub(super) fn rewind(&mut self) -> Result<(), Error> {
        match self {
            Pieces::Text { given, .. } => *given = false,
            Pieces::File(f) => {
                f.file.rewind().map_err(|e| io_error(f.path, &e))?;
                (f.given, f.filled, f.at_end, f.at_start) = (0, 0, false, true);
            }
        }
        Ok(())
    }

    /// Reads what is left of the text only to check that it can be read and is UTF-8, as a
    /// reader that read the whole text before anything else would have: after a CSV error
    /// in the middle of a file, an I/O or UTF-8 error after it is the one to report.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path if the rest of the file cannot be read or is not UTF-8.
    pub(super) fn check_rest(&mut self) -> Result<(), Error> {
        let Pieces::File(f) = self else {
            return Ok(());
        };
        f.given = 0;
        loop {
            // Bytes not yet checked are at the start of the block: at most the end of a
            // character cut by the last read, or all that was read and not given.
            f.fill()?;
            match std::str::from_utf8(&f.buf[..f.filled]) {
                Ok(_) if f.at_end => return Ok(()),
                Ok(_) => f.filled = 0,
                Err(e) if e.error_len().is_none() && !f.at_end => {
                    let valid = e.valid_up_to();
                    f.buf.copy_within(valid..f.filled, 0);
                    f.filled -= valid;
                }
                Err(_) => return Err(not_utf8(f.path)),
            }
        }
    }
}

impl FilePieces<'_> {
    fn next(&mut self) -> Result<Option<&str>, Error> {
        self.buf.copy_within(self.given..self.filled, 0);
        self.filled -= self.given;
        self.given = 0;
        let end = loop {
            self.fill()?;
            if std::mem::take(&mut self.at_start) && self.buf[..self.filled].starts_with(BOM) {
                self.given = BOM.len();
            }
            if let Some(end) = record_end(&self.buf[self.given..self.filled], self.at_end) {
                break self.given + end;
            }
            // No record ends in the block: make room for a longer one.
            self.buf.resize(2 * self.buf.len(), 0);
        };
        let start = std::mem::replace(&mut self.given, end);
        if start == end {
            return Ok(None);
        }
        match std::str::from_utf8(&self.buf[start..end]) {
            Ok(text) => Ok(Some(text)),
            Err(_) => Err(not_utf8(self.path)),
        }
    }

    /// Reads until the block is full or the file ends.
    fn fill(&mut self) -> Result<(), Error> {
        while !self.at_end && self.filled < self.buf.len() {
            match self.file.read(&mut self.buf[self.filled..]) {
                Ok(0) => self.at_end = true,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(self.path, &e)),
            }
        }
        Ok(())
    }
}

/// Where the last whole record in `bytes` ends: after its line end, or at the end of `bytes`
/// when they are the end of the text. `None` if no record ends in them.
///
/// A line end ends a record unless it is inside quotes, that is, after an odd number of
/// quotes since the start of the record (a doubled quote counts two). On a text with a quoting
/// error this may cut a record elsewhere than the reader would, but never before the error,
/// which the reader reports all the same.
fn record_end(bytes: &[u8], at_end: bool) -> Option<usize> {
    if at_end {
        return Some(bytes.len());
    }
    if !bytes.contains(&b'"') {
        return bytes.iter().rposition(|&b| b == b'\n').map(|i| i + 1);
    }
    let (mut quoted, mut end) = (false, None);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => end = Some(i + 1),
            _ => {}
        }
    }
    end
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Io(format!("cannot read {}: {e}", path.display()))
}

/// The message [`std::fs::read_to_string`] gives for a file that is not UTF-8, and what a CSV
/// file must be.
fn not_utf8(path: &Path) -> Error {
    Error::Io(format!(
        "cannot read {}: stream did not contain valid UTF-8; a CSV file must be UTF-8 text \
         (save it as \"CSV UTF-8\"; UTF-16 \"Unicode text\" is not)",
        path.display()
    ))
}
