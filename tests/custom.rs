//! Your own loss and your own activation, written with `Value`'s operations, in the same
//! training loop as the built-in ones: their gradients agree with finite differences, a
//! network trained with them learns, and a custom activation cannot be saved to a file.

use rand::{SeedableRng, rngs::StdRng};
use tapegrad::nn::{
    self, Activation, CustomActivation, Forward, Init, Layer, Mlp, Module, Neuron, accuracy,
};
use tapegrad::optim::{Optimizer, Sgd};
use tapegrad::save::{self, Format};
use tapegrad::{Gradients, Tape, Value, check_gradients, datasets, loss};

/// The Huber loss with δ = 1: quadratic near the target, linear far from it.
fn huber<'t>(pred: Value<'t>, target: f64) -> Value<'t> {
    let r = pred - target;
    if r.data().abs() <= 1.0 {
        0.5 * r * r
    } else {
        r.abs() - 0.5
    }
}

fn leaky_relu(x: Value<'_>) -> Value<'_> {
    if x.data() > 0.0 { x } else { 0.01 * x }
}

const LEAKY: Activation = Activation::Custom(CustomActivation::new("leaky_relu", leaky_relu));

#[test]
fn huber_and_leaky_relu_have_the_gradients_finite_differences_give() {
    // A 2 → 2 → 1 network whose parameters are the inputs of the check: neither point sits
    // on a kink (no pre-activation at 0, no residual at ±1).
    let layers = [
        Layer::from_neurons(vec![
            Neuron::from_parts(vec![0.5, -1.0], 0.25, LEAKY),
            Neuron::from_parts(vec![-0.75, 0.5], 0.1, LEAKY),
        ])
        .unwrap(),
        Layer::from_neurons(vec![Neuron::from_parts(
            vec![1.5, -2.0],
            0.3,
            Activation::Linear,
        )])
        .unwrap(),
    ];
    let model = Mlp::from_layers(layers.to_vec()).unwrap();
    for (x, target) in [([1.0, 2.0], 0.5), ([-1.5, 0.5], -3.0), ([2.0, -1.0], 4.0)] {
        let report = check_gradients(
            |p| {
                let out = model.forward(p, &[x[0].into(), x[1].into()]).unwrap();
                huber(out[0], target)
            },
            &model.parameters(),
        );
        assert!(report.passed(), "at x = {x:?}, target {target}:\n{report}");
    }
}

#[test]
fn a_network_with_its_own_loss_and_activation_learns_in_the_plain_loop() {
    let mut rng = StdRng::seed_from_u64(3);
    let points = datasets::moons(100, 0.1, &mut rng).unwrap();
    let mut model = Mlp::new(
        2,
        &[8, 8, 1],
        LEAKY,
        Activation::Linear,
        Init::Xavier,
        &mut rng,
    )
    .unwrap();
    let (mut tape, mut grads, mut opt) = (Tape::new(), Gradients::new(), Sgd::new(0.1));
    let mut losses = Vec::new();
    for _ in 0..200 {
        tape.clear();
        let net = model.record(&tape);
        let per_point: Vec<Value<'_>> = points
            .iter()
            .map(|p| huber(net.forward_f64(&p.inputs()).unwrap()[0], p.label))
            .collect();
        let total = loss::mean(&per_point).unwrap();
        tape.backward_into(total, &mut grads);
        let step = net.gradients(&grads);
        opt.step(&mut model, &step).unwrap();
        losses.push(total.data());
    }
    assert!(
        losses[199] < 0.5 * losses[0],
        "the Huber loss fell from {} to {}",
        losses[0],
        losses[199]
    );
    let accuracy = accuracy(&model, &points).unwrap();
    assert!(
        accuracy >= 85.0 / 100.0,
        "accuracy {accuracy} on 100 points"
    );
    assert_eq!(model.layers()[0].neurons()[0].activation(), LEAKY);
    assert!(model.to_string().contains("leaky_reluNeuron(2)"));
}

#[test]
fn a_custom_activation_is_refused_by_save_with_its_name() {
    let model = Mlp::from_layers(vec![
        Layer::from_neurons(vec![Neuron::from_parts(vec![1.0], 0.0, LEAKY)]).unwrap(),
    ])
    .unwrap();
    for format in [Format::Native, Format::Safetensors(save::Dtype::F64)] {
        let err = save::to_bytes(&model, format).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid argument: cannot save layer0.neuron0: its activation `leaky_relu` is your \
             own function, which a file cannot hold; only tanh, relu, sigmoid and linear are \
             saved"
        );
    }
    let err = save::pytorch_sequential(&model).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid argument: cannot save layer0:"),
        "{err}"
    );
}

#[test]
fn an_activation_given_by_its_value_and_derivative_trains_as_the_built_in_one() {
    // tanh, given as its value and derivative: the built-in's numbers, bit for bit.
    let tanh = |x: f64| {
        let t = x.tanh();
        (t, 1.0 - t * t)
    };
    let own = Activation::Custom(CustomActivation::with_derivative("my_tanh", tanh));
    let mut rng = StdRng::seed_from_u64(5);
    let points = datasets::moons(40, 0.1, &mut rng).unwrap();
    let built_in = Mlp::new(
        2,
        &[6, 6, 1],
        Activation::Tanh,
        Activation::Linear,
        Init::Xavier,
        &mut rng,
    )
    .unwrap();
    let layers: Vec<Layer> = built_in
        .layers()
        .iter()
        .map(|layer| {
            let neurons = layer.neurons().iter().map(|n| {
                let act = if n.activation() == Activation::Tanh {
                    own
                } else {
                    n.activation()
                };
                Neuron::from_parts(n.weights().to_vec(), n.bias(), act)
            });
            Layer::from_neurons(neurons.collect()).unwrap()
        })
        .collect();
    let mine = Mlp::from_layers(layers).unwrap();
    assert!(mine.to_string().contains("my_tanhNeuron(2)"));
    let step = |model: &Mlp| {
        let mut grads = nn::BatchGradients::new();
        let l = nn::batch_loss(
            model,
            &points,
            |out, p| loss::mse(out[0], p.label),
            1,
            &mut grads,
        );
        (
            l.unwrap().to_bits(),
            grads.iter().map(|g| g.to_bits()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(step(&mine), step(&built_in));

    // softplus, ln(1 + eˣ), with the sigmoid as its derivative: finite differences agree.
    let softplus = |x: f64| ((1.0 + x.exp()).ln(), 1.0 / (1.0 + (-x).exp()));
    let act = Activation::Custom(CustomActivation::with_derivative("softplus", softplus));
    let neuron = Neuron::from_parts(vec![0.5, -1.0], 0.25, act);
    for x in [[1.0, 2.0], [-1.5, 0.5], [3.0, -2.0]] {
        let report = check_gradients(
            |p| neuron.forward(p, &[x[0].into(), x[1].into()]).unwrap()[0],
            &neuron.parameters(),
        );
        assert!(report.passed(), "at {x:?}:\n{report}");
    }
}

/// Two different functions under one name are two activations: a network with one is not
/// equal to the same network with the other. The same function under its name, copied or
/// named again, is the same activation.
#[test]
fn custom_activations_are_equal_only_with_the_same_name_and_function() {
    fn steep_leaky_relu(x: Value<'_>) -> Value<'_> {
        if x.data() > 0.0 { x } else { 0.3 * x }
    }
    let other = Activation::Custom(CustomActivation::new("leaky_relu", steep_leaky_relu));
    assert_ne!(LEAKY.apply_f64(-1.0), other.apply_f64(-1.0));
    assert_ne!(LEAKY, other);
    let with = |act| Neuron::from_parts(vec![1.0], 0.0, act);
    assert_ne!(with(LEAKY), with(other));
    assert_eq!(with(LEAKY), with(LEAKY).clone());
    let copy = LEAKY;
    assert_eq!(LEAKY, copy);
    // Renamed, the same function is another activation too.
    let renamed = Activation::Custom(CustomActivation::new("leaky", leaky_relu));
    assert_ne!(LEAKY, renamed);
    // Given by value and derivative, the same holds.
    let identity = CustomActivation::with_derivative("scaled", |x| (x, 1.0));
    let double = CustomActivation::with_derivative("scaled", |x| (2.0 * x, 2.0));
    assert_ne!(identity, double);
    assert_eq!(identity, identity.clone());
}
