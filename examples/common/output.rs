//! Where the examples write their pictures, and how they print the paths: under the Cargo
//! target directory they were built in, which is the one `CARGO_TARGET_DIR` names when it is
//! set, so a run never writes into the source tree of someone who moved it.

#![allow(dead_code)] // each example uses a part of it

use std::path::{Path, PathBuf};

use crate::message::Message;

/// The error for `path`, named as a learner can find it (a [`Message`]: `main` prints an
/// `io::Error`'s fields).
fn unwritten(path: &Path, e: std::io::Error) -> Message {
    Message(format!("cannot write {}: {e}", shown(path)))
}

/// `tapegrad/` under the Cargo target directory, created if missing.
pub fn output_dir() -> Result<PathBuf, Message> {
    let dir = target_dir().join("tapegrad");
    std::fs::create_dir_all(&dir).map_err(|e| unwritten(&dir, e))?;
    Ok(dir)
}

/// Writes `contents` to `path`; an error names the file.
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), Message> {
    std::fs::write(path, contents).map_err(|e| unwritten(path, e))
}

/// The target directory this program was built in: an example lives at
/// `<target>/<profile>/examples/<name>`. Failing that (a program copied elsewhere),
/// `CARGO_TARGET_DIR`, else `target/` in the crate.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().ok();
    let built_in = exe.as_deref().and_then(|exe| {
        let examples = exe.parent()?;
        (examples.file_name()? == "examples").then(|| examples.parent()?.parent())?
    });
    match (built_in, std::env::var_os("CARGO_TARGET_DIR")) {
        (Some(target), _) => target.to_path_buf(),
        (None, Some(dir)) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
    }
}

/// A path as a learner can use it from where they ran the example: relative to the current
/// directory when it lies below it, else as it is.
pub fn shown(path: &Path) -> String {
    let here = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&here)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A picture to write: its file name, what it shows, and the SVG.
pub struct Picture {
    pub name: String,
    pub about: &'static str,
    pub svg: String,
}

/// Writes `pictures` into [`output_dir`], printing each path and what it shows, then how to
/// open them. An error names the directory or file it could not write.
pub fn write_pictures(pictures: &[Picture]) -> Result<(), Message> {
    let dir = output_dir()?;
    for (k, picture) in pictures.iter().enumerate() {
        let path = dir.join(&picture.name);
        write_file(&path, &picture.svg)?;
        let gap = if k == 0 { "\n" } else { "" };
        println!("{gap}wrote {}  ({})", shown(&path), picture.about);
    }
    if let Some(first) = pictures.first() {
        println!(
            "open them in a web browser, e.g. `xdg-open {}` (macOS: `open`)",
            shown(&dir.join(&first.name))
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_written_is_named_in_plain_text() {
        let path = std::env::temp_dir()
            .join("tapegrad-no-such-directory")
            .join("picture.svg");
        let err = write_file(&path, "<svg/>").unwrap_err();
        let expected = format!("cannot write {}: ", shown(&path));
        // `main` prints its error with `Debug`: the text, not an `io::Error`'s fields.
        assert!(format!("{err:?}").starts_with(&expected), "{err:?}");
        assert_eq!(format!("{err:?}"), err.to_string());
    }
}
