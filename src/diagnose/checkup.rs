//! [`Checkup`]: the checks, from plain data to a [`Diagnosis`].

use std::fmt;

use super::finding::extremes;
use super::history::norm;
use super::{
    Diagnosis, Finding, GOOD_FIT, HUGE_LOSS, History, PLATEAU, PLATEAU_EPOCHS, PROBE_DROP,
    PROBE_STEPS, RISE, RISE_EPOCHS, SATURATED_SHARE, SATURATION, UNEVEN_GRADIENTS,
};
use crate::error::Error;
use crate::gradcheck::{GradCheckConfig, GradCheckReport, check_gradients};
use crate::loss::Loss;
use crate::nn::{Activation, Forward, Mlp, Module, parameter_name};
use crate::{Tape, Value};

/// The loss as a function of the model's parameters (recorded on a tape, in parameter order).
type Objective<'a> = dyn for<'t> Fn(&[Value<'t>]) -> Value<'t> + 'a;

/// A diagnosis to run: the model and its training data, the per-sample [`Loss`], and what
/// else is known about the run. [`run`](Checkup::run) looks and returns the [`Diagnosis`].
///
/// Only the model, the data and the loss are needed; each optional part enables more checks:
///
/// | given | enables |
/// |---|---|
/// | [`history`](Checkup::history) | the loss rising (and update/weight ratios), the loss stuck |
/// | [`gradients`](Checkup::gradients) | wrong gradients |
/// | [`objective`](Checkup::objective) | your own loss (say `Σ (p − t)²`), not the mean [`Loss`] |
/// | [`batch_size`](Checkup::batch_size) | samples sorted by class (matters for mini-batches) |
///
/// The labels hold one number per output per sample, sample by sample.
///
/// ```
/// use tapegrad::diagnose::{Checkup, Finding};
/// use tapegrad::loss::Loss;
/// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let n = Neuron::from_parts(vec![0.5], 0.0, Activation::Linear);
/// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
/// let xs = [[1.0], [2.0], [3.0], [4.0]];
/// let diagnosis = Checkup::new(&model, &xs, &[0.0, 0.0, 1.0, 1.0], Loss::Hinge).run()?;
/// assert_eq!(
///     diagnosis.findings(),
///     &[Finding::LabelsOutsideDomain { loss: Loss::Hinge, row: 0, label: 0.0, count: 2 }]
/// );
/// assert!(diagnosis.to_string().contains("map 0/1 labels with 2y - 1"));
/// # Ok(())
/// # }
/// ```
pub struct Checkup<'a> {
    model: &'a Mlp,
    inputs: Vec<&'a [f64]>,
    labels: &'a [f64],
    loss: Loss,
    history: Option<&'a History>,
    gradients: Option<&'a [f64]>,
    objective: Option<Box<Objective<'a>>>,
    batch_size: Option<usize>,
}

impl fmt::Debug for Checkup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checkup")
            .field("model", self.model)
            .field("samples", &self.inputs.len())
            .field("loss", &self.loss)
            .field("history", &self.history.map(|h| h.losses().len()))
            .field("gradients", &self.gradients.is_some())
            .field("objective", &self.objective.is_some())
            .field("batch_size", &self.batch_size)
            .finish()
    }
}

impl<'a> Checkup<'a> {
    /// A checkup of `model` on `inputs` (one slice per sample) and `labels` with the mean of
    /// `loss` as the loss.
    ///
    /// ```
    /// use tapegrad::diagnose::Checkup;
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Tanh);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let inputs = vec![vec![0.5], vec![-0.5]];
    /// assert!(Checkup::new(&model, &inputs, &[1.0, -1.0], Loss::HalfSquaredError).run()?.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn new<X: AsRef<[f64]>>(
        model: &'a Mlp,
        inputs: &'a [X],
        labels: &'a [f64],
        loss: Loss,
    ) -> Self {
        Checkup {
            model,
            inputs: inputs.iter().map(AsRef::as_ref).collect(),
            labels,
            loss,
            history: None,
            gradients: None,
            objective: None,
            batch_size: None,
        }
    }

    /// The run so far: its losses per epoch and its updates.
    ///
    /// ```
    /// use tapegrad::diagnose::{Checkup, Finding, History};
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Tanh);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let mut history = History::new();
    /// for loss in [0.5, 0.4, 0.9, 1.3, 2.0] {
    ///     history.push_loss(loss);
    /// }
    /// let d = Checkup::new(&model, &[[0.5], [-0.5]], &[1.0, -1.0], Loss::HalfSquaredError)
    ///     .history(&history)
    ///     .run()?;
    /// assert!(matches!(d.findings()[0], Finding::LossRising { best_epoch: 1, .. }));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn history(mut self, history: &'a History) -> Self {
        self.history = Some(history);
        self
    }

    /// The gradients the training loop stepped with at the model's current parameters, in
    /// parameter order: the checkup compares them with finite differences of the loss.
    ///
    /// ```
    /// use tapegrad::diagnose::{Checkup, Finding};
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// // Mean of ½(w·x + b − y)² over one sample x = 2, y = 0: d/dw = 4, d/db = 2.
    /// let sign_error = [-4.0, -2.0];
    /// let d = Checkup::new(&model, &[[2.0]], &[0.0], Loss::HalfSquaredError).gradients(&sign_error).run()?;
    /// let Finding::WrongGradients { wrong, of, name, .. } = &d.findings()[0] else { panic!() };
    /// assert_eq!((*wrong, *of, name.as_str()), (2, 2, "layer0.neuron0.w0"));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn gradients(mut self, gradients: &'a [f64]) -> Self {
        self.gradients = Some(gradients);
        self
    }

    /// Your own loss, as a function of the model's parameters recorded on a tape, for the
    /// checks that differentiate it (wrong gradients, the gradient per layer, the plateau's
    /// gradient check). Without it they use the mean of the [`Loss`] over the samples. The
    /// label checks still use the [`Loss`].
    ///
    /// ```
    /// use tapegrad::diagnose::Checkup;
    /// use tapegrad::loss::{self, Loss};
    /// use tapegrad::nn::{Activation, Forward, Layer, Mlp, Module, Neuron};
    /// use tapegrad::Value;
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Sigmoid);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let (xs, ys) = ([[1.0], [-1.0]], [1.0, 0.0]);
    /// // micrograd's Σ (p − y)², not the mean of ½(p − y)²:
    /// fn sse<'t>(model: &Mlp, params: &[Value<'t>], xs: &[[f64; 1]], ys: &[f64]) -> Value<'t> {
    ///     let p: Vec<Value<'t>> =
    ///         xs.iter().map(|x| model.forward(params, &[x[0].into()]).unwrap()[0]).collect();
    ///     loss::sum_of_squares(&p, ys).unwrap()
    /// }
    /// let tape = tapegrad::Tape::new();
    /// let params = tape.vars(&model.parameters());
    /// let right = sse(&model, &params, &xs, &ys).backward().wrt_all(&params);
    /// let d = Checkup::new(&model, &xs, &ys, Loss::HalfSquaredError)
    ///     .objective(|params| sse(&model, params, &xs, &ys))
    ///     .gradients(&right)
    ///     .run()?;
    /// assert!(d.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn objective<F>(mut self, objective: F) -> Self
    where
        F: for<'t> Fn(&[Value<'t>]) -> Value<'t> + 'a,
    {
        self.objective = Some(Box::new(objective));
        self
    }

    /// The mini-batch size the loop uses, if it takes the samples in this order: the checkup
    /// then looks for samples sorted by class.
    ///
    /// ```
    /// use tapegrad::diagnose::{Checkup, Finding};
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let (xs, ys) = ([[1.0], [2.0], [3.0], [4.0]], [1.0, 1.0, -1.0, -1.0]);
    /// let full_batch = Checkup::new(&model, &xs, &ys, Loss::Hinge).run()?;
    /// assert!(full_batch.is_empty()); // the order does not matter for full-batch training
    /// let d = Checkup::new(&model, &xs, &ys, Loss::Hinge).batch_size(2).run()?;
    /// assert!(matches!(d.findings()[0], Finding::SortedByClass { classes: 2, .. }));
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = Some(batch_size);
        self
    }

    /// Looks for every problem listed in the [module docs](super) and returns what it found.
    /// The checks that need the model's outputs are skipped when an input is not finite or a
    /// label is outside the loss's domain (those findings come first).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if there are no samples, the labels are not one per output
    /// per sample, the gradients are not one per parameter, an update of the history does not
    /// have one ratio per layer, or the batch size is 0;
    /// [`Error::InputSize`] if a sample has the wrong number of inputs.
    ///
    /// ```
    /// use tapegrad::diagnose::Checkup;
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 0.0, Activation::Tanh);
    /// let model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
    /// let err = Checkup::new(&model, &[[1.0]], &[1.0, 0.0], Loss::HalfSquaredError).run().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid argument: Checkup: 2 labels for 1 samples of 1 output each"
    /// );
    /// # Ok(())
    /// # }
    /// ```
    pub fn run(&self) -> Result<Diagnosis, Error> {
        self.validate()?;
        let mut findings = Vec::new();
        self.check_inputs(&mut findings);
        self.check_labels(&mut findings);
        let activity = if findings.is_empty() {
            self.run_layers(&mut findings)
        } else {
            None
        };
        let Some(activity) = activity else {
            // The model cannot be run on these samples, or the loss not computed.
            return Ok(Diagnosis::from_findings(findings));
        };
        self.check_classes(&mut findings);
        findings.extend(self.sample_loss_not_finite());
        // The causes come before what they did: wrong gradients, the loss's course, then the
        // units.
        let report = check_gradients(|p| self.loss_at(p), &self.model.parameters());
        if let Some(given) = self.gradients {
            findings.extend(self.wrong_gradients(given, &report));
        }
        let rising = self.history.and_then(loss_rising);
        // A rise explains non-finite or huge losses after the lowest; otherwise they are named.
        let course = match (&rising, self.history) {
            (None, Some(history)) => loss_not_finite(history).or_else(|| self.huge_loss(history)),
            _ => None,
        };
        let troubled = rising.is_some() || course.is_some();
        findings.extend(rising);
        findings.extend(course);
        let mean_loss = self.mean_loss_now();
        let constant = self.constant_loss();
        // Idle units cost nothing in a model that fits (false for a NaN loss).
        let fits = mean_loss <= GOOD_FIT * constant;
        let stuck_units = !fits && self.check_units(&activity, &mut findings);
        let layer_norms = self.layer_gradient_norms();
        if uneven(&layer_norms) {
            findings.push(Finding::UnevenGradients {
                norms: layer_norms.clone(),
            });
        }
        if let (false, Some(history), true) = (troubled, self.history, report.passed()) {
            let stuck = Stuck {
                mean_loss,
                constant,
                gradient_norm: norm(layer_norms.iter().copied()),
                checked: report.inputs.len(),
                stuck_units,
            };
            findings.extend(self.stuck(history, &stuck));
        }
        Ok(Diagnosis::from_findings(findings))
    }

    fn validate(&self) -> Result<(), Error> {
        let (n, nout) = (self.inputs.len(), self.model.nout());
        if self.batch_size == Some(0) {
            return Err(Error::InvalidArgument(
                "Checkup: a batch size of 0; give at least 1".into(),
            ));
        }
        if n == 0 {
            return Err(Error::InvalidArgument(
                "Checkup: no samples to look at".into(),
            ));
        }
        if self.labels.len() != n * nout {
            return Err(Error::InvalidArgument(format!(
                "Checkup: {} labels for {n} samples of {nout} output{} each",
                self.labels.len(),
                if nout == 1 { "" } else { "s" }
            )));
        }
        if let Some(x) = self.inputs.iter().find(|x| x.len() != self.model.nin()) {
            return Err(Error::InputSize {
                expected: self.model.nin(),
                got: x.len(),
            });
        }
        if let Some(g) = self.gradients {
            if g.len() != self.model.parameter_count() {
                return Err(Error::InvalidArgument(format!(
                    "Checkup: {} gradients for {} parameters",
                    g.len(),
                    self.model.parameter_count()
                )));
            }
        }
        let layers = self.model.layers().len();
        let updates = self.history.map_or(&[][..], History::update_ratios);
        if let Some((k, r)) = updates.iter().enumerate().find(|(_, r)| r.len() != layers) {
            return Err(Error::InvalidArgument(format!(
                "Checkup: update {k} of the history has {} update/weight ratios, but the model \
                 has {layers} layers; push one ratio per layer",
                r.len()
            )));
        }
        Ok(())
    }

    fn check_inputs(&self, findings: &mut Vec<Finding>) {
        for (row, x) in self.inputs.iter().enumerate() {
            if let Some(input) = x.iter().position(|v| !v.is_finite()) {
                findings.push(Finding::NonFiniteInput {
                    row,
                    input,
                    value: x[input],
                });
                return; // the first is enough to act on
            }
        }
    }

    fn check_labels(&self, findings: &mut Vec<Finding>) {
        let takes = |y: f64| match self.loss {
            Loss::Mse | Loss::HalfSquaredError => y.is_finite(),
            Loss::Bce | Loss::BceWithLogits => (0.0..=1.0).contains(&y),
            Loss::Hinge => y == 1.0 || y == -1.0,
        };
        let mut outside = self.labels.iter().enumerate().filter(|&(_, &y)| !takes(y));
        if let Some((row, &label)) = outside.next() {
            findings.push(Finding::LabelsOutsideDomain {
                loss: self.loss,
                row: row / self.model.nout(),
                label,
                count: 1 + outside.count(),
            });
        }
    }

    /// Runs every sample through the layers in plain `f64`, counting per hidden unit the
    /// samples on which it is saturated or nonzero. `None`, with the finding, if a layer's
    /// output is not finite or (for `bce`) the network's output is not a probability.
    fn run_layers(&self, findings: &mut Vec<Finding>) -> Option<Activity> {
        let layers = self.model.layers();
        let mut activity = Activity {
            saturated: layers.iter().map(|l| vec![0; l.nout()]).collect(),
            alive: layers.iter().map(|l| vec![0; l.nout()]).collect(),
        };
        let mut outside = Vec::new();
        for (row, x) in self.inputs.iter().enumerate() {
            let mut a = x.to_vec();
            for (l, layer) in layers.iter().enumerate() {
                a = layer
                    .predict(&a)
                    .expect("the inputs and every earlier layer's outputs are finite");
                if let Some(&value) = a.iter().find(|v| !v.is_finite()) {
                    findings.push(Finding::NonFiniteOutput {
                        layer: l,
                        row,
                        value,
                    });
                    return None;
                }
                for (u, (&out, unit)) in a.iter().zip(layer.neurons()).enumerate() {
                    activity.saturated[l][u] += usize::from(is_saturated(unit.activation(), out));
                    activity.alive[l][u] += usize::from(out != 0.0);
                }
            }
            let probabilities = |p: &f64| (0.0..=1.0).contains(p);
            if self.loss == Loss::Bce {
                outside.extend(a.iter().filter(|p| !probabilities(p)).map(|&p| (row, p)));
            }
        }
        if let Some(&(row, output)) = outside.first() {
            findings.push(Finding::OutputsOutsideDomain {
                loss: self.loss,
                row,
                output,
                count: outside.len(),
            });
            return None;
        }
        Some(activity)
    }

    /// One class only, or classes in blocks taken in order by mini-batches (for a single
    /// output with at most a few distinct labels).
    fn check_classes(&self, findings: &mut Vec<Finding>) {
        let ys = self.labels;
        if self.model.nout() != 1 || ys.len() < 2 {
            return;
        }
        if ys.iter().all(|&y| y == ys[0]) {
            findings.push(Finding::OneClass {
                label: ys[0],
                rows: ys.len(),
            });
            return;
        }
        let mut classes: Vec<f64> = Vec::new();
        for &y in ys {
            if !classes.contains(&y) {
                classes.push(y);
                if classes.len() > 10 {
                    return; // a regression target, not classes
                }
            }
        }
        let blocks = 1 + ys.windows(2).filter(|w| w[0] != w[1]).count();
        if let Some(batch_size) = self.batch_size {
            if batch_size < ys.len() && blocks == classes.len() {
                findings.push(Finding::SortedByClass {
                    classes: classes.len(),
                    batch_size,
                    rows: ys.len(),
                });
            }
        }
    }

    /// Saturated and dead units per hidden layer; returns whether any were found.
    fn check_units(&self, activity: &Activity, findings: &mut Vec<Finding>) -> bool {
        let layers = self.model.layers();
        let hidden = &layers[..layers.len() - 1];
        let (saturated, alive) = (&activity.saturated, &activity.alive);
        let n = self.inputs.len() as f64;
        let before = findings.len();
        for (l, layer) in hidden.iter().enumerate() {
            // A layer may mix activations: each kind of unit is counted among its own kind.
            let of = |a: Activation| layer.neurons().iter().filter(move |u| u.activation() == a);
            for activation in [Activation::Tanh, Activation::Sigmoid] {
                let units = of(activation).count();
                let counts: Vec<f64> = layer
                    .neurons()
                    .iter()
                    .zip(&saturated[l])
                    .filter(|&(u, &c)| {
                        u.activation() == activation && c as f64 >= SATURATED_SHARE * n
                    })
                    .map(|(_, &c)| c as f64 / n)
                    .collect();
                if !counts.is_empty() {
                    findings.push(Finding::SaturatedUnits {
                        layer: l,
                        activation,
                        saturated: counts.len(),
                        units,
                        samples: counts.iter().sum::<f64>() / counts.len() as f64,
                    });
                }
            }
            let dead = layer
                .neurons()
                .iter()
                .zip(&alive[l])
                .filter(|&(u, &a)| u.activation() == Activation::Relu && a == 0)
                .count();
            if dead > 0 {
                findings.push(Finding::DeadUnits {
                    layer: l,
                    dead,
                    units: of(Activation::Relu).count(),
                });
            }
        }
        findings.len() > before
    }

    /// The loss at `params`: the caller's objective, or the mean of the [`Loss`].
    fn loss_at<'t>(&self, params: &[Value<'t>]) -> Value<'t> {
        match &self.objective {
            Some(objective) => objective(params),
            None => self.mean_of_loss(params),
        }
    }

    /// The mean of the [`Loss`] over every output of every sample, at `params`.
    fn mean_of_loss<'t>(&self, params: &[Value<'t>]) -> Value<'t> {
        let nout = self.model.nout();
        let mut losses = Vec::with_capacity(self.labels.len());
        for (x, ys) in self.inputs.iter().zip(self.labels.chunks_exact(nout)) {
            let x: Vec<Value<'t>> = x.iter().map(|&v| Value::constant(v)).collect();
            let out = self
                .model
                .forward(params, &x)
                .expect("run checked the sizes and that every input is finite");
            // A gradient check moves the parameters a little, and that can move a bce
            // prediction out of [0, 1], where the loss panics: such a point counts as NaN.
            let outside = |o: Value<'_>| self.loss == Loss::Bce && !(0.0..=1.0).contains(&o.data());
            losses.extend(out.into_iter().zip(ys).map(|(o, &y)| {
                if outside(o) {
                    Value::constant(f64::NAN)
                } else {
                    self.loss.apply(o, y)
                }
            }));
        }
        crate::loss::mean(&losses).expect("run checked there is at least one sample")
    }

    /// The norm of the loss's gradient with respect to each layer's parameters.
    fn layer_gradient_norms(&self) -> Vec<f64> {
        let tape = Tape::new();
        let params = tape.vars(&self.model.parameters());
        let grads = self.loss_at(&params).backward().wrt_all(&params);
        let mut norms = Vec::with_capacity(self.model.layers().len());
        let mut rest = &grads[..];
        for layer in self.model.layers() {
            let (mine, others) = rest.split_at(layer.parameter_count());
            norms.push(norm(mine.iter().copied()));
            rest = others;
        }
        norms
    }

    /// The given gradients against the central differences of `report`.
    fn wrong_gradients(&self, given: &[f64], report: &GradCheckReport) -> Option<Finding> {
        let cfg = GradCheckConfig::default();
        let mut wrong = 0;
        let mut worst: Option<(usize, f64)> = None;
        for (i, (&g, check)) in given.iter().zip(&report.inputs).enumerate() {
            let error = (g - check.numeric).abs();
            let agrees = error <= cfg.atol + cfg.rtol * check.numeric.abs(); // false for NaN
            if !agrees {
                wrong += 1;
                if worst.is_none_or(|(_, e)| error > e || error.is_nan()) {
                    worst = Some((i, error));
                }
            }
        }
        let (i, _) = worst?;
        Some(Finding::WrongGradients {
            wrong,
            of: given.len(),
            name: parameter_name(self.model, i),
            given: given[i],
            numeric: report.inputs[i].numeric,
        })
    }

    /// A loss stuck over the second half of the history, well above the best constant answer:
    /// a [`Finding::Plateau`] if the checkup's own steps of gradient descent cannot lower it
    /// either, else [`Finding::SlowProgress`].
    fn stuck(&self, history: &History, stuck: &Stuck) -> Option<Finding> {
        let losses = history.losses();
        let n = losses.len();
        let window = (n / 2).max(PLATEAU_EPOCHS);
        if n < window || losses.iter().any(|l| !l.is_finite()) {
            return None;
        }
        let tail = &losses[n - window..];
        let (lo, hi) = extremes(tail);
        // Each term divided first: a sum of losses near f64::MAX would overflow to inf.
        let size: f64 = tail.iter().map(|l| l.abs() / window as f64).sum();
        if tail[hi] - tail[lo] > PLATEAU * size || stuck.mean_loss <= 0.5 * stuck.constant {
            return None;
        }
        let (since, last_epoch, loss) = (n - window, n - 1, losses[n - 1]);
        // The probe moves the loss the gradients were checked on: the objective if given.
        let before = self.loss_and_gradient(&self.model.parameters()).0;
        let probed = self.probe_parameters();
        let after = self.loss_and_gradient(&probed).0;
        if after <= before - PROBE_DROP * before.abs() {
            return Some(Finding::SlowProgress {
                since,
                last_epoch,
                loss,
                mean_loss: stuck.mean_loss,
                constant: stuck.constant,
                probe_loss: self.mean_loss_at(&probed),
            });
        }
        Some(Finding::Plateau {
            since,
            last_epoch,
            loss,
            mean_loss: stuck.mean_loss,
            constant: stuck.constant,
            gradient_norm: stuck.gradient_norm,
            checked: stuck.checked,
            stuck_units: stuck.stuck_units,
        })
    }

    /// The parameters after [`PROBE_STEPS`] steps of gradient descent from the model's: each
    /// step starts at twice the last one's length (the first moves the parameters by 1) and
    /// halves until the loss falls. Stops early where no step lowers it.
    fn probe_parameters(&self) -> Vec<f64> {
        let mut params = self.model.parameters();
        let (mut loss, mut grad) = self.loss_and_gradient(&params);
        let mut rate = 1.0 / norm(grad.iter().copied());
        for _ in 0..PROBE_STEPS {
            if !(rate.is_finite() && loss.is_finite()) {
                break;
            }
            rate *= 2.0;
            let mut stepped = None;
            for _ in 0..60 {
                let trial: Vec<f64> = params
                    .iter()
                    .zip(&grad)
                    .map(|(p, g)| p - rate * g)
                    .collect();
                let (l, g) = self.loss_and_gradient(&trial);
                if l < loss {
                    stepped = Some((trial, l, g));
                    break;
                }
                rate /= 2.0;
            }
            let Some((trial, l, g)) = stepped else { break };
            (params, loss, grad) = (trial, l, g);
        }
        params
    }

    /// The loss at `params` and its gradient, on a tape of the checkup's own.
    fn loss_and_gradient(&self, params: &[f64]) -> (f64, Vec<f64>) {
        let tape = Tape::new();
        let vars = tape.vars(params);
        let loss = self.loss_at(&vars);
        (loss.data(), loss.backward().wrt_all(&vars))
    }

    /// The mean [`Loss`] over the samples at the model's parameters.
    fn mean_loss_now(&self) -> f64 {
        self.mean_loss_at(&self.model.parameters())
    }

    /// The mean [`Loss`] over the samples at `params`.
    fn mean_loss_at(&self, params: &[f64]) -> f64 {
        let params: Vec<Value<'_>> = params.iter().map(|&p| Value::constant(p)).collect();
        self.mean_of_loss(&params).data()
    }

    /// The first sample whose loss is not finite at the model's parameters, and how many.
    fn sample_loss_not_finite(&self) -> Option<Finding> {
        let nout = self.model.nout();
        let mut found: Option<Finding> = None;
        let mut count = 0;
        for (row, (x, ys)) in self
            .inputs
            .iter()
            .zip(self.labels.chunks_exact(nout))
            .enumerate()
        {
            let outputs = self
                .model
                .predict(x)
                .expect("run checked the sizes and that every output is finite");
            let bad = outputs.iter().zip(ys).find_map(|(&o, &y)| {
                let value = self.loss.apply(Value::constant(o), y).data();
                (!value.is_finite()).then_some((o, y, value))
            });
            if let Some((output, label, value)) = bad {
                count += 1;
                found.get_or_insert(Finding::SampleLossNotFinite {
                    row,
                    output,
                    label,
                    value,
                    count: 0,
                });
            }
        }
        if let Some(Finding::SampleLossNotFinite { count: c, .. }) = &mut found {
            *c = count;
        }
        found
    }

    /// The first loss above [`HUGE_LOSS`], with the largest input, label and weight.
    fn huge_loss(&self, history: &History) -> Option<Finding> {
        let (epoch, &loss) = history
            .losses()
            .iter()
            .enumerate()
            .find(|(_, l)| l.abs() > HUGE_LOSS)?;
        let largest = |xs: &mut dyn Iterator<Item = f64>| xs.map(f64::abs).fold(0.0, f64::max);
        Some(Finding::HugeLoss {
            epoch,
            loss,
            input: largest(&mut self.inputs.iter().flat_map(|x| x.iter().copied())),
            label: largest(&mut self.labels.iter().copied()),
            weight: largest(&mut self.model.parameters().into_iter()),
        })
    }

    /// The lowest mean [`Loss`] of one constant answer for every sample and output: the
    /// labels' mean for mse and cross-entropy (as a logit for `bce_with_logits`), the better of
    /// ±1 for hinge.
    fn constant_loss(&self) -> f64 {
        let ys = self.labels;
        let mean_y = ys.iter().sum::<f64>() / ys.len() as f64;
        let candidates = match self.loss {
            Loss::Mse | Loss::HalfSquaredError | Loss::Bce => vec![mean_y],
            Loss::BceWithLogits => vec![(mean_y / (1.0 - mean_y)).ln()],
            Loss::Hinge => vec![-1.0, 1.0],
        };
        candidates
            .into_iter()
            .map(|c| {
                let total: f64 = ys
                    .iter()
                    .map(|&y| self.loss.apply(Value::constant(c), y).data())
                    .sum();
                total / ys.len() as f64
            })
            .fold(f64::INFINITY, f64::min)
    }
}

/// What the checkup knows when it judges a stuck loss.
struct Stuck {
    mean_loss: f64,
    constant: f64,
    gradient_norm: f64,
    checked: usize,
    stuck_units: bool,
}

/// NaN or infinite losses in the history (when no rise explains them).
fn loss_not_finite(history: &History) -> Option<Finding> {
    let losses = history.losses();
    let (epoch, &value) = losses.iter().enumerate().find(|(_, l)| !l.is_finite())?;
    Some(Finding::LossNotFinite {
        epoch,
        value,
        count: losses.iter().filter(|l| !l.is_finite()).count(),
        epochs: losses.len(),
    })
}

/// Per layer, per unit: on how many samples it is saturated, and on how many it is nonzero.
struct Activity {
    saturated: Vec<Vec<usize>>,
    alive: Vec<Vec<usize>>,
}

/// Whether a unit with this activation is near its limits at `out`.
fn is_saturated(activation: Activation, out: f64) -> bool {
    match activation {
        Activation::Tanh => out.abs() > SATURATION,
        Activation::Sigmoid => !((1.0 - SATURATION)..=SATURATION).contains(&out),
        // Relu, linear and your own activations have no limits it knows of.
        Activation::Relu | Activation::Linear | Activation::Custom(_) => false,
    }
}

/// Whether the largest norm is more than [`UNEVEN_GRADIENTS`] times the smallest (and not 0).
fn uneven(norms: &[f64]) -> bool {
    if norms.len() < 2 || norms.iter().any(|n| !n.is_finite()) {
        return false;
    }
    let (lo, hi) = extremes(norms);
    norms[hi] > 0.0 && norms[hi] > UNEVEN_GRADIENTS * norms[lo]
}

/// The loss above the lowest it reached by more than [`RISE`], for the last [`RISE_EPOCHS`]
/// epochs. A loss that became NaN or +∞ after its lowest counts as risen: a run that diverges
/// is the steepest rise of all.
fn loss_rising(history: &History) -> Option<Finding> {
    let losses = history.losses();
    let n = losses.len();
    let finite = losses.iter().enumerate().filter(|(_, l)| l.is_finite());
    let (best_epoch, &best) = finite.min_by(|a, b| a.1.total_cmp(b.1))?;
    if n <= RISE_EPOCHS {
        return None;
    }
    let risen = |l: f64| l.is_nan() || l - best > RISE * best.abs(); // +inf too, not -inf
    if best_epoch + RISE_EPOCHS >= n || !losses[n - RISE_EPOCHS..].iter().all(|&l| risen(l)) {
        return None;
    }
    Some(Finding::LossRising {
        best_epoch,
        best,
        last_epoch: n - 1,
        now: losses[n - 1],
        update_ratios: history.largest_ratios_since(best_epoch),
    })
}
