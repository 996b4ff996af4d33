//! The pictures the README and the guide show, kept true: each is made again here by the code
//! that made it (the examples are included as modules) and compared with the committed file
//! under `docs/pictures/`. Run with `TAPEGRAD_BLESS=1` to write the files instead, then draw
//! the graphs with `sh docs/pictures/render.sh`.

#[allow(dead_code)] // its `main` is the example's, unused here
#[path = "../examples/circle.rs"]
mod circle;

#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../examples/expression.rs"]
mod expression;

use std::path::PathBuf;

use rand::{SeedableRng, rngs::StdRng};
use tapegrad::Tape;

/// Compares `made` with the committed `docs/pictures/<name>`, or writes it there when
/// `TAPEGRAD_BLESS` is set.
fn matches_committed(name: &str, made: &str) {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "docs", "pictures", name]
        .iter()
        .collect();
    if std::env::var_os("TAPEGRAD_BLESS").is_some() {
        std::fs::write(&path, made).expect("write the picture");
        return;
    }
    let committed = std::fs::read_to_string(&path).expect("the committed picture");
    assert!(
        committed == made,
        "docs/pictures/{name} is not what the code draws today: run \
         `TAPEGRAD_BLESS=1 cargo test --test pictures` and `sh docs/pictures/render.sh`"
    );
}

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

/// The `circle` example's default run: the table chapter 6 shows and the three pictures.
#[test]
fn the_circle_pictures_and_table_are_the_default_runs() {
    let cfg = circle::Config::from_args(std::iter::empty())
        .unwrap()
        .unwrap();
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let data = circle::playground_data(&cfg, &mut rng).unwrap();
    let (model, run) = circle::train(&cfg, &data, &mut rng).unwrap();
    let test_ok = circle::correct(&model, &cfg.features, &data.test).unwrap();
    assert_eq!(test_ok, 250);

    let chapter = include_str!("../docs/guide/06-an-mlp-learning-the-circle.md");
    assert!(
        chapter.contains(&format!("```text\n{}```", run.table)),
        "chapter 6 does not show the table the circle example prints:\n{}",
        run.table
    );
    let pictures = circle::pictures(&cfg, &model, &data, Some(&run), test_ok).unwrap();
    let names: Vec<&str> = pictures.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "circle-boundary.svg",
            "circle-loss.svg",
            "circle-neurons.svg"
        ]
    );
    for picture in &pictures {
        matches_committed(&picture.name, &picture.svg);
    }
}
