//! The teaching tools, checked: `to_dot` draws every node and edge that reaches a value
//! (labels escaped, constants and their side shown), `backward_traced` records and prints every
//! step of the chain rule, and the gradient check's report flags a wrong derivative, explains
//! kinks and draws its line at its stated tolerance. (Its refusals of bad settings, and
//! `to_dot`'s of another tape's gradients, are in `tests/misuse.rs`; the teaching tools on very
//! deep graphs in `tests/graph_shapes.rs`; the hand_vs_auto example's claims, which use them,
//! beside it in `examples/hand_vs_auto/tests.rs`.)

use tapegrad::nn::{Forward, Init, Mlp, Module};
use tapegrad::rand::{SeedableRng, rngs::StdRng};
use tapegrad::{BackwardTrace, Gradients, Op, Tape, TracePass, TraceStep, Value, check_gradients};

#[path = "common/numeric.rs"]
mod numeric;
#[path = "common/panics.rs"]
mod panics;
use numeric::assert_close;
use panics::panic_message;

// ---------------------------------------------------------------------------------------------
// The tools: to_dot, backward traces, the gradient-check report
// ---------------------------------------------------------------------------------------------

#[test]
fn to_dot_shows_every_reaching_node_and_edge() {
    let tape = Tape::new();
    let a = tape.var(2.0).with_label("a");
    let b = tape.var(-3.0).with_label("b");
    let unused = tape.var(5.0).with_label("unused");
    let c = (a * b).with_label("c");
    let d = (c + 1.0).with_label("d");
    let _after = d * unused;
    let dot = d.to_dot(Some(&d.backward()));
    for line in [
        "digraph tapegrad {\n",
        "  \"n0\" [shape=record, label=\"{ a | data 2.0000 | grad -3.0000 }\"];\n",
        "  \"n1\" [shape=record, label=\"{ b | data -3.0000 | grad 2.0000 }\"];\n",
        "  \"n3\" [shape=record, label=\"{ c | data -6.0000 | grad 1.0000 }\"];\n",
        "  \"op3\" [shape=oval, label=\"*\"];\n",
        "  \"op3\" -> \"n3\";\n",
        "  \"n0\" -> \"op3\";\n",
        "  \"n1\" -> \"op3\";\n",
        "  \"n4\" [shape=record, label=\"{ d | data -5.0000 | grad 1.0000 }\"];\n",
        "  \"op4\" [shape=oval, label=\"c + 1\"];\n",
        "  \"op4\" -> \"n4\";\n",
        "  \"n3\" -> \"op4\";\n",
    ] {
        assert!(dot.contains(line), "missing {line:?} in\n{dot}");
    }
    assert!(dot.ends_with("}\n"), "{dot}");
    assert_eq!(dot.matches(" -> ").count(), 5, "{dot}");
    assert!(!dot.contains("unused") && !dot.contains("\"n2\""), "{dot}");
    assert!(!dot.contains("\"n5\"") && !dot.contains("\"op5\""), "{dot}");

    let plain = d.to_dot(None);
    assert!(plain.contains("label=\"{ a | data 2.0000 }\""), "{plain}");
    assert!(!plain.contains("| grad"), "{plain}");
}

#[test]
fn to_dot_escapes_labels_and_draws_constants() {
    let tape = Tape::new();
    let x = tape.var(1.0).with_label("x|\"y\"");
    let dot = x.exp().to_dot(None);
    assert!(dot.contains("{ x\\|\\\"y\\\" | data 1.0000 }"), "{dot}");
    assert!(dot.contains("label=\"exp\""), "{dot}");
    let c = Value::constant(3.0).to_dot(None);
    assert!(
        c.contains("\"c\" [shape=record, label=\"{ const | data 3.0000 }\"];"),
        "{c}"
    );
}

/// out = (x·y + x)², at x = 3, y = -2.
fn traced() -> (Gradients, BackwardTrace) {
    let tape = Tape::new();
    let x = tape.var(3.0).with_label("x");
    let y = tape.var(-2.0).with_label("y");
    let z = (x * y).with_label("z");
    let w = (z + x).with_label("w");
    let out = (w * w).with_label("out");
    out.backward_traced()
}

/// A pass of `local × upstream` to `parent`, whose gradient is `total` after it.
fn pass(parent: usize, name: &str, data: f64, local: f64, upstream: f64, total: f64) -> TracePass {
    TracePass {
        parent,
        parent_name: name.to_string(),
        parent_data: data,
        local,
        upstream,
        contribution: local * upstream,
        total,
    }
}

#[test]
fn backward_traced_records_every_step() {
    let (grads, trace) = traced();
    assert_eq!(grads.as_slice(), &[6.0, -18.0, -6.0, -6.0, 1.0]);
    let step = |node: usize, name: &str, op, expr: Option<&str>, data, grad, passes| TraceStep {
        node,
        name: name.to_string(),
        op,
        expression: expr.map(str::to_string),
        data,
        grad,
        passes,
    };
    let expected = vec![
        step(
            4,
            "out",
            Op::Mul,
            Some("w * w"),
            9.0,
            1.0,
            vec![
                pass(3, "w", -3.0, -3.0, 1.0, -3.0),
                pass(3, "w", -3.0, -3.0, 1.0, -6.0),
            ],
        ),
        step(
            3,
            "w",
            Op::Add,
            Some("z + x"),
            -3.0,
            -6.0,
            vec![
                pass(2, "z", -6.0, 1.0, -6.0, -6.0),
                pass(0, "x", 3.0, 1.0, -6.0, -6.0),
            ],
        ),
        step(
            2,
            "z",
            Op::Mul,
            Some("x * y"),
            -6.0,
            -6.0,
            vec![
                pass(0, "x", 3.0, -2.0, -6.0, 6.0),
                pass(1, "y", -2.0, 3.0, -6.0, -18.0),
            ],
        ),
        step(1, "y", Op::Var, None, -2.0, -18.0, vec![]),
        step(0, "x", Op::Var, None, 3.0, 6.0, vec![]),
    ];
    assert_eq!(trace.steps(), expected.as_slice());
}

/// A node with one input and a plain constant shows the constant and its side (`f / 2`
/// and `10 / f` look alike otherwise), in the trace and in the picture's oval; so do
/// exponents and named custom operations.
#[test]
fn traces_and_pictures_show_constants_with_their_side() {
    let tape = Tape::new();
    let f = tape.var(49.0).with_label("f");
    let g = tape.var(2.0).with_label("g");
    let cases: [(Value<'_>, &str, &str); 18] = [
        (f / 2.0, "f / 2", "f / 2"),
        (10.0 / f, "10 / f", "10 / f"),
        (-10.0 / f, "-10 / f", "-10 / f"),
        (f / -0.5, "f / -0.5", "f / -0.5"),
        (f - 1.0, "f - 1", "f - 1"),
        (1.0 - f, "1 - f", "1 - f"),
        (3.0 * f, "3 * f", "3 * f"),
        (f * 3.0, "f * 3", "f * 3"),
        (f + 1e-12, "f + 1e-12", "f + 1e-12"),
        (0.0 / f, "0 / f", "0 / f"),
        (f.powi(2), "f**2", "f**2"),
        (f.powf(0.5), "f**0.5", "f**0.5"),
        (f.pow(3.0), "f**3", "f**3"),
        (Value::constant(2.0).pow(f), "2**f", "2**f"),
        (f - g, "f - g", "f - g"),
        (f.pow(g), "f**g", "f**g"),
        (f * g, "f * g", "*"),
        (
            f.custom_named("softplus", 49.0, 1.0),
            "softplus(f)",
            "softplus(f)",
        ),
    ];
    for (node, expression, oval) in cases {
        let node = node.with_label("y");
        let (_, trace) = node.backward_traced();
        let first = trace
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(
            first.starts_with(&format!("y = {expression}  data")),
            "{first}"
        );
        assert_eq!(trace.steps()[0].expression.as_deref(), Some(expression));
        let i = node.index().unwrap();
        let dot = node.to_dot(None);
        assert!(
            dot.contains(&format!("\"op{i}\" [shape=oval, label=\"{oval}\"]")),
            "{expression}: {dot}"
        );
    }
    // A zero input divided: 1 / 0 is inf, and its derivative -inf / 0 is -inf.
    let z = tape.var(0.0).with_label("z");
    let (_, trace) = (1.0 / z).with_label("y").backward_traced();
    assert!(
        trace.to_string().starts_with("y = 1 / z  data inf"),
        "{trace}"
    );
    // Many inputs, named: hypot(a, b) rather than custom(a, b).
    let h = tape.custom_named("hypot", 5.0, &[(f, 0.6), (g, 0.8)]);
    assert_eq!(
        h.backward_traced().1.steps()[0].expression.as_deref(),
        Some("hypot(f, g)")
    );
    let plain = tape.custom(5.0, &[(f, 0.6), (g, 0.8)]);
    assert_eq!(
        plain.backward_traced().1.steps()[0].expression.as_deref(),
        Some("custom(f, g)")
    );
}

/// A relu that is off passes 0 × upstream back; with a negative upstream that is -0 in
/// floating point, which the trace prints as 0. The nodes behind it get gradient 0, and the
/// sweep skips them: the trace names them once, at the end, rather than drop them silently.
#[test]
fn a_trace_prints_no_minus_zero_and_names_the_skipped_nodes_once() {
    let tape = Tape::new();
    let a = tape.var(-2.0).with_label("a");
    let b = tape.var(3.0).with_label("b");
    let r = (a * b).with_label("n").relu().with_label("r");
    let y = (b - (r * 0.1885).with_label("s")).with_label("y");
    let (grads, trace) = y.backward_traced();
    assert_eq!(
        trace.to_string(),
        "\
y = b - s  data 3  grad 1 (start: dy/dy = 1)
    b.grad += 1 × 1 = 1, now 1
    s.grad += -1 × 1 = -1, now -1
s = r * 0.1885  data 0  grad -1
    r.grad += 0.188500 × -1 = -0.188500, now -0.188500
r = relu(n)  data 0  grad -0.188500
    n.grad += 0 × -0.188500 = 0, now 0
b (leaf)  data 3  grad 1
skipped, their gradient being 0 (they pass nothing on): n, a
"
    );
    assert_eq!(trace.skipped(), [2, 0]);
    assert_eq!((grads.wrt(a), grads.wrt(b)), (0.0, 1.0));
    // The contribution itself is kept as computed: -0.
    let pass = &trace.steps()[2].passes[0];
    assert!(pass.contribution == 0.0 && pass.contribution.is_sign_negative());
    // The graph prints no -0.0000 either, for a data or a gradient.
    let dot = ((a * 0.0).with_label("z") * -1.0).to_dot(Some(&grads));
    assert!(!dot.contains("-0.0000"), "{dot}");
    assert!(dot.contains("z | data 0.0000"), "{dot}");
    // Nothing is skipped where every node gets a gradient, and nothing is said.
    let (_, trace) = (a * b).backward_traced();
    assert!(trace.skipped().is_empty());
    assert!(!trace.to_string().contains("skipped"));
}

/// Every built-in loss reads by its name in the trace and the graph (`mse(out)`), not as
/// `custom(out)`, and naming it changes nothing in the numbers.
#[test]
fn built_in_losses_are_named_in_traces_and_graphs() {
    use tapegrad::loss;
    let tape = Tape::new();
    let out = tape.var(0.75).with_label("out");
    let w = tape.var(-2.0).with_label("w");
    let cases = [
        (loss::mse(out, 1.0), "mse(out)", 0.0625, -0.5),
        (
            loss::half_squared_error(out, 1.0),
            "half_squared_error(out)",
            0.03125,
            -0.25,
        ),
        (
            loss::sum_of_squares(&[out, w], &[1.0, 0.0]).unwrap(),
            "sum_of_squares(out, w)",
            4.0625,
            -0.5,
        ),
        (
            loss::bce(out, 1.0),
            "bce(out)",
            -(0.75f64.ln()),
            -1.0 / 0.75,
        ),
        (
            loss::bce_with_logits(out, 1.0),
            "bce_with_logits(out)",
            (1.0 + (-0.75f64).exp()).ln(),
            -1.0 / (1.0 + 0.75f64.exp()),
        ),
        (loss::hinge(out, 1.0), "hinge(out)", 0.25, -1.0),
        (
            loss::l2_penalty(&[out, w], 0.5),
            "l2_penalty(out, w)",
            0.5 * (0.5625 + 4.0),
            0.75,
        ),
        (
            loss::l1_penalty(&[out, w], 0.5),
            "l1_penalty(out, w)",
            1.375,
            0.5,
        ),
    ];
    for (l, expression, data, d_out) in cases {
        let (grads, trace) = l.with_label("L").backward_traced();
        let step = &trace.steps()[0];
        assert_eq!(step.expression.as_deref(), Some(expression));
        assert_close(step.data, data, 1e-15);
        assert_close(grads.wrt(out), d_out, 1e-15);
        assert!(
            trace
                .to_string()
                .starts_with(&format!("L = {expression}  data")),
            "{trace}"
        );
        let i = l.index().unwrap();
        let dot = l.to_dot(None);
        assert!(
            dot.contains(&format!("\"op{i}\" [shape=oval, label=\"{expression}\"]")),
            "{dot}"
        );
    }
}

/// The constants kept for display are forgotten with the rest by `clear`, and a new node
/// at the same index shows nothing of them.
#[test]
fn clear_forgets_constants_and_names() {
    let mut tape = Tape::new();
    {
        let x = tape.var(1.0);
        let _ = (x / 2.0).custom_named("half", 0.5, 1.0);
    }
    tape.clear();
    let x = tape.var(1.0).with_label("x");
    let y = (x + x).with_label("y");
    let z = y.exp().with_label("z");
    let (_, trace) = z.backward_traced();
    let text = trace.to_string();
    assert!(text.starts_with("z = exp(y)  data"), "{text}");
    assert!(text.contains("y = x + x  data 2"), "{text}");
}

#[test]
fn backward_trace_prints_the_chain_rule() {
    let (_, trace) = traced();
    let expected = "\
out = w * w  data 9  grad 1 (start: dout/dout = 1)
    w.grad += -3 × 1 = -3, now -3
    w.grad += -3 × 1 = -3, now -6
w = z + x  data -3  grad -6
    z.grad += 1 × -6 = -6, now -6
    x.grad += 1 × -6 = -6, now -6
z = x * y  data -6  grad -6
    x.grad += -2 × -6 = 12, now 6
    y.grad += 3 × -6 = -18, now -18
y (leaf)  data -2  grad -18
x (leaf)  data 3  grad 6
";
    assert_eq!(trace.to_string(), expected);

    let tape = Tape::new();
    let x = tape.var(0.5);
    let (_, t) = (x / 4.0).backward_traced();
    assert_eq!(
        t.to_string(),
        "#1 = #0 / 4  data 0.125000  grad 1 (start: d#1/d#1 = 1)\n    \
         #0.grad += 0.250000 × 1 = 0.250000, now 0.250000\n\
         #0 (leaf)  data 0.500000  grad 0.250000\n"
    );
}

#[test]
fn backward_trace_skips_nodes_with_zero_gradient() {
    let tape = Tape::new();
    let a = tape.var(-1.0);
    let b = tape.var(2.0);
    let y = a.relu() * 3.0 + b;
    let (_, trace) = y.backward_traced();
    let nodes: Vec<usize> = trace.steps().iter().map(|s| s.node).collect();
    // y(#4) → b(#1) and a*3 (#3) → relu(#2) has gradient 3 but passes 0 → a is skipped.
    assert_eq!(nodes, vec![4, 3, 2, 1]);
    assert_eq!(
        trace.steps()[2].passes,
        vec![pass(0, "#0", -1.0, 0.0, 3.0, 0.0)]
    );
    // A constant on no tape has no node, so its trace has no step.
    assert!(Value::from(3.0).backward_traced().1.steps().is_empty());
}

#[test]
fn gradient_check_flags_a_wrong_derivative() {
    // f(x0, x1) = x0·x1 + x1², with d(x1²)/dx1 recorded as 3 instead of 2·x1.
    let report = check_gradients(
        |x| x[0] * x[1] + x[1].custom(x[1].data() * x[1].data(), 3.0),
        &[1.5, -0.5],
    );
    assert!(!report.passed());
    assert_close(report.output, -0.5, 1e-15);
    let [good, bad] = report.inputs.as_slice() else {
        panic!("expected two inputs, got {report:?}");
    };
    assert!(good.passed, "{report}");
    assert_eq!(good.analytic, -0.5);
    assert!(!bad.passed, "{report}");
    assert_eq!(bad.analytic, 4.5); // x0 + 3
    assert_close(bad.numeric, 0.5, 1e-8); // x0 + 2·x1
    assert_close(bad.abs_error, 4.0, 1e-8);
    let text = report.to_string();
    assert!(text.contains("FAIL") && text.contains("WRONG"), "{text}");
    assert_eq!(text.matches("WRONG").count(), 1, "{text}");
}

/// The report names its function and its inputs: `f` and `x[0]`, … unless told, the names
/// given, or a network's parameter names; a kink's sentence uses them too.
#[test]
fn gradient_check_names_its_function_and_inputs() {
    use tapegrad::check_model_gradients;
    use tapegrad::nn::{Activation, Neuron};
    let plain = check_gradients(
        |x| x[0] * x[1] + x[1].custom(x[1].data() * x[1].data(), 3.0),
        &[1.5, -0.5],
    );
    assert_eq!(plain.function, "f");
    assert_eq!(plain.names, ["x[0]", "x[1]"]);
    let text = plain.to_string();
    assert!(
        text.starts_with("gradient check of f(x[0], x[1]) = -0.5 "),
        "{text}"
    );
    assert!(
        text.contains("\n  x[1]     -0.5000    4.500000e0 "),
        "{text}"
    );
    let named = plain.with_function("g").with_input_names(&["a", "b"]);
    let text = named.to_string();
    assert!(
        text.starts_with("gradient check of g(a, b) = -0.5 "),
        "{text}"
    );
    assert!(text.contains("\n  b        -0.5000    4.500000e0 ") && text.ends_with("WRONG\n"));
    assert_eq!(
        panic_message(|| drop(named.with_input_names(&["a"]))),
        "assertion `left == right` failed: GradCheckReport::with_input_names: 1 names for 2 \
         inputs; give one name per input\n  left: 1\n right: 2"
    );
    let kink = check_gradients(|x| x[0].abs(), &[0.0]).with_input_names(&["z"]);
    assert!(
        kink.to_string()
            .contains("  z is at a kink: f is not differentiable at z = 0 ")
    );

    // A network's parameters by the names its state dict uses; long lists are counted.
    let mut rng = StdRng::seed_from_u64(0);
    let mlp = Mlp::new(
        2,
        &[3, 1],
        Activation::Tanh,
        Activation::Linear,
        Init::Micrograd,
        &mut rng,
    )
    .unwrap();
    let x = [Value::from(0.5), Value::from(-1.0)];
    let report = check_model_gradients(&mlp, |p| mlp.forward(p, &x).unwrap()[0].powi(2));
    assert!(report.passed(), "{report}");
    let names: Vec<String> = mlp.named_parameters().into_keys().collect();
    assert_eq!(report.names, names);
    assert_eq!(report.inputs.len(), 13);
    let text = report.to_string();
    assert!(
        text.starts_with("gradient check of loss(13 inputs) = "),
        "{text}"
    );
    assert!(text.contains("\n  input                     at "), "{text}");
    assert!(text.contains("\n  layer1.neuron0.b      0.0000 "), "{text}");
    let lone = Neuron::from_parts(vec![2.0], -1.0, Activation::Linear);
    let report = check_model_gradients(&lone, |p| lone.forward(p, &[3.0.into()]).unwrap()[0]);
    let text = report.to_string();
    assert!(
        text.starts_with("gradient check of loss(w0, b) = 5 "),
        "{text}"
    );
    assert_eq!(
        report.inputs.iter().map(|c| c.analytic).collect::<Vec<_>>(),
        [3.0, 1.0]
    );
}

#[test]
fn gradient_check_passes_the_same_function_with_the_right_derivative() {
    let report = check_gradients(
        |x| x[0] * x[1] + x[1].custom(x[1].data() * x[1].data(), 2.0 * x[1].data()),
        &[1.5, -0.5],
    );
    assert!(report.passed(), "{report}");
    assert!(report.worst_abs_error() < 1e-8, "{report}");
}

/// The report's fields are public, so its names may be cut or grown after the check: every
/// input still gets its row, `x[i]` when its name is gone, and a name without an input prints
/// nothing.
#[test]
fn a_gradient_check_prints_every_input_whatever_its_names() {
    let mut report = check_gradients(|x| x[0] * x[1], &[3.0, -2.0]).with_input_names(&["a", "b"]);
    report.names.pop(); // Before: the PASS header, then one row; `b` vanished.
    assert_eq!(
        report.to_string(),
        "\
gradient check of f(a, x[1]) = -6 (eps 1e-6, atol 1e-5, rtol 1e-3): PASS
  input         at      backward       numeric     abs error   rel error
  a         3.0000   -2.000000e0   -2.000000e0     2.796e-10   1.398e-10  ok
  x[1]     -2.0000    3.000000e0    3.000000e0     2.476e-11   8.252e-12  ok
"
    );
    report.names = vec!["a".into(), "b".into(), "c".into()];
    report.inputs.remove(0);
    assert_eq!(
        report.to_string(),
        "\
gradient check of f(a) = -6 (eps 1e-6, atol 1e-5, rtol 1e-3): PASS
  input         at      backward       numeric     abs error   rel error
  a        -2.0000    3.000000e0    3.000000e0     2.476e-11   8.252e-12  ok
"
    );
}

/// At a kink the report names the one-sided slopes and forgives a backward value between
/// them; on smooth functions, however curved, it finds no kink.
#[test]
fn gradient_check_explains_kinks() {
    let relu = check_gradients(|x| x[0].relu(), &[0.0]);
    let kink = relu.inputs[0].kink.expect("relu at 0");
    assert_eq!((kink.left, kink.right), (0.0, 1.0));
    assert!(!relu.passed() && relu.passed_but_for_kinks());
    let text = relu.to_string();
    assert!(text.contains("FAIL, but only at a kink"), "{text}");
    assert!(
        text.contains("slope is 0 from the left and 1 from the right"),
        "{text}"
    );
    assert!(!text.contains("WRONG"), "{text}");

    // abs at 0 passes (the central difference and abs'(0) are both 0), and still says why.
    let abs = check_gradients(|x| x[0].abs(), &[0.0]);
    assert!(abs.passed(), "{abs}");
    let kink = abs.inputs[0].kink.expect("abs at 0");
    assert_eq!((kink.left, kink.right), (-1.0, 1.0));
    assert!(abs.to_string().contains("ok, at a kink"), "{abs}");

    // A kink within eps of the point, and a derivative no slope there allows.
    let near = check_gradients(|x| x[0].relu(), &[1e-7]);
    assert!(
        near.inputs[0].kink.is_some() && near.passed_but_for_kinks(),
        "{near}"
    );
    let wrong = check_gradients(|x| x[0].custom(x[0].data().abs(), 3.0), &[0.0]);
    assert!(!wrong.passed_but_for_kinks(), "{wrong}");
    assert!(wrong.to_string().contains("WRONG"), "{wrong}");
    assert!(
        wrong
            .to_string()
            .contains("wrong even allowing for the kink"),
        "{wrong}"
    );

    // Two inputs: only the one at the kink is marked.
    let two = check_gradients(|x| x[0] * x[0] + x[1].relu(), &[1.0, 0.0]);
    assert_eq!(
        two.inputs
            .iter()
            .map(|c| c.kink.is_some())
            .collect::<Vec<_>>(),
        [false, true]
    );

    // Smooth, steep and curved: no kink anywhere.
    type Scalar = for<'t> fn(&[Value<'t>]) -> Value<'t>;
    let smooth: [(Scalar, f64); 5] = [
        (|x| (x[0] * 1000.0).powi(2), 0.0),
        (|x| (x[0] * 10.0).exp(), 1.0),
        (|x| x[0].relu(), 0.5),
        (|x| x[0].abs(), -2.0),
        (|x| (x[0] * 100.0).tanh(), 0.001),
    ];
    for (f, at) in smooth {
        let report = check_gradients(f, &[at]);
        assert!(report.passed(), "{report}");
        assert!(report.inputs[0].kink.is_none(), "{report}");
    }
}

/// The verdict is `|analytic − numeric| ≤ atol + rtol·|numeric|` (1e-5 + 1e-3·|numeric|
/// by default), pinned on both sides: d/dx x² at x = 3 recorded 1% too large (6.06,
/// error 0.06 > 0.006) fails, 0.01% too large (6.0006, error 0.0006 < 0.006) passes.
#[test]
fn gradient_check_draws_the_line_at_its_tolerance() {
    let scaled = |factor: f64| {
        check_gradients(
            move |x| x[0].custom(x[0].data().powi(2), 2.0 * x[0].data() * factor),
            &[3.0],
        )
    };
    let off = scaled(1.01);
    assert!(!off.passed(), "{off}");
    assert_close(off.inputs[0].abs_error, 0.06, 1e-8);
    let close = scaled(1.0001);
    assert!(close.passed(), "{close}");
    // Just outside and just inside 1e-5 + 1e-3·6 = 0.006010.
    assert!(!scaled(1.0 + 0.00602 / 6.0).passed());
    assert!(scaled(1.0 + 0.00600 / 6.0).passed());
}
