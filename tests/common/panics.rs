//! Reading a panic's message, for the integration tests that pin what a panic says; each
//! includes this file with `#[path = "common/panics.rs"] mod panics;`.

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};

/// The message of the panic `f` raises (a `String` from `panic!` with arguments, or a
/// `&'static str`). Fails the test if `f` returns, or panics with anything but a message.
pub fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .expect("a panic with a message")
}
