//! The moons example's flags: `--seed`, `--help`, and the refusals, in the wording the
//! examples share (`examples/common/flags.rs`). `cargo test` runs them (`test = true` in
//! Cargo.toml).

use super::*;

/// What the flags ask for, or the refusal's text.
fn parse(flags: &str) -> Result<Option<u64>, String> {
    seed_from_args(flags.split_whitespace().map(str::to_string)).map_err(|e| e.to_string())
}

#[test]
fn the_seed_comes_from_the_flag_or_is_micrograds() {
    assert_eq!(parse(""), Ok(Some(1337)));
    assert_eq!(parse("--seed 7"), Ok(Some(7)));
    assert_eq!(parse("--seed=7"), Ok(Some(7)));
    assert_eq!(parse("--help"), Ok(None));
    assert_eq!(parse("-h"), Ok(None));
}

#[test]
fn bad_flags_are_refused_in_the_shared_wording() {
    let expects = "a whole number >= 0 (e.g. --seed 7)";
    for (flags, message) in [
        (
            "--seed 1 --seed 2",
            "--seed was given twice; give each flag once".to_string(),
        ),
        ("--seed", format!("--seed needs a value: {expects}")),
        ("--seed -1", format!("--seed expects {expects}; got `-1`")),
        (
            "--steps 5",
            "unknown argument `--steps`; the flags are --seed and --help".to_string(),
        ),
    ] {
        assert_eq!(parse(flags), Err(message), "{flags}");
    }
}
