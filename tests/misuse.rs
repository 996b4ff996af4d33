//! Misuse gets a clear message, never a wrong number.
//!
//! Gathered here: values from two tapes reaching every entry point (each message names what
//! the caller called), gradients from a cleared or another tape read directly and through a
//! network, `backward_into` with another tape's output, `batch_loss` with a loss built on
//! another tape, `affine` and `dot` with slices of different lengths, empty networks and
//! layers, wrong input counts, and training runs whose loss or gradients go NaN or infinite
//! (an error naming the step, the parameters untouched bit for bit).
//!
//! Covered elsewhere and not repeated: a value used after its tape was cleared or dropped does
//! not compile (the two `compile_fail` doctests on `Tape::clear`, E0502 and E0597); backward of
//! a constant on no tape gives all-zero gradients (`tests/engine.rs`,
//! `backward_of_a_constant_is_all_zeros`); optimizers refusing NaN or wrong-length gradients
//! with the model and their state unchanged (`tests/optim.rs`); a CSV file with a bad row
//! (`tests/datasets.rs`, every error with its line number); labels outside a loss's domain
//! (`tests/losses.rs`).

use rand::{SeedableRng, rngs::StdRng};
use tapegrad::nn::Activation::{Linear, Relu, Tanh};
use tapegrad::nn::{Forward, Init, Layer, Mlp, Module, Neuron};
use tapegrad::optim::{Adam, Optimizer, Sgd, check_loss};
use tapegrad::{Error, Gradients, Tape, Value, affine, dot, loss, sum};

#[path = "common/numeric.rs"]
mod numeric;
use numeric::bits;
#[path = "common/panics.rs"]
mod panics;
use panics::panic_message;

// ---------------------------------------------------------------------------------------------
// Two tapes
// ---------------------------------------------------------------------------------------------

#[test]
fn mixing_two_tapes_panics_naming_what_was_called() {
    let (t1, t2) = (Tape::new(), Tape::new());
    let (a, b) = (t1.var(1.0), t2.var(2.0));
    // One input, and one neuron (two parameters) a layer.
    let neuron = Neuron::from_parts(vec![1.0], 0.0, Tanh);
    let net = neuron.record(&t1); // `Recorded::forward` runs `Neuron::forward`
    let layer = Layer::from_neurons(vec![neuron.clone()]).unwrap();
    let mlp = Mlp::from_layers(vec![layer.clone(), layer.clone()]).unwrap();
    type Case<'a> = (&'a str, Box<dyn Fn() + 'a>);
    /// The name the message must give, and the misuse.
    macro_rules! case {
        ($what:expr, assign $op:tt) => {
            ($what, Box::new(|| {
                let mut x = a;
                x $op b;
                let _ = x;
            }) as Box<dyn Fn() + '_>)
        };
        ($what:expr, $misuse:expr) => {
            ($what, Box::new(|| {
                let _ = $misuse;
            }) as Box<dyn Fn() + '_>)
        };
    }
    let cases: Vec<Case> = vec![
        case!("+", a + b),
        case!("-", a - b),
        case!("*", a * b),
        case!("/", a / b),
        case!("+", assign +=),
        case!("-", assign -=),
        case!("*", assign *=),
        case!("/", assign /=),
        case!("pow", a.pow(b)),
        case!("+", [a, b].into_iter().sum::<Value>()),
        case!("*", [a, b].iter().product::<Value>()),
        case!("sum", sum(&[a, b])),
        case!("dot", dot(&[a, a], &[a, b])),
        case!("affine", affine(&[a], &[a], b)),
        case!("Neuron::forward", neuron.forward(&[a, a], &[b])),
        case!("Neuron::forward", net.forward(&[b])),
        case!("Layer::forward", layer.forward(&[a, a], &[b])),
        case!("Mlp::forward", mlp.forward(&[a, a, a, a], &[b])),
        case!("Tape::custom", t1.custom(0.0, &[(b, 1.0)])),
        case!("loss::mean", loss::mean(&[a, b])),
        case!(
            "loss::sum_of_squares",
            loss::sum_of_squares(&[a, b], &[0.0, 0.0])
        ),
        case!("loss::l2_penalty", loss::l2_penalty(&[a, b], 0.1)),
        case!("loss::l1_penalty", loss::l1_penalty(&[a, b], 0.1)),
    ];
    let before = (t1.len(), t2.len());
    for (what, f) in cases {
        assert_eq!(
            panic_message(f),
            format!(
                "`{what}` combined values from two different tapes; record every value of one \
                 computation on the same Tape"
            )
        );
    }
    // Nothing was recorded by the refused operations.
    assert_eq!((t1.len(), t2.len()), before);
}

/// An `Mlp` run on its parameters with the last replaced by one from a tape of its own.
#[derive(Debug)]
struct SwapsInAForeignBias(Mlp);

impl Module for SwapsInAForeignBias {
    fn visit_parameters(&self, f: &mut dyn FnMut(f64)) {
        self.0.visit_parameters(f);
    }
    fn visit_parameters_mut(&mut self, f: &mut dyn FnMut(&mut f64)) {
        self.0.visit_parameters_mut(f);
    }
    fn named_parameters(&self) -> tapegrad::indexmap::IndexMap<String, f64> {
        self.0.named_parameters()
    }
}

impl Forward for SwapsInAForeignBias {
    fn nin(&self) -> usize {
        self.0.nin()
    }
    fn forward_unchecked<'t>(&self, params: &[Value<'t>], inputs: &[Value<'t>]) -> Vec<Value<'t>> {
        let other = Tape::new();
        let mut mine = params.to_vec();
        *mine.last_mut().unwrap() = other.var(0.0);
        let out = self.0.forward(&mine, inputs).unwrap();
        out.iter().map(|v| Value::constant(v.data())).collect()
    }
}

#[test]
fn batch_loss_checks_its_parameters_once_and_every_other_slice_still() {
    // `batch_loss` checks the parameters it recorded once for a run, and the layers take
    // that slice on trust; a slice of the model's own making is checked as ever.
    let layer = Layer::from_neurons(vec![Neuron::from_parts(vec![1.0], 0.0, Relu)]).unwrap();
    let model = SwapsInAForeignBias(Mlp::from_layers(vec![layer.clone(), layer]).unwrap());
    let mut grads = tapegrad::nn::BatchGradients::new();
    assert_eq!(
        panic_message(|| {
            let _ = tapegrad::nn::batch_loss(&model, &[([1.0], ())], |o, _| o[0], 1, &mut grads);
        }),
        "`Mlp::forward` combined values from two different tapes; record every value of one \
         computation on the same Tape"
    );
    // The network itself, on the slice taken on trust: relu(1·relu(1·2 + 0) + 0).
    let mut grads = tapegrad::nn::BatchGradients::new();
    let loss = tapegrad::nn::batch_loss(&model.0, &[([2.0], ())], |o, _| o[0], 1, &mut grads);
    assert_eq!(loss, Ok(2.0));
    assert_eq!(grads.as_slice(), [2.0, 1.0, 2.0, 1.0]);
}

thread_local! {
    /// A tape of the test thread's own, which a loss function can reach without being given it.
    static ELSEWHERE: &'static Tape = Box::leak(Box::new(Tape::new()));
}

/// A loss built on `ELSEWHERE`, not from the outputs it is given.
fn loss_elsewhere<'t>(_: &[Value<'t>], _: &([f64; 1], ())) -> Value<'t> {
    ELSEWHERE.with(|tape| tape.var(2.0) * 3.0)
}

#[test]
fn batch_loss_refuses_a_loss_recorded_on_another_tape_by_name() {
    // Swept back on the batch's tape, its index would name some node of the network there,
    // silently, in a build without debug assertions.
    let model = Neuron::from_parts(vec![1.0], 0.0, Tanh);
    let mut grads = tapegrad::nn::BatchGradients::new();
    let batch = [([0.5], ()), ([1.5], ())];
    assert_eq!(
        panic_message(|| {
            let _ = tapegrad::nn::batch_loss(&model, &batch, loss_elsewhere, 1, &mut grads);
        }),
        "batch_loss: the loss function returned a value recorded on another tape than the \
         outputs it was given; build the loss from those outputs"
    );
}

#[test]
fn gradients_from_a_cleared_or_another_tape_panic_through_a_network() {
    let model = Neuron::from_parts(vec![2.0], 1.0, Linear);
    let mut tape = Tape::new();
    // A Gradients store keeps no borrow of its tape, so it can outlive a clear: last step's
    // gradients read against this step's parameters would be the wrong numbers.
    let stale = {
        let net = model.record(&tape);
        let y = net.forward_f64(&[3.0]).unwrap()[0];
        let g = y.backward();
        assert_eq!(net.gradients(&g), [3.0, 1.0]);
        g
    };
    tape.clear();
    let net = model.record(&tape);
    assert_eq!(
        panic_message(|| {
            let _ = net.gradients(&stale);
        }),
        "Gradients::wrt: the tape was cleared after these gradients were computed; they \
         describe values that no longer exist"
    );
    let other = Tape::new();
    let foreign = (other.var(1.0) * 2.0).backward();
    assert_eq!(
        panic_message(|| {
            let _ = net.gradients(&foreign);
        }),
        "Gradients::wrt: the value is recorded on a different tape than the output these \
         gradients were computed for"
    );
}

#[test]
#[should_panic(expected = "`sum` combined values from two different tapes")]
fn sum_with_two_tapes_panics() {
    let (t1, t2) = (Tape::new(), Tape::new());
    let _ = sum(&[t1.var(1.0), Value::constant(1.0), t2.var(2.0)]);
}

#[test]
#[should_panic(expected = "different tape than the output")]
fn gradients_wrt_a_value_of_another_tape_panics() {
    let (t1, t2) = (Tape::new(), Tape::new());
    let g = (t1.var(1.0) * 2.0).backward();
    let _ = g.wrt(t2.var(1.0));
}

#[test]
#[should_panic(expected = "the tape was cleared after these gradients were computed")]
fn gradients_after_clear_panic() {
    let mut tape = Tape::new();
    let g = {
        let x = tape.var(1.0);
        (x * 2.0).backward()
    };
    tape.clear();
    let x = tape.var(1.0);
    let _ = g.wrt(x);
}

#[test]
#[should_panic(expected = "output is recorded on a different tape")]
fn backward_into_with_another_tapes_output_panics() {
    let (t1, t2) = (Tape::new(), Tape::new());
    let mut g = Gradients::new();
    t1.backward_into(t2.var(1.0), &mut g);
}

// ---------------------------------------------------------------------------------------------
// Slices of different lengths
// ---------------------------------------------------------------------------------------------

#[test]
#[should_panic(expected = "got 2 weights and 3 inputs")]
fn affine_with_mismatched_lengths_panics() {
    let tape = Tape::new();
    let _ = affine(&tape.vars(&[1.0, 2.0]), &tape.vars(&[1.0, 2.0, 3.0]), 0.0);
}

#[test]
#[should_panic(expected = "got 3 weights and 1 inputs")]
fn dot_with_mismatched_lengths_panics() {
    let tape = Tape::new();
    let _ = dot(&tape.vars(&[1.0, 2.0, 3.0]), &tape.vars(&[1.0]));
}

// ---------------------------------------------------------------------------------------------
// Networks
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_networks_and_layers_are_errors_saying_what_is_missing() {
    let mut rng = StdRng::seed_from_u64(0);
    let zero_input_neuron = Neuron::from_parts(vec![], 0.5, Relu);
    let cases: [(Result<(), Error>, &str); 7] = [
        (
            Mlp::new(2, &[], Tanh, Linear, Init::Micrograd, &mut rng).map(drop),
            "empty network: an Mlp needs at least one layer; `sizes` was empty",
        ),
        (
            Mlp::new(0, &[3], Tanh, Linear, Init::Micrograd, &mut rng).map(drop),
            "empty network: an Mlp needs at least one input (nin was 0)",
        ),
        (
            Mlp::from_layers(vec![]).map(drop),
            "empty network: an Mlp needs at least one layer (none were given)",
        ),
        (
            Layer::new(0, 3, Tanh, Init::Micrograd, &mut rng).map(drop),
            "empty network: a layer needs at least one input (nin was 0)",
        ),
        (
            Layer::new(3, 0, Tanh, Init::Micrograd, &mut rng).map(drop),
            "empty network: a layer needs at least one neuron (nout was 0)",
        ),
        (
            Layer::from_neurons(vec![]).map(drop),
            "empty network: a layer needs at least one neuron (none were given)",
        ),
        (
            Layer::from_neurons(vec![zero_input_neuron.clone()]).map(drop),
            "empty network: a layer needs at least one input (its neurons take none)",
        ),
    ];
    for (result, message) in cases {
        assert_eq!(result.unwrap_err().to_string(), message);
    }
    // A lone neuron with no inputs is allowed, as documented: it is its bias.
    assert_eq!(zero_input_neuron.predict(&[]).unwrap()[0], 0.5);
}

/// A neuron built from NaN or infinite numbers is refused by name, as `set_parameters`
/// refuses them: no model holds a number that would make every prediction NaN.
#[test]
fn a_neuron_from_non_finite_parts_panics_naming_the_parameter() {
    for (weights, bias, message) in [
        (vec![1.0, f64::NAN], 0.5, "w1 is NaN"),
        (vec![f64::NEG_INFINITY], 0.5, "w0 is -inf"),
        (vec![1.0, 2.0], f64::INFINITY, "b is inf"),
    ] {
        assert_eq!(
            panic_message(|| drop(Neuron::from_parts(weights, bias, Tanh))),
            format!("Neuron::from_parts: {message}: a model holds finite numbers only")
        );
    }
    // The same numbers through set_parameters: an error, the neuron unchanged.
    let mut n = Neuron::from_parts(vec![1.0, 2.0], 0.5, Tanh);
    assert_eq!(
        n.set_parameters(&[1.0, f64::NAN, 0.5])
            .unwrap_err()
            .to_string(),
        "parameter 1 (w1) would be NaN: a model holds finite numbers only; the model was left \
         unchanged"
    );
    assert_eq!(n.parameters(), [1.0, 2.0, 0.5]);
}

#[test]
fn wrong_input_counts_say_expected_and_got_and_record_nothing() {
    let mut rng = StdRng::seed_from_u64(0);
    let mlp = Mlp::new(2, &[3, 1], Tanh, Linear, Init::Micrograd, &mut rng).unwrap();
    let tape = Tape::new();
    let net = mlp.record(&tape);
    let recorded = tape.len();
    assert_eq!(recorded, 13);
    for (inputs, message) in [
        (&[1.0, 2.0, 3.0][..], "expected 2 inputs, got 3"),
        (&[1.0][..], "expected 2 inputs, got 1"),
        (&[][..], "expected 2 inputs, got 0"),
    ] {
        assert_eq!(net.forward_f64(inputs).unwrap_err().to_string(), message);
        assert_eq!(mlp.predict(inputs).unwrap_err().to_string(), message);
        assert_eq!(tape.len(), recorded, "a refused forward recorded nodes");
    }
    let layer = &mlp.layers()[1];
    assert_eq!(
        layer.predict(&[1.0, 2.0]).unwrap_err().to_string(),
        "expected 3 inputs, got 2"
    );
    assert_eq!(
        layer.neurons()[0]
            .predict(&[1.0; 4])
            .unwrap_err()
            .to_string(),
        "expected 3 inputs, got 4"
    );
    assert_eq!(
        mlp.forward(&net.params()[1..], &[Value::constant(1.0); 2])
            .unwrap_err()
            .to_string(),
        "expected 13 parameters, got 12"
    );
}

// ---------------------------------------------------------------------------------------------
// NaN and infinity in training
// ---------------------------------------------------------------------------------------------

/// How a training loop stopped.
#[derive(Debug)]
struct Stopped {
    step: usize,
    error: Error,
    /// The parameters before the failing step.
    before: Vec<f64>,
}

/// Trains `model` on `data` with mean squared error until the forward pass, `check_loss` or
/// the optimizer refuses a step, for at most `steps` steps.
fn train_until_refused(
    model: &mut Mlp,
    data: &[([f64; 2], f64)],
    opt: &mut dyn Optimizer,
    steps: usize,
) -> Option<Stopped> {
    let mut tape = Tape::new();
    for step in 0..steps {
        tape.clear();
        let before = model.parameters();
        let net = model.record(&tape);
        let grads = data
            .iter()
            .map(|(x, y)| Ok(loss::half_squared_error(net.forward_f64(x)?[0], *y)))
            .collect::<Result<Vec<Value>, Error>>()
            .and_then(|losses| {
                let total = loss::mean(&losses).unwrap();
                check_loss(step, total.data())?;
                Ok(net.gradients(&total.backward()))
            });
        let result = grads.and_then(|grads| opt.step(model, &grads));
        if let Err(error) = result {
            return Some(Stopped {
                step,
                error,
                before,
            });
        }
    }
    None
}

fn linear_mlp() -> Mlp {
    let mut rng = StdRng::seed_from_u64(5);
    Mlp::new(2, &[4, 1], Linear, Linear, Init::Micrograd, &mut rng).unwrap()
}

const DATA: [([f64; 2], f64); 4] = [
    ([1.0, 2.0], 1.0),
    ([-1.5, 0.5], -1.0),
    ([3.0, -2.0], 0.5),
    ([0.5, 4.0], 2.0),
];

#[test]
fn a_diverging_run_stops_at_the_step_that_overflows_with_the_parameters_untouched() {
    // A linear network with a learning rate far too high: every step multiplies the error, until
    // the loss overflows.
    let mut model = linear_mlp();
    let mut opt = Sgd::new(1.0);
    let stopped =
        train_until_refused(&mut model, &DATA, &mut opt, 10_000).expect("the run diverges");
    let Error::NonFinite { step, loss, hint } = &stopped.error else {
        panic!("expected NonFinite, got {:?}", stopped.error);
    };
    assert_eq!(*step, stopped.step);
    assert!(stopped.step > 3, "diverged at once: step {}", stopped.step);
    assert!(!loss.is_finite());
    assert!(
        hint.contains("learning rate is probably too high"),
        "{hint}"
    );
    assert!(
        stopped
            .error
            .to_string()
            .starts_with(&format!("non-finite value {loss} at step {step}: ")),
        "{}",
        stopped.error
    );
    // The refused step changed nothing: the model is as it was before it, every number
    // finite, and the optimizer counted only the steps that succeeded.
    assert_eq!(bits(&model.parameters()), bits(&stopped.before));
    assert!(model.parameters().iter().all(|p| p.is_finite()));
    assert_eq!(opt.step_count(), stopped.step);
}

#[test]
fn a_nan_or_infinite_input_stops_training_at_that_step_with_the_parameters_untouched() {
    // The forward pass refuses the input, naming its position, before anything is recorded
    // (tests/refusals.rs has an infinite input, which would otherwise train silently).
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut data = DATA.to_vec();
        data[2].0[1] = bad;
        for mut opt in [
            Box::new(Sgd::new(0.01)) as Box<dyn Optimizer>,
            Box::new(Adam::new(0.01)),
        ] {
            let mut model = linear_mlp();
            let before = model.parameters();
            let stopped = train_until_refused(&mut model, &data, opt.as_mut(), 10).unwrap();
            assert_eq!(stopped.step, 0);
            let Error::NonFiniteInput { index, value } = stopped.error else {
                panic!("expected NonFiniteInput, got {:?}", stopped.error);
            };
            assert_eq!((index, value.to_bits()), (1, bad.to_bits()));
            assert_eq!(
                stopped.error.to_string(),
                format!(
                    "input 1 is {bad}: a network takes finite numbers only; look for NaN or \
                     infinite values in the data (a failed parse, a division by zero, ln of 0)"
                )
            );
            assert_eq!(bits(&model.parameters()), bits(&before));
            assert_eq!(opt.step_count(), 0);
        }
    }
}

#[test]
fn a_nan_target_stops_training_at_that_step_with_the_parameters_untouched() {
    let mut data = DATA.to_vec();
    data[2].1 = f64::NAN;
    let mut model = linear_mlp();
    let before = model.parameters();
    let mut opt = Sgd::new(0.01);
    let stopped = train_until_refused(&mut model, &data, &mut opt, 10).unwrap();
    assert_eq!(stopped.step, 0);
    assert_eq!(
        stopped.error.to_string(),
        "non-finite value NaN at step 0: the loss is NaN; the learning rate is probably too \
         high (try a smaller one), or the data holds NaN or infinite values"
    );
    assert_eq!(bits(&model.parameters()), bits(&before));
    assert_eq!(opt.step_count(), 0);
}

#[test]
fn nan_gradients_that_skip_check_loss_are_still_refused_by_the_optimizer() {
    // A NaN target, and the loop forgets check_loss: the optimizer checks the gradients
    // itself, before touching any parameter.
    let mut model = linear_mlp();
    let before = model.parameters();
    let tape = Tape::new();
    let net = model.record(&tape);
    let x = net.forward_f64(&[1.0, 2.0]).unwrap()[0];
    let grads = net.gradients(&loss::half_squared_error(x, f64::NAN).backward());
    drop(net);
    // The NaN loss passes NaN back to every parameter.
    assert!(grads.iter().all(|g| g.is_nan()));
    let mut opt = Adam::new(0.01);
    let err = opt.step(&mut model, &grads).unwrap_err();
    assert_eq!(
        err.to_string(),
        "non-finite value NaN at step 0: the gradient of layer0.neuron0.w0 (parameter 0 of 17) \
         is NaN; the learning rate is probably too high (try a smaller one), or the inputs hold \
         NaN or infinite values; the parameters were left unchanged"
    );
    assert_eq!(bits(&model.parameters()), bits(&before));
}

#[test]
fn an_infinite_gradient_under_a_finite_loss_is_refused_by_the_optimizer() {
    // loss = sqrt(prediction) at a prediction of exactly 0: the loss is 0, finite, so
    // check_loss passes, but sqrt'(0) = +inf reaches every parameter.
    let mut model = Neuron::from_parts(vec![1.0, -1.0], 0.0, Linear);
    let before = model.parameters();
    let tape = Tape::new();
    let net = model.record(&tape);
    let l = net.forward_f64(&[2.0, 2.0]).unwrap()[0].sqrt();
    assert_eq!(l.data(), 0.0);
    check_loss(7, l.data()).unwrap();
    let grads = net.gradients(&l.backward());
    drop(net);
    assert_eq!(grads, [f64::INFINITY; 3]);
    let mut opt = Sgd::new(0.1).with_momentum(0.9);
    let err = opt.step(&mut model, &grads).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "non-finite value inf at step 0: the gradient of w0 (parameter 0 of 3) is inf"
        ),
        "{err}"
    );
    assert_eq!(bits(&model.parameters()), bits(&before));
    assert_eq!(opt.step_count(), 0);
}

#[test]
fn an_update_that_would_overflow_a_parameter_or_the_optimizer_state_is_refused() {
    // Finite gradients can still make a non-finite update: lr·g past f64::MAX, a momentum
    // velocity that overflows, or Adam's second moment g² (any |g| > 1.3e154), which would
    // otherwise turn that parameter's step into 0 and freeze it for the rest of the run.
    let huge = Neuron::from_parts(vec![1e308], 0.0, Linear);
    // Each optimizer, a good step (so there is state to keep intact), then the refused one.
    type Case = (Box<dyn Optimizer>, [f64; 2], [f64; 2], &'static str);
    let cases: [Case; 3] = [
        (
            Box::new(Sgd::new(10.0)),
            [0.0, 1.0],
            [-1e308, 0.0],
            "the update would make w0 inf",
        ),
        (
            Box::new(Sgd::new(1e-300).with_momentum(0.9)),
            [f64::MAX, 1.0],
            [f64::MAX, 0.0],
            "the update would make w0's velocity inf",
        ),
        (
            Box::new(Adam::new(0.1)),
            [0.0, 1.0],
            [0.0, 1e200],
            "the update would make b's second moment inf",
        ),
    ];
    for (mut opt, good, bad, fragment) in cases {
        let mut model = huge.clone();
        opt.step(&mut model, &good).unwrap();
        let before = model.parameters();
        let err = opt.step(&mut model, &bad).unwrap_err();
        let Error::NonFinite { step, .. } = &err else {
            panic!("expected NonFinite, got {err:?}");
        };
        assert_eq!(*step, 1);
        let message = err.to_string();
        assert!(message.contains(fragment), "{message}");
        assert!(
            message.ends_with("the parameters were left unchanged"),
            "{message}"
        );
        assert_eq!(bits(&model.parameters()), bits(&before));
        assert_eq!(opt.step_count(), 1);
        // The optimizer is still usable after the refused step.
        opt.step(&mut model, &[0.0, 1.0]).unwrap();
        assert!(model.parameters().iter().all(|p| p.is_finite()));
    }
}

#[test]
fn adam_with_a_huge_gradient_does_not_freeze_the_parameter_silently() {
    // g = 1e200 would make v = inf: the step would be 0 instead of about lr, and so would
    // every later step of that parameter. The step is refused; a smaller but still enormous
    // gradient (1e150, whose square is finite) moves the parameter by about lr.
    let mut model = Neuron::from_parts(vec![0.0], 0.0, Linear);
    let mut opt = Adam::new(0.1);
    let err = opt.step(&mut model, &[1e200, 0.0]).unwrap_err();
    assert!(
        err.to_string()
            .contains("the update would make w0's second moment inf"),
        "{err}"
    );
    opt.step(&mut model, &[1e150, 0.0]).unwrap();
    assert!(
        (model.weights()[0] + 0.1).abs() < 1e-9,
        "{:?}",
        model.weights()
    );
}

// ---------------------------------------------------------------------------------------------
// Teaching tools and the gradient check
// ---------------------------------------------------------------------------------------------

/// `to_dot` checks its gradients as `Gradients::wrt` does: gradients of another tape, or
/// from before a clear, would print other values' numbers as these nodes' gradients.
#[test]
fn to_dot_refuses_gradients_of_another_tape_or_from_before_a_clear() {
    let (mut a, b) = (Tape::new(), Tape::new());
    let gb = (b.var(1.0) * 100.0).backward();
    {
        let x = a.var(2.0);
        let y = x * 3.0;
        let msg = panic_message(|| drop(y.to_dot(Some(&gb))));
        assert!(
            msg.starts_with("Value::to_dot: the value is recorded on a different tape"),
            "{msg}"
        );
        // Its own gradients draw: x's gradient is 3.
        assert!(
            y.to_dot(Some(&y.backward()))
                .contains("data 2.0000 | grad 3.0000")
        );
    }
    let old = {
        let x = a.var(1.0);
        (x * 7.0).backward()
    };
    a.clear();
    let x = a.var(1.0);
    let y = x * 2.0;
    let msg = panic_message(|| drop(y.to_dot(Some(&old))));
    assert!(
        msg.starts_with("Value::to_dot: the tape was cleared"),
        "{msg}"
    );
    // An empty store reads as zeros, as with `wrt`.
    assert!(y.to_dot(Some(&Gradients::new())).contains("grad 0.0000"));
}

/// A gradient check with a step or tolerance that cannot mean anything is refused by name:
/// a NaN tolerance would fail every input and an infinite one pass them all.
#[test]
fn gradient_check_settings_are_validated() {
    use tapegrad::{GradCheckConfig, check_gradients_with};
    let base = GradCheckConfig::default();
    let cases = [
        (
            GradCheckConfig { eps: 0.0, ..base },
            "eps must be a positive finite number, got 0",
        ),
        (
            GradCheckConfig {
                eps: f64::NAN,
                ..base
            },
            "eps must be a positive finite number, got NaN",
        ),
        (
            GradCheckConfig {
                atol: f64::NAN,
                ..base
            },
            "atol must be a finite number >= 0, got NaN",
        ),
        (
            GradCheckConfig {
                atol: f64::INFINITY,
                ..base
            },
            "atol must be a finite number >= 0, got inf",
        ),
        (
            GradCheckConfig { rtol: -1.0, ..base },
            "rtol must be a finite number >= 0, got -1",
        ),
    ];
    for (config, expected) in cases {
        let msg = panic_message(|| drop(check_gradients_with(|x| x[0] * x[0], &[1.0], config)));
        assert_eq!(msg, format!("check_gradients_with: {expected}"));
    }
    // Zero tolerances are allowed (only an exact match passes), and kept in the report.
    let exact = GradCheckConfig {
        eps: 0.5,
        atol: 0.0,
        rtol: 0.0,
    };
    let report = check_gradients_with(|x| x[0] * 0.5, &[1.0], exact);
    assert_eq!(report.config, exact);
    // 0.5 · x with a step of 0.5: (0.75 − 0.25) / 1, exactly the analytic 0.5.
    assert_eq!(
        (report.inputs[0].numeric, report.inputs[0].passed),
        (0.5, true)
    );
}
