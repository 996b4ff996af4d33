//! The metadata a saved model carries (`tapegrad::save::Metadata`): kept exactly and in
//! order in every format, the native format's version 2 as the docs show it, the files
//! without metadata unchanged, what a file could not give back refused by name, a hand-edited
//! `meta` line caught, and safetensors metadata written elsewhere (Python, PyTorch) read.

#[path = "common/numeric.rs"]
mod numeric;
#[path = "common/saved.rs"]
mod saved;

use numeric::bits;
use saved::*;
use tapegrad::Error;
use tapegrad::nn::{Forward, Module};
use tapegrad::save::{self, Dtype, Format, Metadata};

/// The same network with two entries of metadata, version 2, as the module docs show it:
/// version 1 with `meta` lines after `sizes`, and the hash of the whole.
fn circle_v2() -> String {
    let head = "tapegrad-mlp 2\nsizes 2 4 2 1\nmeta inputs x,y\n\
                meta note trained on the circle, 300 epochs\n";
    let v2 = CIRCLE_V1.replacen("tapegrad-mlp 1\nsizes 2 4 2 1\n", head, 1);
    v2.replacen("end d93592ea181cc4b6", "end 38ce79f3d07e8b45", 1)
}

/// The metadata of [`circle_v2`].
fn circle_metadata() -> Metadata {
    metadata(&[
        ("inputs", "x,y"),
        ("note", "trained on the circle, 300 epochs"),
    ])
}

fn metadata(entries: &[(&str, &str)]) -> Metadata {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The entries in their order: `Metadata`'s `==` ignores the order, this does not.
fn entries(metadata: &Metadata) -> Vec<(&str, &str)> {
    metadata
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[test]
fn the_version_2_file_is_the_one_the_module_docs_show() {
    let v2 = save::to_bytes_with_metadata(&circle_network(1), Format::Native, &circle_metadata());
    assert_written_as_documented(&String::from_utf8(v2.unwrap()).unwrap(), &circle_v2());
}

/// Entries that test the formats' edges: keys out of sorted order, values empty, with spaces
/// at either end, quotes and backslashes (which JSON escapes), `meta` and `end` (which start
/// native lines), and text beyond ASCII.
fn awkward_metadata() -> Metadata {
    metadata(&[
        ("zeta", "last in sorted order, first here"),
        ("circle.features", "x,y,x2"),
        ("empty", ""),
        ("spaces", "  at both ends  "),
        ("quotes", r#"say "hi" \ back\slash \" \u0041 {"a":1}"#),
        ("native", "meta end 0123456789abcdef"),
        ("größe", "ünïcödé ∑ 中文 🦀"),
        ("tapegrad", "a key that is not under `tapegrad.`"),
        ("a=b:c", "="),
    ])
}

#[test]
fn metadata_round_trips_exactly_and_in_order_in_every_format() {
    let model = circle_network(3);
    let awkward = awkward_metadata();
    for format in FORMATS {
        let bytes = save::to_bytes_with_metadata(&model, format, &awkward).unwrap();
        let (loaded, read) = save::from_bytes_with_metadata(&bytes).unwrap();
        assert_eq!(entries(&read), entries(&awkward), "{format:?}");
        // The model is the one saved without metadata; the loader that ignores it agrees.
        let plain = save::from_bytes(&save::to_bytes(&model, format).unwrap()).unwrap();
        assert_eq!(loaded, plain, "{format:?}");
        assert_eq!(save::from_bytes(&bytes).unwrap(), plain, "{format:?}");
        // One model and its metadata, one file, however often it is saved.
        for _ in 0..10 {
            let again = save::to_bytes_with_metadata(&model, format, &awkward).unwrap();
            assert_eq!(again, bytes, "{format:?}");
        }
    }
    // Through files, and the order reversed comes back reversed.
    let reversed: Metadata = awkward.into_iter().rev().collect();
    for (name, format) in [
        ("meta.tapegrad", Format::Native),
        ("meta.safetensors", Format::Safetensors(Dtype::F64)),
    ] {
        let path = temp_path(name);
        save::save_with_metadata(&model, &path, format, &reversed).unwrap();
        let (loaded, read) = save::load_with_metadata(&path).unwrap();
        assert_eq!(bits(&loaded.parameters()), bits(&model.parameters()));
        assert_eq!(entries(&read), entries(&reversed), "{name}");
        assert_eq!(entries(&read)[0], ("a=b:c", "="));
    }
}

#[test]
fn without_metadata_the_files_are_those_saved_before_metadata() {
    let model = circle_network(1);
    for format in FORMATS {
        assert_eq!(
            save::to_bytes_with_metadata(&model, format, &Metadata::new()).unwrap(),
            save::to_bytes(&model, format).unwrap(),
            "{format:?}"
        );
    }
    assert_eq!(native(&model), CIRCLE_V1); // version 1, which every tapegrad reads
    let header = |bytes: &[u8]| {
        let len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        String::from_utf8(bytes[8..8 + len].to_vec()).unwrap()
    };
    let plain = save::to_bytes(&model, Format::Safetensors(Dtype::F64)).unwrap();
    assert!(
        header(&plain).starts_with(
            r#"{"__metadata__":{"tapegrad.activations":"tanh,tanh,tanh","tapegrad.sizes":"2,4,2,1","tapegrad.version":"1"},"#
        ),
        "{}",
        header(&plain)
    );
    // With metadata: tapegrad's keys first, sorted, then yours in your order, each string
    // escaped as JSON escapes it; the version stays 1.
    let yours = metadata(&[("z", "1"), ("q", r#"a "b" \c"#), ("a", "")]);
    let with = save::to_bytes_with_metadata(&model, Format::Safetensors(Dtype::F64), &yours);
    assert!(
        header(&with.unwrap()).starts_with(
            r#"{"__metadata__":{"tapegrad.activations":"tanh,tanh,tanh","tapegrad.sizes":"2,4,2,1","tapegrad.version":"1","z":"1","q":"a \"b\" \\c","a":""},"#
        )
    );
}

#[test]
fn version_1_files_load_with_no_metadata() {
    let (model, read) = save::from_bytes_with_metadata(CIRCLE_V1.as_bytes()).unwrap();
    assert_eq!(model, circle_network(1));
    assert!(read.is_empty());
    let (model, read) = save::from_bytes_with_metadata(circle_v2().as_bytes()).unwrap();
    assert_eq!(model, circle_network(1));
    assert_eq!(
        entries(&read),
        [
            ("inputs", "x,y"),
            ("note", "trained on the circle, 300 epochs")
        ]
    );
    // Version 1 has no `meta` lines: one there is refused, naming the version it needs.
    let v1_with_meta =
        CIRCLE_V1.replacen("\nlayer0.neuron0", "\nmeta inputs x,y\nlayer0.neuron0", 1);
    assert_eq!(
        message(save::from_bytes(reseal(&v1_with_meta).as_bytes())),
        "cannot load model: line 3: `meta` lines come with version 2 of the format, and this \
         file says version 1"
    );
}

#[test]
fn metadata_a_file_could_not_give_back_is_refused_by_name_and_nothing_is_written() {
    let model = circle_network(1);
    let key_rule = "a key must be non-empty, with no whitespace or control characters";
    let reserved = "keys starting with `tapegrad.` are tapegrad's own; choose another";
    let value_rule = "a value may not hold control characters (a newline, a tab)";
    // (the entry, how the message shows it, the rule it breaks)
    let cases = [
        (("", "v"), r#"key """#, key_rule),
        (("two words", "v"), r#"key "two words""#, key_rule),
        (("tab\there", "v"), r#"key "tab\there""#, key_rule),
        (("new\nline", "v"), r#"key "new\nline""#, key_rule),
        (("bell\u{7}", "v"), r#"key "bell\u{7}""#, key_rule),
        (("nbsp\u{a0}", "v"), r#"key "nbsp\u{a0}""#, key_rule),
        (
            ("tapegrad.sizes", "2,1"),
            r#"key "tapegrad.sizes""#,
            reserved,
        ),
        (("tapegrad.", "v"), r#"key "tapegrad.""#, reserved),
        (
            ("note", "two\nlines"),
            r#""note" = "two\nlines""#,
            value_rule,
        ),
        (("note", "a\ttab"), r#""note" = "a\ttab""#, value_rule),
        (
            ("note", "carriage\r"),
            r#""note" = "carriage\r""#,
            value_rule,
        ),
        (("note", "del\u{7f}"), r#""note" = "del\u{7f}""#, value_rule),
    ];
    let path = temp_path("refused-metadata.tapegrad");
    let _ = std::fs::remove_file(&path);
    for ((key, value), shown, rule) in cases {
        let expected = format!("metadata {shown}: {rule}");
        // After a good entry: the bad one is named, wherever it is.
        let bad = metadata(&[("good", "fine"), (key, value)]);
        for format in FORMATS {
            let err = save::to_bytes_with_metadata(&model, format, &bad).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
            assert_eq!(
                err.to_string(),
                format!("invalid argument: cannot save {expected}"),
                "{format:?}"
            );
        }
        assert!(save::save_with_metadata(&model, &path, Format::Native, &bad).is_err());
        assert!(!path.exists(), "{expected}");
    }
}

#[test]
fn a_changed_meta_line_fails_the_hash_and_a_resealed_bad_one_names_its_line() {
    for (from, to) in [
        ("meta inputs x,y\n", "meta inputs x,z\n"),
        ("meta inputs x,y\n", "meta inputs x,y \n"),
        ("meta inputs x,y\n", ""),
        ("meta note", "meta NOTE"),
    ] {
        let changed = circle_v2().replacen(from, to, 1);
        let msg = message(save::from_bytes_with_metadata(changed.as_bytes()).map(|(m, _)| m));
        assert!(
            msg.starts_with("cannot load model: corrupted: the contents hash to "),
            "{to:?}: {msg}"
        );
    }
    // Lines no tapegrad writes, with a hash that fits them: each is named with its line.
    let cases = [
        (
            "meta inputs x,y",
            "meta inputs",
            "line 3: expected `meta`, a key, a space and the value; found `meta inputs`",
        ),
        (
            "meta inputs x,y",
            "meta tapegrad.sizes 2,1",
            "line 3: metadata key \"tapegrad.sizes\": keys starting with `tapegrad.` are \
             tapegrad's own; choose another",
        ),
        (
            "meta inputs x,y",
            "meta in\tputs x,y",
            "line 3: metadata key \"in\\tputs\": a key must be non-empty, with no whitespace or \
             control characters",
        ),
        (
            "meta inputs x,y",
            "meta  x,y",
            "line 3: metadata key \"\": a key must be non-empty, with no whitespace or control \
             characters",
        ),
        (
            "meta inputs x,y",
            "meta inputs x\u{1b}[31m",
            "line 3: metadata \"inputs\" = \"x\\u{1b}[31m\": a value may not hold control \
             characters (a newline, a tab)",
        ),
        (
            "meta note",
            "meta inputs",
            "line 4: metadata key \"inputs\" is given twice; a file gives each key once",
        ),
        (
            "meta inputs x,y",
            "meta",
            "line 3: expected `meta`, a key, a space and the value; found `meta`",
        ),
    ];
    for (from, to, expected) in cases {
        let bad = reseal(&circle_v2().replacen(from, to, 1));
        assert_ne!(
            bad,
            reseal(&circle_v2()),
            "the case did not change the file: {expected}"
        );
        let msg = message(save::from_bytes_with_metadata(bad.as_bytes()).map(|(m, _)| m));
        assert_eq!(msg, format!("cannot load model: {expected}"));
        // The loader that ignores metadata refuses the file as well: it is broken.
        assert_eq!(message(save::from_bytes(bad.as_bytes())), msg);
    }
}

#[test]
fn safetensors_written_elsewhere_loads_with_its_own_keys_in_the_headers_order() {
    // As Python's `save_file(..., metadata={...})` or PyTorch's (`"format": "pt"`) writes it:
    // the safetensors crate, its keys in a hash map's order.
    let mut meta = META.to_vec();
    meta.extend([
        ("format", "pt"),
        ("inputs", "x,y"),
        ("two words", "kept as is"),
    ]);
    let (model, read) =
        save::from_bytes_with_metadata(&st_file(&good_tensors(), Some(&meta))).unwrap();
    assert_eq!(model.predict(&[1.0, 2.0]).unwrap(), [-2.25]);
    let mut got = entries(&read);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            ("format", "pt"),
            ("inputs", "x,y"),
            ("two words", "kept as is")
        ]
    );
    // Byte by byte, in an order of its own, tapegrad's keys among them and a key escaped:
    // yours come back in the header's order, unescaped, without tapegrad's.
    let header_meta = format!(
        "\"zz\":\"last \\\"quoted\\\"\",{ST_META},\"\\u0041\":\"A\",\"tapegrad.future\":\"x\",\"m\":\"\""
    );
    let bytes = st_bytes(&format!("{ST_WEIGHT},{ST_REST}"), &header_meta);
    let (_, read) = save::from_bytes_with_metadata(&bytes).unwrap();
    assert_eq!(
        entries(&read),
        [("zz", "last \"quoted\""), ("A", "A"), ("m", "")]
    );
    // A key that save refuses is refused only when saved again.
    let err = save::to_bytes_with_metadata(&model, Format::Native, &metadata(&[("two words", "")]));
    assert!(err.is_err());
}
