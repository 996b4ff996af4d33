//! Neural networks on the tape: [`Neuron`](crate::nn), `Layer`, `Mlp`. (Work in progress.)
