//! The guide's own graphs (chapters 3 and 5), kept true: each is built here as its chapter
//! builds it and compared with the committed `.dot` under `docs/pictures/` (run with
//! `TAPEGRAD_BLESS=1` to write them, then `sh docs/pictures/render.sh`).

#[path = "common/committed.rs"]
mod committed;

use committed::matches_committed;
use tapegrad::Tape;

/// Chapter 3's picture: the graph of `L = (a·b + c)·f`, built as the chapter builds it.
#[test]
fn the_chain_rule_graph_is_chapter_3s() {
    let tape = Tape::new();
    let a = tape.var(2.0).with_label("a");
    let b = tape.var(-3.0).with_label("b");
    let c = tape.var(10.0).with_label("c");
    let e = (a * b).with_label("e");
    let d = (e + c).with_label("d");
    let f = tape.var(-2.0).with_label("f");
    let l = (d * f).with_label("L");
    let chapter = include_str!("../docs/guide/03-the-chain-rule-on-a-tape.md");
    assert!(chapter.contains("let l = (d * f).with_label(\"L\");\n"));
    matches_committed("chain-rule.dot", &l.to_dot(Some(&l.backward())));
}

/// Chapter 5's picture: micrograd's neuron, built by hand as the chapter builds it.
#[test]
fn the_neuron_graph_is_chapter_5s() {
    let tape = Tape::new();
    let x1 = tape.var(2.0).with_label("x1");
    let x2 = tape.var(0.0).with_label("x2");
    let w1 = tape.var(-3.0).with_label("w1");
    let w2 = tape.var(1.0).with_label("w2");
    let b = tape.var(6.881_373_587_019_543).with_label("b");
    let x1w1 = (x1 * w1).with_label("x1w1");
    let x2w2 = (x2 * w2).with_label("x2w2");
    let s = (x1w1 + x2w2).with_label("s");
    let n = (s + b).with_label("n");
    let o = n.tanh().with_label("o");
    let chapter = include_str!("../docs/guide/05-one-neuron.md");
    assert!(chapter.contains("let o = n.tanh().with_label(\"o\");\n"));
    matches_committed("neuron.dot", &o.to_dot(Some(&o.backward())));
}
