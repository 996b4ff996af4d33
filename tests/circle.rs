//! The `circle` example's Playground knobs, run through the example's own code (the file is
//! included as a module): its flags, the names of its pictures, the train/test ratio, the
//! feature inputs and L2 regularisation.

#[allow(dead_code)] // its `main` is the example's, unused here
#[path = "../examples/circle.rs"]
mod circle;

use circle::{Config, correct, playground_data, train, weight_mask};
use rand::{SeedableRng, rngs::StdRng};
use tapegrad::nn::Module;

/// The configuration `flags` ask for.
fn config(flags: &str) -> Config {
    let args = flags.split_whitespace().map(str::to_string);
    Config::from_args(args)
        .expect("valid flags")
        .expect("not --help")
}

/// The configuration's data and trained network, and its test accuracy.
fn run(cfg: &Config) -> (tapegrad::datasets::Split, tapegrad::nn::Mlp, f64) {
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let data = playground_data(cfg, &mut rng).unwrap();
    let (model, _) = train(cfg, &data, &mut rng).unwrap();
    let right = correct(&model, &cfg.features, &data.test).unwrap();
    let accuracy = right as f64 / data.test.len() as f64;
    (data, model, accuracy)
}

#[test]
fn pictures_are_named_after_the_flags_that_differ_from_the_defaults() {
    let cases = [
        ("", "circle"),
        ("--lr 0.03 --batch 10", "circle"), // the defaults, written out
        ("--noise 0.2 --l2 0.01", "circle_noise=0.2_l2=0.01"),
        ("--data spiral --hidden 8,8", "spiral_hidden=8-8"),
        (
            "--hidden none --features x2,y2",
            "circle_hidden=none_features=x2-y2",
        ),
        ("--train-percent 30 --seed 7", "circle_seed=7_train=30"),
        ("--load out/my net.tapegrad", "circle_load=my_net"),
    ];
    for (flags, stem) in cases {
        let cfg = if flags.starts_with("--load") {
            let args = ["--load", "out/my net.tapegrad"].map(str::to_string);
            Config::from_args(args.into_iter()).unwrap().unwrap()
        } else {
            config(flags)
        };
        assert_eq!(cfg.picture_stem(), stem, "{flags}");
    }
}

#[test]
fn new_flags_refuse_what_the_playground_does_not_offer() {
    let percent = "--train-percent expects a percentage from 10 to 90 (e.g. --train-percent 30)";
    let l2 = "--l2 expects a regularisation rate >= 0 (e.g. --l2 0.01)";
    let features = "--features expects some of x, y, x2, y2, xy, sinx, siny, comma separated, \
                    each once (e.g. --features x,y,x2,y2)";
    for (flags, message) in [
        ("--train-percent 5", format!("{percent}; got `5`")),
        ("--train-percent 95", format!("{percent}; got `95`")),
        ("--l2 -1", format!("{l2}; got `-1`")),
        ("--l2 inf", format!("{l2}; got `inf`")),
        ("--features x,z", format!("{features}; got `x,z`")),
        ("--features x,x", format!("{features}; got `x,x`")),
        ("--features ", format!("{features}; got ``")),
        (
            "--lr 0.1 --lr 0.2",
            "--lr was given twice; give each flag once".to_string(),
        ),
        (
            "--load net.tapegrad --l2 0.1",
            "--l2 has no effect with --load: the network comes from net.tapegrad as it was \
             trained"
                .to_string(),
        ),
    ] {
        let args = flags.split(' ').map(str::to_string);
        let err = Config::from_args(args).expect_err(flags);
        assert_eq!(err.to_string(), message, "{flags}");
    }
}

#[test]
fn train_percent_splits_the_500_points() {
    for (flags, train) in [
        ("", 250),
        ("--train-percent 30", 150),
        ("--train-percent 90", 450),
    ] {
        let cfg = config(flags);
        let data = playground_data(&cfg, &mut StdRng::seed_from_u64(1)).unwrap();
        assert_eq!(
            (data.train.len(), data.test.len()),
            (train, 500 - train),
            "{flags}"
        );
    }
}

#[test]
fn a_batch_larger_than_the_training_points_is_refused() {
    let cfg = config("--batch 251 --epochs 1");
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let data = playground_data(&cfg, &mut rng).unwrap();
    let err = train(&cfg, &data, &mut rng).map(|_| ()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--batch 251 is more than the 250 training points; give at most 250 (one batch of all \
         of them is full-batch training)"
    );
    // All of them is allowed: full-batch training.
    let cfg = config("--batch 250 --epochs 1");
    let data = playground_data(&cfg, &mut rng).unwrap();
    assert!(train(&cfg, &data, &mut rng).is_ok());
}

#[test]
fn squared_features_learn_the_circle_without_a_hidden_layer() {
    // tanh(a·x² + b·y² + c) is a disc: one neuron is enough.
    let cfg = config("--features x2,y2 --hidden none --epochs 30");
    let (_, model, accuracy) = run(&cfg);
    assert_eq!(model.sizes(), [2, 1]);
    assert!(accuracy >= 0.99, "test accuracy {accuracy}");
    // Without them, a line cannot.
    let (_, _, line) = run(&config("--hidden none --epochs 30"));
    assert!(line < 0.8, "test accuracy {line}");
}

#[test]
fn l2_shrinks_the_weights_and_leaves_the_biases_alone() {
    let plain = config("--epochs 30");
    let (_, model, _) = run(&plain);
    let mask = weight_mask(&model);
    assert_eq!(mask.len(), 25);
    assert_eq!(mask.iter().filter(|w| **w).count(), 2 * 4 + 4 * 2 + 2); // 18 weights
    assert_eq!(mask[..3], [true, true, false]); // neuron 0: w0, w1, b
    let norm = |m: &tapegrad::nn::Mlp| -> f64 {
        let params = m.parameters();
        params
            .iter()
            .zip(&mask)
            .filter(|(_, w)| **w)
            .map(|(p, _)| p * p)
            .sum()
    };
    let (_, regularised, _) = run(&config("--epochs 30 --l2 0.1"));
    assert!(
        norm(&regularised) < 0.5 * norm(&model),
        "{} vs {}",
        norm(&regularised),
        norm(&model)
    );
}
