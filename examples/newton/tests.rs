//! The newton example's own claims, run through its own code: a Newton step is the one the
//! closed-form gradient and Hessian of Rosenbrock's function give; Newton's method reaches
//! (1, 1) in 6 steps, leaping out of the valley on its second and landing back on its floor
//! on its third; gradient descent at 0.001 needs 43,605. `cargo test` runs them
//! (`test = true` in Cargo.toml).

use super::*;

/// Rosenbrock's gradient and Hessian at `(x, y)`, written out by hand.
fn closed_form([x, y]: [f64; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
    let g = [
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    ];
    let h = [
        [2.0 - 400.0 * y + 1200.0 * x * x, -400.0 * x],
        [-400.0 * x, 200.0],
    ];
    (g, h)
}

#[test]
fn a_newton_step_solves_the_closed_form_hessian_against_the_gradient() {
    for p in [START, [0.5, -0.3], [1.3, 1.7]] {
        let (next, norm) = newton_step(p).expect("no custom node");
        let (g, h) = closed_form(p);
        assert!((norm - g[0].hypot(g[1])).abs() <= 1e-12 * norm, "{p:?}");
        // The step s = next - p satisfies H·s = -g.
        let s = [next[0] - p[0], next[1] - p[1]];
        for (row, gi) in h.iter().zip(g) {
            let hs = row[0] * s[0] + row[1] * s[1];
            assert!(
                (hs + gi).abs() <= 1e-9 * gi.abs().max(1.0),
                "{p:?}: {hs} vs {}",
                -gi
            );
        }
    }
}

#[test]
fn newton_reaches_the_minimum_in_6_steps_by_way_of_a_leap_out_of_the_valley() {
    let path = trajectory(newton_step).expect("no custom node");
    assert_eq!(path.len() - 1, 6, "{path:?}");
    let [x, y] = path[6];
    assert!(
        (x - 1.0).abs() < 1e-10 && (y - 1.0).abs() < 1e-10,
        "{x}, {y}"
    );
    // The first step stays near the start, then a leap far below the floor y = x², then
    // back on the floor.
    let off_floor = |[x, y]: [f64; 2]| (y - x * x).abs();
    assert!(off_floor(path[2]) > 1.0, "{:?}", path[2]);
    assert!(f(path[2]) > 100.0, "{}", f(path[2]));
    assert!(off_floor(path[3]) < 1e-6, "{:?}", path[3]);
    assert!(f(path[3]) < f(path[1]));
}

#[test]
fn gradient_descent_needs_43605_steps() {
    let path = trajectory(|p| Ok(descent_step(p))).expect("first order");
    assert_eq!(path.len() - 1, 43_605);
    let [x, y] = path[path.len() - 1];
    // Stopped by |gradient| < 1e-8 on the flat floor: within about 1e-8 of (1, 1).
    assert!((x - 1.0).abs() < 1e-7 && (y - 1.0).abs() < 1e-7, "{x}, {y}");
    assert!(
        f(path[path.len() - 1]) < 1e-15,
        "{}",
        f(path[path.len() - 1])
    );
}
