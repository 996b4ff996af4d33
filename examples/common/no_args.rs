//! For the examples that take no arguments: `--help` says what the example shows and how to
//! run it, and any other argument is refused, so a typo is never silently ignored.

/// Returns if the command line holds no argument. Otherwise prints the usage and exits: with
/// status 0 for `--help` or `-h`, and with status 2, after naming the argument, for anything
/// else.
pub fn expect_none(example: &str, about: &str) {
    let Some(arg) = std::env::args().nth(1) else {
        return;
    };
    let usage = format!(
        "{about}\n\nusage: cargo run --release --example {example}\n(this example takes no arguments)"
    );
    if arg == "--help" || arg == "-h" {
        println!("{usage}");
        std::process::exit(0);
    }
    eprintln!("Error: unknown argument `{arg}`; the only flag is --help\n\n{usage}");
    std::process::exit(2);
}
