//! Reading a two-class CSV file with `datasets::load_csv`: 10 MB of short rows
//! (`-1.234,5.678,1`, where the points take more memory than the text) and 10 MB of long rows
//! (every digit of an `f64`, as `{}` prints it).
//!
//! Run: `cargo bench --bench csv` (figures in `PERFORMANCE.md`).

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tapegrad::datasets;
use tapegrad::rand::{RngExt, SeedableRng, rngs::StdRng};

/// Writes a CSV file of about `bytes` bytes of seeded points, short or long rows, to the
/// temporary directory.
fn write_file(bytes: usize, short: bool) -> PathBuf {
    let mut rng = StdRng::seed_from_u64(7);
    let mut text = String::from("x,y,label\n");
    while text.len() < bytes {
        let (x, y): (f64, f64) = (rng.random_range(-6.0..6.0), rng.random_range(-6.0..6.0));
        let label = if rng.random_bool(0.5) { 1 } else { -1 };
        text += &if short {
            format!("{x:.3},{y:.3},{label}\n")
        } else {
            format!("{x},{y},{label}\n")
        };
    }
    let kind = if short { "short" } else { "long" };
    let path =
        std::env::temp_dir().join(format!("tapegrad-bench-{kind}-{}.csv", std::process::id()));
    std::fs::write(&path, text).expect("write the bench's CSV file");
    path
}

fn load_csv(c: &mut Criterion) {
    const BYTES: usize = 10 << 20;
    let mut group = c.benchmark_group("load_csv");
    group
        .sample_size(10)
        .throughput(Throughput::Bytes(BYTES as u64));
    for (rows, short) in [("short_rows", true), ("long_rows", false)] {
        let path = write_file(BYTES, short);
        group.bench_with_input(BenchmarkId::new(rows, "10MB"), &path, |b, path| {
            b.iter(|| datasets::load_csv(black_box(path)).expect("a valid file"));
        });
        let _ = std::fs::remove_file(path);
    }
    group.finish();
}

criterion_group!(benches, load_csv);
criterion_main!(benches);
