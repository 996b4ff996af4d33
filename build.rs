//! Prepares the Markdown rustdoc shows: the README (the crate's front page) and the guide (the
//! `tutorial` module). GitHub shows these files as they are; rustdoc needs two changes, made
//! here on copies in `OUT_DIR`, so that each page has one source (the `.md` and `.svg` files):
//!
//! - A picture, `![alt](path.svg)` on a line of its own, becomes the SVG itself, inline. rustdoc
//!   copies no files into its output, so a linked picture would show only its alt text (on
//!   docs.rs too); inline, it needs nothing but the page.
//! - A link to a page of the guide becomes a link to its module in `tutorial`, which rustdoc
//!   checks; a link to any other file of the repository becomes a link to it on GitHub.
//!
//! Only the Rust standard library: a user's build runs this too, in a few milliseconds.

use std::path::{Component, Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let repository = env::var("CARGO_PKG_REPOSITORY").expect("CARGO_PKG_REPOSITORY");
    let mut pages = vec![PathBuf::from("README.md")];
    let mut guide: Vec<PathBuf> = fs::read_dir(root.join("docs/guide"))
        .expect("docs/guide")
        .map(|entry| PathBuf::from("docs/guide").join(entry.expect("docs/guide").file_name()))
        .filter(|page| page.extension().is_some_and(|e| e == "md"))
        .collect();
    guide.sort();
    pages.extend(guide);
    println!("cargo::rerun-if-changed=docs");
    for page in &pages {
        println!("cargo::rerun-if-changed={}", page.display());
        let text = fs::read_to_string(root.join(page)).expect("a page of the docs");
        let made = for_rustdoc(&root, page, &text, &repository);
        let target = out.join(page);
        fs::create_dir_all(target.parent().expect("a folder")).expect("create OUT_DIR/docs");
        fs::write(&target, made).expect("write the page for rustdoc");
    }
}

/// `text`, the page at `page` (relative to `root`), with its pictures inline and its links
/// rewritten; fenced code blocks are left as they are.
fn for_rustdoc(root: &Path, page: &Path, text: &str, repository: &str) -> String {
    let mut made = String::with_capacity(text.len());
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code {
            made.push_str(line);
        } else if let Some((alt, target)) = picture(line) {
            let path = resolve(page, target);
            made.push_str(&inline_svg(root, &path, alt));
        } else {
            made.push_str(&rewrite_links(page, line, repository));
        }
        made.push('\n');
    }
    made
}

/// The alt text and target of a line that is only a picture: `![alt](target.svg)`.
fn picture(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix("![")?.strip_suffix(')')?;
    let (alt, target) = rest.split_once("](")?;
    target.ends_with(".svg").then_some((alt, target))
}

/// The SVG at `path` as an HTML block rustdoc passes through: no XML prolog, comments or
/// blank lines (a blank line would end the block), its ids made unique to the picture (a page
/// can show several, and a plot's clip path is found by id), scaled down to the page's width.
fn inline_svg(root: &Path, path: &Path, alt: &str) -> String {
    let svg = fs::read_to_string(root.join(path))
        .unwrap_or_else(|e| panic!("{} (a picture the docs show): {e}", path.display()));
    let svg = &svg[svg.find("<svg").expect("an <svg> element")..];
    let mut kept = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(start) = rest.find("<!--") {
        kept.push_str(&rest[..start]);
        let end = rest[start..].find("-->").expect("a closed comment");
        rest = &rest[start + end + 3..];
    }
    kept.push_str(rest);
    let prefix = path.file_stem().expect("a file name").to_string_lossy();
    for id in ids(&kept.clone()) {
        for (from, to) in [
            (format!("id=\"{id}\""), format!("id=\"{prefix}-{id}\"")),
            (format!("url(#{id})"), format!("url(#{prefix}-{id})")),
            (
                format!("href=\"#{id}\""),
                format!("href=\"#{prefix}-{id}\""),
            ),
        ] {
            kept = kept.replace(&from, &to);
        }
    }
    let alt = alt.replace('"', "&quot;");
    let kept = kept.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{alt}\" style=\"max-width: 100%; height: auto\""),
        1,
    );
    let body: Vec<&str> = kept.lines().filter(|l| !l.trim().is_empty()).collect();
    format!("<div>\n{}\n</div>", body.join("\n"))
}

/// Every `id="…"` an SVG defines.
fn ids(svg: &str) -> Vec<String> {
    svg.split(" id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("a closed id")].to_string())
        .collect()
}

/// `line` with each relative link (`](target)`) pointed where rustdoc can follow it.
fn rewrite_links(page: &Path, line: &str, repository: &str) -> String {
    let mut made = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        made.push_str(&rest[..at + 2]);
        rest = &rest[at + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = &rest[..end];
        if target.contains("://") || target.starts_with('#') || target.contains("::") {
            made.push_str(target);
        } else {
            made.push_str(&link_target(page, target, repository));
        }
        rest = &rest[end..];
    }
    made.push_str(rest);
    made
}

/// Where a relative link from `page` to `target` goes in rustdoc: a guide page to its
/// `tutorial` module (named as the file, without its number), any other file to GitHub.
fn link_target(page: &Path, target: &str, repository: &str) -> String {
    let (file, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, format!("#{anchor}")),
        None => (target, String::new()),
    };
    let path = resolve(page, file);
    let in_guide = path.parent() == Some(Path::new("docs/guide"));
    if in_guide && path.extension().is_some_and(|e| e == "md") {
        let stem = path.file_stem().expect("a file name").to_string_lossy();
        let module = stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
        format!("crate::tutorial::{}{anchor}", module.replace('-', "_"))
    } else {
        let kind = if file.ends_with('/') { "tree" } else { "blob" };
        format!("{repository}/{kind}/main/{}{anchor}", path.display())
    }
}

/// `target`, relative to the folder of `page`, as a path from the repository root.
fn resolve(page: &Path, target: &str) -> PathBuf {
    let mut path = PathBuf::new();
    for part in page.parent().expect("a folder").join(target).components() {
        match part {
            Component::ParentDir => {
                assert!(
                    path.pop(),
                    "{target}, linked from {}, leaves the repository",
                    page.display()
                );
            }
            Component::CurDir => {}
            other => path.push(other),
        }
    }
    path
}
