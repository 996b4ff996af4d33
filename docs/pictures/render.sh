#!/bin/sh
# Draws again the pictures the README and the guide show. From the repository root:
#
#   sh docs/pictures/render.sh
#
# The circle and expression examples' own tests write the circle example's pictures and the
# expression graph; tests/guide_pictures.rs writes the guide's graphs (the DOT text).
# Graphviz's `dot` then draws every .dot as an .svg.
set -eu
TAPEGRAD_BLESS=1 cargo test --release --example circle --example expression --test guide_pictures
for f in docs/pictures/*.dot; do
    dot -Tsvg "$f" -o "${f%.dot}.svg"
done
