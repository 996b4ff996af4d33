//! safetensors: the layers as the tensors of a PyTorch `nn.Sequential` (the module docs give
//! the mapping), for PyTorch, candle and burn.

use ::safetensors::tensor::TensorView;
use ::safetensors::{Dtype as StDtype, SafeTensors};

use super::{
    Dtype, VERSION, build, check_version, finite, neuron_name, not_savable, parameter_name,
    parse_sizes,
};
use crate::error::Error;
use crate::nn::{Activation, Forward, Layer, Mlp, Neuron};

const KEY_VERSION: &str = "tapegrad.version";
const KEY_SIZES: &str = "tapegrad.sizes";
const KEY_ACTIVATIONS: &str = "tapegrad.activations";

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

pub(super) fn to_bytes(model: &Mlp, dtype: Dtype) -> Result<Vec<u8>, Error> {
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
    // In sorted key order, as `sort_metadata` leaves them.
    let metadata = [
        (KEY_ACTIVATIONS, names.join(",")),
        (KEY_SIZES, sizes.join(",")),
        (KEY_VERSION, VERSION.to_string()),
    ];
    let map = Some(
        metadata
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    );
    let mut bytes = views
        .and_then(|views| safetensors::serialize(views, map))
        .map_err(|e| {
            Error::InvalidArgument(format!("safetensors could not write the model: {e}"))
        })?;
    sort_metadata(&mut bytes, &metadata);
    Ok(bytes)
}

/// safetensors writes the metadata in its hash map's order, which changes from run to run;
/// rewriting the entries in sorted order, the same bytes rearranged, makes one model always
/// give one file.
fn sort_metadata(bytes: &mut [u8], sorted: &[(&str, String)]) {
    let entries: Vec<String> = sorted
        .iter()
        .map(|(k, v)| format!("\"{k}\":\"{v}\""))
        .collect();
    let canonical = format!("{{\"__metadata__\":{{{}}}", entries.join(","));
    // The header follows its 8-byte length and starts with the metadata; the keys and values
    // need no escaping, so any order of the entries takes exactly as many bytes.
    if let Some(header) = bytes.get_mut(8..8 + canonical.len()) {
        if header.starts_with(b"{\"__metadata__\":{") && header.ends_with(b"}") {
            header.copy_from_slice(canonical.as_bytes());
        }
    }
}

pub(super) fn parse(bytes: &[u8]) -> Result<Mlp, String> {
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
    check_version(version)?;
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
    build(layers)
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
