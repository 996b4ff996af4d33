//! The circle example's own claims, run through its own code: its flags and the names of its
//! pictures, the train/test ratio, the feature inputs and L2 regularisation; the table chapter
//! 6 shows and the committed pictures (the README's and the guide's), which are its default
//! run's; and what
//! `tapegrad::diagnose` tells its runs (`--lr 1e6`: the learning rate is too high; the
//! default: nothing). `cargo test` runs them (`test = true` in Cargo.toml).

use super::*;
use std::time::Duration;
use tapegrad::diagnose::Finding;
use tapegrad::nn::Activation::Tanh;
use tapegrad::nn::accuracy_with;

#[path = "../../tests/common/committed.rs"]
mod committed;
#[path = "../../tests/common/numeric.rs"]
mod numeric;

use committed::matches_committed;
use numeric::assert_within;

/// The configuration `flags` ask for.
fn config(flags: &str) -> Config {
    let args = flags.split_whitespace().map(str::to_string);
    Config::from_args(args)
        .expect("valid flags")
        .expect("not --help")
}

/// The configuration's data, trained network and run.
fn trained(cfg: &Config) -> (Split, Mlp, Run) {
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let data = playground_data(cfg, &mut rng).unwrap();
    let (model, run) = train(cfg, &data, &mut rng).unwrap();
    (data, model, run)
}

/// The configuration's trained network and its test accuracy.
fn run(cfg: &Config) -> (Mlp, f64) {
    let (data, model, _) = trained(cfg);
    let accuracy = accuracy_with(&model, &data.test, |p| encode(&cfg.features, p.x, p.y)).unwrap();
    (model, accuracy)
}

// ---------------------------------------------------------------------------------------------
// The flags
// ---------------------------------------------------------------------------------------------

#[test]
fn pictures_are_named_after_the_flags_that_differ_from_the_defaults() {
    let cases = [
        ("", "circle"),
        ("--lr 0.03 --batch 10", "circle"), // the defaults, written out
        ("--threads 3", "circle"),          // the same numbers to within rounding
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
fn picture_names_stay_short_enough_for_a_file_system() {
    // `--lr 1e300` shows as 301 digits, 100 layers as 200 characters, and a file name is at
    // most 255 bytes on the usual file systems: a long stem is cut, and ends in a hash of
    // the whole, so that two runs that differ only past the cut keep their own pictures.
    let long_load = format!("--load {}.tapegrad", "n".repeat(250));
    let hundred_layers = format!("--hidden {}", vec!["1"; 100].join(","));
    let flags = [
        "--lr 1e300",
        "--lr 2e300",
        long_load.as_str(),
        hundred_layers.as_str(),
    ];
    let stems: Vec<String> = flags.iter().map(|f| config(f).picture_stem()).collect();
    for (f, stem) in flags.iter().zip(&stems) {
        let longest = format!("{stem}-boundary.svg");
        assert!(longest.len() <= 255, "{f}: {} bytes", longest.len());
    }
    assert!(stems[0].starts_with("circle_lr=1000"), "{}", stems[0]);
    assert_ne!(stems[0], stems[1]);
    assert!(stems[2].starts_with("circle_load=nnn"), "{}", stems[2]);
    // A stem that fits is left as it is.
    assert_eq!(
        config("--lr 1e30").picture_stem(),
        format!("circle_lr=1{}", "0".repeat(30))
    );
}

#[test]
fn help_shows_every_default_in_one_column() {
    // A flag's first help line longer than the column pushes its default into the text.
    let text = settings::usage();
    let columns: Vec<usize> = text
        .lines()
        .filter(|line| line.starts_with("  --"))
        .filter_map(|line| line.rfind(" default ").map(|i| line[..i].chars().count()))
        .collect();
    assert_eq!(
        columns.len(),
        12,
        "every flag but --save, --load and --help:\n{text}"
    );
    assert!(columns.iter().all(|&c| c == columns[0]), "{text}");
}

#[test]
fn a_save_path_in_no_directory_is_refused_before_training() {
    use std::path::Path;
    // Refused up front: otherwise the run trains, draws, and only then fails to save.
    let err = report::check_save_dir(Path::new("/no/such/dir/m.tapegrad")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--save /no/such/dir/m.tapegrad: there is no directory /no/such/dir to save into; \
         create it first"
    );
    // A bare file name goes in the current directory, which exists.
    assert!(report::check_save_dir(Path::new("m.tapegrad")).is_ok());
    assert!(report::check_save_dir(&std::env::temp_dir().join("m.safetensors")).is_ok());
}

#[test]
fn new_flags_refuse_what_the_playground_does_not_offer() {
    let percent = "--train-percent expects a percentage from 10 to 90 (e.g. --train-percent 30)";
    let l2 = "--l2 expects a regularisation rate >= 0 (e.g. --l2 0.01)";
    let features = "--features expects some of x, y, x2, y2, xy, sinx, siny, comma separated, \
                    each once (e.g. --features x,y,x2,y2)";
    let unknown = |arg: &str| {
        format!(
            "unknown argument `{arg}`; the flags are --data, --noise, --hidden, --activation, \
             --lr, --batch, --epochs, --seed, --train-percent, --l2, --features, --threads, \
             --save, --load and --help"
        )
    };
    for (flags, message) in [
        ("--train-percent 5", format!("{percent}; got `5`")),
        ("--train-percent 95", format!("{percent}; got `95`")),
        ("--l2 -1", format!("{l2}; got `-1`")),
        ("--l2 inf", format!("{l2}; got `inf`")),
        (
            "--threads 0",
            "--threads expects a whole number >= 1 (e.g. --threads 2); got `0`".to_string(),
        ),
        ("--features x,z", format!("{features}; got `x,z`")),
        ("--features x,x", format!("{features}; got `x,x`")),
        ("--features ", format!("{features}; got ``")),
        ("--epoch 5", unknown("--epoch")),
        ("-e 5", unknown("-e")),
        ("stray", unknown("stray")),
        (
            "--data plane",
            "--data expects circle, xor, gauss or spiral; got `plane`".to_string(),
        ),
        (
            "--lr 0.1 --lr 0.2",
            "--lr was given twice; give each flag once".to_string(),
        ),
        (
            "--seed 7 --lr",
            "--lr needs a value: a learning rate > 0 (e.g. --lr 0.03)".to_string(),
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
fn counts_of_one_take_the_singular() {
    let one = config("--epochs 1 --batch 250");
    assert_eq!(
        report::timing(&one, 250, Duration::from_millis(500)),
        "trained 1 epoch (250 examples, 1 SGD step) in 0.500 s, loss evaluation included"
    );
    assert_eq!(
        report::timing(&config(""), 250, Duration::from_millis(1500)),
        "trained 300 epochs (75000 examples, 7500 SGD steps) in 1.500 s, loss evaluation \
         included"
    );
    assert_eq!(report::what_ran(&one), "after 1 epoch");
    assert_eq!(report::what_ran(&config("")), "after 300 epochs");

    // A saved 2-input network drawn with one feature: "1 input", not "1 inputs".
    let path = std::env::temp_dir().join(format!("tapegrad-circle-{}.net", std::process::id()));
    let two_inputs = Mlp::new(
        2,
        &[1],
        Tanh,
        Tanh,
        Init::Playground,
        &mut StdRng::seed_from_u64(1),
    );
    tapegrad::save::save(&two_inputs.unwrap(), &path, tapegrad::save::Format::Native).unwrap();
    let err = report::load_network(&path, &mut config("--features x")).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(
        err.to_string()
            .contains("draws networks with 1 input and 1 output"),
        "{err}"
    );
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

// ---------------------------------------------------------------------------------------------
// The Playground's knobs
// ---------------------------------------------------------------------------------------------

#[test]
fn squared_features_learn_the_circle_without_a_hidden_layer() {
    // tanh(a·x² + b·y² + c) is a disc: one neuron is enough.
    let cfg = config("--features x2,y2 --hidden none --epochs 30");
    let (model, accuracy) = run(&cfg);
    assert_eq!(model.sizes(), [2, 1]);
    assert!(accuracy >= 0.99, "test accuracy {accuracy}");
    // Without them, a line cannot.
    let (_, line) = run(&config("--hidden none --epochs 30"));
    assert!(line < 0.8, "test accuracy {line}");
}

#[test]
fn l2_shrinks_the_weights_and_leaves_the_biases_alone() {
    let plain = config("--epochs 30");
    let (model, _) = run(&plain);
    let mask = weight_mask(&model);
    assert_eq!(mask.len(), 25);
    assert_eq!(mask.iter().filter(|w| **w).count(), 2 * 4 + 4 * 2 + 2); // 18 weights
    assert_eq!(mask[..3], [true, true, false]); // neuron 0: w0, w1, b
    let norm = |m: &Mlp| -> f64 {
        let params = m.parameters();
        params
            .iter()
            .zip(&mask)
            .filter(|(_, w)| **w)
            .map(|(p, _)| p * p)
            .sum()
    };
    let (regularised, _) = run(&config("--epochs 30 --l2 0.1"));
    assert!(
        norm(&regularised) < 0.5 * norm(&model),
        "{} vs {}",
        norm(&regularised),
        norm(&model)
    );
}

// ---------------------------------------------------------------------------------------------
// The default run, as the guide and the README show it
// ---------------------------------------------------------------------------------------------

/// The default run: the table chapter 6 shows and the three pictures.
#[test]
fn the_circle_pictures_and_table_are_the_default_runs() {
    let cfg = Config::from_args(std::iter::empty()).unwrap().unwrap();
    let (data, model, run) = trained(&cfg);
    let test_accuracy =
        accuracy_with(&model, &data.test, |p| encode(&cfg.features, p.x, p.y)).unwrap();
    assert_eq!(test_accuracy, 1.0); // 250 of 250

    let chapter = include_str!("../../docs/guide/06-an-mlp-learning-the-circle.md");
    assert!(
        chapter.contains(&format!("```text\n{}```", run.table)),
        "chapter 6 does not show the table the circle example prints:\n{}",
        run.table
    );
    let pictures = report::pictures(&cfg, &model, &data, Some(&run), test_accuracy).unwrap();
    let names: Vec<&str> = pictures.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "circle-boundary.svg",
            "circle-loss.svg",
            "circle-neurons.svg"
        ]
    );
    for picture in &pictures {
        matches_committed(&picture.name, &picture.svg);
    }
}

// ---------------------------------------------------------------------------------------------
// What tapegrad::diagnose tells its runs
// ---------------------------------------------------------------------------------------------

/// The run with these flags (the default seed and data set), on the points
/// `datasets::playground` draws.
fn circle_run(flags: &[&str]) -> Run {
    let cfg = Config::from_args(flags.iter().map(|s| s.to_string()))
        .expect("valid flags")
        .expect("not --help");
    let mut rng = StdRng::seed_from_u64(1);
    let data = datasets::playground(
        datasets::Playground::Circle,
        PLAYGROUND_SAMPLES,
        0.0,
        &mut rng,
    )
    .unwrap();
    train(&cfg, &data, &mut rng).unwrap().1
}

#[test]
fn circle_at_lr_1e6_is_told_its_learning_rate_is_too_high() {
    let run = circle_run(&["--lr", "1e6"]);
    let findings = run.diagnosis.findings();
    assert_eq!(findings.len(), 3, "{}", run.diagnosis);
    let Finding::LossRising {
        best_epoch,
        best,
        last_epoch,
        now,
        update_ratios,
    } = &findings[0]
    else {
        panic!("{}", run.diagnosis);
    };
    // The loss rose from the start, 0.504, to 0.776 and stayed there.
    assert_eq!((*best_epoch, *last_epoch), (0, 300));
    assert_eq!(*best, run.train_curve[0]);
    assert_eq!(*now, run.train_curve[300]);
    assert_within(*best, 0.5043, 5e-5);
    assert_within(*now, 0.7760, 5e-5);
    // Every layer's updates were some 1e5 times its weights: 1e8 times the rule of thumb.
    assert_eq!(update_ratios.len(), 3);
    assert!(update_ratios.iter().all(|&r| r > 1e4), "{update_ratios:?}");
    // And what that did: every hidden unit saturated on (nearly) every point.
    for (finding, (layer, units)) in findings[1..].iter().zip([(0, 4), (1, 2)]) {
        let Finding::SaturatedUnits {
            layer: l,
            activation,
            saturated,
            units: u,
            samples,
        } = finding
        else {
            panic!("{}", run.diagnosis);
        };
        assert_eq!(
            (*l, *activation, *saturated, *u),
            (layer, Tanh, units, units)
        );
        assert!(*samples > 0.99, "{samples}");
    }
    let text = run.diagnosis.to_string();
    assert!(text.starts_with("Diagnosis: 3 findings\n- The loss went up: from 0.5043 at epoch 0"));
    assert!(text.contains("Is the learning rate too high?"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 88), "{text}");
}

#[test]
fn a_healthy_default_circle_run_is_told_nothing() {
    let run = circle_run(&[]);
    assert!(run.diagnosis.is_empty(), "{}", run.diagnosis);
    assert!(run.train_curve[300] < 0.02, "{}", run.train_curve[300]);
}

// ---------------------------------------------------------------------------------------------
// What --save records and --load takes
// ---------------------------------------------------------------------------------------------

/// A 3-input network (as `--features x,y,x2` trains one) saved at a path of this test's own,
/// with `metadata`.
fn saved_network(name: &str, metadata: &tapegrad::save::Metadata) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tapegrad-circle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let model = Mlp::new(
        3,
        &[2, 1],
        Tanh,
        Tanh,
        Init::Playground,
        &mut StdRng::seed_from_u64(5),
    );
    let format = tapegrad::save::Format::from_path(&path);
    tapegrad::save::save_with_metadata(&model.unwrap(), &path, format, metadata).unwrap();
    path
}

/// The configuration `flags` ask for with `--load path`.
fn loading(path: &std::path::Path, flags: &str) -> Config {
    let mut args = vec!["--load".to_string(), path.display().to_string()];
    args.extend(flags.split_whitespace().map(str::to_string));
    Config::from_args(args.into_iter()).unwrap().unwrap()
}

#[test]
fn save_records_the_features_and_the_data_they_were_trained_on() {
    let cfg = config("--features x,y,x2 --seed 3 --noise 0.1 --hidden 8 --lr 0.1");
    assert_eq!(
        entries(&cfg.metadata()),
        [
            ("circle.data", "circle"),
            ("circle.noise", "0.1"),
            ("circle.seed", "3"),
            ("circle.train-percent", "50"),
            ("circle.features", "x,y,x2"),
        ]
    );
}

#[test]
fn load_takes_the_saved_settings_unless_given_and_refuses_other_features() {
    use settings::Feature::{X, XSquared, Y};
    for name in ["net.tapegrad", "net.safetensors"] {
        let path = saved_network(
            name,
            &config("--features x,y,x2 --seed 3 --noise 0.1").metadata(),
        );

        // Nothing given: the file's settings, each said.
        let mut cfg = loading(&path, "");
        let loaded = report::load_network(&path, &mut cfg).unwrap();
        assert_eq!(cfg.features, [X, Y, XSquared]);
        assert_eq!(
            (cfg.seed, cfg.noise, cfg.data),
            (3, 0.1, datasets::Playground::Circle)
        );
        assert_eq!(
            loaded.taken,
            [
                "--data circle",
                "--noise 0.1",
                "--seed 3",
                "--train-percent 50",
                "--features x,y,x2"
            ]
        );
        assert!(loaded.overridden.is_empty());
        assert!(
            cfg.picture_stem()
                .starts_with("circle_noise=0.1_seed=3_features=x-y-x2_load=net")
        );

        // The same features given, and other data: the data as given, and said.
        let mut cfg = loading(&path, "--features x,y,x2 --seed 4");
        let loaded = report::load_network(&path, &mut cfg).unwrap();
        assert_eq!((cfg.seed, cfg.noise), (4, 0.1));
        assert_eq!(
            loaded.taken,
            ["--data circle", "--noise 0.1", "--train-percent 50"]
        );
        assert_eq!(loaded.overridden, ["--seed 4 (trained with 3)"]);

        // Other features, even the same ones in another order: refused, naming both.
        for other in ["x,y,xy", "y,x,x2"] {
            let mut cfg = loading(&path, &format!("--features {other}"));
            let err = report::load_network(&path, &mut cfg).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "--features {other} differs from the --features x,y,x2 that {} was trained \
                     with: its network reads those inputs, in that order; leave --features out \
                     to use the file's",
                    path.display()
                )
            );
        }
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn a_file_that_records_no_settings_is_drawn_with_the_flags_as_before() {
    use settings::Feature::{X, XSquared, Y};
    let path = saved_network("plain.tapegrad", &tapegrad::save::Metadata::new());
    let mut cfg = loading(&path, "--features x,y,x2");
    let loaded = report::load_network(&path, &mut cfg).unwrap();
    assert!(loaded.taken.is_empty() && loaded.overridden.is_empty());
    assert_eq!(cfg.features, [X, Y, XSquared]);
    // Only the number of inputs can be checked.
    let err = report::load_network(&path, &mut loading(&path, "")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} holds a 3 → 2 → 1 network; with --features x,y this example draws networks \
             with 2 inputs and 1 output (pass the --features it was trained with)",
            path.display()
        )
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_recorded_setting_the_flag_refuses_is_named() {
    let metadata = metadata(&[("circle.noise", "lots"), ("circle.features", "x,y,x2")]);
    let path = saved_network("bad-noise.tapegrad", &metadata);
    let err = report::load_network(&path, &mut loading(&path, "")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} records circle.noise = `lots`, which --noise refuses: it expects a fraction \
             from 0 to 0.5, the Playground's slider / 100 (e.g. 0.25)",
            path.display()
        )
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn load_and_save_keep_what_the_file_records_whatever_data_it_is_drawn_on() {
    let trained_with = config("--features x,y,x2 --seed 3 --noise 0.1").metadata();
    let mut file = trained_with.clone();
    file.insert("format".to_string(), "pt".to_string()); // a key of another program's
    let path = saved_network("resave.tapegrad", &file);
    // Drawn on other data: the settings it was trained with are still the file's.
    let mut cfg = loading(&path, "--seed 4 --noise 0.2 --data xor");
    let loaded = report::load_network(&path, &mut cfg).unwrap();
    assert_eq!(loaded.overridden.len(), 3);
    assert_eq!(
        entries(&cfg.to_save(Some(&loaded.metadata))),
        entries(&file)
    );
    std::fs::remove_file(&path).unwrap();

    // A file that records nothing: its features are the ones --load drew it with; the data
    // it was trained on is not known, so none is recorded.
    let path = saved_network("resave-plain.tapegrad", &tapegrad::save::Metadata::new());
    let mut cfg = loading(&path, "--features x,y,x2 --seed 4");
    let loaded = report::load_network(&path, &mut cfg).unwrap();
    assert_eq!(
        entries(&cfg.to_save(Some(&loaded.metadata))),
        [("circle.features", "x,y,x2")]
    );
    std::fs::remove_file(&path).unwrap();

    // Trained here: the settings it was trained with.
    let cfg = config("--features x,y,x2 --seed 3 --noise 0.1");
    assert_eq!(entries(&cfg.to_save(None)), entries(&trained_with));
}

/// Metadata of these entries, in this order.
fn metadata(entries: &[(&str, &str)]) -> tapegrad::save::Metadata {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The entries in their order.
fn entries(metadata: &tapegrad::save::Metadata) -> Vec<(&str, &str)> {
    metadata
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[test]
fn a_file_whose_recorded_features_do_not_fit_its_network_is_named_as_contradictory() {
    // Written by another program, or edited: 3 inputs, but x,y recorded.
    let path = saved_network(
        "contradictory.tapegrad",
        &metadata(&[("circle.features", "x,y")]),
    );
    let err = report::load_network(&path, &mut loading(&path, "")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} holds a 3 → 2 → 1 network, but records circle.features = `x,y`, for networks \
             with 2 inputs and 1 output: the file contradicts itself, and no --features can \
             draw it",
            path.display()
        )
    );
    std::fs::remove_file(&path).unwrap();
}
