//! The examples' error: printed as its message alone, since `main` shows a returned error with
//! `Debug` (an `io::Error` or a `String` would print its fields or its quotes).

use std::error::Error;
use std::fmt;

/// An error printed as its message alone.
pub struct Message(pub String);

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for Message {}
