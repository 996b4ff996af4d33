//! The page's files, embedded in the binary so the page works offline: (path, MIME type,
//! bytes). The page's engineer extends the table as `static/` grows.

/// Every file under `/static/`, and `index.html` also at `/`.
pub const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "api.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/api.js"),
    ),
    (
        "colors.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/colors.js"),
    ),
    (
        "dom.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/dom.js"),
    ),
    (
        "findings.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/findings.js"),
    ),
    (
        "format.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/format.js"),
    ),
    (
        "gradcheck.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/gradcheck.js"),
    ),
    (
        "graph.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/graph.js"),
    ),
    (
        "heatmap.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/heatmap.js"),
    ),
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../static/index.html"),
    ),
    (
        "linechart.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/linechart.js"),
    ),
    (
        "main.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/main.js"),
    ),
    (
        "network.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/network.js"),
    ),
    (
        "sample.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/sample.js"),
    ),
    (
        "state.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/state.js"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/style.css"),
    ),
    (
        "thumbnails.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/thumbnails.js"),
    ),
];

/// The file at `path` (relative to `static/`), with its MIME type.
pub fn find(path: &str) -> Option<(&'static str, &'static [u8])> {
    ASSETS
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|&(_, mime, bytes)| (mime, bytes))
}
