//! What a model or loss of your own sees while `nn::batch_loss` records a run in pieces, cutting
//! its tape back to the parameters between them: no handle or gradient from one piece may
//! name a node of the next. A model with many parameters makes every sample a piece of its
//! own.

#[path = "common/panics.rs"]
mod panics;

use std::sync::Mutex;

use panics::panic_message;
use tapegrad::nn::{BatchGradients, Forward, Module, batch_loss};
use tapegrad::{Gradients, Value};

/// y = a·x, with `WIDE - 1` more parameters the pass never reads: enough that
/// `batch_loss` records each sample as a piece of its own.
#[derive(Debug)]
struct Wide {
    params: Vec<f64>,
}

const WIDE: usize = 30_000;

impl Wide {
    fn new(a: f64) -> Self {
        let mut params = vec![0.0; WIDE];
        params[0] = a;
        Wide { params }
    }
}

impl Module for Wide {
    fn visit_parameters(&self, f: &mut dyn FnMut(f64)) {
        self.params.iter().for_each(|&p| f(p));
    }
    fn visit_parameters_mut(&mut self, f: &mut dyn FnMut(&mut f64)) {
        self.params.iter_mut().for_each(f);
    }
    fn named_parameters(&self) -> tapegrad::indexmap::IndexMap<String, f64> {
        let names = (0..WIDE).map(|i| format!("p{i}"));
        names.zip(self.params.iter().copied()).collect()
    }
}

impl Forward for Wide {
    fn nin(&self) -> usize {
        1
    }
    fn forward_unchecked<'t>(&self, params: &[Value<'t>], inputs: &[Value<'t>]) -> Vec<Value<'t>> {
        vec![params[0] * inputs[0]]
    }
    /// Appends its output instead of replacing what `out` held, as the trait asks: a slip
    /// that `batch_loss` should not turn into a handle to a node of another piece.
    fn forward_into<'t>(
        &self,
        params: &[Value<'t>],
        inputs: &[Value<'t>],
        out: &mut Vec<Value<'t>>,
    ) -> Result<(), tapegrad::Error> {
        out.push(params[0] * inputs[0]);
        Ok(())
    }
}

const BATCH: [(f64, ()); 3] = [(1.0, ()), (2.0, ()), (4.0, ())];

#[test]
fn a_pass_that_appends_to_its_outputs_still_gives_each_samples_own() {
    // mean(a·x) = 3·7/3 = 7, and d/da = mean(x) = 7/3.
    let model = Wide::new(3.0);
    let mut grads = BatchGradients::new();
    let loss = batch_loss(&model, &BATCH, |out, _| out[0], 1, &mut grads).unwrap();
    assert_eq!(loss, 7.0);
    assert_eq!(grads[0], 7.0 / 3.0);
    assert!(grads[1..].iter().all(|&g| g == 0.0));
}

/// The gradients of the last sample's output, kept from one call of [`keeping`] to the next.
static KEPT: Mutex<Option<Gradients>> = Mutex::new(None);

/// A loss that keeps its output's gradients, and reads what the last sample's say of this
/// one's output.
fn keeping<'t>(out: &[Value<'t>], _: &(f64, ())) -> Value<'t> {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(earlier) = kept.as_ref() {
        assert_eq!(
            earlier.wrt(out[0]),
            0.0,
            "a gradient of another piece's node"
        );
    }
    *kept = Some(out[0].backward());
    out[0]
}

#[test]
fn gradients_kept_from_one_piece_are_refused_in_the_next() {
    // Over one tape, the gradients of an earlier sample's output give 0 for a later sample's
    // (recorded after it). Across pieces the later output sits at the index the earlier one
    // had: the old gradients must panic, not give the earlier output's 1.
    let model = Wide::new(3.0);
    let message = panic_message(|| {
        let _ = batch_loss(&model, &BATCH, keeping, 1, &mut BatchGradients::new());
    });
    assert!(
        message.starts_with("Gradients::wrt: the tape was cleared"),
        "{message}"
    );
}
