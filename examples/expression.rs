//! micrograd's README expression, differentiated on a tape.
//!
//! You will see the value of `g` and its gradients with respect to the inputs `a` and `b`
//! (micrograd prints 24.7041, 138.8338 and 645.5773), a gradient check that compares them with
//! finite differences, the backward sweep traced node by node (each line is the chain rule:
//! parent += local derivative × upstream gradient), and a Graphviz file of the graph,
//! written to `target/tapegrad/expression.dot`. Render it with
//! `dot -Tsvg target/tapegrad/expression.dot -o expression.svg`.

#[path = "common/no_args.rs"]
mod no_args;

use std::error::Error;
use std::path::Path;

use tapegrad::{Tape, Value, check_gradients};

/// The expression from micrograd's README, on any two values, written exactly as there.
#[allow(clippy::misrefactored_assign_op)]
fn micrograd_expression<'t>(a: Value<'t>, b: Value<'t>) -> Value<'t> {
    let mut c = (a + b).with_label("c");
    let mut d = (a * b + b.powi(3)).with_label("d");
    c += c + 1.0;
    c += 1.0 + c + (-a);
    d += d * 2.0 + (b + a).relu();
    d += 3.0 * d + (b - a).relu();
    let e = (c - d).with_label("e");
    let f = e.powi(2).with_label("f");
    let mut g = f / 2.0;
    g += 10.0 / f;
    g.with_label("g")
}

fn main() -> Result<(), Box<dyn Error>> {
    no_args::expect_none(
        "expression",
        "micrograd's README expression, differentiated on a tape.",
    );
    let tape = Tape::new();
    let a = tape.var(-4.0).with_label("a");
    let b = tape.var(2.0).with_label("b");
    let g = micrograd_expression(a, b);

    let (grads, trace) = g.backward_traced();
    println!("g = {:.4}   (micrograd: 24.7041)", g.data());
    println!("dg/da = {:.4}   (micrograd: 138.8338)", grads.wrt(a));
    println!("dg/db = {:.4}   (micrograd: 645.5773)", grads.wrt(b));
    println!("the tape holds {} nodes\n", tape.len());

    let report = check_gradients(|v| micrograd_expression(v[0], v[1]), &[-4.0, 2.0]);
    println!("{report}");

    println!("The backward sweep, last node first (parent += local × upstream):");
    print!("{trace}");

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tapegrad");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("expression.dot"), g.to_dot(Some(&grads)))?;
    let path = "target/tapegrad/expression.dot";
    println!("\nwrote {path}; render it with: dot -Tsvg {path} -o expression.svg");
    Ok(())
}
