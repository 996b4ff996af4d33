//! The second-order conveniences, `hessian`, `hvp` and `check_second_derivatives`: Hessians
//! of small networks with every activation and every loss against central differences of
//! first-order gradients, their symmetry, the Hessian-vector product against the Hessian
//! times the vector, Rosenbrock's Hessian in closed form, and the errors.

use tapegrad::loss::{self, Loss};
use tapegrad::nn::Activation;
use tapegrad::{Error, Value, affine, check_second_derivatives, hessian, hvp};

#[path = "common/second_order.rs"]
mod second_order;
use second_order::{assert_matrix_close, assert_symmetric, hessian_by_differences};

#[path = "common/panics.rs"]
mod panics;
use panics::panic_message;

/// (x₀, x₁, label ±1): four points, two of each class.
const POINTS: [(f64, f64, f64); 4] = [
    (0.5, -1.0, 1.0),
    (-0.3, 0.8, -1.0),
    (1.2, 0.4, 1.0),
    (-0.9, -0.6, -1.0),
];

/// The 13 parameters of a 2 → 3 → 1 network, away from every kink at the points above.
const PARAMS: [f64; 13] = [
    0.7, -0.4, 0.1, // neuron 0: w0, w1, b
    -0.5, 0.9, 0.3, // neuron 1
    0.2, 0.6, -0.35, // neuron 2
    0.8, -1.1, 0.5, 0.15, // output: w0, w1, w2, b
];

/// The output of a 2 → 3 → 1 network with parameters `p` (each neuron's weights, then its
/// bias) and hidden activation `act`, linear output, at `(x0, x1)`.
fn network<'t>(p: &[Value<'t>], act: Activation, (x0, x1): (f64, f64)) -> Value<'t> {
    let x = [x0.into(), x1.into()];
    let hidden: Vec<Value<'t>> = p[..9]
        .chunks(3)
        .map(|n| act.apply(affine(&n[..2], &x, n[2])))
        .collect();
    affine(&p[9..12], &hidden, p[12])
}

/// The mean loss of the network over [`POINTS`], `loss` naming how each output is scored:
/// a [`Loss`] by name, `bce` on the sigmoid of the output with labels 0/1, or micrograd's
/// `sum_of_squares`, each plus an L2 and an L1 penalty.
fn network_loss<'t>(p: &[Value<'t>], act: Activation, loss: &str) -> Value<'t> {
    let outputs: Vec<Value<'t>> = POINTS
        .iter()
        .map(|&(x0, x1, _)| network(p, act, (x0, x1)))
        .collect();
    let labels: Vec<f64> = POINTS.iter().map(|p| p.2).collect();
    let data = match loss {
        "sum_of_squares" => loss::sum_of_squares(&outputs, &labels).expect("lengths"),
        "bce" => {
            let per_point: Vec<Value<'t>> = outputs
                .iter()
                .zip(&labels)
                .map(|(o, y)| loss::bce(o.sigmoid(), (y + 1.0) / 2.0))
                .collect();
            loss::mean(&per_point).expect("points")
        }
        name => {
            let l: Loss = name.parse().expect("a loss");
            let y01 = |y: f64| if l == Loss::Hinge { y } else { (y + 1.0) / 2.0 };
            let per_point: Vec<Value<'t>> = outputs
                .iter()
                .zip(&labels)
                .map(|(&o, &y)| l.apply(o, y01(y)))
                .collect();
            loss::mean(&per_point).expect("points")
        }
    };
    data + loss::l2_penalty(p, 0.01) + loss::l1_penalty(p, 0.001)
}

const LOSSES: [&str; 7] = [
    "mse",
    "half_squared_error",
    "bce",
    "bce_with_logits",
    "hinge",
    "sum_of_squares",
    "logistic",
];

/// The Hessian of `f` at `x` against central differences of gradients, its symmetry, and
/// `hvp` along two directions against the Hessian times them.
fn check<F>(f: F, x: &[f64], what: &str)
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    let h = hessian(&f, x).expect("no custom node");
    assert_matrix_close(&h, &hessian_by_differences(&f, x), 1e-6, what);
    assert_symmetric(&h, what);
    assert!(h.iter().flatten().any(|&e| e != 0.0), "{what}: all zero");
    let n = x.len();
    let directions = [
        (0..n)
            .map(|i| if i % 3 == 0 { 1.0 } else { 0.0 })
            .collect::<Vec<_>>(),
        (0..n).map(|i| (i as f64 * 0.37).sin()).collect(),
    ];
    for v in directions {
        let hv = hvp(&f, x, &v).expect("no custom node");
        let product: Vec<Vec<f64>> = vec![
            h.iter()
                .map(|row| row.iter().zip(&v).map(|(a, b)| a * b).sum())
                .collect(),
        ];
        assert_matrix_close(&[hv], &product, 1e-12, what);
    }
}

#[test]
fn hessians_of_small_networks_with_every_activation_and_loss() {
    for act in [
        Activation::Tanh,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Linear,
    ] {
        for loss in LOSSES {
            check(
                |p| network_loss(p, act, loss),
                &PARAMS,
                &format!("{act} network, {loss}"),
            );
        }
    }
}

/// relu'' = 0, seen in a Hessian: with a relu hidden layer and a linear output, the output is
/// linear in each first-layer weight where it is not flat, so the curvature of
/// `mean ½(o − y)²` in those weights is the Gauss-Newton term `mean (∂o/∂a)(∂o/∂b)` alone
/// (plus the L2 penalty's `2·alpha` on the diagonal). With tanh it is not: tanh'' ≠ 0.
#[test]
fn a_relu_networks_first_layer_curvature_is_gauss_newton() {
    let gauss_newton = |act: Activation| -> Vec<Vec<f64>> {
        let mut gn = vec![vec![0.0; 9]; 9];
        for &(x0, x1, _) in &POINTS {
            let tape = tapegrad::Tape::new();
            let p = tape.vars(&PARAMS);
            let g = network(&p, act, (x0, x1)).backward().wrt_all(&p[..9]);
            for (a, row) in gn.iter_mut().enumerate() {
                for (b, e) in row.iter_mut().enumerate() {
                    *e += g[a] * g[b] / POINTS.len() as f64 + if a == b { 0.02 / 4.0 } else { 0.0 };
                }
            }
        }
        gn
    };
    let first_layer = |act: Activation| -> Vec<Vec<f64>> {
        let h = hessian(|p| network_loss(p, act, "half_squared_error"), &PARAMS)
            .expect("no custom node");
        h[..9].iter().map(|row| row[..9].to_vec()).collect()
    };
    let relu = first_layer(Activation::Relu);
    assert_matrix_close(&relu, &gauss_newton(Activation::Relu), 1e-12, "relu");
    assert!(relu[0][1] != 0.0);
    let tanh = first_layer(Activation::Tanh);
    let gn = gauss_newton(Activation::Tanh);
    assert!(
        (tanh[0][1] - gn[0][1]).abs() > 1e-3,
        "{} vs {}",
        tanh[0][1],
        gn[0][1]
    );
}

#[test]
fn check_second_derivatives_passes_on_a_network() {
    let reports = check_second_derivatives(
        |p| network_loss(p, Activation::Tanh, "bce_with_logits"),
        &PARAMS,
    )
    .expect("no custom node");
    assert_eq!(reports.len(), 13);
    for (i, r) in reports.iter().enumerate() {
        assert!(r.passed(), "row {i}:\n{r}");
    }
    // Where the gradient has a kink the check says so: x·relu(x) has gradient 2·relu(x),
    // whose slope jumps from 0 to 2 at 0.
    let at_kink = check_second_derivatives(|x| x[0] * x[0].relu(), &[0.0]).expect("no custom");
    assert!(!at_kink[0].passed());
    assert!(at_kink[0].inputs[0].kink.is_some());
}

#[test]
fn rosenbrocks_hessian_in_closed_form() {
    for (x, y) in [(-1.2, 1.0), (1.0, 1.0), (0.3, -0.4)] {
        let h = hessian(
            |v| (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2),
            &[x, y],
        )
        .expect("no custom node");
        let want = vec![
            vec![1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x],
            vec![-400.0 * x, 200.0],
        ];
        assert_matrix_close(&h, &want, 1e-13, "Rosenbrock");
    }
}

#[test]
fn the_errors() {
    assert_eq!(
        hvp(|v| v[0], &[1.0], &[1.0, 2.0]).unwrap_err(),
        Error::InvalidArgument(
            "hvp: the direction has 2 entries but the point has 1; give one per input".into()
        )
    );
    let custom = hessian(
        |v| v[0].custom(v[0].data().sin(), v[0].data().cos()),
        &[0.5],
    );
    assert!(matches!(
        custom,
        Err(Error::FirstOrderOnly { node: 1, ref what }) if what == "custom(#0)"
    ));
    assert!(hvp(|v| v[0].custom(1.0, 1.0) * 2.0, &[0.5], &[1.0]).is_err());
    // No inputs: an empty Hessian.
    assert_eq!(hessian(|_| Value::constant(1.0), &[]), Ok(vec![]));
}

#[test]
fn check_second_derivatives_with_refuses_a_bad_config_whatever_the_inputs() {
    use tapegrad::{GradCheckConfig, check_second_derivatives_with};
    // With no inputs there is nothing to check, but a step of -1 is still no step: it is
    // refused by name, as it is with inputs, rather than silently accepted.
    let bad = GradCheckConfig {
        eps: -1.0,
        ..GradCheckConfig::default()
    };
    for inputs in [&[][..], &[0.5][..]] {
        let msg = panic_message(|| {
            drop(check_second_derivatives_with(
                |x| tapegrad::sum(x).powi(2),
                inputs,
                bad,
            ))
        });
        assert_eq!(
            msg,
            "check_second_derivatives_with: eps must be a positive finite number, got -1"
        );
    }
    let nan_rtol = GradCheckConfig {
        rtol: f64::NAN,
        ..GradCheckConfig::default()
    };
    let msg = panic_message(|| {
        drop(check_second_derivatives_with(
            |x| tapegrad::sum(x),
            &[],
            nan_rtol,
        ))
    });
    assert_eq!(
        msg,
        "check_second_derivatives_with: rtol must be a finite number >= 0, got NaN"
    );
}
