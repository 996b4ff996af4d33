//! [`History`]: what a training run leaves for the diagnosis.

use crate::nn::{Mlp, Module};

/// What a training run leaves for the diagnosis: the loss once per epoch (for full-batch
/// training an epoch is one step) and, per update, how far each layer's parameters moved
/// relative to their size ([`update_ratio`]).
///
/// Add the loss with [`push_loss`](History::push_loss) and each update with
/// [`push_update`](History::push_update) (or, for a network written by hand,
/// [`push_update_ratios`](History::push_update_ratios)).
///
/// ```
/// use tapegrad::diagnose::History;
/// use tapegrad::nn::{Activation, Layer, Mlp, Module, Neuron};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let n = Neuron::from_parts(vec![3.0, 4.0], 0.0, Activation::Linear);
/// let mut model = Mlp::from_layers(vec![Layer::from_neurons(vec![n])?])?;
/// let mut history = History::new();
/// history.push_loss(1.0);
/// let before = model.parameters();
/// model.set_parameters(&[3.0, 4.05, 0.0])?; // an optimizer step would do this
/// history.push_update(&model, &before);
/// history.push_loss(0.9);
/// assert_eq!(history.losses(), &[1.0, 0.9]);
/// assert!((history.update_ratios()[0][0] - 0.01).abs() < 1e-12); // |Δ| 0.05 over |w| 5
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    losses: Vec<f64>,
    /// For each loss, how many updates had been pushed when it was.
    updates_at: Vec<usize>,
    /// Per update, per layer: ‖Δθ‖ / ‖θ‖.
    ratios: Vec<Vec<f64>>,
}

impl History {
    /// An empty history.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::History::new().losses().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        History::default()
    }

    /// Records the loss of an epoch (the training loss over the data, or the mean of the
    /// epoch's batch losses).
    ///
    /// ```
    /// let mut h = tapegrad::diagnose::History::new();
    /// h.push_loss(0.7);
    /// assert_eq!(h.losses(), &[0.7]);
    /// ```
    pub fn push_loss(&mut self, loss: f64) {
        self.losses.push(loss);
        self.updates_at.push(self.ratios.len());
    }

    /// Records one update of `model`, whose parameters were `before` it: each layer's
    /// [`update_ratio`].
    ///
    /// # Panics
    /// If `before` does not hold one number per parameter of `model`.
    ///
    /// ```
    /// use tapegrad::diagnose::History;
    /// use tapegrad::nn::{Activation, Layer, Mlp, Module, Neuron};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![1.0], 1.0, Activation::Tanh);
    /// let layer = Layer::from_neurons(vec![n])?;
    /// let mut model = Mlp::from_layers(vec![layer.clone(), layer])?;
    /// let before = model.parameters();
    /// model.set_parameters(&[2.0, 1.0, 1.0, 1.0])?;
    /// let mut history = History::new();
    /// history.push_update(&model, &before);
    /// assert_eq!(history.update_ratios()[0], vec![1.0 / 2f64.sqrt(), 0.0]);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn push_update(&mut self, model: &Mlp, before: &[f64]) {
        let after = model.parameters();
        assert_eq!(
            before.len(),
            after.len(),
            "History::push_update: `before` holds {} numbers but the model has {} parameters",
            before.len(),
            after.len()
        );
        let mut ratios = Vec::with_capacity(model.layers().len());
        let mut start = 0;
        for layer in model.layers() {
            let end = start + layer.parameter_count();
            ratios.push(update_ratio(&before[start..end], &after[start..end]));
            start = end;
        }
        self.ratios.push(ratios);
    }

    /// Records one update as its update/weight ratio per layer, computed by the caller (for
    /// a network written by hand: [`update_ratio`] of each layer's parameters). Give one
    /// ratio per layer of the model you diagnose: [`Checkup::run`](super::Checkup::run)
    /// refuses a history with more or fewer.
    ///
    /// ```
    /// use tapegrad::diagnose::{History, update_ratio};
    ///
    /// let mut h = History::new();
    /// h.push_update_ratios(vec![update_ratio(&[1.0, 0.0], &[1.0, 0.5]), 0.0]);
    /// assert_eq!(h.update_ratios(), &[vec![0.5, 0.0]]);
    /// ```
    pub fn push_update_ratios(&mut self, per_layer: Vec<f64>) {
        self.ratios.push(per_layer);
    }

    /// The losses pushed, one per epoch.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::History::new().losses().is_empty());
    /// ```
    #[must_use]
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// The updates pushed: for each, the update/weight ratio per layer.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::History::new().update_ratios().is_empty());
    /// ```
    #[must_use]
    pub fn update_ratios(&self) -> &[Vec<f64>] {
        &self.ratios
    }

    /// The largest update/weight ratio per layer over the updates made after the loss of
    /// epoch `epoch` was pushed.
    pub(super) fn largest_ratios_since(&self, epoch: usize) -> Vec<f64> {
        let first = self
            .updates_at
            .get(epoch)
            .copied()
            .unwrap_or(self.ratios.len());
        let mut largest: Vec<f64> = Vec::new();
        for ratios in &self.ratios[first..] {
            if largest.len() < ratios.len() {
                largest.resize(ratios.len(), 0.0);
            }
            for (l, &r) in largest.iter_mut().zip(ratios) {
                // `f64::max` would drop a NaN ratio: a NaN stays, for the finding to show.
                if r > *l || r.is_nan() {
                    *l = r;
                }
            }
        }
        largest
    }
}

/// How far an update moved some parameters, relative to their size: `‖after − before‖ /
/// ‖before‖` (Euclidean norms). 0 if nothing moved; infinite if parameters that were all 0
/// moved.
///
/// Karpathy's rule of thumb for a healthy step is about
/// [`UPDATE_RATIO_RULE`](super::UPDATE_RATIO_RULE), 1e-3.
///
/// # Panics
/// If the slices differ in length.
///
/// ```
/// use tapegrad::diagnose::update_ratio;
///
/// assert_eq!(update_ratio(&[3.0, 4.0], &[3.0, 4.5]), 0.1); // |Δ| 0.5 over |w| 5
/// assert_eq!(update_ratio(&[0.0], &[0.0]), 0.0);
/// assert_eq!(update_ratio(&[0.0], &[1.0]), f64::INFINITY);
/// assert_eq!(update_ratio(&[1e200], &[2e200]), 1.0); // no square overflows
/// assert_eq!(update_ratio(&[1e-200], &[2e-200]), 1.0); // nor underflows
/// assert!(update_ratio(&[1.0, 1.0], &[f64::NAN, f64::INFINITY]).is_nan()); // NaN shows
/// ```
#[must_use]
#[track_caller]
pub fn update_ratio(before: &[f64], after: &[f64]) -> f64 {
    assert_eq!(
        before.len(),
        after.len(),
        "update_ratio: {} numbers before the update but {} after",
        before.len(),
        after.len()
    );
    let moved = norm(before.iter().zip(after).map(|(b, a)| a - b));
    if moved == 0.0 {
        0.0
    } else {
        moved / norm(before.iter().copied())
    }
}

/// The Euclidean norm, summed with `hypot` so that squares neither overflow (1e200) nor
/// underflow (1e-200) on the way. NaN if any term is NaN (`hypot(inf, NaN)` alone is inf).
pub(super) fn norm(xs: impl Iterator<Item = f64>) -> f64 {
    xs.fold(0.0, |acc, x| {
        if acc.is_nan() || x.is_nan() {
            f64::NAN
        } else {
            acc.hypot(x)
        }
    })
}
