//! The guide's shape, checked: nine chapters in order, each one sitting long, no hidden
//! doctest lines or intra-doc links (GitHub shows them raw or dead), every picture it links
//! committed, every "chapter N" pointing at a chapter, and the engine chapter's line count
//! true. Its code and outputs are checked by its doctests.

use std::path::Path;

/// Every chapter file, in order, with its text.
const CHAPTERS: [(&str, &str); 9] = [
    (
        "01-a-value-and-its-derivative.md",
        include_str!("../docs/guide/01-a-value-and-its-derivative.md"),
    ),
    (
        "02-write-the-engine-yourself.md",
        include_str!("../docs/guide/02-write-the-engine-yourself.md"),
    ),
    (
        "03-the-chain-rule-on-a-tape.md",
        include_str!("../docs/guide/03-the-chain-rule-on-a-tape.md"),
    ),
    (
        "04-why-the-order-matters.md",
        include_str!("../docs/guide/04-why-the-order-matters.md"),
    ),
    (
        "05-one-neuron.md",
        include_str!("../docs/guide/05-one-neuron.md"),
    ),
    (
        "06-an-mlp-learning-the-circle.md",
        include_str!("../docs/guide/06-an-mlp-learning-the-circle.md"),
    ),
    (
        "07-the-playgrounds-knobs.md",
        include_str!("../docs/guide/07-the-playgrounds-knobs.md"),
    ),
    (
        "08-my-loss-went-up.md",
        include_str!("../docs/guide/08-my-loss-went-up.md"),
    ),
    (
        "09-taking-your-network-further.md",
        include_str!("../docs/guide/09-taking-your-network-further.md"),
    ),
];

/// The lines of every ```` ```rust ```` block of `text`, block by block.
fn rust_blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, l) if l.starts_with("```rust") && !l.contains("compile_fail") => {
                current = Some(Vec::new());
            }
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), l) => block.push(l),
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn nine_chapters_in_order_each_listed_by_the_tutorial_module() {
    let tutorial = include_str!("../src/tutorial.rs");
    let mut last = 0;
    for (k, (file, text)) in CHAPTERS.iter().enumerate() {
        let title = format!("# {}. ", k + 1);
        assert!(text.starts_with(&title), "{file} starts with {title:?}");
        let at = tutorial
            .find(&format!("guide_page!(\"{file}\")"))
            .unwrap_or_else(|| panic!("src/tutorial.rs does not include {file}"));
        assert!(at > last, "{file} is out of order in src/tutorial.rs");
        last = at;
    }
    // A numbered file is a chapter; the others (coming-from-micrograd.md) are pages beside them.
    let on_disk = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide"))
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(|c: char| c.is_ascii_digit())
        })
        .count();
    assert_eq!(on_disk, CHAPTERS.len(), "a chapter file is not listed here");
}

#[test]
fn each_chapter_is_one_sitting() {
    for (file, text) in CHAPTERS {
        let lines = text.lines().count();
        assert!(lines <= 250, "{file} has {lines} lines");
    }
}

#[test]
fn reads_the_same_on_github() {
    // GitHub shows a hidden doctest line (`# ...`) as it is, and an intra-doc link
    // (`crate::...`) as a dead link, so the pages have neither: a block that needs `?` is a
    // whole `fn main`. (.ci/check_guide_paste.py compiles every block in a crate of its own.)
    let readme = ("README.md", include_str!("../README.md"));
    for (file, text) in CHAPTERS.into_iter().chain([readme]) {
        assert!(!text.contains("](crate::"), "{file}: an intra-doc link");
        for block in rust_blocks(text) {
            let hidden = block.iter().find(|l| l.starts_with("# ") || **l == "#");
            assert!(hidden.is_none(), "{file}: a hidden line, {hidden:?}");
        }
    }
}

#[test]
fn every_picture_linked_is_committed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = include_str!("../README.md");
    let pages = CHAPTERS
        .iter()
        .map(|(file, text)| (root.join("docs/guide").join(file), *text))
        .chain([(root.join("README.md"), readme)]);
    let mut seen = 0;
    for (page, text) in pages {
        for link in text.split("](").skip(1) {
            let target = &link[..link.find(')').unwrap()];
            if target.ends_with(".svg") {
                let path = page.parent().unwrap().join(target);
                assert!(
                    path.is_file(),
                    "{} links {target}, which is missing",
                    page.display()
                );
                seen += 1;
            }
        }
    }
    assert!(seen >= 8, "{seen} pictures linked");
}

#[test]
fn every_chapter_reference_points_at_a_chapter() {
    for (file, text) in CHAPTERS {
        let text = text.to_lowercase();
        for (k, _) in text.match_indices("chapter ") {
            let number: String = text[k + 8..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = number.parse::<usize>() {
                assert!((1..=CHAPTERS.len()).contains(&n), "{file}: chapter {n}");
            }
        }
    }
}

#[test]
fn the_home_made_engine_is_as_long_as_chapter_2_says() {
    let (_, text) = CHAPTERS[1];
    let engine_block = &rust_blocks(text)[1];
    let engine: Vec<&&str> = engine_block
        .iter()
        .take_while(|l| !l.starts_with("// micrograd's neuron"))
        .filter(|l| !l.trim().is_empty() && !l.trim().starts_with("//"))
        .collect();
    let claim = format!("The engine is {} lines", engine.len());
    assert!(text.contains(&claim), "chapter 2 should say: {claim}");
    assert!(engine.len() <= 100);
    for (page, text) in [
        ("src/tutorial.rs", include_str!("../src/tutorial.rs")),
        ("README.md", include_str!("../README.md")),
    ] {
        let claim = format!("in {} lines", engine.len());
        assert!(text.contains(&claim), "{page} should say: {claim}");
    }
}
