//! The guide: how reverse-mode automatic differentiation works, told with tapegrad.
//!
//! Each chapter is a page of these docs (and a file in `docs/guide/`, which reads the same on
//! GitHub); every code block in it is compiled and run as a doctest, so the numbers you read
//! are the numbers the crate computes, and every output a chapter shows is asserted. A block
//! compiles as it is in a crate of your own that depends on tapegrad: one that uses `?` is a
//! whole program, the others are the body of a `fn main`. Each chapter is one sitting.
//!
//! 1. [`a_value_and_its_derivative`]: one op, its local derivative, checked by finite
//!    differences; what the check says at a kink.
//! 2. [`write_the_engine_yourself`]: a complete scalar tape in 57 lines (add, mul, tanh,
//!    backward), checked against tapegrad number for number.
//! 3. [`the_chain_rule_on_a_tape`]: a small expression, its backward trace, its graph picture.
//! 4. [`why_the_order_matters`]: `b = a + a; c = b + b`, naive vs in topological order.
//! 5. [`one_neuron`]: micrograd's tanh neuron by hand with the engine, then from `nn`.
//! 6. [`an_mlp_learning_the_circle`]: a 2 → 4 → 1 network learns the Playground's circle, and
//!    the pictures of what it learned.
//! 7. [`the_playgrounds_knobs`]: what the learning rate, the batch size and the width do to it.
//! 8. [`my_loss_went_up`]: two reports, and what `diagnose` says about each: a hand gradient
//!    that points uphill, and a right gradient on a network too simple for odd/even.
//! 9. [`taking_your_network_further`]: the circle network saved, loaded back bit for bit, and
//!    handed to PyTorch as safetensors.
//! 10. [`the_derivative_of_a_derivative`]: backward recorded on the tape, traced; why relu's
//!     second derivative is zero; curvature along a direction, and Newton's method.
//!
//! Coming from micrograd? [`coming_from_micrograd`] translates its names (`Value`, `.grad`,
//! `zero_grad`, `MLP`, `parameters`, ...) to tapegrad's, in a table.
//!
//! The helpers chapters 6 and 7 share live in one place, [`helpers`].

/// A page of the guide, as build.rs prepares it for rustdoc from `docs/guide/`: its pictures
/// inline, its links to other pages pointing at their modules here.
macro_rules! guide_page {
    ($file:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/docs/guide/", $file))
    };
}

#[doc = guide_page!("01-a-value-and-its-derivative.md")]
pub mod a_value_and_its_derivative {}

#[doc = guide_page!("02-write-the-engine-yourself.md")]
pub mod write_the_engine_yourself {}

#[doc = guide_page!("03-the-chain-rule-on-a-tape.md")]
pub mod the_chain_rule_on_a_tape {}

#[doc = guide_page!("04-why-the-order-matters.md")]
pub mod why_the_order_matters {}

#[doc = guide_page!("05-one-neuron.md")]
pub mod one_neuron {}

#[doc = guide_page!("06-an-mlp-learning-the-circle.md")]
pub mod an_mlp_learning_the_circle {}

#[doc = guide_page!("07-the-playgrounds-knobs.md")]
pub mod the_playgrounds_knobs {}

#[doc = guide_page!("08-my-loss-went-up.md")]
pub mod my_loss_went_up {}

#[doc = guide_page!("09-taking-your-network-further.md")]
pub mod taking_your_network_further {}

#[doc = guide_page!("10-the-derivative-of-a-derivative.md")]
pub mod the_derivative_of_a_derivative {}

#[doc = guide_page!("coming-from-micrograd.md")]
pub mod coming_from_micrograd {}

pub mod helpers {
    //! What chapters 6 and 7 share, written once: the plain training loop of chapter 6 as a
    //! function. (The accuracy they measure is the library's,
    //! [`nn::accuracy`](crate::nn::accuracy).)

    use crate::datasets::Point;
    use crate::nn::{BatchGradients, Mlp, batch_loss};
    use crate::optim::{Optimizer, Sgd, check_loss};
    use crate::{Error, loss};

    /// Trains `model` on `points` for `epochs` passes, in batches of `batch` points (in
    /// order, the last one possibly smaller), with plain gradient descent at learning rate
    /// `lr` on the Playground's loss `½·(output − label)²`, averaged over each batch. Returns
    /// the loss of every batch, in order. This is the loop chapter 6 writes out.
    ///
    /// ```
    /// use tapegrad::datasets::Point;
    /// use tapegrad::nn::{Activation::Tanh, Mlp, Neuron, Layer};
    /// use tapegrad::tutorial::helpers::train;
    ///
    /// // One neuron, tanh(w·x + b), learning the sign of x.
    /// let neuron = Neuron::from_parts(vec![0.1, 0.0], 0.0, Tanh);
    /// let mut model = Mlp::from_layers(vec![Layer::from_neurons(vec![neuron])?])?;
    /// let points = [Point::new(-1.0, 0.0, -1.0), Point::new(1.0, 0.0, 1.0)];
    /// let losses = train(&mut model, &points, 0.5, 2, 20)?;
    /// assert_eq!(losses.len(), 20); // 20 epochs of one batch
    /// assert!(losses[19] < 0.05 && losses[19] < losses[0]);
    /// # Ok::<(), tapegrad::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InputSize`] if the model does not take 2 inputs; [`Error::NonFiniteInput`]
    /// if a point's coordinates are NaN or infinite; [`Error::NonFinite`] when a batch's
    /// loss, a gradient or an update is NaN or infinite (the learning rate is too high),
    /// naming the update it happened at.
    ///
    /// # Panics
    /// If `batch` is 0, or `lr` is negative or not finite.
    pub fn train(
        model: &mut Mlp,
        points: &[Point],
        lr: f64,
        batch: usize,
        epochs: usize,
    ) -> Result<Vec<f64>, Error> {
        let mut opt = Sgd::new(lr);
        let mut grads = BatchGradients::new();
        let mut losses = Vec::new();
        for _epoch in 0..epochs {
            for chunk in points.chunks(batch) {
                let loss = batch_loss(
                    model,
                    chunk,
                    |out, p| loss::half_squared_error(out[0], p.label),
                    1,
                    &mut grads,
                )?;
                check_loss(opt.step_count(), loss)?;
                opt.step(model, &grads)?;
                losses.push(loss);
            }
        }
        Ok(losses)
    }
}
