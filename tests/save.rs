//! Saving and loading models (`tapegrad::save`): bit-exact round trips in both formats for
//! several architectures and every activation, the safetensors layout PyTorch expects, f32's
//! tolerance, every error with its message, and that a failed load or save changes nothing.
//! The metadata a model carries is `tests/save_metadata.rs`'s.

#[path = "common/numeric.rs"]
mod numeric;
#[path = "common/saved.rs"]
mod saved;
#[path = "common/seeded.rs"]
mod seeded;

use numeric::bits;
use safetensors::{Dtype as StDtype, SafeTensors};
use saved::*;
use seeded::rng;
use tapegrad::Error;
use tapegrad::datasets::{self, PLAYGROUND_SAMPLES, Playground};
use tapegrad::nn::{Activation, Forward, Init, Layer, Mlp, Module, Neuron};
use tapegrad::save::{self, Dtype, Format};

/// `model` with parameter `index` overwritten by `value`, even a NaN or infinite one (which
/// `set_parameters` refuses), through the raw visitor optimizers use.
fn with_parameter(mut model: Mlp, index: usize, value: f64) -> Mlp {
    let mut k = 0;
    model.visit_parameters_mut(&mut |p| {
        if k == index {
            *p = value;
        }
        k += 1;
    });
    model
}

/// The 500 points of the Playground's circle, as inputs.
fn circle_inputs() -> Vec<[f64; 2]> {
    let data = datasets::playground(Playground::Circle, PLAYGROUND_SAMPLES, 0.0, &mut rng(1));
    let data = data.unwrap();
    data.train
        .iter()
        .chain(&data.test)
        .map(|p| p.inputs())
        .collect()
}

/// Every output for every input, as bits.
fn prediction_bits(model: &Mlp, inputs: &[[f64; 2]]) -> Vec<u64> {
    let outputs: Vec<f64> = inputs
        .iter()
        .flat_map(|x| model.predict(x).unwrap())
        .collect();
    bits(&outputs)
}

fn mlp(layers: Vec<Vec<Neuron>>) -> Mlp {
    let layers = layers.into_iter().map(|l| Layer::from_neurons(l).unwrap());
    Mlp::from_layers(layers.collect()).unwrap()
}

/// A 2 → 2 → 1 network: tanh and `second` in the hidden layer, a sigmoid output.
fn two_two_one(second: Activation) -> Mlp {
    let n = |w: [f64; 2], b, act| Neuron::from_parts(w.to_vec(), b, act);
    mlp(vec![
        vec![
            n([0.5, -1.5], 0.25, Activation::Tanh),
            n([1.0, 2.0], -0.5, second),
        ],
        vec![n([0.75, -0.125], 0.0, Activation::Sigmoid)],
    ])
}

/// A network whose hidden layer mixes activations: only the native format holds it.
fn mixed_network() -> Mlp {
    two_two_one(Activation::Relu)
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

#[test]
fn every_architecture_and_activation_round_trips_bit_for_bit_in_both_exact_formats() {
    let inputs = circle_inputs();
    let shapes: [(usize, &[usize]); 4] = [
        (1, &[1]),
        (2, &[4, 2, 1]),
        (3, &[5, 5, 5, 2]),
        (2, &[16, 16, 1]),
    ];
    let mut checked = 0;
    for (nin, sizes) in shapes {
        for hidden in Activation::ALL {
            for output in Activation::ALL {
                let model =
                    Mlp::new(nin, sizes, hidden, output, Init::Micrograd, &mut rng(3)).unwrap();
                let xs: Vec<Vec<f64>> = inputs
                    .iter()
                    .map(|x| (0..nin).map(|i| x[i % 2] * (i + 1) as f64).collect())
                    .collect();
                let expected: Vec<u64> = xs
                    .iter()
                    .flat_map(|x| bits(&model.predict(x).unwrap()))
                    .collect();
                for format in [Format::Native, Format::Safetensors(Dtype::F64)] {
                    let loaded =
                        save::from_bytes(&save::to_bytes(&model, format).unwrap()).unwrap();
                    assert_eq!(loaded.to_string(), model.to_string(), "{format:?}");
                    assert_eq!(
                        bits(&loaded.parameters()),
                        bits(&model.parameters()),
                        "{format:?}"
                    );
                    let got: Vec<u64> = xs
                        .iter()
                        .flat_map(|x| bits(&loaded.predict(x).unwrap()))
                        .collect();
                    assert_eq!(
                        got, expected,
                        "{format:?} {nin} {sizes:?} {hidden} {output}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 4 * 4 * 4 * 2);
}

#[test]
fn files_round_trip_the_circle_network_bit_for_bit() {
    let model = circle_network(1);
    let inputs = circle_inputs();
    for (format, name) in [
        (Format::Native, "circle.tapegrad"),
        (Format::Safetensors(Dtype::F64), "circle.safetensors"),
    ] {
        let path = temp_path(name);
        save::save(&model, &path, format).unwrap();
        let loaded = save::load(&path).unwrap();
        assert_eq!(
            prediction_bits(&loaded, &inputs),
            prediction_bits(&model, &inputs)
        );
        assert_eq!(bits(&loaded.parameters()), bits(&model.parameters()));
    }
}

#[test]
fn awkward_numbers_keep_their_bits_in_the_native_format() {
    // -0.0 (prints as "-0.0"), the smallest subnormal, the largest finite, numbers needing
    // all 17 significant digits, and ones Rust prints in exponent form.
    let awkward = [
        -0.0,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        0.1 + 0.2,
        -1.0 / 3.0,
        1e-7,
        1e22,
    ];
    let neuron = Neuron::from_parts(awkward[..7].to_vec(), awkward[7], Activation::Linear);
    let model = mlp(vec![vec![neuron]]);
    for format in [Format::Native, Format::Safetensors(Dtype::F64)] {
        let loaded = save::from_bytes(&save::to_bytes(&model, format).unwrap()).unwrap();
        assert_eq!(bits(&loaded.parameters()), bits(&awkward), "{format:?}");
    }
}

#[test]
fn a_layer_of_mixed_activations_round_trips_natively_and_is_refused_by_safetensors() {
    let model = mixed_network();
    let loaded = save::from_bytes(&save::to_bytes(&model, Format::Native).unwrap()).unwrap();
    assert_eq!(
        loaded.to_string(),
        "Mlp of [Layer of [TanhNeuron(2), ReluNeuron(2)], Layer of [SigmoidNeuron(2)]]"
    );
    let x = [0.3, -0.7];
    assert_eq!(
        bits(&loaded.predict(&x).unwrap()),
        bits(&model.predict(&x).unwrap())
    );
    let expected = "invalid argument: layer 0 mixes tanh and relu neurons; an nn.Sequential \
                    applies one activation to a whole layer, so only the native format can \
                    save this model";
    for dtype in [Dtype::F64, Dtype::F32] {
        let err = save::to_bytes(&model, Format::Safetensors(dtype)).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    assert_eq!(
        save::pytorch_sequential(&model).unwrap_err().to_string(),
        expected
    );
}

#[test]
fn f32_files_round_each_parameter_to_f32_and_stay_within_1e_6_of_the_f64_outputs() {
    let model = circle_network(1);
    let bytes = save::to_bytes(&model, Format::Safetensors(Dtype::F32)).unwrap();
    let loaded = save::from_bytes(&bytes).unwrap();
    let rounded: Vec<f64> = model
        .parameters()
        .iter()
        .map(|&p| f64::from(p as f32))
        .collect();
    assert_eq!(bits(&loaded.parameters()), bits(&rounded));
    assert_ne!(bits(&loaded.parameters()), bits(&model.parameters())); // it did round
    let mut worst: f64 = 0.0;
    for x in circle_inputs() {
        let (a, b) = (
            model.predict(&x).unwrap()[0],
            loaded.predict(&x).unwrap()[0],
        );
        worst = worst.max((a - b).abs());
    }
    assert!(worst > 0.0 && worst < 1e-6, "worst difference {worst:e}");

    // 8 bytes of header length, the header, then 4 bytes a parameter (8 in an f64 file).
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(bytes.len(), 8 + header_len + 4 * model.parameter_count());
}

#[test]
fn f32_refuses_a_parameter_beyond_its_range() {
    let model = mlp(vec![vec![Neuron::from_parts(
        vec![1.0, 1e39],
        0.0,
        Activation::Tanh,
    )]]);
    let err = save::to_bytes(&model, Format::Safetensors(Dtype::F32)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid argument: cannot save layer0.neuron0.w1 = 1e39 as f32: it is beyond f32's \
         range (about 3.4e38)"
    );
    assert!(save::to_bytes(&model, Format::Safetensors(Dtype::F64)).is_ok());
}

// ---------------------------------------------------------------------------------------------
// The formats' layout
// ---------------------------------------------------------------------------------------------

#[test]
fn the_native_file_is_the_one_the_module_docs_show() {
    assert_written_as_documented(&native(&circle_network(1)), CIRCLE_V1);
}

/// The tensors' names, shapes and dtypes, sorted by name.
fn tensor_layout(bytes: &[u8]) -> Vec<(String, Vec<usize>, StDtype)> {
    let file = SafeTensors::deserialize(bytes).unwrap();
    let mut layout: Vec<_> = file
        .tensors()
        .into_iter()
        .map(|(name, t)| (name, t.shape().to_vec(), t.dtype()))
        .collect();
    layout.sort_by(|a, b| a.0.cmp(&b.0));
    layout
}

#[test]
fn safetensors_names_follow_nn_sequential_where_linear_layers_take_no_index() {
    // (hidden, output) → the nn.Linear indices of the 2 → 3 → 3 → 1 network's layers.
    let cases = [
        (Activation::Tanh, Activation::Tanh, [0, 2, 4]),
        (Activation::Relu, Activation::Linear, [0, 2, 4]),
        (Activation::Linear, Activation::Sigmoid, [0, 1, 2]),
    ];
    for (hidden, output, indices) in cases {
        let model = Mlp::new(2, &[3, 3, 1], hidden, output, Init::Xavier, &mut rng(5)).unwrap();
        for dtype in [Dtype::F64, Dtype::F32] {
            let bytes = save::to_bytes(&model, Format::Safetensors(dtype)).unwrap();
            let st = if dtype == Dtype::F64 {
                StDtype::F64
            } else {
                StDtype::F32
            };
            let shapes = [
                (vec![3, 2], vec![3]),
                (vec![3, 3], vec![3]),
                (vec![1, 3], vec![1]),
            ];
            let mut expected: Vec<_> = indices
                .iter()
                .zip(shapes)
                .flat_map(|(k, (w, b))| {
                    [(format!("{k}.bias"), b, st), (format!("{k}.weight"), w, st)]
                })
                .collect();
            expected.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(tensor_layout(&bytes), expected, "{hidden} {output} {dtype}");
        }
    }
}

#[test]
fn row_j_of_a_weight_tensor_is_neuron_j_and_the_metadata_is_sorted() {
    let model = two_two_one(Activation::Tanh);
    let bytes = save::to_bytes(&model, Format::Safetensors(Dtype::F64)).unwrap();
    let file = SafeTensors::deserialize(&bytes).unwrap();
    let numbers = |name: &str| -> Vec<f64> {
        let data = file.tensor(name).unwrap().data().to_vec();
        data.chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
            .collect()
    };
    assert_eq!(numbers("0.weight"), [0.5, -1.5, 1.0, 2.0]); // row-major [out, in]
    assert_eq!(numbers("0.bias"), [0.25, -0.5]);
    assert_eq!(numbers("2.weight"), [0.75, -0.125]);
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
    assert!(
        header.starts_with(
            r#"{"__metadata__":{"tapegrad.activations":"tanh,sigmoid","tapegrad.sizes":"2,2,1","tapegrad.version":"1"},"#
        ),
        "{header}"
    );
    // One model, one file, however often it is saved.
    for _ in 0..20 {
        assert_eq!(
            save::to_bytes(&model, Format::Safetensors(Dtype::F64)).unwrap(),
            bytes
        );
    }
}

#[test]
fn pytorch_sequential_writes_the_module_the_tensors_fit() {
    let model = circle_network(1);
    assert_eq!(
        save::pytorch_sequential(&model).unwrap(),
        "nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.Tanh(), nn.Linear(2, 1), nn.Tanh())"
    );
    let sigmoid_out = Mlp::new(
        3,
        &[2, 1],
        Activation::Linear,
        Activation::Sigmoid,
        Init::He,
        &mut rng(0),
    )
    .unwrap();
    assert_eq!(
        save::pytorch_sequential(&sigmoid_out).unwrap(),
        "nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1), nn.Sigmoid())"
    );
}

#[test]
fn format_from_path_reads_the_extension() {
    assert_eq!(
        Format::from_path("a/b.SafeTensors"),
        Format::Safetensors(Dtype::F64)
    );
    assert_eq!(Format::from_path("model.safetensors.bak"), Format::Native);
    assert_eq!(Format::from_path("safetensors"), Format::Native);
}

// ---------------------------------------------------------------------------------------------
// Errors: the native format
// ---------------------------------------------------------------------------------------------

#[test]
fn a_missing_file_is_an_io_error_naming_the_path() {
    let path = temp_path("never-written.tapegrad");
    let err = save::load(&path).unwrap_err();
    assert!(matches!(err, Error::Io(_)));
    assert_eq!(
        err.to_string(),
        format!(
            "I/O error: cannot read {}: No such file or directory (os error 2)",
            path.display()
        )
    );
}

#[test]
fn every_truncation_of_either_format_is_an_error() {
    let model = circle_network(1);
    for format in FORMATS {
        let bytes = save::to_bytes(&model, format).unwrap();
        for len in 0..bytes.len() {
            let result = save::from_bytes(&bytes[..len]);
            assert!(
                matches!(result, Err(Error::ModelFile(_))),
                "{format:?} cut to {len} bytes loaded"
            );
        }
    }
}

#[test]
fn truncation_messages_say_where_the_file_stops() {
    let text = native(&circle_network(1));
    let cases = [
        (0, "cannot load model: the file is empty"),
        (
            5,
            "cannot load model: truncated: the file ends inside its first word",
        ),
        (
            14,
            "cannot load model: truncated: the file ends inside its first line",
        ),
        (
            200,
            "cannot load model: truncated: no `end` line (the file stops in line 5)",
        ),
        (
            text.len() - 1,
            "cannot load model: truncated: the file ends inside its `end` line (`end d93592ea181cc4b6`)",
        ),
    ];
    for (len, expected) in cases {
        assert_eq!(
            message(save::from_bytes(&text.as_bytes()[..len])),
            expected,
            "{len}"
        );
    }
    let path = temp_path("truncated.tapegrad");
    std::fs::write(&path, &text[..200]).unwrap();
    assert_eq!(
        message(save::load(&path)),
        format!(
            "cannot load model: {}: truncated: no `end` line (the file stops in line 5)",
            path.display()
        )
    );
}

#[test]
fn every_changed_byte_of_a_native_file_is_an_error() {
    let bytes = save::to_bytes(&circle_network(1), Format::Native).unwrap();
    for at in 0..bytes.len() {
        let mut changed = bytes.clone();
        changed[at] ^= 0x01;
        assert!(
            save::from_bytes(&changed).is_err(),
            "byte {at} changed, file loaded"
        );
    }
}

#[test]
fn a_changed_digit_fails_the_hash() {
    let text = native(&circle_network(1));
    let changed = text.replacen("0.47424473725840266", "0.47424473725840267", 1);
    let computed = fnv1a(&changed.as_bytes()[..changed.rfind("end ").unwrap()]);
    assert_eq!(
        message(save::from_bytes(changed.as_bytes())),
        format!(
            "cannot load model: corrupted: the contents hash to {computed:016x}, not the \
             d93592ea181cc4b6 of the `end` line (the file was changed after it was saved)"
        )
    );
    let bad_end = text.replace("end d93592ea181cc4b6", "end d93592ea181cc4bz");
    assert_eq!(
        message(save::from_bytes(bad_end.as_bytes())),
        "cannot load model: corrupted: the last line should be `end` and 16 hexadecimal \
         digits, found `end d93592ea181cc4bz`"
    );
}

/// A native file whose line ends became `\r\n` (git's autocrlf on Windows, an editor) is
/// refused with what happened and how to undo it, not as a bad `end` line.
#[test]
fn windows_line_ends_are_named_as_such() {
    let text = native(&circle_network(1)).replace('\n', "\r\n");
    assert_eq!(
        message(save::from_bytes(text.as_bytes())),
        "cannot load model: line 1 ends in \\r\\n (a Windows line end, as git's core.autocrlf \
         or an editor makes them); a tapegrad model's lines end in \\n alone: convert them \
         back (and mark `*.tapegrad -text` in .gitattributes)"
    );
}

#[test]
fn a_future_or_broken_version_is_refused_before_anything_else() {
    let text = native(&circle_network(1));
    let future = text.replacen("tapegrad-mlp 1", "tapegrad-mlp 3", 1);
    assert_eq!(
        message(save::from_bytes(future.as_bytes())),
        "cannot load model: format version 3 is newer than the version 2 this tapegrad reads; \
         update tapegrad to load it"
    );
    for bad in ["one", "0"] {
        let broken = text.replacen("tapegrad-mlp 1", &format!("tapegrad-mlp {bad}"), 1);
        assert_eq!(
            message(save::from_bytes(broken.as_bytes())),
            format!(
                "cannot load model: line 1: expected `tapegrad-mlp 1` or `tapegrad-mlp 2`, \
                 found `tapegrad-mlp {bad}` (a bad version)"
            )
        );
    }
}

#[test]
fn non_finite_numbers_are_refused_by_name_when_loading_and_saving() {
    let text = native(&circle_network(1));
    for (word, shown) in [
        ("NaN", "NaN"),
        ("inf", "inf"),
        ("-inf", "-inf"),
        ("1e400", "inf"),
    ] {
        let bad = reseal(&text.replacen("-0.07202521846712973", word, 1));
        assert_eq!(
            message(save::from_bytes(bad.as_bytes())),
            format!(
                "cannot load model: line 4: layer0.neuron1.w0 is {shown}: a model holds finite numbers only"
            )
        );
    }
    let bad_bias = reseal(&text.replacen("b 0.1\nlayer0.neuron3", "b NaN\nlayer0.neuron3", 1));
    assert_eq!(
        message(save::from_bytes(bad_bias.as_bytes())),
        "cannot load model: line 5: layer0.neuron2.b is NaN: a model holds finite numbers only"
    );

    // Parameter 12, after layer 0's 4 · 3, is layer1.neuron0.w0.
    let model = with_parameter(circle_network(1), 12, f64::NEG_INFINITY);
    for format in FORMATS {
        assert_eq!(
            save::to_bytes(&model, format).unwrap_err().to_string(),
            "invalid argument: cannot save layer1.neuron0.w0 = -inf: a saved model holds finite numbers only"
        );
    }
}

#[test]
fn a_resealed_file_with_a_broken_structure_says_which_line() {
    let text = native(&circle_network(1));
    // (what the file says, what it says instead, the message)
    let cases = [
        (
            "sizes 2 4 2 1",
            "sizes 2 4 0 1",
            "line 2: size `0` is not a whole number >= 1",
        ),
        (
            "sizes 2 4 2 1",
            "sizes 2",
            "line 2: sizes must give the inputs and at least one layer's width; got [2]",
        ),
        (
            "sizes 2 4 2 1",
            "widths 2 4 2 1",
            "line 2: expected `sizes` and the widths, found `widths 2 4 2 1`",
        ),
        (
            "layer0.neuron1 tanh",
            "layer0.neuron1 gelu",
            "line 4: layer0.neuron1: invalid argument: unknown activation `gelu`; expected one of tanh, relu, sigmoid, linear",
        ),
        (
            "layer0.neuron1 tanh w -0.07202521846712973 ",
            "layer0.neuron1 tanh w ",
            "line 4: expected `layer0.neuron1 ACTIVATION w` and 2 weights, then `b` and the bias; found `layer0.neuron1 tanh w -0.3244139498061567 b 0.1`",
        ),
        (
            "layer0.neuron1 ",
            "layer0.neuron7 ",
            "line 4: expected `layer0.neuron1 ACTIVATION w` and 2 weights, then `b` and the bias; found `layer0.neuron7 tanh w -0.07202521846712973 -0.3244139498061567 b 0.1`",
        ),
        (
            "0.1912356107023263",
            "0.19x",
            "line 3: layer0.neuron0.w1 is `0.19x`, not a number",
        ),
        (
            "sizes 2 4 2 1",
            "sizes 2 4 2 2",
            "layer2.neuron1 is missing: the sizes call for it",
        ),
        (
            "sizes 2 4 2 1",
            "sizes 2 4 2",
            "line 9: `layer2.neuron0 tanh w 0.3922893989853067 -0.10948192526181111 b 0.1` follows the last neuron the sizes call for",
        ),
        (
            "sizes 2 4 2 1",
            "sizes 2 18446744073709551615 2 1",
            // No overflow: the lines run out of layer 0's neurons first.
            "line 7: expected `layer0.neuron4 ACTIVATION w` and 2 weights, then `b` and the bias; found `layer1.neuron0 tanh w 0.020343727458295602 -0.11450042385704684 -0.29805826825551485 -0.4377512099660281 b 0.1`",
        ),
    ];
    for (from, to, expected) in cases {
        let bad = text.replacen(from, to, 1);
        assert_ne!(bad, text, "the case did not change the file: {expected}");
        assert_eq!(
            message(save::from_bytes(reseal(&bad).as_bytes())),
            format!("cannot load model: {expected}")
        );
    }
}

#[test]
fn bytes_of_neither_format_are_named_as_such() {
    for bytes in [
        &b"PK\x03\x04 a zip file"[..],
        b"{\"0.weight\": []}",
        b"tapegrad",
    ] {
        let msg = message(save::from_bytes(bytes));
        assert!(
            msg == "cannot load model: truncated: the file ends inside its first word"
                || msg.starts_with(
                    "cannot load model: neither a tapegrad model nor a safetensors file"
                ),
            "{msg}"
        );
    }
    assert_eq!(
        message(save::from_bytes(b"tapegrad-mlp 1\nsizes 2 1\n\xff\n")),
        "cannot load model: corrupted: not UTF-8 text (invalid utf-8 sequence of 1 bytes from index 25)"
    );
}

// ---------------------------------------------------------------------------------------------
// Errors: safetensors
// ---------------------------------------------------------------------------------------------

#[test]
fn a_handmade_safetensors_file_loads_in_f64_and_f32() {
    for dtype in [StDtype::F64, StDtype::F32] {
        let mut tensors = good_tensors();
        tensors.iter_mut().for_each(|t| t.1 = dtype);
        let model = save::from_bytes(&st_file(&tensors, Some(&META))).unwrap();
        assert_eq!(
            model.to_string(),
            "Mlp of [Layer of [ReluNeuron(2), ReluNeuron(2)], Layer of [LinearNeuron(2)]]"
        );
        // relu(1·1 − 1·2 + 0) = 0, relu(0.5·1 + 2·2 + 0.25) = 4.75; 3·0 − 0.5·4.75 + 0.125
        assert_eq!(model.predict(&[1.0, 2.0]).unwrap(), [-2.25]);
    }
}

fn st_message(tensors: &[Tensor], metadata: Option<&[(&str, &str)]>) -> String {
    message(save::from_bytes(&st_file(tensors, metadata)))
}

#[test]
fn safetensors_without_the_architecture_metadata_is_refused() {
    assert_eq!(
        st_message(&good_tensors(), None),
        "cannot load model: the safetensors header has no metadata (`__metadata__`): tapegrad \
         needs `tapegrad.version`, `tapegrad.sizes` and `tapegrad.activations` to rebuild the \
         network (see the docs of tapegrad::save)"
    );
    for (missing, _) in META {
        let meta: Vec<_> = META.into_iter().filter(|&(k, _)| k != missing).collect();
        assert_eq!(
            st_message(&good_tensors(), Some(&meta)),
            format!("cannot load model: the safetensors metadata has no `{missing}`")
        );
    }
}

#[test]
fn safetensors_metadata_that_makes_no_network_is_refused() {
    let with = |key: &str, value: &'static str| -> Vec<(&'static str, &'static str)> {
        META.iter()
            .map(|&(k, v)| (k, if k == key { value } else { v }))
            .collect()
    };
    let cases = [
        (
            with("tapegrad.version", "2"),
            "format version 2 is newer than the version 1 this tapegrad reads; update tapegrad to load it",
        ),
        (
            with("tapegrad.version", "v1"),
            "`tapegrad.version` is `v1`, not a version number",
        ),
        (
            with("tapegrad.sizes", "2,x,1"),
            "`tapegrad.sizes`: size `x` is not a whole number >= 1",
        ),
        (
            with("tapegrad.activations", "relu"),
            "`tapegrad.activations` names 1 activations for the 2 layers of `tapegrad.sizes`",
        ),
        (
            with("tapegrad.activations", "relu,gelu"),
            "`tapegrad.activations`: invalid argument: unknown activation `gelu`; expected one of tanh, relu, sigmoid, linear",
        ),
        // Linear first: the second nn.Linear would be at index 1, which the file lacks.
        (
            with("tapegrad.activations", "linear,linear"),
            "tensor `1.weight` (layer 1's) is missing",
        ),
    ];
    for (meta, expected) in cases {
        assert_eq!(
            st_message(&good_tensors(), Some(&meta)),
            format!("cannot load model: {expected}")
        );
    }
}

#[test]
fn safetensors_tensors_that_do_not_fit_the_metadata_are_refused() {
    let edit = |f: &dyn Fn(&mut Vec<Tensor>)| {
        let mut t = good_tensors();
        f(&mut t);
        st_message(&t, Some(&META))
    };
    let cases = [
        (
            edit(&|t| {
                t.remove(3);
            }),
            "tensor `2.bias` (layer 1's) is missing",
        ),
        (
            edit(&|t| {
                t[0].2 = vec![4];
            }),
            "tensor `0.weight` has shape [4], but `tapegrad.sizes` makes layer 0's [2, 2]",
        ),
        (
            edit(&|t| {
                t[2].2 = vec![2, 1];
            }),
            "tensor `2.weight` has shape [2, 1], but `tapegrad.sizes` makes layer 1's [1, 2]",
        ),
        (
            edit(&|t| {
                t[1].1 = StDtype::I32;
            }),
            "tensor `0.bias` holds I32 numbers; tapegrad reads F64 and F32",
        ),
        (
            edit(&|t| {
                t[0].3[3] = f64::NAN;
            }),
            "`0.weight`[1, 1] is NaN: a model holds finite numbers only",
        ),
        (
            edit(&|t| {
                t[3].3[0] = f64::INFINITY;
            }),
            "`2.bias`[0] is inf: a model holds finite numbers only",
        ),
        (
            edit(&|t| t.push(("4.weight", StDtype::F64, vec![1, 1], vec![1.0]))),
            "unexpected tensor(s) 4.weight: `tapegrad.sizes` calls for 0.weight, 0.bias, 2.weight, 2.bias only",
        ),
    ];
    for (got, expected) in cases {
        assert_eq!(got, format!("cannot load model: {expected}"));
    }
}

#[test]
fn a_corrupted_safetensors_header_is_refused() {
    let bytes = save::to_bytes(&circle_network(1), Format::Safetensors(Dtype::F64)).unwrap();
    let mut changed = bytes.clone();
    changed[9] = b'['; // {"__metadata__" becomes {["__metadata__"
    let msg = message(save::from_bytes(&changed));
    assert!(
        msg.starts_with(
            "cannot load model: truncated or corrupted safetensors file: invalid JSON in header: "
        ),
        "{msg}"
    );
    let cut = &bytes[..bytes.len() - 3];
    assert_eq!(
        message(save::from_bytes(cut)),
        "cannot load model: truncated or corrupted safetensors file: incomplete metadata, file not fully covered"
    );
}

/// A repeat is looked for before the safetensors crate parses the header, but only in a header
/// whose objects all close with nothing after: a header cut short, or with text after its
/// object, gets the crate's error even when a name in it comes twice.
#[test]
fn a_broken_header_that_repeats_a_name_is_reported_as_broken() {
    let with_header = |header: &str| {
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend(header.as_bytes());
        bytes.extend(1.0f64.to_le_bytes());
        bytes
    };
    let a = "\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}";
    let cases = [
        // Cut off after the second `"a":`. Before: "tensor `a` is listed twice …".
        (
            format!("{{{a},\"a\":"),
            "invalid JSON in header: EOF while parsing a value at line 1 column 58",
        ),
        // Cut off inside the second name.
        (
            format!("{{{a},{a},\"0.we"),
            "invalid JSON in header: EOF while parsing a string at line 1 column 112",
        ),
        // Whole, then more text after the object.
        (
            format!("{{{a},{a}}} {{}}"),
            "invalid JSON in header: trailing characters at line 1 column 109",
        ),
        // An object closed by `]`.
        (
            format!("{{{a},{a}]"),
            "invalid JSON in header: expected `,` or `}` at line 1 column 107",
        ),
    ];
    for (header, expected) in cases {
        assert_eq!(
            message(save::from_bytes(&with_header(&header))),
            format!("cannot load model: truncated or corrupted safetensors file: {expected}"),
            "{header}"
        );
    }
    // The same repeat in a header that closes is reported as a repeat.
    assert_eq!(
        message(save::from_bytes(&with_header(&format!("{{{a},{a}}}  ")))),
        "cannot load model: tensor `a` is listed twice in the safetensors header; the format \
         allows each name once (which of the two would be the model's?)"
    );
}

/// The format forbids a name twice in the header; the safetensors crate keeps one of the two
/// entries and loads. Every repetition is an error naming what is repeated.
#[test]
fn a_name_twice_in_a_safetensors_header_is_an_error_naming_it() {
    let good = st_bytes(&format!("{ST_WEIGHT},{ST_REST}"), ST_META);
    assert_eq!(
        save::from_bytes(&good)
            .unwrap()
            .predict(&[1.0, 2.0])
            .unwrap(),
        [-2.25]
    );

    // `0.weight` twice, as f32 then as f64: the crate alone takes the file.
    let f32_first =
        "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}".to_string();
    let twice = st_bytes(&format!("{f32_first},{ST_WEIGHT},{ST_REST}"), ST_META);
    assert_eq!(SafeTensors::deserialize(&twice).unwrap().len(), 4);
    let tensor_twice = "cannot load model: tensor `0.weight` is listed twice in the safetensors \
                        header; the format allows each name once (which of the two would be \
                        the model's?)";
    assert_eq!(message(save::from_bytes(&twice)), tensor_twice);
    // The same, with the two in the other order, and with the name spelled with an escape.
    let twice = st_bytes(&format!("{ST_WEIGHT},{f32_first},{ST_REST}"), ST_META);
    assert_eq!(message(save::from_bytes(&twice)), tensor_twice);
    let escaped = ST_WEIGHT.replace("0.weight", "0\\u002eweight");
    let twice = st_bytes(&format!("{ST_WEIGHT},{escaped},{ST_REST}"), ST_META);
    assert_eq!(message(save::from_bytes(&twice)), tensor_twice);

    let cases = [
        (
            st_bytes(
                &format!("{ST_WEIGHT},{ST_REST}"),
                &format!("{ST_META},\"tapegrad.sizes\":\"2,1\""),
            ),
            "the safetensors metadata lists `tapegrad.sizes` twice; the format allows each \
             key once",
        ),
        (
            st_bytes(
                &format!(
                    "{},{ST_REST}",
                    ST_WEIGHT.replace("\"F64\",", "\"F64\",\"dtype\":\"F32\",")
                ),
                ST_META,
            ),
            "tensor `0.weight` gives its `dtype` twice in the safetensors header; the format \
             allows each field once",
        ),
        (
            st_bytes(
                &format!("{ST_WEIGHT},{ST_REST},\"__metadata__\":{{{ST_META}}}"),
                ST_META,
            ),
            "the safetensors header has two `__metadata__` entries; the format allows one",
        ),
    ];
    for (bytes, expected) in cases {
        assert_eq!(
            message(save::from_bytes(&bytes)),
            format!("cannot load model: {expected}")
        );
    }
    // Names that differ only inside a tensor's entry are no repetition: `shape` is in each.
    assert!(save::from_bytes(&st_bytes(&format!("{ST_REST},{ST_WEIGHT}"), ST_META)).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Nothing half done
// ---------------------------------------------------------------------------------------------

#[test]
fn load_into_replaces_a_model_of_the_same_architecture() {
    let path = temp_path("load-into.safetensors");
    let trained = circle_network(2);
    save::save(&trained, &path, Format::Safetensors(Dtype::F64)).unwrap();
    let mut model = circle_network(1);
    save::load_into(&mut model, &path).unwrap();
    assert_eq!(bits(&model.parameters()), bits(&trained.parameters()));
}

#[test]
fn a_failed_load_into_leaves_the_model_unchanged() {
    let model = circle_network(1);
    let before = bits(&model.parameters());
    let other = Mlp::new(
        2,
        &[8, 1],
        Activation::Relu,
        Activation::Linear,
        Init::He,
        &mut rng(9),
    )
    .unwrap();
    let sigmoid_out = Mlp::new(
        2,
        &[4, 2, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Init::Playground,
        &mut rng(2),
    )
    .unwrap();
    let save_to = |name: &str, m: &Mlp| {
        let path = temp_path(name);
        save::save(m, &path, Format::Native).unwrap();
        path
    };
    // Layer 0 reads fine; layer 1's bias tensor is NaN: a half-reading loader would have
    // written layer 0 by then.
    let mut tensors = good_tensors();
    tensors[3].3[0] = f64::NAN;
    let half_good = temp_path("half-good.safetensors");
    std::fs::write(&half_good, st_file(&tensors, Some(&META))).unwrap();
    let truncated = temp_path("cut.tapegrad");
    std::fs::write(&truncated, &native(&circle_network(2))[..300]).unwrap();

    let cases = [
        (save_to("other.tapegrad", &other), "architecture mismatch: the model is 2 → 4 tanh → 2 tanh → 1 tanh, the saved one is 2 → 8 relu → 1 linear".to_string()),
        (save_to("sigmoid.tapegrad", &sigmoid_out), "architecture mismatch: the model is 2 → 4 tanh → 2 tanh → 1 tanh, the saved one is 2 → 4 tanh → 2 tanh → 1 sigmoid".to_string()),
        (save_to("mixed.tapegrad", &mixed_network()), "architecture mismatch: the model is 2 → 4 tanh → 2 tanh → 1 tanh, the saved one is 2 → 2 (tanh, relu) → 1 sigmoid".to_string()),
        (half_good.clone(), format!("cannot load model: {}: `2.bias`[0] is NaN: a model holds finite numbers only", half_good.display())),
        (truncated.clone(), format!("cannot load model: {}: truncated: no `end` line (the file stops in line 6)", truncated.display())),
    ];
    for (path, expected) in cases {
        let mut target = model.clone();
        let err = save::load_into(&mut target, &path).unwrap_err();
        assert_eq!(err.to_string(), expected);
        assert_eq!(bits(&target.parameters()), before);
        assert_eq!(target.to_string(), model.to_string());
    }
}

#[test]
fn load_into_refuses_your_own_activation_even_of_a_saved_ones_name() {
    // Saved with the built-in tanh; the model's neuron runs a function of its own named
    // "tanh". Loading must not swap that function for the built-in one.
    let path = temp_path("builtin-tanh.tapegrad");
    let saved = Neuron::from_parts(vec![2.0], 1.0, Activation::Tanh);
    let saved = Mlp::from_layers(vec![Layer::from_neurons(vec![saved]).unwrap()]).unwrap();
    save::save(&saved, &path, Format::Native).unwrap();
    let own = Activation::Custom(tapegrad::nn::CustomActivation::new("tanh", |x| x));
    let neuron = Neuron::from_parts(vec![2.0], 1.0, own);
    let mut model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron]).unwrap()]).unwrap();
    let err = save::load_into(&mut model, &path).unwrap_err();
    assert_eq!(
        err.to_string(),
        "architecture mismatch: the model is 1 → 1 your own `tanh`, the saved one is 1 → 1 tanh"
    );
    assert_eq!(model.predict(&[2.0]).unwrap(), vec![5.0]); // still its own function
}

#[test]
fn a_failed_save_leaves_the_old_file_and_no_temporary_file() {
    let path = temp_path("failed-save/kept.tapegrad"); // a directory no other test writes to
    let old = circle_network(1);
    save::save(&old, &path, Format::Native).unwrap();
    let old_bytes = std::fs::read(&path).unwrap();

    let broken = with_parameter(circle_network(2), 0, f64::NAN);
    assert!(save::save(&broken, &path, Format::Native).is_err());
    assert!(save::save(&mixed_network(), &path, Format::Safetensors(Dtype::F64)).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), old_bytes);

    let nowhere = temp_path("no-such-dir").join("model.tapegrad");
    let err = save::save(&old, &nowhere, Format::Native).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "I/O error: cannot write {}: No such file or directory (os error 2)",
            nowhere.display()
        )
    );

    // A successful save replaces the file whole and leaves nothing beside it.
    save::save(&circle_network(2), &path, Format::Native).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        save::to_bytes(&circle_network(2), Format::Native).unwrap()
    );
    let dir = path.parent().unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
}
