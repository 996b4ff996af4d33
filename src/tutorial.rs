//! The guide: how reverse-mode automatic differentiation works, told with tapegrad.
//!
//! Each chapter is a page of these docs; every code block in it is compiled and run as a
//! doctest, so the numbers you read are the numbers the crate computes.
//!
//! 1. [`a_value_and_its_derivative`]: one op, its local derivative, checked by finite
//!    differences.
//! 2. [`the_chain_rule_on_a_tape`]: a small expression, its backward trace, its graph picture.
//! 3. [`why_the_order_matters`]: `b = a + a; c = b + b`, naive vs in topological order.
//! 4. [`one_neuron`]: micrograd's tanh neuron by hand with the engine, then from `nn`.
//! 5. [`an_mlp_learning_the_circle`]: a 2 → 4 → 1 network learns the Playground's circle; what
//!    the learning rate, the batch size and the width do to it.
//! 6. [`my_loss_went_up`]: two learners' reports: a hand gradient that points uphill, caught by
//!    the gradient check, and a right gradient on a network too simple for odd/even.
//! 7. [`taking_your_network_further`]: the circle network saved, loaded back bit for bit, and
//!    handed to PyTorch as safetensors.

#[doc = include_str!("../docs/guide/01-a-value-and-its-derivative.md")]
pub mod a_value_and_its_derivative {}

#[doc = include_str!("../docs/guide/02-the-chain-rule-on-a-tape.md")]
pub mod the_chain_rule_on_a_tape {}

#[doc = include_str!("../docs/guide/03-why-the-order-matters.md")]
pub mod why_the_order_matters {}

#[doc = include_str!("../docs/guide/04-one-neuron.md")]
pub mod one_neuron {}

#[doc = include_str!("../docs/guide/05-an-mlp-learning-the-circle.md")]
pub mod an_mlp_learning_the_circle {}

#[doc = include_str!("../docs/guide/06-my-loss-went-up.md")]
pub mod my_loss_went_up {}

#[doc = include_str!("../docs/guide/07-taking-your-network-further.md")]
pub mod taking_your_network_further {}
