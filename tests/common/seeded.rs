//! The seeded random number generator of the integration tests that draw data or initial
//! weights; each includes this file with `#[path = "common/seeded.rs"] mod seeded;`.

#![allow(dead_code)]

use rand::{SeedableRng, rngs::StdRng};

/// A `StdRng` seeded with `seed`: the same numbers on every run.
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}
