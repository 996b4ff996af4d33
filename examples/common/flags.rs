//! What the examples that take flags (circle, moons, soak) share: their error ([`Message`],
//! printed as its text), the refusal of an argument no flag matches, a flag's value read
//! with a refusal that says what was expected, and the rule that each flag is given once.

#![allow(dead_code)] // each example uses a part of it

pub use crate::message::Message;

/// An argument as it was typed: `--name`, `-c`, or the bare value.
fn arg_text(arg: lexopt::Arg<'_>) -> String {
    match arg {
        lexopt::Arg::Long(name) => format!("--{name}"),
        lexopt::Arg::Short(c) => format!("-{c}"),
        lexopt::Arg::Value(v) => v.to_string_lossy().into_owned(),
    }
}

/// The refusal of an argument that no flag matches, listing the example's `flags` (each
/// written as `--name`; `--help` is added last): `unknown argument `--sed`; the flags are
/// --seed and --help`.
pub fn unknown(arg: lexopt::Arg<'_>, flags: &[&str]) -> Message {
    let mut list = flags.join(", ");
    if !list.is_empty() {
        list.push_str(" and ");
    }
    list.push_str("--help");
    Message(format!(
        "unknown argument `{}`; the flags are {list}",
        arg_text(arg)
    ))
}

/// The value after `flag` (`--steps`), as `parse` reads it from the trimmed text; a refusal
/// names the flag and what it `expects`, as [`needs_value`] and [`expected`] word it.
pub fn value<T>(
    parser: &mut lexopt::Parser,
    flag: &str,
    expects: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, Message> {
    let Ok(value) = parser.value() else {
        return Err(needs_value(flag, expects));
    };
    let value = value.to_string_lossy();
    parse(value.trim()).ok_or_else(|| expected(flag, expects, &value))
}

/// The refusal of `flag` with no value after it: `--steps needs a value: …`.
pub fn needs_value(flag: &str, expects: &str) -> Message {
    Message(format!("{flag} needs a value: {expects}"))
}

/// The refusal of a value `flag` cannot take: `--steps expects …; got `10``.
pub fn expected(flag: &str, expects: &str, got: &str) -> Message {
    Message(format!("{flag} expects {expects}; got `{got}`"))
}

/// The flags given so far, so that a repeat is refused rather than silently winning.
#[derive(Debug, Default)]
pub struct Given(Vec<String>);

impl Given {
    /// Notes `flag` (`--lr`), or refuses it if it was given before.
    pub fn once(&mut self, flag: &str) -> Result<(), Message> {
        if self.contains(flag) {
            return Err(Message(format!(
                "{flag} was given twice; give each flag once"
            )));
        }
        self.0.push(flag.to_string());
        Ok(())
    }

    /// Whether `flag` (`--lr`) was given.
    pub fn contains(&self, flag: &str) -> bool {
        self.0.iter().any(|g| g == flag)
    }
}
