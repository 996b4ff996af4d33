//! What the tests of saving and loading share (`tests/save.rs` and
//! `tests/save_metadata.rs`): the circle network and its documented native file, the native
//! format's hash, and safetensors files written by hand. Include it with
//! `#[path = "common/saved.rs"] mod saved;`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rand::{SeedableRng, rngs::StdRng};
use safetensors::{Dtype as StDtype, tensor::TensorView};
use tapegrad::Error;
use tapegrad::nn::{Activation, Init, Mlp};
use tapegrad::save::{self, Dtype, Format};

/// Every format, and each safetensors number type.
pub const FORMATS: [Format; 3] = [
    Format::Native,
    Format::Safetensors(Dtype::F64),
    Format::Safetensors(Dtype::F32),
];

/// The Playground's default network as the circle example builds it: 2 → 4 → 2 → 1, tanh.
pub fn circle_network(seed: u64) -> Mlp {
    Mlp::new(
        2,
        &[4, 2, 1],
        Activation::Tanh,
        Activation::Tanh,
        Init::Playground,
        &mut StdRng::seed_from_u64(seed),
    )
    .unwrap()
}

/// A path under Cargo's scratch directory for integration tests; each test uses its own names.
pub fn temp_path(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("save")
        .join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    path
}

/// The message of a load that fails.
pub fn message(result: Result<Mlp, Error>) -> String {
    result.unwrap_err().to_string()
}

/// `circle_network(1)` in the native format, version 1, as the module docs show it.
pub const CIRCLE_V1: &str = "\
tapegrad-mlp 1
sizes 2 4 2 1
layer0.neuron0 tanh w 0.47424473725840266 0.1912356107023263 b 0.1
layer0.neuron1 tanh w -0.07202521846712973 -0.3244139498061567 b 0.1
layer0.neuron2 tanh w -0.2454482385026131 0.46260277962263197 b 0.1
layer0.neuron3 tanh w -0.11139216069316848 0.20850833668313395 b 0.1
layer1.neuron0 tanh w 0.020343727458295602 -0.11450042385704684 -0.29805826825551485 -0.4377512099660281 b 0.1
layer1.neuron1 tanh w 0.43561371248440817 -0.06725186044241283 -0.3057123336141201 -0.3578969115941948 b 0.1
layer2.neuron0 tanh w 0.3922893989853067 -0.10948192526181111 b 0.1
end d93592ea181cc4b6
";

/// 64-bit FNV-1a, as the module docs define the `end` line's hash.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `text` with its `end` line replaced by the right one for everything before it: a file
/// changed by hand that the hash no longer stops, to reach the checks behind it.
pub fn reseal(text: &str) -> String {
    let body = &text[..text.rfind("end ").unwrap()];
    format!("{body}end {:016x}\n", fnv1a(body.as_bytes()))
}

/// `model` in the native format, without metadata.
pub fn native(model: &Mlp) -> String {
    String::from_utf8(save::to_bytes(model, Format::Native).unwrap()).unwrap()
}

/// A tensor to write: name, dtype, shape, and its numbers as f64s.
pub type Tensor = (&'static str, StDtype, Vec<usize>, Vec<f64>);

/// A safetensors file of the given tensors and metadata.
pub fn st_file(tensors: &[Tensor], metadata: Option<&[(&str, &str)]>) -> Vec<u8> {
    let data: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, dtype, _, xs)| match dtype {
            StDtype::F32 => xs.iter().flat_map(|&x| (x as f32).to_le_bytes()).collect(),
            StDtype::I32 => xs.iter().flat_map(|&x| (x as i32).to_le_bytes()).collect(),
            _ => xs.iter().flat_map(|&x| x.to_le_bytes()).collect(),
        })
        .collect();
    let views: Vec<(&str, TensorView)> = tensors
        .iter()
        .zip(&data)
        .map(|((name, dtype, shape, _), bytes)| {
            (
                *name,
                TensorView::new(*dtype, shape.clone(), bytes).unwrap(),
            )
        })
        .collect();
    let metadata = metadata.map(|m| {
        m.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    });
    safetensors::serialize(views, metadata).unwrap()
}

/// The architecture metadata of [`good_tensors`].
pub const META: [(&str, &str); 3] = [
    ("tapegrad.version", "1"),
    ("tapegrad.sizes", "2,2,1"),
    ("tapegrad.activations", "relu,linear"),
];

/// A well-formed 2 → 2 relu → 1 linear file in f64.
pub fn good_tensors() -> Vec<Tensor> {
    vec![
        (
            "0.weight",
            StDtype::F64,
            vec![2, 2],
            vec![1.0, -1.0, 0.5, 2.0],
        ),
        ("0.bias", StDtype::F64, vec![2], vec![0.0, 0.25]),
        ("2.weight", StDtype::F64, vec![1, 2], vec![3.0, -0.5]),
        ("2.bias", StDtype::F64, vec![1], vec![0.125]),
    ]
}

/// A safetensors file written byte by byte: 8 bytes of header length, the JSON header, then the
/// numbers of the good 2 → 2 relu → 1 linear file in f64 (`0.weight` at bytes 0..32,
/// `0.bias` 32..48, `2.weight` 48..64, `2.bias` 64..72).
pub fn st_bytes(tensors: &str, metadata: &str) -> Vec<u8> {
    let header = format!("{{\"__metadata__\":{{{metadata}}},{tensors}}}");
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend(header.as_bytes());
    for x in [1.0f64, -1.0, 0.5, 2.0, 0.0, 0.25, 3.0, -0.5, 0.125] {
        bytes.extend(x.to_le_bytes());
    }
    bytes
}

/// For [`st_bytes`]: the architecture metadata of its numbers, `0.weight`'s entry, and the
/// other three tensors' entries.
pub const ST_META: &str = "\"tapegrad.version\":\"1\",\"tapegrad.sizes\":\"2,2,1\",\
                       \"tapegrad.activations\":\"relu,linear\"";

pub const ST_REST: &str = "\"0.bias\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[32,48]},\
                       \"2.weight\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[48,64]},\
                       \"2.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[64,72]}";

pub const ST_WEIGHT: &str =
    "\"0.weight\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]}";

/// Checks that `text`, a native file tapegrad wrote, is `expected` and that the module docs
/// of `tapegrad::save` show it, with the hash it carries.
pub fn assert_written_as_documented(text: &str, expected: &str) {
    assert_eq!(text, expected);
    assert_eq!(reseal(text), text); // the documented hash is the one written
    let docs = include_str!("../../src/save/mod.rs");
    let documented: String = expected.lines().map(|l| format!("//! {l}\n")).collect();
    assert!(
        docs.contains(&documented),
        "src/save/mod.rs's module docs show another file than\n{expected}"
    );
}
