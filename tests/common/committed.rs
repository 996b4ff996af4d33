//! The pictures the README and the guide show, kept true: a test makes a picture again with the
//! code that made it and compares it with the committed file under `docs/pictures/`. Run with
//! `TAPEGRAD_BLESS=1` to write the files instead, then draw the graphs with
//! `sh docs/pictures/render.sh`. Included by the circle and expression examples' own
//! tests with `#[path = ".../tests/common/committed.rs"] mod committed;`.

#![allow(dead_code)]

use std::path::PathBuf;

/// Compares `made` with the committed `docs/pictures/<name>`, or writes it there when
/// `TAPEGRAD_BLESS` is set.
pub fn matches_committed(name: &str, made: &str) {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "docs", "pictures", name]
        .iter()
        .collect();
    if std::env::var_os("TAPEGRAD_BLESS").is_some() {
        std::fs::write(&path, made).expect("write the picture");
        return;
    }
    let committed = std::fs::read_to_string(&path).expect("the committed picture");
    assert!(
        committed == made,
        "docs/pictures/{name} is not what the code draws today: run \
         `sh docs/pictures/render.sh`"
    );
}
