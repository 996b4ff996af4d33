//! Pictures: sparklines, the terminal decision map and the structure of the SVGs.

use tapegrad::datasets::Point;
use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
use tapegrad::plot::{
    BoundaryOptions, Bounds, CurveOptions, MapOptions, NetworkMapOptions, decision_boundary_svg,
    decision_boundary_svg_with_test, decision_map_terminal, decision_map_terminal_with_test,
    loss_curves_svg, network_maps_svg, sparkline, sparkline_fit,
};

#[path = "common/panics.rs"]
mod panics;
use panics::panic_message;

// ---- sparkline ---------------------------------------------------------------------------

#[test]
fn sparkline_exact_output() {
    assert_eq!(
        sparkline(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
        "▁▂▃▄▅▆▇█"
    );
    assert_eq!(
        sparkline(&[7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0]),
        "█▇▆▅▄▃▂▁"
    );
    // Rounded to the nearest bar: 0.5 of the range is 3.5 bars, rounded up to ▅.
    assert_eq!(sparkline(&[0.0, 0.5, 1.0]), "▁▅█");
    assert_eq!(sparkline(&[1.0, 0.25, 0.1, 0.0]), "█▃▂▁");
    assert_eq!(sparkline(&[-3.0, 3.0]), "▁█");
}

#[test]
fn sparkline_edge_cases() {
    assert_eq!(sparkline(&[]), "");
    assert_eq!(sparkline(&[42.0]), "▄");
    assert_eq!(sparkline(&[2.0, 2.0, 2.0]), "▄▄▄");
    // Non-finite values are gaps and do not stretch the scale.
    assert_eq!(
        sparkline(&[0.0, f64::NAN, 1.0, f64::INFINITY, f64::NEG_INFINITY]),
        "▁ █  "
    );
    assert_eq!(sparkline(&[f64::NAN, f64::NAN]), "  ");
    assert_eq!(sparkline(&[f64::NAN, 5.0]), " ▄");
    // A span too large for f64 still maps the ends to the ends.
    assert_eq!(sparkline(&[-f64::MAX, f64::MAX]), "▁█");
}

#[test]
fn sparkline_fit_buckets_by_mean() {
    // 8 values in 4 buckets of 2: means 0.5, 2.5, 4.5, 6.5.
    let values = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
    assert_eq!(sparkline_fit(&values, 4), sparkline(&[0.5, 2.5, 4.5, 6.5]));
    assert_eq!(sparkline_fit(&values, 4), "▁▃▆█");
    assert_eq!(sparkline_fit(&values, 8), sparkline(&values));
    assert_eq!(sparkline_fit(&values, 100), sparkline(&values));
    // A bucket of only NaN is a gap; NaN inside a bucket is skipped.
    assert_eq!(
        sparkline_fit(&[0.0, f64::NAN, f64::NAN, f64::NAN, 2.0, 2.0], 3),
        "▁ █"
    );
    assert_eq!(sparkline_fit(&[], 0), "");
    // A bucket whose sum overflows still has a mean (1e308 here), not a gap.
    assert_eq!(
        sparkline_fit(&[1e308, 1e308, 0.0, 0.0, 5.0, 5.0], 3),
        sparkline(&[1e308, 0.0, 5.0])
    );
    let long: Vec<f64> = (0..1001).map(f64::from).collect();
    assert_eq!(sparkline_fit(&long, 7).chars().count(), 7);
}

// ---- terminal map ------------------------------------------------------------------------

#[test]
fn terminal_map_has_the_requested_dimensions() {
    let map = decision_map_terminal(|x, y| x + y, &[], &MapOptions::default());
    let lines: Vec<&str> = map.lines().collect();
    assert_eq!(lines.len(), 30);
    assert!(lines.iter().all(|l| l.chars().count() == 60));
    assert!(map.ends_with('\n'));
    let small = MapOptions {
        width: 5,
        height: 2,
        ..MapOptions::default()
    };
    assert_eq!(
        decision_map_terminal(|_, _| 1.0, &[], &small),
        "+++++\n+++++\n"
    );
    assert_eq!(
        decision_map_terminal(|_, _| 0.0, &[], &small),
        "-----\n-----\n"
    );
}

#[test]
fn terminal_map_puts_positive_on_the_right_for_x() {
    let points = [
        Point::new(-3.0, 3.0, -1.0), // upper left, a negative point
        Point::new(3.0, -3.0, 1.0),  // lower right, a positive point
        Point::new(-5.9, -5.9, 1.0), // lower left corner, positive point on negative side
        Point::new(20.0, 0.0, 1.0),  // outside the bounds: not drawn
    ];
    let map = decision_map_terminal(|x, _| x, &points, &MapOptions::default());
    let grid: Vec<Vec<char>> = map.lines().map(|l| l.chars().collect()).collect();
    let mut marks = Vec::new();
    for (row, line) in grid.iter().enumerate() {
        for (col, &c) in line.iter().enumerate() {
            match c {
                '-' => assert!(col < 30, "'-' at column {col}"),
                '+' => assert!(col >= 30, "'+' at column {col}"),
                _ => marks.push((row, col, c)),
            }
        }
    }
    // Cells are 0.2 wide and 0.4 high over [-6, 6]²; row 0 is the top.
    assert_eq!(marks, [(7, 15, 'x'), (22, 45, 'o'), (29, 0, 'o')]);
    let counts = |c: char| map.chars().filter(|&m| m == c).count();
    assert_eq!(counts('-'), 30 * 30 - 2);
    assert_eq!(counts('+'), 30 * 30 - 1);
}

#[test]
fn terminal_map_marks_mixed_cells_and_nan_scores() {
    let options = MapOptions {
        width: 4,
        height: 2,
        bounds: Bounds::square(2.0),
        color: false,
    };
    let points = [Point::new(1.5, 1.5, 1.0), Point::new(1.4, 1.4, 0.0)];
    let map = decision_map_terminal(
        |x, _| if x < -1.0 { f64::NAN } else { x },
        &points,
        &options,
    );
    assert_eq!(map, "?-+*\n?-++\n");
}

#[test]
fn terminal_map_draws_test_points_in_capitals() {
    let options = MapOptions {
        width: 4,
        height: 2,
        bounds: Bounds::square(2.0),
        color: false,
    };
    let train = [Point::new(-1.5, 1.5, -1.0), Point::new(0.5, -0.5, 1.0)];
    let test = [
        Point::new(-0.5, 1.5, -1.0), // alone: X
        Point::new(1.5, 1.5, 1.0),   // alone: O
        Point::new(0.6, -0.6, 1.0),  // with a training point of its label: O
        Point::new(-1.5, -1.5, 1.0), // with a training point of the other label: *
    ];
    let with_mixed = [train.as_slice(), &[Point::new(-1.4, -1.4, -1.0)]].concat();
    let map = decision_map_terminal_with_test(|x, _| x, &with_mixed, &test, &options);
    assert_eq!(map, "xX+O\n*-O+\n");
    // With no test points it is the plain map.
    assert_eq!(
        decision_map_terminal_with_test(|x, _| x, &train, &[], &options),
        decision_map_terminal(|x, _| x, &train, &options)
    );
}

#[test]
fn terminal_map_colour_wraps_the_same_characters() {
    let options = MapOptions {
        width: 6,
        height: 3,
        color: true,
        ..MapOptions::default()
    };
    let points = [Point::new(3.0, 0.0, 1.0)];
    let coloured = decision_map_terminal(|x, _| x, &points, &options);
    let plain = decision_map_terminal(
        |x, _| x,
        &points,
        &MapOptions {
            color: false,
            ..options
        },
    );
    assert_eq!(plain, "---+++\n---+o+\n---+++\n");
    assert!(coloured.contains("\x1b[38;5;"));
    assert_eq!(coloured.matches("\x1b[0m\n").count(), 3);
    // Stripping the escapes gives the plain map back.
    let mut stripped = String::new();
    let mut chars = coloured.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            stripped.push(c);
        }
    }
    assert_eq!(stripped, plain);
}

#[test]
#[should_panic(expected = "x_min < x_max")]
fn terminal_map_rejects_empty_bounds() {
    let options = MapOptions {
        bounds: Bounds::new(1.0, 1.0, 0.0, 1.0),
        ..MapOptions::default()
    };
    let _ = decision_map_terminal(|x, _| x, &[], &options);
}

#[test]
fn bounds_around_points() {
    let points = [Point::new(-1.0, 0.0, 1.0), Point::new(2.0, 1.0, -1.0)];
    assert_eq!(
        Bounds::around(&points, 0.5),
        Bounds::new(-1.5, 2.5, -0.5, 1.5)
    );
    assert_eq!(
        Bounds::around(&[Point::new(1.0, 2.0, 1.0)], 0.0),
        Bounds::new(0.0, 2.0, 1.0, 3.0)
    );
    assert_eq!(Bounds::around(&[], 1.0), Bounds::PLAYGROUND);
    // A side of zero width is widened however far out it lies: at 1e300, ± 1 would round
    // back to 1e300 and leave bounds that every picture refuses. There the widening is a
    // billionth of the coordinate (the ends kept within f64's range); up to 1e9 it is 1.
    for at in [1e300, -1e300, f64::MAX, 1e9] {
        let b = Bounds::around(&[Point::new(at, -at, 1.0)], 0.0);
        assert!(
            b.x_min < b.x_max && (b.x_min..=b.x_max).contains(&at),
            "{at}: {b:?}"
        );
        assert!(
            b.y_min < b.y_max && (b.y_min..=b.y_max).contains(&-at),
            "{at}: {b:?}"
        );
        let map = MapOptions {
            width: 3,
            height: 3,
            bounds: b,
            color: false,
        };
        let drawn = decision_map_terminal(|x, _| x - at, &[Point::new(at, -at, 1.0)], &map);
        assert_eq!(drawn.matches('o').count(), 1, "{drawn}");
    }
    assert_eq!(
        Bounds::around(&[Point::new(1e9, 0.0, 1.0)], 0.0),
        Bounds::new(1e9 - 1.0, 1e9 + 1.0, -1.0, 1.0)
    );
    // Points spread wider than f64::MAX: no finite width holds both, and a picture refuses
    // the bounds by name rather than leave a point out.
    let apart = [Point::new(-1e308, 0.0, 1.0), Point::new(1e308, 0.0, -1.0)];
    let wide = Bounds::around(&apart, 0.0);
    assert_eq!((wide.x_min, wide.x_max), (-1e308, 1e308));
    let map = MapOptions {
        bounds: wide,
        ..MapOptions::default()
    };
    let msg = panic_message(|| {
        decision_map_terminal(|x, _| x, &apart, &map);
    });
    assert!(
        msg.contains("a finite width and height, got Bounds"),
        "{msg}"
    );
    // A margin that would invert the bounds, or make them unusable, is refused by name.
    for bad in [-3.0, f64::NAN, f64::INFINITY] {
        let msg = panic_message(|| {
            Bounds::around(&points, bad);
        });
        assert_eq!(
            msg,
            format!("Bounds::around: margin must be a finite number >= 0, got {bad}")
        );
    }
}

// ---- SVG structure -----------------------------------------------------------------------

/// Checks that every element is closed in order, that the root is one `<svg>`, and returns
/// the element names in document order.
fn elements(svg: &str) -> Vec<String> {
    let svg = svg.trim_end();
    assert!(svg.starts_with("<svg "), "does not start with <svg");
    assert!(svg.ends_with("</svg>"), "does not end with </svg>");
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = svg;
    let mut roots = 0;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("unterminated tag") + start;
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().unwrap_or_else(|| panic!("stray </{name}>"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect();
            assert!(!name.is_empty(), "empty tag");
            if stack.is_empty() {
                roots += 1;
            }
            // Attribute values are quoted in pairs.
            assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
            names.push(name.clone());
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        // Text between tags holds no raw markup characters.
        rest = &rest[end + 1..];
        let text_end = rest.find('<').unwrap_or(rest.len());
        assert!(!rest[..text_end].contains('>'), "raw '>' in text");
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert_eq!(roots, 1);
    assert_eq!(names[0], "svg");
    names
}

/// Asserts that `svg` holds every one of `texts`.
#[track_caller]
fn assert_has(svg: &str, texts: &[&str]) {
    for text in texts {
        assert!(svg.contains(text), "missing {text}");
    }
}

fn count(names: &[String], name: &str) -> usize {
    names.iter().filter(|n| *n == name).count()
}

#[test]
fn boundary_svg_structure() {
    let points: Vec<Point> = (0..25)
        .map(|i| {
            let v = f64::from(i) / 2.0 - 6.0;
            Point::new(v, -v, if v > 0.0 { 1.0 } else { -1.0 })
        })
        .collect();
    let svg = decision_boundary_svg(
        |x, _| x.tanh(),
        &points,
        "tanh(x) <&> \"demo\"",
        &BoundaryOptions::default(),
    );
    let names = elements(&svg);
    // The points, and one marker per kind of point in the legend.
    assert_eq!(count(&names, "circle"), points.len() + 2);
    assert_eq!(count(&names, "clipPath"), 1);
    assert!(svg.contains(r#"width="620" height="500""#), "canvas size");
    assert!(svg.contains(">tanh(x) &lt;&amp;&gt; &quot;demo&quot;</text>"));
    // Ticks from -6 to 6 in steps of 2 on both axes (and the legend's 0).
    for t in ["-6", "-4", "-2", "0", "2", "4", "6"] {
        let legend = usize::from(t == "0");
        assert_eq!(
            svg.matches(&format!(">{t}</text>")).count(),
            2 + legend,
            "tick {t}"
        );
    }
    // The axes are named, and the legend says what the colours and the points are.
    assert!(svg.contains(r#"font-style="italic">x</text>"#));
    assert!(svg.contains(r#"font-style="italic">y</text>"#));
    assert_has(
        &svg,
        &[
            ">network output</text>",
            ">-1</text>",
            ">+1</text>",
            ">label +1</text>",
        ],
    );
    assert!(!svg.contains(">test, label +1</text>"));
    // The left half is orange-ish, the right blue-ish: score -1 at the left edge is close to
    // the full orange, +1 near the right edge close to the full blue.
    assert!(svg.contains("fill=\"#f59322\""));
    assert!(svg.contains("fill=\"#0877bd\""));
    // The shading depends on x only, so each of the 100 rows has the same runs.
    let rects = count(&names, "rect");
    // background + frame + clip rect + the legend's 21 swatches + the grid runs
    assert_eq!((rects - 3 - 21) % 100, 0, "{rects} rects");
    // Positive points are blue, negative orange; point 0 is at (-6, 6) = the top-left corner.
    assert!(svg.contains(r##"<circle cx="50" cy="40" r="4" fill="#f59322"/>"##));
    assert!(svg.contains(r##"<circle cx="450" cy="440" r="4" fill="#0877bd"/>"##));
}

#[test]
fn boundary_svg_a_constant_score_is_one_rect_per_row() {
    let options = BoundaryOptions {
        size: 100,
        cells: 10,
        bounds: Bounds::square(1.0),
    };
    let svg = decision_boundary_svg(|_, _| 0.0, &[], "flat", &options);
    let names = elements(&svg);
    assert_eq!(count(&names, "rect"), 3 + 21 + 10);
    assert_eq!(
        svg.matches(r##"width="100" height="10" fill="#e8eaeb""##)
            .count(),
        10
    );
    assert_eq!(count(&names, "circle"), 2); // the legend's
}

#[test]
fn boundary_svg_draws_test_points_as_rings() {
    let train = [Point::new(-6.0, 6.0, -1.0)];
    let test = [Point::new(6.0, -6.0, 1.0), Point::new(0.0, 0.0, -1.0)];
    let svg = decision_boundary_svg_with_test(
        |x, _| x,
        &train,
        &test,
        "rings",
        &BoundaryOptions::default(),
    );
    let names = elements(&svg);
    assert_eq!(count(&names, "circle"), 3 + 4); // the points, and four legend markers
    assert!(svg.contains(r##"<circle cx="50" cy="40" r="4" fill="#f59322"/>"##));
    assert!(svg.contains(
        r##"<circle cx="450" cy="440" r="4" fill="#ffffff" stroke="#0877bd" stroke-width="2.5"/>"##
    ));
    assert!(svg.contains(
        r##"<circle cx="250" cy="240" r="4" fill="#ffffff" stroke="#f59322" stroke-width="2.5"/>"##
    ));
    assert_has(
        &svg,
        &[
            ">training, label +1</text>",
            ">training, label -1</text>",
            ">test, label +1</text>",
            ">test, label -1</text>",
        ],
    );
}

#[test]
fn boundary_svg_leaves_out_points_with_no_place_in_the_plane() {
    // A NaN or infinite coordinate, or one so far out that its pixel overflows, has no
    // place to be drawn: `cx="NaN"` is no SVG number, and a viewer that reads it as 0 draws
    // the point at the left edge. Such points are left out, as points outside the bounds
    // are clipped away.
    let nowhere = [
        Point::new(f64::NAN, 1.0, -1.0),
        Point::new(0.0, f64::INFINITY, 1.0),
        Point::new(1e308, -1e308, 1.0),
    ];
    let here = Point::new(0.0, 0.0, 1.0);
    let svg = decision_boundary_svg_with_test(
        |x, _| x,
        &[nowhere[0], here, nowhere[2]],
        &[nowhere[1], here],
        "nowhere",
        &BoundaryOptions::default(),
    );
    for bad in ["NaN", "inf"] {
        assert!(!svg.contains(bad), "{bad} in:\n{svg}");
    }
    assert_eq!(count(&elements(&svg), "circle"), 2 + 4); // `here` twice, four legend markers
}

// ---- network maps --------------------------------------------------------------------------

/// A 2 → 2 → 1 network whose neurons are known: the first computes tanh(x), the second
/// relu(y), the output tanh(first − second).
fn known_network() -> Mlp {
    let hidden = Layer::from_neurons(vec![
        Neuron::from_parts(vec![1.0, 0.0], 0.0, Activation::Tanh),
        Neuron::from_parts(vec![0.0, 1.0], 0.0, Activation::Relu),
    ])
    .unwrap();
    let output = Layer::from_neurons(vec![Neuron::from_parts(
        vec![1.0, -1.0],
        0.0,
        Activation::Tanh,
    )])
    .unwrap();
    Mlp::from_layers(vec![hidden, output]).unwrap()
}

/// The fill colours of the shaded cells of each map, in order, by expanding each run of
/// equal shades into its cells.
fn map_cells(svg: &str, cells: usize, side: f64) -> Vec<Vec<String>> {
    let cell = side / cells as f64;
    let mut maps = Vec::new();
    let mut in_grid = false;
    for line in svg.lines() {
        if line.starts_with("<g shape-rendering") {
            in_grid = true;
            maps.push(Vec::new());
        } else if line == "</g>" {
            in_grid = false;
        } else if in_grid {
            let attr = |name: &str| {
                let rest = &line[line.find(&format!(" {name}=\"")).unwrap() + name.len() + 3..];
                rest[..rest.find('"').unwrap()].to_string()
            };
            let width: f64 = attr("width").parse().unwrap();
            let n = (width / cell).round() as usize;
            let map: &mut Vec<String> = maps.last_mut().unwrap();
            map.extend(std::iter::repeat_n(attr("fill"), n));
        }
    }
    maps
}

#[test]
fn network_maps_show_every_input_and_neuron() {
    let model = known_network();
    let options = NetworkMapOptions {
        size: 40,
        cells: 4,
        bounds: Bounds::square(2.0),
    };
    let svg = network_maps_svg(&model, &["x", "y"], |x, y| vec![x, y], "known", &options).unwrap();
    elements(&svg);
    assert_has(
        &svg,
        &[
            ">inputs</text>",
            ">layer 1: 2 mixed</text>",
            ">output: tanh</text>",
            ">x</text>",
            ">y</text>",
            ">neuron 1</text>",
            ">neuron 2</text>",
        ],
    );
    let maps = map_cells(&svg, 4, 40.0);
    assert_eq!(maps.len(), 2 + 2 + 1);
    assert!(maps.iter().all(|m| m.len() == 16));
    // Each map is the boundary picture's shading of the same function, the inputs divided by
    // their largest magnitude (1.5, at the cells' centres ±0.5 and ±1.5).
    let tanh = |v: f64| v.tanh();
    let functions: [&dyn Fn(f64, f64) -> f64; 5] = [
        &|x, _| x / 1.5,
        &|_, y| y / 1.5,
        &|x, _| tanh(x),
        &|_, y| y.max(0.0),
        &|x, y| tanh(tanh(x) - y.max(0.0)),
    ];
    let boundary = BoundaryOptions {
        size: 40,
        cells: 4,
        bounds: Bounds::square(2.0),
    };
    for (k, f) in functions.iter().enumerate() {
        let svg = decision_boundary_svg(f, &[], "", &boundary);
        assert_eq!(maps[k], map_cells(&svg, 4, 40.0)[0], "map {k}");
    }
    // x runs from full orange on the left to full blue on the right, ±1/3 (shaded as ±0.3)
    // between.
    assert_eq!(maps[0][..4], ["#f59322", "#ecd0af", "#a5c8dd", "#0877bd"]);
}

#[test]
fn network_maps_refuse_the_wrong_number_of_inputs() {
    let model = known_network();
    let options = NetworkMapOptions::default();
    let err = network_maps_svg(&model, &["x"], |x, y| vec![x, y], "", &options).unwrap_err();
    assert_eq!(
        err,
        tapegrad::Error::InputSize {
            expected: 2,
            got: 1
        }
    );
    let err = network_maps_svg(&model, &["x", "y"], |x, _| vec![x], "", &options).unwrap_err();
    assert_eq!(
        err,
        tapegrad::Error::InputSize {
            expected: 2,
            got: 1
        }
    );
}

#[test]
fn loss_curves_svg_structure() {
    let train: Vec<f64> = (0..50).map(|i| 1.0 / (1.0 + f64::from(i))).collect();
    let test: Vec<f64> = (0..50).map(|i| 1.2 / (1.0 + f64::from(i)) + 0.1).collect();
    let svg = loss_curves_svg(
        &[("train", &train), ("test", &test)],
        "micrograd moons",
        &CurveOptions::default(),
    );
    let names = elements(&svg);
    assert_eq!(count(&names, "polyline"), 2);
    assert!(svg.contains(r#"width="600" height="360""#));
    assert!(svg.contains(">micrograd moons</text>"));
    assert!(svg.contains(">train</text>") && svg.contains(">test</text>"));
    assert!(svg.contains(">epoch</text>") && svg.contains(">loss</text>"));
    // Epoch ticks 0..=49 in steps of 10, loss ticks 0.2, 0.4, ..., 1.2.
    for t in ["0", "10", "20", "30", "40"] {
        assert!(svg.contains(&format!(">{t}</text>")), "epoch tick {t}");
    }
    for t in ["0.2", "0.4", "0.6", "0.8", "1.0", "1.2"] {
        assert!(svg.contains(&format!(">{t}</text>")), "loss tick {t}");
    }
    // Each polyline has one point per value; the first series is blue, the second orange.
    let polylines: Vec<&str> = svg.lines().filter(|l| l.starts_with("<polyline")).collect();
    assert_eq!(polylines.len(), 2);
    for l in &polylines {
        let pts = l.split('"').nth(1).unwrap();
        assert_eq!(pts.split(' ').count(), 50);
    }
    assert!(polylines[0].contains("#0877bd") && polylines[1].contains("#f59322"));
}

#[test]
fn loss_curves_svg_gaps_log_scale_and_no_data() {
    // A NaN splits the line; a lone value becomes a dot.
    let values = [1.0, 0.5, f64::NAN, 0.25, f64::INFINITY, 0.1, 0.05];
    let svg = loss_curves_svg(&[("train", &values)], "gaps", &CurveOptions::default());
    let names = elements(&svg);
    assert_eq!(count(&names, "polyline"), 2);
    assert_eq!(count(&names, "circle"), 1);

    let log = CurveOptions {
        log_y: true,
        ..CurveOptions::default()
    };
    let decades = [100.0, 10.0, 1.0, 0.1, 0.01, 0.0];
    let svg = loss_curves_svg(&[("loss", &decades)], "log", &log);
    let names = elements(&svg);
    for t in ["0.01", "0.1", "1", "10", "100"] {
        assert!(svg.contains(&format!(">{t}</text>")), "log tick {t}");
    }
    assert!(svg.contains(">loss (log scale)</text>"));
    assert_eq!(count(&names, "polyline"), 1); // the 0 is dropped at the end

    let svg = loss_curves_svg(&[], "empty", &CurveOptions::default());
    elements(&svg);
    assert!(svg.contains(">no data</text>"));
    let empty: [f64; 0] = [];
    let svg = loss_curves_svg(&[("train", &empty)], "empty", &CurveOptions::default());
    elements(&svg);
    assert!(svg.contains(">no data</text>"));
    // A constant series still gets a y range and ticks.
    let svg = loss_curves_svg(
        &[("flat", &[0.5, 0.5, 0.5])],
        "flat",
        &CurveOptions::default(),
    );
    let names = elements(&svg);
    assert_eq!(count(&names, "polyline"), 1);
    assert!(svg.contains(">0.50</text>"));
}

#[test]
fn values_near_f64_max_neither_overflow_the_bounds_nor_the_curves() {
    // Finite ends, infinite width: refused, rather than every cell scored at +inf.
    let wide = MapOptions {
        bounds: Bounds::new(-1e308, 1e308, -1.0, 1.0),
        ..MapOptions::default()
    };
    assert!(
        panic_message(|| {
            let _ = decision_map_terminal(|x, _| x, &[], &wide);
        })
        .starts_with(
            "plot bounds must be finite, with x_min < x_max and y_min < y_max and a finite \
             width and height, got"
        )
    );
    // A curve spanning ±1e308, or at f64::MAX alone, is drawn with finite coordinates.
    for values in [&[-1e308, 1e308][..], &[f64::MAX][..]] {
        let svg = loss_curves_svg(&[("loss", values)], "loss", &CurveOptions::default());
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{values:?}");
    }
}

// ---- Pictures that stay readable ---------------------------------------------------------

/// The y axis's tick labels of a loss chart, bottom to top.
fn y_tick_labels(svg: &str) -> Vec<String> {
    svg.split("text-anchor=\"end\">")
        .skip(1)
        .map(|t| t.split('<').next().unwrap().to_string())
        .collect()
}

#[test]
fn log_axes_show_three_to_eight_ticks_over_any_range() {
    let log = CurveOptions {
        log_y: true,
        ..CurveOptions::default()
    };
    let ticks = |values: &[f64]| y_tick_labels(&loss_curves_svg(&[("loss", values)], "t", &log));
    // A loss that barely moves: round numbers in value (none of 1, 2, 5 × 10^k is inside).
    let narrow: Vec<f64> = (0..100)
        .map(|i| 0.75 + 1e-4 * (f64::from(i) * 0.3).sin())
        .collect();
    assert_eq!(
        ticks(&narrow),
        ["0.74990", "0.74995", "0.75000", "0.75005", "0.75010"]
    );
    // circle --lr 3's range, 0.43 to 1.03: only 0.5 and 1 of 1, 2, 5 × 10^k.
    assert_eq!(
        ticks(&[0.43, 0.8, 1.03]),
        ["0.5", "0.6", "0.7", "0.8", "0.9", "1.0"]
    );
    // 600 decades: every 78th power, labelled without float noise.
    let wide: Vec<f64> = (0..100)
        .map(|i| 10f64.powf(300.0 - 6.0 * f64::from(i)))
        .collect();
    assert_eq!(
        ticks(&wide),
        ["1e-234", "1e-156", "1e-78", "1", "1e78", "1e156", "1e234"]
    );
    for values in [
        &[0.75][..],
        &[0.5, 0.5001],
        &[1.0, 9.0],
        &[f64::MAX],
        &[f64::MIN_POSITIVE, 1.0],
        &[1e-300, 1e300],
    ] {
        let t = ticks(values);
        assert!((3..=8).contains(&t.len()), "{values:?}: {t:?}");
        let mut unique = t.clone();
        unique.dedup();
        assert_eq!(unique, t, "{values:?}: repeated labels");
    }
}

/// The legend's box (x, y, width, height) in a loss chart.
fn legend_box(svg: &str) -> (f64, f64, f64, f64) {
    let line = svg
        .lines()
        .find(|l| l.contains("fill-opacity=\"0.85\""))
        .expect("a legend box");
    let attr = |name: &str| -> f64 {
        let at = line.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        line[at..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("x"), attr("y"), attr("width"), attr("height"))
}

/// Whether any segment of any curve of `svg` passes through `(x, y, w, h)`, looked for at
/// 50 points along every segment.
fn curves_meet(svg: &str, (x, y, w, h): (f64, f64, f64, f64)) -> bool {
    svg.lines().filter(|l| l.starts_with("<polyline")).any(|l| {
        let points: Vec<(f64, f64)> = l
            .split('"')
            .nth(1)
            .unwrap()
            .split(' ')
            .map(|p| {
                let (a, b) = p.split_once(',').unwrap();
                (a.parse().unwrap(), b.parse().unwrap())
            })
            .collect();
        points.windows(2).any(|s| {
            (0..=50).any(|k| {
                let t = f64::from(k) / 50.0;
                let (px, py) = (
                    s[0].0 + t * (s[1].0 - s[0].0),
                    s[0].1 + t * (s[1].1 - s[0].1),
                );
                (x..=x + w).contains(&px) && (y..=y + h).contains(&py)
            })
        })
    })
}

#[test]
fn the_legend_box_stays_off_the_curves() {
    // As circle --lr 3: a dip early on, and spikes to the top of the chart near its right
    // end, where the legend used to sit.
    let spiky: Vec<f64> = (0..300)
        .map(|i| match i {
            30 => 0.4,
            i if i % 40 == 35 => 1.0,
            _ => 0.75,
        })
        .collect();
    let flat = vec![0.74; 300];
    for log_y in [false, true] {
        let options = CurveOptions {
            log_y,
            ..CurveOptions::default()
        };
        let svg = loss_curves_svg(&[("training", &flat), ("test", &spiky)], "t", &options);
        let legend = legend_box(&svg);
        assert!(!curves_meet(&svg, legend), "log_y {log_y}: {legend:?}");
        // It went to the first free corner: bottom right.
        assert!(legend.0 > 400.0 && legend.1 > 200.0, "{legend:?}");
    }
    // Curves through every corner: the legend goes right of the plot area, which narrows.
    let zigzag: Vec<f64> = (0..200).map(|i| f64::from(i % 2)).collect();
    let svg = loss_curves_svg(&[("training", &zigzag)], "t", &CurveOptions::default());
    let legend = legend_box(&svg);
    assert!(!curves_meet(&svg, legend), "{legend:?}");
    assert!(
        legend.0 + legend.2 <= 600.0,
        "{legend:?} beyond the picture"
    );
}

/// The middle-anchored texts of `svg` (titles, subtitles, captions): (x, font size, text).
fn centred_texts(svg: &str) -> Vec<(f64, f64, String)> {
    svg.lines()
        .filter(|l| l.starts_with("<text") && l.contains("text-anchor=\"middle\""))
        .map(|l| {
            let x = l.split("x=\"").nth(1).unwrap().split('"').next().unwrap();
            let size = l
                .split("font-size=\"")
                .nth(1)
                .map_or(12.0, |s| s.split('"').next().unwrap().parse().unwrap());
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap();
            (x.parse().unwrap(), size, text.to_string())
        })
        .collect()
}

/// The width attribute of `svg`'s root.
fn svg_width(svg: &str) -> f64 {
    let at = svg.find("width=\"").unwrap() + 7;
    svg[at..].split('"').next().unwrap().parse().unwrap()
}

/// Asserts that every centred text of `svg` fits in its width, at 0.6 em a character (a
/// little more than the average letter of a sans-serif font).
#[track_caller]
fn assert_centred_texts_fit(svg: &str) {
    let width = svg_width(svg);
    for (x, size, text) in centred_texts(svg) {
        let half = 0.3 * size * text.chars().count() as f64;
        assert!(
            x - half >= 0.0 && x + half <= width,
            "`{text}` at x = {x} runs out of a {width} px picture"
        );
    }
}

#[test]
fn titles_and_subtitles_stay_inside_narrow_pictures() {
    // A 2 → 1 network: the narrowest neuron map. Its subtitle is broken into lines.
    let model = Mlp::from_layers(vec![
        Layer::from_neurons(vec![Neuron::from_parts(
            vec![1.0, -1.0],
            0.0,
            Activation::Tanh,
        )])
        .unwrap(),
    ])
    .unwrap();
    let svg = network_maps_svg(
        &model,
        &["x", "y"],
        |x, y| vec![x, y],
        "2 → 1: what every neuron computes",
        &NetworkMapOptions::default(),
    )
    .unwrap();
    elements(&svg);
    assert_centred_texts_fit(&svg);
    let grey: Vec<String> = svg
        .lines()
        .filter(|l| l.contains("fill=\"#555555\""))
        .map(|l| {
            l.split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(grey.len() >= 2, "{grey:?}");
    assert_eq!(
        grey.join(" "),
        "orange -1, grey 0, blue +1: each map is one value over [-6, 6] × [-6, 6] (inputs \
         scaled to ±1)"
    );

    // A long title over a small map, or on the smallest loss chart, wraps: every word shown.
    let title = "a decision boundary with a title much longer than its small map";
    let small = BoundaryOptions {
        size: 120,
        ..BoundaryOptions::default()
    };
    let svg = decision_boundary_svg(|x, _| x, &[], title, &small);
    assert_centred_texts_fit(&svg);
    let lines: Vec<String> = centred_texts(&svg)
        .into_iter()
        .filter(|(_, size, _)| *size == 16.0)
        .map(|t| t.2)
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines.join(" "), title);
    let tiny = CurveOptions {
        width: 120,
        height: 100,
        log_y: false,
    };
    let svg = loss_curves_svg(&[("loss", &[1.0, 0.5])], "circle: loss per epoch", &tiny);
    assert_centred_texts_fit(&svg);

    // Long captions and row names push the maps apart rather than run into them.
    let layer = |n: usize| {
        Layer::from_neurons(
            (0..n)
                .map(|_| Neuron::from_parts(vec![1.0, 1.0], 0.0, Activation::Sigmoid))
                .collect(),
        )
        .unwrap()
    };
    let model = Mlp::from_layers(vec![layer(12), {
        Layer::from_neurons(vec![Neuron::from_parts(
            vec![1.0; 12],
            0.0,
            Activation::Sigmoid,
        )])
        .unwrap()
    }])
    .unwrap();
    let options = NetworkMapOptions {
        size: 20,
        cells: 4,
        ..NetworkMapOptions::default()
    };
    let svg = network_maps_svg(
        &model,
        &["sin(x)", "x times y"],
        |x, y| vec![x.sin(), x * y],
        "small maps",
        &options,
    )
    .unwrap();
    assert_centred_texts_fit(&svg);
    let captions: Vec<(f64, f64, String)> = centred_texts(&svg)
        .into_iter()
        .filter(|(_, size, _)| *size == 11.0)
        .collect();
    for pair in captions.windows(2).filter(|p| p[1].0 > p[0].0) {
        let room = pair[1].0 - pair[0].0;
        let needed = 0.3 * 11.0 * (pair[0].2.chars().count() + pair[1].2.chars().count()) as f64;
        assert!(
            room >= needed,
            "`{}` and `{}` overlap",
            pair[0].2,
            pair[1].2
        );
    }
}
