#!/usr/bin/env python3
"""Checks the crate's rustdoc output for pictures that would not show and links that lead
nowhere: every local <img src> and <a href> in target/doc/tapegrad must name a file that
exists, and a link's #fragment an id on that page. External links (http:, https:, ...) are not
fetched. Python 3 standard library only. From the repository root, after `cargo doc --no-deps`:

    python3 .ci/check_doc_links.py [target/doc]
"""

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    """The ids a page defines and the local images and links it uses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.uses = []  # (what, target)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        if tag == "img":
            self.uses.append(("picture", attrs.get("src") or ""))
        elif tag == "a" and attrs.get("href") is not None:
            self.uses.append(("link", attrs["href"]))


def parse(path, cache):
    if path not in cache:
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        cache[path] = page
    return cache[path]


def main():
    doc = Path(sys.argv[1] if len(sys.argv) > 1 else "target/doc").resolve()
    crate = doc / "tapegrad"
    if not (crate / "index.html").is_file():
        sys.exit(f"{crate}/index.html is missing: run `cargo doc --no-deps` first")
    cache = {}
    problems = []
    checked = 0
    # rustdoc's own source view (src/) links every line by a fragment its script makes.
    pages = sorted(p for p in crate.rglob("*.html") if "src" not in p.relative_to(doc).parts)
    listed = set(pages)
    for path in pages:
        for what, target in parse(path, cache).uses:
            url = urlsplit(target)
            if url.scheme or url.netloc:
                continue  # external, or data:
            checked += 1
            where = path.relative_to(doc)
            if not url.path and not url.fragment:
                if what == "picture":  # `#` alone is the top of the page, for a link
                    problems.append(f"{where}: a picture with no source")
                continue
            file = (path.parent / unquote(url.path)).resolve() if url.path else path
            if not file.is_file():
                problems.append(f"{where}: {what} to {target}, which is missing")
            elif url.fragment and file.suffix == ".html" and file in listed:
                if not {url.fragment, unquote(url.fragment)} & parse(file, cache).ids:
                    problems.append(f"{where}: {what} to {target}, a place not on that page")
    for problem in problems:
        print(problem)
    print(f"{len(pages)} pages, {checked} local pictures and links, {len(problems)} broken")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
