//! The safetensors hand-over, checked from Python's side: the Rust half of
//! `tests/python/check_safetensors.py`, which runs these two tests in turn with
//! `TAPEGRAD_EXCHANGE_DIR` set to the directory the files go through. `cargo test` skips them
//! (they wait for files only the script writes); CI runs the script after `cargo test`.
//!
//! 1. `rust_writes_the_circle_network` trains the Playground's circle network and writes it
//!    (native, safetensors f64 and f32, with metadata of its own) with its inputs and outputs
//!    on the 500 circle points.
//! 2. The script rebuilds the network from each safetensors file with numpy, compares its
//!    outputs and reads the metadata, and writes a network of its own with extra metadata
//!    keys, with the outputs numpy computes for it.
//! 3. `rust_reads_what_python_wrote` loads that network and its metadata and compares its
//!    predictions.

#[path = "common/numeric.rs"]
mod numeric;

use std::path::PathBuf;

use numeric::bits;
use rand::{SeedableRng, rngs::StdRng};
use safetensors::{Dtype as StDtype, SafeTensors, tensor::TensorView};
use tapegrad::datasets::{self, PLAYGROUND_SAMPLES, Playground};
use tapegrad::nn::{Activation::Tanh, Forward, Init, Mlp, Module, accuracy};
use tapegrad::optim::{Optimizer, Sgd};
use tapegrad::save::{self, Dtype, Format, Metadata};
use tapegrad::{Gradients, Tape, loss};

/// How far apart numpy's outputs and tapegrad's may be: the two sum in different orders, and
/// an f32 file holds every parameter rounded to about 7 digits.
const F64_TOLERANCE: f64 = 1e-12;
const F32_TOLERANCE: f64 = 1e-6;

fn exchange_dir() -> PathBuf {
    let dir = std::env::var_os("TAPEGRAD_EXCHANGE_DIR")
        .expect("run by tests/python/check_safetensors.py, which sets TAPEGRAD_EXCHANGE_DIR");
    PathBuf::from(dir)
}

/// Numbers as the bytes of an f64 safetensors tensor (little-endian).
fn f64_bytes(xs: impl IntoIterator<Item = f64>) -> Vec<u8> {
    xs.into_iter().flat_map(f64::to_le_bytes).collect()
}

/// Tensor `name` of a file of f64 tensors, as numbers, with its shape.
fn f64_tensor(file: &SafeTensors<'_>, name: &str) -> (Vec<f64>, Vec<usize>) {
    let t = file.tensor(name).unwrap();
    assert_eq!(t.dtype(), StDtype::F64, "{name}");
    let xs = t
        .data()
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
        .collect();
    (xs, t.shape().to_vec())
}

#[test]
#[ignore = "run by tests/python/check_safetensors.py"]
fn rust_writes_the_circle_network() {
    let dir = exchange_dir();
    let mut rng = StdRng::seed_from_u64(1);
    let data = datasets::playground(Playground::Circle, PLAYGROUND_SAMPLES, 0.0, &mut rng).unwrap();
    let mut model = Mlp::new(2, &[4, 2, 1], Tanh, Tanh, Init::Playground, &mut rng).unwrap();
    // The circle example's training: squared error, SGD at 0.03 on batches of 10.
    let xs: Vec<[f64; 2]> = data.train.iter().map(|p| p.inputs()).collect();
    let ys: Vec<f64> = data.train.iter().map(|p| p.label).collect();
    let (mut tape, mut grads, mut sgd) = (Tape::new(), Gradients::new(), Sgd::new(0.03));
    for _ in 0..150 {
        for (batch_x, batch_y) in xs.chunks(10).zip(ys.chunks(10)) {
            tape.clear();
            let net = model.record(&tape);
            let losses: Vec<_> = batch_x
                .iter()
                .zip(batch_y)
                .map(|(x, &y)| loss::half_squared_error(net.forward_f64(x).unwrap()[0], y))
                .collect();
            tape.backward_into(loss::mean(&losses).unwrap(), &mut grads);
            let step = net.gradients(&grads);
            sgd.step(&mut model, &step).unwrap();
        }
    }
    let accuracy = accuracy(&model, &data.test).unwrap();
    assert!(
        accuracy >= 245.0 / 250.0,
        "the network learned the circle: test accuracy {accuracy} on 250 points"
    );

    // What the script expects to read in the safetensors files' metadata, beside tapegrad's.
    let metadata: Metadata = [
        ("inputs", "x,y"),
        ("note", "écrit par tapegrad, \"quoted\" \\ back"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (name, format) in [
        ("circle.tapegrad", Format::Native),
        ("circle.f64.safetensors", Format::Safetensors(Dtype::F64)),
        ("circle.f32.safetensors", Format::Safetensors(Dtype::F32)),
    ] {
        let path = dir.join(name);
        save::save_with_metadata(&model, &path, format, &metadata).unwrap();
        let (loaded, read) = save::load_with_metadata(&path).unwrap();
        if format != Format::Safetensors(Dtype::F32) {
            assert_eq!(bits(&loaded.parameters()), bits(&model.parameters()));
        }
        assert_eq!(read, metadata);
        let size = std::fs::metadata(&path).unwrap().len();
        println!("wrote {name}: {size} bytes");
    }

    let points: Vec<[f64; 2]> = data
        .train
        .iter()
        .chain(&data.test)
        .map(|p| p.inputs())
        .collect();
    let inputs = f64_bytes(points.iter().flatten().copied());
    let outputs = f64_bytes(points.iter().map(|x| model.predict(x).unwrap()[0]));
    let n = points.len();
    let tensors = [
        (
            "inputs",
            TensorView::new(StDtype::F64, vec![n, 2], &inputs).unwrap(),
        ),
        (
            "outputs",
            TensorView::new(StDtype::F64, vec![n, 1], &outputs).unwrap(),
        ),
    ];
    let bytes = safetensors::serialize(tensors, None).unwrap();
    std::fs::write(dir.join("circle-data.safetensors"), bytes).unwrap();
    println!(
        "trained {}: test accuracy {accuracy}; wrote its outputs on {n} points",
        save::pytorch_sequential(&model).unwrap()
    );
}

#[test]
#[ignore = "run by tests/python/check_safetensors.py"]
fn rust_reads_what_python_wrote() {
    let dir = exchange_dir();
    let data = std::fs::read(dir.join("python-data.safetensors")).unwrap();
    let data = SafeTensors::deserialize(&data).unwrap();
    let (inputs, shape) = f64_tensor(&data, "inputs");
    let (outputs, _) = f64_tensor(&data, "outputs");
    let nin = shape[1];
    for (name, tolerance) in [
        ("python.f64.safetensors", F64_TOLERANCE),
        ("python.f32.safetensors", F32_TOLERANCE),
    ] {
        let (model, metadata) = save::load_with_metadata(dir.join(name)).unwrap();
        // The script's own keys, in the order Python's safetensors wrote them (a hash map's),
        // without tapegrad's.
        let mut entries: Vec<(&str, &str)> = metadata
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        entries.sort_unstable();
        assert_eq!(
            entries,
            [
                ("format", "np"),
                ("inputs", "x,y"),
                ("written by", "numpy, \"quoted\" ✓")
            ],
            "{name}"
        );
        let mut worst: f64 = 0.0;
        for (x, &expected) in inputs.chunks_exact(nin).zip(&outputs) {
            let got = model.predict(x).unwrap()[0];
            worst = worst.max((got - expected).abs());
        }
        println!(
            "loaded {name} ({}): max |tapegrad − numpy| over {} points = {worst:.2e} \
             (tolerance {tolerance:.0e})",
            save::pytorch_sequential(&model).unwrap(),
            outputs.len()
        );
        assert!(worst <= tolerance, "{name}: {worst:e} > {tolerance:e}");
    }
}
