//! A multilayer perceptron's forward and backward pass written by hand over `f64` slices: no
//! autodiff, no allocation per step. It is the floor a scalar engine can approach (the
//! benches' baseline) and an independent oracle for `nn::Mlp`'s gradients (the tests).
//!
//! Parameters are in tapegrad's documented order: layer by layer, neuron by neuron, each
//! neuron's weights `w0..w(nin-1)` then its bias. Hidden layers use `hidden`; the output layer
//! is linear. The loss is the mean over the batch of micrograd's demo loss without
//! regularisation, the hinge loss `relu(1 - y·score)` (labels ±1), or of the squared error
//! `(score - y)²`: [`Loss`].

#![allow(dead_code)]

/// The hidden activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hidden {
    Tanh,
    Relu,
}

/// The loss of one sample, averaged over the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// `relu(1 - y·score)`, as `tapegrad::loss::hinge`.
    Hinge,
    /// `(score - y)²`, as `tapegrad::loss::mse`.
    Mse,
}

/// Buffers for one network shape, reused across steps.
#[derive(Debug)]
pub struct HandMlp {
    /// `sizes[0]` inputs, then each layer's width.
    pub sizes: Vec<usize>,
    pub hidden: Hidden,
    pub loss: Loss,
    /// Post-activation values per layer (index 0 is the input), for one sample.
    acts: Vec<Vec<f64>>,
    /// d(loss)/d(pre-activation) per layer (index l for layer l, 0-based), for one sample.
    deltas: Vec<Vec<f64>>,
}

impl HandMlp {
    /// The network with the hinge loss.
    pub fn new(sizes: &[usize], hidden: Hidden) -> Self {
        HandMlp::with_loss(sizes, hidden, Loss::Hinge)
    }

    pub fn with_loss(sizes: &[usize], hidden: Hidden, loss: Loss) -> Self {
        HandMlp {
            sizes: sizes.to_vec(),
            hidden,
            loss,
            acts: sizes.iter().map(|&n| vec![0.0; n]).collect(),
            deltas: sizes[1..].iter().map(|&n| vec![0.0; n]).collect(),
        }
    }

    pub fn parameter_count(&self) -> usize {
        self.sizes.windows(2).map(|w| (w[0] + 1) * w[1]).sum()
    }

    /// The network's score for one input, filling the activations.
    pub fn forward(&mut self, params: &[f64], x: &[f64]) -> f64 {
        self.acts[0].copy_from_slice(x);
        let layers = self.sizes.len() - 1;
        let mut offset = 0;
        for l in 0..layers {
            let (nin, nout) = (self.sizes[l], self.sizes[l + 1]);
            let (before, after) = self.acts.split_at_mut(l + 1);
            let (input, output) = (&before[l], &mut after[0]);
            for j in 0..nout {
                let w = &params[offset + j * (nin + 1)..offset + (j + 1) * (nin + 1)];
                let mut z = 0.0;
                for k in 0..nin {
                    z += w[k] * input[k];
                }
                z += w[nin];
                output[j] = if l + 1 == layers {
                    z
                } else {
                    match self.hidden {
                        Hidden::Tanh => z.tanh(),
                        Hidden::Relu => z.max(0.0),
                    }
                };
            }
            offset += nout * (nin + 1);
        }
        self.acts[layers][0]
    }

    /// Adds d(loss)/d(params) for one sample whose d(loss)/d(score) is `dscore`, using the
    /// activations of the last `forward`.
    fn backward(&mut self, params: &[f64], dscore: f64, grads: &mut [f64]) {
        let layers = self.sizes.len() - 1;
        self.deltas[layers - 1][0] = dscore;
        let mut offset = self.parameter_count();
        for l in (0..layers).rev() {
            let (nin, nout) = (self.sizes[l], self.sizes[l + 1]);
            offset -= nout * (nin + 1);
            // delta of this layer is final; pass it to the weights and to the layer below.
            if l > 0 {
                self.deltas[l - 1].iter_mut().for_each(|d| *d = 0.0);
            }
            for j in 0..nout {
                let dz = self.deltas[l][j];
                let base = offset + j * (nin + 1);
                for k in 0..nin {
                    grads[base + k] += dz * self.acts[l][k];
                    if l > 0 {
                        self.deltas[l - 1][k] += dz * params[base + k];
                    }
                }
                grads[base + nin] += dz;
            }
            if l > 0 {
                for k in 0..nin {
                    let a = self.acts[l][k];
                    let da = match self.hidden {
                        Hidden::Tanh => 1.0 - a * a,
                        Hidden::Relu => {
                            if a > 0.0 {
                                1.0
                            } else {
                                0.0
                            }
                        }
                    };
                    self.deltas[l - 1][k] *= da;
                }
            }
        }
    }

    /// One full-batch step's mean loss and its gradient, written to `grads`.
    pub fn loss_and_grad(
        &mut self,
        params: &[f64],
        xs: &[[f64; 2]],
        ys: &[f64],
        grads: &mut [f64],
    ) -> f64 {
        grads.iter_mut().for_each(|g| *g = 0.0);
        let n = xs.len() as f64;
        let mut loss = 0.0;
        for (x, &y) in xs.iter().zip(ys) {
            let s = self.forward(params, x);
            match self.loss {
                Loss::Hinge => {
                    let margin = 1.0 - y * s;
                    if margin > 0.0 {
                        loss += margin;
                        self.backward(params, -y / n, grads);
                    }
                }
                Loss::Mse => {
                    let d = s - y;
                    loss += d * d;
                    self.backward(params, 2.0 * d / n, grads);
                }
            }
        }
        loss / n
    }

    /// One SGD step: loss and gradient, then `params -= lr · grads`.
    pub fn step(
        &mut self,
        params: &mut [f64],
        xs: &[[f64; 2]],
        ys: &[f64],
        grads: &mut [f64],
        lr: f64,
    ) -> f64 {
        let loss = self.loss_and_grad(params, xs, ys, grads);
        for (p, g) in params.iter_mut().zip(grads.iter()) {
            *p -= lr * g;
        }
        loss
    }
}
