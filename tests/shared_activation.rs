//! A layer whose neurons share one activation records them all in one go: the tape it leaves
//! is, node by node, the one recording each neuron's weighted sum and then each activation
//! value by value gives (values, ops, edges and local derivatives, gradients, the backward
//! trace, second derivatives), on a tape, on no tape, with NaN and with constants.

use tapegrad::nn::{Activation, CustomActivation, Forward, Layer, Mlp, Module, Neuron};
use tapegrad::{Tape, Value, affine};

fn softplus(x: f64) -> (f64, f64) {
    ((1.0 + x.exp()).ln(), 1.0 / (1.0 + (-x).exp()))
}

fn leaky(x: Value<'_>) -> Value<'_> {
    if x.data() > 0.0 { x } else { 0.1 * x }
}

/// Every activation a layer can share, a custom one of each kind among them.
fn activations() -> [Activation; 6] {
    [
        Activation::Tanh,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Linear,
        Activation::Custom(CustomActivation::with_derivative("softplus", softplus)),
        Activation::Custom(CustomActivation::new("leaky", leaky)),
    ]
}

/// A 3-4-3-1 network, every neuron with `act`, weights that put some sums at 0, some far out.
fn network(act: Activation) -> Mlp {
    network_of(|_| act)
}

/// The same network with neuron `j` of each layer given `act(j)`.
fn network_of(act: impl Fn(usize) -> Activation) -> Mlp {
    let widths = [3, 4, 3, 1];
    let mut layers = Vec::new();
    let mut k = 0.0_f64;
    for pair in widths.windows(2) {
        let neurons = (0..pair[1])
            .map(|j| {
                let weights = (0..pair[0])
                    .map(|_| {
                        k += 1.0;
                        (k * 0.7).sin() * 1.3
                    })
                    .collect();
                k += 1.0;
                Neuron::from_parts(
                    weights,
                    if k as u32 % 5 == 0 {
                        0.0
                    } else {
                        (k * 0.3).cos()
                    },
                    act(j),
                )
            })
            .collect();
        layers.push(Layer::from_neurons(neurons).unwrap());
    }
    Mlp::from_layers(layers).unwrap()
}

/// The network's pass recorded value by value: in each layer every neuron's weighted sum
/// (one `affine` node), then every neuron's activation, as `Activation::apply` records it.
fn by_value<'t>(model: &Mlp, params: &[Value<'t>], inputs: &[Value<'t>]) -> Vec<Value<'t>> {
    let mut xs = inputs.to_vec();
    let mut p = params;
    for layer in model.layers() {
        let sums: Vec<Value<'t>> = layer
            .neurons()
            .iter()
            .map(|n| {
                let (mine, rest) = p.split_at(n.nin() + 1);
                p = rest;
                affine(&mine[..n.nin()], &xs, mine[n.nin()])
            })
            .collect();
        xs = sums
            .iter()
            .zip(layer.neurons())
            .map(|(&s, n)| n.activation().apply(s))
            .collect();
    }
    xs
}

/// One node of a sweep: index, op, value and gradient bits, and each edge's parent, local
/// derivative and contribution bits.
type Step = (usize, String, u64, u64, Vec<(usize, u64, u64)>);

/// Everything a sweep from `out` shows: each node's index, op, value, gradient, and each edge's
/// parent, local derivative and contribution, as bits; and the trace's text.
fn sweep(out: Value<'_>) -> (Vec<Step>, String) {
    let (_, trace) = out.backward_traced();
    let steps = trace
        .steps()
        .iter()
        .map(|s| {
            let passes = s
                .passes
                .iter()
                .map(|p| (p.parent, p.local.to_bits(), p.contribution.to_bits()))
                .collect();
            (
                s.node,
                format!("{:?}", s.op),
                s.data.to_bits(),
                s.grad.to_bits(),
                passes,
            )
        })
        .collect();
    (steps, trace.to_string())
}

fn bits(vs: &[Value<'_>]) -> Vec<u64> {
    vs.iter().map(|v| v.data().to_bits()).collect()
}

fn fbits(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

/// The network recorded by the layers and value by value, on two tapes, for `inputs`: the same
/// tape node by node, the same gradients and second derivatives.
fn assert_same_tapes(model: &Mlp, params: &[f64], inputs: &[f64]) {
    let what = format!("{model} on {inputs:?}, parameter 0 {}", params[0]);
    let (a, b) = (Tape::new(), Tape::new());
    let (pa, pb) = (a.vars(params), b.vars(params));
    let (xa, xb) = (a.vars(inputs), b.vars(inputs));
    let ya = model.forward(&pa, &xa).unwrap()[0];
    let yb = by_value(model, &pb, &xb)[0];
    assert_eq!(a.len(), b.len(), "{what}");
    assert_eq!(ya.data().to_bits(), yb.data().to_bits(), "{what}");
    assert_eq!(sweep(ya), sweep(yb), "{what}");
    let (gx, gy) = (ya.backward(), yb.backward());
    assert_eq!(fbits(&gx.wrt_all(&pa)), fbits(&gy.wrt_all(&pb)), "{what}");
    assert_eq!(fbits(&gx.wrt_all(&xa)), fbits(&gy.wrt_all(&xb)), "{what}");
    // Second derivatives: the gradient recorded on the tape, then swept back itself.
    // (a custom activation given by its derivative has none: the same refusal.)
    let (ga, gb) = match (ya.backward_on_tape(&xa), yb.backward_on_tape(&xb)) {
        (Ok(ga), Ok(gb)) => (ga, gb),
        (ea, eb) => {
            assert_eq!(ea.unwrap_err(), eb.unwrap_err(), "{what}");
            return;
        }
    };
    assert_eq!(a.len(), b.len(), "{what}");
    assert_eq!(bits(&ga), bits(&gb), "{what}");
    for (da, db) in ga.iter().zip(&gb) {
        assert_eq!(sweep(*da), sweep(*db), "{what}");
    }
}

/// [`assert_same_tapes`] for `model` on inputs that put sums at 0 and far out, then with a
/// NaN weight: the first layer's first sum is NaN, and all that reads it.
fn assert_same_tapes_for(model: &Mlp) {
    let mut params = model.parameters();
    for inputs in [[0.5, -1.0, 2.0], [0.0, 0.0, 0.0], [40.0, -40.0, 3.0]] {
        assert_same_tapes(model, &params, &inputs);
    }
    params[0] = f64::NAN;
    assert_same_tapes(model, &params, &[0.5, -1.0, 2.0]);
}

#[test]
fn a_shared_activation_records_the_tape_value_by_value_recording_gives() {
    for act in activations() {
        assert_same_tapes_for(&network(act));
    }
}

/// A layer of mixed activations records each neuron's own, as before.
#[test]
fn a_layer_of_mixed_activations_records_each_neurons_own() {
    let all = activations();
    for shift in 0..all.len() {
        assert_same_tapes_for(&network_of(|j| all[(j + shift) % all.len()]));
    }
}

#[test]
fn a_nan_sum_records_nan_local_derivatives() {
    for act in activations() {
        if act == Activation::Linear {
            continue;
        }
        let layer = Layer::from_neurons(vec![Neuron::from_parts(vec![1.0], 0.0, act); 2]).unwrap();
        let tape = Tape::new();
        let w = tape.vars(&[f64::NAN, 0.0, 1.0, f64::NAN]);
        let y = layer.forward(&w, &[tape.var(2.0)]).unwrap();
        for v in &y {
            let (_, trace) = v.backward_traced();
            let last = trace
                .steps()
                .iter()
                .find(|s| s.node == v.index().unwrap())
                .unwrap();
            assert!(last.data.is_nan(), "{act}");
            assert!(
                last.passes.iter().all(|p| p.local.is_nan()),
                "{act}: {:?}",
                last.passes
            );
        }
    }
}

#[test]
fn on_no_tape_and_with_constant_parameters_it_gives_what_apply_gives() {
    for act in activations() {
        let model = network(act);
        let mut params = model.parameters();
        for nan in [false, true] {
            // A NaN weight: the first layer's first sum is NaN, and all that reads it.
            if nan {
                params[0] = f64::NAN;
            }
            let inputs = [0.5, -1.0, 2.0];
            let tape = Tape::new();
            let consts: Vec<Value<'_>> = params.iter().map(|&p| Value::constant(p)).collect();
            let xs: Vec<Value<'_>> = inputs.iter().map(|&x| Value::constant(x)).collect();
            // All constants: no node anywhere, the same value as predict's.
            let y = model.forward(&consts, &xs).unwrap();
            let expected = by_value(&model, &consts, &xs);
            assert_eq!(bits(&y), bits(&expected), "{act}");
            assert_eq!(y[0].tape().is_none(), expected[0].tape().is_none(), "{act}");
            let mut m = model.clone();
            m.visit_parameters_mut(&mut |p| *p = f64::NAN);
            let mut i = 0;
            m.visit_parameters_mut(&mut |p| {
                *p = params[i];
                i += 1;
            });
            assert_eq!(
                m.predict(&inputs).unwrap()[0].to_bits(),
                y[0].data().to_bits(),
                "{act}"
            );
            // Constant parameters, recorded inputs: every activation on the tape.
            let xa = tape.vars(&inputs);
            let ya = model.forward(&consts, &xa).unwrap()[0];
            let n = tape.len();
            let other = Tape::new();
            let xb = other.vars(&inputs);
            let yb = by_value(&model, &consts, &xb)[0];
            assert_eq!(n, other.len(), "{act}");
            assert_eq!(sweep(ya), sweep(yb), "{act}");
        }
    }
}

/// The layer keeps which activation its neurons share; that changes neither its equality nor
/// its `Debug`, however it was built.
#[test]
fn equality_and_debug_are_the_neurons() {
    let model = network(Activation::Tanh);
    let layer = &model.layers()[1];
    let rebuilt = Layer::from_neurons(layer.neurons().to_vec()).unwrap();
    assert_eq!(&rebuilt, layer);
    assert_eq!(layer.clone(), rebuilt);
    assert_eq!(
        format!("{layer:?}"),
        "Layer { nin: 4, nout: 3, activation: Tanh, .. }"
    );
    let mut neurons = layer.neurons().to_vec();
    neurons[2] = Neuron::from_parts(
        neurons[2].weights().to_vec(),
        neurons[2].bias(),
        Activation::Relu,
    );
    let mixed = Layer::from_neurons(neurons).unwrap();
    assert_ne!(&mixed, layer);
    assert_eq!(format!("{mixed:?}"), "Layer { nin: 4, nout: 3, .. }");
}

/// A neuron whose weights, bias and inputs are all constants gives a constant, as `affine`
/// does, even when its layer's other neurons are recorded: no node for it on the tape.
#[test]
fn a_neuron_of_constants_records_no_node() {
    let layer = Layer::from_neurons(vec![
        Neuron::from_parts(vec![2.0, 3.0], 0.5, Activation::Linear),
        Neuron::from_parts(vec![-1.0, 4.0], 0.25, Activation::Linear),
    ])
    .unwrap();
    let tape = Tape::new();
    let mut params = tape.vars(&[2.0, 3.0, 0.5]);
    params.extend([-1.0, 4.0, 0.25].map(Value::constant));
    let inputs = [Value::constant(10.0), Value::constant(100.0)];
    let out = layer.forward(&params, &inputs).unwrap();
    let expected = affine(&params[3..5], &inputs, params[5]);
    assert!(expected.tape().is_none());
    assert!(out[1].tape().is_none(), "{:?}", out[1]);
    assert_eq!(out[1].data(), 390.25);
    assert_eq!(out[0].data(), 320.5);
    // The three parameters and the first neuron's sum.
    assert_eq!(tape.len(), 4);
}
