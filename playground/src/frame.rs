//! The `frame` event: the network now, with its gradients, updates and maps (API.md, "The
//! event stream").

use serde::Serialize;
use tapegrad::diagnose::Finding;
use tapegrad::nn::{Forward, Module};

use crate::network;
use crate::trainer::{Status, Trainer};

/// Neuron and input maps are `NEURON_MAP` × `NEURON_MAP` cells.
pub const NEURON_MAP: usize = 24;
/// The output map is `OUTPUT_MAP` × `OUTPUT_MAP` cells.
pub const OUTPUT_MAP: usize = 100;

#[derive(Serialize)]
pub struct FrameJson {
    epoch: u64,
    status: Status,
    reason: Option<String>,
    train_loss: Option<f64>,
    test_loss: Option<f64>,
    epochs_per_second: f64,
    batch: Vec<usize>,
    layers: Vec<LayerJson>,
    inputs: Vec<InputJson>,
    output: OutputJson,
    findings: Vec<FindingJson>,
    checking: bool,
}

#[derive(Serialize)]
struct LayerJson {
    neurons: Vec<NeuronJson>,
}

#[derive(Serialize)]
struct NeuronJson {
    bias: f64,
    bias_grad: Option<f64>,
    bias_update: f64,
    weights: Vec<f64>,
    grads: Vec<Option<f64>>,
    updates: Vec<f64>,
    output_grad: Option<f64>,
    map: String,
}

#[derive(Serialize)]
struct InputJson {
    name: &'static str,
    map: String,
}

#[derive(Serialize)]
struct OutputJson {
    n: usize,
    map: String,
}

/// One of `diagnose`'s findings, pointing at a layer where it names one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingJson {
    pub kind: &'static str,
    pub text: String,
    pub layer: Option<usize>,
    pub neuron: Option<usize>,
}

/// `x` if it is finite: JSON has no NaN, and the page never shows one.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The cell centres of an `n` × `n` grid over [-6, 6]², row 0 at the top (y = +6).
fn grid(n: usize) -> impl Iterator<Item = (f64, f64)> {
    let cell = 12.0 / n as f64;
    (0..n).flat_map(move |r| {
        (0..n).map(move |c| {
            (
                -6.0 + (c as f64 + 0.5) * cell,
                6.0 - (r as f64 + 0.5) * cell,
            )
        })
    })
}

/// A value in [-1, 1] as a signed byte (clamped; NaN as 0).
fn byte(v: f64) -> u8 {
    let b = if v.is_nan() {
        0
    } else {
        (v.clamp(-1.0, 1.0) * 127.0).round() as i8
    };
    b as u8
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Builds the finding's JSON: its kind, its text, the layer it points at.
pub fn finding_json(f: &Finding) -> FindingJson {
    let (kind, layer) = match f {
        Finding::NonFiniteInput { .. } => ("non_finite_input", None),
        Finding::LabelsOutsideDomain { .. } => ("labels_outside_domain", None),
        Finding::NonFiniteOutput { layer, .. } => ("non_finite_output", Some(*layer)),
        Finding::OutputsOutsideDomain { .. } => ("outputs_outside_domain", None),
        Finding::OneClass { .. } => ("one_class", None),
        Finding::SortedByClass { .. } => ("sorted_by_class", None),
        Finding::LossRising { update_ratios, .. } => {
            // The layer whose updates were largest against its weights.
            let worst = (0..update_ratios.len())
                .max_by(|&a, &b| update_ratios[a].total_cmp(&update_ratios[b]));
            ("rising_loss", worst)
        }
        Finding::SaturatedUnits { layer, .. } => ("saturated_units", Some(*layer)),
        Finding::DeadUnits { layer, .. } => ("dead_units", Some(*layer)),
        Finding::UnevenGradients { .. } => ("uneven_gradients", None),
        Finding::WrongGradients { .. } => ("wrong_gradients", None),
        Finding::LossNotFinite { .. } => ("loss_not_finite", None),
        Finding::SampleLossNotFinite { .. } => ("sample_loss_not_finite", None),
        Finding::HugeLoss { .. } => ("huge_loss", None),
        Finding::SlowProgress { .. } => ("slow_progress", None),
        Finding::Plateau { .. } => ("plateau", None),
        // A kind the library adds later reaches the page by its text alone.
        _ => ("other", None),
    };
    FindingJson {
        kind,
        text: f.to_string(),
        layer,
        neuron: None,
    }
}

impl Trainer {
    /// The network now, as the `frame` event sends it.
    pub fn frame(&mut self) -> FrameJson {
        let (grads, output_grads) = self.probe();
        let (train_loss, test_loss) = self.losses();
        // Every neuron's map, from one pass over the small grid.
        let neurons: usize = self.model.layers().iter().map(|l| l.nout()).sum();
        let mut maps = vec![Vec::with_capacity(NEURON_MAP * NEURON_MAP); neurons];
        let mut all = Vec::with_capacity(neurons);
        let mut scratch = [Vec::new(), Vec::new()];
        let features = &self.settings.features;
        for (x, y) in grid(NEURON_MAP) {
            all.clear();
            network::eval_for_map(
                &self.model,
                &network::encode(features, x, y),
                &mut all,
                &mut scratch,
            );
            for (map, &v) in maps.iter_mut().zip(&all) {
                map.push(byte(v));
            }
        }
        let mut output = Vec::with_capacity(OUTPUT_MAP * OUTPUT_MAP);
        let mut input = Vec::with_capacity(features.len());
        for (x, y) in grid(OUTPUT_MAP) {
            all.clear();
            input.clear();
            input.extend(features.iter().map(|f| f.of(x, y)));
            let out = network::eval_for_map(&self.model, &input, &mut all, &mut scratch);
            output.push(byte(self.spec.shown(out)));
        }
        let inputs = features
            .iter()
            .map(|f| InputJson {
                name: crate::settings::Choice::name(*f),
                map: base64(
                    &grid(NEURON_MAP)
                        .map(|(x, y)| byte(f.of(x, y) / f.range()))
                        .collect::<Vec<u8>>(),
                ),
            })
            .collect();
        let mut layers = Vec::with_capacity(self.model.layers().len());
        let (mut p, mut k) = (0, 0);
        for layer in self.model.layers() {
            let mut out = Vec::with_capacity(layer.nout());
            for n in layer.neurons() {
                let nin = n.nin();
                out.push(NeuronJson {
                    bias: n.bias(),
                    bias_grad: finite(grads[p + nin]),
                    bias_update: self.last_update[p + nin],
                    weights: n.weights().to_vec(),
                    grads: grads[p..p + nin].iter().map(|&g| finite(g)).collect(),
                    updates: self.last_update[p..p + nin].to_vec(),
                    output_grad: finite(output_grads[k]),
                    map: base64(&maps[k]),
                });
                p += nin + 1;
                k += 1;
            }
            layers.push(LayerJson { neurons: out });
        }
        debug_assert_eq!(p, self.model.parameter_count());
        FrameJson {
            epoch: self.epoch,
            status: self.status,
            reason: self.reason.clone(),
            train_loss,
            test_loss,
            epochs_per_second: self.epochs_per_second,
            batch: self.last_batch.clone(),
            layers,
            inputs,
            output: OutputJson {
                n: OUTPUT_MAP,
                map: base64(&output),
            },
            findings: self.findings.clone(),
            checking: self.checking,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x81]), "//6B");
    }

    #[test]
    fn every_kind_of_finding_the_loss_history_gives_has_its_name() {
        let cases = [
            (
                Finding::LossNotFinite {
                    epoch: 3,
                    value: f64::INFINITY,
                    count: 2,
                    epochs: 5,
                },
                "loss_not_finite",
            ),
            (
                Finding::SampleLossNotFinite {
                    row: 1,
                    output: 1.0,
                    label: 0.0,
                    value: f64::INFINITY,
                    count: 1,
                },
                "sample_loss_not_finite",
            ),
            (
                Finding::HugeLoss {
                    epoch: 0,
                    loss: 1e12,
                    input: 1e6,
                    label: 1.0,
                    weight: 0.5,
                },
                "huge_loss",
            ),
            (
                Finding::SlowProgress {
                    since: 10,
                    last_epoch: 40,
                    loss: 0.4,
                    mean_loss: 0.4,
                    constant: 0.5,
                    probe_loss: 0.2,
                },
                "slow_progress",
            ),
        ];
        for (finding, kind) in cases {
            let json = finding_json(&finding);
            assert_eq!((json.kind, json.layer), (kind, None));
            assert_eq!(json.text, finding.to_string());
        }
    }

    #[test]
    fn api_md_names_every_kind_the_page_can_get() {
        // The kinds `finding_json` can send, read from its source, against the list API.md
        // gives after "`kind` is one of".
        let quoted = |text: &str, mark: char| -> Vec<String> {
            let mut names: Vec<String> = text
                .split(mark)
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            names.sort();
            names
        };
        let source = include_str!("frame.rs");
        let body = &source[source.find("let (kind, layer) = match f {").unwrap()..];
        let sent = quoted(&body[..body.find("\n    };").unwrap()], '"');
        let api = include_str!("../API.md");
        let list = &api[api.find("`kind` is").unwrap() + "`kind` is".len()..];
        let documented = quoted(&list[..list.find(". ").unwrap()], '`');
        assert_eq!(documented, sent);
    }

    #[test]
    fn bytes_clamp_and_round() {
        assert_eq!(
            [byte(1.0), byte(-1.0), byte(0.5), byte(7.0)],
            [127, 0x81, 64, 127]
        );
        assert_eq!([byte(f64::NAN), byte(f64::NEG_INFINITY)], [0, 0x81]);
    }
}
