#!/usr/bin/env python3
"""Fails unless every package in the dependency graph builds on tapegrad's declared MSRV.

Reads `cargo metadata --format-version 1` on standard input (a resolution made with Cargo's
MSRV-aware resolver, see .ci/run), takes the `rust-version` of the workspace's members (they
inherit one value) and compares every package's `rust_version` with it: dependencies,
dev-dependencies and the benches and fuzz packages' alike, for every platform. Prints the packages
that need a newer Rust and exits 1 if there are any.
"""

import json
import sys


def version(text):
    """'1.86' or '1.86.0' as a comparable tuple (1, 86, 0)."""
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    meta = json.load(sys.stdin)
    members = set(meta["workspace_members"])
    ours = {p["rust_version"] for p in meta["packages"] if p["id"] in members}
    if len(ours) != 1 or None in ours:
        sys.exit(f"MSRV: the workspace members must declare one rust-version, found {ours}")
    msrv = ours.pop()
    too_new = sorted(
        (p["name"], p["version"], p["rust_version"])
        for p in meta["packages"]
        if p.get("rust_version") and version(p["rust_version"]) > version(msrv)
    )
    for name, ver, needs in too_new:
        print(f"MSRV: {name} {ver} needs Rust {needs}, but rust-version is {msrv}")
    if too_new:
        sys.exit(1)
    declared = [p["rust_version"] for p in meta["packages"] if p.get("rust_version")]
    highest = max(declared, key=version)
    print(
        f"MSRV {msrv}: all {len(meta['packages'])} packages fit "
        f"({len(declared)} declare a rust-version, the highest {highest})"
    )


if __name__ == "__main__":
    main()
