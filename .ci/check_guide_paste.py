#!/usr/bin/env python3
"""Checks that every Rust block of the README and the guide compiles as a learner would use it:
copied as shown on GitHub into a new crate that depends on tapegrad alone. The doctests cannot
check that: they see the crate's own dependencies (`use rand::...` compiles there) and hide
`# ` lines that GitHub shows.

Each block becomes a binary of one scratch crate: as it is if it has a `fn main`, else as the
body of one. Blocks marked `compile_fail` or `ignore` are skipped. Python 3 standard library
only; from the repository root:

    python3 .ci/check_guide_paste.py [--run]

`--run` also runs every binary (their asserts are the doctests' own).
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs" / "guide").glob("*.md"))]


def rust_blocks(text):
    """(line number, code) of each Rust block a learner would paste."""
    blocks, code, start, info = [], None, 0, ""
    for number, line in enumerate(text.splitlines(), 1):
        if code is None and line.startswith("```"):
            info, code, start = line[3:].strip(), [], number
        elif code is not None and line.strip() == "```":
            tags = set(filter(None, re.split(r"[,\s]+", info)))
            if "rust" in tags and not tags & {"compile_fail", "ignore"}:
                blocks.append((start, "\n".join(code)))
            code = None
        elif code is not None:
            code.append(line)
    return blocks


def main():
    run = "--run" in sys.argv[1:]
    scratch = Path(tempfile.mkdtemp(prefix="tapegrad-paste-"))
    (scratch / "src" / "bin").mkdir(parents=True)
    (scratch / "Cargo.toml").write_text(
        '[package]\nname = "paste"\nversion = "0.1.0"\nedition = "2024"\n\n'
        f'[dependencies]\ntapegrad = {{ path = "{ROOT}" }}\n'
    )
    bins = []
    for page in PAGES:
        for start, code in rust_blocks(page.read_text(encoding="utf-8")):
            if not re.search(r"^\s*fn main\(", code, re.M):
                code = "fn main() {\n" + code + "\n}"
            name = re.sub(r"\W", "_", f"{page.stem}_line_{start}").lower()
            (scratch / "src" / "bin" / f"{name}.rs").write_text(code + "\n")
            bins.append((name, f"{page.relative_to(ROOT)}:{start}"))
    # The build's own target folder, so that a second check reuses the first one's work.
    target = ROOT / "target" / "paste-check"
    build = subprocess.run(
        ["cargo", "build", "--quiet", "--bins", "--target-dir", str(target)], cwd=scratch
    )
    if build.returncode != 0:
        sys.exit(f"a block does not compile on its own (the crate is {scratch}); blocks: "
                 + ", ".join(f"{n} = {w}" for n, w in bins))
    failed = 0
    if run:
        for name, where in bins:
            done = subprocess.run([target / "debug" / name], capture_output=True, text=True)
            if done.returncode != 0:
                failed += 1
                print(f"{where}: exit {done.returncode}\n{done.stderr}")
    verb = "compiled and ran" if run else "compiled"
    print(f"{len(bins)} blocks from {len(PAGES)} pages {verb} in a new crate, {failed} failed ({scratch})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
