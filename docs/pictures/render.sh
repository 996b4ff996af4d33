#!/bin/sh
# Draws again the pictures the README and the guide show. From the repository root:
#
#   sh docs/pictures/render.sh
#
# tests/pictures.rs writes the circle example's pictures and the graphs (the DOT text) the
# README and the guide show. Graphviz's `dot` then draws every .dot as an .svg.
set -eu
TAPEGRAD_BLESS=1 cargo test --release --test pictures
for f in docs/pictures/*.dot; do
    dot -Tsvg "$f" -o "${f%.dot}.svg"
done
