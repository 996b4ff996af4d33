//! The library's `diagnose` on a running session: a copy of what it needs is taken under the
//! lock, and the checkup runs on a thread of its own, so training does not wait for it.

use tapegrad::diagnose::{Checkup, Finding, History};
use tapegrad::loss::Loss;
use tapegrad::nn::Mlp;

use crate::frame::{FindingJson, finding_json};
use crate::trainer::Trainer;

/// The most training points a checkup looks at (its plateau check differentiates the loss
/// over all of them once per parameter).
const SAMPLES: usize = 250;

/// What a checkup needs, copied out of a run.
#[derive(Debug)]
pub struct Job {
    model: Mlp,
    inputs: Vec<Vec<f64>>,
    labels: Vec<f64>,
    loss: Loss,
    history: History,
    /// The epoch of the history's first loss.
    offset: usize,
    /// The run's generation: findings for a network since replaced are dropped.
    pub generation: u64,
}

impl Trainer {
    /// A copy of the network, up to [`SAMPLES`] training points and the recent history.
    pub fn diagnosis_job(&self) -> Job {
        let n = self.encoded.train_x.len().min(SAMPLES);
        let mut history = History::new();
        for (i, record) in self.history.iter().enumerate() {
            if i > 0 {
                history.push_update_ratios(record.ratios.clone());
            }
            history.push_loss(record.loss);
        }
        Job {
            model: self.model.clone(),
            inputs: self.encoded.train_x[..n].to_vec(),
            labels: self.encoded.train_y[..n].to_vec(),
            loss: self.spec.loss,
            history,
            offset: self.history_start as usize,
            generation: self.generation,
        }
    }
}

impl Job {
    /// The findings, their epochs counted from the start of the run.
    pub fn run(&self) -> Vec<FindingJson> {
        let checkup =
            Checkup::new(&self.model, &self.inputs, &self.labels, self.loss).history(&self.history);
        let Ok(diagnosis) = checkup.run() else {
            return Vec::new();
        };
        diagnosis
            .findings()
            .iter()
            .map(|f| {
                let mut f = f.clone();
                match &mut f {
                    Finding::LossRising {
                        best_epoch,
                        last_epoch,
                        ..
                    } => {
                        *best_epoch += self.offset;
                        *last_epoch += self.offset;
                    }
                    Finding::Plateau {
                        since, last_epoch, ..
                    } => {
                        *since += self.offset;
                        *last_epoch += self.offset;
                    }
                    _ => {}
                }
                finding_json(&f)
            })
            .collect()
    }
}
