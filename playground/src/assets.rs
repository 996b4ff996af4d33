//! The page's files, embedded in the binary so the page works offline: (path, MIME type,
//! bytes). The page's engineer extends the table as `static/` grows.

/// Every file under `/static/`, and `index.html` also at `/`.
pub const ASSETS: &[(&str, &str, &[u8])] = &[(
    "index.html",
    "text/html; charset=utf-8",
    include_bytes!("../static/index.html"),
)];

/// The file at `path` (relative to `static/`), with its MIME type.
pub fn find(path: &str) -> Option<(&'static str, &'static [u8])> {
    ASSETS
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|&(_, mime, bytes)| (mime, bytes))
}
