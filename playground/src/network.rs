//! The network as the run trains it: its shape from the settings, the loss it learns, and the
//! batch loss as a function of its parameters, written once for training, the gradients the
//! frames show and the gradient check.

use tapegrad::loss::{self, Loss};
use tapegrad::nn::{Activation, Forward, Init, Mlp, Module};
use tapegrad::{Error, Value};

use crate::data::Data;
use crate::settings::{Feature, LossKind, Reg, Settings};

/// How the network's output is judged: the loss, the output neuron, the penalty.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub loss: Loss,
    pub output: Activation,
    pub reg: Reg,
    pub reg_rate: f64,
}

impl Spec {
    /// The loss and output neuron for these settings: `mse` is the Playground's ½·(out − y)²
    /// with a tanh output for two classes and a linear one for regression; `bce` judges a
    /// logit (labels mapped to 0/1), `hinge` a score (labels ±1).
    pub fn new(settings: &Settings, regression: bool) -> Spec {
        let (loss, output) = match settings.loss {
            LossKind::Mse if regression => (Loss::HalfSquaredError, Activation::Linear),
            LossKind::Mse => (Loss::HalfSquaredError, Activation::Tanh),
            LossKind::Bce => (Loss::BceWithLogits, Activation::Linear),
            LossKind::Hinge => (Loss::Hinge, Activation::Linear),
        };
        Spec {
            loss,
            output,
            reg: settings.reg,
            reg_rate: settings.reg_rate,
        }
    }

    /// A point's label as the loss takes it.
    pub fn target(&self, label: f64) -> f64 {
        if self.loss == Loss::BceWithLogits {
            (label + 1.0) / 2.0
        } else {
            label
        }
    }

    /// The output as the page draws it, in [-1, 1]: a logit as 2·sigmoid − 1, else clamped.
    pub fn shown(&self, output: f64) -> f64 {
        if self.loss == Loss::BceWithLogits {
            2.0 / (1.0 + (-output).exp()) - 1.0
        } else {
            output.clamp(-1.0, 1.0)
        }
    }

    /// The loss of one plain output.
    pub fn loss_of(&self, output: f64, target: f64) -> f64 {
        self.loss.apply(Value::constant(output), target).data()
    }
}

/// A fresh network for these settings, drawn with the seed (the Playground's initialisation).
pub fn build(settings: &Settings, spec: &Spec) -> Result<Mlp, Error> {
    let widths: Vec<usize> = settings.hidden.iter().map(|&w| w as usize).collect();
    Mlp::builder(settings.features.len())
        .hidden(&widths, settings.activation.library())
        .output(1, spec.output)
        .init(Init::Playground)
        .seed(u64::from(settings.seed))
        .build()
}

/// Which parameters are weights (each neuron's weights, then its bias): the penalties leave
/// the biases alone, as the Playground does.
pub fn weight_mask(model: &Mlp) -> Vec<bool> {
    let mut mask = Vec::with_capacity(model.parameter_count());
    for neuron in model.layers().iter().flat_map(|l| l.neurons()) {
        mask.extend(std::iter::repeat_n(true, neuron.nin()));
        mask.push(false);
    }
    mask
}

/// The points as the network sees them: encoded features and targets in the loss's domain.
#[derive(Clone, Debug, Default)]
pub struct Encoded {
    pub train_x: Vec<Vec<f64>>,
    pub train_y: Vec<f64>,
    pub test_x: Vec<Vec<f64>>,
    pub test_y: Vec<f64>,
}

impl Encoded {
    pub fn new(data: &Data, features: &[Feature], spec: &Spec) -> Encoded {
        let x = |ps: &[tapegrad::datasets::Point]| -> Vec<Vec<f64>> {
            ps.iter().map(|p| encode(features, p.x, p.y)).collect()
        };
        let y =
            |ps: &[tapegrad::datasets::Point]| ps.iter().map(|p| spec.target(p.label)).collect();
        Encoded {
            train_x: x(&data.train),
            train_y: y(&data.train),
            test_x: x(&data.test),
            test_y: y(&data.test),
        }
    }
}

/// The features of (x, y).
pub fn encode(features: &[Feature], x: f64, y: f64) -> Vec<f64> {
    features.iter().map(|f| f.of(x, y)).collect()
}

/// The mean loss of a batch plus the penalty, as a function of the parameters.
#[derive(Clone, Copy, Debug)]
pub struct Objective<'a> {
    pub model: &'a Mlp,
    pub spec: &'a Spec,
    pub mask: &'a [bool],
    pub xs: &'a [Vec<f64>],
    pub ys: &'a [f64],
    pub batch: &'a [usize],
}

impl Objective<'_> {
    /// The batch's loss with `params` (in parameter order). With `outputs`, every neuron's
    /// output on every sample is kept there, sample by sample, layer by layer.
    pub fn value<'t>(
        &self,
        params: &[Value<'t>],
        mut outputs: Option<&mut Vec<Value<'t>>>,
    ) -> Result<Value<'t>, Error> {
        let mut losses = Vec::with_capacity(self.batch.len());
        for &i in self.batch {
            let mut x: Vec<Value<'t>> = self.xs[i].iter().map(|&v| Value::constant(v)).collect();
            let mut rest = params;
            for layer in self.model.layers() {
                let (mine, others) = rest.split_at(layer.parameter_count().min(rest.len()));
                x = layer.forward(mine, &x)?;
                if let Some(out) = outputs.as_deref_mut() {
                    out.extend_from_slice(&x);
                }
                rest = others;
            }
            losses.push(self.spec.loss.apply(x[0], self.ys[i]));
        }
        let mut total = loss::mean(&losses)?;
        if self.spec.reg != Reg::None && self.spec.reg_rate > 0.0 {
            let weights: Vec<Value<'t>> = params
                .iter()
                .zip(self.mask)
                .filter_map(|(&p, &w)| w.then_some(p))
                .collect();
            total += penalty(self.spec.reg, &weights, self.spec.reg_rate);
        }
        Ok(total)
    }
}

/// rate · Σ|w| (L1) or rate/2 · Σ w² (L2, whose gradient rate · w is the Playground's step).
fn penalty<'t>(reg: Reg, weights: &[Value<'t>], rate: f64) -> Value<'t> {
    match reg {
        Reg::None => Value::constant(0.0),
        Reg::L1 => loss::l1_penalty(weights, rate),
        Reg::L2 => loss::l2_penalty(weights, rate / 2.0),
    }
}

/// Every neuron's output for one input, layer by layer, in plain `f64` (the order the
/// library's weighted sum adds in: `((w0·x0 + w1·x1) + …) + b`). Returns the network's output.
pub fn eval(model: &Mlp, input: &[f64], all: &mut Vec<f64>, scratch: &mut [Vec<f64>; 2]) -> f64 {
    forward_f64(model, input, all, scratch, Activation::apply_f64)
}

/// [`eval`] for the maps, which show each output as a byte (1/127): tanh as
/// 1 − 2/(e^2x + 1), within 1e-15 of `f64::tanh` and a fraction of its cost (glibc's tanh
/// took most of a frame's time on the largest network). The losses use [`eval`].
pub fn eval_for_map(
    model: &Mlp,
    input: &[f64],
    all: &mut Vec<f64>,
    scratch: &mut [Vec<f64>; 2],
) -> f64 {
    forward_f64(
        model,
        input,
        all,
        scratch,
        |activation, s| match activation {
            Activation::Tanh => tanh_for_map(s),
            other => other.apply_f64(s),
        },
    )
}

/// tanh(s) through one `exp`: exact at ±∞ (±1) and at 0, NaN for NaN.
pub fn tanh_for_map(s: f64) -> f64 {
    1.0 - 2.0 / ((2.0 * s).exp() + 1.0)
}

fn forward_f64(
    model: &Mlp,
    input: &[f64],
    all: &mut Vec<f64>,
    scratch: &mut [Vec<f64>; 2],
    activate: impl Fn(Activation, f64) -> f64,
) -> f64 {
    let [cur, next] = scratch;
    cur.clear();
    cur.extend_from_slice(input);
    for layer in model.layers() {
        next.clear();
        for n in layer.neurons() {
            let mut s = 0.0;
            for (w, x) in n.weights().iter().zip(cur.iter()) {
                s += w * x;
            }
            next.push(activate(n.activation(), s + n.bias()));
        }
        all.extend_from_slice(next);
        std::mem::swap(cur, next);
    }
    cur.first().copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maps_tanh_is_the_librarys_to_1e_15_and_at_the_edges() {
        let mut worst: f64 = 0.0;
        for i in -40_000..=40_000 {
            let x = f64::from(i) * 1e-3;
            worst = worst.max((tanh_for_map(x) - x.tanh()).abs());
        }
        assert!(worst <= 1e-15, "worst difference {worst:e}");
        assert_eq!(tanh_for_map(0.0), 0.0);
        assert_eq!(tanh_for_map(f64::INFINITY), 1.0);
        assert_eq!(tanh_for_map(f64::NEG_INFINITY), -1.0);
        assert_eq!(tanh_for_map(800.0), 1.0);
        assert_eq!(tanh_for_map(-800.0), -1.0);
        assert!(tanh_for_map(f64::NAN).is_nan());
    }
}
