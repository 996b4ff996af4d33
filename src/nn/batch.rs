//! A batch's mean loss and its gradient, on one thread or several: [`batch_loss`], the
//! [`BatchGradients`] it fills, and the [`Example`] a batch is made of.

use std::fmt;
use std::ops::Deref;

use super::{Forward, Module};
use crate::datasets::Point;
use crate::{Error, Gradients, Tape, Value, loss};

/// A training sample as a model reads it: its inputs. The label, or whatever else the loss
/// needs, stays in the sample, where [`batch_loss`]'s loss function finds it.
///
/// ```
/// use tapegrad::datasets::Point;
/// use tapegrad::nn::Example;
///
/// assert_eq!(Example::inputs(&Point::new(1.0, 2.0, -1.0)).as_ref(), [1.0, 2.0]);
/// assert_eq!(([0.5, 1.5, 2.5], 1.0).inputs().as_ref(), [0.5, 1.5, 2.5]);
/// assert_eq!((vec![3.0], "a label").inputs().as_ref(), [3.0]);
/// assert_eq!((4.0, 0.0).inputs().as_ref(), [4.0]);
/// ```
pub trait Example {
    /// The inputs, one per input of the model.
    fn inputs(&self) -> impl AsRef<[f64]>;
}

impl Example for Point {
    fn inputs(&self) -> impl AsRef<[f64]> {
        Point::inputs(self)
    }
}

/// A one-input sample and its label.
impl<T> Example for (f64, T) {
    fn inputs(&self) -> impl AsRef<[f64]> {
        [self.0]
    }
}

/// Inputs and a label.
impl<const N: usize, T> Example for ([f64; N], T) {
    fn inputs(&self) -> impl AsRef<[f64]> {
        self.0
    }
}

/// Inputs and a label.
impl<T> Example for (Vec<f64>, T) {
    fn inputs(&self) -> impl AsRef<[f64]> {
        &self.0
    }
}

/// The gradient of a batch's mean loss with respect to every parameter, in parameter order,
/// as [`batch_loss`] computed it last: what
/// [`Optimizer::step`](crate::optim::Optimizer::step) takes (it dereferences to `&[f64]`).
///
/// It also keeps what computed it, one tape and its buffers per thread, so that the next
/// step reuses their memory: a loop that keeps one `BatchGradients` allocates nothing after
/// its first step on one thread.
///
/// ```
/// use tapegrad::nn::BatchGradients;
///
/// let grads = BatchGradients::new();
/// assert!(grads.is_empty());
/// assert_eq!(format!("{grads:?}"), "BatchGradients { parameters: 0, tapes: 0 }");
/// ```
#[derive(Default)]
pub struct BatchGradients {
    values: Vec<f64>,
    workers: Vec<Worker>,
}

impl BatchGradients {
    /// An empty store, to fill with [`batch_loss`].
    ///
    /// ```
    /// assert!(tapegrad::nn::BatchGradients::new().as_slice().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        BatchGradients::default()
    }

    /// The gradients, in parameter order.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, BatchGradients, Neuron, batch_loss};
    ///
    /// let n = Neuron::from_parts(vec![2.0], 0.5, Activation::Linear);
    /// let mut grads = BatchGradients::new();
    /// batch_loss(&n, &[([3.0], ())], |out, _| out[0], 1, &mut grads)?;
    /// assert_eq!(grads.as_slice(), [3.0, 1.0]); // d(2x + 0.5)/dw = x, d/db = 1
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    #[must_use]
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }

    /// Adds an L2 weight penalty of strength `alpha` over `model`'s parameters to these
    /// gradients, and returns the penalty, to add to [`batch_loss`]'s result: regularisation
    /// without recording it.
    ///
    /// The penalty is exactly what [`loss::l2_penalty`](crate::loss::l2_penalty) records for
    /// the same parameters: `alpha · Σ p²`, a sum (not a mean) of the squares, added up in
    /// parameter order, times `alpha`. Its gradient, `2·alpha·p`, is added to each
    /// parameter's gradient, after the batch's, as backward on that recorded penalty gives it.
    /// Call it once per step, after `batch_loss` and before the optimizer's step: a second
    /// call adds the penalty's gradient again.
    ///
    /// `model` must be the model `batch_loss` was given (its parameters, in the same order).
    /// A NaN or infinite parameter gives a NaN or infinite penalty, which
    /// [`check_loss`](crate::optim::check_loss) then refuses.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `model` does not have one parameter per gradient here,
    /// for instance before `batch_loss` has filled them; nothing is changed.
    ///
    /// # Panics
    /// If `alpha` is negative, NaN or infinite, as `loss::l2_penalty` does.
    ///
    /// ```
    /// use tapegrad::nn::{Activation, BatchGradients, Module, Neuron, batch_loss};
    /// use tapegrad::{Tape, loss};
    ///
    /// # fn main() -> Result<(), tapegrad::Error> {
    /// let n = Neuron::from_parts(vec![2.0], 0.5, Activation::Linear);
    /// let mut grads = BatchGradients::new();
    /// let mean = batch_loss(&n, &[([3.0], ())], |out, _| out[0], 1, &mut grads)?; // 2·3 + 0.5
    /// let penalty = grads.add_l2_penalty(&n, 0.1)?;
    /// let total = mean + penalty; // what the optimizer's step now minimises
    /// assert_eq!(penalty, 0.1 * (2.0 * 2.0 + 0.5 * 0.5));
    /// assert_eq!(grads.as_slice(), [3.0 + 0.2 * 2.0, 1.0 + 0.2 * 0.5]);
    /// assert!(total > mean);
    ///
    /// // What `loss::l2_penalty` records and backward gives, bit for bit.
    /// let tape = Tape::new();
    /// let p = tape.vars(&n.parameters());
    /// let recorded = loss::l2_penalty(&p, 0.1);
    /// assert_eq!(penalty, recorded.data());
    /// assert_eq!(recorded.backward().wrt_all(&p), [0.2 * 2.0, 0.2 * 0.5]);
    ///
    /// // Before `batch_loss` there are no gradients to add to.
    /// let err = BatchGradients::new().add_l2_penalty(&n, 0.1).unwrap_err();
    /// assert!(err.to_string().contains("the model has 2 parameters, but there are 0 gradients"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_l2_penalty(&mut self, model: &dyn Module, alpha: f64) -> Result<f64, Error> {
        loss::check_penalty_strength("BatchGradients::add_l2_penalty", alpha);
        let expected = model.parameter_count();
        if self.values.len() != expected {
            return Err(Error::InvalidArgument(format!(
                "BatchGradients::add_l2_penalty: the model has {expected} parameters, but there are {} \
                 gradients; call batch_loss with this model first, then add the penalty once",
                self.values.len()
            )));
        }
        // Summed and multiplied as `loss::l2_penalty` does, for the same bits.
        let mut squares = 0.0;
        let mut grads = self.values.iter_mut();
        model.visit_parameters(&mut |p| {
            squares += p * p;
            if let Some(g) = grads.next() {
                *g += loss::l2_penalty_local(p, alpha);
            }
        });
        Ok(alpha * squares)
    }
}

impl Deref for BatchGradients {
    type Target = [f64];

    fn deref(&self) -> &[f64] {
        &self.values
    }
}

impl fmt::Debug for BatchGradients {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchGradients")
            .field("parameters", &self.values.len())
            .field("tapes", &self.workers.len())
            .finish()
    }
}

/// The mean of `loss(outputs, sample)` over `batch`, and its gradient with respect to every
/// parameter of `model`, written into `grads`: one training step's forward and backward.
///
/// The batch is cut into runs of samples, in order, one for each of `threads` threads but
/// none shorter than [`MIN_RUN`] samples (a small batch is not worth starting threads for:
/// one of fewer than `2 · MIN_RUN` samples runs on one thread), and each run is computed on
/// a thread of its own, on its own tape, with the
/// public recording API: the parameters recorded with [`Tape::var`] in parameter order, the
/// pass with [`Forward::forward_into`] on each sample's [`inputs`](Example::inputs), the
/// losses summed and divided by the batch's size, backward. A thread records its run in
/// pieces that keep its tape small enough to stay in cache (a few samples of a wide network,
/// dozens of a small one), sweeping back after each, last piece first, which adds every
/// contribution to a gradient in the same order as one sweep of the whole run. The runs'
/// losses and gradients are then added up in the runs' order. So the result is the same,
/// bit for bit, every time for a given number of threads; from one number of threads to
/// another only the order of the additions changes (the results agree to about 1e-15
/// relative). On one thread it is
/// bit for bit what recording the model with [`Module::record`](super::Module::record),
/// [`forward_f64`](super::Recorded::forward_f64) on each sample and
/// [`loss::mean`](crate::loss::mean) give, and it runs on the caller's thread.
///
/// `loss` is called once per sample with the model's outputs (any loss, built-in or your
/// own, written with [`Value`]'s operations). `grads` keeps each thread's tape and buffers
/// for the next call: keep one from step to step, and after the first step one thread
/// allocates nothing (more threads are started afresh each step, which allocates).
///
/// # Errors
/// [`Error::InvalidArgument`] if `batch` is empty or `threads` is 0; the errors of
/// [`Forward::forward_into`] for the first sample, in batch order, that the model refuses
/// (wrong number of inputs, a NaN or infinite input). `grads` is then unusable until the
/// next call that succeeds.
///
/// # Panics
/// If `loss` panics (the panic is passed on from its thread), or returns a value recorded
/// on another tape than the outputs it was given.
///
/// ```
/// use tapegrad::datasets::{self, Playground};
/// use tapegrad::loss;
/// use tapegrad::nn::{Activation::Tanh, BatchGradients, Mlp, Module, batch_loss};
/// use tapegrad::rand::{SeedableRng, rngs::StdRng};
///
/// # fn main() -> Result<(), tapegrad::Error> {
/// let data = datasets::playground(Playground::Circle, 200, 0.0, &mut StdRng::seed_from_u64(1))?;
/// let model = Mlp::builder(2).hidden(&[4], Tanh).output(1, Tanh).seed(1).build()?;
/// let (mut one, mut two) = (BatchGradients::new(), BatchGradients::new());
/// let loss1 = batch_loss(&model, &data.train, |out, p| loss::mse(out[0], p.label), 1, &mut one)?;
/// let loss2 = batch_loss(&model, &data.train, |out, p| loss::mse(out[0], p.label), 2, &mut two)?;
/// assert_eq!(one.len(), model.parameter_count());
/// assert!((loss1 - loss2).abs() <= 1e-12 * loss1);
/// for (a, b) in one.iter().zip(two.iter()) {
///     assert!((a - b).abs() <= 1e-12 * a.abs().max(1e-300));
/// }
/// # Ok(())
/// # }
/// ```
pub fn batch_loss<M, S, F>(
    model: &M,
    batch: &[S],
    loss: F,
    threads: usize,
    grads: &mut BatchGradients,
) -> Result<f64, Error>
where
    M: Forward + Sync,
    S: Example + Sync,
    F: for<'t> Fn(&[Value<'t>], &S) -> Value<'t> + Sync,
{
    if batch.is_empty() {
        return Err(Error::InvalidArgument(
            "batch_loss of no samples: give at least one sample".into(),
        ));
    }
    if threads == 0 {
        return Err(Error::InvalidArgument(
            "batch_loss on 0 threads: give at least 1".into(),
        ));
    }
    let threads = threads.min(batch.len() / MIN_RUN).max(1);
    let runs = batch.chunks(batch.len().div_ceil(threads));
    if grads.workers.len() < runs.len() {
        grads.workers.resize_with(runs.len(), Worker::default);
    }
    let workers = &mut grads.workers[..runs.len()];
    let n = batch.len();
    if let [worker] = workers {
        worker.run(model, batch, n, &loss)?;
    } else {
        let loss = &loss;
        std::thread::scope(|scope| {
            let mut pairs = workers.iter_mut().zip(runs);
            let (first, first_run) = pairs.next().expect("at least one run");
            let others: Vec<_> = pairs
                .map(|(w, run)| scope.spawn(move || w.run(model, run, n, loss)))
                .collect();
            let mut result = first.run(model, first_run, n, loss);
            for handle in others {
                let theirs = handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                result = result.and(theirs);
            }
            result
        })?;
    }
    // Added up in the runs' order.
    let (first, others) = workers.split_first().expect("at least one run");
    grads.values.clear();
    grads.values.extend_from_slice(&first.gradients);
    let mut total = first.loss;
    for w in others {
        for (g, d) in grads.values.iter_mut().zip(&w.gradients) {
            *g += d;
        }
        total += w.loss;
    }
    Ok(total)
}

/// The fewest samples [`batch_loss`] gives a thread: starting one costs about as much as
/// running a few samples through a small network.
///
/// ```
/// assert_eq!(tapegrad::nn::MIN_RUN, 32);
/// ```
pub const MIN_RUN: usize = 32;

/// One thread's share of a batch: its tape and buffers, kept from step to step, and what it
/// computed last.
#[derive(Default)]
struct Worker {
    tape: Tape,
    grads: Gradients,
    /// This run's losses summed and divided by the batch's size.
    loss: f64,
    /// Its gradient with respect to every parameter, in parameter order.
    gradients: Vec<f64>,
    /// Each sample's loss, in the run's order.
    losses: Vec<f64>,
    /// The memory of the recorded parameters, one sample's inputs, one pass's values, and
    /// a piece's losses.
    spare: [Spare; 4],
}

impl Worker {
    /// Computes this thread's share of a batch of `n` samples from `run`.
    ///
    /// The parameters are recorded once, then the run piece by piece, last piece first: a
    /// piece's samples, their losses summed and divided by `n`, backward, and the tape
    /// truncated back to the parameters, whose gradients each piece's sweep adds to. So a
    /// step's tape is never more than the parameters and one piece, small enough to stay
    /// in cache, and each parameter's gradient receives the samples' contributions in the
    /// order one sweep of the whole run would add them: the same bits.
    fn run<M, S, F>(&mut self, model: &M, run: &[S], n: usize, loss: &F) -> Result<(), Error>
    where
        M: Forward,
        S: Example,
        F: for<'t> Fn(&[Value<'t>], &S) -> Value<'t>,
    {
        self.tape.clear();
        let tape = &self.tape;
        let [mut params, mut inputs, mut out, mut losses] = self.spare.each_mut().map(Spare::take);
        model.visit_parameters(&mut |p| params.push(tape.var(p)));
        let count = params.len();
        // Checked against the tape here, once, instead of by every layer for every sample.
        let checked = tape.check_once(&params);
        let size = piece_size(count);
        self.losses.clear();
        self.losses.resize(run.len(), 0.0);
        let pieces = run.chunks(size).zip(self.losses.chunks_mut(size));
        let last = pieces.len() - 1;
        let mut result = Ok(());
        for (i, (piece, piece_losses)) in pieces.enumerate().rev() {
            // The parameters' handles are the only ones that outlive a piece (`out` is
            // cleared before each pass).
            tape.truncate(count);
            losses.clear();
            let mut forward = || -> Result<(), Error> {
                for sample in piece {
                    inputs.clear();
                    inputs.extend(sample.inputs().as_ref().iter().map(|&x| Value::constant(x)));
                    // `forward_into` replaces what `out` holds, but a model's own may append:
                    // cleared here, `out` never hands the loss a handle from another piece.
                    out.clear();
                    model.forward_into(&params, &inputs, &mut out)?;
                    losses.push(on_tape(tape, loss(&out, sample)));
                }
                Ok(())
            };
            match forward() {
                // An earlier sample's error replaces a later one's.
                Err(e) => result = Err(e),
                Ok(()) if result.is_ok() => {
                    // As `loss::mean` divides, so that one thread gives its result bit for
                    // bit. The last piece's sweep (the first to run) starts the parameters'
                    // gradients from zero.
                    let share = crate::sum(&losses) / n as f64;
                    let carried = if i == last { 0 } else { count };
                    tape.backward_adding(share, carried, &mut self.grads);
                    for (l, v) in piece_losses.iter_mut().zip(&losses) {
                        *l = v.data();
                    }
                }
                Ok(()) => {}
            }
        }
        drop(checked);
        for (spare, values) in self.spare.iter_mut().zip([params, inputs, out, losses]) {
            spare.keep(values);
        }
        if result.is_ok() {
            let grads = self.grads.as_slice();
            self.gradients.clear();
            self.gradients
                .extend((0..count).map(|i| grads.get(i).copied().unwrap_or(0.0)));
            // Summed left to right, as `sum` does.
            self.loss = self.losses.iter().fold(0.0, |total, l| total + l) / n as f64;
        }
        result
    }
}

/// `l`, a sample's loss, after checking that it is recorded on `tape` (or on none): swept back
/// there, a value of another tape would name one of `tape`'s nodes by its index.
///
/// # Panics
/// If `l` is recorded on another tape.
#[track_caller]
fn on_tape<'t>(tape: &Tape, l: Value<'t>) -> Value<'t> {
    assert!(
        l.tape().is_none_or(|t| std::ptr::eq(t, tape)),
        "batch_loss: the loss function returned a value recorded on another tape than the \
         outputs it was given; build the loss from those outputs"
    );
    l
}

/// How many samples [`Worker::run`] records in one piece, for a model of `parameters`
/// parameters: as many as fill about [`PIECE_BYTES`] of tape, counting two edges a parameter
/// and sample (a network records one for each weight and one for the input it multiplies),
/// and at least one. It depends on the model alone, never on the threads or their timing.
fn piece_size(parameters: usize) -> usize {
    let edge = crate::bytes_per_node(1) - crate::bytes_per_node(0);
    (PIECE_BYTES / (2 * edge * parameters.max(1))).max(1)
}

/// About how much tape [`Worker::run`] records before it sweeps back: well within a core's
/// own cache (L2), which a whole batch's tape outgrows (a 2 → 64 → 64 → 1 network records
/// about 110 KB a sample).
const PIECE_BYTES: usize = 512 * 1024;

/// The memory of a `Vec<Value>`, kept from one step to the next. A vector of values borrows
/// their tape, so it cannot outlive the tape's `clear`, but its memory can: an emptied
/// vector collected into a vector of another type of the same size and alignment keeps its
/// allocation (the standard library collects in place; `tests/alloc.rs` counts it). The
/// other type here holds no reference, so the memory can go to another thread.
#[derive(Default)]
struct Spare(Vec<[u64; 3]>);

impl Spare {
    /// The memory, as an empty vector of values.
    fn take<'t>(&mut self) -> Vec<Value<'t>> {
        reuse(std::mem::take(&mut self.0))
    }

    /// Keeps `values`'s memory for the next [`take`](Spare::take).
    fn keep(&mut self, values: Vec<Value<'_>>) {
        self.0 = reuse(values);
    }
}

/// `v`'s memory as an empty vector of `U`.
fn reuse<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the vector was emptied"))
        .collect()
}
