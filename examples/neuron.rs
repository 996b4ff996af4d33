//! One neuron's backward pass, step by step: micrograd's tanh neuron.
//!
//! The neuron from Andrej Karpathy's micrograd lecture: inputs x1 = 2, x2 = 0, weights
//! w1 = −3, w2 = 1, and a bias b = 6.8813735870195432 chosen so that the output is
//! o = tanh(x1·w1 + x2·w2 + b) = 1/√2 ≈ 0.7071. You will see the forward values, then the
//! backward sweep traced node by node (each indented line is one use of the chain rule:
//! parent.grad += local derivative × upstream gradient, and its total so far), then the same
//! neuron built from `nn::Neuron`, whose weighted sum is one fused node, and its shorter trace. The graph is
//! written to `tapegrad/neuron.dot` in the Cargo target directory and, if Graphviz is
//! installed, drawn to `tapegrad/neuron.svg` beside it.
//!
//! Run it with `cargo run --release --example neuron`.

#[path = "common/message.rs"]
mod message;
#[path = "common/no_args.rs"]
mod no_args;
#[path = "common/output.rs"]
mod output;

use std::error::Error;
use std::process::Command;

use output::{output_dir, shown, write_file};

use tapegrad::Tape;
use tapegrad::nn::{Activation, Module, Neuron};

/// The bias that makes the output exactly 1/√2: atanh(1/√2) + 6 = 6.8813735870195432.
const BIAS: f64 = 6.881_373_587_019_543;

fn main() -> Result<(), Box<dyn Error>> {
    no_args::expect_none(
        "neuron",
        "One neuron's backward pass, step by step: micrograd's tanh neuron.",
    );
    // The neuron written out, one operation per line, every value labelled.
    let tape = Tape::new();
    let x1 = tape.var(2.0).with_label("x1");
    let x2 = tape.var(0.0).with_label("x2");
    let w1 = tape.var(-3.0).with_label("w1");
    let w2 = tape.var(1.0).with_label("w2");
    let b = tape.var(BIAS).with_label("b");
    let x1w1 = (x1 * w1).with_label("x1*w1");
    let x2w2 = (x2 * w2).with_label("x2*w2");
    let sum = (x1w1 + x2w2).with_label("x1*w1+x2*w2");
    let n = (sum + b).with_label("n");
    let o = n.tanh().with_label("o");

    println!("Forward: x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = {BIAS}");
    println!(
        "  x1*w1 = {}   x2*w2 = {}   n = x1*w1 + x2*w2 + b = {:.6}   o = tanh(n) = {:.6}",
        x1w1.data(),
        x2w2.data(),
        n.data(),
        o.data()
    );
    println!("  ({} nodes on the tape)\n", tape.len());

    let (grads, trace) = o.backward_traced();
    println!("Backward, last node first (parent.grad += local derivative × upstream gradient):");
    print!("{trace}");
    println!(
        "  do/dn = 1 - tanh²(n) = 1 - o² = {:.6}; a sum passes it on unchanged, a product passes \
         the other factor × it.",
        grads.wrt(n)
    );
    println!(
        "  w2 gets no line of its own: x2 = 0, so do/dw2 = {}, and the trace lists only nodes \
         with a nonzero gradient.\n",
        grads.wrt(w2)
    );

    // The same neuron from nn: its weighted sum w0·x0 + w1·x1 + b is one fused node.
    let neuron = Neuron::from_parts(vec![-3.0, 1.0], BIAS, Activation::Tanh);
    let nn_tape = Tape::new();
    let net = neuron.record_labeled(&nn_tape);
    let inputs = [
        nn_tape.var(2.0).with_label("x0"),
        nn_tape.var(0.0).with_label("x1"),
    ];
    let out = net.forward(&inputs)?[0].with_label("out");
    let (nn_grads, nn_trace) = out.backward_traced();
    println!(
        "The same neuron from nn::Neuron ({neuron}; parameters w0, w1, b), {} nodes:",
        nn_tape.len()
    );
    print!("{nn_trace}");
    println!(
        "  #5 (unlabelled nodes print as #index) is the weighted sum w0·x0 + w1·x1 + b: one node, \
         five parents.\n  nn counts from 0, so x0, x1, w0, w1 here are x1, x2, w1, w2 above."
    );
    let by_name: Vec<String> = neuron
        .named_parameters()
        .into_iter()
        .zip(net.gradients(&nn_grads))
        .map(|((name, _), g)| (name, g))
        .map(|(name, g)| format!("d out/d {name} = {g:.4}"))
        .collect();
    println!("  {}  (the same as above)\n", by_name.join(", "));

    // The graph, as a picture.
    let dir = output_dir()?;
    let dot_path = dir.join("neuron.dot");
    let svg_path = dir.join("neuron.svg");
    write_file(&dot_path, o.to_dot(Some(&grads)))?;
    println!("wrote the graph to {}", shown(&dot_path));
    let has_dot = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|out| out.status.success());
    let render = format!("dot -Tsvg {} -o {}", shown(&dot_path), shown(&svg_path));
    if has_dot {
        let status = Command::new("dot")
            .arg("-Tsvg")
            .arg(&dot_path)
            .arg("-o")
            .arg(&svg_path)
            .status()?;
        if status.success() {
            println!(
                "and drew it to {}; open it in a web browser",
                shown(&svg_path)
            );
        } else {
            println!("Graphviz failed ({status}); the command was: {render}");
        }
    } else {
        println!("Graphviz's `dot` is not installed, so no picture was drawn. Install it with");
        println!(
            "  apt-get install graphviz   (Debian, Ubuntu)   or   brew install graphviz   (macOS)"
        );
        println!("then draw the picture with");
        println!("  {render}");
    }
    Ok(())
}
