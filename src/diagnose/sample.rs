//! [`Sample`] and [`Diagnosis::of`]: the diagnosis in one call, on the data as training took it.

use super::{Checkup, Diagnosis, History};
use crate::datasets::Point;
use crate::error::Error;
use crate::loss::Loss;
use crate::nn::Mlp;

/// One training sample as [`Diagnosis::of`] reads it: the network's inputs and its labels
/// (one per output). Implemented for the data sets' own shapes: a [`Point`] (inputs `x, y`),
/// an `(input, label)` pair such as [`odd_even`](crate::datasets::odd_even)'s, and
/// `(inputs, label)` with the inputs in a `Vec` or an array.
///
/// ```
/// use tapegrad::datasets::Point;
/// use tapegrad::diagnose::Sample;
///
/// assert_eq!(Point::new(1.0, 2.0, -1.0).features(), [1.0, 2.0]);
/// assert_eq!((3.0, 1.0).targets(), [1.0]);
/// assert_eq!((vec![0.0, 1.0], 0.0).features(), [0.0, 1.0]);
/// ```
pub trait Sample {
    /// The network's inputs for this sample, in the order the network reads them.
    ///
    /// ```
    /// use tapegrad::datasets::{self, Point};
    /// use tapegrad::diagnose::Sample;
    ///
    /// assert_eq!(Point::new(3.0, 4.0, 0.0).features(), [3.0, 4.0]); // x, then y
    /// assert_eq!(datasets::odd_even()[2].features(), [3.0]); // the number itself
    /// assert_eq!(([0.5, -1.0, 2.0], 1.0).features(), [0.5, -1.0, 2.0]);
    /// ```
    fn features(&self) -> Vec<f64>;

    /// Its labels, one per network output, in output order.
    ///
    /// ```
    /// use tapegrad::datasets::{self, Point};
    /// use tapegrad::diagnose::Sample;
    ///
    /// assert_eq!(Point::new(3.0, 4.0, -1.0).targets(), [-1.0]);
    /// assert_eq!(datasets::odd_even()[2].targets(), [1.0]); // 3 is odd
    ///
    /// // A sample of your own, for a network of two outputs.
    /// struct Pixel { rgb: [f64; 3], warm: f64, bright: f64 }
    /// impl Sample for Pixel {
    ///     fn features(&self) -> Vec<f64> { self.rgb.to_vec() }
    ///     fn targets(&self) -> Vec<f64> { vec![self.warm, self.bright] }
    /// }
    /// let p = Pixel { rgb: [0.9, 0.4, 0.1], warm: 1.0, bright: 0.0 };
    /// assert_eq!((p.features(), p.targets()), (vec![0.9, 0.4, 0.1], vec![1.0, 0.0]));
    /// ```
    fn targets(&self) -> Vec<f64>;
}

impl Sample for Point {
    fn features(&self) -> Vec<f64> {
        self.inputs().to_vec()
    }
    fn targets(&self) -> Vec<f64> {
        vec![self.label]
    }
}

impl Sample for (f64, f64) {
    fn features(&self) -> Vec<f64> {
        vec![self.0]
    }
    fn targets(&self) -> Vec<f64> {
        vec![self.1]
    }
}

impl Sample for (Vec<f64>, f64) {
    fn features(&self) -> Vec<f64> {
        self.0.clone()
    }
    fn targets(&self) -> Vec<f64> {
        vec![self.1]
    }
}

impl<const N: usize> Sample for ([f64; N], f64) {
    fn features(&self) -> Vec<f64> {
        self.0.to_vec()
    }
    fn targets(&self) -> Vec<f64> {
        vec![self.1]
    }
}

impl Diagnosis {
    /// What went wrong in a training run, in one call: the trained `model`, the `samples` it
    /// trained on, the per-sample `loss` it averaged, and the run's `losses`, one per epoch
    /// (the mean training loss, as the loop printed it; with the loss before the first epoch
    /// if you have it). The same as a [`Checkup`] given a [`History`] of those losses; use
    /// the builder for its extras (the gradients the loop stepped with, update ratios, your
    /// own loss, the batch size).
    ///
    /// # Errors
    /// As [`Checkup::run`]: [`Error::InvalidArgument`] if there are no samples or a sample's
    /// labels are not one per output; [`Error::InputSize`] if a sample has the wrong number of
    /// inputs.
    ///
    /// ```
    /// use tapegrad::datasets::{self, Playground};
    /// use tapegrad::diagnose::{Diagnosis, Finding};
    /// use tapegrad::loss::{self, Loss};
    /// use tapegrad::nn::{Activation::Tanh, BatchGradients, Mlp, batch_loss};
    /// use tapegrad::optim::{Optimizer, Sgd, check_loss};
    /// use tapegrad::rand::{SeedableRng, rngs::StdRng};
    ///
    /// let data = datasets::playground(Playground::Circle, 200, 0.0, &mut StdRng::seed_from_u64(1))?;
    /// let mut model = Mlp::builder(2).hidden(&[4], Tanh).output(1, Tanh).seed(1).build()?;
    /// let mut opt = Sgd::new(10.0); // far too large a learning rate
    /// let mut grads = BatchGradients::new();
    /// let mut losses = Vec::new(); // the mean loss of each epoch, as a loop prints it
    /// for _epoch in 0..20 {
    ///     let loss = batch_loss(&model, &data.train, |out, p| loss::half_squared_error(out[0], p.label), 1, &mut grads)?;
    ///     check_loss(opt.step_count(), loss)?;
    ///     losses.push(loss);
    ///     opt.step(&mut model, &grads)?;
    /// }
    ///
    /// let diagnosis = Diagnosis::of(&model, &data.train, Loss::HalfSquaredError, &losses)?;
    /// println!("{diagnosis}");
    /// assert!(matches!(diagnosis.findings()[0], Finding::LossRising { .. }));
    /// assert!(diagnosis.to_string().contains("Is the learning rate too high?"));
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    pub fn of<S: Sample>(
        model: &Mlp,
        samples: &[S],
        loss: Loss,
        losses: &[f64],
    ) -> Result<Diagnosis, Error> {
        let inputs: Vec<Vec<f64>> = samples.iter().map(Sample::features).collect();
        let mut labels = Vec::with_capacity(samples.len() * model.nout());
        for (row, sample) in samples.iter().enumerate() {
            let targets = sample.targets();
            if targets.len() != model.nout() {
                return Err(Error::InvalidArgument(format!(
                    "Diagnosis::of: sample {row} has {} labels for a network of {} outputs",
                    targets.len(),
                    model.nout()
                )));
            }
            labels.extend(targets);
        }
        let mut history = History::new();
        for &l in losses {
            history.push_loss(l);
        }
        Checkup::new(model, &inputs, &labels, loss)
            .history(&history)
            .run()
    }
}
