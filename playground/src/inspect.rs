//! The two looks inside the network on request: one sample step by step (forward, the
//! library's `backward_traced`, the SGD update it would make) and the gradient check of the
//! current network on the last batch.

use serde::Serialize;
use tapegrad::nn::{Activation, Forward, Module};
use tapegrad::{GradCheckConfig, Tape, TraceStep, Value, check_gradients_with};

use crate::settings::Choice;
use crate::trainer::Trainer;

#[derive(Serialize)]
pub struct SampleJson {
    point: PointJson,
    inputs: Vec<NamedValue>,
    forward: Vec<Vec<NeuronValues>>,
    loss: NamedValue,
    backward: Vec<StepJson>,
    updates: Vec<UpdateJson>,
    neuron: GraphJson,
}

#[derive(Serialize)]
struct PointJson {
    x: f64,
    y: f64,
    label: f64,
}

#[derive(Serialize)]
struct NamedValue {
    name: String,
    value: f64,
}

#[derive(Serialize)]
struct NeuronValues {
    pre: f64,
    out: f64,
}

#[derive(Serialize)]
struct StepJson {
    node: usize,
    name: String,
    expression: Option<String>,
    data: f64,
    grad: f64,
    passes: Vec<PassJson>,
}

#[derive(Serialize)]
struct PassJson {
    parent: usize,
    parent_name: String,
    local: f64,
    upstream: f64,
    contribution: f64,
    total: f64,
}

#[derive(Serialize)]
struct UpdateJson {
    name: String,
    weight: f64,
    grad: f64,
    update: f64,
    new: f64,
}

#[derive(Serialize)]
struct GraphJson {
    layer: usize,
    neuron: usize,
    nodes: Vec<NodeJson>,
    edges: Vec<[usize; 2]>,
}

#[derive(Serialize)]
struct NodeJson {
    id: usize,
    label: String,
    op: &'static str,
    data: f64,
    grad: f64,
}

#[derive(Serialize)]
pub struct GradCheckJson {
    passed: bool,
    passed_but_for_kinks: bool,
    rows: Vec<GradCheckRow>,
}

#[derive(Serialize)]
struct GradCheckRow {
    name: String,
    analytic: f64,
    numeric: Option<f64>,
    abs_error: Option<f64>,
    rel_error: Option<f64>,
    kink: bool,
    ok: bool,
}

impl From<&TraceStep> for StepJson {
    fn from(s: &TraceStep) -> StepJson {
        StepJson {
            node: s.node,
            name: s.name.clone(),
            expression: s.expression.clone(),
            data: s.data,
            grad: s.grad,
            passes: s
                .passes
                .iter()
                .map(|p| PassJson {
                    parent: p.parent,
                    parent_name: p.parent_name.clone(),
                    local: p.local,
                    upstream: p.upstream,
                    contribution: p.contribution,
                    total: p.total,
                })
                .collect(),
        }
    }
}

impl Trainer {
    /// The training point nearest to (x, y), run through the network on a tape of its own
    /// with every value labelled: forward, loss, the traced backward sweep, the SGD update.
    pub fn sample(&self, x: f64, y: f64) -> SampleJson {
        let distance = |i: usize| {
            let p = &self.data.train[i];
            (p.x - x).hypot(p.y - y)
        };
        let nearest = (0..self.data.train.len())
            .min_by(|&a, &b| distance(a).total_cmp(&distance(b)))
            .unwrap_or(0);
        let p = self.data.train[nearest];
        let tape = Tape::new();
        let named = self.model.named_parameters();
        let params: Vec<Value<'_>> = named
            .iter()
            .map(|(name, v)| tape.var(*v).with_label(name))
            .collect();
        let inputs: Vec<Value<'_>> = self
            .settings
            .features
            .iter()
            .map(|f| tape.var(f.of(p.x, p.y)).with_label(f.name()))
            .collect();
        let mut forward = Vec::new();
        let mut x_in = inputs.clone();
        let mut rest = &params[..];
        // The first neuron's nodes: its inputs, weights and bias, its sum, its output.
        let mut first = None;
        for (l, layer) in self.model.layers().iter().enumerate() {
            let (mut outs, mut row) = (Vec::new(), Vec::new());
            for (k, n) in layer.neurons().iter().enumerate() {
                let (mine, others) = rest.split_at(n.nin() + 1);
                rest = others;
                let (w, b) = mine.split_at(n.nin());
                let sum = tapegrad::affine(w, &x_in, b[0]);
                let out = if n.activation() == Activation::Linear {
                    sum.with_label(&format!("layer{l}.neuron{k}"))
                } else {
                    let sum = sum.with_label(&format!("layer{l}.neuron{k}.sum"));
                    n.activation()
                        .apply(sum)
                        .with_label(&format!("layer{l}.neuron{k}"))
                };
                if first.is_none() {
                    first = Some((x_in.clone(), mine.to_vec(), sum, out));
                }
                row.push(NeuronValues {
                    pre: sum.data(),
                    out: out.data(),
                });
                outs.push(out);
            }
            forward.push(row);
            x_in = outs;
        }
        let target = self.spec.target(p.label);
        let loss = self.spec.loss.apply(x_in[0], target).with_label("loss");
        let (grads, trace) = loss.backward_traced();
        let lr = self.settings.lr;
        let updates = named
            .iter()
            .zip(&params)
            .map(|((name, w), v)| {
                let g = grads.wrt(*v);
                UpdateJson {
                    name: name.clone(),
                    weight: *w,
                    grad: g,
                    update: -lr * g,
                    new: w - lr * g,
                }
            })
            .collect();
        let mut graph = GraphJson {
            layer: 0,
            neuron: 0,
            nodes: Vec::new(),
            edges: Vec::new(),
        };
        if let Some((ins, wb, sum, out)) = first {
            let id = |v: Value<'_>| v.index().unwrap_or(usize::MAX);
            for v in ins.iter().chain(&wb).chain([&sum]) {
                if v.index() != sum.index() {
                    graph.edges.push([id(*v), id(sum)]);
                }
            }
            if out.index() != sum.index() {
                graph.edges.push([id(sum), id(out)]);
            }
            let mut nodes: Vec<Value<'_>> = ins.into_iter().chain(wb).chain([sum, out]).collect();
            nodes.dedup_by_key(|v| v.index());
            graph.nodes = nodes
                .iter()
                .map(|&v| NodeJson {
                    id: id(v),
                    label: v.label().unwrap_or_default(),
                    op: v.op().map_or("const", |op| op.symbol()),
                    data: v.data(),
                    grad: grads.wrt(v),
                })
                .collect();
        }
        SampleJson {
            point: PointJson {
                x: p.x,
                y: p.y,
                label: p.label,
            },
            inputs: self
                .settings
                .features
                .iter()
                .zip(&inputs)
                .map(|(f, v)| NamedValue {
                    name: f.name().to_string(),
                    value: v.data(),
                })
                .collect(),
            forward,
            loss: NamedValue {
                name: self.settings.loss.name().to_string(),
                value: loss.data(),
            },
            backward: trace.steps().iter().map(StepJson::from).collect(),
            updates,
            neuron: graph,
        }
    }

    /// The library's gradient check of the last batch's loss (with the penalty) as a
    /// function of the parameters, at the current parameters.
    pub fn gradcheck(&self) -> GradCheckJson {
        let objective = self.objective();
        let report = check_gradients_with(
            |p: &[Value<'_>]| {
                objective
                    .value(p, None)
                    .unwrap_or(Value::constant(f64::NAN))
            },
            &self.model.parameters(),
            GradCheckConfig::default(),
        );
        let finite = |x: f64| x.is_finite().then_some(x);
        GradCheckJson {
            passed: report.passed(),
            passed_but_for_kinks: report.passed_but_for_kinks(),
            rows: self
                .model
                .named_parameters()
                .into_iter()
                .zip(&report.inputs)
                .map(|((name, _), c)| GradCheckRow {
                    name,
                    analytic: c.analytic,
                    numeric: finite(c.numeric),
                    abs_error: finite(c.abs_error),
                    rel_error: finite(c.rel_error),
                    kink: c.kink.is_some(),
                    ok: c.passed || c.kink.is_some_and(|k| k.allows(c.analytic)),
                })
                .collect(),
        }
    }
}
