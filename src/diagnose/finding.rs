//! [`Finding`]s and the [`Diagnosis`] that lists them, in words a learner understands.

use std::fmt;

use super::{HUGE_LOSS, PROBE_DROP, PROBE_STEPS, SATURATION, UPDATE_RATIO_RULE};
use crate::loss::Loss;
use crate::nn::Activation;

/// One problem a [`Checkup`](super::Checkup) found, with its numbers. `Display` explains it
/// to a learner and says what to try.
///
/// Layers are numbered from 0 on the input side, as in parameter names (`layer0.…`); epochs
/// index [`History::losses`](super::History::losses).
///
/// ```
/// use tapegrad::diagnose::Finding;
///
/// let f = Finding::OneClass { label: 1.0, rows: 4 };
/// assert_eq!(
///     f.to_string(),
///     "Every one of the 4 labels is 1: there is only one class. The network can score \
///      perfectly by always answering 1, and learns nothing about the inputs."
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Finding {
    /// A sample holds a NaN or infinite input (every forward pass refuses it).
    NonFiniteInput {
        /// The sample's position in the data.
        row: usize,
        /// The input's position in the sample.
        input: usize,
        /// The value.
        value: f64,
    },
    /// Labels the loss does not take: not finite, outside `[0, 1]` for cross-entropy, not ±1
    /// for hinge. (The loss functions panic on them.)
    LabelsOutsideDomain {
        /// The loss.
        loss: Loss,
        /// The first such label's position.
        row: usize,
        /// That label.
        label: f64,
        /// How many labels are outside.
        count: usize,
    },
    /// A layer's output is NaN or infinite on a sample: a weighted sum overflowed.
    NonFiniteOutput {
        /// The layer (the last one is the network's output).
        layer: usize,
        /// The sample's position in the data.
        row: usize,
        /// The output.
        value: f64,
    },
    /// Outputs the loss does not take: [`Loss::Bce`] takes probabilities in `[0, 1]`. (It
    /// panics on others.)
    OutputsOutsideDomain {
        /// The loss.
        loss: Loss,
        /// The first such output's sample.
        row: usize,
        /// That output.
        output: f64,
        /// How many outputs are outside.
        count: usize,
    },
    /// Every label is the same.
    OneClass {
        /// The one label.
        label: f64,
        /// How many samples there are.
        rows: usize,
    },
    /// The samples come in blocks, one class after another, and mini-batches take them in
    /// that order.
    SortedByClass {
        /// How many classes (each in one block).
        classes: usize,
        /// The batch size.
        batch_size: usize,
        /// How many samples there are.
        rows: usize,
    },
    /// The loss rose above the lowest it reached and has stayed up for several epochs.
    LossRising {
        /// The epoch of the lowest loss, after which it rose.
        best_epoch: usize,
        /// The lowest loss.
        best: f64,
        /// The last epoch.
        last_epoch: usize,
        /// The last loss.
        now: f64,
        /// For each layer, the largest update/weight ratio of the updates since `best_epoch`
        /// (empty if the history holds no updates).
        update_ratios: Vec<f64>,
    },
    /// Tanh or sigmoid units of a hidden layer that sit near their limits (see
    /// [`SATURATION`]) on most samples ([`SATURATED_SHARE`](super::SATURATED_SHARE)), where
    /// their derivative is almost 0.
    SaturatedUnits {
        /// The layer.
        layer: usize,
        /// Its activation.
        activation: Activation,
        /// How many of its units are saturated on at least
        /// [`SATURATED_SHARE`](super::SATURATED_SHARE) of the samples.
        saturated: usize,
        /// How many units it has.
        units: usize,
        /// The share of samples on which those units are saturated, on average (0 to 1).
        samples: f64,
    },
    /// Relu units of a hidden layer that output 0 on every sample: they pass back no gradient
    /// and cannot recover.
    DeadUnits {
        /// The layer.
        layer: usize,
        /// How many of its units are dead.
        dead: usize,
        /// How many units it has.
        units: usize,
    },
    /// The gradient's norm differs by more than [`UNEVEN_GRADIENTS`](super::UNEVEN_GRADIENTS)×
    /// between layers.
    UnevenGradients {
        /// The norm of the loss's gradient with respect to each layer's parameters.
        norms: Vec<f64>,
    },
    /// The gradients the loop stepped with disagree with finite differences of the loss.
    WrongGradients {
        /// How many parameters' gradients are wrong.
        wrong: usize,
        /// How many parameters there are.
        of: usize,
        /// The worst parameter's name.
        name: String,
        /// The gradient given for it.
        given: f64,
        /// The loss's slope along it, by central differences.
        numeric: f64,
    },
    /// Losses of the run that are NaN or infinite, and not a rise from a finite loss (that is a
    /// [`LossRising`](Finding::LossRising)).
    LossNotFinite {
        /// The first epoch whose loss is not finite.
        epoch: usize,
        /// Its loss.
        value: f64,
        /// How many epochs' losses are not finite.
        count: usize,
        /// How many epochs were recorded.
        epochs: usize,
    },
    /// At the model's parameters, the loss on a sample is NaN or infinite though its input and
    /// label are finite numbers the loss takes: the output and the label are too far apart.
    SampleLossNotFinite {
        /// The first such sample's position.
        row: usize,
        /// The network's output on it (its first output that gives a non-finite loss).
        output: f64,
        /// The label of that output.
        label: f64,
        /// The loss.
        value: f64,
        /// How many samples' losses are not finite.
        count: usize,
    },
    /// A loss of the run above [`HUGE_LOSS`](super::HUGE_LOSS), with what could be out of
    /// scale.
    HugeLoss {
        /// The first epoch whose loss is that large.
        epoch: usize,
        /// Its loss.
        loss: f64,
        /// The largest input, in absolute value.
        input: f64,
        /// The largest label, in absolute value.
        label: f64,
        /// The model's largest parameter, in absolute value.
        weight: f64,
    },
    /// The loss has barely moved (as for a [`Plateau`](Finding::Plateau)) while the gradients
    /// are right, but it was not at a floor: the checkup's own
    /// [`PROBE_STEPS`](super::PROBE_STEPS) steps of gradient descent lower it by
    /// [`PROBE_DROP`](super::PROBE_DROP) or more. The run's steps were too small or too few.
    SlowProgress {
        /// The first epoch of the stretch judged.
        since: usize,
        /// The last epoch.
        last_epoch: usize,
        /// The loss at the last epoch, as recorded.
        loss: f64,
        /// The model's mean loss now, computed with the [`Loss`] on every sample.
        mean_loss: f64,
        /// The mean loss of the best constant answer.
        constant: f64,
        /// The mean loss after the checkup's own steps.
        probe_loss: f64,
    },
    /// The loss has stopped moving, no better than half of what always answering one constant
    /// would cost, while the gradients are right and the checkup's own
    /// [`PROBE_STEPS`](super::PROBE_STEPS) steps of gradient descent lower it by less than
    /// [`PROBE_DROP`](super::PROBE_DROP): it is at a floor.
    Plateau {
        /// The first epoch of the stretch judged.
        since: usize,
        /// The last epoch.
        last_epoch: usize,
        /// The loss at the last epoch, as the history holds it.
        loss: f64,
        /// The model's mean loss now, computed with the [`Loss`] on every sample.
        mean_loss: f64,
        /// The mean loss of the best constant answer (the labels' mean, for most losses).
        constant: f64,
        /// The norm of the loss's gradient with respect to all parameters.
        gradient_norm: f64,
        /// How many parameters [`check_gradients`](crate::check_gradients) compared (all passed).
        checked: usize,
        /// Whether dead or saturated units were found too (the likely cause).
        stuck_units: bool,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl Finding {
    /// The text of the finding; `gradients_wrong` when the same diagnosis found wrong
    /// gradients, which are then the cause a rise is blamed on (not the learning rate).
    fn write(&self, f: &mut fmt::Formatter<'_>, gradients_wrong: bool) -> fmt::Result {
        match self {
            Finding::NonFiniteInput { row, input, value } => write!(
                f,
                "Sample {row}, input {input}, is {value}: a network takes finite numbers only, and \
                 every forward pass refuses it. Fix or drop that sample."
            ),
            Finding::LabelsOutsideDomain {
                loss,
                row,
                label,
                count,
            } => {
                let advice = match loss {
                    _ if !label.is_finite() => "every label must be a finite number".to_string(),
                    Loss::Hinge => {
                        "hinge takes labels -1 and 1: map 0/1 labels with 2y - 1".to_string()
                    }
                    Loss::Bce | Loss::BceWithLogits => format!(
                        "{loss} takes labels 0 and 1 (or soft labels between): map -1/1 labels \
                         with (y + 1) / 2"
                    ),
                    Loss::Mse | Loss::HalfSquaredError => {
                        format!("{loss} takes any finite label")
                    }
                };
                write!(
                    f,
                    "The label of sample {row} is {label}{}, which {loss} cannot take: {advice}.",
                    and_more(*count)
                )
            }
            Finding::NonFiniteOutput { layer, row, value } => write!(
                f,
                "Layer {layer}'s output on sample {row} is {value}: a weighted sum overflowed, so \
                 the weights have grown far too large (a learning rate too high?). Nothing can be \
                 learned from it."
            ),
            Finding::OutputsOutsideDomain {
                loss,
                row,
                output,
                count,
            } => write!(
                f,
                "The network's output on sample {row} is {output:.4}{}, which {loss} cannot take: \
                 it takes probabilities in [0, 1]. Give the network a sigmoid output, or give its \
                 raw score to bce_with_logits.",
                and_more(*count)
            ),
            Finding::OneClass { label, rows } => write!(
                f,
                "Every one of the {rows} labels is {label}: there is only one class. The network \
                 can score perfectly by always answering {label}, and learns nothing about the \
                 inputs."
            ),
            Finding::SortedByClass {
                classes,
                batch_size,
                rows,
            } => write!(
                f,
                "The {rows} samples come sorted by class ({classes} blocks, one per label), and \
                 batches of {batch_size} take them in that order: most batches hold one class \
                 only, and each step pulls the network towards it. Shuffle the samples, every \
                 epoch."
            ),
            Finding::LossRising {
                best_epoch,
                best,
                last_epoch,
                now,
                update_ratios,
            } => {
                write!(
                    f,
                    "The loss went up: from {best:.4} at epoch {best_epoch} to {now:.4} at epoch \
                     {last_epoch}, and it has not come back down."
                )?;
                if gradients_wrong {
                    f.write_str(
                        " The wrong gradients above are the cause: a step along a wrong \
                         gradient can climb the loss whatever the learning rate.",
                    )?;
                } else {
                    f.write_str(" Is the learning rate too high?")?;
                }
                if !update_ratios.is_empty() {
                    let per_layer: Vec<String> = update_ratios
                        .iter()
                        .enumerate()
                        .map(|(l, r)| format!("layer {l} {r:.1e}"))
                        .collect();
                    write!(
                        f,
                        " The largest update/weight ratio per layer since epoch {best_epoch}: {}.",
                        per_layer.join(", ")
                    )?;
                    if !gradients_wrong {
                        write!(
                            f,
                            " A rule of thumb (Karpathy) is about {UPDATE_RATIO_RULE:.0e} per \
                             step; far above it, each step throws the weights around instead of \
                             nudging them."
                        )?;
                    }
                }
                Ok(())
            }
            Finding::SaturatedUnits {
                layer,
                activation,
                saturated,
                units,
                samples,
            } => {
                let limit = match activation {
                    Activation::Sigmoid => format!("within {:.2} of 0 or 1", 1.0 - SATURATION),
                    _ => format!("|output| > {SATURATION}"),
                };
                write!(
                    f,
                    "Layer {layer} ({activation}): {} saturated, {limit} on {:.0}% of the \
                     samples on average. There a unit's derivative is almost 0, so almost no \
                     gradient passes through it. Smaller weights (a smaller learning rate or \
                     initialisation) or inputs scaled to about [-1, 1] keep units in their \
                     active range.",
                    units_text(*saturated, *units),
                    100.0 * samples
                )
            }
            Finding::DeadUnits { layer, dead, units } => write!(
                f,
                "Layer {layer} (relu): {} dead: {} 0 on every sample, so {} back no gradient \
                 and can never recover. A big step (a learning rate too high) or an unlucky start \
                 does this; try a smaller learning rate or another seed.",
                units_text(*dead, *units),
                if *dead == 1 {
                    "it outputs"
                } else {
                    "they output"
                },
                if *dead == 1 { "it passes" } else { "they pass" },
            ),
            Finding::UnevenGradients { norms } if norms.is_empty() => f.write_str(
                "The gradient's norm per layer differs between layers (no norms given).",
            ),
            Finding::UnevenGradients { norms } => {
                let (lo, hi) = extremes(norms);
                let per_layer: Vec<String> = norms
                    .iter()
                    .enumerate()
                    .map(|(l, n)| format!("layer {l} {}", norm_text(*n)))
                    .collect();
                let which = if lo < hi {
                    "vanishing gradients: the layers near the input get almost none of it and \
                     barely learn. Saturated units are the usual cause; relu, or smaller \
                     weights, help"
                } else {
                    "exploding gradients: the layers near the input get far more than the others \
                     and their steps overshoot. A smaller learning rate or smaller weights help"
                };
                write!(
                    f,
                    "The gradient's norm per layer differs {} between layers ({}): {which}.",
                    ratio_text(norms[hi], norms[lo]),
                    per_layer.join(", ")
                )
            }
            Finding::WrongGradients {
                wrong,
                of,
                name,
                given,
                numeric,
            } => write!(
                f,
                "The gradients the loop stepped with are wrong: {wrong} of {of} disagree with \
                 finite differences of the loss. The worst, {name}, is {given:.4} where the \
                 loss's slope is {numeric:.4}. With wrong gradients a step can climb the loss \
                 instead of descending it: fix the backward pass (check it with \
                 check_gradients) before tuning the learning rate."
            ),
            Finding::LossNotFinite {
                epoch,
                value,
                count,
                epochs,
            } => {
                if *count == *epochs {
                    write!(
                        f,
                        "The loss is {value} at every one of the {epochs} epochs recorded: the \
                         loop never computed a number, so it learned nothing."
                    )?;
                } else if *epoch == 0 {
                    write!(
                        f,
                        "The loss is {value} from the first epoch on ({count} of the {epochs} \
                         epochs recorded are not finite)."
                    )?;
                } else {
                    write!(
                        f,
                        "The loss became {value} at epoch {epoch} ({count} of the {epochs} \
                         epochs recorded are not finite)."
                    )?;
                }
                f.write_str(
                    " Print the loss of one batch, sample by sample: a label or an output the \
                     loss cannot take, a division by zero, the ln of 0 or a sum that overflowed \
                     (weights grown huge, a learning rate too high?) are the usual causes.",
                )
            }
            Finding::SampleLossNotFinite {
                row,
                output,
                label,
                value,
                count,
            } => write!(
                f,
                "At the model's parameters, the loss on sample {row} is {value}{} (output {}, \
                 label {}): the output and the label are too far apart for an f64 to hold the \
                 loss. Scale the labels and the inputs to about [-1, 1].",
                and_more(*count),
                number(*output),
                number(*label)
            ),
            Finding::HugeLoss {
                epoch,
                loss,
                input,
                label,
                weight,
            } => write!(
                f,
                "The loss is {loss:.1e} at epoch {epoch}, astronomically large (above \
                 {HUGE_LOSS:.1e}, where squaring it overflows): the outputs are some {:.0e} or \
                 more away from the labels. The largest input is {}, the largest label {} and \
                 the largest weight {}: scale inputs and labels far above 1 to about [-1, 1]; \
                 weights grow that large when the learning rate is too high.",
                loss.sqrt(),
                number(*input),
                number(*label),
                number(*weight)
            ),
            Finding::SlowProgress {
                since,
                last_epoch,
                loss,
                mean_loss,
                constant,
                probe_loss,
            } => write!(
                f,
                "The loss has barely moved from epoch {since} to {last_epoch} (it is {loss:.4}), \
                 and the model's mean loss, {mean_loss:.4}, is {} what giving every sample the \
                 same answer costs ({constant:.4}). But it is not stuck: {PROBE_STEPS} steps of \
                 gradient descent from where the run stopped, each as long as lowers the loss, \
                 take it to {probe_loss:.4}. The run's steps were too small or too few: raise \
                 the learning rate, train for more epochs, or take smaller batches (more steps \
                 per epoch).",
                compared(*mean_loss, *constant)
            ),
            Finding::Plateau {
                since,
                last_epoch,
                loss,
                mean_loss,
                constant,
                gradient_norm,
                checked,
                stuck_units,
            } => {
                write!(
                    f,
                    "The loss has stayed at {loss:.4} from epoch {since} to {last_epoch}, and \
                     the model's mean loss, {mean_loss:.4}, is {} what giving every sample the \
                     same answer costs ({constant:.4}). The gradients are right \
                     (check_gradients passed on all {checked} parameters; their norm is {}), \
                     and {PROBE_STEPS} steps of gradient descent from here lower the loss by \
                     less than {:.0}%: ",
                    compared(*mean_loss, *constant),
                    norm_text(*gradient_norm),
                    100.0 * PROBE_DROP
                )?;
                if *stuck_units {
                    f.write_str(
                        "the units above that no longer learn are the likely cause. If bringing \
                         them back does not help, the network may not be able to represent this \
                         data.",
                    )
                } else {
                    f.write_str(
                        "the loss is at a floor. The network may not be able to represent this \
                         data: try another architecture, or another way of encoding the inputs.",
                    )
                }
            }
        }
    }
}

/// How a mean loss compares with the constant answer's: `no better than`, or `71% of`.
fn compared(mean_loss: f64, constant: f64) -> String {
    if mean_loss >= 0.99 * constant {
        "no better than".to_string()
    } else {
        format!("{:.0}% of", 100.0 * mean_loss / constant)
    }
}

/// ` (and 2 more)` after the first of `count` things, or nothing.
fn and_more(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    }
}

/// `1 of 1 unit (100%) is` or `3 of 4 units (75%) are`.
fn units_text(part: usize, whole: usize) -> String {
    let verb = if part == 1 { "is" } else { "are" };
    format!(
        "{part} of {whole} unit{} ({:.0}%) {verb}",
        if whole == 1 { "" } else { "s" },
        100.0 * part as f64 / whole as f64
    )
}

/// A norm for the reader: `0`, or `1.6e-5`.
fn norm_text(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x:.1e}")
    }
}

/// A number for the reader: `0`, `-1.5`, `0.0312`, or `1.2e154` when very large or small.
fn number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (1e-3..1e6).contains(&x.abs()) {
        let text = format!("{x:.4}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if x.is_finite() {
            text.to_string()
        } else {
            x.to_string()
        }
    } else {
        format!("{x:.1e}")
    }
}

/// The positions of the smallest and the largest number.
pub(super) fn extremes(xs: &[f64]) -> (usize, usize) {
    let mut lo = 0;
    let mut hi = 0;
    for (i, &x) in xs.iter().enumerate() {
        if x < xs[lo] {
            lo = i;
        }
        if x > xs[hi] {
            hi = i;
        }
    }
    (lo, hi)
}

/// `120×`, or `infinitely (one is 0)`.
fn ratio_text(big: f64, small: f64) -> String {
    if small == 0.0 {
        "without bound (one layer gets none at all)".to_string()
    } else {
        format!("{:.0}×", big / small)
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnosis
// ---------------------------------------------------------------------------------------------

/// What a [`Checkup`](super::Checkup) found: its [`Finding`]s, causes before what they did
/// (the data; wrong gradients; a rising, non-finite or huge loss; the units; uneven
/// gradients; a stuck loss). When the gradients are wrong, a rise is blamed on them, not on
/// the learning rate.
/// `Display` prints each as a paragraph, or one line saying nothing was found.
///
/// ```
/// use tapegrad::diagnose::{Diagnosis, Finding};
///
/// let d = Diagnosis::from_findings(vec![Finding::OneClass { label: 0.0, rows: 2 }]);
/// assert_eq!(d.findings().len(), 1);
/// assert!(d.to_string().starts_with("Diagnosis: 1 finding\n- Every one of the 2 labels is 0"));
/// assert_eq!(Diagnosis::default().to_string(), "Diagnosis: nothing found\n");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagnosis {
    findings: Vec<Finding>,
}

impl Diagnosis {
    /// A diagnosis holding `findings`, in order.
    ///
    /// ```
    /// let d = tapegrad::diagnose::Diagnosis::from_findings(vec![]);
    /// assert!(d.is_empty());
    /// ```
    #[must_use]
    pub fn from_findings(findings: Vec<Finding>) -> Self {
        Diagnosis { findings }
    }

    /// The findings, most basic first.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::Diagnosis::default().findings().is_empty());
    /// ```
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Whether nothing was found.
    ///
    /// ```
    /// assert!(tapegrad::diagnose::Diagnosis::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.findings.len() {
            0 => return writeln!(f, "Diagnosis: nothing found"),
            1 => writeln!(f, "Diagnosis: 1 finding")?,
            n => writeln!(f, "Diagnosis: {n} findings")?,
        }
        let gradients_wrong = self
            .findings
            .iter()
            .any(|f| matches!(f, Finding::WrongGradients { .. }));
        for finding in &self.findings {
            let text = InDiagnosis {
                finding,
                gradients_wrong,
            }
            .to_string();
            // Wrapped for a terminal: "- " before the first line, two spaces before the rest.
            let mut line = String::from("-");
            for word in text.split(' ') {
                if line.chars().count() + 1 + word.chars().count() > WIDTH && line.len() > 2 {
                    writeln!(f, "{line}")?;
                    line = String::from(" ");
                }
                line.push(' ');
                line.push_str(word);
            }
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// A finding as a diagnosis prints it, knowing the other findings.
struct InDiagnosis<'a> {
    finding: &'a Finding,
    gradients_wrong: bool,
}

impl fmt::Display for InDiagnosis<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.finding.write(f, self.gradients_wrong)
    }
}

/// The width [`Diagnosis`] wraps its paragraphs to.
const WIDTH: usize = 88;
