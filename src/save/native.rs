//! The native format, `.tapegrad`: text that keeps every neuron's activation and every
//! parameter to the bit (the module docs describe it line by line).

use super::{
    Metadata, build, check_entry, check_version, finite, neuron_name, parameter_name, parse_sizes,
};
use crate::nn::{Activation, Mlp, Neuron};

/// The first word of a native file.
pub(super) const MAGIC: &str = "tapegrad-mlp";

/// The version written without metadata: what every tapegrad reads.
const PLAIN: u32 = 1;

/// The version written with metadata (version 1 and `meta` lines), and the newest read.
const WITH_METADATA: u32 = 2;

/// 64-bit FNV-1a: small, dependency-free, and changed by any single changed byte.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The file of `model` and `metadata`, whose entries [`check_entry`] has passed.
pub(super) fn text(model: &Mlp, metadata: &Metadata) -> String {
    let sizes: Vec<String> = model.sizes().iter().map(usize::to_string).collect();
    let version = if metadata.is_empty() {
        PLAIN
    } else {
        WITH_METADATA
    };
    let mut text = format!("{MAGIC} {version}\nsizes {}\n", sizes.join(" "));
    for (key, value) in metadata {
        text += &format!("meta {key} {value}\n");
    }
    for (i, layer) in model.layers().iter().enumerate() {
        for (j, n) in layer.neurons().iter().enumerate() {
            let weights: Vec<String> = n.weights().iter().map(|w| format!("{w:?}")).collect();
            text += &format!(
                "{} {} w {} b {:?}\n",
                neuron_name(i, j),
                n.activation(),
                weights.join(" "),
                n.bias()
            );
        }
    }
    text += &format!("end {:016x}\n", fnv1a(text.as_bytes()));
    text
}

pub(super) fn parse(text: &str) -> Result<(Mlp, Metadata), String> {
    // The version first: a newer format may lay out everything after it differently.
    let Some((first, _)) = text.split_once('\n') else {
        return Err("truncated: the file ends inside its first line".to_string());
    };
    let version = first.strip_prefix(MAGIC).unwrap_or_default().trim();
    let version: u32 = version
        .parse()
        .ok()
        .filter(|&v| v >= PLAIN)
        .ok_or_else(|| {
            format!(
                "line 1: expected `{MAGIC} {PLAIN}` or `{MAGIC} {WITH_METADATA}`, found `{first}` \
             (a bad version)"
            )
        })?;
    check_version(version, WITH_METADATA)?;
    if let Some(at) = text.find("\r\n") {
        let line = text[..at].matches('\n').count() + 1;
        return Err(format!(
            "line {line} ends in \\r\\n (a Windows line end, as git's core.autocrlf or an \
             editor makes them); a tapegrad model's lines end in \\n alone: convert them back \
             (and mark `*.tapegrad -text` in .gitattributes)"
        ));
    }

    let (body, end) = match text.rfind("\nend ") {
        Some(at) => text.split_at(at + 1),
        None => {
            let lines = text.lines().count();
            return Err(format!(
                "truncated: no `end` line (the file stops in line {lines})"
            ));
        }
    };
    let Some(end) = end.strip_suffix('\n') else {
        return Err(format!(
            "truncated: the file ends inside its `end` line (`{end}`)"
        ));
    };
    let stored = end
        .strip_prefix("end ")
        .and_then(|h| u64::from_str_radix(h, 16).ok().filter(|_| h.len() == 16));
    let Some(stored) = stored else {
        return Err(format!(
            "corrupted: the last line should be `end` and 16 hexadecimal digits, found `{end}`"
        ));
    };
    let computed = fnv1a(body.as_bytes());
    if stored != computed {
        return Err(format!(
            "corrupted: the contents hash to {computed:016x}, not the {stored:016x} of the \
             `end` line (the file was changed after it was saved)"
        ));
    }

    let mut lines = body.lines().enumerate().skip(1).map(|(i, l)| (i + 1, l));
    let sizes_line = lines.next().map(|(_, l)| l).unwrap_or_default();
    let Some(sizes) = sizes_line.strip_prefix("sizes ") else {
        return Err(format!(
            "line 2: expected `sizes` and the widths, found `{sizes_line}`"
        ));
    };
    let sizes = parse_sizes(sizes.split(' ')).map_err(|e| format!("line 2: {e}"))?;
    let mut lines = lines.peekable();
    let mut metadata = Metadata::new();
    while let Some((number, entry)) = lines.next_if(|(_, l)| l.split(' ').next() == Some("meta")) {
        if version < WITH_METADATA {
            return Err(format!(
                "line {number}: `meta` lines come with version {WITH_METADATA} of the format, \
                 and this file says version {version}"
            ));
        }
        let (key, value) =
            parse_meta(entry, &metadata).map_err(|e| format!("line {number}: {e}"))?;
        metadata.insert(key.to_string(), value.to_string());
    }
    let mut layers = Vec::new();
    for (i, pair) in sizes.windows(2).enumerate() {
        let (nin, nout) = (pair[0], pair[1]);
        let mut neurons = Vec::new();
        for j in 0..nout {
            let name = neuron_name(i, j);
            let Some((number, line)) = lines.next() else {
                return Err(format!("{name} is missing: the sizes call for it"));
            };
            let neuron =
                parse_neuron(line, &name, nin).map_err(|e| format!("line {number}: {e}"))?;
            neurons.push(neuron);
        }
        layers.push(neurons);
    }
    if let Some((number, line)) = lines.next() {
        return Err(format!(
            "line {number}: `{line}` follows the last neuron the sizes call for"
        ));
    }
    Ok((build(layers)?, metadata))
}

/// `meta {key} {value}`: the key and the value, if they are an entry tapegrad could have
/// written after those in `before`.
fn parse_meta<'a>(line: &'a str, before: &Metadata) -> Result<(&'a str, &'a str), String> {
    let Some((key, value)) = line.strip_prefix("meta ").and_then(|e| e.split_once(' ')) else {
        return Err(format!(
            "expected `meta`, a key, a space and the value; found `{line}`"
        ));
    };
    check_entry(key, value)?;
    if before.contains_key(key) {
        return Err(format!(
            "metadata key {key:?} is given twice; a file gives each key once"
        ));
    }
    Ok((key, value))
}

/// `{name} {activation} w {w0} … b {bias}` with `nin` weights.
fn parse_neuron(line: &str, name: &str, nin: usize) -> Result<Neuron, String> {
    let words: Vec<&str> = line.split(' ').collect();
    if words.len() != nin.saturating_add(5)
        || words[0] != name
        || words[2] != "w"
        || words[nin + 3] != "b"
    {
        return Err(format!(
            "expected `{name} ACTIVATION w` and {nin} weights, then `b` and the bias; \
             found `{line}`"
        ));
    }
    let activation: Activation = words[1].parse().map_err(|e| format!("{name}: {e}"))?;
    let number = |k: usize| {
        let word = words[k + 3 + usize::from(k == nin)];
        let x: f64 = word
            .parse()
            .map_err(|_| format!("{} is `{word}`, not a number", parameter_name(name, k, nin)))?;
        finite(x, || parameter_name(name, k, nin))
    };
    let weights = (0..nin).map(number).collect::<Result<Vec<_>, _>>()?;
    Ok(Neuron::from_parts(weights, number(nin)?, activation))
}
