//! safetensors: the layers as the tensors of a PyTorch `nn.Sequential` (the module docs give
//! the mapping), for PyTorch, candle and burn.

use std::collections::{HashMap, HashSet};

use ::safetensors::tensor::TensorView;
use ::safetensors::{Dtype as StDtype, SafeTensors};

use super::{
    Dtype, Metadata, RESERVED, build, check_version, finite, neuron_name, not_savable,
    parameter_name, parse_sizes,
};
use crate::error::Error;
use crate::nn::{Activation, Forward, Layer, Mlp, Neuron};

const KEY_VERSION: &str = "tapegrad.version";
const KEY_SIZES: &str = "tapegrad.sizes";
const KEY_ACTIVATIONS: &str = "tapegrad.activations";

/// The `tapegrad.version` written, and the newest read: your own metadata beside tapegrad's
/// keys did not change it, as every tapegrad ignores keys it does not need.
const VERSION: u32 = 1;

impl Dtype {
    fn safetensors(self) -> StDtype {
        match self {
            Dtype::F64 => StDtype::F64,
            Dtype::F32 => StDtype::F32,
        }
    }
}

/// The PyTorch module that holds a safetensors file of `model` (see the module docs' table),
/// as Python source with `torch.nn` imported as `nn`.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the layer if its neurons mix activations or use a
/// [custom](crate::nn::CustomActivation) one, which PyTorch does not know.
///
/// ```
/// use rand::{SeedableRng, rngs::StdRng};
/// use tapegrad::nn::{Activation::{Linear, Relu}, Init, Mlp};
///
/// let mut rng = StdRng::seed_from_u64(0);
/// let model = Mlp::new(2, &[16, 16, 1], Relu, Linear, Init::Micrograd, &mut rng)?;
/// assert_eq!(
///     tapegrad::save::pytorch_sequential(&model)?,
///     "nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), \
///      nn.Linear(16, 1))"
/// );
/// # Ok::<(), tapegrad::Error>(())
/// ```
pub fn pytorch_sequential(model: &Mlp) -> Result<String, Error> {
    let mut modules = Vec::new();
    for (i, layer) in model.layers().iter().enumerate() {
        modules.push(format!("nn.Linear({}, {})", layer.nin(), layer.nout()));
        let module = match layer_activation(layer, i)? {
            Activation::Tanh => "nn.Tanh()",
            Activation::Relu => "nn.ReLU()",
            Activation::Sigmoid => "nn.Sigmoid()",
            Activation::Linear => continue,
            Activation::Custom(custom) => return Err(not_savable(&format!("layer{i}"), custom)),
        };
        modules.push(module.to_string());
    }
    Ok(format!("nn.Sequential({})", modules.join(", ")))
}

/// The activation shared by every neuron of layer `i`, or an error naming the layer.
fn layer_activation(layer: &Layer, i: usize) -> Result<Activation, Error> {
    let act = layer.neurons()[0].activation();
    match layer.neurons().iter().find(|n| n.activation() != act) {
        None => Ok(act),
        Some(other) => Err(Error::InvalidArgument(format!(
            "layer {i} mixes {act} and {} neurons; an nn.Sequential applies one activation \
             to a whole layer, so only the native format can save this model",
            other.activation()
        ))),
    }
}

/// The `nn.Sequential` index of each layer's `nn.Linear`: an activation module takes the
/// index after its layer, a linear layer has none.
fn linear_indices(activations: &[Activation]) -> Vec<usize> {
    let mut next = 0;
    activations
        .iter()
        .map(|&a| {
            let k = next;
            next += if a == Activation::Linear { 1 } else { 2 };
            k
        })
        .collect()
}

/// The file of `model` in `dtype` with `metadata`, whose entries
/// [`check_entry`](super::check_entry) has passed, after tapegrad's own.
pub(super) fn to_bytes(model: &Mlp, dtype: Dtype, metadata: &Metadata) -> Result<Vec<u8>, Error> {
    let activations = model
        .layers()
        .iter()
        .enumerate()
        .map(|(i, l)| layer_activation(l, i))
        .collect::<Result<Vec<_>, _>>()?;
    let encode = |x: f64, name: &dyn Fn() -> String| -> Result<Vec<u8>, Error> {
        match dtype {
            Dtype::F64 => Ok(x.to_le_bytes().to_vec()),
            Dtype::F32 if (x as f32).is_finite() => Ok((x as f32).to_le_bytes().to_vec()),
            Dtype::F32 => Err(Error::InvalidArgument(format!(
                "cannot save {} = {x:e} as f32: it is beyond f32's range (about 3.4e38)",
                name()
            ))),
        }
    };
    // (name, shape, bytes) of every tensor, in nn.Sequential order.
    let mut tensors = Vec::new();
    let indices = linear_indices(&activations);
    for (i, (layer, &k)) in model.layers().iter().zip(&indices).enumerate() {
        let (nin, nout) = (layer.nin(), layer.nout());
        let (mut weight, mut bias) = (Vec::new(), Vec::new());
        for (j, n) in layer.neurons().iter().enumerate() {
            for (w_k, &w) in n.weights().iter().enumerate() {
                weight.extend(encode(w, &|| parameter_name(&neuron_name(i, j), w_k, nin))?);
            }
            bias.extend(encode(n.bias(), &|| {
                parameter_name(&neuron_name(i, j), nin, nin)
            })?);
        }
        tensors.push((format!("{k}.weight"), vec![nout, nin], weight));
        tensors.push((format!("{k}.bias"), vec![nout], bias));
    }
    let views = tensors
        .iter()
        .map(|(name, shape, data)| {
            TensorView::new(dtype.safetensors(), shape.clone(), data).map(|v| (name, v))
        })
        .collect::<Result<Vec<_>, _>>();
    let sizes: Vec<String> = model.sizes().iter().map(usize::to_string).collect();
    let names: Vec<&str> = activations.iter().map(|a| a.name()).collect();
    // Tapegrad's keys in sorted order, then yours in yours, as `order_metadata` leaves them.
    let own = [
        (KEY_ACTIVATIONS, names.join(",")),
        (KEY_SIZES, sizes.join(",")),
        (KEY_VERSION, VERSION.to_string()),
    ];
    let entries: Vec<(&str, &str)> = own
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(metadata.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .collect();
    let map = entries
        .iter()
        .map(|&(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut bytes = views
        .and_then(|views| safetensors::serialize(views, Some(map)))
        .map_err(|e| {
            Error::InvalidArgument(format!("safetensors could not write the model: {e}"))
        })?;
    order_metadata(&mut bytes, &entries);
    Ok(bytes)
}

/// safetensors writes the metadata in its hash map's order, which changes from run to run;
/// rewriting the entries in the order given, the same bytes rearranged, makes one model
/// always give one file, and keeps your metadata in your order.
fn order_metadata(bytes: &mut [u8], ordered: &[(&str, &str)]) {
    let entries: Vec<String> = ordered
        .iter()
        .map(|(k, v)| format!("{}:{}", json_quoted(k), json_quoted(v)))
        .collect();
    let canonical = format!("{{\"__metadata__\":{{{}}}", entries.join(","));
    // The header follows its 8-byte length and starts with the metadata, each string quoted
    // as serde_json quotes it, so any order of the entries takes exactly as many bytes.
    if let Some(header) = bytes.get_mut(8..8 + canonical.len()) {
        if header.starts_with(b"{\"__metadata__\":{") && header.ends_with(b"}") {
            header.copy_from_slice(canonical.as_bytes());
        }
    }
}

/// `text` as a JSON string, escaped as serde_json escapes it when, as in metadata that
/// [`check_entry`](super::check_entry) passed, it holds no control character: `"` and `\`
/// take a backslash, everything else is itself.
fn json_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

pub(super) fn parse(bytes: &[u8]) -> Result<(Mlp, Metadata), String> {
    // The crate keeps one of two entries of one name (or rejects their offsets as corrupted);
    // the format forbids them, so they are looked for first, by name, in a header whose
    // objects all close. A header cut short or with something after it gets the crate's error.
    let scan = scan_header(bytes);
    if let Some(message) = scan.as_ref().and_then(repeated_entry) {
        return Err(message);
    }
    let file = SafeTensors::deserialize(bytes)
        .map_err(|e| format!("truncated or corrupted safetensors file: {e}"))?;
    let (_, header) = SafeTensors::read_metadata(bytes)
        .map_err(|e| format!("truncated or corrupted safetensors file: {e}"))?;
    let no_metadata = || {
        format!(
            "the safetensors header has no metadata (`__metadata__`): tapegrad needs \
             `{KEY_VERSION}`, `{KEY_SIZES}` and `{KEY_ACTIVATIONS}` to rebuild the network \
             (see the docs of tapegrad::save)"
        )
    };
    let metadata = header.metadata().as_ref();
    let get = |key: &str| -> Result<&str, String> {
        metadata
            .and_then(|m| m.get(key))
            .map(String::as_str)
            .ok_or_else(|| match metadata {
                Some(_) => format!("the safetensors metadata has no `{key}`"),
                None => no_metadata(),
            })
    };
    let version = get(KEY_VERSION)?;
    let version: u32 = version
        .trim()
        .parse()
        .map_err(|_| format!("`{KEY_VERSION}` is `{version}`, not a version number"))?;
    check_version(version, VERSION)?;
    let sizes =
        parse_sizes(get(KEY_SIZES)?.split(',')).map_err(|e| format!("`{KEY_SIZES}`: {e}"))?;
    let activations = get(KEY_ACTIVATIONS)?
        .split(',')
        .map(str::parse::<Activation>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("`{KEY_ACTIVATIONS}`: {e}"))?;
    if activations.len() != sizes.len() - 1 {
        return Err(format!(
            "`{KEY_ACTIVATIONS}` names {} activations for the {} layers of `{KEY_SIZES}`",
            activations.len(),
            sizes.len() - 1
        ));
    }

    let indices = linear_indices(&activations);
    let mut expected = Vec::new();
    let mut layers = Vec::new();
    for (i, pair) in sizes.windows(2).enumerate() {
        let (nin, nout, k) = (pair[0], pair[1], indices[i]);
        let weight = read_tensor(&file, &format!("{k}.weight"), &[nout, nin], i)?;
        let bias = read_tensor(&file, &format!("{k}.bias"), &[nout], i)?;
        let neurons = weight
            .chunks_exact(nin)
            .zip(bias)
            .map(|(w, b)| Neuron::from_parts(w.to_vec(), b, activations[i]))
            .collect();
        layers.push(neurons);
        expected.extend([format!("{k}.weight"), format!("{k}.bias")]);
    }
    let mut unexpected: Vec<&str> = file
        .names()
        .into_iter()
        .filter(|name| !expected.iter().any(|e| e == name))
        .collect();
    if !unexpected.is_empty() {
        unexpected.sort_unstable();
        return Err(format!(
            "unexpected tensor(s) {}: `{KEY_SIZES}` calls for {} only",
            unexpected.join(", "),
            expected.join(", ")
        ));
    }
    let order = scan.map(|s| s.metadata_keys).unwrap_or_default();
    Ok((build(layers)?, yours(metadata.into_iter().flatten(), order)))
}

/// The entries of a file's metadata that are not tapegrad's, in `order`, the keys as the
/// header lists them (any the list lacks follow, sorted, though a header that parses lists
/// them all).
fn yours<'a>(
    entries: impl Iterator<Item = (&'a String, &'a String)>,
    order: Vec<String>,
) -> Metadata {
    let entries: HashMap<&str, &str> = entries
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .filter(|(k, _)| !k.starts_with(RESERVED))
        .collect();
    let mut rest: Vec<&str> = entries
        .keys()
        .copied()
        .filter(|k| !order.iter().any(|o| o == k))
        .collect();
    rest.sort_unstable();
    order
        .iter()
        .map(String::as_str)
        .chain(rest)
        .filter_map(|k| entries.get_key_value(k))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Tensor `name` of layer `layer` as `f64`s, checked for its shape, number type and values.
fn read_tensor(
    file: &SafeTensors<'_>,
    name: &str,
    shape: &[usize],
    layer: usize,
) -> Result<Vec<f64>, String> {
    let tensor = file
        .tensor(name)
        .map_err(|_| format!("tensor `{name}` (layer {layer}'s) is missing"))?;
    if tensor.shape() != shape {
        return Err(format!(
            "tensor `{name}` has shape {:?}, but `{KEY_SIZES}` makes layer {layer}'s {shape:?}",
            tensor.shape()
        ));
    }
    let numbers: Vec<f64> = match tensor.dtype() {
        StDtype::F64 => tensor
            .data()
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("chunks of 8")))
            .collect(),
        StDtype::F32 => tensor
            .data()
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_le_bytes(b.try_into().expect("chunks of 4"))))
            .collect(),
        other => {
            return Err(format!(
                "tensor `{name}` holds {other:?} numbers; tapegrad reads F64 and F32"
            ));
        }
    };
    for (at, &x) in numbers.iter().enumerate() {
        let index = match shape {
            [_, cols] => format!("[{}, {}]", at / cols, at % cols),
            _ => format!("[{at}]"),
        };
        finite(x, || format!("`{name}`{index}"))?;
    }
    Ok(numbers)
}

/// What [`scan_json`] finds in the JSON header of the safetensors file `bytes`, or `None` if
/// there is no header whose objects all close.
fn scan_header(bytes: &[u8]) -> Option<Scan> {
    let len = usize::try_from(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?)).ok()?;
    let json = std::str::from_utf8(bytes.get(8..8usize.checked_add(len)?)?).ok()?;
    scan_json(json)
}

/// What is wrong if a header, as `scan` found it, names something twice: a tensor,
/// `__metadata__`, a metadata key, or a field of one tensor (two dtypes).
fn repeated_entry(scan: &Scan) -> Option<String> {
    let (object, key) = scan.repeat.as_ref()?;
    Some(match object.as_deref() {
        None if key == "__metadata__" => {
            "the safetensors header has two `__metadata__` entries; the format allows one"
                .to_string()
        }
        None => format!(
            "tensor `{key}` is listed twice in the safetensors header; the format allows each \
             name once (which of the two would be the model's?)"
        ),
        Some("__metadata__") => {
            format!("the safetensors metadata lists `{key}` twice; the format allows each key once")
        }
        Some(tensor) => format!(
            "tensor `{tensor}` gives its `{key}` twice in the safetensors header; the format \
             allows each field once"
        ),
    })
}

/// What the safetensors crate's parser does not say of a header: a repeated key, and the
/// order of the metadata.
#[derive(Debug)]
struct Scan {
    /// The first key that an object repeats, with the key of the object that holds it
    /// (`None` for the outermost one): `(None, "0.weight")` for a tensor listed twice.
    repeat: Option<(Option<String>, String)>,
    /// The keys of the outermost object's `__metadata__`, in the order the header lists them.
    metadata_keys: Vec<String>,
}

/// The [`Scan`] of the JSON text `json`, its keys unescaped; `None` when `json` is not one
/// object whose strings, objects and arrays all close, with nothing but whitespace after it:
/// a header cut short or broken is the safetensors crate's to report.
fn scan_json(json: &str) -> Option<Scan> {
    // One entry per open object (its keys so far) or array (`None`), with the key it is the
    // value of.
    let mut open: Vec<(Option<HashSet<String>>, Option<String>)> = Vec::new();
    let mut last_key: Option<String> = None;
    let mut expect_key = false;
    let mut repeat = None;
    let mut metadata_keys = Vec::new();
    let mut chars = json.trim_start().chars();
    if chars.clone().next() != Some('{') {
        return None;
    }
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                open.push((Some(HashSet::new()), last_key.take()));
                expect_key = true;
            }
            '[' => {
                open.push((None, last_key.take()));
                expect_key = false;
            }
            '}' | ']' => {
                let (keys, _) = open.pop()?;
                if keys.is_some() != (c == '}') {
                    return None; // `{` closed by `]`, or `[` by `}`
                }
                if open.is_empty() {
                    break;
                }
            }
            ',' => expect_key = matches!(open.last(), Some((Some(_), _))),
            '"' => {
                let text = json_string(&mut chars)?;
                let depth = open.len();
                if let (true, Some((Some(keys), name))) = (expect_key, open.last_mut()) {
                    if !keys.insert(text.clone()) && repeat.is_none() {
                        repeat = Some((name.clone(), text.clone()));
                    }
                    if depth == 2 && name.as_deref() == Some("__metadata__") {
                        metadata_keys.push(text.clone());
                    }
                    last_key = Some(text);
                    expect_key = false;
                }
            }
            _ => {}
        }
    }
    let closed = open.is_empty() && chars.as_str().trim().is_empty();
    closed.then_some(Scan {
        repeat,
        metadata_keys,
    })
}

/// The rest of a JSON string whose opening quote has been read, unescaped, up to and
/// including its closing quote; `None` if the text ends first.
fn json_string(chars: &mut std::str::Chars<'_>) -> Option<String> {
    let mut out = String::new();
    let mut units = Vec::new(); // UTF-16 code units of a run of `\u` escapes
    while let Some(c) = chars.next() {
        if c == '\\' && chars.clone().next() == Some('u') {
            chars.next();
            let hex: String = chars.by_ref().take(4).collect();
            units.push(u16::from_str_radix(&hex, 16).unwrap_or(0xFFFD));
            continue;
        }
        out.extend(char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or('\u{FFFD}')));
        match c {
            '"' => return Some(out),
            '\\' => out.push(match chars.next()? {
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                other => other, // `\"`, `\\`, `\/`
            }),
            _ => out.push(c),
        }
    }
    None
}
