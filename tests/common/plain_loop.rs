//! The plain training loop of the `nn` docs on a seeded workload, shared by the tests that
//! count its allocations (`tests/alloc.rs`) and check its gradients against the hand-written
//! oracle (`tests/nn.rs`). Include it with `#[path = "common/plain_loop.rs"] mod plain_loop;`.

#![allow(dead_code)]

use rand::{SeedableRng, rngs::StdRng};
use tapegrad::loss::{self, Loss};
use tapegrad::nn::{Activation, Init, Mlp, Module};
use tapegrad::{Error, Tape, datasets};

/// Seeded two-class moons (labels ±1) and an initial model with a linear output, like the
/// benches'.
pub fn workload(
    widths: &[usize],
    points: usize,
    hidden: Activation,
) -> (Vec<[f64; 2]>, Vec<f64>, Mlp) {
    let mut rng = StdRng::seed_from_u64(2024);
    let data = datasets::moons(points, 0.1, &mut rng).unwrap();
    let model = Mlp::new(
        2,
        widths,
        hidden,
        Activation::Linear,
        Init::Micrograd,
        &mut rng,
    )
    .unwrap();
    (
        data.iter().map(|p| p.inputs()).collect(),
        data.iter().map(|p| p.label).collect(),
        model,
    )
}

/// The mean loss `l` over every output of every sample (`ys` holds `model.nout()` labels a
/// sample) and its gradient, by the plain loop: record, forward, loss, backward, read the
/// parameters' gradients.
pub fn plain<X: AsRef<[f64]>>(
    model: &Mlp,
    xs: &[X],
    ys: &[f64],
    l: Loss,
) -> Result<(f64, Vec<f64>), Error> {
    let tape = Tape::new();
    let net = model.record(&tape);
    let nout = model.nout();
    let mut losses = Vec::new();
    for (x, ys) in xs.iter().zip(ys.chunks_exact(nout)) {
        let out = net.forward_f64(x.as_ref())?;
        for (&o, &y) in out.iter().zip(ys) {
            losses.push(l.apply(o, y));
        }
    }
    let mean = loss::mean(&losses)?;
    Ok((mean.data(), net.gradients(&mean.backward())))
}
