//! Training steps that reuse all their memory: [`Trainer`].
//!
//! The plain loop of [`nn`](crate::nn) (record, forward, loss, backward, update) is the one to
//! read and to teach with; it allocates a little every step (the recorded parameters, each
//! layer's outputs, the losses, the gradients). A [`Trainer`] runs the same step on a
//! [`Network`] ([`Neuron`], [`Layer`] or [`Mlp`]) and keeps everything it needs between
//! steps: its [`Tape`], its [`Gradients`] and its scratch buffers hold node indices and
//! numbers, never [`Value`]s, so it has no lifetime. After the first step, a step of the same
//! shape allocates nothing (`tests/alloc.rs` counts).
//!
//! It computes the same loss and the same gradients as the plain loop, bit for bit (the tests
//! compare them), with the same values and local derivatives on the same kinds of nodes. What
//! differs is what it leaves out and how it orders the work:
//!
//! - it runs each sample forward in plain numbers first and records only what backward will
//!   use: a sample whose losses all have derivative 0 (a hinge margin already met) is not
//!   recorded at all, nor is a hidden neuron whose activation has derivative 0 (a relu at or
//!   below 0); in the plain loop backward gives those nodes gradient 0 and skips them;
//! - it records the batch in chunks that fit in cache, after the parameters, summing the
//!   parameters' gradients across chunks in the order one sweep over the whole batch would;
//! - a neuron's fused node lists its edges grouped (weights, inputs, bias) instead of
//!   interleaved, which changes no sum.
//!
//! ```
//! use rand::{SeedableRng, rngs::StdRng};
//! use tapegrad::loss::Loss;
//! use tapegrad::nn::{Activation::{Linear, Tanh}, Init, Mlp};
//! use tapegrad::optim::Sgd;
//! use tapegrad::train::Trainer;
//!
//! # fn main() -> Result<(), tapegrad::Error> {
//! let mut rng = StdRng::seed_from_u64(7);
//! let mut model = Mlp::new(2, &[8, 1], Tanh, Linear, Init::Micrograd, &mut rng)?;
//! let xs = [[0.5, -1.0], [-0.5, 1.0], [1.0, 1.0], [-1.0, -1.0]];
//! let ys = [1.0, -1.0, 1.0, -1.0];
//! let mut trainer = Trainer::new(Loss::Hinge);
//! let mut opt = Sgd::new(0.1);
//! let first = trainer.step(&mut model, &xs, &ys, &mut opt)?;
//! let mut last = first;
//! for _ in 0..50 {
//!     last = trainer.step(&mut model, &xs, &ys, &mut opt)?;
//! }
//! assert!(last < first);
//! # Ok(())
//! # }
//! ```

use std::fmt;

use crate::error::Error;
use crate::grad::Gradients;
use crate::loss::Loss;
use crate::nn::{Layer, Mlp, Module, Neuron};
use crate::optim::{Optimizer, check_loss};
use crate::tape::{Inputs, Op, Tape};
use crate::value::Value;

mod sealed {
    use crate::nn::Neuron;

    /// How a [`Network`](super::Network) shows itself to the trainer: as layers of neurons.
    pub trait Layers {
        /// The number of layers.
        fn layer_count(&self) -> usize;
        /// Layer `i`'s neurons (every layer has at least one).
        fn layer(&self, i: usize) -> &[Neuron];
    }
}

use sealed::Layers;

/// A model a [`Trainer`] can run: [`Neuron`], [`Layer`] and [`Mlp`] (the trait is sealed).
///
/// For a model of your own, use the plain loop of [`nn`](crate::nn) with
/// [`Module::record`] and [`Forward`](crate::nn::Forward).
///
/// ```
/// use tapegrad::nn::{Activation, Neuron};
/// use tapegrad::train::Network;
///
/// let n = Neuron::from_parts(vec![1.0, 2.0], 0.0, Activation::Tanh);
/// assert_eq!((n.inputs(), n.outputs()), (2, 1));
/// ```
pub trait Network: Module + Layers {
    /// How many numbers one sample feeds the network.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Mlp};
    /// use tapegrad::train::Network;
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(3, &[4, 2], Activation::Relu, Activation::Linear, Init::He, &mut rng)?;
    /// assert_eq!(Network::inputs(&mlp), 3);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn inputs(&self) -> usize {
        self.layer(0)[0].nin()
    }

    /// How many numbers the network outputs per sample.
    ///
    /// ```
    /// use rand::{SeedableRng, rngs::StdRng};
    /// use tapegrad::nn::{Activation, Init, Mlp};
    /// use tapegrad::train::Network;
    ///
    /// let mut rng = StdRng::seed_from_u64(0);
    /// let mlp = Mlp::new(3, &[4, 2], Activation::Relu, Activation::Linear, Init::He, &mut rng)?;
    /// assert_eq!(Network::outputs(&mlp), 2);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    fn outputs(&self) -> usize {
        self.layer(self.layer_count() - 1).len()
    }
}

impl Layers for Neuron {
    fn layer_count(&self) -> usize {
        1
    }
    fn layer(&self, _i: usize) -> &[Neuron] {
        std::slice::from_ref(self)
    }
}

impl Layers for Layer {
    fn layer_count(&self) -> usize {
        1
    }
    fn layer(&self, _i: usize) -> &[Neuron] {
        self.neurons()
    }
}

impl Layers for Mlp {
    fn layer_count(&self) -> usize {
        self.layers().len()
    }
    fn layer(&self, i: usize) -> &[Neuron] {
        self.layers()[i].neurons()
    }
}

impl Network for Neuron {}
impl Network for Layer {}
impl Network for Mlp {}

/// Runs full training steps (forward over a batch, the mean loss, backward, the optimizer's
/// update) and keeps its memory between them: after the first step, a step with the same
/// model shape and batch size makes no heap allocation.
///
/// A step computes exactly what the plain loop computes:
///
/// ```text
/// tape.clear();
/// let net = model.record(&tape);
/// let losses: Vec<_> = each sample: loss.apply(net.forward_f64(x)?[o], y[o]) for each output o;
/// let mean = loss::mean(&losses)?;
/// check_loss(opt.step_count(), mean.data())?;
/// opt.step(&mut model, &net.gradients(&mean.backward()))?;
/// ```
///
/// With several outputs, `ys` holds one target per output, sample by sample, and the loss is
/// the mean over every (sample, output) pair.
///
/// ```
/// use tapegrad::loss::Loss;
/// use tapegrad::nn::{Activation, Neuron};
/// use tapegrad::optim::{Optimizer, Sgd};
/// use tapegrad::train::Trainer;
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// // Fit y = 2x - 1 with one linear neuron.
/// let mut model = Neuron::from_parts(vec![0.0], 0.0, Activation::Linear);
/// let xs = [[-1.0], [0.0], [1.0], [2.0]];
/// let ys = [-3.0, -1.0, 1.0, 3.0];
/// let mut trainer = Trainer::new(Loss::Mse);
/// let mut opt = Sgd::new(0.2);
/// for _ in 0..200 {
///     trainer.step(&mut model, &xs, &ys, &mut opt)?;
/// }
/// assert!((model.weights()[0] - 2.0).abs() < 1e-6);
/// assert!((model.bias() + 1.0).abs() < 1e-6);
/// assert_eq!(opt.step_count(), 200);
/// # Ok(())
/// # }
/// ```
pub struct Trainer {
    loss: Loss,
    threads: usize,
    /// The model's parameters in order: the data of nodes `0..params.len()` on every tape.
    params: Vec<f64>,
    /// Every sample's (every output's) loss.
    loss_data: Vec<f64>,
    /// One per thread (the first runs on the caller's), each with its own tape.
    workers: Vec<Worker>,
    /// The workers' gradients summed, when more than one ran.
    summed: Vec<f64>,
    /// How many workers ran the last step.
    ran: usize,
    /// How many leading gradients are valid parameter gradients (0 before the first step).
    computed: usize,
}

/// What one thread needs to record and differentiate its share of a batch.
struct Worker {
    tape: Tape,
    grads: Gradients,
    /// Layer outputs while recording a sample.
    scratch: Scratch,
    /// The current chunk's loss nodes, and the current sample's losses' derivatives.
    loss_nodes: Vec<u32>,
    loss_derivs: Vec<f64>,
}

impl fmt::Debug for Trainer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trainer")
            .field("loss", &self.loss)
            .field("threads", &self.threads)
            .field("parameters", &self.computed)
            .finish()
    }
}

impl Trainer {
    /// A trainer minimising the mean of `loss` over a batch. It allocates nothing until the
    /// first step.
    ///
    /// ```
    /// use tapegrad::{loss::Loss, train::Trainer};
    ///
    /// let trainer = Trainer::new(Loss::BceWithLogits);
    /// assert_eq!(trainer.loss(), Loss::BceWithLogits);
    /// assert!(trainer.gradients().is_empty());
    /// ```
    #[must_use]
    pub fn new(loss: Loss) -> Self {
        Trainer {
            loss,
            threads: 1,
            params: Vec::new(),
            loss_data: Vec::new(),
            workers: Vec::new(),
            summed: Vec::new(),
            ran: 0,
            computed: 0,
        }
    }

    /// The same trainer splitting each batch over `threads` threads (one tape each, their
    /// gradients summed). The losses are the same as on one thread; the gradients agree to
    /// rounding (they are summed in another order).
    ///
    /// With more than one thread, each step starts its threads with
    /// [`std::thread::scope`], which allocates: the zero-allocation promise is for one
    /// thread. Starting a thread costs tens of microseconds, so only batches whose step takes
    /// milliseconds can gain, and only with a core to spare (`PERFORMANCE.md` has figures).
    ///
    /// # Panics
    /// If `threads` is 0.
    ///
    /// ```
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Neuron};
    /// use tapegrad::train::Trainer;
    ///
    /// let model = Neuron::from_parts(vec![0.5, -0.5], 0.1, Activation::Tanh);
    /// let xs: Vec<[f64; 2]> = (0..100).map(|i| [f64::from(i).sin(), f64::from(i).cos()]).collect();
    /// let ys: Vec<f64> = (0..100).map(|i| if i % 3 == 0 { 1.0 } else { -1.0 }).collect();
    /// let mut one = Trainer::new(Loss::Hinge);
    /// let mut two = Trainer::new(Loss::Hinge).with_threads(2);
    /// assert_eq!(two.threads(), 2);
    /// let loss = one.loss_and_gradients(&model, &xs, &ys)?;
    /// assert_eq!(two.loss_and_gradients(&model, &xs, &ys)?, loss);
    /// for (a, b) in one.gradients().iter().zip(two.gradients()) {
    ///     assert!((a - b).abs() < 1e-12);
    /// }
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    #[track_caller]
    pub fn with_threads(mut self, threads: usize) -> Self {
        assert!(
            threads > 0,
            "Trainer::with_threads: give at least 1 thread, got 0"
        );
        self.threads = threads;
        self
    }

    /// How many threads a step uses (1 unless set with
    /// [`with_threads`](Trainer::with_threads)).
    ///
    /// ```
    /// use tapegrad::{loss::Loss, train::Trainer};
    /// assert_eq!(Trainer::new(Loss::Mse).threads(), 1);
    /// ```
    #[must_use]
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The per-sample loss being averaged.
    ///
    /// ```
    /// use tapegrad::{loss::Loss, train::Trainer};
    /// assert_eq!(Trainer::new(Loss::Mse).loss(), Loss::Mse);
    /// ```
    #[must_use]
    pub fn loss(&self) -> Loss {
        self.loss
    }

    /// One training step: the mean loss of `model` over the batch (`xs`, `ys`), its gradient,
    /// then `opt`'s update of `model`. Returns the loss (before the update).
    ///
    /// `xs` holds one row of [`inputs`](Network::inputs) numbers per sample; `ys` holds
    /// [`outputs`](Network::outputs) targets per sample.
    ///
    /// # Errors
    /// As [`loss_and_gradients`](Trainer::loss_and_gradients) for the batch;
    /// [`Error::NonFinite`] if the loss is NaN or infinite (see
    /// [`check_loss`]); whatever
    /// [`Optimizer::step`] reports. In every case the model is left unchanged.
    ///
    /// # Panics
    /// If a target is outside the loss's domain, or, with [`Loss::Bce`], a prediction is not
    /// in [0, 1] (a model whose output is not a sigmoid, say; see [`loss`](crate::loss)).
    /// With several threads, the panic is raised again on the caller's thread, with its
    /// message.
    ///
    /// ```
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Neuron};
    /// use tapegrad::optim::Sgd;
    /// use tapegrad::train::Trainer;
    ///
    /// let mut model = Neuron::from_parts(vec![1.0], 0.0, Activation::Linear);
    /// let mut trainer = Trainer::new(Loss::Mse);
    /// // ½·(1·2 − 0)² = 2; gradient (2, 1)·2 = (4, 2).
    /// let loss = trainer.step(&mut model, &[[2.0]], &[0.0], &mut Sgd::new(0.5))?;
    /// assert_eq!(loss, 2.0);
    /// assert_eq!(trainer.gradients(), &[4.0, 2.0]);
    /// assert_eq!((model.weights()[0], model.bias()), (-1.0, -1.0));
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[track_caller]
    pub fn step<M, O, X>(
        &mut self,
        model: &mut M,
        xs: &[X],
        ys: &[f64],
        opt: &mut O,
    ) -> Result<f64, Error>
    where
        M: Network + Sync,
        O: Optimizer + ?Sized,
        X: AsRef<[f64]> + Sync,
    {
        let loss = self.loss_and_gradients(model, xs, ys)?;
        check_loss(opt.step_count(), loss)?;
        let grads = if self.ran > 1 {
            &self.summed[..self.computed]
        } else {
            &self.workers[0].grads.as_slice()[..self.computed]
        };
        opt.step(model, grads)?;
        Ok(loss)
    }

    /// The mean loss of `model` over the batch and its gradient with respect to every
    /// parameter, without updating anything: read the gradient with
    /// [`gradients`](Trainer::gradients).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty batch or if `ys` does not hold
    /// [`outputs`](Network::outputs) targets per sample; [`Error::InputSize`] if a row of
    /// `xs` has the wrong length. Nothing is recorded then.
    ///
    /// # Panics
    /// If a target is outside the loss's domain, or, with [`Loss::Bce`], a prediction is not
    /// in [0, 1] (a model whose output is not a sigmoid, say; see [`loss`](crate::loss)).
    /// With several threads, the panic is raised again on the caller's thread, with its
    /// message.
    ///
    /// ```
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Neuron};
    /// use tapegrad::train::Trainer;
    ///
    /// let model = Neuron::from_parts(vec![1.0, 1.0], 0.0, Activation::Linear);
    /// let mut trainer = Trainer::new(Loss::Hinge);
    /// let xs = [[0.25, 0.25], [1.0, 2.0]];
    /// let loss = trainer.loss_and_gradients(&model, &xs, &[1.0, 1.0])?;
    /// assert_eq!(loss, 0.25); // (0.5 + 0) / 2
    /// assert_eq!(trainer.gradients(), &[-0.125, -0.125, -0.5]);
    /// assert!(trainer.loss_and_gradients(&model, &xs, &[1.0]).is_err());
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[track_caller]
    pub fn loss_and_gradients<M, X>(
        &mut self,
        model: &M,
        xs: &[X],
        ys: &[f64],
    ) -> Result<f64, Error>
    where
        M: Network + Sync,
        X: AsRef<[f64]> + Sync,
    {
        let (nin, nout) = (model.inputs(), model.outputs());
        check_batch(xs, ys, nin, nout)?;
        self.computed = 0;
        let params = &mut self.params;
        params.clear();
        model.visit_parameters(&mut |p| params.push(p));
        let count = params.len();
        let samples = xs.len();
        self.loss_data.clear();
        self.loss_data.resize(samples * nout, 0.0);
        let per_loss = (samples * nout) as f64;

        // Contiguous shares of the batch, one per thread.
        let share = samples.div_ceil(self.threads.min(samples));
        self.ran = samples.div_ceil(share);
        while self.workers.len() < self.ran {
            self.workers.push(Worker::default());
        }
        let (loss, params) = (self.loss, &self.params[..]);
        let mut jobs = self.workers[..self.ran]
            .iter_mut()
            .zip(xs.chunks(share))
            .zip(ys.chunks(share * nout))
            .zip(self.loss_data.chunks_mut(share * nout));
        if self.ran == 1 {
            for (((worker, xs), ys), losses) in jobs {
                worker.run(loss, model, params, xs, ys, losses, per_loss);
            }
        } else {
            let panicked = std::thread::scope(|scope| {
                let mine = jobs.next();
                let handles: Vec<_> = jobs
                    .map(|(((worker, xs), ys), losses)| {
                        scope.spawn(move || {
                            worker.run(loss, model, params, xs, ys, losses, per_loss);
                        })
                    })
                    .collect();
                if let Some((((worker, xs), ys), losses)) = mine {
                    worker.run(loss, model, params, xs, ys, losses, per_loss);
                }
                // Joined here, not by the scope, which would replace a worker's panic
                // message with "a scoped thread panicked".
                let mut first = None;
                for handle in handles {
                    if let Err(payload) = handle.join() {
                        first.get_or_insert(payload);
                    }
                }
                first
            });
            if let Some(payload) = panicked {
                std::panic::resume_unwind(payload);
            }
            self.summed.clear();
            self.summed.resize(count, 0.0);
            for worker in &self.workers[..self.ran] {
                let grads = &worker.grads.as_slice()[..count];
                for (total, g) in self.summed.iter_mut().zip(grads) {
                    *total += g;
                }
            }
        }
        self.computed = count;
        Ok(self.loss_data.iter().fold(0.0, |acc, l| acc + l) / per_loss)
    }

    /// The gradient of the last step's loss with respect to every parameter, in parameter
    /// order (empty before the first step).
    ///
    /// ```
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Neuron};
    /// use tapegrad::train::Trainer;
    ///
    /// let model = Neuron::from_parts(vec![3.0], 0.0, Activation::Linear);
    /// let mut trainer = Trainer::new(Loss::Mse);
    /// trainer.loss_and_gradients(&model, &[[1.0]], &[1.0])?;
    /// assert_eq!(trainer.gradients(), &[2.0, 2.0]); // pred − target = 2
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn gradients(&self) -> &[f64] {
        match self.ran {
            0 => &[],
            1 => &self.workers[0].grads.as_slice()[..self.computed],
            _ => &self.summed[..self.computed],
        }
    }

    /// The tape the last step was recorded on (for its [`len`](Tape::len), say): the
    /// parameters, then the last piece of the batch recorded (the first piece, as pieces are
    /// recorded last to first; the whole batch when it is small). With several threads, the
    /// first thread's tape. `None` before the first step.
    ///
    /// The trainer's tapes are made [without values](Tape::without_values): nothing prints
    /// the trainer's graph, so it skips storing every node's value.
    ///
    /// ```
    /// use tapegrad::loss::Loss;
    /// use tapegrad::nn::{Activation, Neuron};
    /// use tapegrad::train::Trainer;
    ///
    /// let model = Neuron::from_parts(vec![3.0], 0.0, Activation::Tanh);
    /// let mut trainer = Trainer::new(Loss::Mse);
    /// assert!(trainer.tape().is_none());
    /// trainer.loss_and_gradients(&model, &[[1.0], [2.0]], &[1.0, 0.0])?;
    /// // 2 parameters; per sample an affine, a tanh and a loss node; a sum and a division.
    /// assert_eq!(trainer.tape().map(|t| t.len()), Some(2 + 2 * 3 + 2));
    /// assert_eq!(trainer.tape().map(|t| t.stores_values()), Some(false));
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn tape(&self) -> Option<&Tape> {
        self.workers.first().map(|w| &w.tape)
    }
}

impl Default for Worker {
    /// Its tape stores no node values: nothing prints the trainer's graph, and a node is
    /// recorded with one store less.
    fn default() -> Self {
        Worker {
            tape: Tape::new().without_values(),
            grads: Gradients::default(),
            scratch: Scratch::default(),
            loss_nodes: Vec::new(),
            loss_derivs: Vec::new(),
        }
    }
}

impl Worker {
    /// Records and differentiates the batch (`xs`, `ys`), writing each sample's losses to
    /// `losses` and leaving in `grads` the gradient of `Σ losses / per_loss` with respect to
    /// the parameters (nodes `0..params.len()`).
    #[allow(clippy::too_many_arguments)]
    fn run<M: Network, X: AsRef<[f64]>>(
        &mut self,
        loss: Loss,
        model: &M,
        params: &[f64],
        xs: &[X],
        ys: &[f64],
        losses: &mut [f64],
        per_loss: f64,
    ) {
        let (count, nout, samples) = (params.len(), model.outputs(), xs.len());
        // The batch is recorded in chunks whose edges fit in cache, last chunk first, after
        // the parameters (nodes 0..count, recorded once). The parameters' gradients carry
        // over from chunk to chunk, so they are summed in the very order one sweep over the
        // whole batch would sum them: the result is the same to the last bit.
        let chunk = (CHUNK_EDGES / edges_per_sample(model)).clamp(1, samples);
        let chunks = samples.div_ceil(chunk);
        self.tape.clear();
        self.tape.push_vars(params);
        for c in (0..chunks).rev() {
            let (lo, hi) = (c * chunk, ((c + 1) * chunk).min(samples));
            self.tape.truncate(count, true);
            let tape = &self.tape;
            self.loss_nodes.clear();
            for s in lo..hi {
                let x = xs[s].as_ref();
                self.scratch.forward(model, params, x);
                let preds = &self.scratch.outs[self.scratch.outs.len() - nout..];
                let targets = &ys[s * nout..(s + 1) * nout];
                let sample_losses = &mut losses[s * nout..(s + 1) * nout];
                self.loss_derivs.clear();
                for ((&pred, &y), l) in preds.iter().zip(targets).zip(sample_losses.iter_mut()) {
                    let (value, d) = loss.local(pred, y);
                    *l = value;
                    self.loss_derivs.push(d);
                }
                // A sample whose losses all have derivative 0 (a hinge margin already met)
                // passes nothing back: backward would skip all of its nodes, so they are
                // not recorded. The gradient is the same, bit for bit.
                if self.loss_derivs.iter().all(|&d| d == 0.0) {
                    continue;
                }
                self.scratch.record(tape, model, params, x);
                let outs = &self.scratch.nodes[self.scratch.nodes.len() - nout..];
                tape.with_nodes(|nodes| {
                    for ((&out, &l), &d) in outs.iter().zip(&*sample_losses).zip(&self.loss_derivs)
                    {
                        // What `Loss::apply` records: `Value::custom(l, d)`.
                        let node = nodes.push_unary(Op::Custom, l, out, d);
                        self.loss_nodes.push(node);
                    }
                });
            }
            // loss::mean's nodes (one fused sum, then a division by the number of losses),
            // over this chunk's losses: backward gives each loss the same 1/n.
            let part = losses[lo * nout..hi * nout]
                .iter()
                .fold(0.0, |acc, l| acc + l);
            let edges = self.loss_nodes.iter().map(|&i| (i, 1.0));
            let sum = Value::from_parts(tape, tape.push_edges(Op::Sum, part, edges), part);
            tape.backward_accumulate::<false>(
                sum / per_loss,
                &mut self.grads,
                count,
                c + 1 == chunks,
            );
        }
    }
}

/// How many edges a chunk of the batch may record (at least one sample's): 4 Ki edges take
/// 48 KiB of tape, which stays in a core's L1 or L2 cache between forward and backward. On
/// the large benchmark (2 → [64, 64, 1], 500 points, about 50 MiB of edges in one piece)
/// recording in chunks took the step from 2.5× to 1.5× the hand-written time; on micrograd's
/// demo, 4 Ki edges measured a few percent faster than 16 Ki.
const CHUNK_EDGES: usize = 4 * 1024;

/// Edges one sample records: an affine node per neuron (a weight edge per input, an input
/// edge per recorded input, a bias edge), an activation and a loss per output.
fn edges_per_sample<M: Network>(model: &M) -> usize {
    let mut edges = model.outputs();
    for l in 0..model.layer_count() {
        for n in model.layer(l) {
            let inputs = if l == 0 { n.nin() } else { 2 * n.nin() };
            edges += inputs + 1 + usize::from(n.activation() != crate::nn::Activation::Linear);
        }
    }
    edges
}

/// One sample's forward pass in plain numbers, then (if its gradient is needed) on the tape:
/// the buffers hold numbers and node indices, never [`Value`]s, so they outlive the tape's
/// borrow and are reused. Neurons are numbered layer after layer.
#[derive(Default)]
struct Scratch {
    /// Every neuron's weighted sum, output, and activation's local derivative.
    sums: Vec<f64>,
    outs: Vec<f64>,
    derivs: Vec<f64>,
    /// The node holding every neuron's output, once recorded ([`SKIPPED`] if not).
    nodes: Vec<u32>,
    /// The positions and nodes of the recorded outputs of the layer before.
    alive_at: Vec<u32>,
    alive_nodes: Vec<u32>,
}

impl Scratch {
    /// Runs one sample through `model` (parameters `params`, in order) without a tape,
    /// keeping what recording needs. The outputs are the last entries of `outs`.
    fn forward<M: Network>(&mut self, model: &M, params: &[f64], x: &[f64]) {
        self.sums.clear();
        self.outs.clear();
        self.derivs.clear();
        let (mut w, mut prev) = (0, 0..0);
        for l in 0..model.layer_count() {
            let layer = model.layer(l);
            let start = self.sums.len();
            let input = if l == 0 { x } else { &self.outs[prev] };
            // The weighted sums in a loop of their own: each is a chain of dependent
            // additions, and the processor overlaps the chains of neighbouring neurons.
            for neuron in layer {
                let n = neuron.nin();
                let dot = params[w..w + n]
                    .iter()
                    .zip(input)
                    .fold(0.0, |acc, (w, x)| acc + w * x);
                self.sums.push(dot + params[w + n]); // `affine`'s value, bit for bit
                w += n + 1;
            }
            for (neuron, &z) in layer.iter().zip(&self.sums[start..]) {
                let (y, d) = neuron
                    .activation()
                    .local(z)
                    .map_or((z, 1.0), |(_, y, d)| (y, d));
                self.outs.push(y);
                self.derivs.push(d);
            }
            prev = start..self.outs.len();
        }
    }

    /// Records the sample last run by [`forward`](Scratch::forward) on `tape`, after the
    /// parameters (nodes `0..params.len()`): per neuron, its weighted sum as one fused node,
    /// then its activation (none for `Linear`), the nodes [`Neuron::forward`] records, with
    /// one exception. A hidden neuron whose activation has local derivative exactly 0 (a
    /// relu at or below 0, a saturated tanh) passes nothing back to its sum, so neither
    /// node is recorded, and the next layer takes its output as a constant: the gradient
    /// is the same, bit for bit (in the plain loop, both nodes get gradient 0 and backward
    /// skips them). Layer 0 reads the inputs as constants, adding no nodes.
    fn record<M: Network>(&mut self, tape: &Tape, model: &M, params: &[f64], x: &[f64]) {
        self.nodes.clear();
        self.nodes.resize(self.outs.len(), SKIPPED);
        let last = model.layer_count() - 1;
        tape.with_nodes(|nodes| {
            let (mut w, mut prev) = (0, 0..0);
            for l in 0..=last {
                let layer = model.layer(l);
                let start = prev.end;
                let (before, mine) = self.nodes.split_at_mut(start);
                let x_data = if l == 0 { x } else { &self.outs[prev.clone()] };
                let inputs = if l == 0 {
                    Inputs::Constants
                } else {
                    let before = &before[prev.clone()];
                    self.alive_at.clear();
                    self.alive_nodes.clear();
                    for (k, &node) in before.iter().enumerate() {
                        if node != SKIPPED {
                            self.alive_at.push(k as u32);
                            self.alive_nodes.push(node);
                        }
                    }
                    if self.alive_at.len() == before.len() {
                        Inputs::Nodes(before)
                    } else {
                        Inputs::Some {
                            at: &self.alive_at,
                            nodes: &self.alive_nodes,
                        }
                    }
                };
                for (j, neuron) in layer.iter().enumerate() {
                    let k = start + j;
                    let n = neuron.nin();
                    let weights = &params[w..w + n];
                    w += n + 1;
                    let op = neuron.activation().op();
                    if op.is_some() && self.derivs[k] == 0.0 && l < last {
                        continue; // passes nothing back: see above
                    }
                    let first = (w - n - 1) as u32;
                    let sum = nodes.push_affine(self.sums[k], first, weights, inputs, x_data);
                    mine[j] = match op {
                        Some(op) => nodes.push_unary(op, self.outs[k], sum, self.derivs[k]),
                        None => sum,
                    };
                }
                prev = start..start + layer.len();
            }
        });
    }
}

/// Marks a neuron whose nodes were not recorded.
const SKIPPED: u32 = u32::MAX;

/// Checks a batch's shape before anything is recorded.
fn check_batch<X: AsRef<[f64]>>(
    xs: &[X],
    ys: &[f64],
    nin: usize,
    nout: usize,
) -> Result<(), Error> {
    if xs.is_empty() {
        return Err(Error::InvalidArgument(
            "empty batch: give at least one sample to average the loss over".into(),
        ));
    }
    if ys.len() != xs.len() * nout {
        return Err(Error::InvalidArgument(format!(
            "{} samples with {nout} outputs each need {} targets, got {}",
            xs.len(),
            xs.len() * nout,
            ys.len()
        )));
    }
    if let Some(x) = xs.iter().find(|x| x.as_ref().len() != nin) {
        return Err(Error::InputSize {
            expected: nin,
            got: x.as_ref().len(),
        });
    }
    Ok(())
}
