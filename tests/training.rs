//! Seeded training runs that must reach their targets: the two front-door examples,
//! `examples/circle.rs` (the TensorFlow Playground's defaults) and `examples/moons.rs`
//! (micrograd's demo), each as a compact loop that draws from the RNG in the same order as
//! its example, so the default seed here is the example's default run.

use rand::seq::SliceRandom;
use rand::{SeedableRng, rngs::StdRng};
use tapegrad::datasets::{self, PLAYGROUND_SAMPLES, Playground, Point};
use tapegrad::nn::{Activation, Forward, Init, Mlp, Module};
use tapegrad::optim::{LinearDecay, Optimizer, Schedule, Sgd, check_loss};
use tapegrad::{Tape, Value, loss};

/// Points the model puts on the right side (score above 0 means label +1).
fn accuracy(model: &Mlp, points: &[Point]) -> f64 {
    let right = points
        .iter()
        .filter(|p| (model.predict(&p.inputs()).unwrap()[0] > 0.0) == (p.label > 0.0))
        .count();
    right as f64 / points.len() as f64
}

/// The Playground's loss, ½·(output − label)², averaged over the points.
fn playground_loss(model: &Mlp, points: &[Point]) -> f64 {
    let total: f64 = points
        .iter()
        .map(|p| {
            let output = model.predict(&p.inputs()).unwrap()[0];
            loss::half_squared_error(Value::constant(output), p.label).data()
        })
        .sum();
    total / points.len() as f64
}

struct PlaygroundRun {
    model: Mlp,
    data: datasets::Split,
    /// The training loss before training and after each epoch.
    train_loss: Vec<f64>,
}

/// The Playground's defaults: 500 points split 250/250, 2 → 4 → 2 → 1 tanh everywhere with
/// Playground init, SGD at 0.03 on the mean gradient of batches of 10, the training set
/// shuffled every epoch.
fn playground_run(kind: Playground, seed: u64, epochs: usize) -> PlaygroundRun {
    let mut rng = StdRng::seed_from_u64(seed);
    let data = datasets::playground(kind, PLAYGROUND_SAMPLES, 0.0, &mut rng).unwrap();
    let mut model = Mlp::new(
        2,
        &[4, 2, 1],
        Activation::Tanh,
        Activation::Tanh,
        Init::Playground,
        &mut rng,
    )
    .unwrap();
    let mut opt = Sgd::new(0.03);
    let mut tape = Tape::new();
    let mut train = data.train.clone();
    let mut train_loss = vec![playground_loss(&model, &data.train)];
    for epoch in 1..=epochs {
        train.shuffle(&mut rng);
        for batch in train.chunks(10) {
            tape.clear();
            let net = model.record(&tape);
            let losses: Vec<Value<'_>> = batch
                .iter()
                .map(|p| {
                    loss::half_squared_error(net.forward_f64(&p.inputs()).unwrap()[0], p.label)
                })
                .collect();
            let l = loss::mean(&losses).unwrap();
            check_loss(epoch, l.data()).unwrap();
            let grads = net.gradients(&l.backward());
            opt.step(&mut model, &grads).unwrap();
        }
        train_loss.push(playground_loss(&model, &data.train));
    }
    PlaygroundRun {
        model,
        data,
        train_loss,
    }
}

/// `cargo run --release --example circle` with its defaults (seed 1, 300 epochs).
#[test]
fn circle_with_the_playgrounds_defaults_reaches_99_percent_test_accuracy() {
    let run = playground_run(Playground::Circle, 1, 300);
    let (train_acc, test_acc) = (
        accuracy(&run.model, &run.data.train),
        accuracy(&run.model, &run.data.test),
    );
    let test_loss = playground_loss(&run.model, &run.data.test);
    let (first, last) = (run.train_loss[0], run.train_loss[300]);
    assert!(
        test_acc >= 0.99,
        "test accuracy {test_acc} (train {train_acc}); loss {first:.3} → {last:.3}"
    );
    assert!(train_acc >= 0.99, "training accuracy {train_acc}");
    // Tanh outputs near 0 at the start: about ½·1² per point.
    assert!((0.4..0.6).contains(&first), "initial loss {first}");
    assert!(last < 0.01, "final training loss {last}");
    assert!(test_loss < 0.01, "final test loss {test_loss}");
    // Going down: every 50-epoch stretch ends lower than it started.
    for w in run
        .train_loss
        .iter()
        .step_by(50)
        .collect::<Vec<_>>()
        .windows(2)
    {
        assert!(w[1] < w[0], "loss rose over 50 epochs: {} → {}", w[0], w[1]);
    }
}

/// Other seeds get there too, most well before 150 epochs. (Not every seed: over seeds 0 to
/// 49, seeds 7 and 9 settle in a poor local minimum at 80–84% test accuracy, as the Playground's
/// 4-2 network sometimes does.)
#[test]
fn circle_reaches_99_percent_on_other_seeds() {
    for seed in [0, 2, 3] {
        let run = playground_run(Playground::Circle, seed, 150);
        let test_acc = accuracy(&run.model, &run.data.test);
        assert!(test_acc >= 0.99, "seed {seed}: test accuracy {test_acc}");
    }
}

/// `cargo run --release --example moons` (seed 1337): micrograd's demo reaches 100%.
#[test]
fn moons_micrograd_demo_reaches_100_percent_in_100_steps() {
    let mut rng = StdRng::seed_from_u64(1337);
    let points = datasets::moons(100, 0.1, &mut rng).unwrap();
    let mut model = Mlp::new(
        2,
        &[16, 16, 1],
        Activation::Relu,
        Activation::Linear,
        Init::Micrograd,
        &mut rng,
    )
    .unwrap();
    assert_eq!(model.parameter_count(), 337);
    let schedule = LinearDecay::micrograd();
    let mut opt = Sgd::new(schedule.rate(0));
    let mut tape = Tape::new();
    let mut history = Vec::new();
    for step in 0..100 {
        tape.clear();
        let net = model.record(&tape);
        let losses: Vec<Value<'_>> = points
            .iter()
            .map(|p| loss::hinge(net.forward_f64(&p.inputs()).unwrap()[0], p.label))
            .collect();
        let total = loss::mean(&losses).unwrap() + loss::l2_penalty(net.params(), 1e-4);
        check_loss(step, total.data()).unwrap();
        history.push(total.data());
        let grads = net.gradients(&total.backward());
        opt.set_learning_rate(schedule.rate(step));
        opt.step(&mut model, &grads).unwrap();
    }
    assert_eq!(opt.step_count(), 100);
    assert_eq!(opt.learning_rate(), 1.0 - 0.9 * 99.0 / 100.0);
    assert_eq!(accuracy(&model, &points), 1.0);
    let (first, last) = (history[0], history[99]);
    assert!(first > 0.5, "initial loss {first}");
    assert!(last < 0.05, "final loss {last} (started at {first})");
    // The mean over each 20-step stretch keeps falling.
    let means: Vec<f64> = history
        .chunks(20)
        .map(|c| c.iter().sum::<f64>() / 20.0)
        .collect();
    assert!(
        means.windows(2).all(|w| w[1] < w[0]),
        "20-step mean losses {means:?}"
    );
}
