//! A file read in pieces gives what the same text read whole gives, to the error, whatever
//! the block size: the pieces cut records, quoted line ends, characters and byte-order marks
//! at every place a small block can cut them.

use rand::{RngExt, SeedableRng, rngs::StdRng};

use super::pieces::Pieces;
use super::{CsvColumns, from_csv_str, xy_label};
use crate::Error;

/// The pieces random texts are made of: a header's names, numbers, labels, separators,
/// quotes, spaces and characters of two and three bytes.
const TOKENS: [&str; 17] = [
    "x,y,label\n",
    "x",
    ",",
    "\n",
    "\r\n",
    "\"",
    "\"\"",
    " ",
    "1",
    "-1",
    "0",
    "2.5",
    "é",
    "€",
    "\u{feff}",
    "1,2,1\n",
    "\"3\n4\",5,0\n",
];

/// Block sizes from the smallest (4 bytes) to more than a text (one piece).
const BLOCKS: [usize; 8] = [4, 5, 6, 7, 8, 11, 13, 4096];

fn texts() -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(27);
    let mut texts: Vec<String> = [
        "x,y,label\n1,2,1\n3,4,-1\n",
        "\u{feff}a,b,class\r\n0,1,0\r\n1,0,1.0\r\n\r\n  \n",
        "x,y,label\n\"1\n\",2,1\n\"a \"\"b\"\"\",2,1\n",
        "x,y,label\n1,2,1\n\n3,4,-1\n",
        "x,y,label\n1,2\"3\",1\n5,6,1\n",
        "x,y,label\n\"1\"2,3,1\n",
        "x,y,label\n1,2,1\n\"3,4,1\n5,6,0\n",
        "x,y,label\n1,2,-1",
        "",
    ]
    .map(String::from)
    .to_vec();
    for _ in 0..1000 {
        // Mostly good rows, with quoted fields (some across lines), spaces, both line ends
        // and characters of several bytes, now and then a row of random pieces.
        let labels = if rng.random_bool(0.5) {
            ["1", "-1"]
        } else {
            ["1", "0"]
        };
        let mut text = String::from(if rng.random_bool(0.9) {
            "x,y,label\n"
        } else {
            ""
        });
        for _ in 0..rng.random_range(1..8) {
            if rng.random_bool(0.1) {
                for _ in 0..rng.random_range(1..6) {
                    text += TOKENS[rng.random_range(0..TOKENS.len())];
                }
                continue;
            }
            let numbers = ["1", "-2.5", "0", " 3 ", "\"4\"", "\" 5\n\"", "\"6\""];
            let mut field = || numbers[rng.random_range(0..numbers.len())];
            let (x, y) = (field(), field());
            let end = if rng.random_bool(0.8) { "\n" } else { "\r\n" };
            text += &format!("{x},{y},{}{end}", labels[rng.random_range(0..2)]);
        }
        texts.push(text);
    }
    texts
}

#[test]
fn a_file_read_in_blocks_reads_as_the_whole_text() {
    let path = std::env::temp_dir().join(format!("tapegrad-csv-pieces-{}", std::process::id()));
    let columns = CsvColumns {
        x: "y",
        y: "x",
        label: "label",
    };
    let (mut read, mut failed) = (0, 0);
    for text in texts() {
        std::fs::write(&path, &text).unwrap();
        let whole = from_csv_str(&text);
        let whole_columns = columns.parse(&text);
        for block in BLOCKS {
            let in_pieces = xy_label(Pieces::of_file(&path, block).unwrap());
            assert_eq!(in_pieces, whole, "{text:?} in blocks of {block}");
            let in_pieces = columns.read(Pieces::of_file(&path, block).unwrap());
            assert_eq!(in_pieces, whole_columns, "{text:?} in blocks of {block}");
        }
        match whole {
            Ok(_) => read += 1,
            Err(_) => failed += 1,
        }
    }
    std::fs::remove_file(&path).unwrap();
    // Both outcomes are well represented.
    assert!(read > 300 && failed > 200, "{read} read, {failed} refused");
}

#[test]
fn a_file_that_is_not_utf8_is_an_io_error_even_after_a_csv_error() {
    let path = std::env::temp_dir().join(format!("tapegrad-csv-utf8-{}", std::process::id()));
    let not_utf8 = Error::Io(format!(
        "cannot read {}: stream did not contain valid UTF-8; a CSV file must be UTF-8 text \
         (save it as \"CSV UTF-8\"; UTF-16 \"Unicode text\" is not)",
        path.display()
    ));
    let csv_error = b"x,y,label\n1,2,3\n\"4,5,1\n".as_slice();
    for (before, bad, after) in [
        (
            b"x,y,label\n1,2,1\n".as_slice(),
            b"\xff".as_slice(),
            b"".as_slice(),
        ),
        (csv_error, b"\xff", b"\n1,2,1\n"),
        (csv_error, "é".as_bytes().split_at(1).0, b""),
        (csv_error, "€".as_bytes().split_at(2).0, b",1\n"),
    ] {
        std::fs::write(&path, [before, bad, after].concat()).unwrap();
        for block in BLOCKS {
            assert_eq!(
                xy_label(Pieces::of_file(&path, block).unwrap()),
                Err(not_utf8.clone()),
                "{bad:?} in blocks of {block}"
            );
        }
        // What read_to_string says, and then what the file must be.
        let Error::Io(message) = &not_utf8 else {
            unreachable!()
        };
        let said = std::fs::read_to_string(&path).unwrap_err().to_string();
        assert!(message.contains(&format!(": {said}; ")), "{said}");
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn numbers_read_as_str_parse_reads_them_to_the_bit() {
    let mut rng = StdRng::seed_from_u64(53);
    let mut texts: Vec<String> = [
        "0",
        "-0",
        "-0.000",
        "1.",
        ".5",
        "-.5",
        ".",
        "-",
        "",
        "+1",
        "1e3",
        "1.5E-3",
        "inf",
        "NaN",
        "00000000000000000001.5",
        "9007199254740992",
        "9007199254740993",
        "0.1",
        "0.3",
        "123456789012345678",
        "1234567890123456789",
        "12345678901234567890",
        "1..2",
        "1-2",
        "4.35",
        "-1.234",
        "2.2500000000000004",
        "0x10",
        " 1",
    ]
    .map(String::from)
    .to_vec();
    for _ in 0..100_000 {
        let x: f64 = rng.random_range(-1e4..1e4) * 10f64.powi(rng.random_range(-12..12));
        texts.push(match rng.random_range(0..4) {
            0 => format!("{x}"),
            1 => format!("{x:.3}"),
            2 => format!("{x:.prec$}", prec = rng.random_range(0..20)),
            _ => (0..rng.random_range(1..22))
                .map(|_| char::from(b'0' + rng.random_range(0..10_u8)))
                .collect(),
        });
    }
    for text in &texts {
        assert_eq!(
            super::parse_f64(text).map(f64::to_bits),
            text.parse::<f64>().ok().map(f64::to_bits),
            "{text}"
        );
    }
}
