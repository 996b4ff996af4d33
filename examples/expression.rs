//! micrograd's README expression, differentiated on a tape.
//!
//! You will see the value of `g` and its gradients with respect to the inputs `a` and `b`
//! (micrograd prints 24.7041, 138.8338 and 645.5773), a gradient check that compares them with
//! finite differences, the backward sweep traced node by node (each line is the chain rule:
//! parent.grad += local derivative × upstream gradient, and the parent's gradient so far),
//! and a Graphviz file of the graph, written to `tapegrad/expression.dot` in the Cargo target
//! directory. Render it with `dot -Tsvg` (the path is printed); the guide shows the picture.

#[cfg(test)]
#[path = "../tests/common/committed.rs"]
mod committed;
#[path = "common/message.rs"]
mod message;
#[path = "common/no_args.rs"]
mod no_args;
#[path = "common/output.rs"]
mod output;

use std::error::Error;

use output::{output_dir, shown, write_file};

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

    let report = check_gradients(|v| micrograd_expression(v[0], v[1]), &[-4.0, 2.0])
        .with_function("g")
        .with_input_names(&["a", "b"]);
    println!("{report}");

    println!(
        "The backward sweep, last node first (parent.grad += local × upstream, now its total):"
    );
    print!("{trace}");

    let path = output_dir()?.join("expression.dot");
    write_file(&path, g.to_dot(Some(&grads)))?;
    let path = shown(&path);
    println!("\nwrote {path}; render it with: dot -Tsvg {path} -o expression.svg");
    Ok(())
}

/// The graph the guide shows is the one this example writes (`cargo test` runs this: `test =
/// true` in Cargo.toml).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::committed::matches_committed;

    #[test]
    fn the_expression_graph_is_the_committed_one() {
        let tape = Tape::new();
        let a = tape.var(-4.0).with_label("a");
        let b = tape.var(2.0).with_label("b");
        let g = micrograd_expression(a, b);
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
}
