//! Engine throughput: forward + backward over a long chain and a wide random graph.
fn main() {}
