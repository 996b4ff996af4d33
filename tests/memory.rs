//! Memory over long training, the part a test can check in well under a second: the plain
//! training loop (one tape, `tape.clear()` at the start of every step) records the same
//! number of nodes at every step, and keeps exactly the same number of heap bytes alive from
//! one step to the next, so the tape's capacity does not grow after the first step.
//!
//! Reading a CSV file holds the points it returns and one block of the file, nothing per row.
//!
//! Live heap bytes are counted by a global allocator wrapping the system one, per thread (the
//! test harness's other threads do not disturb the count). It refuses any one allocation over
//! [`REFUSED_OVER`] bytes, as a machine without that much memory does, so that a tape asking for
//! more room than memory holds is tested the same everywhere. The process's resident memory
//! over 100,000 steps is measured by `examples/soak.rs`, not here: it is too long a run for a
//! test.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use rand::{SeedableRng, rngs::StdRng};
use tapegrad::datasets::{self, Point};
use tapegrad::nn::{Activation, Init, Mlp};
use tapegrad::optim::{Optimizer, Sgd, check_loss};
use tapegrad::{Error, Tape, loss};

#[path = "common/panics.rs"]
mod panics;
use panics::panic_message;

struct Counting;

thread_local! {
    /// Bytes allocated minus bytes freed by this thread.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The most `LIVE` has been since [`reset_peak`].
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|c| {
        c.set(c.get() + delta);
        let _ = PEAK.try_with(|p| p.set(p.get().max(c.get())));
    });
}

fn live_bytes() -> isize {
    LIVE.with(Cell::get)
}

/// Starts measuring the peak from the live bytes now; [`peak_bytes`] is the most held since,
/// above that start.
fn reset_peak() {
    PEAK.with(|p| p.set(live_bytes()));
}

fn peak_bytes(start: isize) -> isize {
    PEAK.with(Cell::get) - start
}

/// The largest single allocation [`Counting`] lets through: 32 GiB.
const REFUSED_OVER: usize = 32 << 30;

// SAFETY: every call is forwarded to `System` unchanged, but for a refused size (a null
// pointer, as `GlobalAlloc` allows for a failed allocation); only a counter is updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > REFUSED_OVER {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() > REFUSED_OVER {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > REFUSED_OVER {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// micrograd's moons network and data, as in `examples/moons.rs` and `examples/soak.rs`.
fn setup() -> (Mlp, Vec<Point>) {
    let mut rng = StdRng::seed_from_u64(1337);
    let points = datasets::moons(100, 0.1, &mut rng).unwrap();
    let model = Mlp::new(
        2,
        &[16, 16, 1],
        Activation::Relu,
        Activation::Linear,
        Init::Micrograd,
        &mut rng,
    )
    .unwrap();
    (model, points)
}

/// One plain training step on `tape`: record, forward, hinge loss plus L2, backward, SGD.
/// Clears the tape first when `clear` is set. Returns the loss.
fn step(
    model: &mut Mlp,
    points: &[Point],
    tape: &mut Tape,
    opt: &mut Sgd,
    k: usize,
    clear: bool,
) -> Result<f64, Error> {
    use tapegrad::nn::Module;
    if clear {
        tape.clear();
    }
    let net = model.record(tape);
    let mut losses = Vec::with_capacity(points.len());
    for p in points {
        losses.push(loss::hinge(net.forward_f64(&p.inputs())?[0], p.label));
    }
    let total = loss::mean(&losses)? + loss::l2_penalty(net.params(), 1e-4);
    check_loss(k, total.data())?;
    let grads = net.gradients(&total.backward());
    opt.step(model, &grads)?;
    Ok(total.data())
}

/// Nodes one step records: the 337 parameters; per point 16 + 16 neurons of an affine node
/// and a relu node, one linear output neuron (an affine node) and its hinge loss (66 nodes,
/// 6,600 for 100 points); the mean (a fused sum and a division), the L2 penalty and the sum
/// of the two.
const NODES_PER_STEP: usize = 337 + 100 * (2 * 16 + 2 * 16 + 1 + 1) + 2 + 1 + 1;

#[test]
fn two_hundred_steps_record_the_same_nodes_and_keep_the_same_heap() {
    let (mut model, points) = setup();
    let mut opt = Sgd::new(0.1);
    let mut tape = Tape::new();
    // Room for every record up front, so that these vectors do not count as growth.
    let (mut nodes, mut live, mut losses) = (
        Vec::with_capacity(200),
        Vec::with_capacity(200),
        Vec::with_capacity(200),
    );
    let start = live_bytes();
    for k in 0..200 {
        let l = step(&mut model, &points, &mut tape, &mut opt, k, true).unwrap();
        losses.push(l);
        nodes.push(tape.len());
        live.push(live_bytes() - start);
    }
    assert_eq!(NODES_PER_STEP, 6941);
    assert!(
        nodes.iter().all(|&n| n == NODES_PER_STEP),
        "node counts per step: {:?}",
        &nodes[..10]
    );
    // The first step allocates the tape's arrays; every later step reuses them and frees
    // everything else it allocated, to the byte.
    assert!(live[0] > 0);
    assert!(
        live.iter().all(|&b| b == live[0]),
        "live heap bytes after steps 1, 2, 100, 200: {}, {}, {}, {}",
        live[0],
        live[1],
        live[99],
        live[199]
    );
    // The tape's arrays: at least what `bytes_per_node` counts for a leaf, per node.
    let floor = isize::try_from(NODES_PER_STEP * tapegrad::bytes_per_node(0)).unwrap();
    assert!(
        live[0] >= floor,
        "{} live bytes, fewer than {floor}",
        live[0]
    );
    // And it was training: the loss fell.
    assert!(
        losses[199] < 0.5 * losses[0],
        "{} → {}",
        losses[0],
        losses[199]
    );
}

#[test]
fn forgetting_tape_clear_is_visible_in_both_measures() {
    // The negative control: without clear, nodes and live bytes grow every step, so the test
    // above would see a leak.
    let (mut model, points) = setup();
    let mut opt = Sgd::new(0.1);
    let mut tape = Tape::new();
    let mut seen = Vec::with_capacity(3);
    let start = live_bytes();
    for k in 0..3 {
        step(&mut model, &points, &mut tape, &mut opt, k, false).unwrap();
        seen.push((tape.len(), live_bytes() - start));
    }
    assert_eq!(
        seen.iter().map(|s| s.0).collect::<Vec<_>>(),
        [NODES_PER_STEP, 2 * NODES_PER_STEP, 3 * NODES_PER_STEP]
    );
    assert!(seen[2].1 > seen[0].1, "live bytes {seen:?}");
}

/// The heap a tape holds is what `bytes_per_node` counts: `bytes_per_node(0)` a node and
/// `bytes_per_node(1) - bytes_per_node(0)` an edge, up to a few bytes a tape (not a node).
#[test]
fn a_tapes_heap_is_what_bytes_per_node_counts() {
    use tapegrad::bytes_per_node;
    let node = isize::try_from(bytes_per_node(0)).unwrap();
    let edge = isize::try_from(bytes_per_node(1) - bytes_per_node(0)).unwrap();
    let heap_of = |nodes: usize, edges: usize| {
        let start = live_bytes();
        let tape = Tape::with_capacity(nodes, edges);
        let bytes = live_bytes() - start;
        drop(tape);
        assert_eq!(live_bytes(), start);
        bytes
    };
    // Room made up front: 1000 more nodes and 500 more edges cost exactly what they count.
    let (small, big) = (heap_of(1000, 500), heap_of(2000, 1000));
    assert_eq!(big - small, 1000 * node + 500 * edge);
    let overhead = small - (1000 * node + 500 * edge);
    assert!((0..=64).contains(&overhead), "{overhead} bytes a tape");

    // A chain of 10,001 nodes (a leaf, then 10,000 unary ones, each with a plain number folded
    // in, which the node keeps for display: see `bytes_per_node`), recorded on a tape that makes
    // its room as it goes: at least what it counts, and less than twice that, as room at least
    // doubles.
    let start = live_bytes();
    let tape = Tape::new();
    let mut v = tape.var(0.5);
    for _ in 0..5000 {
        v = v * 1.000_000_1 + 1e-7;
    }
    assert_eq!(tape.len(), 10_001);
    let held = live_bytes() - start;
    let counted = isize::try_from(bytes_per_node(0) + 10_000 * bytes_per_node(1)).unwrap();
    assert!(
        (counted..2 * counted).contains(&held),
        "{held} bytes, {counted} counted"
    );
}

/// A tape that once held a long chain keeps its memory through `clear` (so the next step
/// records without allocating) and gives it back with `shrink_to_fit`.
#[test]
fn shrink_to_fit_gives_back_what_clear_keeps() {
    const LENGTH: usize = 200_000;
    let start = live_bytes();
    let mut tape = Tape::new();
    let mut v = tape.var(1.0);
    for _ in 1..LENGTH {
        v *= 1.000_001;
    }
    let full = live_bytes() - start;
    let counted = LENGTH * tapegrad::bytes_per_node(1);
    assert!(
        full >= isize::try_from(counted).unwrap(),
        "{full} bytes for {counted}"
    );
    tape.clear();
    assert_eq!(live_bytes() - start, full, "clear keeps the memory");
    tape.shrink_to_fit();
    let shrunk = live_bytes() - start;
    assert!(shrunk <= 64, "{shrunk} bytes left after shrink_to_fit");
}

/// `load_csv` holds the points and one 64 KiB block of the file, never the whole text, and
/// nothing per row or field: its peak heap is their sum and a few hundred bytes (the header's
/// names), for short rows (where the points take more room than the text), long ones and quoted
/// ones, in files of several blocks. (A reader that kept a `String` per field held more than
/// ten times the file; one that held the text, the text and the points.)
#[test]
fn load_csv_holds_the_points_and_one_block_of_the_file() {
    const BLOCK: usize = 64 << 10;
    let dir = std::env::temp_dir().join(format!("tapegrad-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, row) in [
        ("short", "-1.5,2.25,1\n"),
        ("long", "-0.12345678901234568,2.2500000000000004,-1\n"),
        ("quoted", "\"-1.5\", 2.25 ,\"1\"\r\n"),
    ] {
        let rows = 20_000;
        let text = format!("x,y,label\n{}", row.repeat(rows));
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, &text).unwrap();
        let start = live_bytes();
        reset_peak();
        let points = datasets::load_csv(&path).unwrap();
        let peak = peak_bytes(start);
        assert_eq!(points.len(), rows);
        let held = isize::try_from(rows * std::mem::size_of::<Point>() + BLOCK).unwrap();
        assert!(
            (held..=held + 512).contains(&peak),
            "{name} rows: peak {peak} bytes for a {}-byte file and {rows} points and a block \
             ({held} bytes)",
            text.len()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Room a tape cannot have is a panic naming the room and the tape's limit, never an abort:
/// 2^32 leaves would take 96 GiB (more than this file's allocator gives), and one node more
/// than 2^32 is beyond what 32-bit indices can address, whatever the memory.
#[test]
fn impossible_room_on_a_tape_panics_with_the_tapes_limit() {
    assert_eq!(
        panic_message(|| drop(Tape::with_capacity(1 << 32, 0))),
        "Tape::with_capacity(4294967296, 0): cannot allocate 96.0 GiB for that room (24 bytes \
         a node, 12 an edge; a tape holds at most 2^32 nodes and 2^32 edges); ask for less, or \
         use Tape::new, which grows as it records"
    );
    assert_eq!(
        panic_message(|| drop(Tape::with_capacity(0, (1 << 32) + 1))),
        "Tape::with_capacity(0, 4294967297): a tape holds at most 2^32 nodes and 2^32 edges \
         (its indices are 32-bit)"
    );
    assert!(panic_message(|| drop(Tape::with_capacity(usize::MAX, 0))).contains("at most 2^32"));
    // Room that fits is made, and used without reallocating.
    let tape = Tape::with_capacity(1000, 0);
    let start = live_bytes();
    for i in 0..1000 {
        let _ = tape.var(f64::from(i));
    }
    assert_eq!((tape.len(), live_bytes()), (1000, start));
}
