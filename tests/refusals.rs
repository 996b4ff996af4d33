//! Bad numbers and impossible sizes are refused with an error that names them, never passed on
//! as a plausible number and never an abort: one rule for a network's inputs (every forward
//! pass, so every training loop), for a model's parameters (`set_parameters`) and for a CSV
//! file; and a network or data set too large for memory is an `Err`. `accuracy` refuses what
//! it cannot read by sign (a NaN output, a label other than ±1, no output) naming the point.

use rand::{SeedableRng, rngs::StdRng};
use tapegrad::datasets::Point;
use tapegrad::nn::Activation::{Linear, Tanh};
use tapegrad::nn::{Forward, Init, Layer, Mlp, Module, Neuron, accuracy, accuracy_with};
use tapegrad::{Error, Tape, Value, datasets};

#[path = "common/numeric.rs"]
mod numeric;
use numeric::bits;
#[path = "common/panics.rs"]
mod panics;
use panics::panic_message;

const NON_FINITE: [f64; 3] = [f64::INFINITY, f64::NEG_INFINITY, f64::NAN];

/// The Playground's 2 → 4 → 2 → 1 tanh network.
fn tanh_net() -> Mlp {
    let mut rng = StdRng::seed_from_u64(1);
    Mlp::new(2, &[4, 2, 1], Tanh, Tanh, Init::Playground, &mut rng).unwrap()
}

/// The `NonFiniteInput` error's index and value bits.
fn refused(result: Result<impl Sized, Error>) -> (usize, u64) {
    match result.map(|_| ()).unwrap_err() {
        Error::NonFiniteInput { index, value } => (index, value.to_bits()),
        other => panic!("expected NonFiniteInput, got {other:?}"),
    }
}

#[test]
fn an_infinite_input_is_refused_rather_than_trained_on_silently() {
    // Accepted, it would saturate the first unit, tanh(±inf) = ±1 with derivative 0, so the
    // loss would be a finite number and the weights reading the infinite input would get
    // gradient 0 (0·inf skipped as a zero): training would go on with wrong gradients and no
    // word.
    let model = tanh_net();
    let tape = Tape::new();
    let net = model.record(&tape);
    for bad in NON_FINITE {
        assert_eq!(refused(net.forward_f64(&[bad, 0.5])), (0, bad.to_bits()));
        assert_eq!(refused(net.forward_f64(&[0.5, bad])), (1, bad.to_bits()));
    }
    // Nothing was recorded beyond the parameters.
    assert_eq!(tape.len(), model.parameter_count());
}

#[test]
fn every_forward_pass_refuses_a_non_finite_input() {
    let model = tanh_net();
    let layer = &model.layers()[0];
    let neuron = &layer.neurons()[0];
    let tape = Tape::new();
    for bad in NON_FINITE {
        let want = (1, bad.to_bits());
        let x = [0.25, bad];
        let recorded = tape.vars(&x); // a recorded input is refused too
        let constants = x.map(tapegrad::Value::constant);
        let p = tape.vars(&model.parameters());
        assert_eq!(refused(model.forward(&p, &recorded)), want);
        assert_eq!(refused(model.record(&tape).forward(&recorded)), want);
        assert_eq!(refused(model.predict(&x)), want);
        let p = tape.vars(&layer.parameters());
        assert_eq!(refused(layer.forward(&p, &constants)), want);
        assert_eq!(refused(layer.predict(&x)), want);
        let p = tape.vars(&neuron.parameters());
        assert_eq!(refused(neuron.forward(&p, &constants)), want);
        assert_eq!(refused(neuron.predict(&x)), want);
    }
    // Huge but finite inputs pass (an overflow downstream is check_loss's to catch). Here
    // they saturate every first-layer tanh, as inputs of ±1e10 do: the same output.
    let huge = model.predict(&[f64::MAX, -f64::MAX]).unwrap();
    assert_eq!(huge, model.predict(&[1e10, -1e10]).unwrap());
    assert!(huge[0].is_finite() && huge[0] != model.predict(&[1.0, -1.0]).unwrap()[0]);
}

#[test]
fn set_parameters_refuses_non_finite_values_naming_the_parameter() {
    let mut model = tanh_net();
    let before = model.parameters();
    for bad in NON_FINITE {
        for index in [0, 2, 12, 24] {
            let mut values: Vec<f64> = (0..25).map(|i| i as f64 / 10.0).collect();
            values[index] = bad;
            let err = model.set_parameters(&values).unwrap_err();
            let name = model.named_parameters().get_index(index).unwrap().0.clone();
            assert_eq!(
                err.to_string(),
                format!(
                    "parameter {index} ({name}) would be {bad}: a model holds finite numbers \
                     only; the model was left unchanged"
                )
            );
            let Error::NonFiniteParameter {
                index: at, value, ..
            } = err
            else {
                unreachable!()
            };
            assert_eq!((at, value.to_bits()), (index, bad.to_bits()));
            assert_eq!(bits(&model.parameters()), bits(&before));
        }
    }
    assert_eq!(
        model.named_parameters().get_index(12).unwrap().0,
        "layer1.neuron0.w0"
    );
}

#[test]
fn the_csv_reader_refuses_non_finite_numbers_naming_the_line() {
    for (text, want) in [
        (
            "x,y,label\n1,2,1\ninf,0,0\n",
            "CSV line 3: x `inf` is not a finite number",
        ),
        (
            "x,y,label\n1,NaN,1\n",
            "CSV line 2: y `NaN` is not a finite number",
        ),
        (
            "x,y,label\n1,2,-inf\n",
            "CSV line 2: label `-inf` is not a finite number",
        ),
    ] {
        let err = datasets::from_csv_str(text).unwrap_err();
        assert_eq!(err.to_string(), want);
    }
}

#[test]
fn impossible_sizes_are_errors_not_aborts() {
    let mut rng = StdRng::seed_from_u64(0);
    let huge = 1usize << 40;
    let fails = |r: Result<(), Error>, want: &str| {
        let msg = r.unwrap_err().to_string();
        assert!(
            msg.starts_with("invalid argument: ") && msg.contains(want),
            "{msg}"
        );
        assert!(msg.contains("do not fit in memory"), "{msg}");
    };
    // Before: "memory allocation of 43980465111040 bytes failed", and the process aborted.
    fails(
        Layer::new(2, huge, Tanh, Init::Xavier, &mut rng).map(drop),
        "1099511627776 neurons of 2 inputs",
    );
    fails(
        Layer::new(huge, 2, Tanh, Init::Xavier, &mut rng).map(drop),
        "1099511627776 weights",
    );
    fails(
        Mlp::new(2, &[4, huge, 1], Tanh, Linear, Init::Xavier, &mut rng).map(drop),
        "1099511627776 neurons of 4 inputs",
    );
    fails(
        Mlp::new(usize::MAX, &[1], Tanh, Linear, Init::Xavier, &mut rng).map(drop),
        "18446744073709551615 weights",
    );
    fails(
        datasets::circle(huge, 0.0, &mut rng).map(drop),
        "circle: 1099511627776 points",
    );
    fails(
        datasets::moons(huge, 0.1, &mut rng).map(drop),
        "moons: 1099511627776 points",
    );
    // Every generator that takes a count reserves its points before making any.
    for (generate, what) in [
        (datasets::xor as fn(_, _, &mut StdRng) -> _, "xor"),
        (datasets::gauss, "gauss"),
        (datasets::spiral, "spiral"),
        (datasets::plane, "plane"),
        (datasets::multi_gauss, "multi_gauss"),
    ] {
        fails(
            generate(huge, 0.1, &mut rng).map(drop),
            &format!("{what}: 1099511627776 points"),
        );
    }
    fails(
        datasets::playground(datasets::Playground::Spiral, huge, 0.1, &mut rng).map(drop),
        "spiral: 1099511627776 points",
    );
    // A lone neuron has no Result to return: it panics, saying why.
    let msg = panic_message(|| {
        Neuron::new(huge, Tanh, Init::Xavier, &mut StdRng::seed_from_u64(0));
    });
    assert!(
        msg.starts_with(
            "Neuron::new: invalid argument: 1099511627776 weights do not fit in memory"
        ),
        "{msg}"
    );
    // And the sizes that fit still work.
    let ok = Layer::new(2, 1000, Tanh, Init::Xavier, &mut rng).unwrap();
    assert_eq!(ok.parameter_count(), 3000);
}

/// The message of an `InvalidArgument` error.
fn invalid(result: Result<f64, Error>) -> String {
    match result.unwrap_err() {
        Error::InvalidArgument(msg) => msg,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

#[test]
fn accuracy_refuses_an_output_it_cannot_read_by_sign_naming_the_point() {
    // 1e308·10 − 1e308·10 = inf − inf = NaN. Before, NaN > 0 is false, so the NaN counted as
    // a right answer for each −1 label: Ok(2/3) for three points of which none was predicted.
    let overflow = Neuron::from_parts(vec![1e308, 1e308], 0.0, Linear);
    assert!(overflow.predict(&[10.0, -10.0]).unwrap()[0].is_nan());
    let points = [
        Point::new(10.0, -10.0, -1.0),
        Point::new(10.0, -10.0, -1.0),
        Point::new(10.0, -10.0, 1.0),
    ];
    assert_eq!(
        invalid(accuracy(&overflow, &points)),
        "accuracy: point 0 at (10.0, -10.0) gives the output NaN; accuracy reads the sign of a \
         finite first output (look for an overflow in the model or its inputs)"
    );
    // An infinite output is refused the same way: it came from an overflow too.
    let points = [Point::new(0.0, 0.0, 1.0), Point::new(10.0, 10.0, 1.0)];
    assert_eq!(
        invalid(accuracy(&overflow, &points)),
        "accuracy: point 1 at (10.0, 10.0) gives the output inf; accuracy reads the sign of a \
         finite first output (look for an overflow in the model or its inputs)"
    );
}

#[test]
fn accuracy_takes_labels_plus_and_minus_one_only() {
    let tanh_x = Neuron::from_parts(vec![1.0, 0.0], 0.0, Tanh);
    // Before: a NaN label is not > 0, so it read as −1 and this returned Ok(1.0).
    assert_eq!(
        invalid(accuracy(&tanh_x, &[Point::new(-1.0, 0.0, f64::NAN)])),
        "accuracy: point 0 at (-1.0, 0.0) has label NaN; accuracy takes labels 1 and -1, read \
         against the sign of the model's first output (map 0/1 labels with 2y - 1)"
    );
    // 0/1 labels are refused rather than read by sign: a sigmoid is above 0 everywhere, so
    // every 0 would count as wrong with no word. Regression targets are refused likewise.
    assert_eq!(
        invalid(accuracy(&tanh_x, &datasets::six_points())),
        "accuracy: point 0 at (3.0, 4.0) has label 0; accuracy takes labels 1 and -1, read \
         against the sign of the model's first output (map 0/1 labels with 2y - 1)"
    );
    for label in [0.5, 2.0, f64::INFINITY, -0.0] {
        let msg = invalid(accuracy(
            &tanh_x,
            &[Point::new(1.0, 0.0, 1.0), Point::new(0.0, 2.0, label)],
        ));
        assert!(
            msg.starts_with(&format!(
                "accuracy: point 1 at (0.0, 2.0) has label {label};"
            )),
            "{msg}"
        );
    }
    // ±1 labels, mapped from 0/1 as the message says, are read by sign.
    let mapped: Vec<Point> = [(-1.0, 0.0), (1.0, 1.0), (2.0, 0.0)]
        .map(|(x, y01)| Point::new(x, 0.0, 2.0 * y01 - 1.0))
        .to_vec();
    assert_eq!(accuracy(&tanh_x, &mapped).unwrap(), 2.0 / 3.0);
}

/// A model of one input and no outputs.
#[derive(Clone, Debug)]
struct Silent;

impl Module for Silent {
    fn visit_parameters(&self, _: &mut dyn FnMut(f64)) {}
    fn visit_parameters_mut(&mut self, _: &mut dyn FnMut(&mut f64)) {}
    fn named_parameters(&self) -> tapegrad::indexmap::IndexMap<String, f64> {
        tapegrad::indexmap::IndexMap::new()
    }
}

impl Forward for Silent {
    fn nin(&self) -> usize {
        1
    }
    fn forward_unchecked<'t>(&self, _: &[Value<'t>], _: &[Value<'t>]) -> Vec<Value<'t>> {
        Vec::new()
    }
}

#[test]
fn accuracy_refuses_a_model_with_no_outputs_rather_than_panicking() {
    // Before: an index out of bounds at `[0]`.
    assert_eq!(
        invalid(accuracy_with(&Silent, &[Point::new(0.5, 3.0, 1.0)], |p| [
            p.x
        ])),
        "accuracy: point 0 at (0.5, 3.0) gives no output; accuracy reads the model's first output"
    );
    // No points, no output to read: NaN, as for any model.
    assert!(accuracy_with(&Silent, &[], |p| [p.x]).unwrap().is_nan());
}
