//! Saving a trained [`Mlp`], loading it back, and handing it to PyTorch, candle or burn.
//!
//! A model is saved in one of two [`Format`]s:
//!
//! - [`Native`](Format::Native) (`.tapegrad`): a short text file that keeps everything an
//!   [`Mlp`] is, each neuron's activation included, and loads back bit for bit.
//! - [`Safetensors`](Format::Safetensors): the file PyTorch, candle and burn load. The layers
//!   become the tensors of a PyTorch `nn.Sequential` of `nn.Linear` layers and activation
//!   modules, in `f64` or `f32` ([`Dtype`]), with the architecture in the header's metadata.
//!   An `f64` file loads back bit for bit too.
//!
//! [`save`] writes a file, [`load`] reads either format (it tells them apart by their first
//! bytes), and [`load_into`] replaces a model with a saved one of the same architecture;
//! [`to_bytes`] and [`from_bytes`] do the same in memory:
//!
//! ```
//! use rand::{SeedableRng, rngs::StdRng};
//! use tapegrad::nn::{Activation::Tanh, Init, Mlp, Module};
//! use tapegrad::save::{self, Dtype, Format};
//!
//! # fn main() -> Result<(), tapegrad::Error> {
//! let mut rng = StdRng::seed_from_u64(1);
//! let model = Mlp::new(2, &[4, 2, 1], Tanh, Tanh, Init::Playground, &mut rng)?;
//! for format in [Format::Native, Format::Safetensors(Dtype::F64)] {
//!     let loaded = save::from_bytes(&save::to_bytes(&model, format)?)?;
//!     assert_eq!(loaded.to_string(), model.to_string()); // the same layers and activations
//!     let bits = |m: &Mlp| m.parameters().iter().map(|p| p.to_bits()).collect::<Vec<_>>();
//!     assert_eq!(bits(&loaded), bits(&model)); // and every parameter, to the bit
//! }
//! # Ok(())
//! # }
//! ```
//!
//! A saved model can carry [`Metadata`] of your own, text keys and values such as what its
//! inputs mean, which [`save_with_metadata`] and [`load_with_metadata`] (and
//! [`to_bytes_with_metadata`] and [`from_bytes_with_metadata`]) write and read back exactly, in
//! order, in both formats. Keys starting with `tapegrad.` are tapegrad's own.
//!
//! Loading returns an [`Error`], never a panic and never half a model: [`Error::Io`] naming
//! the path when the file cannot be read, [`Error::ModelFile`] saying what is wrong with its
//! contents (neither format, truncated, corrupted, a newer format version, a NaN or infinite
//! parameter, a missing tensor or a wrong shape), and [`Error::ArchitectureMismatch`] when
//! [`load_into`] is given a file for another network. Saving refuses what could not be loaded
//! back: a non-finite parameter, metadata that breaks the rules of [`Metadata`], or for
//! safetensors a layer whose neurons mix activations (an `nn.Sequential` applies one
//! activation to a whole layer) or a number beyond `f32`'s range. [`save`] writes to a
//! temporary file beside the target and renames it, so an interrupted save leaves the old
//! file whole.
//!
//! # The native format, version 1
//!
//! UTF-8 text, one item per line. The Playground's 2 → 4 → 2 → 1 tanh network, as
//! `Mlp::new(2, &[4, 2, 1], Tanh, Tanh, Init::Playground, &mut StdRng::seed_from_u64(1))`
//! draws it:
//!
//! ```text
//! tapegrad-mlp 1
//! sizes 2 4 2 1
//! layer0.neuron0 tanh w 0.47424473725840266 0.1912356107023263 b 0.1
//! layer0.neuron1 tanh w -0.07202521846712973 -0.3244139498061567 b 0.1
//! layer0.neuron2 tanh w -0.2454482385026131 0.46260277962263197 b 0.1
//! layer0.neuron3 tanh w -0.11139216069316848 0.20850833668313395 b 0.1
//! layer1.neuron0 tanh w 0.020343727458295602 -0.11450042385704684 -0.29805826825551485 -0.4377512099660281 b 0.1
//! layer1.neuron1 tanh w 0.43561371248440817 -0.06725186044241283 -0.3057123336141201 -0.3578969115941948 b 0.1
//! layer2.neuron0 tanh w 0.3922893989853067 -0.10948192526181111 b 0.1
//! end d93592ea181cc4b6
//! ```
//!
//! The first line names the format and its version. `sizes` gives the number of inputs and
//! each layer's width. Then one line per neuron, in parameter order, named as
//! [`named_parameters`](crate::nn::Module::named_parameters) names them: its activation, `w`
//! and its weights `w0..w(n-1)`, `b` and its bias. Numbers are written as Rust's `{:?}` writes an `f64`, the shortest
//! decimal that parses back to the same bits. The last line holds the 64-bit FNV-1a hash, in
//! hexadecimal, of every byte before it: a file cut short has no `end` line, and a changed
//! byte changes the hash. (To change a weight, load the model, change it with
//! [`Module::set_parameters`] and save it again.)
//!
//! # The native format, version 2
//!
//! Version 1 with [`Metadata`]: a model saved with metadata is written as version 2, one
//! without as version 1, byte for byte as above, so that older tapegrads still load it. After
//! the `sizes` line comes one line per entry, in order: `meta`, the key, one space, and the
//! value, which runs to the end of the line (it may hold spaces, or be empty). The `end` hash
//! covers them as it covers everything else. The same network with two entries:
//!
//! ```text
//! tapegrad-mlp 2
//! sizes 2 4 2 1
//! meta inputs x,y
//! meta note trained on the circle, 300 epochs
//! layer0.neuron0 tanh w 0.47424473725840266 0.1912356107023263 b 0.1
//! layer0.neuron1 tanh w -0.07202521846712973 -0.3244139498061567 b 0.1
//! layer0.neuron2 tanh w -0.2454482385026131 0.46260277962263197 b 0.1
//! layer0.neuron3 tanh w -0.11139216069316848 0.20850833668313395 b 0.1
//! layer1.neuron0 tanh w 0.020343727458295602 -0.11450042385704684 -0.29805826825551485 -0.4377512099660281 b 0.1
//! layer1.neuron1 tanh w 0.43561371248440817 -0.06725186044241283 -0.3057123336141201 -0.3578969115941948 b 0.1
//! layer2.neuron0 tanh w 0.3922893989853067 -0.10948192526181111 b 0.1
//! end 38ce79f3d07e8b45
//! ```
//!
//! # safetensors: the PyTorch mapping
//!
//! Layer `i` of the [`Mlp`] becomes an `nn.Linear` at index `k` of an `nn.Sequential`,
//! followed by its activation module at `k + 1`; a linear layer has no activation module.
//! Only the `nn.Linear` modules hold tensors:
//!
//! | tapegrad | PyTorch `nn.Sequential` entries | tensors |
//! |---|---|---|
//! | `Layer` of `nout` neurons with `nin` inputs, [`Activation::Tanh`] | `nn.Linear(nin, nout)`, `nn.Tanh()` | `{k}.weight` `[nout, nin]`, `{k}.bias` `[nout]` |
//! | the same, [`Activation::Relu`] | `nn.Linear(nin, nout)`, `nn.ReLU()` | as above |
//! | the same, [`Activation::Sigmoid`] | `nn.Linear(nin, nout)`, `nn.Sigmoid()` | as above |
//! | the same, [`Activation::Linear`] | `nn.Linear(nin, nout)` alone | as above |
//! | neuron `j`'s weights `w0..w(nin-1)` | | row `j` of `{k}.weight` |
//! | neuron `j`'s bias `b` | | `{k}.bias[j]` |
//!
//! So the Playground's 2 → 4 → 2 → 1 tanh network is
//! `nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.Tanh(), nn.Linear(2, 1),
//! nn.Tanh())` ([`pytorch_sequential`] writes it), holding `0.weight`, `0.bias`, `2.weight`,
//! `2.bias`, `4.weight` and `4.bias`, exactly the names its `state_dict()` has. The header's
//! metadata (`__metadata__`, string to string) says what the tensors cannot:
//!
//! | key | value for that network |
//! |---|---|
//! | `tapegrad.version` | `1` |
//! | `tapegrad.sizes` | `2,4,2,1` (inputs, then each layer's width) |
//! | `tapegrad.activations` | `tanh,tanh,tanh` (one per layer) |
//!
//! Your own [`Metadata`] follows them in the same `__metadata__`, in its order; the
//! `tapegrad.version` stays `1`, since tapegrad has always read such files (it ignores keys it
//! does not need). Loading gives back, in the header's order, every key that does not start
//! with `tapegrad.`: a file written by Python with `metadata={..., "inputs": "x,y"}` loads with
//! `inputs`, and one from PyTorch's `save_file` with its `format`. Such a file may hold a key
//! or value that [`save_with_metadata`] would refuse (a key with a space, say); it is given
//! back as it is, and refused by name only if you save it again.
//!
//! Loading a safetensors file needs those three keys and every tensor the sizes call for, in
//! `F64` or `F32` (an `f32` number becomes the `f64` of the same value), and no other tensor.
//! The format has no checksum: a cut or a damaged header is caught, but a changed byte among
//! the numbers loads as a changed number, unless it makes a NaN or an infinity.
//! A file written elsewhere loads if it follows this table, for instance from Python with
//! `safetensors.numpy.save_file(tensors, path, metadata={"tapegrad.version": "1",
//! "tapegrad.sizes": "2,4,2,1", "tapegrad.activations": "tanh,tanh,tanh"})`. The guide's
//! chapter [taking your network further](crate::tutorial::taking_your_network_further)
//! loads a file in PyTorch and brings it back.

mod native;
mod safetensors;

use std::path::Path;

use indexmap::IndexMap;

use crate::error::Error;
use crate::nn::{self, Activation, CustomActivation, Forward, Layer, Mlp, Module, Neuron};
use native::MAGIC;

pub use safetensors::pytorch_sequential;

/// Text of your own saved with a model, key → value, in the order you insert it: what the
/// inputs mean, the data it was trained on, a note. An [`IndexMap`] (re-exported as
/// [`tapegrad::indexmap`](crate::indexmap)), so the entries come back in the order they were
/// saved, as [`named_parameters`](crate::nn::Module::named_parameters) keeps its names.
///
/// [`save_with_metadata`] refuses, naming the key, metadata that a file could not give back
/// exactly:
///
/// - a key must be non-empty, with no whitespace and no control characters;
/// - a key must not start with `tapegrad.`: those are tapegrad's own (a safetensors file keeps
///   the architecture under them), and loading never returns them;
/// - a value may be any text, empty too, but no control characters (no newlines or tabs).
///
/// ```
/// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
/// use tapegrad::save::{self, Format, Metadata};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let neuron = Neuron::from_parts(vec![0.5, -2.0], 0.25, Activation::Tanh);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])?;
/// let mut metadata = Metadata::new();
/// metadata.insert("inputs".to_string(), "x,y".to_string());
/// metadata.insert("trained on".to_string(), "the circle".to_string()); // a space in a key
/// let err = save::to_bytes_with_metadata(&model, Format::Native, &metadata).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid argument: cannot save metadata key \"trained on\": a key must be non-empty, \
///      with no whitespace or control characters"
/// );
/// # Ok(())
/// # }
/// ```
pub type Metadata = IndexMap<String, String>;

/// The start of the metadata keys tapegrad keeps for itself.
const RESERVED: &str = "tapegrad.";

/// The number type of a safetensors file's tensors. `Display` gives `f64` and `f32`.
///
/// ```
/// use tapegrad::save::Dtype;
///
/// assert_eq!(Dtype::F64.to_string(), "f64");
/// assert_eq!(Dtype::F32.to_string(), "f32");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dtype {
    /// `f64` (PyTorch's `torch.float64`): the model's numbers exactly.
    F64,
    /// `f32` (PyTorch's default `torch.float32`): half the size, each number rounded to the
    /// nearest `f32` (about 7 significant digits).
    F32,
}

/// `f64` or `f32`.
impl std::fmt::Display for Dtype {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Dtype::F64 => "f64",
            Dtype::F32 => "f32",
        })
    }
}

/// How [`save`] and [`to_bytes`] write a model (the module docs describe both formats).
///
/// ```
/// use tapegrad::save::{Dtype, Format};
///
/// assert_eq!(Format::from_path("circle.safetensors"), Format::Safetensors(Dtype::F64));
/// assert_eq!(Format::from_path("circle.tapegrad"), Format::Native);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// tapegrad's own text format: every parameter to the bit, any mix of activations.
    Native,
    /// A safetensors file laid out as a PyTorch `nn.Sequential`, in the given number type.
    Safetensors(Dtype),
}

impl Format {
    /// The format a file name asks for: `Safetensors(F64)` for a `.safetensors` extension
    /// (in any case), `Native` for anything else.
    ///
    /// ```
    /// use tapegrad::save::Format;
    ///
    /// assert_eq!(Format::from_path("target/model.txt"), Format::Native);
    /// ```
    #[must_use]
    pub fn from_path(path: impl AsRef<Path>) -> Format {
        let ext = path.as_ref().extension().and_then(|e| e.to_str());
        match ext {
            Some(e) if e.eq_ignore_ascii_case("safetensors") => Format::Safetensors(Dtype::F64),
            _ => Format::Native,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/// Writes `model` to the file at `path` in `format`, replacing any file there.
///
/// The bytes go to a temporary file in the same directory, which is then renamed over `path`:
/// an interrupted save leaves the old file whole, and never half a new one.
///
/// # Errors
/// Those of [`to_bytes`] (nothing is written then); [`Error::InvalidArgument`] if `path` has
/// no file name (`/`, `..`); [`Error::Io`] naming the path if the file cannot be written.
///
/// ```
/// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
/// use tapegrad::save::{self, Format};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let neuron = Neuron::from_parts(vec![0.5, -2.0], 0.25, Activation::Sigmoid);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])?;
/// let path = std::env::temp_dir().join("tapegrad-doc-save.tapegrad");
/// save::save(&model, &path, Format::Native)?;
/// assert!(std::fs::read_to_string(&path)?.starts_with("tapegrad-mlp 1\nsizes 2 1\n"));
/// assert_eq!(save::load(&path)?, model);
/// # std::fs::remove_file(&path)?;
/// # Ok(())
/// # }
/// ```
pub fn save(model: &Mlp, path: impl AsRef<Path>, format: Format) -> Result<(), Error> {
    save_with_metadata(model, path, format, &Metadata::new())
}

/// Writes `model` and `metadata` to the file at `path` in `format`, replacing any file there,
/// as [`save`] does; [`load_with_metadata`] gives both back. With no metadata, the file is the
/// one [`save`] writes.
///
/// # Errors
/// Those of [`to_bytes_with_metadata`] (nothing is written then) and of [`save`].
///
/// ```
/// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
/// use tapegrad::save::{self, Dtype, Format, Metadata};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let neuron = Neuron::from_parts(vec![0.5, -2.0], 0.25, Activation::Sigmoid);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])?;
/// let metadata = Metadata::from([
///     ("inputs".to_string(), "x,y".to_string()),
///     ("note".to_string(), "trained on the circle".to_string()),
/// ]);
/// let path = std::env::temp_dir().join("tapegrad-doc-save-with-metadata.safetensors");
/// save::save_with_metadata(&model, &path, Format::Safetensors(Dtype::F64), &metadata)?;
/// let (loaded, read) = save::load_with_metadata(&path)?;
/// assert_eq!(loaded, model);
/// assert_eq!(read, metadata);
/// # std::fs::remove_file(&path)?;
/// # Ok(())
/// # }
/// ```
pub fn save_with_metadata(
    model: &Mlp,
    path: impl AsRef<Path>,
    format: Format,
    metadata: &Metadata,
) -> Result<(), Error> {
    let path = path.as_ref();
    let bytes = to_bytes_with_metadata(model, format, metadata)?;
    let name = path.file_name().ok_or_else(|| {
        Error::InvalidArgument(format!("cannot save to {}: no file name", path.display()))
    })?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = std::fs::write(&temp, &bytes).and_then(|()| std::fs::rename(&temp, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp); // may not exist; the error to report is `e`
        Error::Io(format!("cannot write {}: {e}", path.display()))
    })
}

/// Reads the model saved in the file at `path`, in either format.
///
/// # Errors
/// [`Error::Io`] naming the path if the file cannot be read (it does not exist, say);
/// [`Error::ModelFile`], starting with the path, for what [`from_bytes`] refuses.
///
/// ```
/// use tapegrad::save;
///
/// let err = save::load("no/such/model.tapegrad").unwrap_err();
/// assert!(err.to_string().starts_with("I/O error: cannot read no/such/model.tapegrad: "));
/// ```
pub fn load(path: impl AsRef<Path>) -> Result<Mlp, Error> {
    load_with_metadata(path).map(|(model, _)| model)
}

/// Reads the model saved in the file at `path`, in either format, with its [`Metadata`]:
/// what [`save_with_metadata`] wrote, in order (empty for a file saved without), or for a
/// safetensors file from elsewhere the keys of its `__metadata__` that are not tapegrad's.
///
/// # Errors
/// Those of [`load`].
///
/// ```
/// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
/// use tapegrad::save::{self, Format, Metadata};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let neuron = Neuron::from_parts(vec![3.0], 0.0, Activation::Linear);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])?;
/// let path = std::env::temp_dir().join("tapegrad-doc-load-with-metadata.tapegrad");
/// save::save(&model, &path, Format::Native)?; // no metadata
/// let (loaded, metadata) = save::load_with_metadata(&path)?;
/// assert_eq!(loaded, model);
/// assert!(metadata.is_empty());
/// # std::fs::remove_file(&path)?;
/// # Ok(())
/// # }
/// ```
pub fn load_with_metadata(path: impl AsRef<Path>) -> Result<(Mlp, Metadata), Error> {
    let path = path.as_ref();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))?;
    from_bytes_with_metadata(&bytes).map_err(|e| match e {
        Error::ModelFile(msg) => Error::ModelFile(format!("{}: {msg}", path.display())),
        other => other,
    })
}

/// Replaces `model` with the one saved at `path`, which must have the same architecture: the
/// same sizes and the same activation in every neuron. On any error `model` is unchanged.
///
/// # Errors
/// Those of [`load`]; [`Error::ArchitectureMismatch`] describing both networks if the saved
/// one has another architecture.
///
/// ```
/// use tapegrad::nn::{Activation, Forward, Layer, Mlp, Neuron};
/// use tapegrad::save::{self, Format};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let one = |w: f64, act| -> Result<Mlp, tapegrad::Error> {
///     let neuron = Neuron::from_parts(vec![w], 0.0, act);
///     Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])
/// };
/// let path = std::env::temp_dir().join("tapegrad-doc-load-into.tapegrad");
/// save::save(&one(3.0, Activation::Linear)?, &path, Format::Native)?;
///
/// let mut model = one(1.0, Activation::Linear)?;
/// save::load_into(&mut model, &path)?;
/// assert_eq!(model.predict(&[2.0])?, vec![6.0]);
///
/// let mut relu = one(1.0, Activation::Relu)?;
/// let err = save::load_into(&mut relu, &path).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "architecture mismatch: the model is 1 → 1 relu, the saved one is 1 → 1 linear"
/// );
/// assert_eq!(relu, one(1.0, Activation::Relu)?); // unchanged
/// # std::fs::remove_file(&path)?;
/// # Ok(())
/// # }
/// ```
pub fn load_into(model: &mut Mlp, path: impl AsRef<Path>) -> Result<(), Error> {
    let loaded = load(path)?;
    let (mine, saved) = (architecture(model), architecture(&loaded));
    if mine != saved {
        return Err(Error::ArchitectureMismatch { model: mine, saved });
    }
    // Same architecture, so the same names: a strict load that cannot fail on them.
    model.load_named_parameters(&loaded.named_parameters())
}

// ---------------------------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------------------------

/// The bytes of `model` saved in `format`: what [`save`] writes.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the parameter if one is NaN or infinite (it could not be
/// loaded back), or the neuron if its activation is a
/// [custom](crate::nn::CustomActivation) one (a function cannot be saved); for
/// [`Format::Safetensors`], naming the layer if its neurons mix activations,
/// or the parameter if it is beyond `f32`'s range with [`Dtype::F32`].
///
/// ```
/// use tapegrad::nn::{Activation, Layer, Mlp, Module, Neuron};
/// use tapegrad::save::{self, Dtype, Format};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let neuron = Neuron::from_parts(vec![1.5, -2.0], 0.5, Activation::Tanh);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])?;
/// let text = save::to_bytes(&model, Format::Native)?;
/// let text = String::from_utf8(text).expect("the native format is text");
/// assert!(text.contains("\nlayer0.neuron0 tanh w 1.5 -2.0 b 0.5\nend "));
///
/// // 8 bytes of header length, the JSON header, then 3 numbers of 4 bytes.
/// let f32_file = save::to_bytes(&model, Format::Safetensors(Dtype::F32))?;
/// let header = u64::from_le_bytes(f32_file[..8].try_into().unwrap()) as usize;
/// assert_eq!(f32_file.len(), 8 + header + 3 * 4);
///
/// // A parameter made NaN by hand (an optimizer of one's own, say) is refused by name.
/// let mut bad = model.clone();
/// bad.visit_parameters_mut(&mut |p| *p = f64::NAN);
/// assert_eq!(
///     save::to_bytes(&bad, Format::Native).unwrap_err().to_string(),
///     "invalid argument: cannot save layer0.neuron0.w0 = NaN: \
///      a saved model holds finite numbers only"
/// );
/// # Ok(())
/// # }
/// ```
pub fn to_bytes(model: &Mlp, format: Format) -> Result<Vec<u8>, Error> {
    to_bytes_with_metadata(model, format, &Metadata::new())
}

/// The bytes of `model` and `metadata` saved in `format`: what [`save_with_metadata`] writes.
/// With no metadata they are those of [`to_bytes`]; with some, a native file is version 2
/// (the module docs show one).
///
/// # Errors
/// Those of [`to_bytes`]; [`Error::InvalidArgument`] naming the key if `metadata` breaks a
/// rule of [`Metadata`]: an empty key, one with whitespace or a control character, one
/// starting with `tapegrad.`, or a value with a control character.
///
/// ```
/// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
/// use tapegrad::save::{self, Format, Metadata};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let neuron = Neuron::from_parts(vec![1.5, -2.0], 0.5, Activation::Tanh);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])?;
/// let metadata = Metadata::from([("inputs".to_string(), "x, y".to_string())]);
/// let text = save::to_bytes_with_metadata(&model, Format::Native, &metadata)?;
/// let text = String::from_utf8(text).expect("the native format is text");
/// assert!(text.starts_with("tapegrad-mlp 2\nsizes 2 1\nmeta inputs x, y\nlayer0.neuron0 "));
///
/// let newline = Metadata::from([("note".to_string(), "two\nlines".to_string())]);
/// assert_eq!(
///     save::to_bytes_with_metadata(&model, Format::Native, &newline).unwrap_err().to_string(),
///     "invalid argument: cannot save metadata \"note\" = \"two\\nlines\": a value may not \
///      hold control characters (a newline, a tab)"
/// );
/// # Ok(())
/// # }
/// ```
pub fn to_bytes_with_metadata(
    model: &Mlp,
    format: Format,
    metadata: &Metadata,
) -> Result<Vec<u8>, Error> {
    check_finite(model)?;
    for (key, value) in metadata {
        check_entry(key, value).map_err(|e| Error::InvalidArgument(format!("cannot save {e}")))?;
    }
    match format {
        Format::Native => Ok(native::text(model, metadata).into_bytes()),
        Format::Safetensors(dtype) => safetensors::to_bytes(model, dtype, metadata),
    }
}

/// The model saved in `bytes`, in either format: native if they start with `tapegrad-mlp`,
/// safetensors if they start with a safetensors header (8 bytes of length, then `{`).
///
/// # Errors
/// [`Error::ModelFile`] saying what is wrong: neither format, a truncated or corrupted file
/// (a native one whose line ends became `\r\n` is named as such),
/// a format version newer than this code reads, a NaN or infinite parameter, an invalid
/// architecture, a `meta` line that breaks a rule of [`Metadata`] or repeats a key (no
/// tapegrad writes one; it is named with its line); for safetensors also a name given twice
/// in the header (a tensor, a metadata key, a field of a tensor), missing metadata, a
/// missing, unexpected or misshapen tensor, or a number type other than `F64` and `F32`.
///
/// ```
/// use tapegrad::save;
///
/// let err = save::from_bytes(b"tapegrad-mlp 3\nsizes 2 1\n").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "cannot load model: format version 3 is newer than the version 2 this tapegrad \
///      reads; update tapegrad to load it"
/// );
/// let err = save::from_bytes(b"PK\x03\x04").unwrap_err();
/// assert!(err.to_string().contains("neither a tapegrad model nor a safetensors file"));
/// ```
pub fn from_bytes(bytes: &[u8]) -> Result<Mlp, Error> {
    from_bytes_with_metadata(bytes).map(|(model, _)| model)
}

/// The model saved in `bytes`, in either format, with its [`Metadata`], as
/// [`load_with_metadata`] reads a file.
///
/// # Errors
/// Those of [`from_bytes`].
///
/// ```
/// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
/// use tapegrad::save::{self, Format, Metadata};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let neuron = Neuron::from_parts(vec![3.0], 0.0, Activation::Linear);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])?;
/// let metadata = Metadata::from([
///     ("units".to_string(), "metres".to_string()),
///     ("author".to_string(), "Ada".to_string()),
/// ]);
/// let bytes = save::to_bytes_with_metadata(&model, Format::Native, &metadata)?;
/// let (loaded, read) = save::from_bytes_with_metadata(&bytes)?;
/// assert_eq!(loaded, model);
/// // The same entries in the same order: `units` first.
/// assert_eq!(read.keys().collect::<Vec<_>>(), ["units", "author"]);
/// assert_eq!(read, metadata);
/// # Ok(())
/// # }
/// ```
pub fn from_bytes_with_metadata(bytes: &[u8]) -> Result<(Mlp, Metadata), Error> {
    let result = if bytes.starts_with(MAGIC.as_bytes()) {
        std::str::from_utf8(bytes)
            .map_err(|e| format!("corrupted: not UTF-8 text ({e})"))
            .and_then(native::parse)
    } else if bytes.get(8) == Some(&b'{') {
        safetensors::parse(bytes)
    } else if bytes.is_empty() {
        Err("the file is empty".to_string())
    } else if MAGIC.as_bytes().starts_with(bytes) {
        Err("truncated: the file ends inside its first word".to_string())
    } else {
        Err(format!(
            "neither a tapegrad model nor a safetensors file (a tapegrad model starts with \
             `{MAGIC}`, a safetensors file with 8 bytes of header length and `{{`)"
        ))
    };
    result.map_err(Error::ModelFile)
}

// ---------------------------------------------------------------------------------------------
// Shared by both formats
// ---------------------------------------------------------------------------------------------

/// `2 → 4 tanh → 1 linear`; a layer whose neurons differ lists them: `2 (tanh, relu)`.
fn architecture(model: &Mlp) -> String {
    let mut out = model.nin().to_string();
    for layer in model.layers() {
        // Your own activation never matches a saved one, even of the same name: a file holds
        // only the built-in ones.
        let acts: Vec<String> = layer
            .neurons()
            .iter()
            .map(|n| match n.activation() {
                Activation::Custom(c) => format!("your own `{}`", c.name()),
                builtin => builtin.name().to_string(),
            })
            .collect();
        out += &if acts.iter().all(|a| *a == acts[0]) {
            format!(" → {} {}", layer.nout(), acts[0])
        } else {
            format!(" → {} ({})", layer.nout(), acts.join(", "))
        };
    }
    out
}

/// The error for `what`, a neuron or layer whose activation is `custom`.
fn not_savable(what: &str, custom: CustomActivation) -> Error {
    Error::InvalidArgument(format!(
        "cannot save {what}: its activation `{}` is your own function, which a file cannot \
         hold; only tanh, relu, sigmoid and linear are saved",
        custom.name()
    ))
}

fn check_finite(model: &Mlp) -> Result<(), Error> {
    for (i, layer) in model.layers().iter().enumerate() {
        for (j, n) in layer.neurons().iter().enumerate() {
            if let Activation::Custom(custom) = n.activation() {
                return Err(not_savable(&neuron_name(i, j), custom));
            }
            let mut params = n.weights().iter().copied().chain([n.bias()]).enumerate();
            if let Some((k, p)) = params.find(|(_, p)| !p.is_finite()) {
                return Err(Error::InvalidArgument(format!(
                    "cannot save {} = {p}: a saved model holds finite numbers only",
                    parameter_name(&neuron_name(i, j), k, n.nin())
                )));
            }
        }
    }
    Ok(())
}

/// `layer{i}.neuron{j}`: neuron `j` of layer `i` as
/// [`Module::named_parameters`](crate::nn::Module::named_parameters) names its parameters,
/// without the dot before them.
fn neuron_name(i: usize, j: usize) -> String {
    let mut name = nn::neuron_prefix(&nn::layer_prefix(i), j);
    name.pop();
    name
}

/// `{neuron}.w{k}`, or `{neuron}.b` for `k == nin`: parameter `k` of the neuron named `neuron`,
/// as [`Module::named_parameters`](crate::nn::Module::named_parameters) names it.
fn parameter_name(neuron: &str, k: usize, nin: usize) -> String {
    nn::neuron_parameter_name(&format!("{neuron}."), k, nin)
}

/// `x` if it is finite, else a message naming it.
fn finite(x: f64, name: impl FnOnce() -> String) -> Result<f64, String> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!(
            "{} is {x}: a model holds finite numbers only",
            name()
        ))
    }
}

/// The message for a version newer than `newest`, the newest this code reads, or none.
fn check_version(version: u32, newest: u32) -> Result<(), String> {
    if version > newest {
        return Err(format!(
            "format version {version} is newer than the version {newest} this tapegrad \
             reads; update tapegrad to load it"
        ));
    }
    Ok(())
}

/// The message for a metadata entry that breaks a rule of [`Metadata`], or none.
fn check_entry(key: &str, value: &str) -> Result<(), String> {
    if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "metadata key {key:?}: a key must be non-empty, with no whitespace or \
             control characters"
        ));
    }
    if key.starts_with(RESERVED) {
        return Err(format!(
            "metadata key {key:?}: keys starting with `{RESERVED}` are tapegrad's \
             own; choose another"
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "metadata {key:?} = {value:?}: a value may not hold control \
             characters (a newline, a tab)"
        ));
    }
    Ok(())
}

/// An [`Mlp`] from its layers' neurons, with the reason as a message if they do not make one.
fn build(layers: Vec<Vec<Neuron>>) -> Result<Mlp, String> {
    let layers = layers
        .into_iter()
        .map(Layer::from_neurons)
        .collect::<Result<Vec<_>, _>>();
    layers
        .and_then(Mlp::from_layers)
        .map_err(|e| format!("invalid architecture: {e}"))
}

/// The widths `inputs, layer 0, …` from their words, each a whole number at least 1.
fn parse_sizes<'a>(words: impl Iterator<Item = &'a str>) -> Result<Vec<usize>, String> {
    let sizes: Vec<usize> = words
        .map(|w| {
            w.trim()
                .parse()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| format!("size `{w}` is not a whole number >= 1"))
        })
        .collect::<Result<_, _>>()?;
    if sizes.len() < 2 {
        return Err(format!(
            "sizes must give the inputs and at least one layer's width; got {sizes:?}"
        ));
    }
    Ok(sizes)
}
