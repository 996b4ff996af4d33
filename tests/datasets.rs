//! Datasets: the Playground generators' geometry, moons, the fixed sets, splitting,
//! determinism and CSV loading with its errors.

use rand::RngExt;
use rand::seq::SliceRandom;
use tapegrad::Error;
use tapegrad::datasets::{
    self, CsvColumns, Playground, Point, Split, circle, from_csv_str, gauss, moons, multi_gauss,
    odd_even, odd_even_bits, odd_even_range, plane, six_points, spiral, split, split_shuffled,
    to_bits, xor,
};

#[path = "common/seeded.rs"]
mod seeded;
use seeded::rng;
#[path = "common/panics.rs"]
mod panics;
use panics::panic_message;

fn radius(p: &Point) -> f64 {
    p.x.hypot(p.y)
}

fn count_label(points: &[Point], label: f64) -> usize {
    points.iter().filter(|p| p.label == label).count()
}

// ---- circle ------------------------------------------------------------------------------

#[test]
fn circle_halves_lie_in_disc_and_ring_with_labels_by_radius_at_noise_0() {
    let points = circle(500, 0.0, &mut rng(1)).unwrap();
    assert_eq!(points.len(), 500);
    for p in &points[..250] {
        assert!(radius(p) < 2.5, "inner point {p:?}");
        assert_eq!(p.label, 1.0);
    }
    for p in &points[250..] {
        let r = radius(p);
        assert!((3.5..=5.0).contains(&r), "outer point {p:?} has radius {r}");
        assert_eq!(p.label, -1.0);
    }
    assert_eq!(count_label(&points, 1.0), 250);
}

#[test]
fn circle_noise_flips_labels_but_keeps_points() {
    let clean = circle(500, 0.0, &mut rng(2)).unwrap();
    let noisy = circle(500, 0.5, &mut rng(2)).unwrap();
    // Same draws for r and angle (noise draws follow them), so the same points.
    for (a, b) in clean.iter().zip(&noisy) {
        assert_eq!((a.x, a.y), (b.x, b.y));
    }
    for p in &noisy[..250] {
        assert!(radius(p) < 2.5);
    }
    for p in &noisy[250..] {
        assert!((3.5..=5.0).contains(&radius(p)));
    }
    let flipped = clean
        .iter()
        .zip(&noisy)
        .filter(|(a, b)| a.label != b.label)
        .count();
    // With noise up to ±2.5 per coordinate, many labels flip, but not most.
    assert!((20..250).contains(&flipped), "flipped {flipped}");
    assert!(noisy.iter().all(|p| p.label == 1.0 || p.label == -1.0));
}

#[test]
fn circle_odd_n_gives_exactly_n_with_extra_inner_point() {
    let points = circle(7, 0.0, &mut rng(3)).unwrap();
    assert_eq!(points.len(), 7);
    assert_eq!(count_label(&points, 1.0), 4);
    assert_eq!(count_label(&points, -1.0), 3);
    let one = circle(1, 0.0, &mut rng(3)).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].label, 1.0);
}

// ---- xor ---------------------------------------------------------------------------------

#[test]
fn xor_points_avoid_axes_and_labels_follow_sign_at_noise_0() {
    let points = xor(1000, 0.0, &mut rng(4)).unwrap();
    assert_eq!(points.len(), 1000);
    for p in &points {
        assert!(p.x.abs() >= 0.3 && p.x.abs() <= 5.3, "{p:?}");
        assert!(p.y.abs() >= 0.3 && p.y.abs() <= 5.3, "{p:?}");
        assert_eq!(p.label, if p.x * p.y >= 0.0 { 1.0 } else { -1.0 });
    }
    // All four quadrants are populated, about evenly.
    for (sx, sy) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
        let q = points
            .iter()
            .filter(|p| p.x * sx > 0.0 && p.y * sy > 0.0)
            .count();
        assert!((180..320).contains(&q), "quadrant ({sx}, {sy}) has {q}");
    }
}

#[test]
fn xor_noise_flips_some_labels_near_the_axes_only() {
    let noisy = xor(2000, 0.5, &mut rng(5)).unwrap();
    let wrong: Vec<&Point> = noisy
        .iter()
        .filter(|p| p.label != if p.x * p.y >= 0.0 { 1.0 } else { -1.0 })
        .collect();
    assert!(!wrong.is_empty());
    // Noise is at most 2.5 per coordinate, so a flipped point is within 2.5 of an axis.
    assert!(wrong.iter().all(|p| p.x.abs() < 2.5 || p.y.abs() < 2.5));
}

// ---- gauss -------------------------------------------------------------------------------

fn mean_and_variance(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = values.clone().count() as f64;
    let mean = values.clone().sum::<f64>() / n;
    let var = values.map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var)
}

#[test]
fn gauss_blobs_have_the_playground_means_and_variances() {
    let n = 20_000;
    for (noise, variance) in [(0.0, 0.5), (0.5, 4.0), (0.25, 2.25)] {
        let points = gauss(n, noise, &mut rng(6)).unwrap();
        assert_eq!(points.len(), n);
        let (pos, neg) = points.split_at(n / 2);
        assert!(pos.iter().all(|p| p.label == 1.0));
        assert!(neg.iter().all(|p| p.label == -1.0));
        for (blob, centre) in [(pos, 2.0), (neg, -2.0)] {
            for coord in [|p: &Point| p.x, |p: &Point| p.y] {
                let (m, v) = mean_and_variance(blob.iter().map(coord));
                assert!((m - centre).abs() < 0.06, "noise {noise}: mean {m}");
                assert!(
                    (v / variance - 1.0).abs() < 0.05,
                    "noise {noise}: variance {v}, expected {variance}"
                );
            }
        }
    }
}

// ---- spiral ------------------------------------------------------------------------------

#[test]
fn spiral_points_follow_the_formula_at_noise_0() {
    let points = spiral(500, 0.0, &mut rng(7)).unwrap();
    assert_eq!(points.len(), 500);
    assert_eq!(count_label(&points[..250], 1.0), 250);
    assert_eq!(count_label(&points[250..], -1.0), 250);
    for (k, p) in points.iter().enumerate() {
        let i = (k % 250) as f64;
        let r = 5.0 * i / 250.0;
        let delta = if k < 250 { 0.0 } else { std::f64::consts::PI };
        let t = 1.75 * i / 250.0 * 2.0 * std::f64::consts::PI + delta;
        assert!((p.x - r * t.sin()).abs() < 1e-12 && (p.y - r * t.cos()).abs() < 1e-12);
        assert!(radius(p) <= 5.0);
    }
    // The two arms are point reflections of each other.
    assert!((points[10].x + points[260].x).abs() < 1e-12);
    assert!((points[10].y + points[260].y).abs() < 1e-12);
}

#[test]
fn spiral_noise_moves_points_by_at_most_noise() {
    let clean = spiral(500, 0.0, &mut rng(8)).unwrap();
    let noisy = spiral(500, 0.3, &mut rng(8)).unwrap();
    let mut moved = 0;
    for (a, b) in clean.iter().zip(&noisy) {
        assert!((a.x - b.x).abs() <= 0.3 && (a.y - b.y).abs() <= 0.3);
        assert_eq!(a.label, b.label);
        if a != b {
            moved += 1;
        }
    }
    assert!(moved > 490);
}

// ---- plane and multi_gauss: the regression sets ------------------------------------------

/// Checks that `kind` makes, at several noises, the points its docs describe, drawn by hand
/// from the same seed: per point four uniforms on [-6, 6), in the order x, y, the x shift, the
/// y shift; the label is `target` at the shifted point. Returns its 1200 points at noise 0.
fn regression_as_documented(
    kind: Playground,
    seed: u64,
    target: impl Fn(f64, f64) -> f64,
) -> Vec<Point> {
    for noise in [0.0, 0.2, 0.5] {
        let mut r = rng(seed);
        let mut u = || -6.0 + 12.0 * r.random::<f64>();
        let by_hand: Vec<Point> = (0..1200)
            .map(|_| {
                let (x, y) = (u(), u());
                let (dx, dy) = (u() * noise, u() * noise);
                Point::new(x, y, target(x + dx, y + dy))
            })
            .collect();
        let made = kind.generate(1200, noise, &mut rng(seed)).unwrap();
        assert_eq!(made, by_hand, "{kind} at noise {noise}");
    }
    let clean = kind.generate(1200, 0.0, &mut rng(seed)).unwrap();
    assert!(clean.iter().all(in_view));
    clean
}

/// multi_gauss's target written another way: the cone (height 1 falling to 0 at distance 2)
/// of the nearest centre of the grid x = -4, 0, 4 by y = 2.5, -2.5, signed like a chessboard
/// with + at the top left.
fn cones(x: f64, y: f64) -> f64 {
    let mut best = (f64::INFINITY, 0.0);
    for (col, cx) in [-4.0, 0.0, 4.0].into_iter().enumerate() {
        for (row, cy) in [2.5, -2.5].into_iter().enumerate() {
            let d = (x - cx).hypot(y - cy);
            let sign = if (col + row) % 2 == 0 { 1.0 } else { -1.0 };
            if d < best.0 {
                best = (d, sign);
            }
        }
    }
    best.1 * (1.0 - best.0 / 2.0).max(0.0)
}

fn in_view(p: &Point) -> bool {
    (-6.0..6.0).contains(&p.x) && (-6.0..6.0).contains(&p.y)
}

#[test]
fn plane_labels_are_x_plus_y_over_10_with_exact_values_for_a_seed() {
    let points = plane(3, 0.0, &mut rng(1)).unwrap();
    assert_eq!(
        points[0],
        Point::new(5.690936847100833, 2.2948273284279175, 0.798576417552875)
    );
    assert_eq!(
        points[2],
        Point::new(
            0.24412472949954722,
            -1.3740050862845603,
            -0.11298803567850131
        )
    );
    let clean = regression_as_documented(Playground::Plane, 5, |x, y| (x + y) / 10.0);
    assert!(clean.iter().all(|p| p.label == (p.x + p.y) / 10.0));
    let (lo, hi) = clean.iter().fold((0.0f64, 0.0f64), |(lo, hi), p| {
        (lo.min(p.label), hi.max(p.label))
    });
    assert!(-1.2 < lo && lo < -1.0 && 1.0 < hi && hi < 1.2, "{lo} {hi}");
}

#[test]
fn regression_noise_moves_labels_and_keeps_points() {
    // At noise 0.3 a plane label is within 1.2 · 1.3 of 0; a cone's always within 1.
    for (kind, bound) in [
        (Playground::Plane, 1.2 * 1.3),
        (Playground::MultiGauss, 1.0),
    ] {
        let what = kind.name();
        let clean = kind.generate(1200, 0.0, &mut rng(3)).unwrap();
        let noisy = kind.generate(1200, 0.3, &mut rng(3)).unwrap();
        let mut moved = 0;
        for (a, b) in clean.iter().zip(&noisy) {
            assert_eq!((a.x, a.y), (b.x, b.y), "{what}");
            assert!(b.label.abs() <= bound, "{what}: {b:?}");
            moved += usize::from(a.label != b.label);
        }
        assert!(moved > 600, "{what}: {moved} labels moved");
    }
}

#[test]
fn multi_gauss_labels_are_six_signed_cones_with_exact_values_for_a_seed() {
    let points = multi_gauss(6, 0.0, &mut rng(1)).unwrap();
    // Near (4, 2.5), a + cone; off every cone; near (4, -2.5), a - cone.
    assert_eq!(
        points[0],
        Point::new(5.690936847100833, 2.2948273284279175, 0.1483305738076347)
    );
    assert_eq!(points[1].label, 0.0);
    assert_eq!(
        points[4],
        Point::new(4.707472787823679, -1.3137831031417333, -0.30941541577025766)
    );
    let clean = regression_as_documented(Playground::MultiGauss, 6, cones);
    assert!(clean.iter().all(|p| (-1.0..=1.0).contains(&p.label)));
    // Both signs, and flat ground between the cones: six cones of radius 2 cover
    // 6·π·4 / 144 ≈ 52% of the view.
    let (pos, neg) = (
        clean.iter().filter(|p| p.label > 0.0).count(),
        clean.iter().filter(|p| p.label < 0.0).count(),
    );
    let zero = clean.len() - pos - neg;
    assert!(pos > 250 && neg > 250 && zero > 450, "{pos} {neg} {zero}");
    // Top left is +, top middle -.
    assert!(
        clean
            .iter()
            .filter(|p| p.x < -2.0 && p.y > 0.0)
            .all(|p| p.label >= 0.0)
    );
    assert!(
        clean
            .iter()
            .filter(|p| p.x.abs() < 2.0 && p.y > 0.0)
            .all(|p| p.label <= 0.0)
    );
}

#[test]
fn regression_sets_in_the_playground_enum() {
    assert_eq!(
        Playground::REGRESSION,
        [Playground::Plane, Playground::MultiGauss]
    );
    let mut all = Playground::CLASSIFICATION.to_vec();
    all.extend(Playground::REGRESSION);
    assert_eq!(all, Playground::ALL);
    for kind in Playground::ALL {
        let regression = Playground::REGRESSION.contains(&kind);
        assert_eq!(kind.is_regression(), regression, "{kind}");
        assert_eq!(
            kind.samples(),
            if regression { 1200 } else { 500 },
            "{kind}"
        );
    }
    assert_eq!(
        "multi_gauss".parse::<Playground>().unwrap(),
        Playground::MultiGauss
    );
    assert_eq!(
        Playground::Plane.generate(50, 0.2, &mut rng(11)).unwrap(),
        plane(50, 0.2, &mut rng(11)).unwrap()
    );
    assert_eq!(
        Playground::MultiGauss
            .generate(50, 0.2, &mut rng(11))
            .unwrap(),
        multi_gauss(50, 0.2, &mut rng(11)).unwrap()
    );
    let n = Playground::Plane.samples();
    let data = datasets::playground(Playground::Plane, n, 0.0, &mut rng(2)).unwrap();
    assert_eq!((data.train.len(), data.test.len()), (600, 600));
}

#[test]
fn regression_noise_too_large_for_a_finite_label_is_refused() {
    // Shifts of 6·f64::MAX overflow: x + y of the shifted point is ±inf or NaN.
    assert_eq!(
        plane(4, f64::MAX, &mut rng(0)).unwrap_err().to_string(),
        "invalid argument: plane: noise 1.7976931348623157e308 is too large: it put labels at \
         infinity (the Playground's noise slider 0-50% is 0.0-0.5)"
    );
    // A point shifted to infinity is off every cone: label 0, and the points stay in view.
    let far = multi_gauss(4, f64::MAX, &mut rng(0)).unwrap();
    assert!(far.iter().all(|p| in_view(p) && p.label == 0.0), "{far:?}");
}

#[test]
fn spiral_odd_n_uses_each_arms_own_count() {
    let points = spiral(5, 0.0, &mut rng(9)).unwrap();
    assert_eq!(points.len(), 5);
    assert_eq!(count_label(&points, 1.0), 3);
    // The +1 arm has 3 points with radii 0, 5/3, 10/3; the -1 arm 2 with radii 0, 2.5.
    let radii: Vec<f64> = points.iter().map(radius).collect();
    for (got, want) in radii.iter().zip([0.0, 5.0 / 3.0, 10.0 / 3.0, 0.0, 2.5]) {
        assert!((got - want).abs() < 1e-12, "{radii:?}");
    }
}

// ---- validation and the Playground enum --------------------------------------------------

#[test]
fn generators_reject_zero_n_and_bad_noise() {
    for kind in Playground::ALL {
        for (n, noise) in [(0, 0.1), (10, -0.1), (10, f64::NAN), (10, f64::INFINITY)] {
            match kind.generate(n, noise, &mut rng(0)) {
                Err(Error::InvalidArgument(msg)) => {
                    // The message names the function: multi_gauss for `multigauss`.
                    let function = match kind {
                        Playground::MultiGauss => "multi_gauss",
                        _ => kind.name(),
                    };
                    assert!(msg.starts_with(function), "{msg}");
                    assert!(msg.contains(if n == 0 { "n must" } else { "noise must" }));
                }
                other => panic!("{kind} n={n} noise={noise}: {other:?}"),
            }
        }
        // Noise above the Playground's 0.5 is allowed.
        assert_eq!(kind.generate(10, 0.9, &mut rng(0)).unwrap().len(), 10);
    }
    // Finite noise so large that points land at infinity is refused, not returned; noise
    // that is large but leaves them finite is taken (the standard deviation, 1e160, is never
    // squared to infinity).
    for (what, noise, result) in [
        ("gauss", "1e308", gauss(4, 1e308, &mut rng(0))),
        (
            "moons",
            "1.7976931348623157e308",
            moons(4, f64::MAX, &mut rng(0)),
        ),
    ] {
        assert_eq!(
            result.unwrap_err().to_string(),
            format!(
                "invalid argument: {what}: noise {noise} is too large: it put points at \
                 infinity (the Playground's noise slider 0-50% is 0.0-0.5)"
            )
        );
    }
    let wide = moons(4, 1e160, &mut rng(0)).unwrap();
    assert!(
        wide.iter()
            .all(|p| p.x.is_finite() && p.y.is_finite() && p.x.abs() > 1e150)
    );
    assert_eq!(
        moons(0, 0.1, &mut rng(0)).unwrap_err(),
        Error::InvalidArgument("moons: n must be at least 1, got 0".into())
    );
    assert_eq!(
        moons(10, -1.0, &mut rng(0)).unwrap_err(),
        Error::InvalidArgument(
            "moons: noise must be finite and at least 0, got -1 (the Playground's noise slider \
             0-50% is 0.0-0.5)"
                .into()
        )
    );
}

#[test]
fn playground_names_parse_both_ways() {
    for kind in Playground::ALL {
        assert_eq!(kind.to_string().parse::<Playground>().unwrap(), kind);
        assert_eq!(
            kind.name().to_uppercase().parse::<Playground>().unwrap(),
            kind
        );
    }
    assert_eq!("gaussian".parse::<Playground>().unwrap(), Playground::Gauss);
    let err = "moons".parse::<Playground>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid argument: unknown dataset `moons`: expected one of circle, xor, gauss, spiral \
         (classification), plane, multigauss (regression)"
    );
}

#[test]
fn generate_matches_the_named_functions() {
    assert_eq!(
        Playground::Circle.generate(50, 0.2, &mut rng(11)).unwrap(),
        circle(50, 0.2, &mut rng(11)).unwrap()
    );
    assert_eq!(
        Playground::Spiral.generate(50, 0.2, &mut rng(11)).unwrap(),
        spiral(50, 0.2, &mut rng(11)).unwrap()
    );
}

// ---- determinism -------------------------------------------------------------------------

#[test]
fn same_seed_same_data_different_seed_different_data() {
    for kind in Playground::ALL {
        let a = datasets::playground(kind, 500, 0.2, &mut rng(42)).unwrap();
        let b = datasets::playground(kind, 500, 0.2, &mut rng(42)).unwrap();
        let c = datasets::playground(kind, 500, 0.2, &mut rng(43)).unwrap();
        assert_eq!(a, b, "{kind}");
        assert_ne!(a, c, "{kind}");
    }
    assert_eq!(
        moons(100, 0.1, &mut rng(1)).unwrap(),
        moons(100, 0.1, &mut rng(1)).unwrap()
    );
    assert_ne!(
        moons(100, 0.1, &mut rng(1)).unwrap(),
        moons(100, 0.1, &mut rng(2)).unwrap()
    );
}

// ---- split and the Playground setup ------------------------------------------------------

fn sorted_bits(points: &[Point]) -> Vec<[u64; 3]> {
    let mut v: Vec<[u64; 3]> = points
        .iter()
        .map(|p| [p.x.to_bits(), p.y.to_bits(), p.label.to_bits()])
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn playground_split_is_250_250_with_no_point_lost_or_duplicated() {
    let data = datasets::playground(Playground::Xor, 500, 0.1, &mut rng(12)).unwrap();
    assert_eq!(data.train.len(), 250);
    assert_eq!(data.test.len(), 250);
    // The same points as the generator made with this seed, just shuffled.
    let generated = xor(500, 0.1, &mut rng(12)).unwrap();
    let mut all = data.train.clone();
    all.extend_from_slice(&data.test);
    assert_eq!(sorted_bits(&all), sorted_bits(&generated));
    // And really shuffled: the generated order is not kept.
    assert_ne!(all, generated);
    // Gauss generates its classes in two blocks; after shuffling both halves hold both.
    let g = datasets::playground(Playground::Gauss, 500, 0.0, &mut rng(12)).unwrap();
    for half in [&g.train, &g.test] {
        let pos = count_label(half, 1.0);
        assert!((90..160).contains(&pos), "{pos}");
    }
}

#[test]
fn split_cuts_at_floor_of_fraction() {
    let s = split((0..10).collect::<Vec<i32>>(), 0.5).unwrap();
    assert_eq!(s.train, [0, 1, 2, 3, 4]);
    assert_eq!(s.test, [5, 6, 7, 8, 9]);
    assert_eq!(split(vec![1, 2, 3], 0.5).unwrap().train, [1]);
    assert_eq!(
        split((0..100).collect::<Vec<_>>(), 0.29)
            .unwrap()
            .train
            .len(),
        29
    );
    assert_eq!(
        split(vec![1, 2], 0.0).unwrap(),
        Split {
            train: vec![],
            test: vec![1, 2]
        }
    );
    assert_eq!(split(vec![1, 2], 1.0).unwrap().train, [1, 2]);
    // Only rounding error is forgiven: 0.3333333333 of 3 is 0.9999999999, rounded down.
    assert_eq!(split(vec![1, 2, 3], 0.3333333333).unwrap().train, [0; 0]);
    assert_eq!(split(vec![1, 2, 3], 1.0 / 3.0).unwrap().train, [1]);
    assert_eq!(
        split((0..1000).collect::<Vec<_>>(), 0.7)
            .unwrap()
            .train
            .len(),
        700
    );
    assert_eq!(split(Vec::<i32>::new(), 0.5).unwrap().train, [0; 0]);
    for bad in [-0.1, 1.5, f64::NAN] {
        assert!(matches!(
            split(vec![1], bad),
            Err(Error::InvalidArgument(_))
        ));
    }
}

/// `n` points sorted by class: the first `negatives` labelled 0, the rest 1; x is the index.
fn sorted_by_class(n: usize, negatives: usize) -> Vec<Point> {
    (0..n)
        .map(|i| Point::new(i as f64, 0.0, if i < negatives { 0.0 } else { 1.0 }))
        .collect()
}

#[test]
fn split_shuffled_is_split_after_a_seeded_shuffle() {
    let sorted = sorted_by_class(100, 50);
    let s = split_shuffled(sorted.clone(), 0.7, 3).unwrap();
    // The oracle: the same shuffle by hand, then the plain split.
    let mut shuffled = sorted.clone();
    shuffled.shuffle(&mut rng(3));
    assert_eq!(s, split(shuffled, 0.7).unwrap());
    assert_eq!((s.train.len(), s.test.len()), (70, 30));
    // Nothing lost or duplicated; both classes on both sides, where split() in order would
    // have trained on class 0 and class 1 in its first 20.
    let mut all = s.train.clone();
    all.extend_from_slice(&s.test);
    assert_eq!(sorted_bits(&all), sorted_bits(&sorted));
    for side in [&s.train, &s.test] {
        assert!(count_label(side, 0.0) > 0 && count_label(side, 1.0) > 0);
    }
    assert_eq!(
        count_label(&split(sorted.clone(), 0.5).unwrap().train, 1.0),
        0
    );
    // Repeatable under a seed, different under another.
    assert_eq!(split_shuffled(sorted.clone(), 0.7, 3).unwrap(), s);
    assert_ne!(split_shuffled(sorted.clone(), 0.7, 4).unwrap(), s);
    // An empty side is what was asked for, not a one-class side.
    let all_train = split_shuffled(sorted.clone(), 1.0, 3).unwrap();
    assert_eq!((all_train.train.len(), all_train.test.len()), (100, 0));
}

#[test]
fn split_shuffled_refuses_one_class_sides_and_says_which() {
    let message =
        |points: Vec<Point>, fraction: f64, seed: u64| match split_shuffled(points, fraction, seed)
        {
            Err(Error::InvalidArgument(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        };
    assert_eq!(
        message(sorted_by_class(6, 0), 0.5, 1),
        "split_shuffled: the data holds only class 1 (6 points); a two-class split needs both"
    );
    // One point to train on is one class, whatever the shuffle.
    assert_eq!(
        message(sorted_by_class(10, 5), 0.1, 1),
        format!(
            "split_shuffled: the training set would hold only class {} (1 point) with \
             train_fraction 0.1 and seed 1; use more points, another fraction or another seed",
            split_shuffled_training_label(10, 5, 0.1, 1)
        )
    );
    // One point to test on, likewise.
    let m = message(sorted_by_class(10, 5), 0.9, 1);
    assert!(
        m.starts_with("split_shuffled: the test set would hold only class"),
        "{m}"
    );
    assert!(
        m.contains("(1 point) with train_fraction 0.9 and seed 1"),
        "{m}"
    );
    for bad in [-0.1, 1.5, f64::NAN] {
        assert!(message(sorted_by_class(10, 5), bad, 1).starts_with("train_fraction must be"));
    }
}

/// The label of the one training point `split_shuffled` would keep.
fn split_shuffled_training_label(n: usize, negatives: usize, fraction: f64, seed: u64) -> f64 {
    let mut points = sorted_by_class(n, negatives);
    points.shuffle(&mut rng(seed));
    split(points, fraction).unwrap().train[0].label
}

#[test]
fn playground_noise_is_a_fraction_up_to_one_half() {
    assert_eq!(datasets::PLAYGROUND_MAX_NOISE, 0.5);
    let half = datasets::playground(Playground::Circle, 100, 0.5, &mut rng(1)).unwrap();
    assert_eq!(half.train.len() + half.test.len(), 100);
    let refused = |noise: f64| {
        datasets::playground(Playground::Circle, 100, noise, &mut rng(1))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refused(30.0),
        "invalid argument: playground: noise is a fraction from 0 to 0.5 (the Playground's \
         slider / 100), got 30; for 30% pass 0.3"
    );
    assert_eq!(
        refused(0.75),
        "invalid argument: playground: noise is a fraction from 0 to 0.5 (the Playground's \
         slider / 100), got 0.75"
    );
    assert!(refused(f64::NAN).contains("noise must be finite"));
}

// ---- moons -------------------------------------------------------------------------------

#[test]
fn moons_without_noise_lie_on_the_two_half_circles() {
    let points = moons(100, 0.0, &mut rng(13)).unwrap();
    assert_eq!(points.len(), 100);
    assert_eq!(count_label(&points, -1.0), 50);
    assert_eq!(count_label(&points, 1.0), 50);
    for p in &points {
        if p.label == -1.0 {
            // Outer moon: the upper unit half-circle around the origin.
            assert!(
                (p.x.hypot(p.y) - 1.0).abs() < 1e-12 && p.y >= -1e-12,
                "{p:?}"
            );
        } else {
            // Inner moon: the lower unit half-circle around (1, 0.5).
            assert!(((p.x - 1.0).hypot(p.y - 0.5) - 1.0).abs() < 1e-12, "{p:?}");
            assert!(p.y <= 0.5 + 1e-12);
        }
    }
    // The ends of each moon are there exactly, as with numpy's linspace.
    assert!(points.contains(&Point::new(1.0, 0.0, -1.0)));
    assert!(points.contains(&Point::new(-1.0, std::f64::consts::PI.sin(), -1.0)));
    assert!(points.contains(&Point::new(0.0, 0.5, 1.0)));
    assert!(points.contains(&Point::new(
        2.0,
        1.0 - std::f64::consts::PI.sin() - 0.5,
        1.0
    )));
    // Shuffled, not outer-then-inner.
    assert!(points[..50].iter().any(|p| p.label == 1.0));
}

#[test]
fn moons_odd_n_and_noise() {
    let points = moons(7, 0.0, &mut rng(14)).unwrap();
    assert_eq!(count_label(&points, -1.0), 3);
    assert_eq!(count_label(&points, 1.0), 4);

    let noisy = moons(4000, 0.1, &mut rng(15)).unwrap();
    // Noise is N(0, 0.1²) per coordinate: the distance from the moon's circle has a spread
    // close to 0.1 and the whole set stays in the familiar box.
    let offsets: Vec<f64> = noisy
        .iter()
        .map(|p| {
            if p.label == -1.0 {
                p.x.hypot(p.y) - 1.0
            } else {
                (p.x - 1.0).hypot(p.y - 0.5) - 1.0
            }
        })
        .collect();
    let (m, v) = mean_and_variance(offsets.iter().copied());
    assert!(m.abs() < 0.02, "mean offset {m}");
    assert!((v.sqrt() - 0.1).abs() < 0.01, "spread {}", v.sqrt());
    assert!(
        noisy
            .iter()
            .all(|p| (-1.7..2.7).contains(&p.x) && (-1.2..1.7).contains(&p.y))
    );
}

// ---- the fixed sets ----------------------------------------------------------------------

#[test]
fn six_points_are_exact() {
    let expected = [
        (3.0, 4.0, 0.0),
        (2.0, 6.0, 0.0),
        (1.0, 6.0, 0.0),
        (1.0, 1.0, 1.0),
        (2.0, 1.0, 1.0),
        (3.0, 1.0, 1.0),
    ]
    .map(|(x, y, l)| Point::new(x, y, l));
    assert_eq!(six_points(), expected);
}

#[test]
fn odd_even_is_exact() {
    assert_eq!(
        odd_even(),
        [
            (1.0, 1.0),
            (2.0, 0.0),
            (3.0, 1.0),
            (4.0, 0.0),
            (5.0, 1.0),
            (6.0, 0.0),
            (7.0, 1.0),
            (8.0, 0.0),
            (9.0, 1.0),
            (10.0, 0.0)
        ]
    );
    let test = odd_even_range(11..=255);
    assert_eq!(test.len(), 245);
    assert_eq!(test[1], (12.0, 0.0));
    assert!(test.iter().all(|&(x, l)| l == x % 2.0));
    let (a, b) = (5, 4);
    assert!(odd_even_range(a..=b).is_empty());
    // Up to 2^53 every number is exact; past it, 2^53 + 1 would become an even input
    // labelled odd, so such a range is refused.
    let top = 1u64 << 53;
    assert_eq!(
        odd_even_range(top - 1..=top),
        [(top as f64 - 1.0, 1.0), (top as f64, 0.0)]
    );
    let msg = panic_message(|| drop(odd_even_range(0..=top - 1)));
    assert!(
        msg.starts_with(
            "odd_even_range: invalid argument: 9007199254740992 numbers do not fit in memory"
        ),
        "{msg}"
    );
    let msg = panic_message(|| drop(odd_even_range(top..=top + 1)));
    assert!(
        msg.starts_with("odd_even_range: every number must be at most 2^53"),
        "{msg}"
    );
    assert!(
        msg.ends_with("got a range ending at 9007199254740993"),
        "{msg}"
    );
}

#[test]
fn bits_are_lsb_first_and_never_truncated() {
    assert_eq!(to_bits(0, 3).unwrap(), [0.0, 0.0, 0.0]);
    assert_eq!(to_bits(1, 3).unwrap(), [1.0, 0.0, 0.0]);
    assert_eq!(to_bits(11, 4).unwrap(), [1.0, 1.0, 0.0, 1.0]);
    assert_eq!(to_bits(255, 8).unwrap(), [1.0; 8]);
    assert_eq!(to_bits(u64::MAX, 64).unwrap().len(), 64);
    let err = to_bits(256, 8).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidArgument("256 needs 9 bits, but only 8 were asked for".into())
    );
    for bits in [0, 65] {
        assert_eq!(
            to_bits(1, bits).unwrap_err(),
            Error::InvalidArgument(format!("bits must be between 1 and 64, got {bits}"))
        );
    }

    let data = odd_even_bits(11..=255, 8).unwrap();
    assert_eq!(data.len(), 245);
    assert_eq!(data[0], (vec![1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0], 1.0));
    for (k, (bits, label)) in (11u64..=255).zip(&data) {
        let back: u64 = bits.iter().enumerate().map(|(i, b)| (*b as u64) << i).sum();
        assert_eq!(back, k);
        assert_eq!(*label, (k % 2) as f64);
    }
    assert_eq!(
        odd_even_bits(1..=16, 4).unwrap_err(),
        Error::InvalidArgument("16 needs 5 bits, but only 4 were asked for".into())
    );
}

#[test]
fn odd_even_bits_refuses_a_range_too_large_for_memory() {
    // Before: the pairs were collected one by one until memory ran out.
    for (range, bits, count) in [
        (1..=1 << 40, 41, "1099511627776"),
        (0..=u64::MAX, 64, "18446744073709551616"),
    ] {
        let msg = odd_even_bits(range, bits).unwrap_err().to_string();
        let want = format!(
            "invalid argument: odd_even_bits: {count} numbers of {bits} bits do not fit in memory"
        );
        assert!(msg.starts_with(&want), "{msg}");
    }
    // A number too large for the bits is named before any memory is asked for, and `bits` is
    // checked even for an empty range, as the docs say.
    assert_eq!(
        odd_even_bits(0..=1 << 40, 40).unwrap_err(),
        Error::InvalidArgument("1099511627776 needs 41 bits, but only 40 were asked for".into())
    );
    let (a, b) = (5, 4);
    assert_eq!(
        odd_even_bits(a..=b, 0).unwrap_err(),
        Error::InvalidArgument("bits must be between 1 and 64, got 0".into())
    );
    assert_eq!(odd_even_bits(a..=b, 3).unwrap(), []);
    assert_eq!(
        odd_even_bits(u64::MAX..=u64::MAX, 64).unwrap(),
        [(vec![1.0; 64], 1.0)]
    );
}

// ---- CSV ---------------------------------------------------------------------------------

/// The line and message of the CSV error `from_csv_str(text)` returns.
fn csv_err(text: &str) -> (usize, String) {
    csv_err_of(text, from_csv_str(text))
}

/// The line and message of a reader's CSV error for `text`.
fn csv_err_of(text: &str, result: Result<Vec<Point>, Error>) -> (usize, String) {
    match result {
        Err(Error::Csv { line, message }) => (line, message),
        other => panic!("expected a CSV error for {text:?}, got {other:?}"),
    }
}

#[test]
fn csv_good_files_parse() {
    let text = "x,y,label\n1.5,2,1\n-3,0.25,-1\n 4e-1 , -0 ,+1\n";
    assert_eq!(
        from_csv_str(text).unwrap(),
        [
            Point::new(1.5, 2.0, 1.0),
            Point::new(-3.0, 0.25, -1.0),
            Point::new(0.4, 0.0, 1.0),
        ]
    );
    // 0/1 labels are kept as written; CRLF, a BOM, other header names and trailing blank
    // lines are fine.
    let text = "\u{feff}a,b,class\r\n0,1,0\r\n1,0,1.0\r\n\r\n  \n";
    assert_eq!(
        from_csv_str(text).unwrap(),
        [Point::new(0.0, 1.0, 0.0), Point::new(1.0, 0.0, 1.0)]
    );
    // No final newline.
    assert_eq!(from_csv_str("x,y,label\n1,2,-1").unwrap().len(), 1);
    // One class only is allowed.
    assert_eq!(from_csv_str("x,y,label\n1,2,1\n3,4,1\n").unwrap().len(), 2);
}

#[test]
fn csv_empty_file_and_missing_header() {
    for empty in ["", "\n\n", "  \r\n"] {
        let (line, msg) = csv_err(empty);
        assert_eq!(line, 1);
        assert!(msg.starts_with("empty file"), "{msg}");
    }
    let (line, msg) = csv_err("1,2,1\n3,4,-1\n");
    assert_eq!(line, 1);
    assert_eq!(
        msg,
        "missing header: expected a line of names like `x,y,label`, found `1,2,1`"
    );
    let (line, msg) = csv_err("x,y\n1,2\n");
    assert_eq!(line, 1);
    assert_eq!(
        msg,
        "header has the wrong number of fields: expected 3 (x,y,label), got 2"
    );
    let (line, msg) = csv_err("x,y,label\n\n");
    assert_eq!((line, msg.as_str()), (2, "no data rows after the header"));
}

#[test]
fn csv_wrong_field_count_names_expected_and_got() {
    let (line, msg) = csv_err("x,y,label\n1,2,1\n3,4\n");
    assert_eq!(line, 3);
    assert_eq!(msg, "wrong number of fields: expected 3 (x,y,label), got 2");
    let (line, msg) = csv_err("x,y,label\n1,2,1\n5,6,1\n7,8,-1,9\n");
    assert_eq!(line, 4);
    assert!(msg.ends_with("expected 3 (x,y,label), got 4"), "{msg}");
}

#[test]
fn csv_unparsable_and_non_finite_numbers_are_quoted() {
    let (line, msg) = csv_err("x,y,label\n1,2,1\nabc,4,-1\n");
    assert_eq!(
        (line, msg.as_str()),
        (3, "cannot parse x `abc` as a number")
    );
    let (line, msg) = csv_err("x,y,label\n1,,1\n");
    assert_eq!((line, msg.as_str()), (2, "cannot parse y `` as a number"));
    let (line, msg) = csv_err("x,y,label\n1,2,yes\n");
    assert_eq!(
        (line, msg.as_str()),
        (2, "cannot parse label `yes` as a number")
    );
    let (line, msg) = csv_err("x,y,label\n1,2,1\n3,4,1\nNaN,1,1\n");
    assert_eq!((line, msg.as_str()), (4, "x `NaN` is not a finite number"));
    let (line, msg) = csv_err("x,y,label\n1,-inf,1\n");
    assert_eq!((line, msg.as_str()), (2, "y `-inf` is not a finite number"));
}

#[test]
fn csv_labels_must_be_one_convention() {
    let (line, msg) = csv_err("x,y,label\n1,2,1\n3,4,2\n");
    assert_eq!(line, 3);
    assert_eq!(
        msg,
        "label `2` is not a class: labels must be -1 and 1, or 0 and 1"
    );
    let (line, msg) = csv_err("x,y,label\n1,2,-1\n3,4,1\n5,6,0\n");
    assert_eq!(line, 4);
    assert_eq!(
        msg,
        "label 0 mixes label conventions: line 2 used -1; use either -1 and 1, or 0 and 1"
    );
    let (line, msg) = csv_err("x,y,label\n1,2,0\n3,4,-1\n");
    assert_eq!(line, 3);
    assert!(
        msg.starts_with("label -1 mixes label conventions: line 2 used 0"),
        "{msg}"
    );
}

#[test]
fn csv_blank_line_between_rows_is_an_error() {
    let (line, msg) = csv_err("x,y,label\n1,2,1\n\n3,4,-1\n");
    assert_eq!(line, 3);
    assert!(msg.starts_with("blank line between data rows"), "{msg}");
}

#[test]
fn csv_error_display_names_the_line() {
    let err = from_csv_str("x,y,label\n1,2\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "CSV line 2: wrong number of fields: expected 3 (x,y,label), got 2"
    );
}

#[test]
fn csv_fields_may_be_quoted() {
    // Quoted numbers, spaces around quotes, and CRLF.
    let text = "x,y,\"label\"\r\n\"1.5\" , \"-2\",1\r\n\" 3 \",4,\"0\"\r\n";
    assert_eq!(
        from_csv_str(text).unwrap(),
        [Point::new(1.5, -2.0, 1.0), Point::new(3.0, 4.0, 0.0)]
    );
    // A quoted field may hold commas, doubled quotes and line breaks; the next record's
    // line number counts the lines the field spans.
    let text = "note,x,y,label\n\"a, \"\"b\"\"\nc\",1,2,1\n\"\",3,oops,0\n";
    let columns = CsvColumns {
        x: "x",
        y: "y",
        label: "label",
    };
    assert_eq!(
        columns.parse(text).unwrap_err().to_string(),
        "CSV line 4: cannot parse y (column `y`) `oops` as a number"
    );
    let text = "note,x,y,label\n\"a, \"\"b\"\"\nc\",1,2,1\n\"\",3,4,0\n";
    assert_eq!(
        columns.parse(text).unwrap(),
        [Point::new(1.0, 2.0, 1.0), Point::new(3.0, 4.0, 0.0)]
    );
}

#[test]
fn csv_quoting_errors_name_the_line() {
    let (line, msg) = csv_err("x,y,label\n1,2,1\n\"3,4,1\n5,6,0\n");
    assert_eq!(
        (line, msg.as_str()),
        (3, "a quoted field is never closed (a `\"` is missing)")
    );
    let (line, msg) = csv_err("x,y,label\n\"1\"2,3,1\n");
    assert_eq!(
        (line, msg.as_str()),
        (
            2,
            "unexpected `2` after a closing quote (a field ends there)"
        )
    );
    let (line, msg) = csv_err("x,y,label\n1,2,1\n1,2\"3\",1\n");
    assert_eq!(line, 3);
    assert!(msg.starts_with("a quote inside an unquoted field"), "{msg}");
    // A quoted empty line is a field, not a blank line.
    let (line, msg) = csv_err("x,y,label\n\"\"\n1,2,1\n");
    assert_eq!(
        (line, msg.as_str()),
        (2, "wrong number of fields: expected 3 (x,y,label), got 1")
    );
}

#[test]
fn csv_columns_pick_three_columns_by_name() {
    let text = "id,\"petal width\", species ,petal length\n\
                a,0.2,1,1.4\n\
                b,1.4,-1,4.7\n";
    let columns = CsvColumns {
        x: "petal length",
        y: "petal width",
        label: "species",
    };
    assert_eq!(
        columns.parse(text).unwrap(),
        [Point::new(1.4, 0.2, 1.0), Point::new(4.7, 1.4, -1.0)]
    );
    // from_csv_str takes exactly three columns and points to CsvColumns for more.
    let (line, msg) = csv_err(text);
    assert_eq!(line, 1);
    assert_eq!(
        msg,
        "header has the wrong number of fields: expected 3 (x,y,label), got 4; to read \
         three columns of a wider file, name them with CsvColumns"
    );

    // One column for two roles is a slip, not a data set.
    let twice = CsvColumns {
        x: "petal width",
        ..columns
    };
    assert_eq!(
        twice.parse(text).unwrap_err().to_string(),
        "invalid argument: CsvColumns: column `petal width` is named for both x and y; give \
         each role its own column"
    );
    let err = |columns: CsvColumns, text: &str| csv_err_of(text, columns.parse(text));
    let missing = CsvColumns {
        label: "class",
        ..columns
    };
    assert_eq!(
        err(missing, text),
        (
            1,
            "no column `class` in the header; its columns are id, petal width, species, \
             petal length"
                .to_string()
        )
    );
    assert_eq!(
        err(
            columns,
            "species,petal width,petal length,species\n1,2,3,1\n"
        ),
        (
            1,
            "column `species` appears more than once in the header".to_string()
        )
    );
    assert_eq!(
        err(
            columns,
            "id,petal width,species,petal length\na,1,1,2\nb,1,1\n"
        ),
        (
            3,
            "wrong number of fields: expected 4 (as in the header), got 3".to_string()
        )
    );
    assert_eq!(
        err(
            columns,
            "id,petal width,species,petal length\na,1,1,2\nb,1,0,2\nc,1,-1,2\n"
        ),
        (
            4,
            "label -1 mixes label conventions: line 3 used 0; use either -1 and 1, or 0 and 1"
                .to_string()
        )
    );
    // The other columns are never parsed, and the same rules hold for the header and blanks.
    assert_eq!(err(columns, "").0, 1);
    assert_eq!(
        err(columns, "id,petal width,species,petal length\n\nb,1,0,2\n"),
        (
            2,
            "blank line between data rows (blank lines are allowed only at the end)".to_string()
        )
    );
}

#[test]
fn csv_columns_load_reads_a_file() {
    let dir = std::env::temp_dir().join(format!("tapegrad-csv-columns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wide.csv");
    std::fs::write(&path, "label,u,v,w\n1,0.5,2,x\n0,1,-2,y\n").unwrap();
    let columns = CsvColumns {
        x: "u",
        y: "w",
        label: "label",
    };
    assert_eq!(
        columns.load(&path).unwrap_err().to_string(),
        "CSV line 2: cannot parse y (column `w`) `x` as a number"
    );
    let columns = CsvColumns { y: "v", ..columns };
    assert_eq!(
        columns.load(&path).unwrap(),
        [Point::new(0.5, 2.0, 1.0), Point::new(1.0, -2.0, 0.0)]
    );
    match columns.load(dir.join("missing.csv")) {
        Err(Error::Io(msg)) => assert!(msg.contains("missing.csv"), "{msg}"),
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file that is not UTF-8 (a spreadsheet's UTF-16 "Unicode text", say) is refused with what
/// a CSV file must be, not only what it is not.
#[test]
fn load_csv_says_a_file_must_be_utf8() {
    let dir = std::env::temp_dir().join(format!("tapegrad-csv-utf16-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("utf16.csv");
    let utf16: Vec<u8> = [0xfeff_u16]
        .into_iter()
        .chain("x,y,label\n1,2,1\n".encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(&path, utf16).unwrap();
    let expected = format!(
        "I/O error: cannot read {}: stream did not contain valid UTF-8; a CSV file must be \
         UTF-8 text (save it as \"CSV UTF-8\"; UTF-16 \"Unicode text\" is not)",
        path.display()
    );
    assert_eq!(datasets::load_csv(&path).unwrap_err().to_string(), expected);
    let columns = CsvColumns {
        x: "x",
        y: "y",
        label: "label",
    };
    assert_eq!(columns.load(&path).unwrap_err().to_string(), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file that cannot be read twice (a named pipe, `/dev/stdin`, a shell's `<(…)`) is read
/// whole, once, as a file of any size was before the reader read files in blocks.
#[cfg(unix)]
#[test]
fn load_csv_reads_a_named_pipe() {
    let dir = std::env::temp_dir().join(format!("tapegrad-csv-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("points.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "x,y,label\n0.5,-0.5,1\n2,3,-1\n"))
    };
    assert_eq!(
        datasets::load_csv(&fifo).unwrap(),
        [Point::new(0.5, -0.5, 1.0), Point::new(2.0, 3.0, -1.0)]
    );
    writer.join().unwrap().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn load_csv_reads_files_and_reports_missing_ones() {
    let dir = std::env::temp_dir().join(format!("tapegrad-datasets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.csv");
    std::fs::write(&good, "x,y,label\n0.5,-0.5,1\n").unwrap();
    assert_eq!(
        datasets::load_csv(&good).unwrap(),
        [Point::new(0.5, -0.5, 1.0)]
    );
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "x,y,label\n0.5,-0.5,1\n1,2,3\n").unwrap();
    assert!(matches!(
        datasets::load_csv(&bad),
        Err(Error::Csv { line: 3, .. })
    ));
    let missing = dir.join("missing.csv");
    match datasets::load_csv(&missing) {
        Err(Error::Io(msg)) => assert!(msg.contains("missing.csv"), "{msg}"),
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
