//! The pictures the README and the guide show, kept true: each is made again here by the code
//! that made it (the examples are included as modules) and compared with the committed file
//! under `docs/pictures/`. Run with `TAPEGRAD_BLESS=1` to write the files instead, then draw
//! the graphs with `sh docs/pictures/render.sh`. The guide's own graphs (chapters 3 and 5) are
//! checked by their doctests; the circle example's table and pictures by its own tests
//! (`examples/circle/tests.rs`).

#[allow(dead_code)] // its `main` is the example's, unused here
#[path = "../examples/expression.rs"]
mod expression;

use tapegrad::Tape;

#[path = "common/committed.rs"]
mod committed;

use committed::matches_committed;

#[test]
fn the_expression_graph_is_the_committed_one() {
    let tape = Tape::new();
    let a = tape.var(-4.0).with_label("a");
    let b = tape.var(2.0).with_label("b");
    let g = expression::micrograd_expression(a, b);
    let dot = g.to_dot(Some(&g.backward()));
    // The constants and exponents the picture is there to show.
    for oval in [
        "\"f / 2\"",
        "\"10 / f\"",
        "\"e**2\"",
        "\"b**3\"",
        "\"3 * #16\"",
    ] {
        assert!(dot.contains(&format!("label={oval}")), "{oval}");
    }
    matches_committed("expression.dot", &dot);
}
