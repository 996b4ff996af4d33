#!/bin/sh
# Draws again the pictures the README and the guide show. From the repository root:
#
#   sh docs/pictures/render.sh
#
# The circle and expression examples' own tests write the circle example's pictures and the
# expression graph (the DOT text); the guide's doctests pin chain-rule.dot and neuron.dot (when one fails, its message
# shows the new text to put in the file). Graphviz's `dot` then draws every .dot as an .svg.
set -eu
TAPEGRAD_BLESS=1 cargo test --release --example circle --example expression
for f in docs/pictures/*.dot; do
    dot -Tsvg "$f" -o "${f%.dot}.svg"
done
